/*
 * Resetting the PC: what the monitor's reboot command does.
 */
#ifndef KEEL_ARCH_X86_64_RESET_H
#define KEEL_ARCH_X86_64_RESET_H

/* Interrupts off, then the keyboard controller's reset line (command 0xfe
 * to port 0x64); on a machine where that does nothing, a triple fault (an
 * empty IDT, then an exception), which every x86 CPU answers with a reset.
 * Under QEMU's -no-reboot either one ends QEMU. */
_Noreturn void arch_reboot(void);

#endif
