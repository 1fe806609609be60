#include "kernel/acpi.h"

#include <stdbool.h>

#include "lib/kstring.h"
#include "lib/unaligned.h"

enum {
    RSDP_V1_SIZE = 20,
    RSDP_REVISION = 15,
    RSDP_RSDT = 16,
    RSDP_LENGTH = 20,
    RSDP_XSDT = 24,
    RSDP_V2_SIZE = 36,
    SDT_LENGTH = 4,
    SDT_REVISION = 8,
    SDT_HEADER_SIZE = 36,
    FADT_IAPC_BOOT_ARCH = 109,
    FADT_MIN_REVISION = 3, /* the first with IAPC_BOOT_ARCH (ACPI 2.0) */
    IAPC_BOOT_ARCH_8042 = 1 << 1,
};

/* ACPI checksums: the bytes of a table add up to 0 (mod 256). */
static bool checksum_ok(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum == 0;
}

/* The whole system description table at phys, checked: readable, as long
 * as its header says, summing to 0. NULL otherwise. */
static const uint8_t *map_table(const struct acpi_reader *reader, uint64_t phys, uint32_t *len)
{
    const uint8_t *header = reader->map(reader->ctx, phys, SDT_HEADER_SIZE);
    if (header == NULL)
        return NULL;
    uint32_t length = read_u32(header + SDT_LENGTH);
    if (length < SDT_HEADER_SIZE || length > ACPI_TABLE_MAX)
        return NULL;
    const uint8_t *table = reader->map(reader->ctx, phys, length);
    if (table == NULL || !checksum_ok(table, length))
        return NULL;
    *len = length;
    return table;
}

/* The root table (XSDT when the RSDP is v2 and the XSDT is sound, else
 * RSDT) and the size of its entries; NULL when the RSDP is not sound. */
static const uint8_t *map_root(const uint8_t *rsdp, size_t size, const struct acpi_reader *reader,
                               uint32_t *len, size_t *entry_size)
{
    if (size < RSDP_V1_SIZE || memcmp(rsdp, "RSD PTR ", 8) != 0 || !checksum_ok(rsdp, RSDP_V1_SIZE))
        return NULL;
    if (rsdp[RSDP_REVISION] >= 2 && size >= RSDP_V2_SIZE) {
        uint32_t length = read_u32(rsdp + RSDP_LENGTH);
        uint64_t xsdt = read_u64(rsdp + RSDP_XSDT);
        const uint8_t *root = NULL;
        if (length >= RSDP_V2_SIZE && length <= size && checksum_ok(rsdp, length) && xsdt != 0)
            root = map_table(reader, xsdt, len);
        if (root != NULL) {
            *entry_size = 8;
            return root;
        }
    }
    *entry_size = 4;
    return map_table(reader, read_u32(rsdp + RSDP_RSDT), len);
}

enum acpi_ps2 acpi_ps2_controller(const void *rsdp, size_t rsdp_size,
                                  const struct acpi_reader *reader)
{
    if (rsdp == NULL)
        return ACPI_PS2_UNKNOWN;
    uint32_t root_len;
    size_t entry_size;
    const uint8_t *root = map_root(rsdp, rsdp_size, reader, &root_len, &entry_size);
    if (root == NULL)
        return ACPI_PS2_UNKNOWN;
    uint32_t entries = 0;
    for (uint32_t off = SDT_HEADER_SIZE;
         root_len - off >= entry_size && entries < ACPI_ROOT_ENTRIES_MAX;
         off += entry_size, entries++) {
        uint64_t phys = entry_size == 8 ? read_u64(root + off) : read_u32(root + off);
        uint32_t len;
        const uint8_t *table = map_table(reader, phys, &len);
        if (table == NULL || memcmp(table, "FACP", 4) != 0)
            continue;
        if (table[SDT_REVISION] < FADT_MIN_REVISION || len < FADT_IAPC_BOOT_ARCH + 2)
            return ACPI_PS2_UNKNOWN;
        uint16_t flags =
            (uint16_t)(table[FADT_IAPC_BOOT_ARCH] | table[FADT_IAPC_BOOT_ARCH + 1] << 8);
        return flags & IAPC_BOOT_ARCH_8042 ? ACPI_PS2_PRESENT : ACPI_PS2_ABSENT;
    }
    return ACPI_PS2_UNKNOWN;
}
