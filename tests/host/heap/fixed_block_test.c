/* mm/heap/fixed_block: the shared edge cases, size-class routing and reuse,
 * the fallback for large blocks, and reclaiming cached blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heap_conformance.h"
#include "host_panic.h"
#include "mm/heap/fixed_block.h"

#define KIB ((size_t)1024)

static struct test_heap h; /* static: survives the longjmp of EXPECT_PANIC */

static struct fixed_block_heap *fb(void)
{
    return h.state;
}

static void fixed_block_reuses_a_freed_block_of_the_same_class(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_fixed_block, 64 * KIB, 0, 64 * KIB);
    void *keep = th_alloc(&h, 8, 8);
    void *p = th_alloc(&h, 24, 8); /* class 32 */
    th_free(&h, p, 24, 8);
    assert_ptr_equal(th_alloc(&h, 30, 4), p); /* same class, straight from the list */
    assert_int_equal(fb()->owned[2], 1);
    th_free(&h, p, 30, 4);
    th_free(&h, keep, 8, 8);
    test_heap_close(&h);
}

static void fixed_block_class_blocks_are_aligned_to_their_size(void **state)
{
    (void)state;
    void *blocks[12];
    test_heap_open(&h, &heap_kind_fixed_block, 64 * KIB, 0, 64 * KIB);
    for (int k = 0; k < 9; k++) {
        size_t size = (size_t)1 << (k + 3);
        blocks[k] = th_alloc(&h, size - 1, 1);
        assert_int_equal((uintptr_t)blocks[k] % size, 0);
        assert_int_equal(fb()->owned[k], 1);
    }
    for (int k = 0; k < 9; k++)
        th_free(&h, blocks[k], ((size_t)1 << (k + 3)) - 1, 1);
    test_heap_close(&h);
}

static void fixed_block_sends_large_and_over_aligned_requests_to_the_fallback(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_fixed_block, 64 * KIB, 0, 64 * KIB);
    void *a = th_alloc(&h, 2049, 8), *b = th_alloc(&h, 16, 4096), *c = th_alloc(&h, 2048, 2048);
    assert_int_equal(fb()->large_live, 2);
    assert_int_equal(fb()->owned[8], 1); /* 2048 is still a class */
    assert_int_equal(fb()->fallback.counts.live, 3);
    allocator_check(&h.a);
    th_free(&h, b, 16, 4096);
    assert_int_equal(fb()->large_live, 1);
    th_free(&h, a, 2049, 8);
    th_free(&h, c, 2048, 2048);
    test_heap_close(&h);
}

/* With one block live the caches stay; a large request that only fits once
 * they are merged back into the fallback still succeeds. */
static void fixed_block_reclaims_cached_blocks_when_the_fallback_runs_out(void **state)
{
    (void)state;
    static void *blocks[2048];
    test_heap_open(&h, &heap_kind_fixed_block, 64 * KIB, 0, 64 * KIB);
    void *keep = th_alloc(&h, 3000, 8);
    size_t n = 0;
    while ((blocks[n] = th_alloc(&h, 64, 8)) != NULL)
        n++;
    for (size_t i = 0; i < n; i++)
        th_free(&h, blocks[i], 64, 8);
    assert_int_equal(fb()->cached[3], n);
    void *big = th_alloc(&h, 48 * KIB, 8);
    assert_non_null(big);
    assert_int_equal(fb()->cached[3], 0);
    allocator_check(&h.a);
    th_free(&h, big, 48 * KIB, 8);
    th_free(&h, keep, 3000, 8);
    test_heap_close(&h);
}

static void fixed_block_returns_everything_when_the_last_block_is_freed(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_fixed_block, 64 * KIB, 0, 64 * KIB);
    void *a = th_alloc(&h, 10, 8), *b = th_alloc(&h, 100, 8), *c = th_alloc(&h, 1000, 8);
    th_free(&h, a, 10, 8);
    th_free(&h, b, 100, 8);
    assert_int_equal(fb()->cached[1] + fb()->cached[4], 2); /* cached while c lives */
    th_free(&h, c, 1000, 8);
    for (int k = 0; k < FIXED_BLOCK_CLASSES; k++)
        assert_int_equal(fb()->cached[k] + fb()->owned[k], 0);
    assert_int_equal(fb()->fallback.counts.live, 0);
    assert_int_equal(th_stats(&h).largest_free_block, 64 * KIB);
    test_heap_close(&h);
}

static void fixed_block_check_detects_wrong_class_counts(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_fixed_block, 64 * KIB, 0, 64 * KIB);
    void *keep = th_alloc(&h, 8, 8), *p = th_alloc(&h, 100, 8);
    th_free(&h, p, 100, 8);
    fb()->cached[4]++;
    EXPECT_PANIC(allocator_check(&h.a), "fixed_block: class 128");
    fb()->cached[4]--;
    fb()->owned[0]++;
    EXPECT_PANIC(allocator_check(&h.a), "fixed_block: fallback has");
    fb()->owned[0]--;
    allocator_check(&h.a);
    th_free(&h, keep, 8, 8);
    test_heap_close(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        HEAP_CONFORMANCE_TESTS(&heap_kind_fixed_block),
        cmocka_unit_test(fixed_block_reuses_a_freed_block_of_the_same_class),
        cmocka_unit_test(fixed_block_class_blocks_are_aligned_to_their_size),
        cmocka_unit_test(fixed_block_sends_large_and_over_aligned_requests_to_the_fallback),
        cmocka_unit_test(fixed_block_reclaims_cached_blocks_when_the_fallback_runs_out),
        cmocka_unit_test(fixed_block_returns_everything_when_the_last_block_is_freed),
        cmocka_unit_test(fixed_block_check_detects_wrong_class_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
