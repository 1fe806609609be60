/*
 * BINHEAP(T): a priority queue in a binary max-heap, the C counterpart of
 * Rust's BinaryHeap<T>. The caller supplies the order: pop returns the
 * greatest element by `cmp` (negate the comparison for a min-heap).
 *
 *     static int cmp_u64(const void *a, const void *b)
 *     {
 *         uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
 *         return (x > y) - (x < y);
 *     }
 *     typedef BINHEAP(uint64_t) u64_heap;
 *     u64_heap h = BINHEAP_INIT(cmp_u64);
 *     binheap_push(&h, 5);
 *     uint64_t top;
 *     while (binheap_pop(&h, &top)) ...          // descending order
 *     binheap_free(&h);
 *
 * Stored in a vec_raw (alloc/vec.h) in level order: the children of slot i are
 * 2i+1 and 2i+2, and no child compares greater than its parent. push and pop
 * are O(log n), peek O(1). Ties pop in an unspecified order.
 *
 * Typed macros as in vec.h. Aborting forms panic through the kalloc error
 * handler; try_ forms return false and leave the heap unchanged.
 */
#ifndef KEEL_ALLOC_BINHEAP_H
#define KEEL_ALLOC_BINHEAP_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>

#include "alloc/vec.h"

/* Negative, zero or positive as a is less than, equal to or greater than b. */
typedef int (*binheap_cmp_fn)(const void *a, const void *b);

struct binheap_raw {
    struct vec_raw vec;
    binheap_cmp_fn cmp;
};

#define BINHEAP(T)                                                                                 \
    union {                                                                                        \
        struct binheap_raw raw;                                                                    \
        T *ptr; /* element type carrier, never read */                                             \
    }
#define BINHEAP_INIT(cmp_fn)                                                                       \
    {                                                                                              \
        .raw = {.vec = VEC_RAW_INIT, .cmp = (cmp_fn) }                                             \
    }

#define BINHEAP_ELEM_SIZE_(h)  sizeof(*(h)->ptr)
#define BINHEAP_ELEM_ALIGN_(h) alignof(__typeof__(*(h)->ptr))
#define BINHEAP_TMP_(h, x)     ((__typeof__(*(h)->ptr)[1]){x})

#define binheap_len(h)      ((size_t)(h)->raw.vec.len)
#define binheap_is_empty(h) ((h)->raw.vec.len == 0)
/* The greatest element (const T *), NULL if empty. Do not modify it in a way
 * that changes its order. */
#define binheap_peek(h)     ((const __typeof__(*(h)->ptr) *)binheap_raw_peek(&(h)->raw))

#define binheap_push(h, x)                                                                         \
    binheap_raw_push(&(h)->raw, BINHEAP_TMP_(h, x), BINHEAP_ELEM_SIZE_(h), BINHEAP_ELEM_ALIGN_(h))
#define try_binheap_push(h, x)                                                                     \
    try_binheap_raw_push(&(h)->raw, BINHEAP_TMP_(h, x), BINHEAP_ELEM_SIZE_(h),                     \
                         BINHEAP_ELEM_ALIGN_(h))
/* Removes the greatest element into *out (out may be NULL); false if empty. */
#define binheap_pop(h, out)                                                                        \
    binheap_raw_pop(&(h)->raw, (1 ? (out) : (h)->ptr), BINHEAP_ELEM_SIZE_(h))
#define binheap_reserve(h, n)                                                                      \
    vec_raw_reserve(&(h)->raw.vec, (n), BINHEAP_ELEM_SIZE_(h), BINHEAP_ELEM_ALIGN_(h))
#define try_binheap_reserve(h, n)                                                                  \
    try_vec_raw_reserve(&(h)->raw.vec, (n), BINHEAP_ELEM_SIZE_(h), BINHEAP_ELEM_ALIGN_(h))
#define binheap_clear(h) vec_raw_truncate(&(h)->raw.vec, 0)
/* Frees the storage; the heap is empty and reusable (cmp kept). */
#define binheap_free(h)  vec_raw_free(&(h)->raw.vec, BINHEAP_ELEM_SIZE_(h), BINHEAP_ELEM_ALIGN_(h))

/* ---- untyped core (alloc/binheap.c) ---- */

const void *binheap_raw_peek(const struct binheap_raw *h);
void binheap_raw_push(struct binheap_raw *h, const void *elem, size_t elem_size, size_t elem_align);
bool try_binheap_raw_push(struct binheap_raw *h, const void *elem, size_t elem_size,
                          size_t elem_align);
bool binheap_raw_pop(struct binheap_raw *h, void *out, size_t elem_size);

#endif
