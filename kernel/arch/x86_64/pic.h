/*
 * The two legacy 8259 PICs, remapped so that IRQs 0-15 arrive as vectors
 * 32-47 instead of colliding with CPU exceptions 8-15. Every line starts
 * masked; irq_set_handler() unmasks the ones with a handler.
 */
#ifndef KEEL_ARCH_X86_64_PIC_H
#define KEEL_ARCH_X86_64_PIC_H

#include <stdbool.h>

void pic_init(void);
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
void pic_end_of_interrupt(unsigned irq);
/* IRQ 7 and 15 can fire without a real request (a line glitch). Such an IRQ
 * is not in the PIC's in-service register and must not get an EOI (the
 * master still needs one for a spurious 15, as the cascade fired). */
bool pic_is_spurious(unsigned irq);
/* How many spurious IRQs were seen. */
unsigned long pic_spurious_count(void);

#endif
