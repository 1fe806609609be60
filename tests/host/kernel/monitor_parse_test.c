/* kernel/monitor_parse: the monitor's line editor, word splitting, numbers
 * and its table of live blocks, without a kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/monitor_parse.h"

/* Types keys into line; returns the echo of all of them, and how many
 * times Enter was seen into *enters. */
static const char *type(struct monitor_line *line, const char *keys, int *enters)
{
    static char echoed[1024];
    echoed[0] = '\0';
    *enters = 0;
    for (const char *k = keys; *k != '\0'; k++) {
        char echo[MONITOR_ECHO_MAX];
        *enters += monitor_line_key(line, *k, echo) == MONITOR_KEY_ENTER;
        strcat(echoed, echo);
    }
    return echoed;
}

static void typed_characters_are_echoed_and_enter_ends_the_line(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    assert_string_equal(type(&line, "help\r", &enters), "help\n");
    assert_int_equal(enters, 1);
    assert_string_equal(line.text, "help");
}

static void backspace_and_del_remove_the_last_character(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    assert_string_equal(type(&line,
                             "hex\b\x7f"
                             "elp",
                             &enters),
                        "hex\b \b\b \belp");
    assert_string_equal(line.text, "help");
    assert_int_equal(enters, 0);
}

static void backspace_on_an_empty_line_echoes_nothing(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    assert_string_equal(type(&line, "\b\x7f", &enters), "");
    assert_int_equal(line.len, 0);
}

static void cr_lf_is_one_enter_and_lf_alone_is_one(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    type(&line, "a\r\n", &enters);
    assert_int_equal(enters, 1);
    monitor_line_clear(&line);
    type(&line, "b\n\n", &enters);
    assert_int_equal(enters, 2);
}

static void control_characters_are_ignored_and_tab_is_a_space(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    assert_string_equal(type(&line, "a\x1b\x01\tb", &enters), "a b");
    assert_string_equal(line.text, "a b");
}

static void a_full_line_takes_no_more_characters(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    for (int i = 0; i < MONITOR_LINE_MAX; i++)
        type(&line, "x", &enters);
    assert_string_equal(type(&line, "y", &enters), "");
    assert_int_equal(line.len, MONITOR_LINE_MAX);
    assert_string_equal(type(&line, "\b", &enters), "\b \b");
}

static void ctrl_p_recalls_the_last_line_entered(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    type(&line, "ticks\r", &enters);
    monitor_line_clear(&line);
    type(&line, "\r", &enters); /* an empty line is not remembered */
    monitor_line_clear(&line);
    assert_string_equal(type(&line, "he\x10", &enters), "he\b \b\b \bticks");
    assert_string_equal(line.text, "ticks");
    assert_int_equal(line.len, 5);
}

static void a_terminals_cursor_up_recalls_and_other_sequences_are_ignored(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    type(&line, "mem\r", &enters);
    monitor_line_clear(&line);
    /* cursor down, right, and F5 (ESC [ 1 5 ~) echo nothing */
    assert_string_equal(type(&line, "\x1b[B\x1b[C\x1b[15~", &enters), "");
    assert_string_equal(type(&line, "\x1b[A", &enters), "mem");
    assert_string_equal(line.text, "mem");
    assert_string_equal(type(&line, "\x1bx", &enters), ""); /* ESC and one more key */
    assert_string_equal(type(&line, "s", &enters), "s");
}

static void nothing_to_recall_gives_an_empty_line(void **state)
{
    (void)state;
    struct monitor_line line = {0};
    int enters;
    assert_string_equal(type(&line, "ab\x10", &enters), "ab\b \b\b \b");
    assert_int_equal(line.len, 0);
}

static void split_finds_words_between_any_spaces(void **state)
{
    (void)state;
    char text[] = "  alloc \t 64  16 ";
    char *words[4];
    assert_int_equal(monitor_split(text, words, 4), 3);
    assert_string_equal(words[0], "alloc");
    assert_string_equal(words[1], "64");
    assert_string_equal(words[2], "16");
}

static void split_counts_words_past_the_maximum(void **state)
{
    (void)state;
    char text[] = "a b c d e";
    char *words[2];
    assert_int_equal(monitor_split(text, words, 2), 5);
    assert_string_equal(words[1], "b");
    char empty[] = "   ";
    assert_int_equal(monitor_split(empty, words, 2), 0);
}

static void numbers_in_decimal_and_hex(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_int_equal(monitor_parse_u64("4096", &v), MONITOR_NUMBER_OK);
    assert_int_equal(v, 4096);
    assert_int_equal(monitor_parse_u64("0x444444440000", &v), MONITOR_NUMBER_OK);
    assert_int_equal(v, 0x444444440000ull);
    assert_int_equal(monitor_parse_u64("0XfFfF", &v), MONITOR_NUMBER_OK);
    assert_int_equal(v, 0xffff);
    assert_int_equal(monitor_parse_u64("18446744073709551615", &v), MONITOR_NUMBER_OK);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(monitor_parse_u64("0xffffffffffffffff", &v), MONITOR_NUMBER_OK);
    assert_int_equal(v, UINT64_MAX);
}

static void bad_numbers_are_refused_and_leave_the_output_alone(void **state)
{
    (void)state;
    uint64_t v = 7;
    const char *bad[] = {"", "0x", "12x", "-1", "1 2", "abc", "0x1g", "+5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(monitor_parse_u64(bad[i], &v), MONITOR_NUMBER_BAD);
    assert_int_equal(v, 7);
}

static void numbers_past_64_bits_overflow(void **state)
{
    (void)state;
    uint64_t v = 7;
    assert_int_equal(monitor_parse_u64("18446744073709551616", &v), MONITOR_NUMBER_OVERFLOW);
    assert_int_equal(monitor_parse_u64("0x10000000000000000", &v), MONITOR_NUMBER_OVERFLOW);
    assert_int_equal(monitor_parse_u64("99999999999999999999x", &v), MONITOR_NUMBER_BAD);
    assert_int_equal(v, 7);
}

static void blocks_are_freed_only_once_and_only_where_recorded(void **state)
{
    (void)state;
    struct monitor_blocks t = {0};
    struct monitor_block b;
    assert_true(monitor_blocks_add(&t, 0x1000, 64, 16));
    assert_false(monitor_blocks_take(&t, 0x1008, &b)); /* interior */
    assert_false(monitor_blocks_take(&t, 0, &b));      /* the empty-slot marker */
    assert_true(monitor_blocks_take(&t, 0x1000, &b));
    assert_int_equal(b.size, 64);
    assert_int_equal(b.align, 16);
    assert_false(monitor_blocks_take(&t, 0x1000, &b)); /* twice */
}

static void the_table_holds_a_fixed_number_of_blocks(void **state)
{
    (void)state;
    struct monitor_blocks t = {0};
    for (uintptr_t i = 1; i <= MONITOR_BLOCKS_MAX; i++) {
        assert_false(monitor_blocks_full(&t));
        assert_true(monitor_blocks_add(&t, i * 16, 8, 8));
    }
    assert_true(monitor_blocks_full(&t));
    assert_false(monitor_blocks_add(&t, 0x9990, 8, 8));
    struct monitor_block b;
    assert_true(monitor_blocks_take(&t, 16 * 3, &b));
    assert_true(monitor_blocks_add(&t, 0x9990, 8, 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typed_characters_are_echoed_and_enter_ends_the_line),
        cmocka_unit_test(backspace_and_del_remove_the_last_character),
        cmocka_unit_test(backspace_on_an_empty_line_echoes_nothing),
        cmocka_unit_test(cr_lf_is_one_enter_and_lf_alone_is_one),
        cmocka_unit_test(control_characters_are_ignored_and_tab_is_a_space),
        cmocka_unit_test(a_full_line_takes_no_more_characters),
        cmocka_unit_test(ctrl_p_recalls_the_last_line_entered),
        cmocka_unit_test(a_terminals_cursor_up_recalls_and_other_sequences_are_ignored),
        cmocka_unit_test(nothing_to_recall_gives_an_empty_line),
        cmocka_unit_test(split_finds_words_between_any_spaces),
        cmocka_unit_test(split_counts_words_past_the_maximum),
        cmocka_unit_test(numbers_in_decimal_and_hex),
        cmocka_unit_test(bad_numbers_are_refused_and_leave_the_output_alone),
        cmocka_unit_test(numbers_past_64_bits_overflow),
        cmocka_unit_test(blocks_are_freed_only_once_and_only_where_recorded),
        cmocka_unit_test(the_table_holds_a_fixed_number_of_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
