/*
 * The PC's first serial port: a 16550 UART at I/O port 0x3f8 (COM1), its
 * registers as kernel/console/serial.c needs them.
 */
#ifndef KEEL_ARCH_X86_64_UART_H
#define KEEL_ARCH_X86_64_UART_H

/* 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on, no
 * interrupts. */
void uart_init(void);
/* The line status register (serial_line.h reads its THR-empty bit). */
unsigned char uart_line_status(void);
/* Writes the transmit holding register: no wait, the caller polls first. */
void uart_send(unsigned char c);
/* Reads the receive buffer register: only once the line status says a
 * byte is there (bit 0, UART_LINE_STATUS_DATA_READY). */
unsigned char uart_receive(void);

#define UART_LINE_STATUS_DATA_READY 0x01

#endif
