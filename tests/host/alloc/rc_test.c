/* alloc/rc.h: strong counts, the destructor running exactly once at the last
 * drop, exact block layouts, and allocation failure. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alloc/rc.h"
#include "alloc/vec.h"
#include "lib_expect_panic.h"
#include "lib_test_alloc.h"

typedef VEC(int) int_vec;

static int drops;

static void drop_int_vec(void *v)
{
    drops++;
    vec_free((int_vec *)v);
}

/* The kernel demo's sequence, with an Rc owning a vector. */
static void clone_and_drop_track_the_count(void **state)
{
    (void)state;
    drops = 0;
    int_vec *reference_counted = RC_NEW_DTOR(int_vec, drop_int_vec, VEC_INIT);
    vec_push(reference_counted, 1);
    vec_push(reference_counted, 2);
    vec_push(reference_counted, 3);
    assert_int_equal(rc_strong_count(reference_counted), 1);
    int_vec *cloned_reference = rc_clone(reference_counted);
    assert_ptr_equal(cloned_reference, reference_counted);
    assert_int_equal(rc_strong_count(cloned_reference), 2);
    rc_drop(reference_counted);
    assert_int_equal(rc_strong_count(cloned_reference), 1);
    assert_int_equal(drops, 0);
    assert_int_equal(vec_get(cloned_reference, 2), 3);
    rc_drop(cloned_reference);
    assert_int_equal(drops, 1);
    assert_int_equal(lib_test_alloc_live(), 0);
}

static void many_handles_one_destructor_call(void **state)
{
    (void)state;
    drops = 0;
    int_vec *v = RC_NEW_DTOR(int_vec, drop_int_vec, VEC_INIT);
    int_vec *handles[100];
    for (int i = 0; i < 100; i++)
        handles[i] = rc_clone(v);
    assert_int_equal(rc_strong_count(v), 101);
    rc_drop(v);
    for (int i = 99; i >= 0; i--) {
        assert_int_equal(drops, 0);
        assert_int_equal(rc_strong_count(handles[i]), (size_t)i + 1);
        rc_drop(handles[i]);
    }
    assert_int_equal(drops, 1);
}

struct big {
    alignas(64) uint64_t words[9];
};

static void values_are_aligned_and_initialised(void **state)
{
    (void)state;
    uint64_t *n = RC_NEW(uint64_t, 41);
    assert_int_equal(*n, 41);
    assert_int_equal((uintptr_t)n % alignof(uint64_t), 0);
    struct big *b = RC_NEW(struct big, {.words = {1, 2, 3}});
    assert_int_equal((uintptr_t)b % 64, 0);
    assert_int_equal(b->words[2], 3);
    assert_int_equal(b->words[8], 0);
    char *raw = rc_new((struct layout){.size = 3, .align = 1}, NULL);
    raw[0] = 'a', raw[2] = 'c';
    rc_drop(raw);
    rc_drop(b);
    rc_drop(n);
    rc_drop(NULL);
}

static void rc_a_uint32(void)
{
    rc_drop(RC_NEW(uint32_t, 1));
}

static void rc_a_big(void)
{
    rc_drop(RC_NEW(struct big, {{0}}));
}

static void *try_rc_of_size(size_t size)
{
    return try_rc_new((struct layout){.size = size, .align = 8}, NULL);
}

static void try_new_returns_null_when_out_of_memory(void **state)
{
    (void)state;
    lib_test_alloc_fail_after(0);
    assert_null(TRY_RC_NEW(uint32_t, 1));
    assert_null(TRY_RC_NEW_DTOR(int_vec, drop_int_vec, VEC_INIT));
    assert_null(try_rc_of_size(SIZE_MAX - 8));
    lib_test_alloc_fail_never();
    uint32_t *ok = TRY_RC_NEW(uint32_t, 9);
    assert_int_equal(*ok, 9);
    rc_drop(ok);
}

static void new_panics_with_the_block_layout_when_out_of_memory(void **state)
{
    (void)state;
    lib_test_alloc_fail_after(0);
    /* header (32 bytes) padded to the value alignment, then the value: 32 + 4;
     * 64 + sizeof(struct big) == 64 + 128. */
    EXPECT_PANIC_EXACTLY(rc_a_uint32(), "allocation error: Layout { size: 36, align: 8 }");
    EXPECT_PANIC_EXACTLY(rc_a_big(), "allocation error: Layout { size: 192, align: 64 }");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lib_test_alloc_setup, lib_test_alloc_teardown)
    const struct CMUnitTest tests[] = {
        T(clone_and_drop_track_the_count),
        T(many_handles_one_destructor_call),
        T(values_are_aligned_and_initialised),
        T(try_new_returns_null_when_out_of_memory),
        T(new_panics_with_the_block_layout_when_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
