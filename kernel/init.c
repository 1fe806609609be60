/*
 * kernel_init: brings the machine up in dependency order. Each step may use
 * everything before it.
 */
#include "boot/layout.h"
#include "kernel/arch/x86_64/arch.h"
#include "kernel/arch/x86_64/exceptions.h"
#include "kernel/kernel.h"
#include "kernel/keyboard.h"
#include "kernel/memory.h"
#include "lib/irq.h"
#include "lib/panic.h"
#include "lib/print.h"
#include "mm/heap/heap.h"

/* The kernel heap (mm/heap/heap.h): from here on kmalloc and the alloc/
 * collections work, and a fault in the heap's range is named as such. */
static void heap_start(void)
{
    heap_setup(kernel_mapper(), kernel_frames());
    fault_add_address_describer(heap_describe_address);
    char summary[128];
    heap_summary(summary, sizeof summary);
    kprintf("heap: %s\n", summary);
}

/* ACPI tables are read through the direct map, and only inside one region
 * the memory map gives the firmware (ACPI reclaimable, ACPI NVS or
 * reserved): never device memory in a hole, never RAM the kernel uses. */
static const void *map_physical(void *ctx, uint64_t phys, size_t len)
{
    const struct mb2_info *info = ctx;
    phys_addr_t end = kernel_direct_map_end();
    if (phys >= end || len > end - phys)
        return NULL;
    struct mb2_mem_region r;
    for (size_t i = 0; mb2_mmap_entry(info, i, &r); i++)
        if (r.type != MB2_MEM_AVAILABLE && r.type != MB2_MEM_DEFECTIVE && phys >= r.start &&
            phys < r.end && len <= r.end - phys)
            return (const void *)(PHYS_OFFSET + phys);
    return NULL;
}

/* What the firmware says of the PS/2 controller (boot information needed). */
static enum acpi_ps2 firmware_ps2_controller(void)
{
    const struct mb2_info *info = kernel_boot_info();
    struct acpi_reader reader = {map_physical, (void *)info};
    return acpi_ps2_controller(info->has_acpi_rsdp ? info->acpi_rsdp : NULL, info->acpi_rsdp_size,
                               &reader);
}

void kernel_init(const struct boot_handoff *boot)
{
    arch_init();                              /* GDT, IDT, kernel pages, PICs */
    memory_init(boot);                        /* boot information, frames, direct map */
    arch_init_timer();                        /* PIT: IRQ 0 */
    keyboard_init(firmware_ps2_controller()); /* IRQ 1, if a controller answers */
    irq_enable();                             /* interrupts on */
    heap_start();
}
