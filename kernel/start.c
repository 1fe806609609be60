/*
 * kernel_entry: the first C code, called by boot/entry64.S on the kernel
 * stack at the higher-half address.
 */
#include <stdint.h>

#include "boot/layout.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/kernel_map.h"
#include "kernel/console/console.h"
#include "kernel/console/fb_check.h"
#include "kernel/console/fbcon.h"
#include "kernel/console/serial.h"
#include "kernel/console/vga.h"
#include "kernel/kernel.h"
#include "lib/print.h"
#include "mm/multiboot2.h"

void kernel_entry(uint64_t magic, uint64_t mbi_phys);

/* The console the boot loader's framebuffer tag asks for. */
enum screen {
    SCREEN_VGA_TEXT,    /* no tag, or EGA text: the VGA text buffer */
    SCREEN_FRAMEBUFFER, /* a framebuffer fb_check() accepts */
    SCREEN_NONE,        /* a screen that must not be written to */
};

static void say_refused(const char *what, phys_addr_t addr, enum fb_error err)
{
    kprintf("console: refused the %s at 0x%lx: %s; serial console only\n", what, addr,
            fb_strerror(err));
}

/* The VGA text console, when its buffer is not RAM the boot information
 * or anything else lives in (a UEFI machine without a framebuffer, say). */
static enum screen vga_console_init(const struct mb2_region_list *map,
                                    const struct fb_keep_out *keep_out)
{
    enum fb_error err =
        fb_check_placement(VGA_TEXT_PHYS, VGA_TEXT_SIZE, map, keep_out, BOOT_DIRECT_MAP_SIZE);
    if (err != FB_OK) {
        say_refused("VGA text buffer", VGA_TEXT_PHYS, err);
        return SCREEN_NONE;
    }
    vga_init();
    return SCREEN_VGA_TEXT;
}

/* Takes the linear RGB framebuffer the boot loader set up (UEFI boots, and
 * BIOS machines without VGA text), once fb_check() has found that drawing
 * into it cannot overwrite RAM, the kernel or the boot information. */
static enum screen framebuffer_console_init(const struct mb2_framebuffer *fb,
                                            const struct mb2_region_list *map,
                                            const struct fb_keep_out *keep_out)
{
    enum fb_error err = fb_check(fb, map, keep_out, BOOT_DIRECT_MAP_SIZE);
    if (err != FB_OK) {
        kprintf("console: refused the framebuffer at 0x%lx (%ux%u, %u bpp): %s; serial console "
                "only\n",
                fb->addr, fb->width, fb->height, fb->bpp, fb_strerror(err));
        return SCREEN_NONE;
    }
    struct fb_surface surface = {
        .pixels = (uint8_t *)(PHYS_OFFSET + fb->addr),
        .pitch = fb->pitch,
        .width = fb->width,
        .height = fb->height,
        .bpp = fb->bpp,
        .red_position = fb->red_position,
        .red_size = fb->red_mask_size,
        .green_position = fb->green_position,
        .green_size = fb->green_mask_size,
        .blue_position = fb->blue_position,
        .blue_size = fb->blue_mask_size,
    };
    return fbcon_init(&surface) ? SCREEN_FRAMEBUFFER : SCREEN_NONE;
}

/* The screen console the boot information asks for: the framebuffer GRUB
 * set up, or VGA text when it set up none (or text mode). Either only
 * where writing to it cannot overwrite memory anything else uses. */
static enum screen screen_console_init(const void *mbi, uint64_t mbi_phys)
{
    struct mb2_info info;
    if (mb2_parse(mbi, BOOT_DIRECT_MAP_SIZE - mbi_phys, &info) != MB2_OK) {
        /* No map to vouch for any screen memory: memory_init() stops with
         * the parser's reason, on serial. */
        kprintf("console: the boot information is malformed; serial console only\n");
        return SCREEN_NONE;
    }
    struct mb2_region_list map = mb2_mmap_list(&info);
    struct fb_keep_out keep_out = {
        .kernel = {(uint64_t)__kernel_phys_start, (uint64_t)__kernel_phys_end},
        .boot_info = {mbi_phys, mbi_phys + info.total_size},
    };
    if (!info.has_framebuffer && info.has_efi_mmap) {
        /* A UEFI machine has no VGA text mode to fall back to. */
        kprintf("console: UEFI boot without a framebuffer; serial console only\n");
        return SCREEN_NONE;
    }
    if (!info.has_framebuffer || info.framebuffer.type == MB2_FB_EGA_TEXT)
        return vga_console_init(&map, &keep_out);
    return framebuffer_console_init(&info.framebuffer, &map, &keep_out);
}

/* Serial always, then the screen console when there is a safe one. */
static void consoles_init(const void *mbi, uint64_t mbi_phys)
{
    serial_init();
    console_register(&serial_console);
    switch (screen_console_init(mbi, mbi_phys)) {
    case SCREEN_FRAMEBUFFER:
        console_register(&fbcon_console);
        break;
    case SCREEN_VGA_TEXT:
        console_register(&vga_console);
        break;
    case SCREEN_NONE:
        break;
    }
}

uint64_t kernel_entry_tsc;

void kernel_entry(uint64_t magic, uint64_t mbi_phys)
{
    kernel_entry_tsc = rdtsc();
    kernel_map_drop_identity();
    consoles_init((const void *)(PHYS_OFFSET + mbi_phys), mbi_phys);

    struct boot_handoff boot = {
        .magic = (uint32_t)magic,
        .mbi_phys = mbi_phys,
        .mbi = (const void *)(PHYS_OFFSET + mbi_phys),
    };
    kernel_main(&boot);
    kernel_idle();
}

_Noreturn void kernel_idle(void)
{
    for (;;)
        cpu_wait_for_interrupt();
}
