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
#include "mm/heap/selected.h"
#if KEEL_HARDENED
#include "mm/heap/hardened.h"
#include "mm/heap/kalloc.h"

static struct hardened_heap hardened;
#define HARDENED_NOTE ", hardened"
#else
#define HARDENED_NOTE ""
#endif

/* The build's allocator; in hardened builds (KEEL_HARDENED) wrapped in the
 * checker, which learns every block's owner from kalloc. */
static struct allocator heap_allocator(void)
{
    struct allocator a = heap_selected_allocator();
#if KEEL_HARDENED
    a = hardened_wrap(&hardened, a);
    hardened_set_caller(&hardened, kalloc_caller);
#endif
    return a;
}

/* Maps the heap region and installs the build's allocator over it: from
 * here on kmalloc and the lib/ collections work. */
static void heap_setup(void)
{
    struct heap_config config = HEAP_CONFIG_DEFAULT;
    enum heap_error err = heap_init(&config, kernel_mapper(), kernel_frames(), heap_allocator());
    if (err != HEAP_OK)
        panic("heap initialization failed: %s", heap_strerror(err));
    fault_add_address_describer(heap_describe_address);
    kprintf("heap: %zu KiB at %p (%s allocator%s, grows to %zu KiB)\n", heap_size() / 1024,
            (void *)config.start, heap_selected_allocator_name(), HARDENED_NOTE,
            config.max_size / 1024);
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
    heap_setup();
}
