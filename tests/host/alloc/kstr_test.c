/* alloc/kstr.h: appends and formatted appends produce exact strings; kasprintf
 * allocates exactly; failures leave the string unchanged and leak nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alloc/kstr.h"
#include "lib/fmt.h"
#include "lib_expect_panic.h"
#include "lib_test_alloc.h"
#include "mm/heap/kalloc.h"

static void empty_string_is_empty_c_string_without_memory(void **state)
{
    (void)state;
    struct kstr s = KSTR_INIT;
    assert_string_equal(kstr_cstr(&s), "");
    assert_int_equal(kstr_len(&s), 0);
    kstr_push_str(&s, "");
    kstr_appendf(&s, "%s", "");
    kstr_reserve(&s, 0);
    assert_int_equal(lib_test_alloc_count(), 0);
    kstr_free(&s);
}

static void pushes_append_in_order(void **state)
{
    (void)state;
    struct kstr s = KSTR_INIT;
    kstr_push_str(&s, "heap");
    kstr_push_char(&s, '_');
    kstr_push_bytes(&s, "value at", 5);
    assert_string_equal(kstr_cstr(&s), "heap_value");
    assert_int_equal(kstr_len(&s), 10);
    kstr_push_bytes(&s, "a\0b", 3); /* bytes may contain NUL */
    assert_int_equal(kstr_len(&s), 13);
    assert_memory_equal(kstr_cstr(&s), "heap_valuea\0b", 14);
    kstr_truncate(&s, 4);
    assert_string_equal(kstr_cstr(&s), "heap");
    kstr_clear(&s);
    assert_string_equal(kstr_cstr(&s), "");
    kstr_free(&s);
}

static void long_strings_grow_and_stay_terminated(void **state)
{
    (void)state;
    struct kstr s = KSTR_INIT;
    char want[3001];
    for (int i = 0; i < 3000; i++) {
        kstr_push_char(&s, (char)('a' + i % 26));
        want[i] = (char)('a' + i % 26);
        want[i + 1] = '\0';
        assert_int_equal(kstr_cstr(&s)[kstr_len(&s)], '\0');
    }
    assert_string_equal(kstr_cstr(&s), want);
    assert_int_equal(lib_test_alloc_live(), 1);
    kstr_free(&s);
}

static void appendf_formats_through_fmt(void **state)
{
    (void)state;
    struct kstr s = KSTR_INIT;
    int x = 5;
    kstr_appendf(&s, "heap_value at %p", (void *)&x);
    char want[64];
    ksnprintf(want, sizeof want, "heap_value at %p", (void *)&x);
    assert_string_equal(kstr_cstr(&s), want);
    kstr_clear(&s);
    kstr_appendf(&s, "%d-%s-%c-%zu-%05x", -42, "ab", 'z', (size_t)123, 0xbeef);
    kstr_appendf(&s, "|%0300d|", 7);
    char big[400];
    snprintf(big, sizeof big, "-42-ab-z-123-0beef|%0300d|", 7);
    assert_string_equal(kstr_cstr(&s), big);
    assert_int_equal(kstr_len(&s), strlen(big));
    kstr_free(&s);
}

static void kasprintf_allocates_an_exact_c_string(void **state)
{
    (void)state;
    char *msg = kasprintf("current reference count is %zu", (size_t)2);
    assert_string_equal(msg, "current reference count is 2");
    assert_int_equal(lib_test_alloc_live(), 1);
    kfree(msg); /* the allocator checks the layout kmalloc(29) used */
    char *empty = kasprintf("%s", "");
    assert_string_equal(empty, "");
    kfree(empty);
}

static void into_cstr_hands_over_the_contents(void **state)
{
    (void)state;
    struct kstr s = KSTR_INIT;
    kstr_appendf(&s, "%u blocks", 12u);
    char *c = kstr_into_cstr(&s);
    assert_string_equal(c, "12 blocks");
    assert_int_equal(kstr_len(&s), 0);
    assert_int_equal(lib_test_alloc_live(), 1);
    kfree(c);
}

struct kstr_snapshot {
    const char *buf;
    size_t len, cap;
    char text[64];
};

static struct kstr_snapshot snap(const struct kstr *s)
{
    struct kstr_snapshot ks = {.buf = s->buf, .len = s->len, .cap = s->cap};
    strcpy(ks.text, kstr_cstr(s));
    return ks;
}

static void assert_unchanged(const struct kstr *s, const struct kstr_snapshot *ks)
{
    assert_ptr_equal(s->buf, ks->buf);
    assert_int_equal(s->len, ks->len);
    assert_int_equal(s->cap, ks->cap);
    assert_string_equal(kstr_cstr(s), ks->text);
}

static void try_forms_leave_the_string_unchanged_on_failure(void **state)
{
    (void)state;
    struct kstr s = KSTR_INIT;
    lib_test_alloc_fail_after(0);
    assert_false(try_kstr_push_str(&s, "x"));
    assert_int_equal(s.cap, 0);
    lib_test_alloc_fail_never();
    assert_true(try_kstr_push_str(&s, "abc"));
    struct kstr_snapshot ks = snap(&s);
    lib_test_alloc_fail_after(0);
    assert_true(try_kstr_push_str(&s, "defg")); /* fits in the 8 bytes */
    ks = snap(&s);
    assert_false(try_kstr_push_char(&s, 'h'));
    assert_unchanged(&s, &ks);
    assert_false(try_kstr_push_bytes(&s, "hij", 3));
    assert_unchanged(&s, &ks);
    assert_false(try_kstr_appendf(&s, "%d", 12345));
    assert_unchanged(&s, &ks);
    assert_false(try_kstr_reserve(&s, 1));
    assert_unchanged(&s, &ks);
    assert_null(try_kasprintf("%s", "no memory"));
    assert_null(try_kstr_into_cstr(&s));
    assert_unchanged(&s, &ks);
    assert_false(try_kstr_reserve(&s, SIZE_MAX));
    assert_unchanged(&s, &ks);
    lib_test_alloc_fail_never();
    assert_true(try_kstr_appendf(&s, "%d", 12345));
    assert_string_equal(kstr_cstr(&s), "abcdefg12345");
    char *c = try_kasprintf("[%s]", kstr_cstr(&s));
    assert_string_equal(c, "[abcdefg12345]");
    kfree(c);
    kstr_free(&s);
}

static struct kstr *panicking_str;

static void append_a_number(void)
{
    kstr_appendf(panicking_str, "%d", 1234567890);
}

static void format_a_number(void)
{
    kfree(kasprintf("%d", 12345));
}

static void aborting_forms_panic_with_the_layout(void **state)
{
    (void)state;
    struct kstr s = KSTR_INIT;
    panicking_str = &s;
    lib_test_alloc_fail_after(0);
    /* 10 digits + NUL: max(11, 8) bytes of align 1. */
    EXPECT_PANIC_EXACTLY(append_a_number(), "allocation error: Layout { size: 11, align: 1 }");
    assert_int_equal(s.cap, 0);
    /* kasprintf reports the kmalloc request: 5 digits + NUL. */
    EXPECT_PANIC_EXACTLY(format_a_number(), "allocation error: Layout { size: 6, align: 16 }");
    EXPECT_PANIC_EXACTLY(kstr_reserve(&s, SIZE_MAX), "capacity overflow");
    kstr_free(&s);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lib_test_alloc_setup, lib_test_alloc_teardown)
    const struct CMUnitTest tests[] = {
        T(empty_string_is_empty_c_string_without_memory),   T(pushes_append_in_order),
        T(long_strings_grow_and_stay_terminated),           T(appendf_formats_through_fmt),
        T(kasprintf_allocates_an_exact_c_string),           T(into_cstr_hands_over_the_contents),
        T(try_forms_leave_the_string_unchanged_on_failure), T(aborting_forms_panic_with_the_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
