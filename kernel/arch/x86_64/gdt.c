#include "kernel/arch/x86_64/gdt.h"

#include <stddef.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iopb_offset;
} __attribute__((packed));

struct gdt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static struct tss tss;
static uint64_t gdt[5];
static uint8_t double_fault_stack[IST_STACK_SIZE] __attribute__((aligned(16)));

/* A 16-byte system descriptor: available 64-bit TSS, present, DPL 0. */
static void set_tss_descriptor(uint64_t *slot, uint64_t base, uint32_t limit)
{
    slot[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
              (uint64_t)((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    slot[1] = base >> 32;
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[GDT_KERNEL_CODE / 8] = 0x00af9a000000ffff; /* 64-bit code: L, P, DPL 0, R/X */
    gdt[GDT_KERNEL_DATA / 8] = 0x00cf92000000ffff; /* data: P, DPL 0, R/W */
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(double_fault_stack + IST_STACK_SIZE);
    tss.iopb_offset = sizeof tss; /* no I/O permission bitmap */
    set_tss_descriptor(&gdt[GDT_TSS / 8], (uint64_t)&tss, sizeof tss - 1);

    struct gdt_pointer ptr = {.limit = sizeof gdt - 1, .base = (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t" /* reload CS with a far return */
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(ptr), "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA), "r"(GDT_TSS)
                     : "rax", "memory");
}

bool gdt_on_double_fault_stack(uint64_t addr)
{
    uint64_t base = (uint64_t)double_fault_stack;
    return addr >= base && addr <= base + IST_STACK_SIZE;
}
