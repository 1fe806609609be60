/* mm/heap/bump: the shared edge cases, the reset when nothing is live, and
 * reuse of the most recent block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heap_conformance.h"
#include "host_panic.h"
#include "mm/heap/bump.h"

#define KIB ((size_t)1024)

static struct test_heap h; /* static: survives the longjmp of EXPECT_PANIC */

static void bump_resets_when_the_live_count_drops_to_zero(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_bump, 4 * KIB, 0, 4 * KIB);
    unsigned char *a = th_alloc(&h, 100, 1), *b = th_alloc(&h, 100, 1);
    assert_ptr_equal(a, (void *)h.lo);
    th_free(&h, a, 100, 1); /* b still live: a's memory is not reused */
    unsigned char *c = th_alloc(&h, 100, 1);
    assert_true(c > b);
    th_free(&h, b, 100, 1);
    th_free(&h, c, 100, 1);
    assert_int_equal(th_stats(&h).largest_free_block, 4 * KIB);
    assert_ptr_equal(th_alloc(&h, 100, 1), (void *)h.lo); /* back at the start */
    th_free(&h, (void *)h.lo, 100, 1);
    test_heap_close(&h);
}

static void bump_reuses_the_most_recent_block(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_bump, 4 * KIB, 0, 4 * KIB);
    void *keep = th_alloc(&h, 10, 1), *p = th_alloc(&h, 100, 8);
    th_free(&h, p, 100, 8);
    assert_ptr_equal(th_alloc(&h, 100, 8), p);
    /* The top block also grows and shrinks in place. */
    assert_ptr_equal(allocator_realloc(&h.a, p, (struct layout){100, 8}, 3000), p);
    assert_ptr_equal(allocator_realloc(&h.a, p, (struct layout){3000, 8}, 50), p);
    assert_int_equal(th_stats(&h).bytes_in_use, 60);
    th_free(&h, p, 50, 8);
    th_free(&h, keep, 10, 1);
    test_heap_close(&h);
}

static void bump_exhausts_then_recovers_only_when_all_is_freed(void **state)
{
    (void)state;
    static void *blocks[64];
    test_heap_open(&h, &heap_kind_bump, 1 * KIB, 0, 1 * KIB);
    for (int i = 0; i < 16; i++)
        assert_non_null(blocks[i] = th_alloc(&h, 64, 64));
    assert_null(th_alloc(&h, 1, 1));
    for (int i = 0; i < 15; i++)
        th_free(&h, blocks[i], 64, 64);
    assert_null(th_alloc(&h, 64, 64)); /* one live block pins the region */
    th_free(&h, blocks[15], 64, 64);
    assert_non_null(th_alloc(&h, 1 * KIB, 1));
    test_heap_close(&h);
}

static void bump_check_detects_inconsistent_state(void **state)
{
    (void)state;
    static struct bump_heap *s;
    test_heap_open(&h, &heap_kind_bump, 1 * KIB, 0, 1 * KIB);
    s = h.state;
    s->next = s->end + 1;
    EXPECT_PANIC(allocator_check(&h.a), "bump: next");
    s->next = s->start;
    s->counts.bytes_in_use = 5;
    EXPECT_PANIC(allocator_check(&h.a), "bump: no live allocation");
    s->counts.bytes_in_use = 0;
    allocator_check(&h.a);
    EXPECT_PANIC(th_free(&h, (void *)h.lo, 1, 1), "bump: dealloc");
    test_heap_close(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        HEAP_CONFORMANCE_TESTS(&heap_kind_bump),
        cmocka_unit_test(bump_resets_when_the_live_count_drops_to_zero),
        cmocka_unit_test(bump_reuses_the_most_recent_block),
        cmocka_unit_test(bump_exhausts_then_recovers_only_when_all_is_freed),
        cmocka_unit_test(bump_check_detects_inconsistent_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
