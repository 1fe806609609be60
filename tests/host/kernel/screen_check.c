/*
 * screen_check: is a line of text on a QEMU screendump?
 *
 *   screen_check <screendump.ppm> <text>
 *
 * Renders <text> with the kernel's own framebuffer drawing code and font
 * (kernel/console/fbcon.c, font8x16.c) in the console's default colours,
 * then looks for those exact pixels at every character cell of the dump
 * (a binary PPM, as QEMU's `screendump` writes). Exit status 0 when found.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console/console.h"
#include "kernel/console/fbcon.h"
#include "kernel/console/font.h"

struct image {
    uint32_t width, height;
    uint8_t *rgb; /* width * height * 3 */
};

static int read_ppm(const char *path, struct image *img)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    unsigned max;
    if (fscanf(f, "P6 %u %u %u", &img->width, &img->height, &max) != 3 || max != 255 ||
        fgetc(f) == EOF) {
        fclose(f);
        return -1;
    }
    size_t size = (size_t)img->width * img->height * 3;
    img->rgb = malloc(size);
    size_t got = img->rgb ? fread(img->rgb, 1, size, f) : 0;
    fclose(f);
    return got == size ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <screendump.ppm> <text>\n", argv[0]);
        return 2;
    }
    struct image dump;
    if (read_ppm(argv[1], &dump) != 0) {
        fprintf(stderr, "screen_check: %s is not a readable binary PPM\n", argv[1]);
        return 2;
    }
    const char *text = argv[2];
    uint32_t w = (uint32_t)strlen(text) * FONT_WIDTH, h = FONT_HEIGHT;

    /* The expected pixels, drawn as the kernel draws them, in PPM's byte
     * order (R, G, B). */
    uint8_t *expected = calloc((size_t)w * h, 3);
    struct fb_surface s = {.pixels = expected,
                           .pitch = w * 3,
                           .width = w,
                           .height = h,
                           .bpp = 24,
                           .red_position = 0,
                           .red_size = 8,
                           .green_position = 8,
                           .green_size = 8,
                           .blue_position = 16,
                           .blue_size = 8};
    for (size_t i = 0; text[i] != '\0'; i++)
        fb_draw_char(&s, (uint32_t)i * FONT_WIDTH, 0, text[i], fb_palette_rgb(COLOR_LIGHT_GREY),
                     fb_palette_rgb(COLOR_BLACK));

    for (uint32_t y = 0; y + h <= dump.height; y += FONT_HEIGHT) {
        for (uint32_t x = 0; x + w <= dump.width; x += FONT_WIDTH) {
            int match = 1;
            for (uint32_t row = 0; row < h && match; row++)
                match = memcmp(dump.rgb + ((size_t)(y + row) * dump.width + x) * 3,
                               expected + (size_t)row * w * 3, (size_t)w * 3) == 0;
            if (match) {
                printf("screen_check: \"%s\" found at character row %u, column %u\n", text,
                       y / FONT_HEIGHT, x / FONT_WIDTH);
                return 0;
            }
        }
    }
    printf("screen_check: \"%s\" is not on the %ux%u screen\n", text, dump.width, dump.height);
    return 1;
}
