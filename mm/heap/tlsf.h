/*
 * tlsf: Two-Level Segregated Fit (Masmano et al., 2004); segfit.h builds on it.
 *
 * Free blocks are kept in FL x SL segregated lists:
 *   first level  fl = floor(log2(size))       (sizes below 256 share fl 0)
 *   second level sl = the next 4 bits of size (16 linear sub-ranges per fl)
 * with a bitmap per level saying which lists are non-empty, so finding a
 * list whose every block is big enough is two bit scans (__builtin_ctzll).
 *
 * Memory layout of the region (all addresses and sizes in 16-byte units):
 *
 *   heap_start                                                 heap_end
 *   |[hdr|payload ][hdr|payload.......][hdr|payload ] ... [hdr] |
 *                                                          sentinel (size 0, used)
 *   hdr = {prev_phys, size | FREE}; a free payload holds {next_free, prev_free}
 *
 * Every block knows its physical predecessor (prev_phys) and successor
 * (payload + size), the boundary tags that make coalescing immediate: a
 * freed block merges with free neighbours before it is listed, so no two
 * free blocks are ever adjacent. Big free blocks are split; aligned requests
 * take a block big enough to cut a free block off the front, so alignment
 * padding goes back on the lists instead of being lost.
 *
 * Good fit: a request is served from a list whose every block is big
 * enough; only when there is none does it look at (at most 8) blocks of the
 * list its own size maps to, so a request for exactly the largest free
 * block succeeds.
 *
 * Worst-case time, independent of the number of blocks (copying excluded):
 *   alloc, alloc aligned, dealloc, realloc in place (shrink, or grow into a
 *   free next block), extend: O(1). realloc that must move: O(1) + copy.
 *   stats (largest_free_block) walks one list; check walks everything.
 * Per-block overhead: a 16-byte header; payloads are multiples of 16 bytes,
 * at least 16. Fixed overhead: one 16-byte sentinel at the end of the region
 * (the control structure with the lists lives in struct tlsf_heap, outside
 * the region). The region must hold at least 48 bytes after aligning it to
 * 16; a single block is at most TLSF_BLOCK_MAX bytes (larger regions are
 * used up to that size).
 */
#ifndef KEEL_MM_HEAP_TLSF_H
#define KEEL_MM_HEAP_TLSF_H

#include <stddef.h>
#include <stdint.h>

#include "mm/heap/allocator.h"

#define TLSF_ALIGN_SHIFT  4 /* granule and natural alignment: 16 bytes */
#define TLSF_SL_SHIFT     4 /* 16 second-level lists per first level */
#define TLSF_SL_COUNT     (1 << TLSF_SL_SHIFT)
#define TLSF_FL_SHIFT     (TLSF_SL_SHIFT + TLSF_ALIGN_SHIFT) /* sizes < 256 all map to fl 0 */
#define TLSF_FL_MAX_SHIFT 48                                 /* blocks are < 2^48 bytes */
#define TLSF_FL_COUNT     (TLSF_FL_MAX_SHIFT - TLSF_FL_SHIFT + 1)
#define TLSF_BLOCK_MAX    (((size_t)1 << TLSF_FL_MAX_SHIFT) - (1 << TLSF_ALIGN_SHIFT))

struct tlsf_block;

struct tlsf_heap {
    uintptr_t region_start, region_end; /* as given to init/extend */
    struct tlsf_block *first;           /* lowest block */
    struct tlsf_block *sentinel;        /* zero-size used block ending the heap */
    uint64_t fl_bitmap;                 /* bit fl: some sl list of fl is non-empty */
    uint32_t sl_bitmap[TLSF_FL_COUNT];  /* bit sl: free[fl][sl] is non-empty */
    struct tlsf_block *free[TLSF_FL_COUNT][TLSF_SL_COUNT];
    size_t free_blocks, free_bytes;  /* listed blocks, sum of their payload sizes */
    size_t live, bytes_in_use, peak; /* live blocks, sum of their layout.size */
};

extern const struct allocator_ops tlsf_ops;

static inline struct allocator tlsf_allocator(struct tlsf_heap *s)
{
    return (struct allocator){.ops = &tlsf_ops, .self = s};
}

#endif
