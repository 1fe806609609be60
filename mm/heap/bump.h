/*
 * bump: the simplest allocator that can free.
 *
 *   start                 next                        end
 *   |[blk][pad][blk][blk]  |        free                 |
 *
 * alloc aligns `next` up and moves it past the block: O(1), no per-block
 * overhead, no metadata inside the region. dealloc only counts: when the
 * live count drops to zero the whole region is free again and `next` goes
 * back to `start`. As a small bonus, freeing (or reallocating) the most
 * recent block moves `next` back over it, so stack-like use reuses memory.
 * Anything else is leaked until everything is freed.
 */
#ifndef KEEL_MM_HEAP_BUMP_H
#define KEEL_MM_HEAP_BUMP_H

#include <stddef.h>
#include <stdint.h>

#include "mm/heap/allocator.h"
#include "mm/heap/heap_counts.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bump_heap {
    uintptr_t start, end; /* the region */
    uintptr_t next;       /* first byte never handed out since the last reset */
    struct heap_counts counts;
};

extern const struct allocator_ops bump_ops;

static inline struct allocator bump_allocator(struct bump_heap *s)
{
    return (struct allocator){.ops = &bump_ops, .self = s};
}

#ifdef __cplusplus
}
#endif

#endif
