/*
 * dummy: the allocator that never allocates.
 *
 * alloc always returns NULL (so every aborting kalloc ends in
 * alloc_error_handler); dealloc can only be reached by a caller bug and
 * panics. Useful to prove that a code path does not allocate, and the first
 * step of the blog_os heap chapter. It keeps no memory of its own: any
 * region, even an empty one, is accepted and only recorded for stats().
 */
#ifndef KEEL_MM_HEAP_DUMMY_H
#define KEEL_MM_HEAP_DUMMY_H

#include <stddef.h>

#include "mm/heap/allocator.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dummy_heap {
    size_t region_size;
};

extern const struct allocator_ops dummy_ops;

static inline struct allocator dummy_allocator(struct dummy_heap *s)
{
    return (struct allocator){.ops = &dummy_ops, .self = s};
}

#ifdef __cplusplus
}
#endif

#endif
