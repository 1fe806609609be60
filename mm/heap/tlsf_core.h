/*
 * The TLSF core: boundary-tagged blocks in two-level segregated free lists
 * (Masmano et al., "TLSF: a new dynamic memory allocator for real-time
 * systems", 2004). The `tlsf` allocator serves requests from it directly
 * (tlsf.h); `segfit` carves its small-object runs from it and serves large
 * requests with it (segfit.h). This is the one copy of the block store both
 * use.
 *
 * It is two parts, each in its own file:
 *   mechanism  (tlsf_blocks.h, tlsf_core.c) the mapping from sizes to lists,
 *              the lists, searching them, splitting and merging blocks, the
 *              region (init, extend, shrink) and the consistency check;
 *   policy     (tlsf_placement.c) which free block a request takes, and how
 *              a block is resized: good fit at the lowest address, in-place
 *              growth and shrinking, sliding down, moving.
 *
 * Free blocks are kept in FL x SL segregated lists, list (fl, sl) at
 * blocks[fl * TLSF_SL_COUNT + sl]:
 *   first level   fl = floor(log2(size)) - 8   (sizes below 512 share fl 0)
 *   second level  sl = the next 5 bits of size (32 linear sub-ranges per fl)
 * with a bitmap per level saying which lists are non-empty, so finding a
 * list whose every block is big enough is two bit scans. A listed block
 * keeps `link`, the address of the pointer to it (its list head or the
 * previous block's next_free): unlinking it needs neither its size class
 * nor a walk, and a link into the head array says when a list empties.
 *
 * Memory layout of the region (all addresses and sizes in 16-byte units):
 *
 *   first                                                      region end
 *   |[hdr|payload ][hdr|payload.......][hdr|payload ] ... [hdr] |
 *                                                          sentinel (size 0, used)
 *   hdr = {prev_phys, size | FREE | MARK}; a free payload holds {next_free, link}
 *
 * Every block knows its physical predecessor (prev_phys) and successor
 * (payload + size), the boundary tags that make coalescing immediate: a
 * freed block merges with free neighbours before it is listed, so no two
 * free blocks ever touch. MARK is the owner's: segfit marks its runs.
 *
 * Placement (tlsf_placement.c) keeps a heap's footprint near the bytes it
 * holds: a request takes the smallest free block that fits among the first
 * TLSF_FIT_SCAN of its own list, the lowest of equals, else the head of the
 * first list whose every block fits; lists keep their lowest block first.
 * The block at the heap's end is one more free block, used when nothing
 * smaller fits, and allocations cut from its low end. No gap is ever left
 * on purpose. A resize grows into a free successor, else slides down into
 * a free predecessor (memmove), else the caller moves the block; a shrink
 * stays in place, except that once less than half the heap is free a
 * shrink that would fence in a free tail of TLSF_SHRINK_MOVE_MIN bytes or
 * more moves into a free block that fits it snugly.
 *
 * Worst-case time, independent of the number of blocks (copying excluded):
 * alloc, release, resize, extend, shrink: O(1) (at most TLSF_FIT_SCAN
 * blocks looked at, two merges, two splits), except that a request no list
 * head can serve walks the rest of its own list once before it fails (so
 * that a request for exactly the largest free block succeeds). largest
 * walks one list, check everything.
 * Per-block overhead: a 16-byte header; payloads are multiples of 16
 * bytes, at least 16. Fixed overhead: one 16-byte sentinel; the lists live
 * in struct tlsf_core, outside the region. The region must hold at least
 * 48 bytes after aligning it to 16; a block is at most TLSF_BLOCK_MAX bytes
 * (larger regions are used up to that size).
 */
#ifndef KEEL_MM_HEAP_TLSF_CORE_H
#define KEEL_MM_HEAP_TLSF_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/panic.h"
#include "mm/heap/allocator.h"
#include "mm/heap/heap_math.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TLSF_ALIGN_SHIFT  4 /* granule and natural alignment: 16 bytes */
#define TLSF_SL_SHIFT     5 /* 32 second-level lists per first level */
#define TLSF_SL_COUNT     (1 << TLSF_SL_SHIFT)
#define TLSF_FL_SHIFT     (TLSF_SL_SHIFT + TLSF_ALIGN_SHIFT) /* sizes < 512 all map to fl 0 */
#define TLSF_FL_MAX_SHIFT 48                                 /* blocks are < 2^48 bytes */
#define TLSF_FL_COUNT     (TLSF_FL_MAX_SHIFT - TLSF_FL_SHIFT + 1)
#define TLSF_BLOCK_MAX    (((size_t)1 << TLSF_FL_MAX_SHIFT) - (1 << TLSF_ALIGN_SHIFT))

#define TLSF_GRANULE     ((size_t)1 << TLSF_ALIGN_SHIFT)
#define TLSF_HEADER      (2 * sizeof(void *)) /* prev_phys + size */
#define TLSF_MIN_PAYLOAD TLSF_GRANULE         /* room for next_free + link */
#define TLSF_MIN_BLOCK   (TLSF_HEADER + TLSF_MIN_PAYLOAD)
#define TLSF_FREE        ((size_t)1)
#define TLSF_MARK        ((size_t)2) /* a used block its owner marks (segfit: a run) */
#define TLSF_FLAGS       (TLSF_GRANULE - 1)

#define TLSF_FIT_SCAN        4    /* blocks of the request's own list looked at */
#define TLSF_SHRINK_MOVE_MIN 4096 /* a shrink fencing in a free tail this long may move */

struct tlsf_block {
    struct tlsf_block *prev_phys; /* the block just below, NULL for the first */
    size_t size;                  /* payload bytes | TLSF_FREE | TLSF_MARK */
    /* Payload starts here; these two exist only while the block is free:
     * the next block of its list, and where the pointer to this block is
     * kept (the list head, or the previous block's next_free). */
    struct tlsf_block *next_free, **link;
};

/* The region's first listed blocks point back into `blocks` (their link),
 * so a struct tlsf_core stays where tlsf_core_init() put it: never copy it. */
struct tlsf_core {
    uintptr_t region_start, region_end; /* as given to init/extend/shrink */
    struct tlsf_block *first;           /* lowest block */
    struct tlsf_block *sentinel;        /* zero-size used block ending the heap */
    uint64_t fl_bitmap;                 /* bit fl: some list of first level fl is non-empty */
    uint32_t sl_bitmap[TLSF_FL_COUNT];  /* bit sl: list (fl, sl) is non-empty */
    struct tlsf_block *blocks[TLSF_FL_COUNT * TLSF_SL_COUNT]; /* list heads (see above) */
    size_t free_bytes; /* sum of the listed blocks' payload sizes */
};

/* What tlsf_core_check() counted among the used blocks. */
struct tlsf_census {
    size_t used, used_bytes;     /* unmarked used blocks, their payload bytes */
    size_t marked, marked_bytes; /* marked ones */
};

static inline size_t tlsf_block_size(const struct tlsf_block *b)
{
    return b->size & ~TLSF_FLAGS;
}

static inline bool tlsf_block_is_free(const struct tlsf_block *b)
{
    return (b->size & TLSF_FREE) != 0;
}

static inline bool tlsf_block_is_marked(const struct tlsf_block *b)
{
    return (b->size & TLSF_MARK) != 0;
}

/* Sets the payload size, keeping the flags. */
static inline void tlsf_block_set_size(struct tlsf_block *b, size_t size)
{
    b->size = size | (b->size & TLSF_FLAGS);
}

static inline uintptr_t tlsf_block_payload(const struct tlsf_block *b)
{
    return (uintptr_t)b + TLSF_HEADER;
}

static inline struct tlsf_block *tlsf_block_of(const void *payload)
{
    return (struct tlsf_block *)((uintptr_t)payload - TLSF_HEADER);
}

static inline struct tlsf_block *tlsf_block_next(const struct tlsf_block *b)
{
    return (struct tlsf_block *)(tlsf_block_payload(b) + tlsf_block_size(b));
}

/* The payload size for a request of `size` bytes: whole granules, at least
 * the minimum payload. false if that exceeds the largest block. */
static inline bool tlsf_adjust_size(size_t size, size_t *out)
{
    /* TLSF_BLOCK_MAX is whole granules: a size up to it rounds up to at
     * most it, without overflow, so one test bounds both. */
    if (size > TLSF_BLOCK_MAX)
        return false;
    *out = size < TLSF_MIN_PAYLOAD ? TLSF_MIN_PAYLOAD
                                   : heap_align_down(size + TLSF_GRANULE - 1, TLSF_GRANULE);
    return true;
}

/* ---- The region (tlsf_core.c) ---------------------------------------------- */

/* One free block over the granule-aligned part of [start, start + size),
 * up to TLSF_BLOCK_MAX bytes. */
enum allocator_init_error tlsf_core_init(struct tlsf_core *c, void *start, size_t size);

/* Back to one free block over the same bounds (nothing may be in use). */
void tlsf_core_reset(struct tlsf_core *c);

/* Adds [region end, region end + more) as a free block (merged with a free
 * last block). false, changing nothing, if that cannot be done. */
bool tlsf_core_extend(struct tlsf_core *c, size_t more);

/* Bytes at the region's end that tlsf_core_shrink() can give back now: all
 * of the last block but its header and minimum payload when it is free
 * (plus the unaligned slack after the sentinel), else only that slack. */
size_t tlsf_core_free_tail(const struct tlsf_core *c);

/* The region ends `less` bytes earlier (less <= tlsf_core_free_tail()): the
 * last free block shrinks and a new sentinel ends it. false, changing
 * nothing, when less is more than the free tail. */
bool tlsf_core_shrink(struct tlsf_core *c, size_t less);

/* ---- Blocks (tlsf_core.c) --------------------------------------------------- */

/* Frees used block `b`: merges it with its free neighbours and lists the
 * result, which it returns (`b`, or the free block below that absorbed it). */
struct tlsf_block *tlsf_core_release(struct tlsf_core *c, struct tlsf_block *b);

/* Trims used block `b` to `size` payload bytes (a tlsf_adjust_size() value
 * no larger than its size) if the rest can form a block of its own; the
 * rest is released. */
void tlsf_core_trim(struct tlsf_core *c, struct tlsf_block *b, size_t size);

/* ---- Placement (tlsf_placement.c) -------------------------------------------- */

/* A used, unmarked block of at least `size` payload bytes (a value
 * tlsf_adjust_size() returned) whose payload is `align`-aligned, or NULL. */
struct tlsf_block *tlsf_core_alloc(struct tlsf_core *c, size_t size, size_t align);

/* A used, unmarked block of at least `min` and at most `max` payload bytes
 * (tlsf_adjust_size() values, min <= max), cut from the free block good fit
 * finds for `min`; NULL if there is none. */
struct tlsf_block *tlsf_core_alloc_up_to(struct tlsf_core *c, size_t min, size_t max);

/* Resizes used block `b` to `size` payload bytes (a tlsf_adjust_size()
 * value), keeping its first `copy` bytes and the payload `align`-aligned:
 * without allocating elsewhere when it can (in place, by sliding down into
 * a free predecessor, or, shrinking, by moving into a snug free block: see
 * above), else by moving it to a new block (the first `copy` bytes copied,
 * `b` released). Returns the block, moved or not, or NULL, changing
 * nothing, when no free block takes it. */
struct tlsf_block *tlsf_core_realloc(struct tlsf_core *c, struct tlsf_block *b, size_t size,
                                     size_t align, size_t copy);

/* ---- Checks ------------------------------------------------------------------ */

/* The used block of payload pointer `ptr`, which must hold `size` bytes and
 * be unmarked: panics ("<name>: <what> of <ptr>...") when it cannot be.
 * Inline: it is on every large dealloc and realloc. */
static inline struct tlsf_block *tlsf_core_live_block(const struct tlsf_core *c, void *ptr,
                                                      size_t size, const char *name,
                                                      const char *what)
{
    uintptr_t p = (uintptr_t)ptr;
    if (p % TLSF_GRANULE != 0 || p < tlsf_block_payload(c->first) || p >= (uintptr_t)c->sentinel)
        panic("%s: %s of %p, which is not in this heap", name, what, ptr);
    struct tlsf_block *b = tlsf_block_of(ptr);
    /* Payload sizes are whole granules of at least one: holding `size`
     * bytes is holding tlsf_adjust_size(size). */
    if ((b->size & (TLSF_FREE | TLSF_MARK)) != 0 || tlsf_block_size(b) < size)
        panic("%s: %s of %p: not a live block of %zu bytes (double free?)", name, what, ptr, size);
    return b;
}

/* Whether used block `b` ends the used part of the heap: only free space
 * (at most one free block) lies between it and the sentinel. A block just
 * cut from the heap's end is such a block, and so grows the memory the
 * heap touches. */
static inline bool tlsf_core_at_end(const struct tlsf_core *c, const struct tlsf_block *b)
{
    const struct tlsf_block *next = tlsf_block_next(b);
    return next == c->sentinel ||
           (tlsf_block_is_free(next) && tlsf_block_next(next) == c->sentinel);
}

/* The payload size of the largest free block (0 if none). */
size_t tlsf_core_largest(const struct tlsf_core *c);

/* Walks every block and list; panics ("<name>: ...") on any inconsistency
 * (tiling, boundary tags, touching free blocks, bitmaps, list membership,
 * counters); fills *out. */
void tlsf_core_check(const struct tlsf_core *c, const char *name, struct tlsf_census *out);

#ifdef __cplusplus
}
#endif

#endif
