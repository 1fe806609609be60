#include "kernel/reboot_on_key.h"

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/x86_64/i8042.h"
#include "kernel/arch/x86_64/reset.h"
#include "kernel/console/serial.h"
#include "lib/irq.h"
#include "lib/print.h"

#define I8042_STATUS_OUTPUT_FULL 0x01
#define I8042_ABSENT             0xff /* what the status port reads with no controller */
#define SCANCODE_RELEASE         0x80
#define STALE_BYTES_MAX          64

/* A byte from the PS/2 controller, if one is waiting. */
static bool ps2_byte(uint8_t *out)
{
    uint8_t status = i8042_read_status();
    if (status == I8042_ABSENT || !(status & I8042_STATUS_OUTPUT_FULL))
        return false;
    *out = i8042_read_data();
    return true;
}

static bool key_pressed(void)
{
    uint8_t scancode;
    if (ps2_byte(&scancode) && scancode < SCANCODE_RELEASE)
        return true; /* a make code: releases and prefixes do not count */
    return serial_read_char() != 0;
}

_Noreturn void reboot_on_key(void)
{
    /* Interrupts off first: from the prompt on, no interrupt handler may
     * take the key this loop waits for. */
    irq_disable();
    uint8_t stale;
    for (int i = 0; i < STALE_BYTES_MAX && ps2_byte(&stale); i++)
        continue;
    while (serial_read_char() != 0)
        continue;
    kprintf("press a key to reboot\n");
    while (!key_pressed())
        cpu_relax();
    arch_reboot();
}
