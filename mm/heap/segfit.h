/*
 * segfit: keel's default heap. A headerless small-object front end over a
 * coalescing two-level segregated fit (TLSF) back end.
 *
 *   request (size, align)
 *     |
 *     +-- size <= SEGFIT_SMALL_MAX and align <= SEGFIT_SMALL_ALIGN ---> front end
 *     |     129 exact classes, 8 bytes apart (0, 8, 16, ... 1024 bytes):
 *     |     one LIFO free list per class, no header, no size word:
 *     |     the class is ceil(size / 8) whatever the alignment, so dealloc
 *     |     computes it from the size it is given.
 *     |     Empty list: carve from the current run with a bump pointer.
 *     |
 *     +-- anything else ------------------------------------------> back end
 *           the TLSF core (tlsf_core.h): boundary tags (16-byte header,
 *           16-byte granule), 32 second-level lists, good fit in two bit
 *           scans after a best-of-4 look at the request's own list, low
 *           addresses first, immediate coalescing.
 *
 *   region:  [hdr|run: small blocks of every class ][hdr|large ][hdr|free ]...[sentinel]
 *
 * A run is an ordinary back-end block (marked TLSF_MARK) that the front
 * end carves small blocks of any class from, in address order: up to
 * SEGFIT_RUN bytes of the free block good fit finds for SEGFIT_RUN_MIN
 * bytes (so small blocks fill the holes between large ones), or at the
 * heap's end of any block that still fits. Every small block of a
 * class lies at the natural alignment of its size (capped at
 * SEGFIT_SMALL_ALIGN), so a request aligned to no more than that takes the
 * head of its list; a more aligned one takes the first block of the first
 * SEGFIT_ALIGNED_SCAN of its list that is aligned enough, else carves one at
 * its alignment. An aligned request so costs its size rounded up to 8
 * bytes, like any other. The padding that carving leaves, and the tail of a run
 * too short for the next block, go on the class lists, so no byte of a run
 * is lost. Classes share runs: a half-used run serves every size, which is
 * what keeps small heaps dense (no per-class slab waiting to fill).
 *
 * Freed small blocks stay on their class list (a cache of exact-size
 * blocks, reused first). They go back to the back end, where they serve
 * any size, in two cases. When a new run would be cut from the heap's end
 * (growing the memory the heap touches) while the lists hold
 * SEGFIT_RECLAIM_CACHED_MIN bytes or more, and an eighth of the bytes in
 * use more than the last such pass left; a larger cached block, split,
 * also serves before the end is cut into. And when a request would
 * otherwise fail (before the kernel grows the heap). An empty heap is
 * simply reset (O(1)), so it is exactly a fresh one. Otherwise the reclaim
 * pass (segfit_reclaim.c) marks the cached blocks of every class in a
 * bitmap of the used heap that the back end lends it (or, when no free
 * block can hold the bitmap, sorts them by address) and walks them with the
 * heap's blocks: touching blocks form free ranges; a range that holds a
 * back-end block of SEGFIT_RECLAIM_MIN bytes (a whole run always) is cut
 * out of its run (shrinking it, or splitting it in two runs) and released
 * to the back end, where it coalesces and serves any size; shorter ranges
 * go back on the class lists as the largest pieces that fit them (at most
 * SEGFIT_SMALL_MAX bytes each). Then the request is tried once more. So
 * memory freed in one class serves any class and large requests, except
 * for shorter free ranges that live blocks fence in: those serve small
 * requests only. The pass also catches a small double free (a block met
 * twice, or overlapping another) and panics.
 *
 * Realloc: small blocks stay in place within their class, shrink in place
 * (the tail goes on the lists) and grow in place at the top of the current
 * run; large blocks resize in place when the core can (tlsf_core_resize:
 * grow into a free successor, shrink, slide down into a free predecessor,
 * or shrink into a snug free block once the heap is half full), and only
 * then move. The reclaim pass lives in segfit_reclaim.c, the class
 * arithmetic both files share in segfit_classes.h.
 *
 * Worst-case time (copying excluded):
 *   small alloc/dealloc/realloc: O(1) on the fast path (a list pop or
 *   push); the slow path (a look at SEGFIT_ALIGNED_SCAN blocks of the list
 *   for a more aligned request, a new run, or at the heap's end, splitting a
 *   block of a larger class) is bounded by SEGFIT_CLASSES O(1) steps and
 *   three back-end searches, independent of the number of blocks.
 *   large alloc, dealloc, realloc in place, extend: O(1), as TLSF (at most
 *   4 blocks looked at in one list, two merges, two splits).
 *   The reclaim pass: O(n + h/512 + b) with the bitmap, O(n log n + b)
 *   without, for n cached small blocks, h bytes of used heap and b
 *   back-end blocks; O(1) instead if nothing is live. Before the end
 *   grows it runs only after an eighth of the bytes in use have been
 *   freed into the lists since the last pass; a request that would fail
 *   pays it every time, even when nothing was freed since.
 *   stats() walks the class lists, check() walks everything.
 * Memory: small blocks cost their size rounded up to 8 bytes (at least 8),
 * nothing else; large blocks cost a 16-byte header and 16-byte rounding; a
 * run costs a 16-byte header (runs hold SEGFIT_RUN_MIN to SEGFIT_RUN
 * bytes, less only at the heap's end or where a reclaim pass cut a run
 * around a free range of SEGFIT_RECLAIM_MIN bytes or more); one 16-byte
 * sentinel ends the region. The control structure (struct segfit_heap)
 * lives outside the region. The region must hold at least 48 bytes after
 * aligning it to 16.
 */
#ifndef KEEL_MM_HEAP_SEGFIT_H
#define KEEL_MM_HEAP_SEGFIT_H

#include <stddef.h>
#include <stdint.h>

#include "mm/heap/allocator.h"
#include "mm/heap/tlsf_core.h"

#define SEGFIT_QUANTUM            8    /* small block sizes are multiples of this */
#define SEGFIT_SMALL_MAX          1024 /* largest small block */
#define SEGFIT_SMALL_ALIGN        64   /* largest alignment the front end serves */
#define SEGFIT_CLASSES            (SEGFIT_SMALL_MAX / SEGFIT_QUANTUM + 1)
#define SEGFIT_RUN                16384 /* bytes a run takes from the back end when it can */
#define SEGFIT_RUN_MIN            4096  /* runs come from a free block (good fit) this long */
#define SEGFIT_RECLAIM_MIN        1024  /* free ranges this long leave their run when reclaimed */
#define SEGFIT_ALIGNED_SCAN       16    /* blocks a more aligned small request looks at */
#define SEGFIT_RECLAIM_CACHED_MIN (256 * 1024) /* see reclaim_at */
#define SEGFIT_SPLIT_CACHED_DIV                                                                    \
    16 /* a new run waits while the lists hold 1/16 of the bytes in use */

struct segfit_small {
    struct segfit_small *next;
};

struct segfit_heap {
    /* Front end (hot: first). lists[c] holds free blocks of class c, whose
     * size is max(c, 1) * SEGFIT_QUANTUM bytes. */
    struct segfit_small *lists[SEGFIT_CLASSES];
    size_t live, bytes_in_use, peak; /* every live block, sum of their layout.size */
    uintptr_t bump, bump_end;        /* uncarved part of the current run */
    struct tlsf_block *run;          /* the current run (NULL: none) */
    size_t runs;                     /* run blocks in the heap */
    size_t large_live, large_bytes;  /* live blocks the back end serves directly */
    size_t run_bytes;                /* payload bytes of every run */
    size_t reclaim_at; /* segfit_cached_bound() that makes growing the heap's end reclaim first */

    struct tlsf_core be; /* the back end; runs are its marked blocks */
};

extern const struct allocator_ops segfit_ops;

static inline struct allocator segfit_allocator(struct segfit_heap *s)
{
    return (struct allocator){.ops = &segfit_ops, .self = s};
}

#endif
