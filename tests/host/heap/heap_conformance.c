/* The shared edge-case tests (see heap_conformance.h). */
#include "heap_conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define KIB ((size_t)1024)

static const struct heap_kind *kind_of(void **state)
{
    return *state;
}

struct live {
    void *p;
    size_t size, align;
};

static void fill(struct live *b, unsigned seed)
{
    memcpy(b->p, heap_pattern(seed), b->size);
}

static void assert_filled(const struct live *b, unsigned seed, size_t n)
{
    if (memcmp(b->p, heap_pattern(seed), n) != 0)
        fail_msg("block %p (%zu bytes) lost its contents", b->p, b->size);
}

static void assert_no_overlap(const struct live *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            uintptr_t a = (uintptr_t)blocks[i].p, b = (uintptr_t)blocks[j].p;
            size_t sa = blocks[i].size ? blocks[i].size : 1;
            size_t sb = blocks[j].size ? blocks[j].size : 1;
            if (a < b + sb && b < a + sa)
                fail_msg("blocks %p+%zu and %p+%zu overlap", blocks[i].p, sa, blocks[j].p, sb);
        }
}

/* Everything freed: no live block, and the largest free block is what it
 * was right after init (no memory lost to fragmentation or padding). */
static void assert_back_to_initial(struct test_heap *h)
{
    th_settle(h);
    allocator_check(&h->a);
    struct heap_stats st = th_stats(h);
    assert_int_equal(st.live_allocations, 0);
    assert_int_equal(st.bytes_in_use, 0);
    assert_int_equal(st.largest_free_block, h->initial.largest_free_block);
    assert_int_equal(st.bytes_free, h->initial.bytes_free);
}

static void free_all(struct test_heap *h, struct live *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        th_free(h, blocks[i].p, blocks[i].size, blocks[i].align);
}

void every_power_of_two_alignment_up_to_4096_is_honoured(void **state)
{
    static const size_t sizes[] = {0, 1, 7, 64, 1000};
    struct live blocks[80];
    size_t n = 0;
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 256 * KIB, 0, 256 * KIB);
    for (size_t align = 1; align <= 4096; align <<= 1)
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
            struct live b = {th_alloc(&h, sizes[i], align), sizes[i], align};
            assert_non_null(b.p);
            fill(&b, (unsigned)n);
            blocks[n++] = b;
        }
    /* Larger alignments work too when they fit. */
    for (size_t align = 8192; align <= 32 * KIB; align <<= 1) {
        blocks[n] = (struct live){th_alloc(&h, 100, align), 100, align};
        assert_non_null(blocks[n].p);
        n++;
    }
    allocator_check(&h.a);
    assert_no_overlap(blocks, n);
    for (size_t i = 0; i < n - 3; i++)
        assert_filled(&blocks[i], (unsigned)i, blocks[i].size);
    free_all(&h, blocks, n);
    assert_back_to_initial(&h);
    test_heap_close(&h);
}

void zero_and_one_byte_requests_get_distinct_blocks(void **state)
{
    struct live blocks[200];
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 64 * KIB, 0, 64 * KIB);
    for (size_t i = 0; i < 200; i++) {
        blocks[i] = (struct live){th_alloc(&h, i % 2, 1), i % 2, 1};
        assert_non_null(blocks[i].p);
    }
    assert_no_overlap(blocks, 200);
    free_all(&h, blocks, 200);
    assert_back_to_initial(&h);
    test_heap_close(&h);
}

/* Valid layouts far larger than the region, and (outside the contract, for
 * robustness) layouts whose rounding would overflow: all must give NULL and
 * leave the heap as it was. */
void huge_and_overflowing_requests_return_null(void **state)
{
    static const struct layout huge[] = {
        {64 * KIB + 1, 1},       {64 * KIB, 64},
        {(size_t)INTPTR_MAX, 1}, {(size_t)INTPTR_MAX - 4095, 4096},
        {1, (size_t)1 << 62},    {SIZE_MAX, 1},
        {SIZE_MAX, 16},          {SIZE_MAX - 15, 16},
        {SIZE_MAX - 4095, 4096}, {SIZE_MAX / 2, (size_t)1 << 63},
    };
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 64 * KIB, 0, 64 * KIB);
    void *keep = th_alloc(&h, 40, 8);
    assert_non_null(keep);
    for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
        assert_null(allocator_alloc(&h.a, huge[i]));
        assert_null(allocator_alloc_zeroed(&h.a, huge[i]));
    }
    allocator_check(&h.a);
    struct heap_stats st = th_stats(&h);
    assert_int_equal(st.live_allocations, 1);
    assert_int_equal(st.bytes_in_use, 40);
    /* Growing a live block to an absurd size fails and keeps it. */
    assert_null(allocator_realloc(&h.a, keep, (struct layout){40, 8}, (size_t)INTPTR_MAX - 7));
    assert_null(h.a.ops->realloc == NULL
                    ? NULL
                    : allocator_realloc(&h.a, keep, (struct layout){40, 8}, SIZE_MAX - 3));
    th_free(&h, keep, 40, 8);
    assert_back_to_initial(&h);
    test_heap_close(&h);
}

/* Allocates `size`-byte blocks until the heap says no; returns how many. */
static size_t fill_heap(struct test_heap *h, struct live *blocks, size_t max, size_t size)
{
    size_t n = 0;
    while (n < max) {
        void *p = th_alloc(h, size, 8);
        if (p == NULL)
            break;
        blocks[n++] = (struct live){p, size, 8};
    }
    assert_true(n < max);
    return n;
}

void exhaustion_then_recovery_after_frees(void **state)
{
    static struct live blocks[4096];
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 64 * KIB, 0, 64 * KIB);
    size_t n = fill_heap(&h, blocks, 4096, 100);
    assert_true(n >= 64 * KIB / (128 + h.kind->block_overhead) - 2);
    allocator_check(&h.a);
    assert_null(th_alloc(&h, 100, 8));
    free_all(&h, blocks, n);
    assert_back_to_initial(&h);
    /* Exactly the same capacity again. */
    assert_int_equal(fill_heap(&h, blocks, 4096, 100), n);
    free_all(&h, blocks, n);
    assert_back_to_initial(&h);
    test_heap_close(&h);
}

void realloc_grows_shrinks_and_keeps_contents(void **state)
{
    static const size_t aligns[] = {1, 8, 16, 64, 256, 4096};
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 256 * KIB, 0, 256 * KIB);
    for (size_t i = 0; i < sizeof aligns / sizeof *aligns; i++) {
        size_t align = aligns[i];
        /* A neighbour, so that growing cannot always happen in place. */
        void *other = th_alloc(&h, 24, 8);
        struct live b = {th_alloc(&h, 100, align), 100, align};
        assert_non_null(b.p);
        fill(&b, 7);
        static const size_t steps[] = {5000, 5000, 10, 0, 3000, 2999, 64, 20000, 1};
        for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
            size_t keep = b.size < steps[s] ? b.size : steps[s];
            void *q = allocator_realloc(&h.a, b.p, (struct layout){b.size, align}, steps[s]);
            assert_non_null(q);
            assert_block_in_heap(&h, q, steps[s], align);
            b.p = q;
            assert_filled(&b, 7, keep);
            b.size = steps[s];
            fill(&b, 7);
            allocator_check(&h.a);
            assert_int_equal(th_stats(&h).bytes_in_use, b.size + (other ? 24 : 0));
        }
        th_free(&h, b.p, b.size, align);
        if (other != NULL)
            th_free(&h, other, 24, 8);
        assert_back_to_initial(&h);
    }
    test_heap_close(&h);
}

void failed_realloc_keeps_the_old_block(void **state)
{
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 16 * KIB, 0, 16 * KIB);
    struct live b = {th_alloc(&h, 300, 16), 300, 16};
    void *after = th_alloc(&h, 16, 16); /* blocks growth in place */
    assert_non_null(b.p);
    fill(&b, 3);
    assert_null(allocator_realloc(&h.a, b.p, (struct layout){300, 16}, 64 * KIB));
    assert_filled(&b, 3, 300);
    allocator_check(&h.a);
    assert_int_equal(th_stats(&h).live_allocations, after ? 2 : 1);
    th_free(&h, b.p, 300, 16);
    th_free(&h, after, 16, 16);
    assert_back_to_initial(&h);
    test_heap_close(&h);
}

enum order { FORWARD, REVERSE, INTERLEAVED };

/* Frees blocks[0..n) forward, backward, or odd indices then even ones. */
static void free_in_order(struct test_heap *h, struct live *blocks, size_t n, enum order o)
{
    for (size_t k = 0; k < n; k++) {
        size_t i = o == FORWARD   ? k
                   : o == REVERSE ? n - 1 - k
                   : k < n / 2    ? 2 * k + 1
                                  : 2 * (k - n / 2);
        th_free(h, blocks[i].p, blocks[i].size, blocks[i].align);
        if (k % 16 == 0)
            allocator_check(&h->a);
    }
}

void freeing_in_any_order_returns_all_memory(void **state)
{
    static struct live blocks[1024];
    for (enum order o = FORWARD; o <= INTERLEAVED; o++) {
        struct test_heap h;
        test_heap_open(&h, kind_of(state), 256 * KIB, 0, 256 * KIB);
        uint32_t x = 12345 + o;
        size_t n = 0, total = 0;
        while (n < 1024 && total < 128 * KIB) {
            x = x * 1103515245u + 12345u;
            size_t size = (x >> 8) % 3000, align = (size_t)1 << ((x >> 4) % 10);
            void *p = th_alloc(&h, size, align);
            assert_non_null(p);
            blocks[n++] = (struct live){p, size, align};
            total += size + align;
        }
        /* Interleaved order needs an even count. */
        if (n % 2 != 0) {
            n--;
            th_free(&h, blocks[n].p, blocks[n].size, blocks[n].align);
        }
        free_in_order(&h, blocks, n, o);
        assert_back_to_initial(&h);
        /* The whole region in one block, as right after init. */
        size_t all = h.initial.largest_free_block;
        void *p = th_alloc(&h, all, 1);
        assert_non_null(p);
        memset(p, 0xa5, all);
        th_free(&h, p, all, 1);
        assert_back_to_initial(&h);
        test_heap_close(&h);
    }
}

void extend_makes_a_failing_request_succeed(void **state)
{
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 64 * KIB, 0, 256 * KIB);
    void *small = th_alloc(&h, 1000, 8); /* live across the extension */
    assert_non_null(small);
    assert_null(th_alloc(&h, 100 * KIB, 16));
    assert_true(test_heap_extend(&h, 128 * KIB));
    allocator_check(&h.a);
    assert_int_equal(th_stats(&h).region_size, 192 * KIB);
    void *big = th_alloc(&h, 100 * KIB, 16);
    assert_non_null(big);
    memset(big, 1, 100 * KIB);
    th_free(&h, big, 100 * KIB, 16);
    th_free(&h, small, 1000, 8);
    th_settle(&h);
    allocator_check(&h.a);
    struct heap_stats st = th_stats(&h);
    assert_true(st.largest_free_block >= h.initial.largest_free_block + 128 * KIB);
    /* And again, with nothing live. */
    assert_true(test_heap_extend(&h, 64 * KIB));
    st = th_stats(&h);
    assert_true(st.largest_free_block >= h.initial.largest_free_block + 192 * KIB);
    assert_non_null(big = th_alloc(&h, 200 * KIB, 4096));
    th_free(&h, big, 200 * KIB, 4096);
    allocator_check(&h.a);
    test_heap_close(&h);
}

/* The guard zones around the region catch any write past it. */
void too_small_regions_are_refused_without_writes(void **state)
{
    const struct heap_kind *k = kind_of(state);
    static const size_t offsets[] = {0, 1, 8, 15};
    for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++)
        for (size_t size = 0; size < k->min_region; size++)
            assert_int_equal(test_heap_try_init(k, size, offsets[o]),
                             ALLOCATOR_INIT_REGION_TOO_SMALL);
    assert_int_equal(test_heap_try_init(k, k->min_region, 0), ALLOCATOR_INIT_OK);
    /* The smallest accepted heap can serve one small block. */
    struct test_heap h;
    test_heap_open(&h, k, k->min_region, 0, k->min_region);
    void *p = th_alloc(&h, 1, 1);
    assert_non_null(p);
    th_free(&h, p, 1, 1);
    assert_back_to_initial(&h);
    test_heap_close(&h);
}

void wrapping_regions_are_refused(void **state)
{
    const struct heap_kind *k = kind_of(state);
    void *st = calloc(1, k->state_size);
    struct allocator a = k->wrap(st);
    /* Never dereferenced: the check comes first. */
    assert_int_equal(allocator_init(&a, (void *)(UINTPTR_MAX - 4095), 8192),
                     ALLOCATOR_INIT_REGION_WRAPS);
    free(st);
}

void stats_track_bytes_live_and_peak(void **state)
{
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 64 * KIB, 0, 64 * KIB);
    assert_int_equal(h.initial.region_size, 64 * KIB);
    assert_int_equal(h.initial.bytes_in_use, 0);
    assert_int_equal(h.initial.peak_bytes_in_use, 0);
    assert_true(h.initial.largest_free_block >= 64 * KIB - 64 - h.kind->block_overhead);
    void *a = th_alloc(&h, 10, 1), *b = th_alloc(&h, 20, 8), *c = th_alloc(&h, 30, 64);
    struct heap_stats st = th_stats(&h);
    assert_int_equal(st.bytes_in_use, 60);
    assert_int_equal(st.live_allocations, 3);
    assert_int_equal(st.peak_bytes_in_use, 60);
    assert_true(st.bytes_free <= 64 * KIB - 60);
    th_free(&h, b, 20, 8);
    st = th_stats(&h);
    assert_int_equal(st.bytes_in_use, 40);
    assert_int_equal(st.live_allocations, 2);
    assert_int_equal(st.peak_bytes_in_use, 60);
    th_free(&h, a, 10, 1);
    th_free(&h, c, 30, 64);
    assert_back_to_initial(&h);
    assert_int_equal(th_stats(&h).peak_bytes_in_use, 60);
    test_heap_close(&h);
}

/* Allocators that can shrink (free_tail and shrink both set, or neither):
 * the free tail is what may go; asking for more changes nothing; what goes
 * is never touched again (poisoned); the heap grows back over it. */
void shrink_gives_back_only_the_free_tail(void **state)
{
    struct test_heap h;
    test_heap_open(&h, kind_of(state), 64 * KIB, 0, 256 * KIB);
    const struct allocator_ops *ops = h.a.ops;
    assert_true((ops->free_tail == NULL) == (ops->shrink == NULL));
    if (ops->shrink == NULL) {
        test_heap_close(&h);
        return;
    }
    assert_true(test_heap_extend(&h, 128 * KIB));
    unsigned char *low = th_alloc(&h, 1000, 8);
    memset(low, 0x5a, 1000);
    size_t tail = allocator_free_tail(&h.a);
    assert_true(tail >= 128 * KIB && tail < 192 * KIB);
    assert_false(test_heap_shrink(&h, tail + 1));
    assert_int_equal(th_stats(&h).region_size, 192 * KIB);
    assert_true(test_heap_shrink(&h, 128 * KIB));
    allocator_check(&h.a);
    assert_int_equal(th_stats(&h).region_size, 64 * KIB);
    assert_int_equal(allocator_free_tail(&h.a), tail - 128 * KIB);
    assert_null(th_alloc(&h, 100 * KIB, 16)); /* only 64 KiB left */
    /* A block at the very end leaves no tail to give back. */
    size_t rest = allocator_free_tail(&h.a);
    unsigned char *end = th_alloc(&h, 40 * KIB, 16);
    assert_non_null(end);
    assert_true(allocator_free_tail(&h.a) < rest);
    assert_false(test_heap_shrink(&h, rest));
    for (int i = 0; i < 1000; i++)
        assert_int_equal(low[i], 0x5a);
    th_free(&h, end, 40 * KIB, 16);
    th_free(&h, low, 1000, 8);
    th_settle(&h);
    assert_true(test_heap_extend(&h, 128 * KIB));
    void *big = th_alloc(&h, 150 * KIB, 16);
    assert_non_null(big);
    memset(big, 1, 150 * KIB);
    th_free(&h, big, 150 * KIB, 16);
    allocator_check(&h.a);
    test_heap_close(&h);
}
