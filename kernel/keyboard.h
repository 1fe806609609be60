/*
 * PS/2 keyboard input: scancode set 1, US layout.
 *
 * keyboard_decode() is the portable part: it turns scancodes into characters,
 * tracking shift, caps lock and ctrl. The IRQ 1 driver
 * (kernel/ps2_keyboard.c) feeds it, echoes each character on the
 * console and queues it for keyboard_read_char().
 */
#ifndef KEEL_KERNEL_KEYBOARD_H
#define KEEL_KERNEL_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/acpi.h"

struct keyboard_state {
    bool left_shift, right_shift, caps_lock, ctrl, extended;
};

/* What cursor up gives: ctrl-p, readline's "previous line". */
#define KEYBOARD_CURSOR_UP '\x10'

/* Returns the character a scancode produces, or 0 (key release, modifier,
 * key without a character). Enter gives '\n', backspace '\b', tab '\t',
 * cursor up KEYBOARD_CURSOR_UP. */
char keyboard_decode(struct keyboard_state *state, uint8_t scancode);

/* Takes keys from the PS/2 controller if ps2_probe() finds one ready
 * (firmware: what ACPI says of it); otherwise prints why not, in one line,
 * and leaves the keyboard off. Never waits without a bound. */
void keyboard_init(enum acpi_ps2 firmware);
/* Next typed character, or 0 when none is queued. */
char keyboard_read_char(void);
/* Whether the interrupt handler echoes each character on the console (on
 * from boot); a reader that echoes itself (the monitor) turns it off. */
void keyboard_set_echo(bool on);

#endif
