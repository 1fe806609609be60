/*
 * linked_list: a first-fit free list in address order, keel's counterpart of
 * Rust's linked_list_allocator crate.
 *
 *   heap_start                                                    heap_end
 *   |[hole]->[ used ][ used ][hole]->[ used ][        hole        ]->NULL |
 *
 * Every free block ("hole") starts with a node {size, next}; the list is
 * sorted by address, so freeing coalesces with both neighbours in one pass.
 * Live blocks carry no header: dealloc is told the layout, and a live
 * block's size is a pure function of it (linked_list_block_size()).
 *
 * Everything is counted in 16-byte granules (the size and alignment of a
 * node): hole addresses and sizes, block sizes. That makes the front padding
 * an aligned allocation leaves behind, and the tail it does not use, always
 * either empty or big enough to be a hole again, so they go straight back on
 * the list: padding is never lost (the bug of the allocators that drop a
 * remainder smaller than a node).
 *
 * Costs: alloc and dealloc walk the list, O(number of holes). No memory
 * overhead per live block beyond rounding sizes up to 16 bytes.
 */
#ifndef KEEL_MM_HEAP_LINKED_LIST_H
#define KEEL_MM_HEAP_LINKED_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/heap/allocator.h"
#include "mm/heap/heap_counts.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LINKED_LIST_GRANULE 16 /* size and alignment of a hole node */

struct linked_list_hole {
    size_t size; /* bytes, including this node */
    struct linked_list_hole *next;
};

struct linked_list_heap {
    uintptr_t region_start, region_end; /* as given to init/extend */
    uintptr_t heap_start, heap_end;     /* the granule-aligned part in use */
    struct linked_list_hole *head;      /* lowest hole, or NULL when full */
    size_t block_bytes;                 /* sum of live blocks' sizes (rounded) */
    struct heap_counts counts;          /* over live blocks, their layout.size */
};

extern const struct allocator_ops linked_list_ops;

static inline struct allocator linked_list_allocator(struct linked_list_heap *s)
{
    return (struct allocator){.ops = &linked_list_ops, .self = s};
}

#ifdef __cplusplus
}
#endif

#endif
