#include "kernel/arch/x86_64/idt.h"

#include <stdint.h>

#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/interrupts.h"

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct idt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define GATE_INTERRUPT_PRESENT 0x8e /* P, DPL 0, 64-bit interrupt gate (clears IF) */
#define VECTOR_DOUBLE_FAULT    8

extern const uint64_t isr_stub_table[IRQ_BASE_VECTOR + IRQ_COUNT];

static struct idt_entry idt[256];

void idt_init(void)
{
    for (unsigned v = 0; v < IRQ_BASE_VECTOR + IRQ_COUNT; v++) {
        uint64_t handler = isr_stub_table[v];
        idt[v] = (struct idt_entry){
            .offset_low = handler & 0xffff,
            .selector = GDT_KERNEL_CODE,
            .ist = v == VECTOR_DOUBLE_FAULT ? IST_DOUBLE_FAULT : 0,
            .type_attributes = GATE_INTERRUPT_PRESENT,
            .offset_mid = (handler >> 16) & 0xffff,
            .offset_high = (uint32_t)(handler >> 32),
        };
    }
    struct idt_pointer ptr = {.limit = sizeof idt - 1, .base = (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(ptr));
}
