/*
 * kernel_entry: the first C code, called by boot/entry64.S on the kernel
 * stack at the higher-half address.
 */
#include <stdint.h>

#include "boot/layout.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/console.h"
#include "kernel/console/fbcon.h"
#include "kernel/console/serial.h"
#include "kernel/console/vga.h"
#include "kernel/kernel.h"
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

/* Takes the linear RGB framebuffer the boot loader set up (UEFI boots), if
 * there is one and the boot page tables reach it. */
static bool framebuffer_console_init(const void *mbi, uint64_t mbi_phys)
{
    struct mb2_info info;
    if (mb2_parse(mbi, BOOT_DIRECT_MAP_SIZE - mbi_phys, &info) != MB2_OK || !info.has_framebuffer ||
        info.framebuffer.type != MB2_FB_RGB)
        return false;
    const struct mb2_framebuffer *fb = &info.framebuffer;
    if (fb->addr + (uint64_t)fb->pitch * fb->height > BOOT_DIRECT_MAP_SIZE)
        return false;
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
    return fbcon_init(&surface);
}

/* Serial always; the framebuffer when GRUB set one up, else VGA text. */
static void consoles_init(const void *mbi, uint64_t mbi_phys)
{
    serial_init();
    console_register(&serial_console);
    if (framebuffer_console_init(mbi, mbi_phys)) {
        console_register(&fbcon_console);
        return;
    }
    vga_init();
    console_register(&vga_console);
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
