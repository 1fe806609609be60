#include "kernel/console/serial.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/serial_line.h"

#define COM1 0x3f8

enum {
    REG_DATA = 0,
    REG_INT_ENABLE = 1,
    REG_FIFO = 2,
    REG_LINE_CTRL = 3,
    REG_MODEM_CTRL = 4,
    REG_LINE_STATUS = 5,
};

void serial_init(void)
{
    outb(COM1 + REG_INT_ENABLE, 0x00);
    outb(COM1 + REG_LINE_CTRL, 0x80); /* DLAB: the next two bytes are the divisor */
    outb(COM1 + REG_DATA, 0x01);      /* 115200 / 1 */
    outb(COM1 + REG_INT_ENABLE, 0x00);
    outb(COM1 + REG_LINE_CTRL, 0x03); /* 8 data bits, no parity, 1 stop bit */
    outb(COM1 + REG_FIFO, 0xc7);      /* FIFOs on and cleared, 14-byte threshold */
    outb(COM1 + REG_MODEM_CTRL, 0x03);
}

static unsigned char read_status(void)
{
    return inb(COM1 + REG_LINE_STATUS);
}

static void write_data(unsigned char c)
{
    outb(COM1 + REG_DATA, c);
}

static struct serial_line com1 = {read_status, write_data, false};

void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_line_put(&com1, '\r');
        serial_line_put(&com1, (unsigned char)s[i]);
    }
}

const struct console_driver serial_console = {
    .name = "serial",
    .write = serial_write,
    .set_color = NULL,
};
