/* The IDT: interrupt gates for vectors 0-47 pointing at isr.S's stubs; the
 * double fault (8) switches to its IST stack. */
#ifndef KEEL_ARCH_X86_64_IDT_H
#define KEEL_ARCH_X86_64_IDT_H

void idt_init(void);

#endif
