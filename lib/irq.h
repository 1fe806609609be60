/*
 * Interrupt-flag control and the spin-wait hint, as portable code sees them.
 *
 * The heap lock disables interrupts while it is held, so that an interrupt
 * handler that allocates cannot spin forever on a lock held by the code it
 * interrupted. The kernel implements these in kernel/arch/x86_64/irq.c
 * (pushfq/cli/popfq); host builds simulate the flag
 * (tests/host/support/host_irq.c).
 */
#ifndef KEEL_LIB_IRQ_H
#define KEEL_LIB_IRQ_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long irq_flags_t;

/* Disables interrupts and returns the previous state for irq_restore(). */
irq_flags_t irq_save(void);
/* Re-enables interrupts only if they were enabled when irq_save() ran. */
void irq_restore(irq_flags_t flags);
void irq_enable(void);
void irq_disable(void);
bool irq_enabled(void);

/* Tells the CPU that the caller is spinning on a lock (x86's pause): less
 * power, and no memory-order mis-speculation when the lock is released. */
void cpu_relax(void);

#ifdef __cplusplus
}
#endif

#endif
