#include "kernel/console/fbcon.h"

#include "kernel/console/fb_check.h"
#include "kernel/console/font.h"
#include "kernel/console/textgrid.h"
#include "lib/kstring.h"

static const uint32_t palette[16] = {
    0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
    0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

static struct fb_surface surface;
static struct textgrid grid;

uint32_t fb_palette_rgb(unsigned color)
{
    return palette[color & 0xf];
}

/* Scales an 8-bit channel to `size` bits and moves it to `position`. */
static uint32_t channel(uint32_t value8, uint8_t position, uint8_t size)
{
    if (size == 0)
        return 0;
    return (size >= 8 ? value8 << (size - 8) : value8 >> (8 - size)) << position;
}

void fb_put_pixel(const struct fb_surface *s, uint32_t x, uint32_t y, uint32_t rgb)
{
    uint32_t value = channel(rgb >> 16 & 0xff, s->red_position, s->red_size) |
                     channel(rgb >> 8 & 0xff, s->green_position, s->green_size) |
                     channel(rgb & 0xff, s->blue_position, s->blue_size);
    uint8_t *p = s->pixels + (size_t)y * s->pitch + (size_t)x * (s->bpp / 8);
    switch (s->bpp) {
    case 32:
        *(volatile uint32_t *)p = value;
        break;
    case 24:
        p[0] = value & 0xff;
        p[1] = value >> 8 & 0xff;
        p[2] = value >> 16 & 0xff;
        break;
    case 16:
        *(volatile uint16_t *)p = (uint16_t)value;
        break;
    default:
        break;
    }
}

void fb_draw_char(const struct fb_surface *s, uint32_t x, uint32_t y, char c, uint32_t fg_rgb,
                  uint32_t bg_rgb)
{
    const uint8_t *glyph = font_glyph(c);
    for (uint32_t row = 0; row < FONT_HEIGHT; row++)
        for (uint32_t col = 0; col < FONT_WIDTH; col++)
            fb_put_pixel(s, x + col, y + row, glyph[row] & (0x80 >> col) ? fg_rgb : bg_rgb);
}

static void fbcon_draw(void *ctx, int row, int col, char c, uint8_t attr)
{
    (void)ctx;
    fb_draw_char(&surface, (uint32_t)col * FONT_WIDTH, (uint32_t)row * FONT_HEIGHT, c,
                 fb_palette_rgb(attr & 0xf), fb_palette_rgb(attr >> 4));
}

static void fbcon_scroll(void *ctx, uint8_t attr)
{
    (void)ctx;
    size_t line = (size_t)surface.pitch * FONT_HEIGHT;
    memmove(surface.pixels, surface.pixels + line, line * (size_t)(grid.rows - 1));
    for (int col = 0; col < grid.cols; col++)
        fbcon_draw(NULL, grid.rows - 1, col, ' ', attr);
}

static const struct textgrid_ops fbcon_ops = {
    .draw = fbcon_draw,
    .scroll = fbcon_scroll,
    .cursor = NULL,
};

bool fbcon_init(const struct fb_surface *s)
{
    if (fb_check_geometry(s->bpp, s->width, s->height, s->pitch) != FB_OK)
        return false;
    surface = *s;
    textgrid_init(&grid, (int)(s->height / FONT_HEIGHT), (int)(s->width / FONT_WIDTH), &fbcon_ops,
                  NULL);
    return true;
}

static void fbcon_write(const char *s, size_t n)
{
    textgrid_write(&grid, s, n);
}

static void fbcon_set_color(enum console_color fg, enum console_color bg)
{
    textgrid_set_color(&grid, fg, bg);
}

const struct console_driver fbcon_console = {
    .name = "framebuffer",
    .write = fbcon_write,
    .set_color = fbcon_set_color,
};
