/*
 * The PC's PS/2 controller (8042): its status (port 0x64) and data
 * (port 0x60) registers, for the keyboard driver (kernel/ps2_keyboard.c)
 * and the probe behind it (kernel/ps2.h's struct ps2_ports).
 */
#ifndef KEEL_ARCH_X86_64_I8042_H
#define KEEL_ARCH_X86_64_I8042_H

#include <stdint.h>

#include "kernel/arch/x86_64/cpu.h"

static inline uint8_t i8042_read_status(void)
{
    return inb(0x64);
}

/* The next byte from the device (a scancode, or a reply to the probe). */
static inline uint8_t i8042_read_data(void)
{
    return inb(0x60);
}

#endif
