/* segfit's reclaim pass: cached small blocks back to the back end when a
 * request would otherwise fail (see segfit.h). Cold: it runs at most once
 * per request that the lists and the back end cannot serve. */
#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/segfit_classes.h"

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
    struct segfit_small *link; /* the same word, of the same type, as struct segfit_small's next */
    size_t bytes;              /* only without CACHED_TINY */
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
    k->link = (struct segfit_small *)((uintptr_t)next | cached_flags(k));
}

static size_t cached_size(const struct cached *k)
{
    return (cached_flags(k) & CACHED_TINY) != 0 ? SEGFIT_QUANTUM : k->bytes;
}

/* Empties every class list into one list of struct cached. Panics on a
 * block outside the heap or met twice (a cycle, or in two lists). */
static struct cached *gather_cached(struct segfit_heap *s)
{
    uintptr_t lo = tlsf_block_payload(s->be.first), hi = (uintptr_t)s->be.sentinel;
    struct cached *all = NULL;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++) {
        size_t bytes = class_bytes(c);
        struct segfit_small *b = s->lists[c];
        s->lists[c] = NULL;
        while (b != NULL) {
            uintptr_t p = (uintptr_t)b;
            if (p % SEGFIT_QUANTUM != 0 || p < lo || p >= hi)
                panic("segfit: class %zu list holds %p, outside the heap", bytes, (void *)b);
            struct cached *k = (struct cached *)b;
            if (cached_flags(k) != 0)
                panic("segfit: cached small block %p met twice (double free?)", (void *)b);
            b = k->link;
            k->link = (struct segfit_small *)((uintptr_t)all | CACHED_GATHERED |
                                              (bytes == SEGFIT_QUANTUM ? CACHED_TINY : 0));
            if (bytes != SEGFIT_QUANTUM)
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
 * the released block. Out of line: most ranges are short, and
 * reclaim_range() puts them back without it. */
__attribute__((noinline)) static struct tlsf_block *
release_range(struct segfit_heap *s, struct tlsf_block *r, uintptr_t a, uintptr_t e)
{
    uintptr_t lo = tlsf_block_payload(r), hi = (uintptr_t)tlsf_block_next(r);
    uintptr_t front = (a + TLSF_GRANULE - 1) & ~(uintptr_t)(TLSF_GRANULE - 1),
              back = e & ~(uintptr_t)(TLSF_GRANULE - 1);
    uintptr_t from = a == lo ? lo : front + TLSF_HEADER, to = e == hi ? hi : back - TLSF_HEADER;
    if ((a != lo || e != hi) && (to < from || to - from < (size_t)SEGFIT_RECLAIM_MIN)) {
        push_range(s, a, e - a);
        return r;
    }
    struct tlsf_block *next = tlsf_block_next(r), *f = r, *rest = NULL;
    s->run_bytes -= hi - lo; /* the pieces that stay runs are added back */
    if (a != lo) {
        push_range(s, a, front - a); /* stays in r */
        f = (struct tlsf_block *)front;
        f->prev_phys = r;
        tlsf_block_set_size(r, front - lo);
        s->runs++;
        s->run_bytes += front - lo;
    }
    if (e != hi) {
        rest = (struct tlsf_block *)(back - TLSF_HEADER);
        rest->prev_phys = f;
        rest->size = (hi - back) | SEGFIT_RUN_FLAG;
        next->prev_phys = rest;
        push_range(s, back, e - back); /* in the new piece */
        s->runs++;
        s->run_bytes += hi - back;
    } else {
        next->prev_phys = f;
    }
    s->runs--; /* r became f, plus the pieces counted above */
    f->size = to - from;
    f = tlsf_core_release(&s->be, f);
    return rest != NULL ? rest : f;
}

/* release_range(), which a range shorter than SEGFIT_RECLAIM_MIN bytes
 * skips (it goes back on the class lists) unless it is the whole run. */
static struct tlsf_block *reclaim_range(struct segfit_heap *s, struct tlsf_block *r, uintptr_t a,
                                        uintptr_t e)
{
    if (e - a < SEGFIT_RECLAIM_MIN &&
        (a != tlsf_block_payload(r) || e != (uintptr_t)tlsf_block_next(r))) {
        push_range(s, a, e - a);
        return r;
    }
    return release_range(s, r, a, e);
}

/* ---- Finding the ranges: a bitmap of the heap --------------------------------- */

/* When the back end can lend the memory, the cached blocks are marked in a
 * bitmap of the heap (one bit per 8-byte quantum, 1/64 of the heap, taken
 * from the back end for the pass and given back after it) instead of being
 * sorted: one walk of the lists, then one sequential scan of the bitmap,
 * where the sort walks the whole list once per merge pass. */

struct marks {
    uint64_t *bits;
    uintptr_t lo; /* the address of bit 0 */
    size_t nbits;
};

/* Marks the quanta of [p, p + bytes) a word at a time; false, with the
 * bitmap partly marked, if one of them already was (the caller panics). */
static bool mark_test_and_set(struct marks *m, uintptr_t p, size_t bytes)
{
    size_t i = (p - m->lo) / SEGFIT_QUANTUM, n = bytes / SEGFIT_QUANTUM;
    uint64_t *w = &m->bits[i / 64];
    size_t shift = i % 64;
    for (;;) {
        size_t span = n < 64 - shift ? n : 64 - shift; /* 1 to 64 */
        uint64_t mask = (~(uint64_t)0 >> (64 - span)) << shift;
        if (*w & mask)
            return false;
        *w |= mask;
        n -= span;
        if (n == 0)
            return true;
        w++;
        shift = 0;
    }
}

/* Empties every class list into the bitmap. Panics on a block outside the
 * heap, or met twice or overlapping another (a cycle, a double free). */
static void mark_cached(struct segfit_heap *s, struct marks *m)
{
    size_t span = m->nbits * SEGFIT_QUANTUM;
    for (size_t c = 0; c < SEGFIT_CLASSES; c++) {
        size_t bytes = class_bytes(c);
        struct segfit_small *b = s->lists[c];
        s->lists[c] = NULL;
        if (b != NULL && bytes > span)
            panic("segfit: class %zu list holds %p, outside the heap", bytes, (void *)b);
        size_t last = span - bytes; /* the highest offset of a block in the heap */
        for (; b != NULL; b = b->next) {
            size_t off = (uintptr_t)b - m->lo;
            if (off % SEGFIT_QUANTUM != 0 || off > last)
                panic("segfit: class %zu list holds %p, outside the heap", bytes, (void *)b);
            if (!mark_test_and_set(m, (uintptr_t)b, bytes))
                panic("segfit: cached small block %p met twice (double free?)", (void *)b);
        }
    }
}

/* The first marked quantum at or after bit i, or m->nbits. */
static size_t next_marked(const struct marks *m, size_t i)
{
    while (i < m->nbits) {
        uint64_t w = m->bits[i / 64] >> (i % 64);
        if (w != 0)
            return i + (size_t)__builtin_ctzll(w);
        i = (i / 64 + 1) * 64;
    }
    return m->nbits;
}

/* The first unmarked quantum at or after bit i, or m->nbits. */
static size_t next_unmarked(const struct marks *m, size_t i)
{
    while (i < m->nbits) {
        uint64_t w = ~m->bits[i / 64] >> (i % 64);
        if (w != 0) {
            size_t j = i + (size_t)__builtin_ctzll(w);
            return j < m->nbits ? j : m->nbits;
        }
        i = (i / 64 + 1) * 64;
    }
    return m->nbits;
}

/* The walk of the bitmap in step with the heap's blocks. */
static void reclaim_marked(struct segfit_heap *s, const struct marks *m)
{
    struct tlsf_block *b = s->be.first;
    for (size_t i = next_marked(m, 0); i < m->nbits;) {
        size_t j = next_unmarked(m, i);
        uintptr_t a = m->lo + i * SEGFIT_QUANTUM, e = m->lo + j * SEGFIT_QUANTUM;
        while (b != s->be.sentinel && a >= (uintptr_t)tlsf_block_next(b))
            b = tlsf_block_next(b);
        if (b == s->be.sentinel || !segfit_is_run(b) || a < tlsf_block_payload(b) ||
            e > (uintptr_t)tlsf_block_next(b))
            panic("segfit: cached small blocks [%p, %p) lie outside every run", (void *)a,
                  (void *)e);
        b = reclaim_range(s, b, a, e);
        i = next_marked(m, j);
    }
}

/* The bitmap pass; false (nothing done) when the back end cannot lend the
 * bitmap's memory. */
static bool reclaim_with_bitmap(struct segfit_heap *s)
{
    /* Cached blocks lie in runs, all below a free block that ends the heap. */
    const struct tlsf_block *last = s->be.sentinel->prev_phys;
    uintptr_t lo = tlsf_block_payload(s->be.first);
    uintptr_t hi =
        last != NULL && tlsf_block_is_free(last) ? (uintptr_t)last : (uintptr_t)s->be.sentinel;
    if (hi <= lo)
        return false;
    size_t nbits = (hi - lo) / SEGFIT_QUANTUM, bytes = (nbits + 63) / 64 * 8, size;
    if (!tlsf_adjust_size(bytes, &size))
        return false;
    struct tlsf_block *lent = tlsf_core_alloc(&s->be, size, TLSF_GRANULE);
    if (lent == NULL)
        return false;
    struct marks m = {(uint64_t *)tlsf_block_payload(lent), lo, nbits};
    memset(m.bits, 0, bytes);
    mark_cached(s, &m);
    reclaim_marked(s, &m);
    tlsf_core_release(&s->be, lent);
    return true;
}

/* ---- The pass ------------------------------------------------------------------ */

/* Whether any class list holds a block. */
static bool any_cached(const struct segfit_heap *s)
{
    for (size_t c = 0; c < SEGFIT_CLASSES; c++)
        if (s->lists[c] != NULL)
            return true;
    return false;
}

/* The sorting pass, for when no bitmap can be lent. */
static void reclaim_sorted(struct segfit_heap *s)
{
    struct cached *k = sort_cached(gather_cached(s));
    struct tlsf_block *b = s->be.first;
    while (k != NULL && b != s->be.sentinel) {
        if ((uintptr_t)k >= (uintptr_t)tlsf_block_next(b)) {
            b = tlsf_block_next(b);
            continue;
        }
        uintptr_t a = (uintptr_t)k, e;
        k = take_range(k, &e);
        if (!segfit_is_run(b) || a < tlsf_block_payload(b) || e > (uintptr_t)tlsf_block_next(b))
            panic("segfit: cached small blocks [%p, %p) lie outside every run", (void *)a,
                  (void *)e);
        b = reclaim_range(s, b, a, e);
    }
    if (k != NULL)
        panic("segfit: cached small block %p lies past the heap", (void *)k);
}

/* The reclaim pass: retires the current run (its tail is free memory too),
 * then gives every long enough range of cached blocks back to the back end
 * (see above): with a bitmap when the back end can lend one (O(n) for n
 * cached blocks, plus a scan of heap/512 words), else by sorting the cached
 * blocks (O(n log n), no memory). Either walks the back end's blocks once.
 * true if there was anything to reclaim. */
bool segfit_reclaim_cached(struct segfit_heap *s)
{
    bool any = s->run != NULL || any_cached(s);
    if (!any)
        return false;
    if (s->run != NULL) {
        push_range(s, s->bump, s->bump_end - s->bump);
        s->run = NULL;
        s->bump = s->bump_end = 0;
    }
    if (!reclaim_with_bitmap(s))
        reclaim_sorted(s);
    return true;
}
