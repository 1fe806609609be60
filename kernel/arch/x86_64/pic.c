#include "kernel/arch/x86_64/pic.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT_ICW4 0x11
#define ICW4_8086      0x01
#define OCW2_EOI       0x20
#define OCW3_READ_ISR  0x0b

static unsigned long spurious;

void pic_init(void)
{
    outb(PIC1_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC2_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC1_DATA, IRQ_BASE_VECTOR); /* ICW2: vector offsets */
    io_wait();
    outb(PIC2_DATA, IRQ_BASE_VECTOR + 8);
    io_wait();
    outb(PIC1_DATA, 1 << IRQ_CASCADE); /* ICW3: slave on IRQ 2 */
    io_wait();
    outb(PIC2_DATA, IRQ_CASCADE); /* ICW3: slave identity */
    io_wait();
    outb(PIC1_DATA, ICW4_8086);
    io_wait();
    outb(PIC2_DATA, ICW4_8086);
    io_wait();
    /* Everything masked but the cascade, until a driver asks. */
    outb(PIC1_DATA, (uint8_t) ~(1 << IRQ_CASCADE));
    outb(PIC2_DATA, 0xff);
}

static void set_mask_bit(unsigned irq, bool masked)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    uint8_t bit = (uint8_t)(1 << (irq % 8));
    uint8_t mask = inb(port);
    outb(port, masked ? (uint8_t)(mask | bit) : (uint8_t)(mask & ~bit));
}

void pic_unmask(unsigned irq)
{
    set_mask_bit(irq, false);
}

void pic_mask(unsigned irq)
{
    set_mask_bit(irq, true);
}

void pic_end_of_interrupt(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, OCW2_EOI);
    outb(PIC1_CMD, OCW2_EOI);
}

static uint8_t in_service(uint16_t cmd_port)
{
    outb(cmd_port, OCW3_READ_ISR);
    return inb(cmd_port);
}

bool pic_is_spurious(unsigned irq)
{
    if (irq == 7 && !(in_service(PIC1_CMD) & 0x80)) {
        spurious++;
        return true;
    }
    if (irq == 15 && !(in_service(PIC2_CMD) & 0x80)) {
        outb(PIC1_CMD, OCW2_EOI);
        spurious++;
        return true;
    }
    return false;
}

unsigned long pic_spurious_count(void)
{
    return spurious;
}
