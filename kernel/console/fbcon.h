/*
 * The framebuffer console: the same text as the VGA console (textgrid.h),
 * drawn with the 8x16 font into a linear RGB framebuffer — what UEFI
 * machines, which have no VGA text mode, show.
 *
 * The drawing is portable: it writes pixels into whatever memory a
 * `struct fb_surface` describes. The kernel points it at the framebuffer
 * GRUB set up (through the direct map); the host screen check
 * (tests/host/kernel/screen_check.c) points it at a buffer to render the
 * text it then looks for in a QEMU screendump.
 */
#ifndef KEEL_CONSOLE_FBCON_H
#define KEEL_CONSOLE_FBCON_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/console/console.h"

struct fb_surface {
    uint8_t *pixels; /* first byte of the top-left pixel */
    uint32_t pitch;  /* bytes per line */
    uint32_t width, height;
    uint8_t bpp; /* 32, 24 or 16 */
    uint8_t red_position, red_size;
    uint8_t green_position, green_size;
    uint8_t blue_position, blue_size;
};

/* 0xRRGGBB of one of the 16 console colours (the VGA palette). */
uint32_t fb_palette_rgb(unsigned color);
/* Writes one pixel of colour 0xRRGGBB. */
void fb_put_pixel(const struct fb_surface *s, uint32_t x, uint32_t y, uint32_t rgb);
/* Draws character c with its top-left corner at pixel (x, y). */
void fb_draw_char(const struct fb_surface *s, uint32_t x, uint32_t y, char c, uint32_t fg_rgb,
                  uint32_t bg_rgb);

/* Takes over the surface as a text console (clears it). False if its
 * geometry is unusable (fb_check_geometry). Where the surface lies is the
 * caller's to check first (fb_check). */
bool fbcon_init(const struct fb_surface *s);
extern const struct console_driver fbcon_console;

#endif
