/*
 * kernel_entry: the first C code, called by boot/entry64.S on the kernel
 * stack at the higher-half address.
 */
#include <stdint.h>

#include "boot/layout.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/console.h"
#include "kernel/console/serial.h"
#include "kernel/console/vga.h"
#include "kernel/kernel.h"

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

void kernel_entry(uint64_t magic, uint64_t mbi_phys)
{
    drop_identity_map();
    serial_init();
    console_register(&serial_console);
    vga_init();
    console_register(&vga_console);

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
