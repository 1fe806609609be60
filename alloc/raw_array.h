/*
 * raw_array: the one place where growable collections (vec, deque, binheap)
 * size, grow and free their element buffers.
 *
 * A buffer of `cap` elements of (elem_size, elem_align) is always allocated
 * and freed with exactly layout_array(elem_size, elem_align, cap), so the
 * allocator sees the same layout on free as on allocation. A capacity of 0
 * means "no buffer" (data == NULL).
 *
 * Every size computation is overflow-checked. Two modes:
 *   RAW_ARRAY_ABORT: a capacity whose byte size overflows panics with
 *     "capacity overflow" (Rust's message); an allocation failure goes to the
 *     kalloc error handler ("allocation error: Layout { ... }").
 *   RAW_ARRAY_TRY:  both return NULL and leave the old buffer untouched.
 *
 * Zero-size element types are not supported (elem_size must be > 0).
 */
#ifndef KEEL_ALLOC_RAW_ARRAY_H
#define KEEL_ALLOC_RAW_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

enum raw_array_mode {
    RAW_ARRAY_ABORT,
    RAW_ARRAY_TRY,
};

/* The capacity to grow to when `cap` elements are allocated and `needed` are
 * required (needed > cap): max(2 * cap, needed, a small minimum), Rust's
 * amortised doubling. Returns 0 if `needed` itself cannot be a capacity
 * (the caller then reports capacity overflow). */
size_t raw_array_grow_cap(size_t cap, size_t needed, size_t elem_size);

/* Moves `data` (old_cap elements, NULL if old_cap == 0) to a buffer of
 * new_cap > 0 elements, keeping the first min(old_cap, new_cap) elements.
 * Returns the new buffer; in RAW_ARRAY_TRY mode NULL on failure (the old
 * buffer is then untouched and still owned by the caller). */
void *raw_array_resize(void *data, size_t old_cap, size_t new_cap, size_t elem_size,
                       size_t elem_align, enum raw_array_mode mode);

/* Frees a buffer of `cap` elements (nothing if cap == 0). */
void raw_array_free(void *data, size_t cap, size_t elem_size, size_t elem_align);

#endif
