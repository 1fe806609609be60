/* kernel/console/serial_line: a byte goes out as soon as the UART has room,
 * a UART that never has room is given up on after exactly
 * SERIAL_POLL_LIMIT status reads, and a dead line looks once per byte and
 * comes back when the UART has room. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/console/serial_line.h"

/* A UART that has room after `busy` status reads. */
static unsigned busy, status_reads;
static unsigned char sent[16];
static size_t sent_count;

static unsigned char read_status(void)
{
    return status_reads++ < busy ? 0x00 : SERIAL_LINE_STATUS_THR_EMPTY;
}

static void write_data(unsigned char c)
{
    sent[sent_count++] = c;
}

static void reset(unsigned busy_reads)
{
    busy = busy_reads;
    status_reads = 0;
    sent_count = 0;
}

static void a_byte_waits_for_room_then_goes_out(void **state)
{
    (void)state;
    struct serial_line line = {read_status, write_data, false};
    reset(0);
    serial_line_put(&line, 'k');
    assert_int_equal(sent_count, 1);
    assert_int_equal(sent[0], 'k');
    assert_int_equal(status_reads, 1);
    reset(SERIAL_POLL_LIMIT - 1); /* room on the last allowed read */
    serial_line_put(&line, 'e');
    assert_int_equal(sent_count, 1);
    assert_int_equal(sent[0], 'e');
    assert_int_equal(status_reads, SERIAL_POLL_LIMIT);
    assert_false(line.dead);
}

static void a_uart_that_never_drains_is_given_up_on(void **state)
{
    (void)state;
    struct serial_line line = {read_status, write_data, false};
    reset(SERIAL_POLL_LIMIT); /* room one read too late */
    serial_line_put(&line, 'x');
    assert_int_equal(sent_count, 0);
    assert_int_equal(status_reads, SERIAL_POLL_LIMIT);
    assert_true(line.dead);
    /* Dead: a later byte gets one status read, and is dropped while the
     * UART still has no room... */
    reset(1);
    serial_line_put(&line, 'y');
    assert_int_equal(sent_count, 0);
    assert_int_equal(status_reads, 1);
    assert_true(line.dead);
    /* ...and goes out, reviving the line, once it has. */
    serial_line_put(&line, 'z');
    assert_int_equal(sent_count, 1);
    assert_int_equal(sent[0], 'z');
    assert_int_equal(status_reads, 2);
    assert_false(line.dead);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_byte_waits_for_room_then_goes_out),
        cmocka_unit_test(a_uart_that_never_drains_is_given_up_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
