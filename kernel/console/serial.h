/* The 16550 UART on COM1 (0x3f8): 115200 baud, 8N1, polled output with a
 * bound on every wait (serial_line.h). */
#ifndef KEEL_CONSOLE_SERIAL_H
#define KEEL_CONSOLE_SERIAL_H

#include <stddef.h>

void serial_init(void);
/* Writes n bytes, turning "\n" into "\r\n" for terminals. */
void serial_write(const char *s, size_t n);

#include "kernel/console/console.h"
extern const struct console_driver serial_console;

/* The next byte typed on COM1, or 0 when none is waiting (polled: the UART
 * raises no interrupt). An absent UART, whose status reads 0xff, has none. */
char serial_read_char(void);

#endif
