/* The 16550 UART on COM1 (uart.h). */
#include "kernel/arch/x86_64/uart.h"

#include "kernel/arch/x86_64/cpu.h"

#define COM1 0x3f8

enum {
    REG_DATA = 0,
    REG_INT_ENABLE = 1,
    REG_FIFO = 2,
    REG_LINE_CTRL = 3,
    REG_MODEM_CTRL = 4,
    REG_LINE_STATUS = 5,
};

void uart_init(void)
{
    outb(COM1 + REG_INT_ENABLE, 0x00);
    outb(COM1 + REG_LINE_CTRL, 0x80); /* DLAB: the next two bytes are the divisor */
    outb(COM1 + REG_DATA, 0x01);      /* 115200 / 1 */
    outb(COM1 + REG_INT_ENABLE, 0x00);
    outb(COM1 + REG_LINE_CTRL, 0x03); /* 8 data bits, no parity, 1 stop bit */
    outb(COM1 + REG_FIFO, 0xc7);      /* FIFOs on and cleared, 14-byte threshold */
    outb(COM1 + REG_MODEM_CTRL, 0x03);
}

unsigned char uart_line_status(void)
{
    return inb(COM1 + REG_LINE_STATUS);
}

void uart_send(unsigned char c)
{
    outb(COM1 + REG_DATA, c);
}

unsigned char uart_receive(void)
{
    return inb(COM1 + REG_DATA);
}
