/* lib/fmt: exact output of every supported conversion, checked against
 * literal expectations and, for the standard ones, against the host printf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fmt.h"

#define EXPECT_FMT(expected, ...)                                                                  \
    do {                                                                                           \
        char got_[256];                                                                            \
        size_t n_ = ksnprintf(got_, sizeof got_, __VA_ARGS__);                                     \
        assert_string_equal(got_, expected);                                                       \
        assert_int_equal(n_, strlen(expected));                                                    \
    } while (0)

/* Same output as the host C library for a standard conversion. */
#define EXPECT_LIKE_LIBC(...)                                                                      \
    do {                                                                                           \
        char want_[256], got_[256];                                                                \
        snprintf(want_, sizeof want_, __VA_ARGS__);                                                \
        ksnprintf(got_, sizeof got_, __VA_ARGS__);                                                 \
        assert_string_equal(got_, want_);                                                          \
    } while (0)

static void signed_integers(void **state)
{
    (void)state;
    EXPECT_FMT("0", "%d", 0);
    EXPECT_FMT("-42", "%d", -42);
    EXPECT_FMT("2147483647 -2147483648", "%d %i", INT32_MAX, INT32_MIN);
    EXPECT_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    EXPECT_FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
    EXPECT_FMT("+7 -7", "%+d %d", 7, -7);
    EXPECT_FMT(" 5", "% d", 5);
    EXPECT_FMT("-1", "%hhd", 255);
}

static void unsigned_and_hex(void **state)
{
    (void)state;
    EXPECT_FMT("4294967295", "%u", UINT32_MAX);
    EXPECT_FMT("18446744073709551615", "%zu", SIZE_MAX);
    EXPECT_FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
    EXPECT_FMT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
    EXPECT_FMT("444444440000", "%llx", 0x444444440000ull);
    EXPECT_FMT("0x1f", "%#x", 0x1f);
    EXPECT_FMT("17", "%o", 15);
}

static void width_and_zero_padding(void **state)
{
    (void)state;
    EXPECT_FMT("   42", "%5d", 42);
    EXPECT_FMT("00042", "%05d", 42);
    EXPECT_FMT("-0042", "%05d", -42);
    EXPECT_FMT("42   |", "%-5d|", 42);
    EXPECT_FMT("000000ff", "%08x", 0xff);
    EXPECT_FMT("  ab", "%4s", "ab");
    EXPECT_FMT("ab  |", "%-4s|", "ab");
    EXPECT_FMT("   7", "%*d", 4, 7);
    EXPECT_FMT("abc", "%.3s", "abcdef");
    EXPECT_FMT("007", "%.3d", 7);
}

static void pointers_chars_strings_percent(void **state)
{
    (void)state;
    EXPECT_FMT("0x444444440000", "%p", (void *)0x444444440000ull);
    EXPECT_FMT("0x0", "%p", (void *)0);
    EXPECT_FMT("  0xff", "%6p", (void *)0xff);
    EXPECT_FMT("x", "%c", 'x');
    EXPECT_FMT("hello world", "%s %s", "hello", "world");
    EXPECT_FMT("(null)", "%s", (char *)NULL);
    EXPECT_FMT("100%", "%d%%", 100);
}

static void unknown_conversions_show_as_written(void **state)
{
    (void)state;
    EXPECT_FMT("a %q b", "a %q b");
    EXPECT_FMT("tail %", "tail %");
}

static void truncation_reports_full_length(void **state)
{
    (void)state;
    char buf[6];
    size_t n = ksnprintf(buf, sizeof buf, "%s", "Hello World!");
    assert_int_equal(n, 12);
    assert_string_equal(buf, "Hello");
    n = ksnprintf(NULL, 0, "%d", 12345);
    assert_int_equal(n, 5);
}

static void matches_libc(void **state)
{
    (void)state;
    const int ints[] = {0, 1, -1, 9, 10, 99, -100, 12345, INT32_MAX, INT32_MIN};
    const char *const formats[] = {"%d",   "%5d", "%-5d|", "%05d", "%+d",   "% d", "%x",
                                   "%08X", "%#x", "%u",    "%.4d", "%8.3d", "%o",  "%#o"};
    for (size_t f = 0; f < sizeof formats / sizeof *formats; f++)
        for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
            EXPECT_LIKE_LIBC(formats[f], ints[i]);
    EXPECT_LIKE_LIBC("%llx %llu %lld", 0x123456789abcdefull, 1ull << 63, -5ll);
    EXPECT_LIKE_LIBC("%zx %zu", (size_t)0xabc, (size_t)77);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signed_integers),
        cmocka_unit_test(unsigned_and_hex),
        cmocka_unit_test(width_and_zero_padding),
        cmocka_unit_test(pointers_chars_strings_percent),
        cmocka_unit_test(unknown_conversions_show_as_written),
        cmocka_unit_test(truncation_reports_full_length),
        cmocka_unit_test(matches_libc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
