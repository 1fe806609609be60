#include "kernel/arch/x86_64/kernel_map.h"

#include <stddef.h>

#include "boot/layout.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/exceptions.h"
#include "lib/panic.h"
#include "mm/addr.h"
#include "mm/paging.h"

/* The kernel may span up to KERNEL_MAP_TABLES x 2 MiB of virtual space. */
#define KERNEL_MAP_TABLES 4

extern uint64_t boot_pml4[512];
extern uint64_t boot_pdpt_high[512];

static uint64_t kernel_pd[512] __attribute__((aligned(4096)));
static uint64_t kernel_pt[KERNEL_MAP_TABLES][512] __attribute__((aligned(4096)));

static uint64_t phys_of_image(const void *virt)
{
    return (uint64_t)virt - KERNEL_VMA;
}

static uint64_t flags_for(uintptr_t page, uint64_t nx)
{
    if (page >= (uintptr_t)__kernel_text_start && page < (uintptr_t)__kernel_text_end)
        return PAGE_PRESENT | PAGE_GLOBAL;
    if (page >= (uintptr_t)__kernel_rodata_start && page < (uintptr_t)__kernel_rodata_end)
        return PAGE_PRESENT | PAGE_GLOBAL | nx;
    return PAGE_PRESENT | PAGE_WRITABLE | PAGE_GLOBAL | nx;
}

static const char *describe_stack_guard(uint64_t address)
{
    if (address >= (uint64_t)kernel_stack_guard && address <= (uint64_t)kernel_stack_bottom)
        return "the kernel stack's guard page (kernel stack overflow)";
    return NULL;
}

void kernel_map_init(void)
{
    uint64_t nx = cpu_has_nx() ? PAGE_NO_EXECUTE : 0;
    uintptr_t first = (uintptr_t)__kernel_text_start;
    uintptr_t last = (uintptr_t)__kernel_data_end;
    uintptr_t region = first & ~(uintptr_t)(PAGE_SIZE_2M - 1);
    if (last - region > KERNEL_MAP_TABLES * PAGE_SIZE_2M)
        panic("kernel_map_init: the kernel image (%lu KiB) is larger than the %d x 2 MiB it may "
              "span",
              (unsigned long)((last - first) / 1024), KERNEL_MAP_TABLES);

    for (uintptr_t page = first; page < last; page += PAGE_SIZE) {
        size_t index = (page - region) / PAGE_SIZE;
        if (page == (uintptr_t)kernel_stack_guard)
            continue; /* the guard page stays unmapped */
        kernel_pt[index / 512][index % 512] = phys_of_image((void *)page) | flags_for(page, nx);
    }
    size_t pd_first = (region - KERNEL_VMA) / PAGE_SIZE_2M;
    for (size_t t = 0; t < KERNEL_MAP_TABLES; t++)
        kernel_pd[pd_first + t] = phys_of_image(kernel_pt[t]) | PAGE_PRESENT | PAGE_WRITABLE;

    /* KERNEL_VMA's PDPT entry (510) now points at the new PD. */
    uint64_t *pdpt = (uint64_t *)(PHYS_OFFSET + (uintptr_t)boot_pdpt_high);
    pdpt[510] = phys_of_image(kernel_pd) | PAGE_PRESENT | PAGE_WRITABLE;
    tlb_flush_all();
    fault_add_address_describer(describe_stack_guard);
}

void kernel_map_drop_identity(void)
{
    /* boot_pml4 is linked at its physical address: reach it through the direct map. */
    uint64_t *pml4 = (uint64_t *)(PHYS_OFFSET + (uintptr_t)boot_pml4);
    pml4[0] = 0;
    tlb_flush_all();
}
