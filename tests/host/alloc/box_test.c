/* alloc/box.h: boxes hold their value, free with the exact layout, and report
 * allocation failure as NULL (try) or the Layout panic (aborting). */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alloc/box.h"
#include "lib_expect_panic.h"
#include "lib_test_alloc.h"

struct point {
    int64_t x, y, z;
};

struct overaligned {
    alignas(64) unsigned char bytes[100];
};

static void new_holds_value_and_drop_frees_it(void **state)
{
    (void)state;
    uint64_t *heap_value = KBOX_NEW(uint64_t, 41);
    assert_int_equal(*heap_value, 41);
    struct point *p = KBOX_NEW(struct point, {.x = 1, .y = -2, .z = 3});
    assert_int_equal(p->x, 1);
    assert_int_equal(p->y, -2);
    assert_int_equal(p->z, 3);
    struct point *copy = KBOX_NEW(struct point, *p);
    assert_ptr_not_equal(copy, p);
    assert_int_equal(copy->y, -2);
    assert_int_equal(lib_test_alloc_live(), 3);
    KBOX_DROP(heap_value);
    KBOX_DROP(p);
    KBOX_DROP(copy);
    assert_int_equal(lib_test_alloc_live(), 0);
}

static void overaligned_box_is_aligned(void **state)
{
    (void)state;
    struct overaligned *o = KBOX_NEW(struct overaligned, {.bytes = {7}});
    assert_int_equal((uintptr_t)o % 64, 0);
    assert_int_equal(o->bytes[0], 7);
    assert_int_equal(o->bytes[99], 0);
    KBOX_DROP(o); /* the allocator checks the layout: {128, 64} */
}

static void try_new_returns_null_when_out_of_memory(void **state)
{
    (void)state;
    lib_test_alloc_fail_nth(1);
    struct point *p = KBOX_TRY_NEW(struct point, {1, 2, 3});
    assert_null(p);
    assert_int_equal(lib_test_alloc_live(), 0);
    p = KBOX_TRY_NEW(struct point, {1, 2, 3});
    assert_non_null(p);
    KBOX_DROP(p);
}

/* Panicking calls live in functions of their own: setjmp's frame (in
 * EXPECT_PANIC) then holds no temporaries that longjmp could clobber. */
static void box_a_point(void)
{
    KBOX_DROP(KBOX_NEW(struct point, {0}));
}

static void box_a_u16(void)
{
    KBOX_DROP(KBOX_NEW(uint16_t, 1));
}

static void new_panics_with_the_layout_when_out_of_memory(void **state)
{
    (void)state;
    lib_test_alloc_fail_after(0);
    EXPECT_PANIC_EXACTLY(box_a_point(), "allocation error: Layout { size: 24, align: 8 }");
    EXPECT_PANIC_EXACTLY(box_a_u16(), "allocation error: Layout { size: 2, align: 2 }");
    assert_int_equal(lib_test_alloc_live(), 0);
}

static void drop_of_null_does_nothing(void **state)
{
    (void)state;
    struct point *p = NULL;
    KBOX_DROP(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(new_holds_value_and_drop_frees_it, lib_test_alloc_setup,
                                        lib_test_alloc_teardown),
        cmocka_unit_test_setup_teardown(overaligned_box_is_aligned, lib_test_alloc_setup,
                                        lib_test_alloc_teardown),
        cmocka_unit_test_setup_teardown(try_new_returns_null_when_out_of_memory,
                                        lib_test_alloc_setup, lib_test_alloc_teardown),
        cmocka_unit_test_setup_teardown(new_panics_with_the_layout_when_out_of_memory,
                                        lib_test_alloc_setup, lib_test_alloc_teardown),
        cmocka_unit_test_setup_teardown(drop_of_null_does_nothing, lib_test_alloc_setup,
                                        lib_test_alloc_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
