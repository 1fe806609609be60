#include "kernel/ps2.h"

enum ps2_probe ps2_probe(enum acpi_ps2 firmware, const struct ps2_ports *ports)
{
    if (firmware == ACPI_PS2_ABSENT)
        return PS2_ABSENT_ACPI;
    if (ports->read_status() == PS2_STATUS_ABSENT)
        return PS2_ABSENT_PORT;
    /* Drop what the firmware left in the buffer, a bounded number of bytes. */
    for (int i = 0; i < PS2_DRAIN_LIMIT; i++) {
        if (!(ports->read_status() & PS2_STATUS_OUTPUT_FULL))
            return PS2_READY;
        (void)ports->read_data();
    }
    return PS2_STUCK;
}

const char *ps2_probe_message(enum ps2_probe probe)
{
    switch (probe) {
    case PS2_READY:
        return "keyboard: PS/2 controller ready";
    case PS2_ABSENT_ACPI:
        return "keyboard: none (ACPI: this machine has no PS/2 controller); going on without one";
    case PS2_ABSENT_PORT:
        return "keyboard: none (no PS/2 controller answers at port 0x64); going on without one";
    case PS2_STUCK:
        return "keyboard: PS/2 controller ignored (its output buffer never empties); going on "
               "without one";
    }
    return "keyboard: unknown probe result";
}
