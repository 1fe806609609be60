/*
 * ps2: deciding whether there is a PS/2 controller to take keys from,
 * without ever waiting on one that is not there.
 *
 * Legacy-free PCs have no i8042; its ports then read 0xff, which looks like
 * "output buffer full" forever, so "drain the buffer until empty" never
 * ends. ps2_probe() asks, in order: what the firmware's ACPI FADT says
 * (when it says anything), whether the status port reads 0xff (nothing
 * there), and whether the output buffer empties within PS2_DRAIN_LIMIT
 * reads (a controller that never stops reporting data is not used either).
 * Each step is bounded; the port accesses come through struct ps2_ports, so
 * the logic is portable and tested on the host (tests/host/kernel/ps2_test.c).
 */
#ifndef KEEL_KERNEL_PS2_H
#define KEEL_KERNEL_PS2_H

#include <stdint.h>

#include "kernel/acpi.h"

#define PS2_STATUS_OUTPUT_FULL 0x01
#define PS2_STATUS_ABSENT      0xff /* what an unconnected I/O port reads */
/* More bytes than any controller buffers (the i8042 holds one, USB legacy
 * emulation a few): a buffer still full after this many reads is stuck. */
#define PS2_DRAIN_LIMIT        32

struct ps2_ports {
    uint8_t (*read_status)(void); /* port 0x64 */
    uint8_t (*read_data)(void);   /* port 0x60 */
};

enum ps2_probe {
    PS2_READY,       /* present, buffer drained: take its interrupts */
    PS2_ABSENT_ACPI, /* the FADT says the machine has no 8042 */
    PS2_ABSENT_PORT, /* the status port reads 0xff */
    PS2_STUCK,       /* the output buffer never empties */
};

/* Probes the controller as described above; firmware is what ACPI said. */
enum ps2_probe ps2_probe(enum acpi_ps2 firmware, const struct ps2_ports *ports);

/* The one line the kernel prints for a probe that found no keyboard. */
const char *ps2_probe_message(enum ps2_probe probe);

#endif
