/*
 * struct layout: the size and alignment of a block of memory.
 *
 * The C counterpart of Rust's core::alloc::Layout. Every allocation request
 * in keel carries one, and every free carries the same one back: allocators
 * may rely on it (a small block needs no header when free is told its size).
 *
 * Build layouts with layout_new(), which rejects what no allocator may see:
 * an alignment that is not a non-zero power of two, or a size that overflows
 * when rounded up to its alignment. A layout that passed layout_new() is
 * "valid"; the allocator vtable (allocator.h) only ever receives valid ones.
 */
#ifndef KEEL_MM_HEAP_LAYOUT_H
#define KEEL_MM_HEAP_LAYOUT_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct layout {
    size_t size;  /* bytes requested; may be 0 (see kalloc.h for what 0 means) */
    size_t align; /* a power of two, >= 1 */
};

enum layout_error {
    LAYOUT_OK = 0,
    LAYOUT_ERR_ALIGN_ZERO,     /* align == 0 */
    LAYOUT_ERR_ALIGN_NOT_POW2, /* align is not a power of two */
    LAYOUT_ERR_SIZE_OVERFLOW,  /* size rounded up to align exceeds SIZE_MAX */
};

/* Largest size a valid layout with alignment `align` may have: rounding it up
 * to `align` must not overflow (Rust additionally caps at isize::MAX; keel
 * does too, so that pointer differences stay representable). */
static inline size_t layout_max_size(size_t align)
{
    return ((size_t)INTPTR_MAX) - (align - 1);
}

static inline bool layout_align_is_valid(size_t align)
{
    return align != 0 && (align & (align - 1)) == 0;
}

/* Fills *out and returns LAYOUT_OK, or returns why (size, align) is invalid
 * and leaves *out untouched. */
enum layout_error layout_new(size_t size, size_t align, struct layout *out);

/* Human-readable reason for a layout_error ("alignment is not a power of two"). */
const char *layout_strerror(enum layout_error err);

/* The layout of a C type; always valid. */
#define LAYOUT_OF(type) ((struct layout){.size = sizeof(type), .align = alignof(type)})
/* The layout of an array of n values of a C type, or LAYOUT_ERR_SIZE_OVERFLOW. */
enum layout_error layout_array(size_t elem_size, size_t elem_align, size_t n, struct layout *out);

/* size rounded up to align (the block size an allocator must provide at least). */
static inline size_t layout_padded_size(struct layout l)
{
    return (l.size + l.align - 1) & ~(l.align - 1);
}

#ifdef __cplusplus
}
#endif

#endif
