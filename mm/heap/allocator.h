/*
 * The allocator vtable: keel's GlobalAlloc.
 *
 * Every allocator design in mm/heap (dummy, bump, linked_list, fixed_block,
 * tlsf, segfit, and the hardened wrapper around any of them) is a
 * `struct allocator`: a state pointer and a table of operations. The four
 * operations of Rust's GlobalAlloc trait come first; the management
 * operations after them are what a kernel heap needs beyond the trait
 * (taking a region, growing and shrinking it, statistics, a consistency
 * walk).
 *
 * Contract of the four allocation operations (the trait's `unsafe` contract,
 * spelled out for C):
 *
 *   alloc(self, layout)
 *     Caller: layout is valid (layout.h). layout.size may be 0.
 *     Allocator: returns NULL, or a pointer p aligned to layout.align such
 *     that [p, p + layout.size) is writable, lies inside the allocator's
 *     region and overlaps no other live block. Contents are unspecified.
 *
 *   dealloc(self, ptr, layout)
 *     Caller: ptr was returned by alloc/alloc_zeroed/realloc of this same
 *     allocator and not freed since; layout is exactly the layout that block
 *     was allocated with (for realloc'd blocks: the old align and new_size).
 *     Allocator: the block becomes free. ptr == NULL is never passed.
 *
 *   alloc_zeroed(self, layout)
 *     As alloc, and the returned bytes are zero. May be NULL in the ops table:
 *     allocator_alloc_zeroed() then does alloc + memset.
 *
 *   realloc(self, ptr, layout, new_size)
 *     Caller: ptr/layout as for dealloc; new_size rounded up to layout.align
 *     does not overflow (layout_new(new_size, layout.align) succeeds).
 *     Allocator: returns NULL and leaves the old block untouched and live, or
 *     returns a block of (new_size, layout.align) whose first
 *     min(layout.size, new_size) bytes equal the old block's; the old block is
 *     then freed (it may be the same pointer). May be NULL in the ops table:
 *     allocator_realloc() then does alloc + copy + dealloc.
 *
 * None of the operations take a lock: the global heap (kalloc.h) serialises
 * calls. Host tests and benchmarks call allocators directly.
 */
#ifndef KEEL_MM_HEAP_ALLOCATOR_H
#define KEEL_MM_HEAP_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "mm/heap/layout.h"

#ifdef __cplusplus
extern "C" {
#endif

struct heap_stats {
    size_t region_size;        /* bytes of region the allocator manages now */
    size_t bytes_in_use;       /* sum of layout.size over live blocks */
    size_t peak_bytes_in_use;  /* high-water mark of bytes_in_use */
    size_t bytes_free;         /* bytes the allocator could still hand out (sum of free blocks) */
    size_t largest_free_block; /* largest single block it could hand out */
    size_t live_allocations;   /* blocks allocated and not yet freed */
};

enum allocator_init_error {
    ALLOCATOR_INIT_OK = 0,
    ALLOCATOR_INIT_REGION_TOO_SMALL, /* smaller than the allocator's own metadata */
    ALLOCATOR_INIT_REGION_MISALIGNED,
    ALLOCATOR_INIT_REGION_WRAPS, /* start + size overflows */
};

struct allocator_ops {
    const char *name; /* "tlsf", "linked_list", ... */

    /* GlobalAlloc. alloc and dealloc are mandatory; alloc_zeroed and realloc
     * may be NULL to use the default implementations. */
    void *(*alloc)(void *self, struct layout layout);
    void (*dealloc)(void *self, void *ptr, struct layout layout);
    void *(*alloc_zeroed)(void *self, struct layout layout);
    void *(*realloc)(void *self, void *ptr, struct layout layout, size_t new_size);

    /* Takes [start, start + size) as the whole region. The allocator may keep
     * its metadata inside the region. Called once, before anything else. */
    enum allocator_init_error (*init)(void *self, void *start, size_t size);
    /* The region now also covers [old_end, old_end + more) (the heap mapped
     * more pages right after it). Returns false if the allocator cannot use
     * the extra memory; the region is then unchanged. */
    bool (*extend)(void *self, size_t more);
    /* Giving memory back, the reverse of extend (both NULL in allocators
     * that never shrink). free_tail: how many bytes at the region's end are
     * free and could go. shrink: the region ends `less` bytes earlier (the
     * heap then unmaps them); false, changing nothing, when less is more
     * than the free tail. */
    size_t (*free_tail)(void *self);
    bool (*shrink)(void *self, size_t less);
    void (*stats)(void *self, struct heap_stats *out);
    /* Walks every internal structure and panics on any inconsistency
     * (overlapping blocks, a corrupted free list, wrong counters...). */
    void (*check)(void *self);
};

struct allocator {
    const struct allocator_ops *ops;
    void *self;
};

/* The trait's default bodies, exported so an allocator can fall back to them. */
void *allocator_default_alloc_zeroed(const struct allocator *a, struct layout layout);
void *allocator_default_realloc(const struct allocator *a, void *ptr, struct layout layout,
                                size_t new_size);

/* The calls everyone uses, one per operation: nobody calls a->ops->...
 * directly. They apply the defaults where the allocator has none
 * (alloc_zeroed, realloc; free_tail is 0 and shrink refuses when the
 * allocator never shrinks). Same contracts as above. Always inlined, at
 * every optimisation level: a call costs what the raw vtable call costs,
 * and the allocator sees the dispatcher's caller as its return address
 * (the hardened heap records it as a block's owner when nothing better is
 * known). */
#define ALLOCATOR_DISPATCH static inline __attribute__((always_inline))

ALLOCATOR_DISPATCH void *allocator_alloc(const struct allocator *a, struct layout layout)
{
    return a->ops->alloc(a->self, layout);
}

ALLOCATOR_DISPATCH void allocator_dealloc(const struct allocator *a, void *ptr,
                                          struct layout layout)
{
    a->ops->dealloc(a->self, ptr, layout);
}

ALLOCATOR_DISPATCH void *allocator_alloc_zeroed(const struct allocator *a, struct layout layout)
{
    if (a->ops->alloc_zeroed != NULL)
        return a->ops->alloc_zeroed(a->self, layout);
    return allocator_default_alloc_zeroed(a, layout);
}

ALLOCATOR_DISPATCH void *allocator_realloc(const struct allocator *a, void *ptr,
                                           struct layout layout, size_t new_size)
{
    if (a->ops->realloc != NULL)
        return a->ops->realloc(a->self, ptr, layout, new_size);
    return allocator_default_realloc(a, ptr, layout, new_size);
}

ALLOCATOR_DISPATCH enum allocator_init_error allocator_init(const struct allocator *a, void *start,
                                                            size_t size)
{
    return a->ops->init(a->self, start, size);
}

ALLOCATOR_DISPATCH bool allocator_extend(const struct allocator *a, size_t more)
{
    return a->ops->extend(a->self, more);
}

ALLOCATOR_DISPATCH size_t allocator_free_tail(const struct allocator *a)
{
    return a->ops->free_tail != NULL ? a->ops->free_tail(a->self) : 0;
}

ALLOCATOR_DISPATCH bool allocator_shrink(const struct allocator *a, size_t less)
{
    return a->ops->shrink != NULL && a->ops->shrink(a->self, less);
}

ALLOCATOR_DISPATCH void allocator_stats(const struct allocator *a, struct heap_stats *out)
{
    a->ops->stats(a->self, out);
}

ALLOCATOR_DISPATCH void allocator_check(const struct allocator *a)
{
    a->ops->check(a->self);
}

#undef ALLOCATOR_DISPATCH

#ifdef __cplusplus
}
#endif

#endif
