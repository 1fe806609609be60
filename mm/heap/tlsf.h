/*
 * tlsf: the TLSF core (tlsf_core.h) serving every request directly: each
 * block, however small, has a 16-byte header and a 16-byte granule.
 *
 *   alloc    tlsf_core_alloc (good fit, low addresses first; aligned
 *            requests cut a free block off the front)
 *   dealloc  tlsf_core_release (immediate coalescing)
 *   realloc  tlsf_core_realloc: without allocating elsewhere (grow into a
 *            free successor, shrink, slide down into a free predecessor,
 *            or, once the heap is half full, shrink into a snug free
 *            block), else alloc + copy + dealloc
 *
 * keel's default, segfit, is this plus a headerless small-object front end;
 * tlsf stays as the back end alone, to measure what the front end brings
 * (docs/bench.md) and as an allocator with no per-class caching at all.
 *
 * Worst-case time: alloc, dealloc, realloc in place, extend O(1); realloc
 * that moves O(1) + copy; stats walks one list, check everything. Memory:
 * a 16-byte header per block, payloads in whole 16-byte granules, one
 * 16-byte sentinel; the control structure lives outside the region.
 */
#ifndef KEEL_MM_HEAP_TLSF_H
#define KEEL_MM_HEAP_TLSF_H

#include <stddef.h>

#include "mm/heap/allocator.h"
#include "mm/heap/heap_counts.h"
#include "mm/heap/tlsf_core.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tlsf_heap {
    struct tlsf_core core;
    struct heap_counts counts; /* live blocks, sum of their layout.size */
};

extern const struct allocator_ops tlsf_ops;

static inline struct allocator tlsf_allocator(struct tlsf_heap *s)
{
    return (struct allocator){.ops = &tlsf_ops, .self = s};
}

#ifdef __cplusplus
}
#endif

#endif
