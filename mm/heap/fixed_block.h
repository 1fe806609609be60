/*
 * fixed_block: power-of-two size classes in front of a linked_list.
 *
 *   class:   8   16   32   64   128   256   512   1024   2048 bytes
 *   lists:  [ ]->[ ]->...   one LIFO free list per class
 *
 * A request goes to class k, the smallest 2^k >= max(size, align, 8); a
 * class block is both 2^k bytes and 2^k-aligned, so any layout that maps to
 * the class fits any of its blocks. alloc pops the class list in O(1); an
 * empty list takes one block from the fallback linked_list. dealloc pushes
 * the block back in O(1), routed by the same rule from the layout. Requests
 * above 2048 bytes or aligned above 2048 go straight to the fallback.
 *
 * Free class blocks are only a cache: when the fallback runs out, or when the
 * last live allocation is freed, every cached block is given back to the
 * fallback (where it coalesces), so no memory is lost to a class for good.
 * The fallback's granule is 16 bytes, so an 8-byte class block costs 16.
 */
#ifndef KEEL_MM_HEAP_FIXED_BLOCK_H
#define KEEL_MM_HEAP_FIXED_BLOCK_H

#include <stddef.h>

#include "mm/heap/allocator.h"
#include "mm/heap/linked_list.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FIXED_BLOCK_MIN_SHIFT 3  /* 8 bytes */
#define FIXED_BLOCK_MAX_SHIFT 11 /* 2048 bytes */
#define FIXED_BLOCK_CLASSES   (FIXED_BLOCK_MAX_SHIFT - FIXED_BLOCK_MIN_SHIFT + 1)

struct fixed_block_free {
    struct fixed_block_free *next;
};

struct fixed_block_heap {
    struct linked_list_heap fallback;
    struct fixed_block_free *lists[FIXED_BLOCK_CLASSES];
    size_t cached[FIXED_BLOCK_CLASSES]; /* blocks on each list */
    size_t owned[FIXED_BLOCK_CLASSES];  /* class blocks taken from the fallback (live + cached) */
    size_t large_live, large_bytes;     /* live blocks the fallback serves directly */
    struct heap_counts counts;          /* over all live blocks */
};

extern const struct allocator_ops fixed_block_ops;

static inline struct allocator fixed_block_allocator(struct fixed_block_heap *s)
{
    return (struct allocator){.ops = &fixed_block_ops, .self = s};
}

#ifdef __cplusplus
}
#endif

#endif
