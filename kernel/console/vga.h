/*
 * The VGA text console: 80x25 cells at physical 0xb8000 (reached through the
 * direct map), colours, scrolling and the hardware cursor. Present on BIOS
 * boots; under UEFI the framebuffer console takes its place.
 */
#ifndef KEEL_CONSOLE_VGA_H
#define KEEL_CONSOLE_VGA_H

#include <stdint.h>

#include "kernel/console/console.h"

#define VGA_COLUMNS   80
#define VGA_ROWS      25
#define VGA_TEXT_PHYS 0xb8000
#define VGA_TEXT_SIZE (80 * 25 * 2) /* 80x25 cells of character + attribute */

extern const struct console_driver vga_console;

void vga_init(void);
/* The character at a cell (for tests that check what is on the screen). */
char vga_char_at(int row, int column);
/* The row the next character goes to. */
int vga_cursor_row(void);

#endif
