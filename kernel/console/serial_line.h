/*
 * serial_line: polled output to a UART that may not answer, with a bound.
 *
 * A 16550 takes the next byte when its line status says the transmit
 * holding register is empty. Waiting for that without a limit hangs the
 * kernel on a UART that never drains (a broken or half-emulated one), and
 * the serial console prints first, before anything else could say why. So
 * each byte waits at most SERIAL_POLL_LIMIT status reads; a byte that still
 * finds no room marks the line dead. A dead line gets one status read per
 * byte, so the other consoles go on at full speed, and comes back as soon
 * as the UART has room again (a stalled serial-over-LAN peer, a full pipe);
 * the bytes in between are lost. (An absent UART reads 0xff: "empty" at
 * once, and its bytes go nowhere.)
 * Portable: the ports come through function pointers
 * (tests/host/kernel/serial_line_test.c).
 */
#ifndef KEEL_CONSOLE_SERIAL_LINE_H
#define KEEL_CONSOLE_SERIAL_LINE_H

#include <stdbool.h>

#define SERIAL_LINE_STATUS_THR_EMPTY 0x20
/* Far more than one byte takes at 115200 baud (about 87 us, while a
 * status read takes about 1 us on real hardware). */
#define SERIAL_POLL_LIMIT            100000

struct serial_line {
    unsigned char (*read_status)(void);  /* the line status register */
    void (*write_data)(unsigned char c); /* the transmit holding register */
    bool dead;                           /* gave up: one look per byte */
};

/* Sends c once the UART has room, within the bound above. */
void serial_line_put(struct serial_line *line, unsigned char c);

#endif
