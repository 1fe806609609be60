/* What kernel_init() needs from the architecture. */
#ifndef KEEL_ARCH_X86_64_ARCH_H
#define KEEL_ARCH_X86_64_ARCH_H

/* CPU tables, exception handlers, the kernel's own mapping, the PICs.
 * Interrupts stay off. */
void arch_init(void);
/* The timer (IRQ 0 at TIMER_HZ, taken once interrupts are on). */
void arch_init_timer(void);

#endif
