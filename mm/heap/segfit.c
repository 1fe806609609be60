/* segfit: exact-size small-object lists carved from runs, over a TLSF back
 * end with boundary tags (see segfit.h). */
#include "mm/heap/segfit.h"

#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/heap_math.h"

#define GRANULE   TLSF_GRANULE
#define HEADER    TLSF_HEADER
#define FLAG_FREE TLSF_FREE
#define FLAG_RUN  TLSF_MARK /* a used block the front end carves from */
#define Q         ((size_t)SEGFIT_QUANTUM)

#define block_size     tlsf_block_size
#define block_is_free  tlsf_block_is_free
#define block_is_run   tlsf_block_is_marked
#define block_set_size tlsf_block_set_size
#define block_payload  tlsf_block_payload
#define block_next     tlsf_block_next

typedef struct tlsf_block block_t;
typedef struct segfit_small small_t;

_Static_assert(SEGFIT_SMALL_MAX % SEGFIT_QUANTUM == 0 && SEGFIT_SMALL_ALIGN <= SEGFIT_SMALL_MAX,
               "small classes must tile the small range");

/* ==== Back end: the TLSF core (tlsf_core.h) =============================== */

/* The state right after init, for the same bounds: front-end state
 * cleared, one free back-end block. Counters other than the peak must
 * already be zero (nothing is live). */
static void be_reset(struct segfit_heap *s)
{
    memset(s->lists, 0, sizeof s->lists);
    s->bump = s->bump_end = 0;
    s->run = NULL;
    s->runs = 0;
    tlsf_core_reset(&s->be);
}

/* When nothing is live, every run holds only cached blocks: give them all
 * back at once. Returns true if that changed anything. */
static bool reclaim_if_empty(struct segfit_heap *s)
{
    if (s->live != 0 || s->runs == 0)
        return false;
    be_reset(s);
    return true;
}

/* ==== Front end: exact classes carved from runs ========================== */

/* A small block's class depends on its size only: ceil(size / 8), so that
 * dealloc finds the list from layout.size alone and an aligned request
 * costs no more memory than an unaligned one of the same size. Every block
 * of class c (cached or live) lies at an address aligned to class_align(c),
 * the natural alignment of its size capped at SEGFIT_SMALL_ALIGN (16 for 48
 * bytes, 32 for 96, 64 for 128 or 256), so a request aligned to at most
 * that takes any block of the list; a more aligned one looks for a block
 * that happens to be aligned enough, else carves or splits one. */

static bool is_small(struct layout l)
{
    return l.size <= SEGFIT_SMALL_MAX && l.align <= SEGFIT_SMALL_ALIGN;
}

/* ceil(size / 8), whatever the alignment: 0 for size 0, whose blocks are
 * 8 bytes like class 1's. */
static size_t class_of(size_t size)
{
    return (size + Q - 1) / Q;
}

static size_t class_bytes(size_t c)
{
    return c == 0 ? Q : c * Q;
}

static size_t lowbit(uintptr_t x)
{
    return (size_t)(x & -x);
}

static size_t class_align(size_t c)
{
    size_t a = lowbit(class_bytes(c));
    return a < SEGFIT_SMALL_ALIGN ? a : SEGFIT_SMALL_ALIGN;
}

/* Puts the free range [p, p + bytes) (8-aligned, whole quanta) on the class
 * lists, cut into pieces of at most SEGFIT_SMALL_MAX bytes that each keep
 * the alignment invariant. */
static void push_range(struct segfit_heap *s, uintptr_t p, size_t bytes)
{
    while (bytes != 0) {
        size_t piece = bytes < SEGFIT_SMALL_MAX ? bytes : SEGFIT_SMALL_MAX;
        size_t at = lowbit(p);
        if (at < SEGFIT_SMALL_ALIGN && lowbit(piece) > at)
            piece -= at; /* now lowbit(piece) == at */
        small_t *b = (small_t *)p;
        b->next = s->lists[piece / Q];
        s->lists[piece / Q] = b;
        p += piece;
        bytes -= piece;
    }
}

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

/* Retires the current run (its uncarved tail goes on the class lists) and
 * takes a new one: the free block good fit finds for SEGFIT_RUN_MIN bytes
 * (else of `need` bytes), up to SEGFIT_RUN bytes of it. Small blocks so
 * fill the holes between large ones first, as in a plain good-fit heap. */
static bool new_run(struct segfit_heap *s, size_t need)
{
    size_t min;
    if (!tlsf_adjust_size(need, &min))
        return false;
    size_t want = min < SEGFIT_RUN_MIN ? SEGFIT_RUN_MIN : min;
    block_t *b = NULL;
    for (int pass = 0; b == NULL && pass < 2; pass++) {
        if (pass == 1 && !reclaim_if_empty(s))
            break;
        b = tlsf_core_alloc_up_to(&s->be, want, SEGFIT_RUN);
        if (b == NULL && want > min)
            b = tlsf_core_alloc_up_to(&s->be, min, SEGFIT_RUN);
    }
    if (b == NULL)
        return false;
    if (s->run != NULL)
        push_range(s, s->bump, s->bump_end - s->bump);
    b->size |= FLAG_RUN;
    s->runs++;
    s->run = b;
    s->bump = block_payload(b);
    s->bump_end = s->bump + block_size(b);
    return true;
}

/* At the heap's end: splits the head of a larger class's list around a
 * block of class c at `align`; the pieces before and after go back on the
 * lists. */
static uintptr_t split_cached(struct segfit_heap *s, size_t c, size_t align)
{
    size_t bytes = class_bytes(c);
    for (size_t d = c + 1; d < SEGFIT_CLASSES; d++) {
        small_t *h = s->lists[d];
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

/* ==== Reclaiming cached blocks ========================================== */

/* When a request would otherwise fail, the cached small blocks of every
 * class are merged into one list, sorted by address (an in-place merge sort
 * of the list: O(n log n), no memory), and walked in step with the blocks
 * of the heap. Touching cached blocks form free ranges. A range that can
 * hold a back-end block of SEGFIT_RECLAIM_MIN payload bytes is cut out of
 * its run and released (a whole free run goes back as it is; one at either
 * end of a run shrinks it; one in its middle splits it in two runs), so it
 * coalesces with its free neighbours and serves any size. Shorter ranges go
 * back on the class lists in as few pieces as push_range() allows.
 *
 * While gathered, a cached block is a struct cached: `link` is the next
 * block | CACHED_GATHERED, | CACHED_TINY for an 8-byte block, which has no
 * room for `bytes`. A class list's link is 8-aligned: a block found with
 * low bits set is met twice, which only a double free can do. */
#define CACHED_TINY     ((uintptr_t)1)
#define CACHED_GATHERED ((uintptr_t)2)
#define CACHED_FLAGS    (CACHED_TINY | CACHED_GATHERED)

struct cached {
    small_t *link; /* the same word, of the same type, as small_t's next */
    size_t bytes;  /* only without CACHED_TINY */
};

static uintptr_t cached_flags(const struct cached *k)
{
    return (uintptr_t)k->link & CACHED_FLAGS;
}

static struct cached *cached_next(const struct cached *k)
{
    return (struct cached *)((uintptr_t)k->link & ~CACHED_FLAGS);
}

static void cached_set_next(struct cached *k, struct cached *next)
{
    k->link = (small_t *)((uintptr_t)next | cached_flags(k));
}

static size_t cached_size(const struct cached *k)
{
    return (cached_flags(k) & CACHED_TINY) != 0 ? Q : k->bytes;
}

/* Empties every class list into one list of struct cached. Panics on a
 * block outside the heap or met twice (a cycle, or in two lists). */
static struct cached *gather_cached(struct segfit_heap *s)
{
    uintptr_t lo = block_payload(s->be.first), hi = (uintptr_t)s->be.sentinel;
    struct cached *all = NULL;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++) {
        size_t bytes = class_bytes(c);
        small_t *b = s->lists[c];
        s->lists[c] = NULL;
        while (b != NULL) {
            uintptr_t p = (uintptr_t)b;
            if (p % Q != 0 || p < lo || p >= hi)
                panic("segfit: class %zu list holds %p, outside the heap", bytes, (void *)b);
            struct cached *k = (struct cached *)b;
            if (cached_flags(k) != 0)
                panic("segfit: cached small block %p met twice (double free?)", (void *)b);
            b = k->link;
            k->link =
                (small_t *)((uintptr_t)all | CACHED_GATHERED | (bytes == Q ? CACHED_TINY : 0));
            if (bytes != Q)
                k->bytes = bytes;
            all = k;
        }
    }
    return all;
}

/* Sorts a list of struct cached by address: bottom-up merge sort of the
 * list itself, O(n log n) steps and O(1) space. */
static struct cached *sort_cached(struct cached *list)
{
    for (size_t width = 1; list != NULL; width *= 2) {
        struct cached *p = list, *tail = NULL;
        size_t merges = 0;
        list = NULL;
        while (p != NULL) {
            struct cached *q = p;
            size_t psize = 0, qsize = width;
            merges++;
            while (psize < width && q != NULL) {
                psize++;
                q = cached_next(q);
            }
            while (psize > 0 || (qsize > 0 && q != NULL)) {
                struct cached *e;
                if (psize > 0 && (qsize == 0 || q == NULL || p < q)) {
                    e = p;
                    p = cached_next(p);
                    psize--;
                } else {
                    e = q;
                    q = cached_next(q);
                    qsize--;
                }
                if (tail != NULL)
                    cached_set_next(tail, e);
                else
                    list = e;
                tail = e;
            }
            p = q;
        }
        cached_set_next(tail, NULL);
        if (merges <= 1)
            break;
    }
    return list;
}

/* The range of touching blocks that starts the sorted list `k`: sets *end,
 * returns the rest of the list. Overlapping blocks mean a double free. */
static struct cached *take_range(struct cached *k, uintptr_t *end)
{
    uintptr_t e = (uintptr_t)k + cached_size(k);
    for (k = cached_next(k); k != NULL && (uintptr_t)k <= e; k = cached_next(k)) {
        if ((uintptr_t)k < e)
            panic("segfit: cached small block %p overlaps another (double free?)", (void *)k);
        e += cached_size(k);
    }
    *end = e;
    return k;
}

/* The free range [a, e) of run `r`: released to the back end if it is the
 * whole run or holds a block of SEGFIT_RECLAIM_MIN payload bytes (with the
 * headers it needs: its own unless it starts the run, the next run piece's
 * unless it ends it), else
 * put back on the class lists. Returns the block holding the rest of the
 * run (the run, or the piece after the range) or, if the range ended it,
 * the released block. */
static block_t *reclaim_range(struct segfit_heap *s, block_t *r, uintptr_t a, uintptr_t e)
{
    uintptr_t lo = block_payload(r), hi = (uintptr_t)block_next(r);
    uintptr_t front = (a + GRANULE - 1) & ~(uintptr_t)(GRANULE - 1),
              back = e & ~(uintptr_t)(GRANULE - 1);
    uintptr_t from = a == lo ? lo : front + HEADER, to = e == hi ? hi : back - HEADER;
    if ((a != lo || e != hi) && (to < from || to - from < (size_t)SEGFIT_RECLAIM_MIN)) {
        push_range(s, a, e - a);
        return r;
    }
    block_t *next = block_next(r), *f = r, *rest = NULL;
    if (a != lo) {
        push_range(s, a, front - a); /* stays in r */
        f = (block_t *)front;
        f->prev_phys = r;
        block_set_size(r, front - lo);
        s->runs++;
    }
    if (e != hi) {
        rest = (block_t *)(back - HEADER);
        rest->prev_phys = f;
        rest->size = (hi - back) | FLAG_RUN;
        next->prev_phys = rest;
        push_range(s, back, e - back); /* in the new piece */
        s->runs++;
    } else {
        next->prev_phys = f;
    }
    s->runs--; /* r became f, plus the pieces counted above */
    f->size = to - from;
    f = tlsf_core_release(&s->be, f);
    return rest != NULL ? rest : f;
}

/* The reclaim pass: retires the current run (its tail is free memory too),
 * then gives every long enough range of cached blocks back to the back end
 * (see above). O(n log n) for n cached blocks plus one walk of the back
 * end's blocks. true if there was anything to reclaim. */
static bool reclaim_cached(struct segfit_heap *s)
{
    bool any = s->run != NULL;
    if (s->run != NULL) {
        push_range(s, s->bump, s->bump_end - s->bump);
        s->run = NULL;
        s->bump = s->bump_end = 0;
    }
    struct cached *k = sort_cached(gather_cached(s));
    any |= k != NULL;
    block_t *b = s->be.first;
    while (k != NULL && b != s->be.sentinel) {
        if ((uintptr_t)k >= (uintptr_t)block_next(b)) {
            b = block_next(b);
            continue;
        }
        uintptr_t a = (uintptr_t)k, e;
        k = take_range(k, &e);
        if (!block_is_run(b) || a < block_payload(b) || e > (uintptr_t)block_next(b))
            panic("segfit: cached small blocks [%p, %p) lie outside every run", (void *)a,
                  (void *)e);
        b = reclaim_range(s, b, a, e);
    }
    if (k != NULL)
        panic("segfit: cached small block %p lies past the heap", (void *)k);
    return any;
}

/* Before a request fails: an empty heap is reset (O(1)), else the cached
 * blocks are reclaimed. true if that may have made room. */
static bool reclaim(struct segfit_heap *s)
{
    return s->live == 0 ? reclaim_if_empty(s) : reclaim_cached(s);
}

/* A cached class-c block at `align`: one of the first SEGFIT_ALIGNED_SCAN
 * blocks of its list (the head, if `align` is the class's own alignment). */
static small_t *take_cached(struct segfit_heap *s, size_t c, size_t align)
{
    small_t **link = &s->lists[c];
    for (int i = 0; *link != NULL && i < SEGFIT_ALIGNED_SCAN; i++, link = &(*link)->next) {
        small_t *b = *link;
        if ((uintptr_t)b % align == 0) {
            *link = b->next;
            return b;
        }
    }
    return NULL;
}

/* A class-c block at `align` (a multiple of the class alignment): a cached
 * one, else carved from the current run, a new run, or (at the heap's end)
 * split from a larger cached block. */
static void *small_alloc_slow(struct segfit_heap *s, size_t c, size_t align)
{
    small_t *h = take_cached(s, c, align);
    if (h != NULL)
        return h;
    uintptr_t p = carve(s, c, align);
    if (p == 0 && new_run(s, class_bytes(c) + align - Q))
        p = carve(s, c, align);
    if (p == 0)
        p = split_cached(s, c, align);
    return (void *)p;
}

static void count_alloc(struct segfit_heap *s, size_t size)
{
    s->live++;
    s->bytes_in_use += size;
    if (s->bytes_in_use > s->peak)
        s->peak = s->bytes_in_use;
}

/* ==== The vtable ========================================================== */

/* large_alloc() when the back end has no block: after giving back the
 * runs of an empty heap, or the cached small blocks. Out of line, so that
 * the common path saves no registers for it. */
__attribute__((noinline, cold)) static block_t *large_alloc_retry(struct segfit_heap *s,
                                                                  size_t size, size_t align)
{
    if (reclaim_if_empty(s) || reclaim_cached(s))
        return tlsf_core_alloc(&s->be, size, align);
    return NULL;
}

/* A large block from the back end, after giving back the runs of an empty
 * heap or reclaiming cached small blocks if need be. */
static void *large_alloc(struct segfit_heap *s, struct layout l)
{
    size_t size;
    if (!tlsf_adjust_size(l.size, &size))
        return NULL;
    block_t *b = tlsf_core_alloc(&s->be, size, l.align);
    if (b == NULL)
        b = large_alloc_retry(s, size, l.align);
    if (b == NULL)
        return NULL;
    s->large_live++;
    count_alloc(s, l.size);
    return (void *)block_payload(b);
}

__attribute__((noinline)) static void *alloc_slow(struct segfit_heap *s, struct layout l)
{
    if (!is_small(l))
        return large_alloc(s, l);
    size_t c = class_of(l.size);
    size_t align = l.align > class_align(c) ? l.align : class_align(c);
    void *p = small_alloc_slow(s, c, align);
    if (p == NULL && reclaim(s))
        p = small_alloc_slow(s, c, align);
    if (p != NULL)
        count_alloc(s, l.size);
    return p;
}

/* Fast path: pop the class list, when its blocks are aligned enough. */
static void *segfit_alloc(void *self, struct layout l)
{
    struct segfit_heap *s = self;
    size_t c = class_of(l.size);
    /* align <= Q implies align <= class_align(c); it is tested first because
     * it is the common case and cheaper. */
    if (l.size > SEGFIT_SMALL_MAX)
        return large_alloc(s, l);
    if (l.align <= Q || l.align <= class_align(c)) {
        small_t **head = &s->lists[c];
        small_t *b = *head;
        if (b != NULL) {
            *head = b->next;
            count_alloc(s, l.size);
            return b;
        }
    }
    return alloc_slow(s, l);
}

__attribute__((noinline)) static void large_dealloc(struct segfit_heap *s, void *ptr,
                                                    struct layout l)
{
    block_t *b = tlsf_core_live_block(&s->be, ptr, l.size, "segfit", "dealloc");
    s->large_live--;
    s->live--;
    s->bytes_in_use -= l.size;
    tlsf_core_release(&s->be, b);
}

/* Fast path: push on the class list. */
static void segfit_dealloc(void *self, void *ptr, struct layout l)
{
    struct segfit_heap *s = self;
    if (is_small(l)) {
        small_t *b = ptr, **head = &s->lists[class_of(l.size)];
        b->next = *head;
        *head = b;
        s->live--;
        s->bytes_in_use -= l.size;
        return;
    }
    large_dealloc(s, ptr, l);
}

static void *count_resize(struct segfit_heap *s, void *ptr, size_t old_size, size_t new_size)
{
    s->bytes_in_use = s->bytes_in_use - old_size + new_size;
    if (s->bytes_in_use > s->peak)
        s->peak = s->bytes_in_use;
    return ptr;
}

/* Small to small without moving: same class, a shorter class (the tail goes
 * on the lists), or growing at the top of the current run, as long as the
 * block has the new class's alignment. NULL if none applies. */
static void *small_realloc_in_place(struct segfit_heap *s, void *ptr, struct layout l,
                                    size_t new_size)
{
    uintptr_t p = (uintptr_t)ptr;
    size_t c = class_of(new_size);
    size_t have = class_bytes(class_of(l.size)), want = class_bytes(c);
    if (p % class_align(c) != 0)
        return NULL;
    if (want <= have) {
        push_range(s, p + want, have - want);
        return count_resize(s, ptr, l.size, new_size);
    }
    if (p + have == s->bump && want - have <= s->bump_end - s->bump) {
        s->bump += want - have;
        return count_resize(s, ptr, l.size, new_size);
    }
    return NULL;
}

/* A large block that neither resizing nor moving could place: once more
 * after reclaiming cached small blocks, which may free its neighbours (so
 * that it can stay after all) as well as room elsewhere. NULL, nothing
 * changed, if that fails too. */
__attribute__((noinline, cold)) static block_t *
large_resize_reclaiming(struct segfit_heap *s, block_t *b, size_t size, size_t align, size_t copy)
{
    if (!reclaim_cached(s))
        return NULL;
    block_t *r = tlsf_core_resize(&s->be, b, size, align, copy);
    return r != NULL ? r : tlsf_core_move(&s->be, b, size, align, copy);
}

/* Large to large: in place when the back end can (grow into a free
 * successor, shrink, slide down once the heap is not roomy, or shrink into
 * a snug free block: see tlsf_core_resize), else move (tlsf_core_move:
 * elsewhere, else down into its free neighbours). */
static void *large_realloc(struct segfit_heap *s, void *ptr, struct layout l, size_t new_size)
{
    block_t *b = tlsf_core_live_block(&s->be, ptr, l.size, "segfit", "realloc");
    size_t size, copy = l.size < new_size ? l.size : new_size;
    if (!tlsf_adjust_size(new_size, &size))
        return NULL;
    block_t *r = tlsf_core_resize(&s->be, b, size, l.align, copy);
    if (r == NULL)
        r = tlsf_core_move(&s->be, b, size, l.align, copy);
    if (r == NULL)
        r = large_resize_reclaiming(s, b, size, l.align, copy);
    if (r == NULL)
        return NULL;
    return count_resize(s, (void *)block_payload(r), l.size, new_size);
}

static void *segfit_realloc(void *self, void *ptr, struct layout l, size_t new_size)
{
    struct segfit_heap *s = self;
    struct layout nl = {.size = new_size, .align = l.align};
    bool small_old = is_small(l), small_new = is_small(nl);
    if (small_old && small_new) {
        void *q = small_realloc_in_place(s, ptr, l, new_size);
        if (q != NULL)
            return q;
    } else if (!small_old && !small_new) {
        return large_realloc(s, ptr, l, new_size);
    }
    void *q = small_new ? segfit_alloc(s, nl) : large_alloc(s, nl);
    if (q == NULL)
        return NULL;
    memcpy(q, ptr, l.size < new_size ? l.size : new_size);
    segfit_dealloc(s, ptr, l);
    return q;
}

/* ==== Region management ================================================== */

static enum allocator_init_error segfit_init(void *self, void *start, size_t size)
{
    struct segfit_heap *s = self;
    memset(s, 0, sizeof *s); /* front end empty, no run */
    return tlsf_core_init(&s->be, start, size);
}

static bool segfit_extend(void *self, size_t more)
{
    struct segfit_heap *s = self;
    return tlsf_core_extend(&s->be, more);
}

/* An empty heap first gives its runs back (as stats() does), so that all
 * of it can go. */
static size_t segfit_free_tail(void *self)
{
    struct segfit_heap *s = self;
    reclaim_if_empty(s);
    return tlsf_core_free_tail(&s->be);
}

static bool segfit_shrink(void *self, size_t less)
{
    struct segfit_heap *s = self;
    return tlsf_core_shrink(&s->be, less);
}

/* ==== Introspection ======================================================= */

/* Cached small blocks: their bytes and the largest one. */
static size_t cached_bytes(const struct segfit_heap *s, size_t *largest)
{
    size_t total = 0;
    *largest = 0;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++)
        for (const small_t *b = s->lists[c]; b != NULL; b = b->next) {
            total += class_bytes(c);
            *largest = class_bytes(c);
        }
    return total;
}

/* An empty heap first gives its runs back, so that it reads as a fresh
 * one. Cached small blocks and the current run's tail count as free. */
static void segfit_stats(void *self, struct heap_stats *out)
{
    struct segfit_heap *s = self;
    reclaim_if_empty(s);
    size_t small_largest, tail = s->bump_end - s->bump;
    size_t free = s->be.free_bytes + cached_bytes(s, &small_largest) + tail;
    size_t largest = tlsf_core_largest(&s->be);
    if (small_largest > largest)
        largest = small_largest;
    if (tail > largest)
        largest = tail;
    *out = (struct heap_stats){
        .region_size = s->be.region_end - s->be.region_start,
        .bytes_in_use = s->bytes_in_use,
        .peak_bytes_in_use = s->peak,
        .bytes_free = free,
        .largest_free_block = largest,
        .live_allocations = s->live,
    };
}

/* Cached small blocks inside [lo, hi). */
static size_t cached_within(const struct segfit_heap *s, uintptr_t lo, uintptr_t hi)
{
    size_t n = 0;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++)
        for (const small_t *b = s->lists[c]; b != NULL; b = b->next)
            n += (uintptr_t)b >= lo && (uintptr_t)b + class_bytes(c) <= hi;
    return n;
}

/* The front end: the current run is a run and holds the bump range; each
 * class list is finite (no more blocks than its runs can hold: a double
 * free makes a cycle), made of aligned blocks, each inside some run and
 * none in the uncarved tail. */
static void check_small(const struct segfit_heap *s, size_t run_bytes)
{
    const block_t *r = s->run;
    if (r == NULL ? s->bump != 0 || s->bump_end != 0
                  : !block_is_run(r) || s->bump < block_payload(r) || s->bump > s->bump_end ||
                        s->bump_end != block_payload(r) + block_size(r) || s->bump % Q != 0)
        panic("segfit: current run %p or its range [%#lx, %#lx) is corrupted", (const void *)r,
              (unsigned long)s->bump, (unsigned long)s->bump_end);
    size_t cached = 0;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++) {
        size_t steps = 0;
        for (const small_t *b = s->lists[c]; b != NULL; b = b->next) {
            uintptr_t p = (uintptr_t)b;
            if (++steps > run_bytes / Q)
                panic("segfit: class %zu list longer than its runs can hold (cycle, double free?)",
                      class_bytes(c));
            if (p % class_align(c) != 0 || p < block_payload(s->be.first) ||
                p >= (uintptr_t)s->be.sentinel || (p + class_bytes(c) > s->bump && p < s->bump_end))
                panic("segfit: class %zu block %p misaligned, outside the heap or uncarved",
                      class_bytes(c), (const void *)b);
        }
        cached += steps;
    }
    size_t inside = 0;
    for (const block_t *b = s->be.first; b != s->be.sentinel; b = block_next(b))
        if (block_is_run(b))
            inside += cached_within(s, block_payload(b), (uintptr_t)block_next(b));
    if (inside != cached)
        panic("segfit: %zu of %zu cached small blocks lie outside every run", cached - inside,
              cached);
}

static void segfit_check(void *self)
{
    struct segfit_heap *s = self;
    struct tlsf_census n;
    tlsf_core_check(&s->be, "segfit", &n);
    if (n.used != s->large_live || n.marked != s->runs)
        panic("segfit: walk found %zu large blocks and %zu runs, counters say %zu and %zu", n.used,
              n.marked, s->large_live, s->runs);
    size_t run_bytes = n.marked_bytes;
    check_small(s, run_bytes);
    if (s->live < s->large_live || (s->live == 0 && s->bytes_in_use != 0) ||
        s->peak < s->bytes_in_use)
        panic("segfit: counters disagree: %zu live, %zu large, %zu bytes in use, peak %zu", s->live,
              s->large_live, s->bytes_in_use, s->peak);
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
