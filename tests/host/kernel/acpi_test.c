/* kernel/acpi: the PS/2 controller flag found through sound tables, from
 * an ACPI 1.0 RSDT and an ACPI 2.0 XSDT; every malformed or unreadable
 * table gives "unknown" instead of a guess, and nothing outside the fake
 * physical memory is read (ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/acpi.h"

/* Fake physical memory: tables are built at these offsets. */
enum { MEM_SIZE = 8192, RSDT_AT = 0x100, XSDT_AT = 0x200, FADT_AT = 0x400, FADT2_AT = 0x600 };
static uint8_t *memory;

static const void *map(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    if (phys >= MEM_SIZE || len > MEM_SIZE - phys)
        return NULL;
    return memory + phys;
}

static const struct acpi_reader reader = {map, NULL};

static void set32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void set64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Makes bytes [0, n) of p sum to 0 by setting p[at]. */
static void fix_checksum(uint8_t *p, size_t n, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    p[at] = (uint8_t)-sum;
}

/* A system description table header at phys; checksummed by seal(). */
static uint8_t *table(uint64_t phys, const char *sig, uint32_t length, uint8_t revision)
{
    uint8_t *t = memory + phys;
    memcpy(t, sig, 4);
    set32(t + 4, length);
    t[8] = revision;
    return t;
}

static void seal(uint64_t phys)
{
    uint32_t length;
    memcpy(&length, memory + phys + 4, 4);
    fix_checksum(memory + phys, length, 9);
}

/* An FADT of the given revision with IAPC_BOOT_ARCH = flags. */
static void fadt(uint64_t phys, uint8_t revision, uint16_t flags)
{
    uint8_t *t = table(phys, "FACP", 244, revision);
    t[109] = (uint8_t)flags;
    t[110] = (uint8_t)(flags >> 8);
    seal(phys);
}

/* An RSDT listing the given tables (32-bit), an XSDT likewise (64-bit). */
static void rsdt(const uint32_t *entries, size_t n)
{
    uint8_t *t = table(RSDT_AT, "RSDT", (uint32_t)(36 + 4 * n), 1);
    for (size_t i = 0; i < n; i++)
        set32(t + 36 + 4 * i, entries[i]);
    seal(RSDT_AT);
}

static void xsdt(const uint64_t *entries, size_t n)
{
    uint8_t *t = table(XSDT_AT, "XSDT", (uint32_t)(36 + 8 * n), 1);
    for (size_t i = 0; i < n; i++)
        set64(t + 36 + 8 * i, entries[i]);
    seal(XSDT_AT);
}

/* An RSDP as GRUB copies it: v1 (20 bytes) or v2 (36). */
static uint8_t rsdp[36];

static void make_rsdp(int version)
{
    memset(rsdp, 0, sizeof rsdp);
    memcpy(rsdp, "RSD PTR ", 8);
    rsdp[15] = version == 2 ? 2 : 0;
    set32(rsdp + 16, RSDT_AT);
    fix_checksum(rsdp, 20, 8);
    if (version == 2) {
        set32(rsdp + 20, 36);
        set64(rsdp + 24, XSDT_AT);
        fix_checksum(rsdp, 36, 32);
    }
}

static enum acpi_ps2 ask(size_t rsdp_size)
{
    return acpi_ps2_controller(rsdp, rsdp_size, &reader);
}

static int setup(void **state)
{
    (void)state;
    memory = calloc(1, MEM_SIZE);
    return memory == NULL;
}

static int teardown(void **state)
{
    (void)state;
    free(memory);
    return 0;
}

static void acpi1_rsdt_fadt_gives_the_8042_flag(void **state)
{
    (void)state;
    make_rsdp(1);
    const uint32_t entries[] = {FADT_AT};
    rsdt(entries, 1);
    fadt(FADT_AT, 3, 0x0003); /* legacy devices + 8042 */
    assert_int_equal(ask(20), ACPI_PS2_PRESENT);
    fadt(FADT_AT, 3, 0x0001); /* legacy devices, no 8042 */
    assert_int_equal(ask(20), ACPI_PS2_ABSENT);
    fadt(FADT_AT, 4, 0x0000);
    assert_int_equal(ask(20), ACPI_PS2_ABSENT);
}

static void acpi2_prefers_the_xsdt(void **state)
{
    (void)state;
    make_rsdp(2);
    const uint32_t old[] = {FADT_AT};
    const uint64_t new[] = {FADT2_AT};
    rsdt(old, 1);
    xsdt(new, 1);
    fadt(FADT_AT, 3, 0x0000);  /* the RSDT's FADT says none */
    fadt(FADT2_AT, 3, 0x0002); /* the XSDT's says there is one */
    assert_int_equal(ask(36), ACPI_PS2_PRESENT);
    /* A v2 RSDP cut to 20 bytes, or with a bad extended checksum, or no
     * XSDT address: the RSDT is used. */
    assert_int_equal(ask(20), ACPI_PS2_ABSENT);
    rsdp[32] ^= 1;
    assert_int_equal(ask(36), ACPI_PS2_ABSENT);
    make_rsdp(2);
    set64(rsdp + 24, 0);
    fix_checksum(rsdp, 36, 32);
    assert_int_equal(ask(36), ACPI_PS2_ABSENT);
    /* An extended length past what the boot loader copied. */
    make_rsdp(2);
    set32(rsdp + 20, 37);
    fix_checksum(rsdp, 36, 32);
    assert_int_equal(ask(36), ACPI_PS2_ABSENT);
}

static void the_fadt_is_found_among_other_tables(void **state)
{
    (void)state;
    make_rsdp(1);
    table(0x300, "APIC", 44, 1);
    seal(0x300);
    fadt(FADT_AT, 3, 0x0002);
    /* An unreadable entry and a table with a bad checksum are skipped. */
    table(0x500, "FACP", 244, 3);
    seal(0x500);
    memory[0x500 + 50] ^= 0xff;
    const uint32_t entries[] = {0x300, 0xfffff000, 0x500, FADT_AT};
    rsdt(entries, 4);
    assert_int_equal(ask(20), ACPI_PS2_PRESENT);
    /* A trailing partial entry is not read as one: its 3 bytes and the
     * next byte would read as FADT_AT. */
    uint8_t *t = table(RSDT_AT, "RSDT", 36 + 4 + 3, 1);
    set32(t + 36, 0x300);
    set32(t + 40, FADT_AT);
    seal(RSDT_AT);
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN);
}

/* XSDT entries are 64 bits: one above 4 GiB is not read as its low half. A
 * v2 RSDP whose length is below its own size, or an XSDT that is not
 * sound, leaves the RSDT to answer. */
static void xsdt_entries_are_64_bits_and_a_bad_xsdt_falls_back(void **state)
{
    (void)state;
    make_rsdp(2);
    const uint32_t old[] = {FADT_AT};
    const uint64_t high[] = {((uint64_t)1 << 32) | FADT2_AT};
    rsdt(old, 1);
    xsdt(high, 1);
    fadt(FADT_AT, 3, 0x0000);
    fadt(FADT2_AT, 3, 0x0002);
    assert_int_equal(ask(36), ACPI_PS2_UNKNOWN); /* unreadable, not FADT2_AT */
    memory[XSDT_AT + 36] ^= 1;                   /* XSDT checksum broken */
    assert_int_equal(ask(36), ACPI_PS2_ABSENT);  /* the RSDT's FADT */
    make_rsdp(2);
    set32(rsdp + 20, 20); /* length below the v2 size */
    fix_checksum(rsdp, 36, 32);
    const uint64_t good[] = {FADT2_AT};
    xsdt(good, 1);
    assert_int_equal(ask(36), ACPI_PS2_ABSENT);
}

/* Hostile sizes cost a bounded number of reads: a table longer than
 * ACPI_TABLE_MAX is not read, and no more than ACPI_ROOT_ENTRIES_MAX root
 * entries are looked at. */
static void oversized_tables_and_roots_are_not_walked(void **state)
{
    (void)state;
    enum { FAR_FADT = 0x1800 }; /* past the long RSDT below */
    make_rsdp(1);
    fadt(FAR_FADT, 3, 0x0002);
    static uint32_t entries[ACPI_ROOT_ENTRIES_MAX + 1];
    for (size_t i = 0; i < ACPI_ROOT_ENTRIES_MAX; i++)
        entries[i] = 0x300; /* not a table */
    entries[ACPI_ROOT_ENTRIES_MAX] = FAR_FADT;
    memset(memory + 0x300, 0, 64);
    table(0x300, "SSDT", 40, 1);
    memory[0x300 + 36] = 1; /* bad checksum: skipped */
    uint8_t *t = table(RSDT_AT, "RSDT", (uint32_t)(36 + 4 * (ACPI_ROOT_ENTRIES_MAX + 1)), 1);
    memcpy(t + 36, entries, sizeof entries);
    seal(RSDT_AT);
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN); /* the FADT is entry 257 */
    t = table(RSDT_AT, "RSDT", (uint32_t)(36 + 4 * ACPI_ROOT_ENTRIES_MAX), 1);
    set32(t + 36 + 4 * (ACPI_ROOT_ENTRIES_MAX - 1), FAR_FADT);
    seal(RSDT_AT);
    assert_int_equal(ask(20), ACPI_PS2_PRESENT); /* entry 256 is still read */
    table(FAR_FADT, "FACP", ACPI_TABLE_MAX + 1, 3);
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN);
}

static void old_or_short_fadts_say_nothing(void **state)
{
    (void)state;
    make_rsdp(1);
    const uint32_t entries[] = {FADT_AT};
    rsdt(entries, 1);
    fadt(FADT_AT, 2, 0x0000); /* ACPI 1.0's FADT: the field is reserved */
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN);
    table(FADT_AT, "FACP", 110, 3); /* ends before IAPC_BOOT_ARCH's 2nd byte */
    seal(FADT_AT);
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN);
    table(FADT_AT, "FACP", 111, 3); /* just long enough */
    memory[FADT_AT + 109] = 0;
    memory[FADT_AT + 110] = 0;
    seal(FADT_AT);
    assert_int_equal(ask(20), ACPI_PS2_ABSENT);
}

static void a_bad_rsdp_gives_unknown(void **state)
{
    (void)state;
    const uint32_t entries[] = {FADT_AT};
    rsdt(entries, 1);
    fadt(FADT_AT, 3, 0x0002);
    make_rsdp(1);
    assert_int_equal(ask(20), ACPI_PS2_PRESENT);
    assert_int_equal(acpi_ps2_controller(NULL, 0, &reader), ACPI_PS2_UNKNOWN);
    assert_int_equal(ask(19), ACPI_PS2_UNKNOWN); /* too short */
    rsdp[0] = 'X';
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN); /* signature */
    make_rsdp(1);
    rsdp[8] ^= 1;
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN); /* checksum */
}

static void bad_root_tables_give_unknown(void **state)
{
    (void)state;
    make_rsdp(1);
    fadt(FADT_AT, 3, 0x0002);
    const uint32_t entries[] = {FADT_AT};
    rsdt(entries, 1);
    assert_int_equal(ask(20), ACPI_PS2_PRESENT);
    memory[RSDT_AT + 36] ^= 1; /* checksum */
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN);
    rsdt(entries, 1);
    set32(memory + RSDT_AT + 4, 35); /* shorter than its header */
    fix_checksum(memory + RSDT_AT, 35, 9);
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN);
    set32(memory + RSDT_AT + 4, MEM_SIZE); /* runs past readable memory */
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN);
    set32(rsdp + 16, MEM_SIZE - 8); /* header itself unreadable */
    fix_checksum(rsdp, 20, 8);
    assert_int_equal(ask(20), ACPI_PS2_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(acpi1_rsdt_fadt_gives_the_8042_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(acpi2_prefers_the_xsdt, setup, teardown),
        cmocka_unit_test_setup_teardown(the_fadt_is_found_among_other_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(old_or_short_fadts_say_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(xsdt_entries_are_64_bits_and_a_bad_xsdt_falls_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(oversized_tables_and_roots_are_not_walked, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bad_rsdp_gives_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_root_tables_give_unknown, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
