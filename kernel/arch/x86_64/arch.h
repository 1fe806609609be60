/* What kernel_init() needs from the architecture. */
#ifndef KEEL_ARCH_X86_64_ARCH_H
#define KEEL_ARCH_X86_64_ARCH_H

#include "kernel/acpi.h"

/* CPU tables, exception handlers, the kernel's own mapping, the PICs.
 * Interrupts stay off. */
void arch_init(void);
/* Timer and keyboard (ps2 is what the firmware's ACPI tables say of the
 * PS/2 controller), then interrupts on. */
void arch_init_devices(enum acpi_ps2 ps2);

#endif
