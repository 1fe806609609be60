/*
 * Interrupt dispatch on x86_64: vectors 0-31 are CPU exceptions
 * (exceptions.c), 32-47 the remapped 8259 IRQs 0-15 (pic.c), whose handlers
 * drivers register here.
 */
#ifndef KEEL_ARCH_X86_64_INTERRUPTS_H
#define KEEL_ARCH_X86_64_INTERRUPTS_H

#include <stdint.h>

/* What isr.S leaves on the stack, lowest address first. */
struct interrupt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    /* Pushed by the CPU. */
    uint64_t rip, cs, rflags, rsp, ss;
};

#define IRQ_BASE_VECTOR 32
#define IRQ_COUNT       16

enum irq_line {
    IRQ_TIMER = 0,
    IRQ_KEYBOARD = 1,
    IRQ_CASCADE = 2,
    IRQ_COM1 = 4,
};

typedef void (*irq_handler_fn)(struct interrupt_frame *frame);

/* Installs the handler of an IRQ line and unmasks it at the PIC. The
 * dispatcher sends the end-of-interrupt after the handler returns. */
void irq_set_handler(unsigned irq, irq_handler_fn handler);

void interrupt_dispatch(struct interrupt_frame *frame);

/* Counts of interrupts taken, per vector: tests and statistics. */
uint64_t interrupt_count(unsigned vector);

#endif
