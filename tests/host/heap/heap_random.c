/* The randomized differential driver (see heap_random.h). */
#include "heap_random.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

struct model_block {
    unsigned char *p;
    size_t size, align;
    unsigned seed; /* contents are heap_pattern(seed)[0..size) */
};

struct run {
    const struct heap_random_config *cfg;
    struct test_heap h;
    struct model_block *live;
    unsigned char *owner; /* 1 where a live block is, per byte of h.buf */
    size_t n;
    size_t bytes_in_use;
    uint64_t rng;
    unsigned next_seed;
    struct heap_random_result *res;
};

static const unsigned char zeros[HEAP_PATTERN_MAX];

/* splitmix64: small, fast, and good enough to drive a test. */
static uint64_t rnd(struct run *r)
{
    uint64_t z = (r->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t rnd_range(struct run *r, size_t lo, size_t hi)
{
    return lo + (size_t)(rnd(r) % (hi - lo + 1));
}

/* Mostly small blocks, some medium, a few large: like a kernel heap. */
static size_t rnd_size(struct run *r)
{
    size_t max = r->cfg->max_size, p = rnd(r) % 100;
    if (p < 55 || max <= 64)
        return rnd_range(r, 0, 64);
    if (p < 80 || max <= 512)
        return rnd_range(r, 65, 512);
    if (p < 93 || max <= 4096)
        return rnd_range(r, 513, 4096);
    if (p < 99)
        return rnd_range(r, 4097, max / 4 > 4097 ? max / 4 : 4097);
    return rnd_range(r, 4097, max);
}

static size_t rnd_align(struct run *r)
{
    size_t p = rnd(r) % 100;
    if (p < 60)
        return (size_t)1 << rnd_range(r, 0, 4); /* 1..16 */
    if (p < 90)
        return (size_t)1 << rnd_range(r, 5, 9); /* 32..512 */
    if (p < 99)
        return (size_t)1 << rnd_range(r, 10, 12); /* 1024..4096 */
    return (size_t)1 << rnd_range(r, 13, 15);     /* 8192..32768 */
}

static void verify_contents(const struct run *r, const struct model_block *b, size_t n)
{
    if (memcmp(b->p, heap_pattern(b->seed), n) != 0)
        fail_msg("%s seed %llu: block %p (%zu bytes, align %zu) corrupted", r->cfg->kind->name,
                 (unsigned long long)r->cfg->seed, (void *)b->p, b->size, b->align);
}

/* Bytes a block occupies for the overlap check: size 0 still owns its
 * address. */
static size_t block_span(const struct model_block *b)
{
    return b->size ? b->size : 1;
}

/* Adds a new or moved block, which must be inside the region and must not
 * overlap any live block. Ownership is a byte map over the host buffer
 * (one byte per heap byte): checking and marking a block costs a memcmp
 * and a memset of its size instead of a walk over every live block. */
static void model_insert(struct run *r, const struct model_block *b)
{
    assert_block_in_heap(&r->h, b->p, b->size, b->align);
    unsigned char *own = r->owner + (b->p - r->h.buf);
    if (memcmp(own, zeros, block_span(b)) != 0) {
        for (size_t i = 0; i < r->n; i++) {
            const struct model_block *o = &r->live[i];
            if (o->p < b->p + block_span(b) && b->p < o->p + block_span(o))
                fail_msg("%s seed %llu: block %p+%zu overlaps live block %p+%zu",
                         r->cfg->kind->name, (unsigned long long)r->cfg->seed, (void *)b->p,
                         b->size, (void *)o->p, o->size);
        }
        fail_msg("%s: ownership map out of sync", r->cfg->kind->name);
    }
    memset(own, 1, block_span(b));
    r->live[r->n++] = *b;
    r->bytes_in_use += b->size;
}

static struct model_block model_remove(struct run *r, size_t i)
{
    struct model_block b = r->live[i];
    memset(r->owner + (b.p - r->h.buf), 0, block_span(&b));
    r->live[i] = r->live[--r->n];
    r->bytes_in_use -= b.size;
    return b;
}

static void free_one(struct run *r, size_t i)
{
    struct model_block b = model_remove(r, i);
    verify_contents(r, &b, b.size);
    th_free(&r->h, b.p, b.size, b.align);
    r->res->frees++;
}

static void free_all(struct run *r)
{
    while (r->n > 0)
        free_one(r, r->n - 1);
}

static void do_alloc(struct run *r, bool zeroed)
{
    struct model_block b = {.size = rnd_size(r), .align = rnd_align(r), .seed = r->next_seed++};
    struct layout l = {b.size, b.align};
    b.p = zeroed ? allocator_alloc_zeroed(&r->h.a, l) : allocator_alloc(&r->h.a, l);
    r->res->allocs++;
    if (b.p == NULL) {
        r->res->failed++;
        if (!r->cfg->kind->reuses_memory)
            free_all(r); /* bump only gets memory back when everything is free */
        return;
    }
    if (zeroed && memcmp(b.p, zeros, b.size) != 0)
        fail_msg("%s: alloc_zeroed returned non-zero bytes", r->cfg->kind->name);
    memcpy(b.p, heap_pattern(b.seed), b.size);
    model_insert(r, &b);
}

static void do_realloc(struct run *r)
{
    struct model_block b = model_remove(r, rnd(r) % r->n);
    size_t new_size = rnd(r) % 16 == 0 ? b.size : rnd_size(r);
    void *q = allocator_realloc(&r->h.a, b.p, (struct layout){b.size, b.align}, new_size);
    r->res->reallocs++;
    if (q == NULL) {
        r->res->failed++;
        verify_contents(r, &b, b.size);
        model_insert(r, &b);
        return;
    }
    size_t old_size = b.size;
    b.p = q;
    b.size = new_size;
    verify_contents(r, &b, old_size < new_size ? old_size : new_size);
    memcpy(b.p, heap_pattern(b.seed), new_size);
    model_insert(r, &b);
}

static void check_heap(struct run *r)
{
    allocator_check(&r->h.a);
    struct heap_stats st = th_stats(&r->h);
    assert_int_equal(st.bytes_in_use, r->bytes_in_use);
    assert_int_equal(st.live_allocations, r->n);
}

static void step(struct run *r)
{
    size_t p = rnd(r) % 100;
    if (r->n == 0 || (r->n < r->cfg->max_live && p < 45)) {
        do_alloc(r, p >= 35 && p < 45);
    } else if (r->n == r->cfg->max_live || p < 80) {
        free_one(r, rnd(r) % r->n);
    } else {
        do_realloc(r);
    }
}

/* What a fresh heap over the final region offers: the end state must match. */
static size_t fresh_largest(const struct heap_random_config *cfg, size_t offset)
{
    struct test_heap fresh;
    size_t size = cfg->region + cfg->extend_by;
    test_heap_open(&fresh, cfg->kind, size, offset, offset + size);
    size_t largest = fresh.initial.largest_free_block;
    test_heap_close(&fresh);
    return largest;
}

void heap_random_run(const struct heap_random_config *cfg, struct heap_random_result *out)
{
    struct run r = {.cfg = cfg, .rng = cfg->seed, .res = out};
    struct timespec t0, t1;
    size_t offset = (cfg->seed % 4) * 8; /* regions that start misaligned too */
    memset(out, 0, sizeof *out);
    r.live = calloc(cfg->max_live, sizeof *r.live);
    assert_non_null(r.live);
    assert_true(cfg->max_size <= HEAP_PATTERN_MAX);
    test_heap_open(&r.h, cfg->kind, cfg->region, offset, offset + cfg->region + cfg->extend_by);
    r.owner = calloc(r.h.capacity, 1);
    assert_non_null(r.owner);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t op = 0; op < cfg->ops; op++) {
        step(&r);
        if (op % cfg->check_every == 0)
            check_heap(&r);
        if (op == cfg->ops / 2 && cfg->extend_by != 0) {
            assert_true(test_heap_extend(&r.h, cfg->extend_by));
            check_heap(&r);
        }
    }
    check_heap(&r);
    free_all(&r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    th_settle(&r.h);
    check_heap(&r);
    struct heap_stats st = th_stats(&r.h);
    assert_int_equal(st.bytes_in_use, 0);
    assert_int_equal(st.live_allocations, 0);
    assert_int_equal(st.largest_free_block, fresh_largest(cfg, offset));
    out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    test_heap_close(&r.h);
    free(r.owner);
    free(r.live);
}
