/* arch_init: the x86_64 part of kernel_init, in dependency order. */
#include "kernel/arch/x86_64/arch.h"

#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/idt.h"
#include "kernel/arch/x86_64/kernel_map.h"
#include "kernel/arch/x86_64/pic.h"
#include "kernel/arch/x86_64/pit.h"

void arch_init(void)
{
    gdt_init();        /* our GDT and TSS (double-fault IST stack) */
    idt_init();        /* exception handlers from here on */
    kernel_map_init(); /* 4 KiB kernel pages, W^X, stack guard page */
    pic_init();        /* IRQs 0-15 -> vectors 32-47, all masked */
}

void arch_init_timer(void)
{
    pit_init();
}
