/* alloc/vec.h: exact contents and capacities, Rust's panic messages, and
 * allocation failure (try_ forms leave the vector unchanged; aborting forms
 * panic with the Layout) — all leak-checked by the test allocator. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alloc/vec.h"
#include "lib_expect_panic.h"
#include "lib_test_alloc.h"

typedef VEC(int) int_vec;
typedef VEC(uint64_t) u64_vec;

struct wide {
    alignas(32) uint64_t a;
    char tag;
};
typedef VEC(struct wide) wide_vec;

static void assert_ints(const int_vec *v, const int *want, size_t n)
{
    assert_int_equal(vec_len(v), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(vec_get(v, i), want[i]);
}

static void empty_vec_owns_nothing(void **state)
{
    (void)state;
    int_vec v = VEC_INIT;
    assert_int_equal(vec_len(&v), 0);
    assert_int_equal(vec_capacity(&v), 0);
    assert_null(vec_data(&v));
    assert_true(vec_is_empty(&v));
    assert_false(vec_pop(&v, NULL));
    vec_free(&v);
    assert_int_equal(lib_test_alloc_count(), 0);
}

static void push_500_doubles_capacity_and_keeps_values(void **state)
{
    (void)state;
    u64_vec v = VEC_INIT;
    size_t caps_seen = 0, last_cap = 0;
    for (uint64_t i = 0; i < 500; i++) {
        vec_push(&v, i);
        if (vec_capacity(&v) != last_cap) {
            last_cap = vec_capacity(&v);
            caps_seen++;
        }
    }
    /* 4, 8, 16, ..., 512: eight buffers, each one allocation. */
    assert_int_equal(vec_capacity(&v), 512);
    assert_int_equal(caps_seen, 8);
    assert_int_equal(lib_test_alloc_count(), 8);
    assert_int_equal(lib_test_alloc_live(), 1);
    assert_int_equal(vec_len(&v), 500);
    for (uint64_t i = 0; i < 500; i++)
        assert_int_equal(vec_data(&v)[i], i);
    assert_int_equal(vec_get(&v, 499), 499);
    vec_free(&v);
    assert_int_equal(vec_capacity(&v), 0);
}

static void get_is_an_lvalue_and_at_a_typed_pointer(void **state)
{
    (void)state;
    int_vec v = VEC_INIT;
    vec_push(&v, 1);
    vec_push(&v, 2);
    vec_get(&v, 0) = 10;
    *vec_at(&v, 1) += 5;
    int *p = vec_at(&v, 1);
    assert_int_equal(*p, 7);
    assert_ints(&v, (int[]){10, 7}, 2);
    /* The macros nest: v is evaluated once and they declare nothing. */
    vec_push(&v, vec_get(&v, 0) + vec_get(&v, vec_len(&v) - 1));
    assert_ints(&v, (int[]){10, 7, 17}, 3);
    vec_free(&v);
}

static int_vec three(void)
{
    int_vec v = VEC_INIT;
    vec_push(&v, 1);
    vec_push(&v, 2);
    vec_push(&v, 3);
    return v;
}

static int_vec *panicking_vec;

static void get_index_5(void)
{
    (void)vec_get(panicking_vec, 5);
}

static void get_index_3(void)
{
    (void)vec_at(panicking_vec, 3);
}

static void remove_index_3(void)
{
    (void)vec_remove(panicking_vec, 3);
}

static void swap_remove_index_9(void)
{
    (void)vec_swap_remove(panicking_vec, 9);
}

static void insert_index_4(void)
{
    vec_insert(panicking_vec, 4, 0);
}

static void out_of_bounds_panics_with_rusts_messages(void **state)
{
    (void)state;
    int_vec v = three();
    panicking_vec = &v;
    EXPECT_PANIC_EXACTLY(get_index_5(), "index out of bounds: the len is 3 but the index is 5");
    EXPECT_PANIC_EXACTLY(get_index_3(), "index out of bounds: the len is 3 but the index is 3");
    EXPECT_PANIC_EXACTLY(remove_index_3(), "removal index (is 3) should be < len (is 3)");
    EXPECT_PANIC_EXACTLY(swap_remove_index_9(), "swap_remove index (is 9) should be < len (is 3)");
    EXPECT_PANIC_EXACTLY(insert_index_4(), "insertion index (is 4) should be <= len (is 3)");
    assert_ints(&v, (int[]){1, 2, 3}, 3);
    vec_free(&v);
    int_vec empty = VEC_INIT;
    panicking_vec = &empty;
    EXPECT_PANIC_EXACTLY(get_index_5(), "index out of bounds: the len is 0 but the index is 5");
}

static void insert_and_remove_shift_the_tail(void **state)
{
    (void)state;
    int_vec v = three();
    vec_insert(&v, 0, 0);
    vec_insert(&v, 4, 4);
    vec_insert(&v, 2, 9);
    assert_ints(&v, (int[]){0, 1, 9, 2, 3, 4}, 6);
    assert_int_equal(vec_remove(&v, 2), 9);
    assert_int_equal(vec_remove(&v, 0), 0);
    assert_int_equal(vec_remove(&v, 3), 4);
    assert_ints(&v, (int[]){1, 2, 3}, 3);
    vec_free(&v);
}

static void swap_remove_moves_the_last_element(void **state)
{
    (void)state;
    int_vec v = three();
    vec_push(&v, 4);
    assert_int_equal(vec_swap_remove(&v, 0), 1);
    assert_ints(&v, (int[]){4, 2, 3}, 3);
    assert_int_equal(vec_swap_remove(&v, 2), 3);
    assert_ints(&v, (int[]){4, 2}, 2);
    vec_free(&v);
}

static void pop_returns_elements_in_reverse(void **state)
{
    (void)state;
    int_vec v = three();
    int x = 0;
    assert_true(vec_pop(&v, &x));
    assert_int_equal(x, 3);
    assert_true(vec_pop(&v, NULL));
    assert_true(vec_pop(&v, &x));
    assert_int_equal(x, 1);
    assert_false(vec_pop(&v, &x));
    assert_int_equal(x, 1);
    assert_int_equal(vec_capacity(&v), 4);
    vec_free(&v);
}

static void reserve_shrink_truncate_clear(void **state)
{
    (void)state;
    int_vec v = three();
    vec_reserve(&v, 10);
    assert_true(vec_capacity(&v) >= 13);
    size_t cap = vec_capacity(&v);
    vec_reserve(&v, 10); /* already room: no change */
    assert_int_equal(vec_capacity(&v), cap);
    vec_shrink_to_fit(&v);
    assert_int_equal(vec_capacity(&v), 3);
    assert_ints(&v, (int[]){1, 2, 3}, 3);
    vec_truncate(&v, 5);
    assert_int_equal(vec_len(&v), 3);
    vec_truncate(&v, 1);
    assert_ints(&v, (int[]){1}, 1);
    vec_clear(&v);
    assert_int_equal(vec_len(&v), 0);
    assert_int_equal(vec_capacity(&v), 3);
    vec_shrink_to_fit(&v); /* empty: the buffer goes away */
    assert_int_equal(vec_capacity(&v), 0);
    assert_null(vec_data(&v));
    assert_int_equal(lib_test_alloc_live(), 0);
}

static void overaligned_elements_are_aligned(void **state)
{
    (void)state;
    wide_vec v = VEC_INIT;
    for (int i = 0; i < 20; i++)
        vec_push(&v, ((struct wide){.a = (uint64_t)i, .tag = (char)('a' + i)}));
    assert_int_equal((uintptr_t)vec_data(&v) % 32, 0);
    assert_int_equal(vec_get(&v, 19).a, 19);
    assert_int_equal(vec_get(&v, 19).tag, 't');
    struct wide w = vec_remove(&v, 0);
    assert_int_equal(w.tag, 'a');
    vec_free(&v); /* the allocator checks the (cap * 32, 32) layout */
}

/* Snapshot of a vector, to prove a failed operation changed nothing. */
struct snapshot {
    void *data;
    size_t len, cap;
    int values[16];
};

static struct snapshot snap(const int_vec *v)
{
    struct snapshot s = {.data = v->raw.data, .len = v->raw.len, .cap = v->raw.cap};
    memcpy(s.values, vec_data(v), vec_len(v) * sizeof(int));
    return s;
}

static void assert_unchanged(const int_vec *v, const struct snapshot *s)
{
    assert_ptr_equal(v->raw.data, s->data);
    assert_int_equal(v->raw.len, s->len);
    assert_int_equal(v->raw.cap, s->cap);
    assert_memory_equal(vec_data(v), s->values, s->len * sizeof(int));
}

static void try_forms_leave_the_vector_unchanged_on_failure(void **state)
{
    (void)state;
    int_vec v = VEC_INIT;
    lib_test_alloc_fail_after(0);
    assert_false(try_vec_push(&v, 1)); /* first allocation */
    assert_int_equal(vec_capacity(&v), 0);
    lib_test_alloc_fail_never();
    for (int i = 0; i < 4; i++)
        assert_true(try_vec_push(&v, i));
    struct snapshot s = snap(&v);
    lib_test_alloc_fail_after(0);
    assert_true(try_vec_reserve(&v, 0)); /* no allocation needed */
    assert_false(try_vec_push(&v, 4));   /* growth 4 -> 8 fails */
    assert_unchanged(&v, &s);
    assert_false(try_vec_insert(&v, 0, 4));
    assert_unchanged(&v, &s);
    assert_false(try_vec_reserve(&v, 100));
    assert_unchanged(&v, &s);
    vec_pop(&v, NULL);
    s = snap(&v);
    assert_false(try_vec_shrink_to_fit(&v));
    assert_unchanged(&v, &s);
    lib_test_alloc_fail_never();
    assert_true(try_vec_insert(&v, 0, 7));
    assert_ints(&v, (int[]){7, 0, 1, 2}, 4);
    assert_true(try_vec_shrink_to_fit(&v));
    assert_int_equal(vec_capacity(&v), 4);
    vec_free(&v);
}

static void impossible_sizes_are_capacity_overflow(void **state)
{
    (void)state;
    u64_vec v = VEC_INIT;
    vec_push(&v, 1);
    size_t before = lib_test_alloc_count();
    assert_false(try_vec_reserve(&v, SIZE_MAX));
    assert_false(try_vec_reserve(&v, SIZE_MAX / 8));
    assert_int_equal(lib_test_alloc_count(), before); /* never reached the allocator */
    EXPECT_PANIC_EXACTLY(vec_reserve(&v, SIZE_MAX / 8), "capacity overflow");
    EXPECT_PANIC_EXACTLY(vec_reserve(&v, SIZE_MAX), "capacity overflow");
    assert_int_equal(vec_len(&v), 1);
    assert_int_equal(vec_get(&v, 0), 1);
    vec_free(&v);
}

static u64_vec *growing_vec;

static void push_one_more(void)
{
    vec_push(growing_vec, 99);
}

static void aborting_push_panics_with_the_layout(void **state)
{
    (void)state;
    u64_vec v = VEC_INIT;
    growing_vec = &v;
    lib_test_alloc_fail_after(0);
    EXPECT_PANIC_EXACTLY(push_one_more(), "allocation error: Layout { size: 32, align: 8 }");
    lib_test_alloc_fail_never();
    for (uint64_t i = 0; i < 4; i++)
        vec_push(&v, i);
    lib_test_alloc_fail_after(0);
    EXPECT_PANIC_EXACTLY(push_one_more(), "allocation error: Layout { size: 64, align: 8 }");
    assert_int_equal(vec_len(&v), 4); /* the old buffer is intact */
    assert_int_equal(vec_get(&v, 3), 3);
    vec_free(&v);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lib_test_alloc_setup, lib_test_alloc_teardown)
    const struct CMUnitTest tests[] = {
        T(empty_vec_owns_nothing),
        T(push_500_doubles_capacity_and_keeps_values),
        T(get_is_an_lvalue_and_at_a_typed_pointer),
        T(out_of_bounds_panics_with_rusts_messages),
        T(insert_and_remove_shift_the_tail),
        T(swap_remove_moves_the_last_element),
        T(pop_returns_elements_in_reverse),
        T(reserve_shrink_truncate_clear),
        T(overaligned_elements_are_aligned),
        T(try_forms_leave_the_vector_unchanged_on_failure),
        T(impossible_sizes_are_capacity_overflow),
        T(aborting_push_panics_with_the_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
