#include "kernel/console/fb_check.h"

#include "kernel/console/font.h"

enum fb_error fb_check_geometry(uint8_t bpp, uint32_t width, uint32_t height, uint32_t pitch)
{
    if (bpp != 16 && bpp != 24 && bpp != 32)
        return FB_ERR_DEPTH;
    if (width < FONT_WIDTH || height < FONT_HEIGHT)
        return FB_ERR_TOO_SMALL;
    if (pitch < (uint64_t)width * (bpp / 8u))
        return FB_ERR_PITCH;
    return FB_OK;
}

/* A colour channel lies within the pixel (and so its shift is defined). */
static bool channel_fits(uint8_t position, uint8_t size, uint8_t bpp)
{
    return size >= 1 && size <= 8 && position + size <= bpp;
}

/* True when some available region of map overlaps r. */
static bool overlaps_available(const struct mb2_region_list *map, struct mem_range r)
{
    struct mb2_mem_region region;
    for (size_t c = 0; map->next(map->source, &c, &region);)
        if (region.type == MB2_MEM_AVAILABLE &&
            mem_range_overlaps(r, (struct mem_range){region.start, region.end}))
            return true;
    return false;
}

enum fb_error fb_check(const struct mb2_framebuffer *fb, const struct mb2_region_list *map,
                       const struct fb_keep_out *keep_out, phys_addr_t reachable)
{
    if (fb->type != MB2_FB_RGB)
        return FB_ERR_NOT_RGB;
    if (fb->addr == 0)
        return FB_ERR_ADDRESS_ZERO;
    enum fb_error err = fb_check_geometry(fb->bpp, fb->width, fb->height, fb->pitch);
    if (err != FB_OK)
        return err;
    if (!channel_fits(fb->red_position, fb->red_mask_size, fb->bpp) ||
        !channel_fits(fb->green_position, fb->green_mask_size, fb->bpp) ||
        !channel_fits(fb->blue_position, fb->blue_mask_size, fb->bpp))
        return FB_ERR_CHANNELS;
    return fb_check_placement(fb->addr, (uint64_t)fb->pitch * fb->height, map, keep_out, reachable);
}

enum fb_error fb_check_placement(phys_addr_t addr, uint64_t size, const struct mb2_region_list *map,
                                 const struct fb_keep_out *keep_out, phys_addr_t reachable)
{
    if (size > UINT64_MAX - addr || addr + size > reachable)
        return FB_ERR_UNREACHABLE;
    struct mem_range pixels = {addr, addr + size};
    if (overlaps_available(map, pixels))
        return FB_ERR_OVERLAPS_RAM;
    if (mem_range_overlaps(pixels, keep_out->kernel))
        return FB_ERR_OVERLAPS_KERNEL;
    if (mem_range_overlaps(pixels, keep_out->boot_info))
        return FB_ERR_OVERLAPS_BOOT_INFO;
    return FB_OK;
}

const char *fb_strerror(enum fb_error err)
{
    switch (err) {
    case FB_OK:
        return "no error";
    case FB_ERR_NOT_RGB:
        return "it is not an RGB framebuffer";
    case FB_ERR_ADDRESS_ZERO:
        return "its address is 0 (the display has no linear framebuffer)";
    case FB_ERR_DEPTH:
        return "its depth is not 16, 24 or 32 bits per pixel";
    case FB_ERR_TOO_SMALL:
        return "it cannot hold one 8x16 character";
    case FB_ERR_PITCH:
        return "its lines are shorter than its width";
    case FB_ERR_CHANNELS:
        return "its colour channels do not lie within a pixel";
    case FB_ERR_UNREACHABLE:
        return "it ends beyond the memory the kernel maps at boot";
    case FB_ERR_OVERLAPS_RAM:
        return "it overlaps RAM the memory map calls available";
    case FB_ERR_OVERLAPS_KERNEL:
        return "it overlaps the kernel image";
    case FB_ERR_OVERLAPS_BOOT_INFO:
        return "it overlaps the boot information";
    }
    return "unknown framebuffer error";
}
