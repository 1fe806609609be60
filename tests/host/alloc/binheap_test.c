/* alloc/binheap.h: pops come out in sorted order for random input, with
 * either order; peek; allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "alloc/binheap.h"
#include "lib_expect_panic.h"
#include "lib_test_alloc.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64_reversed(const void *a, const void *b)
{
    return cmp_u64(b, a);
}

typedef BINHEAP(uint64_t) u64_heap;

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define N 20000
static uint64_t input[N];

static void random_input_pops_in_descending_order(void **state)
{
    (void)state;
    u64_heap h = BINHEAP_INIT(cmp_u64);
    assert_null(binheap_peek(&h));
    for (size_t i = 0; i < N; i++) {
        input[i] = rng() % 5000; /* plenty of duplicates */
        binheap_push(&h, input[i]);
    }
    qsort(input, N, sizeof input[0], cmp_u64_reversed);
    assert_int_equal(binheap_len(&h), N);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(*binheap_peek(&h), input[i]);
        uint64_t top;
        assert_true(binheap_pop(&h, &top));
        assert_int_equal(top, input[i]);
    }
    assert_false(binheap_pop(&h, NULL));
    binheap_free(&h);
}

static void reversed_comparison_makes_a_min_heap(void **state)
{
    (void)state;
    u64_heap h = BINHEAP_INIT(cmp_u64_reversed);
    uint64_t in[] = {5, 1, 9, 3, 7, 1, 8};
    for (size_t i = 0; i < 7; i++)
        binheap_push(&h, in[i]);
    uint64_t want[] = {1, 1, 3, 5, 7, 8, 9}, got;
    for (size_t i = 0; i < 7; i++) {
        assert_true(binheap_pop(&h, &got));
        assert_int_equal(got, want[i]);
    }
    binheap_free(&h);
}

struct job {
    int priority;
    int id;
};

static int cmp_job(const void *a, const void *b)
{
    return ((const struct job *)a)->priority - ((const struct job *)b)->priority;
}

static void interleaved_pushes_and_pops_of_structs(void **state)
{
    (void)state;
    BINHEAP(struct job) h = BINHEAP_INIT(cmp_job);
    binheap_push(&h, ((struct job){.priority = 2, .id = 20}));
    binheap_push(&h, ((struct job){.priority = 5, .id = 50}));
    struct job j;
    assert_true(binheap_pop(&h, &j));
    assert_int_equal(j.id, 50);
    binheap_push(&h, ((struct job){.priority = 1, .id = 10}));
    binheap_push(&h, ((struct job){.priority = 3, .id = 30}));
    assert_int_equal(binheap_peek(&h)->id, 30);
    int want[] = {30, 20, 10};
    for (int i = 0; i < 3; i++) {
        assert_true(binheap_pop(&h, &j));
        assert_int_equal(j.id, want[i]);
    }
    binheap_clear(&h);
    binheap_free(&h);
}

static u64_heap *panicking_heap;

static void push_one_more(void)
{
    binheap_push(panicking_heap, 1);
}

static void allocation_failure(void **state)
{
    (void)state;
    u64_heap h = BINHEAP_INIT(cmp_u64);
    for (uint64_t i = 0; i < 4; i++)
        binheap_push(&h, i);
    lib_test_alloc_fail_after(0);
    assert_false(try_binheap_push(&h, 100));
    assert_false(try_binheap_reserve(&h, 1));
    assert_int_equal(binheap_len(&h), 4);
    assert_int_equal(*binheap_peek(&h), 3);
    panicking_heap = &h;
    EXPECT_PANIC_EXACTLY(push_one_more(), "allocation error: Layout { size: 64, align: 8 }");
    lib_test_alloc_fail_never();
    assert_true(try_binheap_push(&h, 100));
    uint64_t top;
    assert_true(binheap_pop(&h, &top));
    assert_int_equal(top, 100);
    assert_true(binheap_pop(&h, &top));
    assert_int_equal(top, 3);
    binheap_free(&h);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lib_test_alloc_setup, lib_test_alloc_teardown)
    const struct CMUnitTest tests[] = {
        T(random_input_pops_in_descending_order),
        T(reversed_comparison_makes_a_min_heap),
        T(interleaved_pushes_and_pops_of_structs),
        T(allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
