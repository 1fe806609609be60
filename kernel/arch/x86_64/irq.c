/* lib/irq.h on x86_64: the interrupt flag (RFLAGS.IF), pause. */
#include "lib/irq.h"

#include "kernel/arch/x86_64/cpu.h"

irq_flags_t irq_save(void)
{
    irq_flags_t flags;
    __asm__ volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
    return flags & RFLAGS_IF;
}

void irq_restore(irq_flags_t flags)
{
    if (flags & RFLAGS_IF)
        __asm__ volatile("sti" : : : "memory");
}

void irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

void irq_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

bool irq_enabled(void)
{
    return (read_rflags() & RFLAGS_IF) != 0;
}

void cpu_relax(void)
{
    __asm__ volatile("pause");
}
