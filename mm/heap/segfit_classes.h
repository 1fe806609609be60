/*
 * segfit's small classes, private to segfit.c and segfit_reclaim.c: the
 * class of a size, its block size and alignment, and putting a free range
 * back on the class lists. See segfit.h for the design.
 */
#ifndef KEEL_MM_HEAP_SEGFIT_CLASSES_H
#define KEEL_MM_HEAP_SEGFIT_CLASSES_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/heap/segfit.h"

_Static_assert(SEGFIT_SMALL_MAX % SEGFIT_QUANTUM == 0 && SEGFIT_SMALL_ALIGN <= SEGFIT_SMALL_MAX,
               "small classes must tile the small range");

/* A run: a used back-end block the front end carves small blocks from. */
#define SEGFIT_RUN_FLAG TLSF_MARK

static inline bool segfit_is_run(const struct tlsf_block *b)
{
    return tlsf_block_is_marked(b);
}

/* A small block's class depends on its size only: ceil(size / 8), so that
 * dealloc finds the list from layout.size alone and an aligned request
 * costs no more memory than an unaligned one of the same size. Every block
 * of class c (cached or live) lies at an address aligned to class_align(c),
 * the natural alignment of its size capped at SEGFIT_SMALL_ALIGN (16 for 48
 * bytes, 32 for 96, 64 for 128 or 256), so a request aligned to at most
 * that takes any block of the list; a more aligned one looks for a block
 * that happens to be aligned enough, else carves or splits one. */

static inline bool is_small(struct layout l)
{
    return l.size <= SEGFIT_SMALL_MAX && l.align <= SEGFIT_SMALL_ALIGN;
}

/* ceil(size / 8), whatever the alignment: 0 for size 0, whose blocks are
 * 8 bytes like class 1's. */
static inline size_t class_of(size_t size)
{
    return (size + SEGFIT_QUANTUM - 1) / SEGFIT_QUANTUM;
}

static inline size_t class_bytes(size_t c)
{
    return c == 0 ? SEGFIT_QUANTUM : c * SEGFIT_QUANTUM;
}

static inline size_t lowbit(uintptr_t x)
{
    return (size_t)(x & -x);
}

static inline size_t class_align(size_t c)
{
    size_t a = lowbit(class_bytes(c));
    return a < SEGFIT_SMALL_ALIGN ? a : SEGFIT_SMALL_ALIGN;
}

/* The alignment a class-c block for a request aligned to `align` needs:
 * the stricter of the two. */
static inline size_t small_align(size_t c, size_t align)
{
    return align > class_align(c) ? align : class_align(c);
}

/* Puts the free range [p, p + bytes) (8-aligned, whole quanta) on the class
 * lists, cut into pieces of at most SEGFIT_SMALL_MAX bytes that each keep
 * the alignment invariant. */
static inline void push_range(struct segfit_heap *s, uintptr_t p, size_t bytes)
{
    while (bytes != 0) {
        size_t piece = bytes < SEGFIT_SMALL_MAX ? bytes : SEGFIT_SMALL_MAX;
        size_t at = lowbit(p);
        if (at < SEGFIT_SMALL_ALIGN && lowbit(piece) > at)
            piece -= at; /* now lowbit(piece) == at */
        struct segfit_small *b = (struct segfit_small *)p;
        b->next = s->lists[piece / SEGFIT_QUANTUM];
        s->lists[piece / SEGFIT_QUANTUM] = b;
        p += piece;
        bytes -= piece;
    }
}

/* A bound on the bytes the class lists hold, kept off the fast paths: the
 * runs' bytes less their uncarved tail and the small blocks in use. It
 * exceeds the lists' bytes by the rounding of the live small blocks' sizes
 * (at most 7 bytes each, 8 for size 0), which changes slowly, so the
 * difference of two bounds tracks the bytes freed into the lists. */
static inline size_t segfit_cached_bound(const struct segfit_heap *s)
{
    return s->run_bytes - (s->bump_end - s->bump) - (s->counts.bytes_in_use - s->large_bytes);
}

/* The reclaim pass (segfit_reclaim.c): gives the cached small blocks back
 * to the back end where they form long enough free ranges; true if there
 * was anything to reclaim. */
bool segfit_reclaim_cached(struct segfit_heap *s);

#endif
