/* The IRQ 1 half of the keyboard: read the scancode, decode, echo, queue. */
#include "kernel/arch/x86_64/i8042.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/console/console.h"
#include "kernel/keyboard.h"
#include "kernel/ps2.h"
#include "lib/print.h"

static struct keyboard_state state;
/* Single producer (the IRQ), single consumer (keyboard_read_char). */
static volatile char queue[64];
static volatile unsigned head, tail;
static volatile bool echo = true;

static void on_keyboard(struct interrupt_frame *frame)
{
    (void)frame;
    char c = keyboard_decode(&state, i8042_read_data());
    if (c == 0)
        return;
    if (echo)
        console_write(&c, 1);
    if (head - tail < sizeof queue) {
        queue[head % sizeof queue] = c;
        head++;
    }
}

void keyboard_init(enum acpi_ps2 firmware)
{
    static const struct ps2_ports ports = {i8042_read_status, i8042_read_data};
    enum ps2_probe probe = ps2_probe(firmware, &ports);
    if (probe != PS2_READY) {
        kprintf("%s\n", ps2_probe_message(probe));
        return;
    }
    irq_set_handler(IRQ_KEYBOARD, on_keyboard);
}

void keyboard_set_echo(bool on)
{
    echo = on;
}

char keyboard_read_char(void)
{
    if (tail == head)
        return 0;
    char c = queue[tail % sizeof queue];
    tail++;
    return c;
}
