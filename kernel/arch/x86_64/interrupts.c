#include "kernel/arch/x86_64/interrupts.h"

#include <stddef.h>

#include "kernel/arch/x86_64/exceptions.h"
#include "kernel/arch/x86_64/pic.h"

static irq_handler_fn irq_handlers[IRQ_COUNT];
static volatile uint64_t counts[IRQ_BASE_VECTOR + IRQ_COUNT];

void irq_set_handler(unsigned irq, irq_handler_fn handler)
{
    irq_handlers[irq] = handler;
    pic_unmask(irq);
}

uint64_t interrupt_count(unsigned vector)
{
    return vector < IRQ_BASE_VECTOR + IRQ_COUNT ? counts[vector] : 0;
}

void interrupt_dispatch(struct interrupt_frame *frame)
{
    unsigned vector = (unsigned)frame->vector;
    counts[vector]++;
    if (vector < IRQ_BASE_VECTOR) {
        exception_handle(frame);
        return;
    }
    unsigned irq = vector - IRQ_BASE_VECTOR;
    if (pic_is_spurious(irq))
        return; /* no EOI for a spurious IRQ 7 (and only to the master for 15) */
    if (irq_handlers[irq] != NULL)
        irq_handlers[irq](frame);
    pic_end_of_interrupt(irq);
}
