/* segfit: exact-size small-object lists carved from runs, over a TLSF back
 * end with boundary tags (see segfit.h). */
#include "mm/heap/segfit.h"

#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/heap_math.h"

#define GRANULE     ((size_t)1 << SEGFIT_ALIGN_SHIFT)
#define HEADER      (2 * sizeof(void *)) /* prev_phys + size */
#define MIN_PAYLOAD GRANULE              /* room for next_free + prev_free */
#define MIN_BLOCK   (HEADER + MIN_PAYLOAD)
#define SMALL_SIZE  ((size_t)1 << SEGFIT_FL_SHIFT)
#define FLAG_FREE   ((size_t)1)
#define FLAG_RUN    ((size_t)2) /* a used block the front end carves from */
#define FLAG_MASK   (GRANULE - 1)
#define Q           ((size_t)SEGFIT_QUANTUM)

struct segfit_block {
    struct segfit_block *prev_phys; /* the block just below, NULL for the first */
    size_t size;                    /* payload bytes | FLAG_FREE | FLAG_RUN */
    /* Payload starts here; these two exist only while the block is free. */
    struct segfit_block *next_free, *prev_free;
};

typedef struct segfit_block block_t;
typedef struct segfit_small small_t;

_Static_assert(HEADER == GRANULE, "header must keep payloads 16-aligned");
_Static_assert(sizeof(block_t) == HEADER + MIN_PAYLOAD, "free-list links must fit the payload");
_Static_assert(SEGFIT_FL_COUNT < 64, "fl_bitmap is 64 bits");
_Static_assert(SEGFIT_SMALL_MAX % SEGFIT_QUANTUM == 0 && SEGFIT_SMALL_ALIGN <= SEGFIT_SMALL_MAX,
               "small classes must tile the small range");

/* ==== Back end: TLSF ===================================================== */

static size_t block_size(const block_t *b)
{
    return b->size & ~FLAG_MASK;
}

static bool block_is_free(const block_t *b)
{
    return (b->size & FLAG_FREE) != 0;
}

static bool block_is_run(const block_t *b)
{
    return (b->size & FLAG_RUN) != 0;
}

static void block_set_size(block_t *b, size_t size)
{
    b->size = size | (b->size & FLAG_MASK);
}

static uintptr_t block_payload(const block_t *b)
{
    return (uintptr_t)b + HEADER;
}

static block_t *block_from_payload(const void *p)
{
    return (block_t *)((uintptr_t)p - HEADER);
}

static block_t *block_next(const block_t *b)
{
    return (block_t *)(block_payload(b) + block_size(b));
}

/* Payload size for a request of `size` bytes: whole granules, at least the
 * minimum payload. false if that exceeds the largest block. */
static bool adjust_size(size_t size, size_t *out)
{
    return heap_round_size(size, GRANULE, MIN_PAYLOAD, out) && *out <= SEGFIT_BLOCK_MAX;
}

/* The list a free block of `size` payload bytes belongs to. */
static void mapping_insert(size_t size, int *fl, int *sl)
{
    if (size < SMALL_SIZE) {
        *fl = 0;
        *sl = (int)(size >> SEGFIT_ALIGN_SHIFT);
        return;
    }
    int t = 63 - __builtin_clzll(size);
    *sl = (int)(size >> (t - SEGFIT_SL_SHIFT)) ^ SEGFIT_SL_COUNT;
    *fl = t - SEGFIT_FL_SHIFT + 1;
}

/* The first list whose every block holds `size` bytes. */
static void mapping_search(size_t size, int *fl, int *sl)
{
    if (size >= SMALL_SIZE) {
        int t = 63 - __builtin_clzll(size);
        size += ((size_t)1 << (t - SEGFIT_SL_SHIFT)) - 1;
    }
    mapping_insert(size, fl, sl);
}

static void list_insert(struct segfit_heap *s, block_t *b)
{
    int fl, sl;
    mapping_insert(block_size(b), &fl, &sl);
    block_t *head = s->free[fl][sl];
    b->next_free = head;
    b->prev_free = NULL;
    if (head != NULL)
        head->prev_free = b;
    s->free[fl][sl] = b;
    s->sl_bitmap[fl] |= 1u << sl;
    s->fl_bitmap |= (uint64_t)1 << fl;
    s->free_blocks++;
    s->free_bytes += block_size(b);
}

static void list_remove(struct segfit_heap *s, block_t *b)
{
    int fl, sl;
    mapping_insert(block_size(b), &fl, &sl);
    if (b->prev_free != NULL)
        b->prev_free->next_free = b->next_free;
    else
        s->free[fl][sl] = b->next_free;
    if (b->next_free != NULL)
        b->next_free->prev_free = b->prev_free;
    if (s->free[fl][sl] == NULL) {
        s->sl_bitmap[fl] &= ~(1u << sl);
        if (s->sl_bitmap[fl] == 0)
            s->fl_bitmap &= ~((uint64_t)1 << fl);
    }
    s->free_blocks--;
    s->free_bytes -= block_size(b);
}

/* A listed free block with at least `size` payload bytes, or NULL. Good fit
 * (two bit scans), then at most EXACT_SCAN blocks of the list `size` maps
 * to, so that a request for exactly the largest free block succeeds. */
#define EXACT_SCAN 8

static block_t *find_free(struct segfit_heap *s, size_t size)
{
    int fl, sl;
    mapping_insert(size, &fl, &sl);
    if (fl < SEGFIT_FL_COUNT) {
        block_t *best = NULL;
        int i = 0;
        for (block_t *b = s->free[fl][sl]; b != NULL && i < EXACT_SCAN; i++, b = b->next_free)
            if (block_size(b) >= size && (best == NULL || block_size(b) < block_size(best)))
                best = b;
        if (best != NULL)
            return best;
    }
    mapping_search(size, &fl, &sl);
    if (fl < SEGFIT_FL_COUNT) {
        uint32_t sl_map = s->sl_bitmap[fl] & (~0u << sl);
        if (sl_map == 0) {
            uint64_t fl_map = s->fl_bitmap & (~(uint64_t)0 << (fl + 1));
            fl = fl_map != 0 ? __builtin_ctzll(fl_map) : -1;
            sl_map = fl_map != 0 ? s->sl_bitmap[fl] : 0;
        }
        if (sl_map != 0)
            return s->free[fl][__builtin_ctz(sl_map)];
    }
    mapping_insert(size, &fl, &sl);
    if (fl >= SEGFIT_FL_COUNT)
        return NULL;
    block_t *b = s->free[fl][sl];
    for (int i = 0; b != NULL && i < EXACT_SCAN; i++, b = b->next_free)
        if (block_size(b) >= size)
            return b;
    return NULL;
}

/* Makes `b` (not listed) absorb its physical successor `next` (not listed). */
static void absorb_next(block_t *b, block_t *next)
{
    block_set_size(b, block_size(b) + HEADER + block_size(next));
    block_next(b)->prev_phys = b;
}

/* Frees `b` (not listed): merges it with free neighbours, then lists it.
 * Returns the listed block (`b` or the free block below that absorbed it). */
static block_t *release(struct segfit_heap *s, block_t *b)
{
    b->size = block_size(b) | FLAG_FREE;
    block_t *next = block_next(b);
    if (block_is_free(next)) {
        list_remove(s, next);
        absorb_next(b, next);
    }
    block_t *prev = b->prev_phys;
    if (prev != NULL && block_is_free(prev)) {
        list_remove(s, prev);
        absorb_next(prev, b);
        b = prev;
    }
    list_insert(s, b);
    return b;
}

/* Trims used block `b` to `size` payload bytes if the rest can form a block
 * of its own: returns the rest (used, unlisted), else NULL. */
static block_t *cut(block_t *b, size_t size)
{
    size_t have = block_size(b);
    if (have - size < MIN_BLOCK)
        return NULL;
    block_t *rest = (block_t *)(block_payload(b) + size);
    rest->prev_phys = b;
    rest->size = have - size - HEADER;
    block_set_size(b, size);
    block_next(rest)->prev_phys = rest;
    return rest;
}

/* cut(), the rest released (it merges with a free successor). */
static void split(struct segfit_heap *s, block_t *b, size_t size)
{
    block_t *rest = cut(b, size);
    if (rest != NULL)
        release(s, rest);
}

/* split() for a block that was free until now (or merged with its free
 * successor): its successor is used, since free blocks never touch, so the
 * rest is listed as it is. */
static void split_fresh(struct segfit_heap *s, block_t *b, size_t size)
{
    block_t *rest = cut(b, size);
    if (rest != NULL) {
        rest->size |= FLAG_FREE;
        list_insert(s, rest);
    }
}

/* Cuts the first `gap` bytes (whole granules, at least MIN_BLOCK) off
 * free, unlisted block `b`: they stay free, listed; returns the
 * (unlisted) block after them. */
static block_t *cut_front(struct segfit_heap *s, block_t *b, size_t gap)
{
    block_t *after = (block_t *)(block_payload(b) + gap - HEADER);
    after->prev_phys = b;
    after->size = block_size(b) - gap;
    block_next(after)->prev_phys = after;
    b->size = (gap - HEADER) | FLAG_FREE;
    list_insert(s, b);
    return after;
}

/* Cuts the front of free, unlisted block `b` so that the payload of what
 * remains is `align`-aligned; the front is listed as a free block. */
static block_t *trim_front(struct segfit_heap *s, block_t *b, size_t align)
{
    uintptr_t mask = (uintptr_t)align - 1, payload = block_payload(b);
    uintptr_t p = (payload + mask) & ~mask;
    if (p != payload && p - payload < MIN_BLOCK)
        p = (payload + MIN_BLOCK + mask) & ~mask;
    return p == payload ? b : cut_front(s, b, p - payload);
}

/* Room to grow. While most of the heap is free (SEGFIT_ROOMY_PERCENT of it
 * in back-end free blocks), a request of SEGFIT_ROOM_MIN bytes or more is
 * cut from the largest free block, after a gap as long as the used block
 * that ends just before it (when that one is SEGFIT_ROOM_MIN or more
 * itself, and not a run): so each large block keeps free room behind it,
 * as long as itself, to grow into in place, instead of a neighbour placed
 * right after it. Once the heap fills, placement is plain good fit again
 * and the gaps fill like any other hole. Returns the free block to cut
 * from and sets *gap, or NULL. */
static block_t *find_roomy(struct segfit_heap *s, size_t size, size_t *gap)
{
    size_t heap = (uintptr_t)s->sentinel - (uintptr_t)s->first;
    if (size < SEGFIT_ROOM_MIN || s->free_bytes < heap / 100 * SEGFIT_ROOMY_PERCENT ||
        s->fl_bitmap == 0)
        return NULL;
    int fl = 63 - __builtin_clzll(s->fl_bitmap);
    int sl = 31 - __builtin_clz(s->sl_bitmap[fl]);
    block_t *f = s->free[fl][sl], *before = f->prev_phys;
    size_t g = before != NULL && !block_is_run(before) && block_size(before) >= SEGFIT_ROOM_MIN
                   ? block_size(before)
                   : 0;
    if (block_size(f) < g || block_size(f) - g < size)
        return NULL;
    *gap = g;
    return f;
}

/* A used (unflagged, unlisted) block of at least `size` payload bytes (a
 * value adjust_size() returned) aligned to `align`, or NULL. O(1). */
static block_t *be_alloc(struct segfit_heap *s, size_t size, size_t align)
{
    size_t search = size, gap = 0;
    if (align > GRANULE &&
        (align > SEGFIT_BLOCK_MAX || !adjust_size(size + align + HEADER, &search)))
        return NULL;
    block_t *b = align <= GRANULE ? find_roomy(s, size, &gap) : NULL;
    if (b == NULL)
        b = find_free(s, search);
    if (b == NULL)
        return NULL;
    list_remove(s, b);
    b->size &= ~FLAG_MASK;
    if (gap != 0)
        b = cut_front(s, b, gap);
    else if (align > GRANULE)
        b = trim_front(s, b, align);
    split_fresh(s, b, size);
    return b;
}

/* Largest free back-end block: the highest non-empty list, walked. */
static size_t be_largest(const struct segfit_heap *s)
{
    if (s->fl_bitmap == 0)
        return 0;
    int fl = 63 - __builtin_clzll(s->fl_bitmap);
    int sl = 31 - __builtin_clz(s->sl_bitmap[fl]);
    size_t largest = 0;
    for (const block_t *b = s->free[fl][sl]; b != NULL; b = b->next_free)
        if (block_size(b) > largest)
            largest = block_size(b);
    return largest;
}

/* One free block over [first, sentinel): the state right after init, for
 * the same bounds. Front-end state is cleared; counters other than the
 * peak must already be zero (nothing is live). */
static void be_reset(struct segfit_heap *s)
{
    memset(s->lists, 0, sizeof s->lists);
    memset(s->sl_bitmap, 0, sizeof s->sl_bitmap);
    memset(s->free, 0, sizeof s->free);
    s->fl_bitmap = 0;
    s->free_blocks = s->free_bytes = 0;
    s->bump = s->bump_end = 0;
    s->run = NULL;
    s->runs = 0;
    s->first->prev_phys = NULL;
    s->first->size = (uintptr_t)s->sentinel - block_payload(s->first);
    s->sentinel->prev_phys = s->first;
    s->sentinel->size = 0;
    release(s, s->first);
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

/* be_alloc, retried once after reclaiming the runs of an empty heap. */
static block_t *be_alloc_reclaiming(struct segfit_heap *s, size_t size, size_t align)
{
    block_t *b = be_alloc(s, size, align);
    if (b == NULL && reclaim_if_empty(s))
        b = be_alloc(s, size, align);
    return b;
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

/* ceil(size / 8) for alignments up to 8: 0 for size 0, whose blocks are 8
 * bytes like class 1's. */
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

/* A used block for a run: the block a request for `min` payload bytes finds
 * (good fit: from the smallest list sure to fit), cut to `max` if longer. */
static block_t *be_alloc_run(struct segfit_heap *s, size_t min, size_t max)
{
    block_t *b = find_free(s, min);
    if (b == NULL)
        return NULL;
    list_remove(s, b);
    b->size &= ~FLAG_MASK;
    split_fresh(s, b, block_size(b) < max ? block_size(b) : max);
    return b;
}

/* Retires the current run (its uncarved tail goes on the class lists) and
 * takes a new one: the smallest free block of at least SEGFIT_RUN_MIN bytes
 * (else of `need` bytes), up to SEGFIT_RUN bytes of it. Small blocks so
 * fill the holes between large ones first, as in a plain good-fit heap. */
static bool new_run(struct segfit_heap *s, size_t need)
{
    size_t min;
    if (!adjust_size(need, &min))
        return false;
    size_t want = min < SEGFIT_RUN_MIN ? SEGFIT_RUN_MIN : min;
    block_t *b = be_alloc_run(s, want, SEGFIT_RUN);
    if (b == NULL && want > min)
        b = be_alloc_run(s, min, SEGFIT_RUN);
    if (b == NULL && reclaim_if_empty(s))
        b = be_alloc_run(s, want, SEGFIT_RUN);
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
    uintptr_t lo = block_payload(s->first), hi = (uintptr_t)s->sentinel;
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
    f = release(s, f);
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
    block_t *b = s->first;
    while (k != NULL && b != s->sentinel) {
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

/* A large block from the back end, after giving back the runs of an empty
 * heap if need be; with `reclaim`, after reclaiming cached blocks too. */
static void *large_alloc(struct segfit_heap *s, struct layout l, bool reclaim)
{
    size_t size;
    if (!adjust_size(l.size, &size))
        return NULL;
    block_t *b = be_alloc_reclaiming(s, size, l.align);
    if (b == NULL && reclaim && reclaim_cached(s))
        b = be_alloc(s, size, l.align);
    if (b == NULL)
        return NULL;
    s->large_live++;
    count_alloc(s, l.size);
    return (void *)block_payload(b);
}

__attribute__((noinline)) static void *alloc_slow(struct segfit_heap *s, struct layout l)
{
    if (!is_small(l))
        return large_alloc(s, l, true);
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
    if (l.size <= SEGFIT_SMALL_MAX && (l.align <= Q || l.align <= class_align(c))) {
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

/* The back-end block of a large pointer; panics when `ptr` cannot be one. */
static block_t *live_block(struct segfit_heap *s, void *ptr, struct layout l, const char *what)
{
    uintptr_t p = (uintptr_t)ptr;
    size_t size;
    if (p % GRANULE != 0 || p < block_payload(s->first) || p >= (uintptr_t)s->sentinel)
        panic("segfit: %s of %p, which is not in this heap", what, ptr);
    block_t *b = block_from_payload(ptr);
    if ((b->size & (FLAG_FREE | FLAG_RUN)) != 0 || !adjust_size(l.size, &size) ||
        block_size(b) < size || s->large_live == 0 || s->bytes_in_use < l.size)
        panic("segfit: %s of %p: not a live block of %zu bytes (double free?)", what, ptr, l.size);
    return b;
}

__attribute__((noinline)) static void large_dealloc(struct segfit_heap *s, void *ptr,
                                                    struct layout l)
{
    block_t *b = live_block(s, ptr, l, "dealloc");
    s->large_live--;
    s->live--;
    s->bytes_in_use -= l.size;
    release(s, b);
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

static void *resized_in_place(struct segfit_heap *s, void *ptr, size_t old_size, size_t new_size)
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
        return resized_in_place(s, ptr, l.size, new_size);
    }
    if (p + have == s->bump && want - have <= s->bump_end - s->bump) {
        s->bump += want - have;
        return resized_in_place(s, ptr, l.size, new_size);
    }
    return NULL;
}

/* Slides used block `b` down into its free predecessor (and over a free
 * successor) when together they hold `size` bytes at `align`: the last
 * resort of a realloc that found no other room. NULL if they do not. */
static void *slide_down(struct segfit_heap *s, block_t *b, size_t size, size_t align, size_t copy)
{
    block_t *prev = b->prev_phys, *next = block_next(b);
    if (prev == NULL || !block_is_free(prev) || block_payload(prev) % align != 0)
        return NULL;
    size_t total = block_size(prev) + HEADER + block_size(b);
    if (block_is_free(next))
        total += HEADER + block_size(next);
    if (total < size)
        return NULL;
    list_remove(s, prev);
    if (block_is_free(next)) {
        list_remove(s, next);
        absorb_next(b, next);
    }
    prev->size = block_size(prev);
    absorb_next(prev, b);
    memmove((void *)block_payload(prev), (void *)block_payload(b), copy);
    split_fresh(s, prev, size);
    return (void *)block_payload(prev);
}

/* Shrinking used block `b` in place would leave a free tail that used
 * blocks fence in on both sides, a hole only smaller requests can use. Once
 * less than half the heap is free, when fragmentation starts to decide
 * which large request fails, such a shrink copies instead: if the tail is
 * SEGFIT_SHRINK_MOVE_MIN bytes or more and a free block holds the new
 * `size` with less than a quarter of the tail to spare, the block moves
 * there and all of it goes back, merging with its free neighbours. NULL
 * (nothing changed) when that does not apply. */
static void *shrink_by_moving(struct segfit_heap *s, block_t *b, struct layout l, size_t new_size,
                              size_t size)
{
    size_t tail = block_size(b) - size;
    size_t heap = (uintptr_t)s->sentinel - (uintptr_t)s->first;
    if (tail < SEGFIT_SHRINK_MOVE_MIN || block_is_free(block_next(b)) || l.align > GRANULE ||
        s->free_bytes > heap / 2)
        return NULL;
    block_t *f = find_free(s, size);
    if (f == NULL || block_size(f) - size >= tail / 4)
        return NULL;
    list_remove(s, f);
    f->size &= ~FLAG_MASK;
    split_fresh(s, f, size);
    memcpy((void *)block_payload(f), (void *)block_payload(b), new_size);
    release(s, b);
    return resized_in_place(s, (void *)block_payload(f), l.size, new_size);
}

/* Large to large: shrink in place (or move to a snug free block, see
 * above), grow into a free successor, else move;
 * when nothing else has room, slide into a free predecessor. If none of
 * that works (nothing has changed then), once more after reclaiming cached
 * blocks, which may free the block's neighbours as well as room elsewhere. */
static void *large_realloc(struct segfit_heap *s, void *ptr, struct layout l, size_t new_size)
{
    block_t *b = live_block(s, ptr, l, "realloc");
    size_t size;
    if (!adjust_size(new_size, &size))
        return NULL;
    for (bool reclaimed = false;; reclaimed = true) {
        block_t *next = block_next(b);
        if (size <= block_size(b)) {
            void *q = shrink_by_moving(s, b, l, new_size, size);
            if (q != NULL)
                return q;
        } else if (block_is_free(next) && block_size(b) + HEADER + block_size(next) >= size) {
            list_remove(s, next);
            absorb_next(b, next);
        }
        if (size <= block_size(b)) {
            split(s, b, size);
            return resized_in_place(s, ptr, l.size, new_size);
        }
        size_t copy = l.size < new_size ? l.size : new_size;
        void *q = slide_down(s, b, size, l.align < GRANULE ? GRANULE : l.align, copy);
        if (q != NULL)
            return resized_in_place(s, q, l.size, new_size);
        q = large_alloc(s, (struct layout){.size = new_size, .align = l.align}, false);
        if (q != NULL) {
            memcpy(q, ptr, copy);
            large_dealloc(s, ptr, l);
            return q;
        }
        if (reclaimed || !reclaim_cached(s))
            return NULL;
    }
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
    void *q = segfit_alloc(s, nl);
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
    uintptr_t end, heap_start;
    if (!heap_region_end(start, size, &end))
        return ALLOCATOR_INIT_REGION_WRAPS;
    if (!heap_align_up((uintptr_t)start, GRANULE, &heap_start))
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    uintptr_t heap_end = heap_align_down(end, GRANULE);
    if (heap_end <= heap_start || heap_end - heap_start < MIN_BLOCK + HEADER)
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    if (heap_end - heap_start - 2 * HEADER > SEGFIT_BLOCK_MAX)
        heap_end = heap_start + SEGFIT_BLOCK_MAX + 2 * HEADER;
    memset(s, 0, sizeof *s);
    s->region_start = (uintptr_t)start;
    s->region_end = end;
    s->first = (block_t *)heap_start;
    s->sentinel = (block_t *)(heap_end - HEADER);
    be_reset(s);
    return ALLOCATOR_INIT_OK;
}

/* The old sentinel becomes the header of a free block over the new memory
 * (merged with the last block if that is free); a new sentinel ends it. */
static bool segfit_extend(void *self, size_t more)
{
    struct segfit_heap *s = self;
    uintptr_t region_end;
    if (__builtin_add_overflow(s->region_end, more, &region_end))
        return false;
    uintptr_t old_end = (uintptr_t)s->sentinel + HEADER;
    uintptr_t heap_end = heap_align_down(region_end, GRANULE);
    if (heap_end < old_end || heap_end - old_end < MIN_BLOCK)
        return false;
    size_t payload = heap_end - old_end - HEADER;
    block_t *last = s->sentinel->prev_phys;
    if (payload > SEGFIT_BLOCK_MAX ||
        (block_is_free(last) && block_size(last) + HEADER + payload > SEGFIT_BLOCK_MAX))
        return false;
    block_t *b = s->sentinel;
    b->size = payload;
    s->sentinel = block_next(b);
    s->sentinel->prev_phys = b;
    s->sentinel->size = 0;
    s->region_end = region_end;
    release(s, b);
    return true;
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
    size_t free = s->free_bytes + cached_bytes(s, &small_largest) + tail;
    size_t largest = be_largest(s);
    if (small_largest > largest)
        largest = small_largest;
    if (tail > largest)
        largest = tail;
    *out = (struct heap_stats){
        .region_size = s->region_end - s->region_start,
        .bytes_in_use = s->bytes_in_use,
        .peak_bytes_in_use = s->peak,
        .bytes_free = free,
        .largest_free_block = largest,
        .live_allocations = s->live,
    };
}

/* Physical walk: blocks tile [first, sentinel] exactly, boundary tags agree,
 * no two free blocks touch; returns the run bytes. */
static size_t check_blocks(const struct segfit_heap *s)
{
    size_t free_blocks = 0, free_bytes = 0, used = 0, runs = 0, run_bytes = 0;
    const block_t *prev = NULL, *b = s->first;
    while (b != s->sentinel) {
        if ((uintptr_t)b % GRANULE != 0 || (b->size & FLAG_MASK & ~(FLAG_FREE | FLAG_RUN)) != 0 ||
            block_size(b) < MIN_PAYLOAD || block_next(b) > s->sentinel || block_next(b) <= b ||
            (block_is_free(b) && block_is_run(b)))
            panic("segfit: block %p (size %#zx) is malformed or passes the heap end",
                  (const void *)b, b->size);
        if (b->prev_phys != prev)
            panic("segfit: block %p has prev_phys %p, expected %p", (const void *)b,
                  (const void *)b->prev_phys, (const void *)prev);
        if (block_is_free(b)) {
            if (prev != NULL && block_is_free(prev))
                panic("segfit: free blocks %p and %p touch (not coalesced)", (const void *)prev,
                      (const void *)b);
            free_blocks++;
            free_bytes += block_size(b);
        } else if (block_is_run(b)) {
            runs++;
            run_bytes += block_size(b);
        } else {
            used++;
        }
        prev = b;
        b = block_next(b);
    }
    if (s->sentinel->size != 0 || s->sentinel->prev_phys != prev)
        panic("segfit: sentinel %p corrupted", (const void *)s->sentinel);
    if (free_blocks != s->free_blocks || free_bytes != s->free_bytes)
        panic("segfit: walk found %zu free blocks / %zu bytes, counters say %zu / %zu", free_blocks,
              free_bytes, s->free_blocks, s->free_bytes);
    if (used != s->large_live || runs != s->runs)
        panic("segfit: walk found %zu large blocks and %zu runs, counters say %zu and %zu", used,
              runs, s->large_live, s->runs);
    return run_bytes;
}

/* Every back-end list: bitmaps agree with emptiness, every member is free,
 * in the heap, in the right list, doubly linked; all free blocks listed. */
static void check_lists(const struct segfit_heap *s)
{
    size_t listed = 0;
    for (int fl = 0; fl < SEGFIT_FL_COUNT; fl++) {
        bool fl_bit = (s->fl_bitmap >> fl) & 1;
        if (fl_bit != (s->sl_bitmap[fl] != 0))
            panic("segfit: fl bitmap bit %d disagrees with sl bitmap %#x", fl, s->sl_bitmap[fl]);
        for (int sl = 0; sl < SEGFIT_SL_COUNT; sl++) {
            const block_t *prev = NULL;
            if (((s->sl_bitmap[fl] >> sl) & 1) != (s->free[fl][sl] != NULL))
                panic("segfit: sl bitmap bit [%d][%d] disagrees with its list", fl, sl);
            for (const block_t *b = s->free[fl][sl]; b != NULL; prev = b, b = b->next_free) {
                int bfl, bsl;
                if (++listed > s->free_blocks)
                    panic("segfit: more listed blocks than free blocks (cycle?)");
                if (b < s->first || b >= s->sentinel || !block_is_free(b) || b->prev_free != prev)
                    panic("segfit: list [%d][%d] holds a bad block %p", fl, sl, (const void *)b);
                mapping_insert(block_size(b), &bfl, &bsl);
                if (bfl != fl || bsl != sl)
                    panic("segfit: block %p of %zu bytes in list [%d][%d], belongs in [%d][%d]",
                          (const void *)b, block_size(b), fl, sl, bfl, bsl);
            }
        }
    }
    if (s->fl_bitmap >> SEGFIT_FL_COUNT != 0 || listed != s->free_blocks)
        panic("segfit: %zu blocks listed, %zu free", listed, s->free_blocks);
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
            if (p % class_align(c) != 0 || p < block_payload(s->first) ||
                p >= (uintptr_t)s->sentinel || (p + class_bytes(c) > s->bump && p < s->bump_end))
                panic("segfit: class %zu block %p misaligned, outside the heap or uncarved",
                      class_bytes(c), (const void *)b);
        }
        cached += steps;
    }
    size_t inside = 0;
    for (const block_t *b = s->first; b != s->sentinel; b = block_next(b))
        if (block_is_run(b))
            inside += cached_within(s, block_payload(b), (uintptr_t)block_next(b));
    if (inside != cached)
        panic("segfit: %zu of %zu cached small blocks lie outside every run", cached - inside,
              cached);
}

static void segfit_check(void *self)
{
    struct segfit_heap *s = self;
    size_t run_bytes = check_blocks(s);
    check_lists(s);
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
    .stats = segfit_stats,
    .check = segfit_check,
};
