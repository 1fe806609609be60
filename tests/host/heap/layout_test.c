/* mm/heap/layout: which (size, align) pairs are valid layouts, and why the
 * others are not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mm/heap/layout.h"

static void layout_new_accepts_every_power_of_two_alignment(void **state)
{
    (void)state;
    for (size_t align = 1; align != 0; align <<= 1) {
        struct layout l;
        assert_int_equal(layout_new(0, align, &l), LAYOUT_OK);
        assert_int_equal(l.size, 0);
        assert_int_equal(l.align, align);
        if (align > (size_t)INTPTR_MAX)
            break;
    }
}

static void layout_new_rejects_zero_and_non_power_of_two_alignments(void **state)
{
    (void)state;
    struct layout l = {.size = 123, .align = 8};
    assert_int_equal(layout_new(8, 0, &l), LAYOUT_ERR_ALIGN_ZERO);
    assert_int_equal(layout_new(8, 3, &l), LAYOUT_ERR_ALIGN_NOT_POW2);
    assert_int_equal(layout_new(8, 24, &l), LAYOUT_ERR_ALIGN_NOT_POW2);
    assert_int_equal(layout_new(8, SIZE_MAX, &l), LAYOUT_ERR_ALIGN_NOT_POW2);
    /* Untouched on error. */
    assert_int_equal(l.size, 123);
    assert_int_equal(l.align, 8);
}

static void layout_new_caps_size_at_layout_max_size(void **state)
{
    (void)state;
    struct layout l;
    assert_int_equal(layout_new(layout_max_size(1), 1, &l), LAYOUT_OK);
    assert_int_equal(layout_new(layout_max_size(1) + 1, 1, &l), LAYOUT_ERR_SIZE_OVERFLOW);
    assert_int_equal(layout_new(layout_max_size(4096), 4096, &l), LAYOUT_OK);
    assert_int_equal(layout_padded_size(l) % 4096, 0);
    assert_int_equal(layout_new(layout_max_size(4096) + 1, 4096, &l), LAYOUT_ERR_SIZE_OVERFLOW);
    assert_int_equal(layout_new(SIZE_MAX, 1, &l), LAYOUT_ERR_SIZE_OVERFLOW);
    assert_int_equal(layout_new(SIZE_MAX - 7, 8, &l), LAYOUT_ERR_SIZE_OVERFLOW);
}

static void layout_array_detects_multiplication_overflow(void **state)
{
    (void)state;
    struct layout l;
    assert_int_equal(layout_array(24, 8, 10, &l), LAYOUT_OK);
    assert_int_equal(l.size, 240);
    assert_int_equal(l.align, 8);
    assert_int_equal(layout_array(24, 8, 0, &l), LAYOUT_OK);
    assert_int_equal(l.size, 0);
    assert_int_equal(layout_array(SIZE_MAX / 2 + 1, 1, 2, &l), LAYOUT_ERR_SIZE_OVERFLOW);
    assert_int_equal(layout_array(8, 8, SIZE_MAX / 8 + 1, &l), LAYOUT_ERR_SIZE_OVERFLOW);
    /* No multiplication overflow, but above the isize::MAX cap. */
    assert_int_equal(layout_array(8, 8, (size_t)INTPTR_MAX / 8 + 1, &l), LAYOUT_ERR_SIZE_OVERFLOW);
    assert_int_equal(layout_array(8, 3, 2, &l), LAYOUT_ERR_ALIGN_NOT_POW2);
    assert_int_equal(layout_array(8, 0, SIZE_MAX, &l), LAYOUT_ERR_ALIGN_ZERO);
}

static void layout_of_and_padded_size(void **state)
{
    (void)state;
    struct pair {
        uint64_t a;
        char b;
    };
    struct layout l = LAYOUT_OF(struct pair);
    assert_int_equal(l.size, sizeof(struct pair));
    assert_int_equal(l.align, alignof(struct pair));
    assert_int_equal(layout_padded_size((struct layout){.size = 13, .align = 8}), 16);
    assert_int_equal(layout_padded_size((struct layout){.size = 16, .align = 8}), 16);
    assert_int_equal(layout_padded_size((struct layout){.size = 0, .align = 64}), 0);
}

static void layout_strerror_names_every_error(void **state)
{
    (void)state;
    assert_non_null(strstr(layout_strerror(LAYOUT_ERR_ALIGN_ZERO), "zero"));
    assert_non_null(strstr(layout_strerror(LAYOUT_ERR_ALIGN_NOT_POW2), "power of two"));
    assert_non_null(strstr(layout_strerror(LAYOUT_ERR_SIZE_OVERFLOW), "overflow"));
    assert_string_equal(layout_strerror(LAYOUT_OK), "no error");
    assert_non_null(layout_strerror((enum layout_error)99));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_new_accepts_every_power_of_two_alignment),
        cmocka_unit_test(layout_new_rejects_zero_and_non_power_of_two_alignments),
        cmocka_unit_test(layout_new_caps_size_at_layout_max_size),
        cmocka_unit_test(layout_array_detects_multiplication_overflow),
        cmocka_unit_test(layout_of_and_padded_size),
        cmocka_unit_test(layout_strerror_names_every_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
