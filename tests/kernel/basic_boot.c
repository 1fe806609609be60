/* basic_boot: the kernel boots to C, prints, and its output really lands on
 * the VGA text screen and in formatted form. */
#include "kernel/console/vga.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "tests/kernel/ktest.h"

KTEST(println_does_not_panic)
{
    kprintf("test_println output\n");
}

KTEST(println_many_lines_scrolls)
{
    for (int i = 0; i < 200; i++)
        kprintf("line %d\n", i);
    KTEST_ASSERT_EQ(vga_cursor_row(), VGA_ROWS - 1);
}

/* The blog's test_println_output: the characters are in the VGA buffer, on
 * the line above the cursor. */
KTEST(hello_world_reaches_vga_buffer)
{
    const char *line = "Some test string that fits on a single line";
    kprintf("\n%s\n", line);
    int row = vga_cursor_row() - 1;
    for (size_t i = 0; i < strlen(line); i++)
        KTEST_ASSERT_EQ(vga_char_at(row, (int)i), line[i]);
}

KTEST(long_lines_wrap_to_the_next_row)
{
    char line[VGA_COLUMNS + 6];
    memset(line, 'w', VGA_COLUMNS);
    memcpy(line + VGA_COLUMNS, "tail", 5);
    kprintf("\n%s\n", line);
    int row = vga_cursor_row() - 1;
    KTEST_ASSERT_EQ(vga_char_at(row, 0), 't');
    KTEST_ASSERT_EQ(vga_char_at(row, 3), 'l');
    KTEST_ASSERT_EQ(vga_char_at(row - 1, VGA_COLUMNS - 1), 'w');
}

static void expect_format(const char *expected, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (strcmp(buf, expected) != 0)
        panic("format \"%s\": expected \"%s\", got \"%s\"", fmt, expected, buf);
}

KTEST(formatted_output_in_the_kernel)
{
    expect_format("-42 42 4294967254", "%d %i %u", -42, 42, -42);
    expect_format("ff FF 0x444444440000", "%x %X %p", 255, 255, (void *)0x444444440000);
    expect_format("s c 100%", "%s %c %d%%", "s", 'c', 100);
    expect_format("18446744073709551615 4 444444440000", "%zu %lu %llx", (size_t)-1, 4ul,
                  0x444444440000ull);
    expect_format("  7|007|7  |", "%3d|%03d|%-3d|", 7, 7, 7);
}
