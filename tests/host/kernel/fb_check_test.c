/* kernel/console/fb_check: the framebuffers the console may draw into. A
 * sound tag is accepted; each hostile one is refused with its own reason,
 * with the boundaries exact (touching is fine, one byte of overlap is not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/console/fb_check.h"

#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

/* A PC under UEFI: low memory, 128 MiB of RAM, the kernel and boot
 * information inside it, a reserved hole, and a 1280x800x32 framebuffer
 * in the PCI hole at 0x80000000. */
static const struct mb2_mem_region pc_map[] = {
    {0x0, 0x9f000, MB2_MEM_AVAILABLE},
    {MiB(1), MiB(128), MB2_MEM_AVAILABLE},
    {MiB(128), MiB(129), MB2_MEM_RESERVED},
};
static const struct mb2_region_array pc_array = {pc_map, 3};
static const struct fb_keep_out keep_out = {
    .kernel = {MiB(1), MiB(2)},
    .boot_info = {MiB(3), MiB(3) + 0x2000},
};

static struct mb2_framebuffer good_fb(void)
{
    return (struct mb2_framebuffer){
        .addr = 0x80000000,
        .pitch = 5120,
        .width = 1280,
        .height = 800,
        .bpp = 32,
        .type = MB2_FB_RGB,
        .red_position = 16,
        .red_mask_size = 8,
        .green_position = 8,
        .green_mask_size = 8,
        .blue_position = 0,
        .blue_mask_size = 8,
    };
}

static enum fb_error check(struct mb2_framebuffer fb)
{
    struct mb2_region_list map = mb2_region_array_list(&pc_array);
    return fb_check(&fb, &map, &keep_out, GiB(4));
}

static void a_framebuffer_in_the_pci_hole_is_accepted(void **state)
{
    (void)state;
    assert_int_equal(check(good_fb()), FB_OK);
    struct mb2_framebuffer fb = good_fb();
    fb.bpp = 24;
    fb.pitch = 1280 * 3; /* exactly width * bytes per pixel */
    assert_int_equal(check(fb), FB_OK);
    fb.bpp = 16; /* 5:6:5 */
    fb.red_position = 11;
    fb.red_mask_size = 5;
    fb.green_position = 5;
    fb.green_mask_size = 6;
    fb.blue_mask_size = 5;
    assert_int_equal(check(fb), FB_OK);
}

/* A channel's shift must stay inside the pixel: past it, drawing would
 * shift by more than the value's width. */
static void colour_channels_must_lie_within_a_pixel(void **state)
{
    (void)state;
    struct mb2_framebuffer fb = good_fb();
    fb.red_position = 24; /* 24 + 8 == 32: the top byte, fine */
    assert_int_equal(check(fb), FB_OK);
    fb.red_position = 25;
    assert_int_equal(check(fb), FB_ERR_CHANNELS);
    fb = good_fb();
    fb.green_position = 200;
    assert_int_equal(check(fb), FB_ERR_CHANNELS);
    fb = good_fb();
    fb.blue_mask_size = 0;
    assert_int_equal(check(fb), FB_ERR_CHANNELS);
    fb = good_fb();
    fb.blue_mask_size = 9;
    assert_int_equal(check(fb), FB_ERR_CHANNELS);
}

static void address_zero_is_refused(void **state)
{
    (void)state;
    struct mb2_framebuffer fb = good_fb();
    fb.addr = 0;
    assert_int_equal(check(fb), FB_ERR_ADDRESS_ZERO);
}

static void only_rgb_is_a_pixel_console(void **state)
{
    (void)state;
    struct mb2_framebuffer fb = good_fb();
    fb.type = MB2_FB_INDEXED;
    assert_int_equal(check(fb), FB_ERR_NOT_RGB);
    fb.type = MB2_FB_EGA_TEXT;
    assert_int_equal(check(fb), FB_ERR_NOT_RGB);
    fb.type = 7;
    assert_int_equal(check(fb), FB_ERR_NOT_RGB);
}

static void unsupported_depths_are_refused(void **state)
{
    (void)state;
    const uint8_t bad[] = {0, 1, 4, 8, 15, 17, 23, 25, 31, 33, 64, 255};
    for (size_t i = 0; i < sizeof bad; i++) {
        struct mb2_framebuffer fb = good_fb();
        fb.bpp = bad[i];
        assert_int_equal(check(fb), FB_ERR_DEPTH);
    }
}

static void geometry_must_hold_one_character_and_whole_lines(void **state)
{
    (void)state;
    struct mb2_framebuffer fb = good_fb();
    fb.width = 7;
    assert_int_equal(check(fb), FB_ERR_TOO_SMALL);
    fb.width = 8;
    assert_int_equal(check(fb), FB_OK);
    fb = good_fb();
    fb.height = 15;
    assert_int_equal(check(fb), FB_ERR_TOO_SMALL);
    fb.height = 16;
    assert_int_equal(check(fb), FB_OK);

    fb = good_fb();
    fb.pitch = 1280 * 4 - 1;
    assert_int_equal(check(fb), FB_ERR_PITCH);
    fb.pitch = 0;
    assert_int_equal(check(fb), FB_ERR_PITCH);
    /* width * 4 wraps to 0 in 32 bits: still refused. */
    fb = good_fb();
    fb.width = 0x40000000;
    fb.pitch = 16;
    assert_int_equal(check(fb), FB_ERR_PITCH);
}

static void a_framebuffer_past_the_direct_map_is_refused(void **state)
{
    (void)state;
    struct mb2_framebuffer fb = good_fb();
    uint64_t size = (uint64_t)fb.pitch * fb.height;
    fb.addr = GiB(4) - size; /* ends exactly at the limit */
    assert_int_equal(check(fb), FB_OK);
    fb.addr += 0x1000;
    assert_int_equal(check(fb), FB_ERR_UNREACHABLE);
    fb.addr = UINT64_MAX - 100; /* addr + size wraps around */
    assert_int_equal(check(fb), FB_ERR_UNREACHABLE);
    fb = good_fb();
    fb.pitch = UINT32_MAX;
    fb.height = UINT32_MAX;
    assert_int_equal(check(fb), FB_ERR_UNREACHABLE);
}

static void a_framebuffer_over_available_ram_is_refused(void **state)
{
    (void)state;
    struct mb2_framebuffer fb = good_fb();
    fb.addr = MiB(64); /* in the middle of RAM */
    assert_int_equal(check(fb), FB_ERR_OVERLAPS_RAM);
    fb.addr = MiB(128) - 0x1000; /* its first page is RAM */
    assert_int_equal(check(fb), FB_ERR_OVERLAPS_RAM);
    fb.addr = MiB(128); /* starts where RAM ends: in the reserved hole */
    assert_int_equal(check(fb), FB_OK);
    fb.width = 8;
    fb.height = 16;
    fb.pitch = 32;         /* 512 bytes */
    fb.addr = 0x9f000 - 1; /* its first byte is low memory's last */
    assert_int_equal(check(fb), FB_ERR_OVERLAPS_RAM);
    fb.addr = 0x9f000; /* right after low memory */
    assert_int_equal(check(fb), FB_OK);
}

static void a_framebuffer_over_the_kernel_or_boot_info_is_refused(void **state)
{
    (void)state;
    /* A memory map that wrongly leaves the kernel and the boot information
     * out of available RAM: they are still protected. */
    static const struct mb2_mem_region lying_map[] = {{MiB(4), MiB(128), MB2_MEM_AVAILABLE}};
    static const struct mb2_region_array lying = {lying_map, 1};
    struct mb2_region_list map = mb2_region_array_list(&lying);
    struct mb2_framebuffer fb = good_fb();
    fb.addr = MiB(1) + 0x1000;
    fb.width = 8;
    fb.height = 16;
    fb.pitch = 32; /* 512 bytes, inside the kernel */
    assert_int_equal(fb_check(&fb, &map, &keep_out, GiB(4)), FB_ERR_OVERLAPS_KERNEL);
    fb.addr = MiB(2) - 512; /* its last byte is the kernel's last */
    assert_int_equal(fb_check(&fb, &map, &keep_out, GiB(4)), FB_ERR_OVERLAPS_KERNEL);
    fb.addr = MiB(2); /* right after the kernel */
    assert_int_equal(fb_check(&fb, &map, &keep_out, GiB(4)), FB_OK);
    fb.addr = MiB(3) + 0x1000;
    assert_int_equal(fb_check(&fb, &map, &keep_out, GiB(4)), FB_ERR_OVERLAPS_BOOT_INFO);
    fb.addr = MiB(3) - 511; /* one byte into the boot information */
    assert_int_equal(fb_check(&fb, &map, &keep_out, GiB(4)), FB_ERR_OVERLAPS_BOOT_INFO);
}

/* The VGA text buffer passes the same placement checks: fine in the legacy
 * video window, refused where a machine's map calls it RAM. */
static void the_vga_text_buffer_is_checked_like_a_framebuffer(void **state)
{
    (void)state;
    struct mb2_region_list map = mb2_region_array_list(&pc_array);
    assert_int_equal(fb_check_placement(0xb8000, 4000, &map, &keep_out, GiB(4)), FB_OK);
    static const struct mb2_mem_region ram_below_1m[] = {{0, 0xc0000, MB2_MEM_AVAILABLE}};
    static const struct mb2_region_array ram = {ram_below_1m, 1};
    map = mb2_region_array_list(&ram);
    assert_int_equal(fb_check_placement(0xb8000, 4000, &map, &keep_out, GiB(4)),
                     FB_ERR_OVERLAPS_RAM);
    struct fb_keep_out mbi_there = {.kernel = {MiB(1), MiB(2)}, .boot_info = {0xb8f00, 0xb9000}};
    map = mb2_region_array_list(&pc_array);
    assert_int_equal(fb_check_placement(0xb8000, 4000, &map, &mbi_there, GiB(4)),
                     FB_ERR_OVERLAPS_BOOT_INFO);
}

static void every_reason_reads_differently(void **state)
{
    (void)state;
    for (int a = FB_OK; a <= FB_ERR_OVERLAPS_BOOT_INFO; a++)
        for (int b = a + 1; b <= FB_ERR_OVERLAPS_BOOT_INFO; b++)
            assert_string_not_equal(fb_strerror((enum fb_error)a), fb_strerror((enum fb_error)b));
    assert_string_equal(fb_strerror(FB_OK), "no error");
    assert_string_equal(fb_strerror(FB_ERR_ADDRESS_ZERO),
                        "its address is 0 (the display has no linear framebuffer)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_framebuffer_in_the_pci_hole_is_accepted),
        cmocka_unit_test(address_zero_is_refused),
        cmocka_unit_test(only_rgb_is_a_pixel_console),
        cmocka_unit_test(unsupported_depths_are_refused),
        cmocka_unit_test(colour_channels_must_lie_within_a_pixel),
        cmocka_unit_test(geometry_must_hold_one_character_and_whole_lines),
        cmocka_unit_test(a_framebuffer_past_the_direct_map_is_refused),
        cmocka_unit_test(a_framebuffer_over_available_ram_is_refused),
        cmocka_unit_test(a_framebuffer_over_the_kernel_or_boot_info_is_refused),
        cmocka_unit_test(the_vga_text_buffer_is_checked_like_a_framebuffer),
        cmocka_unit_test(every_reason_reads_differently),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
