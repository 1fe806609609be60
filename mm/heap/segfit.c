/* segfit: exact-size small-object lists carved from runs, over a TLSF back
 * end with boundary tags (see segfit.h). */
#include "mm/heap/segfit.h"

#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/heap_math.h"
#include "mm/heap/segfit_classes.h"

/* ==== Back end: the TLSF core (tlsf_core.h) =============================== */

/* The region's bytes, and whether it is a small heap: fewer than
 * SEGFIT_SMALL_HEAP_RUNS runs' worth, so that one run is a real share of
 * all the memory there is. */
static size_t region_bytes(const struct segfit_heap *s)
{
    return s->be.region_end - s->be.region_start;
}

static bool small_heap(const struct segfit_heap *s)
{
    return region_bytes(s) < (size_t)SEGFIT_SMALL_HEAP_RUNS * SEGFIT_RUN;
}

/* The least the lists must gain between two reclaim passes before the
 * heap's end grows: SEGFIT_RECLAIM_CACHED_MIN, which a small heap could
 * never reach; there, a SEGFIT_SMALL_HEAP_RUNS-th of the region. */
static size_t reclaim_cached_min(const struct segfit_heap *s)
{
    return small_heap(s) ? region_bytes(s) / SEGFIT_SMALL_HEAP_RUNS : SEGFIT_RECLAIM_CACHED_MIN;
}

/* The state right after init, for the same bounds: front-end state
 * cleared, one free back-end block. Counters other than the peak must
 * already be zero (nothing is live). */
static void be_reset(struct segfit_heap *s)
{
    memset(s->lists, 0, sizeof s->lists);
    s->run_bytes = 0;
    s->reclaim_at = reclaim_cached_min(s);
    s->bump = s->bump_end = 0;
    s->run = NULL;
    s->runs = 0;
    tlsf_core_reset(&s->be);
}

/* When nothing is live, every run holds only cached blocks: give them all
 * back at once. Returns true if that changed anything. */
static bool reclaim_if_empty(struct segfit_heap *s)
{
    if (s->counts.live != 0 || s->runs == 0)
        return false;
    be_reset(s);
    return true;
}

/* ==== Front end: exact classes carved from runs ========================== */

/* Carves a class-c block from the current run at `align` (a multiple of
 * its class alignment); the padding before it goes on the class lists. 0 if
 * the run is too short. */
static uintptr_t carve(struct segfit_heap *s, size_t c, size_t align)
{
    size_t bytes = class_bytes(c);
    uintptr_t p = (s->bump + align - 1) & ~((uintptr_t)align - 1);
    if (s->run == NULL || p > s->bump_end || bytes > s->bump_end - p)
        return 0;
    push_range(s, s->bump, p - s->bump);
    s->bump = p + bytes;
    return p;
}

/* A block for a new run: the free block good fit finds for SEGFIT_RUN_MIN
 * bytes (else of `need` bytes), up to SEGFIT_RUN bytes of it, so that small
 * blocks fill the holes between large ones first, as in a plain good-fit
 * heap; after giving back the runs of an empty heap if need be. NULL if
 * the back end has none. */
static struct tlsf_block *take_run(struct segfit_heap *s, size_t need)
{
    size_t min;
    if (!tlsf_adjust_size(need, &min))
        return NULL;
    size_t want = min < SEGFIT_RUN_MIN ? SEGFIT_RUN_MIN : min;
    struct tlsf_block *b = NULL;
    for (int pass = 0; b == NULL && pass < 2; pass++) {
        if (pass == 1 && !reclaim_if_empty(s))
            break;
        b = tlsf_core_alloc_up_to(&s->be, want, SEGFIT_RUN);
        if (b == NULL && want > min)
            b = tlsf_core_alloc_up_to(&s->be, min, SEGFIT_RUN);
    }
    return b;
}

/* Retires the current run (its uncarved tail goes on the class lists) and
 * makes block `b` the current run. */
static void start_run(struct segfit_heap *s, struct tlsf_block *b)
{
    if (s->run != NULL)
        push_range(s, s->bump, s->bump_end - s->bump);
    b->size |= SEGFIT_RUN_FLAG;
    s->runs++;
    s->run_bytes += tlsf_block_size(b);
    s->run = b;
    s->bump = tlsf_block_payload(b);
    s->bump_end = s->bump + tlsf_block_size(b);
}

/* Splits the head of the first nonempty list of classes [first, stop) (all
 * larger than c) around a block of class c at `align`; the pieces before
 * and after go back on the lists. 0 if none of them has a block. */
static uintptr_t split_cached(struct segfit_heap *s, size_t c, size_t align, size_t first,
                              size_t stop)
{
    size_t bytes = class_bytes(c);
    for (size_t d = first; d < stop; d++) {
        struct segfit_small *h = s->lists[d];
        if (h == NULL)
            continue;
        uintptr_t start = (uintptr_t)h, end = start + class_bytes(d);
        uintptr_t p = (start + align - 1) & ~((uintptr_t)align - 1);
        if (p + bytes > end)
            continue;
        s->lists[d] = h->next;
        push_range(s, start, p - start);
        push_range(s, p + bytes, end - p - bytes);
        return p;
    }
    return 0;
}

/* A new run cut from the heap's end (block `b`) while the class lists
 * hold about reclaim_at bytes or more: the cached blocks go back first, so that
 * memory freed in one class serves others before the heap touches more
 * memory. */
static bool must_reclaim_before(const struct segfit_heap *s, const struct tlsf_block *b)
{
    return segfit_cached_bound(s) >= s->reclaim_at && tlsf_core_at_end(&s->be, b);
}

/* The reclaim pass before growing the end; the next one waits until the
 * lists hold an eighth of the bytes in use (at least reclaim_cached_min())
 * more than this one left on them, so that each
 * pass, linear in the cached blocks, is paid for by that many frees. */
static void reclaim_before_growing(struct segfit_heap *s)
{
    segfit_reclaim_cached(s);
    size_t step = s->counts.bytes_in_use / 8, min = reclaim_cached_min(s);
    s->reclaim_at = segfit_cached_bound(s) + (step > min ? step : min);
}

/* Before a request fails: an empty heap is reset (O(1)), else the cached
 * blocks are reclaimed. true if that may have made room. */
static bool reclaim(struct segfit_heap *s)
{
    return s->counts.live == 0 ? reclaim_if_empty(s) : segfit_reclaim_cached(s);
}

/* A cached class-c block at `align` (a power of two): one of the first
 * SEGFIT_ALIGNED_SCAN blocks of its list (the head, if `align` is the
 * class's own alignment). */
static struct segfit_small *take_cached(struct segfit_heap *s, size_t c, size_t align)
{
    struct segfit_small **link = &s->lists[c];
    for (int i = 0; *link != NULL && i < SEGFIT_ALIGNED_SCAN; i++, link = &(*link)->next) {
        struct segfit_small *b = *link;
        if (((uintptr_t)b & (align - 1)) == 0) {
            *link = b->next;
            return b;
        }
    }
    return NULL;
}

/* In a small heap, a run's uncarved bytes are a real share of the memory,
 * while the blocks on the class lists wait for a request of their own class
 * or for a reclaim pass. A cached block a little larger than class c (one
 * of the SEGFIT_NEAR_CLASSES classes from two above, so that a piece of
 * 16 bytes or more is left for requests of 8 bytes or more: an 8-byte
 * piece serves almost nothing; from SEGFIT_NEAR_SNUG bytes, also
 * the class just above, as a hole that snug is better filled than kept
 * for a request of its own size) is split before the run is carved,
 * so that the run stays whole for the requests that no cached block fits,
 * as in a good-fit heap: always for a request of SEGFIT_NEAR_ALWAYS bytes
 * or more, whose leftover is small beside it; for a smaller one, whose
 * leftover may be as large as itself, once the lists hold
 * 1/SEGFIT_NEAR_CACHED_DIV of the bytes in use. 0 if that does not apply
 * or no such block is cached. */
static uintptr_t split_near(struct segfit_heap *s, size_t c, size_t align)
{
    if (!small_heap(s) ||
        (class_bytes(c) < SEGFIT_NEAR_ALWAYS &&
         segfit_cached_bound(s) < s->counts.bytes_in_use / SEGFIT_NEAR_CACHED_DIV))
        return 0;
    size_t first = c + (class_bytes(c) >= SEGFIT_NEAR_SNUG ? 1 : 2);
    size_t stop = first + SEGFIT_NEAR_CLASSES;
    return split_cached(s, c, align, first < SEGFIT_CLASSES ? first : SEGFIT_CLASSES,
                        stop < SEGFIT_CLASSES ? stop : SEGFIT_CLASSES);
}

static void *small_refill(struct segfit_heap *s, size_t c, size_t align);

/* A class-c block at `align` when its list has none: (in a small heap)
 * split from a slightly larger cached one (see split_near), else carved
 * from the current run, else small_refill(). */
static void *small_uncached(struct segfit_heap *s, size_t c, size_t align)
{
    uintptr_t p = split_near(s, c, align);
    if (p == 0)
        p = carve(s, c, align);
    if (p != 0)
        return (void *)p;
    return small_refill(s, c, align);
}

/* A class-c block at `align` (a multiple of the class alignment): a cached
 * one, else small_uncached(). */
static void *small_alloc_slow(struct segfit_heap *s, size_t c, size_t align)
{
    struct segfit_small *h = take_cached(s, c, align);
    return h != NULL ? h : small_uncached(s, c, align);
}

/* small_alloc_slow() once neither the list nor the current run serves: a
 * new run, or a larger cached block split. */
static void *small_refill(struct segfit_heap *s, size_t c, size_t align)
{
    struct segfit_small *h;
    uintptr_t p;
    /* A larger cached block, split, serves before a new run is taken
     * anywhere once the lists hold enough to be worth looking in; first,
     * unless a reclaim pass may be due (below), which would do better. */
    size_t cached = segfit_cached_bound(s);
    bool split_first = cached >= s->counts.bytes_in_use / SEGFIT_SPLIT_CACHED_DIV;
    if (split_first && cached < s->reclaim_at) {
        p = split_cached(s, c, align, c + 1, SEGFIT_CLASSES);
        if (p != 0)
            return (void *)p;
        split_first = false; /* no larger block: the lists change only if a pass runs */
    }
    struct tlsf_block *run = take_run(s, class_bytes(c) + align - SEGFIT_QUANTUM);
    /* A run from the heap's end would grow the memory the heap touches:
     * every so often, cached blocks are reclaimed first (they may coalesce
     * into a run's worth), and a larger cached block, split, serves before
     * the end is cut into. */
    if (run != NULL && must_reclaim_before(s, run)) {
        tlsf_core_release(&s->be, run);
        reclaim_before_growing(s);
        h = take_cached(s, c, align);
        if (h != NULL)
            return h;
        run = take_run(s, class_bytes(c) + align - SEGFIT_QUANTUM);
    }
    if (run == NULL || tlsf_core_at_end(&s->be, run) || split_first) {
        p = split_cached(s, c, align, c + 1, SEGFIT_CLASSES);
        if (p != 0) {
            if (run != NULL)
                tlsf_core_release(&s->be, run);
            return (void *)p;
        }
    }
    if (run == NULL)
        return NULL;
    start_run(s, run);
    return (void *)carve(s, c, align);
}

/* ==== The vtable ========================================================== */

/* Counts large block `b`, just allocated for `l`, and returns its payload. */
static void *large_count_alloc(struct segfit_heap *s, struct tlsf_block *b, struct layout l)
{
    s->large_live++;
    s->large_bytes += l.size;
    heap_counts_alloc(&s->counts, l.size);
    return (void *)tlsf_block_payload(b);
}

/* large_alloc() when the back end has no block of `size` bytes (l.size
 * adjusted): after giving back the runs of an empty heap, or the cached
 * small blocks. Out of line and given only `l`, so that the common path
 * keeps no more than counting needs across its call. */
__attribute__((noinline, cold)) static void *large_alloc_retry(struct segfit_heap *s,
                                                               struct layout l)
{
    size_t size;
    if (!tlsf_adjust_size(l.size, &size) || (!reclaim_if_empty(s) && !segfit_reclaim_cached(s)))
        return NULL;
    struct tlsf_block *b = tlsf_core_alloc(&s->be, size, l.align);
    return b != NULL ? large_count_alloc(s, b, l) : NULL;
}

/* A large block from the back end, after giving back the runs of an empty
 * heap or reclaiming cached small blocks if need be. */
static inline void *large_alloc_at(struct segfit_heap *s, struct layout l)
{
    size_t size;
    if (!tlsf_adjust_size(l.size, &size))
        return NULL;
    struct tlsf_block *b = tlsf_core_alloc(&s->be, size, l.align);
    if (b == NULL)
        return large_alloc_retry(s, l);
    return large_count_alloc(s, b, l);
}

/* large_alloc_at() above the back end's granule: out of line, for
 * large_alloc(). */
__attribute__((noinline)) static void *large_alloc_aligned(struct segfit_heap *s, struct layout l)
{
    return large_alloc_at(s, l);
}

/* large_alloc_at(). The back end serves every alignment up to its
 * granule alike, so the common request asks for the granule, a constant,
 * and keeps only its size across the call. */
static void *large_alloc(struct segfit_heap *s, struct layout l)
{
    if (l.align > TLSF_GRANULE)
        return large_alloc_aligned(s, l);
    return large_alloc_at(s, (struct layout){.size = l.size, .align = TLSF_GRANULE});
}

/* alloc_slow() once the list cannot serve: small_uncached(), else the
 * same after a reclaim pass; counts the block. Out of line, so that
 * alloc_slow saves no registers for it. */
__attribute__((noinline)) static void *alloc_refill(struct segfit_heap *s, struct layout l,
                                                    size_t c, size_t align)
{
    void *p = small_uncached(s, c, align);
    if (p == NULL && reclaim(s))
        p = small_alloc_slow(s, c, align);
    if (p != NULL)
        heap_counts_alloc(&s->counts, l.size);
    return p;
}

/* What the fast path leaves: large requests, and small ones that the head
 * of their list cannot serve (empty, or not aligned enough). */
__attribute__((noinline)) static void *alloc_slow(struct segfit_heap *s, struct layout l)
{
    if (!is_small(l))
        return large_alloc(s, l);
    size_t c = class_of(l.size);
    size_t align = small_align(c, l.align);
    void *p = take_cached(s, c, align);
    if (p == NULL)
        return alloc_refill(s, l, c, align);
    heap_counts_alloc(&s->counts, l.size);
    return p;
}

/* The head of class c's list, popped, if it serves a small request
 * aligned to `align`; else NULL. Every block of the list has the class's
 * alignment, at least SEGFIT_QUANTUM, so the common request aligned to at
 * most that takes the head without a test; a more aligned one takes it if
 * it happens to be aligned enough, as take_cached() would. NULL for an
 * alignment above SEGFIT_SMALL_ALIGN, which is not small. */
static inline struct segfit_small *pop_head(struct segfit_heap *s, size_t c, size_t align)
{
    struct segfit_small *b = s->lists[c];
    if (b == NULL || (align > SEGFIT_QUANTUM &&
                      (align > SEGFIT_SMALL_ALIGN || ((uintptr_t)b & (align - 1)) != 0)))
        return NULL;
    s->lists[c] = b->next;
    return b;
}

/* Fast path: pop the class list. */
static void *segfit_alloc(void *self, struct layout l)
{
    struct segfit_heap *s = self;
    if (l.size > SEGFIT_SMALL_MAX)
        return large_alloc(s, l);
    struct segfit_small *b = pop_head(s, class_of(l.size), l.align);
    if (b == NULL)
        return alloc_slow(s, l);
    heap_counts_alloc(&s->counts, l.size);
    return b;
}

__attribute__((noinline)) static void large_dealloc(struct segfit_heap *s, void *ptr,
                                                    struct layout l)
{
    struct tlsf_block *b = tlsf_core_live_block(&s->be, ptr, l.size, "segfit", "dealloc");
    s->large_live--;
    s->large_bytes -= l.size;
    heap_counts_free(&s->counts, l.size);
    tlsf_core_release(&s->be, b);
}

/* Puts the small block `ptr` of `size` bytes (its layout.size) on its
 * class list and uncounts it. */
static inline void free_small(struct segfit_heap *s, void *ptr, size_t size)
{
    struct segfit_small *b = ptr, **head = &s->lists[class_of(size)];
    b->next = *head;
    *head = b;
    heap_counts_free(&s->counts, size);
}

/* Fast path: push on the class list. */
static void segfit_dealloc(void *self, void *ptr, struct layout l)
{
    struct segfit_heap *s = self;
    if (is_small(l)) {
        free_small(s, ptr, l.size);
        return;
    }
    large_dealloc(s, ptr, l);
}

/* Small to small without moving: same class, a shorter class (the tail goes
 * on the lists), or growing at the top of the current run, as long as the
 * block has the new class's alignment. false, nothing changed, if none
 * applies. */
static inline bool small_realloc_in_place(struct segfit_heap *s, void *ptr, struct layout l,
                                          size_t new_size)
{
    uintptr_t p = (uintptr_t)ptr;
    size_t c = class_of(new_size);
    size_t have = class_bytes(class_of(l.size)), want = class_bytes(c);
    if (want <= have) {
        if ((p & (class_align(c) - 1)) != 0)
            return false;
        push_range(s, p + want, have - want);
    } else {
        if (p + have != s->bump || want - have > s->bump_end - s->bump ||
            (p & (class_align(c) - 1)) != 0)
            return false;
        s->bump += want - have;
    }
    heap_counts_resize(&s->counts, l.size, new_size);
    return true;
}

/* Counts the resize of a large block from `l` to `new_size` bytes, which
 * made it block `r`, and returns its payload. */
static void *large_count_resize(struct segfit_heap *s, struct tlsf_block *r, struct layout l,
                                size_t new_size)
{
    s->large_bytes = s->large_bytes - l.size + new_size;
    heap_counts_resize(&s->counts, l.size, new_size);
    return (void *)tlsf_block_payload(r);
}

/* A large block that neither resizing nor moving could place: once more
 * after reclaiming cached small blocks, which may free its neighbours (so
 * that it can stay after all) as well as room elsewhere. NULL, nothing
 * changed, if that fails too. It takes large_realloc()'s arguments and
 * works out the rest again, so that large_realloc() keeps only what
 * counting needs across its call. */
__attribute__((noinline, cold)) static void *
large_realloc_reclaiming(struct segfit_heap *s, void *ptr, struct layout l, size_t new_size)
{
    size_t size, copy = l.size < new_size ? l.size : new_size;
    if (!tlsf_adjust_size(new_size, &size) || !segfit_reclaim_cached(s))
        return NULL;
    struct tlsf_block *r = tlsf_core_realloc(&s->be, tlsf_block_of(ptr), size, l.align, copy);
    return r != NULL ? large_count_resize(s, r, l, new_size) : NULL;
}

/* Large to large: in place when the back end can (grow into a free
 * successor, shrink, slide down into a free predecessor, or shrink into
 * a snug free block), else moved elsewhere: see tlsf_core_realloc. */
static void *large_realloc(struct segfit_heap *s, void *ptr, struct layout l, size_t new_size)
{
    struct tlsf_block *b = tlsf_core_live_block(&s->be, ptr, l.size, "segfit", "realloc");
    size_t size, copy = l.size < new_size ? l.size : new_size;
    if (!tlsf_adjust_size(new_size, &size))
        return NULL;
    struct tlsf_block *r = tlsf_core_realloc(&s->be, b, size, l.align, copy);
    if (r == NULL)
        return large_realloc_reclaiming(s, ptr, l, new_size);
    return large_count_resize(s, r, l, new_size);
}

/* Moves between the front end and the back end: a new block, the bytes
 * both hold copied (all of the smaller, small one), the old block freed.
 * NULL, the old block left live, if none can be had. Out of line, as the
 * other paths of segfit_realloc(). */
__attribute__((noinline)) static void *small_to_large(struct segfit_heap *s, void *ptr,
                                                      struct layout l, size_t new_size)
{
    void *q = large_alloc(s, (struct layout){.size = new_size, .align = l.align});
    if (q == NULL)
        return NULL;
    q = memcpy(q, ptr, l.size);
    free_small(s, ptr, l.size);
    return q;
}

__attribute__((noinline)) static void *large_to_small(struct segfit_heap *s, void *ptr,
                                                      struct layout l, size_t new_size)
{
    void *q = segfit_alloc(s, (struct layout){.size = new_size, .align = l.align});
    if (q == NULL)
        return NULL;
    q = memcpy(q, ptr, new_size);
    large_dealloc(s, ptr, l);
    return q;
}

/* The cached block that starts at address `from`, or (`ending`) ends at
 * it, taken off its list; NULL if none of the first SEGFIT_NEIGHBOUR_SCAN
 * blocks of any list does. A neighbour freed lately is near its list's
 * head (the lists are LIFO); the bound keeps the step count independent of
 * how many blocks are cached. */
static struct segfit_small *take_cached_at(struct segfit_heap *s, uintptr_t from, bool ending,
                                           size_t *bytes)
{
    for (size_t c = 0; c < SEGFIT_CLASSES; c++) {
        struct segfit_small **link = &s->lists[c];
        for (int i = 0; *link != NULL && i < SEGFIT_NEIGHBOUR_SCAN; i++, link = &(*link)->next)
            if ((uintptr_t)*link + (ending ? class_bytes(c) : 0) == from) {
                struct segfit_small *b = *link;
                *link = b->next;
                *bytes = class_bytes(c);
                return b;
            }
    }
    return NULL;
}

/* Puts the free range [lo, hi) on the lists merged with the cached blocks
 * that touch it, in as few pieces as push_range() allows, so that a small
 * heap's larger requests find the room that blocks freed side by side make
 * together without waiting for a reclaim pass; it stops merging once the
 * range holds SEGFIT_SMALL_MAX bytes, the most one piece can hold. */
static void push_coalesced(struct segfit_heap *s, uintptr_t lo, uintptr_t hi)
{
    size_t bytes;
    while (hi - lo < SEGFIT_SMALL_MAX && take_cached_at(s, hi, false, &bytes) != NULL)
        hi += bytes;
    while (hi - lo < SEGFIT_SMALL_MAX && take_cached_at(s, lo, true, &bytes) != NULL)
        lo -= bytes;
    push_range(s, lo, hi - lo);
}

/* In a small heap, a block that grows takes the cached blocks around it
 * when they cover the growth, as a first-fit heap grows a block into its
 * free neighbours: moving would leave the old block's bytes as a hole that
 * few requests fit, and take a new hole as large as the grown block. The
 * blocks after it are taken first, until they cover the growth from where
 * the block starts (it stays, or moves up to the new class's alignment if
 * they reach that far), then those before it, one at a time until the
 * block fits from an aligned address (it slides down only as far as it
 * must). Touching cached blocks lie in the same run (a run's header parts
 * runs). The bytes around the new block go back on the lists; if the
 * cached blocks found fall short, they all go back. */
static void *small_grow_into_cached(struct segfit_heap *s, uintptr_t p, size_t have, size_t want,
                                    size_t align, size_t copy)
{
    size_t bytes;
    uintptr_t lo = p, hi = p + have, q = p;
    while (hi < p + want && take_cached_at(s, hi, false, &bytes) != NULL)
        hi += bytes;
    for (;;) {
        q = (lo + align - 1) & ~((uintptr_t)align - 1);
        if (q + want <= hi || take_cached_at(s, lo, true, &bytes) == NULL)
            break;
        lo -= bytes;
    }
    if (q + want > hi) {
        push_range(s, lo, p - lo);
        push_range(s, p + have, hi - p - have);
        return NULL;
    }
    if (q != p)
        memmove((void *)q, (void *)p, copy);
    push_range(s, lo, q - lo);
    push_range(s, q + want, hi - q - want);
    return (void *)q;
}

/* small_move() in a small heap when the new class's list cannot serve: a
 * growing block first tries to grow into the cached blocks around it (see
 * small_grow_into_cached), else it moves to a block from alloc_slow() and
 * the old one goes back merged with its cached neighbours.
 * Cold: a heap of any real size never runs it, so it stays out of the
 * other paths' way. */
__attribute__((noinline, cold)) static void *small_move_small_heap(struct segfit_heap *s, void *ptr,
                                                                   struct layout l, size_t new_size)
{
    size_t have = class_bytes(class_of(l.size)), want = class_bytes(class_of(new_size));
    size_t align = small_align(class_of(new_size), l.align);
    void *q =
        want > have ? small_grow_into_cached(s, (uintptr_t)ptr, have, want, align, l.size) : NULL;
    if (q != NULL) {
        heap_counts_resize(&s->counts, l.size, new_size);
        return q;
    }
    q = alloc_slow(s, (struct layout){.size = new_size, .align = l.align});
    if (q == NULL)
        return NULL;
    q = memcpy(q, ptr, l.size < new_size ? l.size : new_size);
    push_coalesced(s, (uintptr_t)ptr, (uintptr_t)ptr + have);
    heap_counts_free(&s->counts, l.size);
    return q;
}

/* A small block moved to another class: segfit_alloc()'s fast path and
 * segfit_dealloc()'s around the copy (in a small heap, the list's head or
 * small_move_small_heap()). Out of line, so that small_realloc() saves no
 * registers for it. */
__attribute__((noinline)) static void *small_move(struct segfit_heap *s, void *ptr, struct layout l,
                                                  size_t new_size)
{
    void *q = pop_head(s, class_of(new_size), l.align);
    if (q != NULL)
        heap_counts_alloc(&s->counts, new_size);
    else if (small_heap(s))
        return small_move_small_heap(s, ptr, l, new_size);
    else if ((q = alloc_slow(s, (struct layout){.size = new_size, .align = l.align})) == NULL)
        return NULL;
    q = memcpy(q, ptr, l.size < new_size ? l.size : new_size);
    free_small(s, ptr, l.size);
    return q;
}

/* Small to small when the block may stay: in place if it can, else
 * moved. */
__attribute__((noinline)) static void *small_resize(struct segfit_heap *s, void *ptr,
                                                    struct layout l, size_t new_size)
{
    if (small_realloc_in_place(s, ptr, l, new_size))
        return ptr;
    return small_move(s, ptr, l, new_size);
}

/* Small to small. Most grow a block that is not at the top of the current
 * run, which moves: decided here, before anything that saves registers.
 * Out of line, so that it saves no registers for the large paths. */
__attribute__((noinline)) static void *small_realloc(struct segfit_heap *s, void *ptr,
                                                     struct layout l, size_t new_size)
{
    size_t have = class_bytes(class_of(l.size)), want = class_bytes(class_of(new_size));
    if (want > have && (uintptr_t)ptr + have != s->bump)
        return small_move(s, ptr, l, new_size);
    return small_resize(s, ptr, l, new_size);
}

/* Large to large, out of line for the same reason. */
__attribute__((noinline)) static void *realloc_large(struct segfit_heap *s, void *ptr,
                                                     struct layout l, size_t new_size)
{
    return large_realloc(s, ptr, l, new_size);
}

/* A dispatch of tail calls, so that no path saves registers for another.
 * Old and new block share the alignment, so they differ in kind only by
 * size. */
static void *segfit_realloc(void *self, void *ptr, struct layout l, size_t new_size)
{
    struct segfit_heap *s = self;
    bool small_old = is_small(l), small_new = new_size <= SEGFIT_SMALL_MAX && small_old;
    if (small_old)
        return small_new ? small_realloc(s, ptr, l, new_size) : small_to_large(s, ptr, l, new_size);
    if (new_size > SEGFIT_SMALL_MAX || l.align > SEGFIT_SMALL_ALIGN)
        return realloc_large(s, ptr, l, new_size);
    return large_to_small(s, ptr, l, new_size);
}

/* ==== Region management ================================================== */

static enum allocator_init_error segfit_init(void *self, void *start, size_t size)
{
    struct segfit_heap *s = self;
    memset(s, 0, sizeof *s); /* front end empty, no run */
    enum allocator_init_error e = tlsf_core_init(&s->be, start, size);
    s->reclaim_at = reclaim_cached_min(s);
    return e;
}

static bool segfit_extend(void *self, size_t more)
{
    struct segfit_heap *s = self;
    return tlsf_core_extend(&s->be, more);
}

/* The free bytes of a heap with nothing live: all of it, as one block
 * after a reset. */
static size_t empty_heap_bytes(const struct segfit_heap *s)
{
    return (uintptr_t)s->be.sentinel - tlsf_block_payload(s->be.first);
}

/* A heap with nothing live reads as a fresh one, whose runs shrink() gives
 * back first: all of it but the minimum block can go. */
static size_t segfit_free_tail(void *self)
{
    struct segfit_heap *s = self;
    if (s->counts.live == 0 && s->runs != 0)
        return s->be.region_end - ((uintptr_t)s->be.sentinel + TLSF_HEADER) + empty_heap_bytes(s) -
               TLSF_MIN_PAYLOAD;
    return tlsf_core_free_tail(&s->be);
}

static bool segfit_shrink(void *self, size_t less)
{
    struct segfit_heap *s = self;
    if (less > segfit_free_tail(s))
        return false;
    reclaim_if_empty(s);
    return tlsf_core_shrink(&s->be, less);
}

/* ==== Introspection ======================================================= */

/* Cached small blocks: their bytes and the largest one. */
static size_t walk_cached(const struct segfit_heap *s, size_t *largest)
{
    size_t total = 0;
    *largest = 0;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++)
        for (const struct segfit_small *b = s->lists[c]; b != NULL; b = b->next) {
            total += class_bytes(c);
            *largest = class_bytes(c);
        }
    return total;
}

/* Cached small blocks and the current run's tail count as free; a heap
 * with nothing live reads as a fresh one (what the next request that needs
 * it gets, after a reset). Changes nothing. */
static void segfit_stats(void *self, struct heap_stats *out)
{
    struct segfit_heap *s = self;
    size_t small_largest, tail = s->bump_end - s->bump;
    size_t free = s->be.free_bytes + walk_cached(s, &small_largest) + tail;
    size_t largest = tlsf_core_largest(&s->be);
    if (small_largest > largest)
        largest = small_largest;
    if (tail > largest)
        largest = tail;
    if (s->counts.live == 0 && s->runs != 0)
        free = largest = empty_heap_bytes(s);
    *out = (struct heap_stats){
        .region_size = s->be.region_end - s->be.region_start,
        .bytes_free = free,
        .largest_free_block = largest,
    };
    heap_counts_stats(&s->counts, out);
}

/* Cached small blocks inside [lo, hi). */
static size_t cached_within(const struct segfit_heap *s, uintptr_t lo, uintptr_t hi)
{
    size_t n = 0;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++)
        for (const struct segfit_small *b = s->lists[c]; b != NULL; b = b->next)
            n += (uintptr_t)b >= lo && (uintptr_t)b + class_bytes(c) <= hi;
    return n;
}

/* The front end: the current run is a run and holds the bump range; each
 * class list is finite (no more blocks than its runs can hold: a double
 * free makes a cycle), made of aligned blocks, each inside some run and
 * none in the uncarved tail. */
static void check_small(const struct segfit_heap *s, size_t run_bytes)
{
    const struct tlsf_block *r = s->run;
    if (r == NULL ? s->bump != 0 || s->bump_end != 0
                  : !segfit_is_run(r) || s->bump < tlsf_block_payload(r) || s->bump > s->bump_end ||
                        s->bump_end != tlsf_block_payload(r) + tlsf_block_size(r) ||
                        s->bump % SEGFIT_QUANTUM != 0)
        panic("segfit: current run %p or its range [%#lx, %#lx) is corrupted", (const void *)r,
              (unsigned long)s->bump, (unsigned long)s->bump_end);
    size_t cached = 0;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++) {
        size_t steps = 0;
        for (const struct segfit_small *b = s->lists[c]; b != NULL; b = b->next) {
            uintptr_t p = (uintptr_t)b;
            if (++steps > run_bytes / SEGFIT_QUANTUM)
                panic("segfit: class %zu list longer than its runs can hold (cycle, double free?)",
                      class_bytes(c));
            if (p % class_align(c) != 0 || p < tlsf_block_payload(s->be.first) ||
                p >= (uintptr_t)s->be.sentinel || (p + class_bytes(c) > s->bump && p < s->bump_end))
                panic("segfit: class %zu block %p misaligned, outside the heap or uncarved",
                      class_bytes(c), (const void *)b);
        }
        cached += steps;
    }
    size_t inside = 0;
    for (const struct tlsf_block *b = s->be.first; b != s->be.sentinel; b = tlsf_block_next(b))
        if (segfit_is_run(b))
            inside += cached_within(s, tlsf_block_payload(b), (uintptr_t)tlsf_block_next(b));
    if (inside != cached)
        panic("segfit: %zu of %zu cached small blocks lie outside every run", cached - inside,
              cached);
    size_t largest, bytes = walk_cached(s, &largest);
    if (bytes > segfit_cached_bound(s))
        panic("segfit: the class lists hold %zu bytes, more than the runs leave free (%zu)", bytes,
              segfit_cached_bound(s));
}

static void segfit_check(void *self)
{
    struct segfit_heap *s = self;
    struct tlsf_census n;
    tlsf_core_check(&s->be, "segfit", &n);
    if (n.used != s->large_live || n.marked != s->runs || n.marked_bytes != s->run_bytes)
        panic("segfit: walk found %zu large blocks and %zu runs of %zu bytes, counters say %zu, "
              "%zu and %zu",
              n.used, n.marked, n.marked_bytes, s->large_live, s->runs, s->run_bytes);
    check_small(s, n.marked_bytes);
    const struct heap_counts *c = &s->counts;
    if (c->live < s->large_live || s->large_bytes > c->bytes_in_use ||
        (s->large_live == 0 && s->large_bytes != 0))
        panic("segfit: counters disagree: %zu live, %zu large of %zu bytes, %zu bytes in use",
              c->live, s->large_live, s->large_bytes, c->bytes_in_use);
    heap_counts_check(c, "segfit");
}

const struct allocator_ops segfit_ops = {
    .name = "segfit",
    .alloc = segfit_alloc,
    .dealloc = segfit_dealloc,
    .realloc = segfit_realloc,
    .init = segfit_init,
    .extend = segfit_extend,
    .free_tail = segfit_free_tail,
    .shrink = segfit_shrink,
    .stats = segfit_stats,
    .check = segfit_check,
};
