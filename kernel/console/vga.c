#include "kernel/console/vga.h"

#include "boot/layout.h"
#include "kernel/arch/x86_64/vga_crtc.h"
#include "kernel/console/textgrid.h"
#include "lib/kstring.h"

static volatile uint16_t *const buffer = (volatile uint16_t *)(PHYS_OFFSET + VGA_TEXT_PHYS);
static struct textgrid grid;

static void vga_draw(void *ctx, int row, int col, char c, uint8_t attr)
{
    (void)ctx;
    /* Code page 437 has no UTF-8: other bytes show as a block. */
    uint8_t glyph = (unsigned char)c < 0x7f ? (uint8_t)c : 0xfe;
    buffer[row * VGA_COLUMNS + col] = (uint16_t)(glyph | attr << 8);
}

static void vga_scroll(void *ctx, uint8_t attr)
{
    (void)ctx;
    memmove((void *)buffer, (const void *)(buffer + VGA_COLUMNS),
            (VGA_ROWS - 1) * VGA_COLUMNS * sizeof *buffer);
    for (int col = 0; col < VGA_COLUMNS; col++)
        vga_draw(NULL, VGA_ROWS - 1, col, ' ', attr);
}

static void vga_cursor(void *ctx, int row, int col)
{
    (void)ctx;
    vga_crtc_set_cursor((uint16_t)(row * VGA_COLUMNS + col));
}

static const struct textgrid_ops vga_ops = {
    .draw = vga_draw,
    .scroll = vga_scroll,
    .cursor = vga_cursor,
};

static void vga_write(const char *s, size_t n)
{
    textgrid_write(&grid, s, n);
}

static void vga_set_color(enum console_color fg, enum console_color bg)
{
    textgrid_set_color(&grid, fg, bg);
}

const struct console_driver vga_console = {
    .name = "vga",
    .write = vga_write,
    .set_color = vga_set_color,
};

void vga_init(void)
{
    textgrid_init(&grid, VGA_ROWS, VGA_COLUMNS, &vga_ops, NULL);
}

char vga_char_at(int row, int col)
{
    return (char)(buffer[row * VGA_COLUMNS + col] & 0xff);
}

int vga_cursor_row(void)
{
    return grid.row;
}
