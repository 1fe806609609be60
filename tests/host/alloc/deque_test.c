/* alloc/deque.h: FIFO/LIFO orders at both ends, growth of a wrapped ring in
 * both of its unwrapping cases, a randomized comparison against a plain
 * array, bounds panics, and allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alloc/deque.h"
#include "lib_expect_panic.h"
#include "lib_test_alloc.h"

typedef DEQUE(int) int_deque;

static void assert_ints(const int_deque *q, const int *want, size_t n)
{
    assert_int_equal(deque_len(q), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(deque_get(q, i), want[i]);
    if (n > 0) {
        assert_int_equal(*deque_front(q), want[0]);
        assert_int_equal(*deque_back(q), want[n - 1]);
    }
}

static void both_ends_push_and_pop(void **state)
{
    (void)state;
    int_deque q = DEQUE_INIT;
    assert_null(deque_front(&q));
    assert_false(deque_pop_front(&q, NULL));
    deque_push_back(&q, 2);
    deque_push_front(&q, 1);
    deque_push_back(&q, 3);
    deque_push_front(&q, 0);
    assert_ints(&q, (int[]){0, 1, 2, 3}, 4);
    int x;
    assert_true(deque_pop_front(&q, &x));
    assert_int_equal(x, 0);
    assert_true(deque_pop_back(&q, &x));
    assert_int_equal(x, 3);
    assert_ints(&q, (int[]){1, 2}, 2);
    deque_get(&q, 1) = 20;
    assert_ints(&q, (int[]){1, 20}, 2);
    deque_clear(&q);
    assert_true(deque_is_empty(&q));
    deque_free(&q);
}

/* Capacity 4 holding 4 elements wrapped with head at `head`: logical order
 * 0..3. Returns the deque (cap 4, full). */
static int_deque wrapped(size_t head)
{
    int_deque q = DEQUE_INIT;
    for (int i = 0; i < 4; i++)
        deque_push_back(&q, -1);
    for (size_t i = 0; i < head; i++) {
        deque_pop_front(&q, NULL);
        deque_push_back(&q, -1);
    }
    assert_int_equal(q.raw.head, head);
    for (int i = 0; i < 4; i++)
        deque_get(&q, (size_t)i) = i;
    assert_int_equal(deque_capacity(&q), 4);
    return q;
}

static void growth_of_a_wrapped_ring_keeps_order(void **state)
{
    (void)state;
    for (size_t head = 0; head < 4; head++) {
        /* head 3: tail [1,2,3] is longer -> head segment moves to the end;
         * head 1: tail [3] is shorter -> it moves past the old end. */
        int_deque q = wrapped(head);
        deque_push_back(&q, 4);
        assert_int_equal(deque_capacity(&q), 8);
        assert_ints(&q, (int[]){0, 1, 2, 3, 4}, 5);
        deque_free(&q);
        q = wrapped(head);
        deque_push_front(&q, -1);
        assert_ints(&q, (int[]){-1, 0, 1, 2, 3}, 5);
        deque_free(&q);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The model: a window [lo, hi) of a large array. */
#define MODEL_CAP 400000
static int model[MODEL_CAP];

static void random_operations_match_a_plain_array(void **state)
{
    (void)state;
    int_deque q = DEQUE_INIT;
    size_t lo = MODEL_CAP / 2, hi = MODEL_CAP / 2;
    for (int step = 0; step < 200000; step++) {
        uint64_t r = rng();
        int v = (int)(r >> 40);
        switch (r % 6) {
        case 0:
        case 1:
            deque_push_back(&q, v);
            model[hi++] = v;
            break;
        case 2:
            deque_push_front(&q, v);
            model[--lo] = v;
            break;
        case 3: {
            int x = 0;
            assert_int_equal(deque_pop_front(&q, &x), lo < hi);
            if (lo < hi)
                assert_int_equal(x, model[lo++]);
            break;
        }
        case 4: {
            int x = 0;
            assert_int_equal(deque_pop_back(&q, &x), lo < hi);
            if (lo < hi)
                assert_int_equal(x, model[--hi]);
            break;
        }
        case 5:
            if (lo < hi) {
                size_t i = (size_t)(r >> 20) % (hi - lo);
                assert_int_equal(deque_get(&q, i), model[lo + i]);
            }
            break;
        }
        assert_int_equal(deque_len(&q), hi - lo);
        if (step % 10000 == 0)
            assert_ints(&q, model + lo, hi - lo);
    }
    assert_ints(&q, model + lo, hi - lo);
    deque_free(&q);
}

static int_deque *panicking_deque;

static void get_index_4(void)
{
    (void)deque_get(panicking_deque, 4);
}

static void push_one_more(void)
{
    deque_push_back(panicking_deque, 9);
}

static void out_of_bounds_and_out_of_memory_panic(void **state)
{
    (void)state;
    int_deque q = wrapped(3);
    panicking_deque = &q;
    EXPECT_PANIC_EXACTLY(get_index_4(), "index out of bounds: the len is 4 but the index is 4");
    lib_test_alloc_fail_after(0);
    EXPECT_PANIC_EXACTLY(push_one_more(), "allocation error: Layout { size: 32, align: 4 }");
    assert_ints(&q, (int[]){0, 1, 2, 3}, 4);
    deque_free(&q);
}

static void try_forms_leave_the_deque_unchanged_on_failure(void **state)
{
    (void)state;
    int_deque q = wrapped(2);
    struct deque_raw before = q.raw;
    lib_test_alloc_fail_after(0);
    assert_false(try_deque_push_back(&q, 4));
    assert_false(try_deque_push_front(&q, -1));
    assert_false(try_deque_reserve(&q, 1));
    assert_false(try_deque_reserve(&q, SIZE_MAX));
    assert_memory_equal(&q.raw, &before, sizeof before);
    assert_ints(&q, (int[]){0, 1, 2, 3}, 4);
    lib_test_alloc_fail_never();
    assert_true(try_deque_push_front(&q, -1));
    assert_true(try_deque_reserve(&q, 100));
    assert_ints(&q, (int[]){-1, 0, 1, 2, 3}, 5);
    deque_free(&q);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lib_test_alloc_setup, lib_test_alloc_teardown)
    const struct CMUnitTest tests[] = {
        T(both_ends_push_and_pop),
        T(growth_of_a_wrapped_ring_keeps_order),
        T(random_operations_match_a_plain_array),
        T(out_of_bounds_and_out_of_memory_panic),
        T(try_forms_leave_the_deque_unchanged_on_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
