/*
 * fb_check: decides whether the framebuffer the boot loader describes may be
 * drawn into, before a single pixel is written.
 *
 * A framebuffer tag is input like any other: firmware with a display that
 * has no linear framebuffer (a virtual GPU without a VGA BAR, say) makes
 * GRUB report one at address 0, and "clearing the screen" there overwrites
 * the kernel and its page tables. So the console takes a framebuffer only
 * when it is RGB, has a depth the drawing code supports (16, 24, 32 bpp),
 * lines at least as long as its width, room for one character, colour
 * channels of 1 to 8 bits that lie within a pixel, lies wholly
 * below `reachable` (what the direct map covers), has a non-zero address,
 * and overlaps neither RAM the memory map calls available nor the kernel
 * image (which holds the boot page tables) nor the boot information.
 * Anything else is refused with its reason (fb_strerror), and the kernel
 * keeps to the serial console. The VGA text buffer (0xb8000) passes the same
 * placement checks before the VGA console writes to it. Portable: tested on the host with hostile
 * tags (tests/host/kernel/fb_check_test.c).
 */
#ifndef KEEL_CONSOLE_FB_CHECK_H
#define KEEL_CONSOLE_FB_CHECK_H

#include <stdint.h>

#include "mm/multiboot2.h"

enum fb_error {
    FB_OK = 0,
    FB_ERR_NOT_RGB,            /* indexed colour or EGA text: not a pixel console */
    FB_ERR_ADDRESS_ZERO,       /* no framebuffer, whatever the tag says */
    FB_ERR_DEPTH,              /* bpp other than 16, 24 or 32 */
    FB_ERR_TOO_SMALL,          /* not even one 8x16 character */
    FB_ERR_PITCH,              /* a line shorter than width * bytes per pixel */
    FB_ERR_CHANNELS,           /* a colour channel of 0 or > 8 bits, or past the pixel */
    FB_ERR_UNREACHABLE,        /* ends past the direct map (or past 2^64) */
    FB_ERR_OVERLAPS_RAM,       /* overlaps memory the map calls available */
    FB_ERR_OVERLAPS_KERNEL,    /* overlaps the kernel image */
    FB_ERR_OVERLAPS_BOOT_INFO, /* overlaps the boot information */
};

/* What a framebuffer must never overlap besides available RAM. */
struct fb_keep_out {
    struct mem_range kernel;    /* the image: code, data, boot page tables */
    struct mem_range boot_info; /* the multiboot2 information */
};

/* The geometry checks alone: depth, size, pitch. */
enum fb_error fb_check_geometry(uint8_t bpp, uint32_t width, uint32_t height, uint32_t pitch);

/* Every check above, in the order listed in the enum; FB_OK when the
 * console may draw into fb through the direct map. */
enum fb_error fb_check(const struct mb2_framebuffer *fb, const struct mb2_region_list *map,
                       const struct fb_keep_out *keep_out, phys_addr_t reachable);

/* The placement checks alone, for size bytes of screen memory at addr
 * (the VGA text buffer too): reach, available RAM, kernel, boot info. */
enum fb_error fb_check_placement(phys_addr_t addr, uint64_t size, const struct mb2_region_list *map,
                                 const struct fb_keep_out *keep_out, phys_addr_t reachable);

/* A phrase saying why, to follow "refused the framebuffer: ". Never NULL. */
const char *fb_strerror(enum fb_error err);

#endif
