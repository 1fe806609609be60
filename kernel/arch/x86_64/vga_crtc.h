/*
 * The VGA CRT controller's cursor position (I/O ports 0x3d4/0x3d5), for
 * the VGA text console (kernel/console/vga.c).
 */
#ifndef KEEL_ARCH_X86_64_VGA_CRTC_H
#define KEEL_ARCH_X86_64_VGA_CRTC_H

#include <stdint.h>

#include "kernel/arch/x86_64/cpu.h"

/* Moves the hardware cursor to cell `pos` (row * columns + column). */
static inline void vga_crtc_set_cursor(uint16_t pos)
{
    outb(0x3d4, 0x0f);
    outb(0x3d5, pos & 0xff);
    outb(0x3d4, 0x0e);
    outb(0x3d5, pos >> 8);
}

#endif
