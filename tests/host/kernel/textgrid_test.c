/* kernel/console/textgrid.c: the terminal logic both screen consoles share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/console/textgrid.h"

#define ROWS 4
#define COLS 10

/* A fake screen recording every cell and how often it scrolled. */
struct screen {
    char c[ROWS][COLS];
    uint8_t attr[ROWS][COLS];
    int scrolls, cursor_row, cursor_col;
};

static void draw(void *ctx, int row, int col, char c, uint8_t attr)
{
    struct screen *s = ctx;
    assert_true(row >= 0 && row < ROWS && col >= 0 && col < COLS);
    s->c[row][col] = c;
    s->attr[row][col] = attr;
}

static void scroll(void *ctx, uint8_t attr)
{
    struct screen *s = ctx;
    memmove(s->c[0], s->c[1], sizeof s->c[0] * (ROWS - 1));
    memmove(s->attr[0], s->attr[1], sizeof s->attr[0] * (ROWS - 1));
    for (int col = 0; col < COLS; col++)
        draw(s, ROWS - 1, col, ' ', attr);
    s->scrolls++;
}

static void cursor(void *ctx, int row, int col)
{
    struct screen *s = ctx;
    s->cursor_row = row;
    s->cursor_col = col;
}

static const struct textgrid_ops ops = {draw, scroll, cursor};

static void write_str(struct textgrid *g, const char *s)
{
    textgrid_write(g, s, strlen(s));
}

static void row_is(const struct screen *s, int row, const char *expected)
{
    char line[COLS + 1];
    memcpy(line, s->c[row], COLS);
    line[COLS] = '\0';
    assert_string_equal(line, expected);
}

static void init_clears_every_cell(void **state)
{
    (void)state;
    struct screen s;
    memset(&s, 'x', sizeof s);
    struct textgrid g;
    textgrid_init(&g, ROWS, COLS, &ops, &s);
    for (int r = 0; r < ROWS; r++)
        row_is(&s, r, "          ");
    assert_int_equal(s.attr[3][9], TEXTGRID_DEFAULT_ATTR);
}

static void long_lines_wrap_and_newline_moves_down(void **state)
{
    (void)state;
    struct screen s = {0};
    struct textgrid g;
    textgrid_init(&g, ROWS, COLS, &ops, &s);
    write_str(&g, "0123456789ab\nc");
    row_is(&s, 0, "0123456789");
    row_is(&s, 1, "ab        ");
    row_is(&s, 2, "c         ");
    assert_int_equal(s.cursor_row, 2);
    assert_int_equal(s.cursor_col, 1);
}

static void bottom_line_scrolls_everything_up(void **state)
{
    (void)state;
    struct screen s = {0};
    struct textgrid g;
    textgrid_init(&g, ROWS, COLS, &ops, &s);
    write_str(&g, "a\nb\nc\nd\ne\n");
    assert_int_equal(s.scrolls, 2);
    row_is(&s, 0, "c         ");
    row_is(&s, 2, "e         ");
    row_is(&s, 3, "          ");
}

static void backspace_tab_carriage_return(void **state)
{
    (void)state;
    struct screen s = {0};
    struct textgrid g;
    textgrid_init(&g, ROWS, COLS, &ops, &s);
    write_str(&g, "abc\b\bX\ty\rZ");
    row_is(&s, 0, "ZX      y ");
    write_str(&g, "\n\b"); /* backspace at column 0 does nothing */
    assert_int_equal(g.col, 0);
}

static void colours_apply_to_new_text(void **state)
{
    (void)state;
    struct screen s = {0};
    struct textgrid g;
    textgrid_init(&g, ROWS, COLS, &ops, &s);
    write_str(&g, "a");
    textgrid_set_color(&g, 15, 4);
    write_str(&g, "b");
    assert_int_equal(s.attr[0][0], 0x07);
    assert_int_equal(s.attr[0][1], 0x4f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_clears_every_cell),
        cmocka_unit_test(long_lines_wrap_and_newline_moves_down),
        cmocka_unit_test(bottom_line_scrolls_everything_up),
        cmocka_unit_test(backspace_tab_carriage_return),
        cmocka_unit_test(colours_apply_to_new_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
