#include "kernel/console/vga.h"

#include "boot/layout.h"
#include "kernel/arch/x86_64/cpu.h"

static volatile uint16_t *const buffer = (volatile uint16_t *)(PHYS_OFFSET + VGA_TEXT_PHYS);
static int row, column;
static uint8_t attribute = COLOR_LIGHT_GREY | COLOR_BLACK << 4;

static uint16_t cell(char c)
{
    return (uint16_t)((uint8_t)c | attribute << 8);
}

static void update_cursor(void)
{
    uint16_t pos = (uint16_t)(row * VGA_COLUMNS + column);
    outb(0x3d4, 0x0f);
    outb(0x3d5, pos & 0xff);
    outb(0x3d4, 0x0e);
    outb(0x3d5, pos >> 8);
}

static void clear_row(int r)
{
    for (int c = 0; c < VGA_COLUMNS; c++)
        buffer[r * VGA_COLUMNS + c] = cell(' ');
}

static void new_line(void)
{
    column = 0;
    if (row < VGA_ROWS - 1) {
        row++;
        return;
    }
    for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLUMNS; i++)
        buffer[i] = buffer[i + VGA_COLUMNS];
    clear_row(VGA_ROWS - 1);
}

static void put_char(char c)
{
    switch (c) {
    case '\n':
        new_line();
        return;
    case '\r':
        column = 0;
        return;
    case '\b':
        if (column > 0)
            buffer[row * VGA_COLUMNS + --column] = cell(' ');
        return;
    case '\t':
        do
            put_char(' ');
        while (column % 8 != 0);
        return;
    default:
        break;
    }
    if (column == VGA_COLUMNS)
        new_line();
    /* Non-ASCII bytes show as a block, as code page 437 has no UTF-8. */
    buffer[row * VGA_COLUMNS + column++] = cell((unsigned char)c < 0x7f ? c : (char)0xfe);
}

static void vga_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_char(s[i]);
    update_cursor();
}

static void vga_set_color(enum console_color fg, enum console_color bg)
{
    attribute = (uint8_t)(fg | bg << 4);
}

const struct console_driver vga_console = {
    .name = "vga",
    .write = vga_write,
    .set_color = vga_set_color,
};

void vga_init(void)
{
    for (int r = 0; r < VGA_ROWS; r++)
        clear_row(r);
    row = column = 0;
    update_cursor();
}

char vga_char_at(int r, int c)
{
    return (char)(buffer[r * VGA_COLUMNS + c] & 0xff);
}

int vga_cursor_row(void)
{
    return row;
}
