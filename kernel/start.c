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
#include "kernel/print.h"
#include "mm/multiboot2.h"

extern uint64_t boot_pml4[512];

void kernel_entry(uint64_t magic, uint64_t mbi_phys);

/* Removes the identity map of low memory that only the 32-bit boot code
 * needed: from here on a NULL (or any low) pointer faults. boot_pml4 is
 * linked at its physical address, so it is reached through the direct map. */
static void drop_identity_map(void)
{
    uint64_t *pml4 = (uint64_t *)(PHYS_OFFSET + (uintptr_t)boot_pml4);
    pml4[0] = 0;
    write_cr3(read_cr3());
}

/* The console the boot loader's framebuffer tag asks for. */
enum screen {
    SCREEN_VGA_TEXT,    /* no tag, or EGA text: the VGA text buffer */
    SCREEN_FRAMEBUFFER, /* a framebuffer fb_check() accepts */
    SCREEN_NONE,        /* a framebuffer that must not be drawn into */
};

/* Takes the linear RGB framebuffer the boot loader set up (UEFI boots, and
 * BIOS machines without VGA text), once fb_check() has found that drawing
 * into it cannot overwrite RAM, the kernel or the boot information. */
static enum screen framebuffer_console_init(const void *mbi, uint64_t mbi_phys)
{
    struct mb2_info info;
    if (mb2_parse(mbi, BOOT_DIRECT_MAP_SIZE - mbi_phys, &info) != MB2_OK || !info.has_framebuffer ||
        info.framebuffer.type == MB2_FB_EGA_TEXT)
        return SCREEN_VGA_TEXT;
    const struct mb2_framebuffer *fb = &info.framebuffer;
    struct mb2_region_list map = mb2_mmap_list(&info);
    struct fb_keep_out keep_out = {
        .kernel = {(uint64_t)__kernel_phys_start, (uint64_t)__kernel_phys_end},
        .boot_info = {mbi_phys, mbi_phys + info.total_size},
    };
    enum fb_error err = fb_check(fb, &map, &keep_out, BOOT_DIRECT_MAP_SIZE);
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

/* Serial always; then the framebuffer GRUB set up, or VGA text when it set
 * up none (or text mode), or nothing when its framebuffer is unusable. */
static void consoles_init(const void *mbi, uint64_t mbi_phys)
{
    serial_init();
    console_register(&serial_console);
    switch (framebuffer_console_init(mbi, mbi_phys)) {
    case SCREEN_FRAMEBUFFER:
        console_register(&fbcon_console);
        break;
    case SCREEN_VGA_TEXT:
        vga_init();
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
    drop_identity_map();
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
        __asm__ volatile("sti; hlt");
}
