/*
 * acpi: just enough of the firmware's ACPI tables to learn whether the
 * machine has a PS/2 (i8042) controller, read as hostile input.
 *
 * The boot loader hands over a copy of the RSDP (multiboot2 tags 14/15).
 * From there: RSDP -> XSDT (64-bit entries, ACPI 2.0+) or RSDT (32-bit)
 * -> the table with signature "FACP" (the FADT) -> IAPC_BOOT_ARCH, a 16-bit
 * field at offset 109 whose bit 1 says "the motherboard has an 8042". The
 * field exists from FADT revision 3 (ACPI 2.0) on; older FADTs say nothing.
 *
 * Every table is reached through acpi_reader.map(), which returns NULL for
 * memory the caller will not let it read (the kernel: anything outside the
 * memory map's firmware regions); every length is checked against the
 * table it lies in and against ACPI_TABLE_MAX, at most
 * ACPI_ROOT_ENTRIES_MAX root entries are looked at, and every checksum is
 * verified before a table is trusted, so hostile tables cost a bounded
 * number of reads. An XSDT that is not sound falls back to the RSDT. Any
 * doubt gives ACPI_PS2_UNKNOWN, never a guess. Portable:
 * tests/host/kernel/acpi_test.c builds tables in a buffer.
 */
#ifndef KEEL_KERNEL_ACPI_H
#define KEEL_KERNEL_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_TABLE_MAX        ((uint32_t)64 << 10) /* FADTs are 276 bytes, roots a few KiB */
#define ACPI_ROOT_ENTRIES_MAX 256

struct acpi_reader {
    /* len bytes of physical memory at phys, or NULL when not readable. */
    const void *(*map)(void *ctx, uint64_t phys, size_t len);
    void *ctx;
};

enum acpi_ps2 {
    ACPI_PS2_UNKNOWN, /* no ACPI, a malformed table, or an FADT too old to say */
    ACPI_PS2_PRESENT,
    ACPI_PS2_ABSENT,
};

/* What the FADT says of the PS/2 controller, from the RSDP copy the boot
 * loader passed (rsdp_size bytes; NULL when it passed none). */
enum acpi_ps2 acpi_ps2_controller(const void *rsdp, size_t rsdp_size,
                                  const struct acpi_reader *reader);

#endif
