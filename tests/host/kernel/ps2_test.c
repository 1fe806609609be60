/* kernel/ps2: the probe believes ACPI when it says "none", sees an absent
 * controller in a status port reading 0xff, drains what the firmware left
 * and gives up on a buffer that never empties -- after exactly
 * PS2_DRAIN_LIMIT reads, never waiting without a bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/ps2.h"

/* A scripted controller: the status port returns status[] in turn (then
 * its last value forever); every read is counted. */
static uint8_t status[64];
static int status_count, status_reads, data_reads;

static uint8_t read_status(void)
{
    int i = status_reads < status_count ? status_reads : status_count - 1;
    status_reads++;
    return status[i];
}

static uint8_t read_data(void)
{
    data_reads++;
    return 0x1c;
}

static const struct ps2_ports ports = {read_status, read_data};

static void script(const uint8_t *values, int n)
{
    memcpy(status, values, (size_t)n);
    status_count = n;
    status_reads = 0;
    data_reads = 0;
}

static void acpi_saying_none_is_believed_without_touching_ports(void **state)
{
    (void)state;
    script((const uint8_t[]){0x00}, 1);
    assert_int_equal(ps2_probe(ACPI_PS2_ABSENT, &ports), PS2_ABSENT_ACPI);
    assert_int_equal(status_reads, 0);
}

static void a_status_port_reading_0xff_is_no_controller(void **state)
{
    (void)state;
    script((const uint8_t[]){0xff}, 1);
    assert_int_equal(ps2_probe(ACPI_PS2_UNKNOWN, &ports), PS2_ABSENT_PORT);
    assert_int_equal(status_reads, 1);
    assert_int_equal(data_reads, 0);
    /* ACPI saying "present" does not make a dead port answer. */
    script((const uint8_t[]){0xff}, 1);
    assert_int_equal(ps2_probe(ACPI_PS2_PRESENT, &ports), PS2_ABSENT_PORT);
}

static void leftover_bytes_are_drained(void **state)
{
    (void)state;
    script((const uint8_t[]){0x1c, 0x00}, 2); /* idle controller */
    assert_int_equal(ps2_probe(ACPI_PS2_PRESENT, &ports), PS2_READY);
    assert_int_equal(data_reads, 0);
    script((const uint8_t[]){0x1d, 0x1d, 0x1d, 0x1c}, 4); /* two bytes waiting */
    assert_int_equal(ps2_probe(ACPI_PS2_UNKNOWN, &ports), PS2_READY);
    assert_int_equal(data_reads, 2);
}

static void a_buffer_that_never_empties_is_given_up_on(void **state)
{
    (void)state;
    script((const uint8_t[]){0x1d}, 1);
    assert_int_equal(ps2_probe(ACPI_PS2_PRESENT, &ports), PS2_STUCK);
    assert_int_equal(data_reads, PS2_DRAIN_LIMIT);
    assert_int_equal(status_reads, 1 + PS2_DRAIN_LIMIT);
    /* Emptying on the last allowed look is still in time; one later is not. */
    uint8_t seq[2 + PS2_DRAIN_LIMIT];
    memset(seq, 0x1d, sizeof seq);
    seq[1 + PS2_DRAIN_LIMIT - 1] = 0x1c;
    script(seq, 1 + PS2_DRAIN_LIMIT);
    assert_int_equal(ps2_probe(ACPI_PS2_PRESENT, &ports), PS2_READY);
    assert_int_equal(data_reads, PS2_DRAIN_LIMIT - 1);
    memset(seq, 0x1d, sizeof seq);
    seq[1 + PS2_DRAIN_LIMIT] = 0x1c;
    script(seq, 2 + PS2_DRAIN_LIMIT);
    assert_int_equal(ps2_probe(ACPI_PS2_PRESENT, &ports), PS2_STUCK);
}

static void each_outcome_has_its_own_line(void **state)
{
    (void)state;
    assert_string_equal(ps2_probe_message(PS2_ABSENT_ACPI),
                        "keyboard: none (ACPI: this machine has no PS/2 controller); going on "
                        "without one");
    assert_string_equal(ps2_probe_message(PS2_ABSENT_PORT),
                        "keyboard: none (no PS/2 controller answers at port 0x64); going on "
                        "without one");
    assert_non_null(strstr(ps2_probe_message(PS2_STUCK), "never empties"));
    assert_non_null(strstr(ps2_probe_message(PS2_READY), "ready"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(acpi_saying_none_is_believed_without_touching_ports),
        cmocka_unit_test(a_status_port_reading_0xff_is_no_controller),
        cmocka_unit_test(leftover_bytes_are_drained),
        cmocka_unit_test(a_buffer_that_never_empties_is_given_up_on),
        cmocka_unit_test(each_outcome_has_its_own_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
