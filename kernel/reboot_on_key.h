/*
 * The end of a test or benchmark kernel on a real machine: once its verdict
 * is on the screen, wait for a key (PS/2, or a byte on COM1) and reset the
 * machine, instead of idling on a screen nobody can act on.
 */
#ifndef KEEL_KERNEL_REBOOT_ON_KEY_H
#define KEEL_KERNEL_REBOOT_ON_KEY_H

/* Prints "press a key to reboot", turns interrupts off and polls the PS/2
 * controller and COM1 (so it works from a panic too), then resets the
 * machine (arch_reboot). Keys pressed before the call do not count. */
_Noreturn void reboot_on_key(void);

#endif
