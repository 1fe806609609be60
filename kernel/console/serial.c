#include "kernel/console/serial.h"

#include "kernel/arch/x86_64/uart.h"
#include "kernel/console/serial_line.h"

void serial_init(void)
{
    uart_init();
}

static struct serial_line com1 = {uart_line_status, uart_send, false};

void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_line_put(&com1, '\r');
        serial_line_put(&com1, (unsigned char)s[i]);
    }
}

char serial_read_char(void)
{
    unsigned char status = uart_line_status();
    if (status == 0xff || !(status & UART_LINE_STATUS_DATA_READY))
        return 0;
    return (char)uart_receive();
}

const struct console_driver serial_console = {
    .name = "serial",
    .write = serial_write,
    .set_color = NULL,
};
