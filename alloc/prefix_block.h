/*
 * prefix_block: one allocation holding a header immediately followed by a
 * value, for the reference-counted boxes (rc.h, arc.h).
 *
 *     block                     value_offset
 *     v                         v
 *     [ padding | header ........][ value (size, align) ]
 *
 * The value starts at the first multiple of max(value align, header align)
 * at or after header_size, and the header sits right before it, so either
 * pointer gives the other by a constant offset. The block is allocated with
 * `block` and must be freed with exactly that layout (prefix_block_alloc and
 * prefix_block_free do both).
 */
#ifndef KEEL_ALLOC_PREFIX_BLOCK_H
#define KEEL_ALLOC_PREFIX_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "mm/heap/layout.h"

struct prefix_layout {
    struct layout block; /* layout of the whole allocation */
    size_t value_offset; /* value address - block address */
};

/* Computes the layout for a header of (header_size, header_align), with
 * header_size a multiple of header_align (any struct's size is), and a value
 * of `value`. Returns false if the value's alignment is invalid or the total
 * size overflows. */
static inline bool prefix_layout(size_t header_size, size_t header_align, struct layout value,
                                 struct prefix_layout *out)
{
    if (!layout_align_is_valid(value.align))
        return false;
    size_t align = value.align > header_align ? value.align : header_align;
    if (header_size > layout_max_size(align))
        return false;
    size_t offset = (header_size + align - 1) & ~(align - 1);
    if (value.size > layout_max_size(align) - offset)
        return false;
    if (layout_new(offset + value.size, align, &out->block) != LAYOUT_OK)
        return false;
    out->value_offset = offset;
    return true;
}

/* Allocates a block for a header of (header_size, header_align) and a value
 * of `value`; returns the value's address (the header ends right below
 * it). With `try_` false, memory exhaustion ends in the kalloc error
 * handler and a value layout too large for a block panics with "<who>:
 * value layout too large (size S, align A)"; with `try_` true both return
 * NULL. */
void *prefix_block_alloc(size_t header_size, size_t header_align, struct layout value, bool try_,
                         const char *who);

/* Frees the block of `value`, allocated with the same header and layout. */
void prefix_block_free(void *value, size_t header_size, size_t header_align, struct layout layout);

#endif
