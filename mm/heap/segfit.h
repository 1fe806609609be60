/*
 * segfit: keel's default heap allocator, behind the vtable (allocator.h).
 * Small requests (size <= SEGFIT_SMALL_MAX, align <= SEGFIT_SMALL_ALIGN) are
 * served headerless from exact 8-byte size classes carved from runs; all
 * others by the TLSF core (tlsf_core.h), which also holds the runs. Why it
 * is built this way, with a diagram of its parts: docs/heap-design.md.
 *
 * Region: must hold at least 48 bytes after aligning it to 16. The control
 * structure (struct segfit_heap) lives outside the region.
 * Errors: alloc and realloc return NULL when neither the class lists, the
 * back end nor the cached blocks given back to it (the reclaim pass) can
 * serve; a failed realloc leaves the block live. A double free that the
 * metadata shows (a large block freed twice; a small block met twice by the
 * reclaim pass or check()) panics.
 *
 * Worst-case time (copying excluded):
 *   small alloc/dealloc/realloc: O(1) on the fast path (a list pop or
 *   push); the slow path (a look at SEGFIT_ALIGNED_SCAN blocks of the list
 *   for a more aligned request, a new run, or splitting a block of a larger
 *   class: at the heap's end, or anywhere once the lists hold
 *   1/SEGFIT_SPLIT_CACHED_DIV of the bytes in use; in a small heap, one
 *   of the SEGFIT_NEAR_CLASSES classes above before the run is carved) is
 *   bounded by 2 * SEGFIT_CLASSES + SEGFIT_NEAR_CLASSES + 2 *
 *   SEGFIT_ALIGNED_SCAN O(1) steps and four back-end searches, independent
 *   of the number of blocks. In a small heap, a small block that grows and
 *   whose new class's list cannot serve looks for the cached blocks around
 *   it, to grow into and then to merge with the block it leaves: at most
 *   (SEGFIT_SMALL_MAX + SEGFIT_SMALL_ALIGN) / SEGFIT_QUANTUM found for
 *   each, plus four searches that find nothing, each search at most
 *   SEGFIT_CLASSES * SEGFIT_NEIGHBOUR_SCAN list steps -- a constant, but
 *   the largest of the small paths.
 *   large alloc, dealloc, realloc in place, extend: O(1), as TLSF (at most
 *   4 blocks looked at in one list, two merges, two splits).
 *   The reclaim pass: O(n + h/512 + b) with a bitmap the back end lends,
 *   O(n log n + b) when it cannot, for n cached small blocks, h bytes of
 *   used heap and b back-end blocks; O(1) if nothing is live. Before the
 *   heap's end grows it runs only after an eighth of the bytes in use have
 *   been freed into the lists since the last pass; a request that would
 *   fail pays it every time.
 *   stats() walks the class lists, check() walks everything.
 * Memory: small blocks cost their size rounded up to 8 bytes (at least 8),
 * nothing else; large blocks cost a 16-byte header and 16-byte rounding; a
 * run costs a 16-byte header; one 16-byte sentinel ends the region.
 */
#ifndef KEEL_MM_HEAP_SEGFIT_H
#define KEEL_MM_HEAP_SEGFIT_H

#include <stddef.h>
#include <stdint.h>

#include "mm/heap/allocator.h"
#include "mm/heap/heap_counts.h"
#include "mm/heap/tlsf_core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SEGFIT_QUANTUM            8    /* small block sizes are multiples of this */
#define SEGFIT_SMALL_MAX          1024 /* largest small block */
#define SEGFIT_SMALL_ALIGN        64   /* largest alignment the front end serves */
#define SEGFIT_CLASSES            (SEGFIT_SMALL_MAX / SEGFIT_QUANTUM + 1)
#define SEGFIT_RUN                16384 /* bytes a run takes from the back end when it can */
#define SEGFIT_RUN_MIN            4096  /* runs come from a free block (good fit) this long */
#define SEGFIT_RECLAIM_MIN        1024  /* free ranges this long leave their run when reclaimed */
#define SEGFIT_ALIGNED_SCAN       16    /* blocks a more aligned small request looks at */
#define SEGFIT_RECLAIM_CACHED_MIN (256 * 1024) /* see reclaim_at (a small heap: less) */
#define SEGFIT_SPLIT_CACHED_DIV   16 /* lists over 1/16 of the bytes in use split before runs */
#define SEGFIT_SMALL_HEAP_RUNS    64 /* a region of fewer runs than this is a small heap */
#define SEGFIT_NEAR_CLASSES       24 /* classes above a request a small heap splits before carving */
#define SEGFIT_NEAR_CACHED_DIV    10  /* ... once the lists hold 1/10 of the bytes in use */
#define SEGFIT_NEAR_ALWAYS        48  /* ... always for requests this long or longer */
#define SEGFIT_NEAR_SNUG          128 /* ... from the class just above for requests this long */
#define SEGFIT_NEIGHBOUR_SCAN     64 /* blocks of each list a small heap looks at for a neighbour */

struct segfit_small {
    struct segfit_small *next;
};

struct segfit_heap {
    /* Front end (hot: first). lists[c] holds free blocks of class c, whose
     * size is max(c, 1) * SEGFIT_QUANTUM bytes. */
    struct segfit_small *lists[SEGFIT_CLASSES];
    struct heap_counts counts;      /* every live block, sum of their layout.size */
    uintptr_t bump, bump_end;       /* uncarved part of the current run */
    struct tlsf_block *run;         /* the current run (NULL: none) */
    size_t runs;                    /* run blocks in the heap */
    size_t large_live, large_bytes; /* live blocks the back end serves directly */
    size_t run_bytes;               /* payload bytes of every run */
    size_t reclaim_at; /* segfit_cached_bound() that makes growing the heap's end reclaim first */

    struct tlsf_core be; /* the back end; runs are its marked blocks */
};

extern const struct allocator_ops segfit_ops;

static inline struct allocator segfit_allocator(struct segfit_heap *s)
{
    return (struct allocator){.ops = &segfit_ops, .self = s};
}

#ifdef __cplusplus
}
#endif

#endif
