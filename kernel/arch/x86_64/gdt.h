/*
 * The kernel's GDT and TSS. The TSS's Interrupt Stack Table gives the
 * double-fault handler a stack of its own (IST_DOUBLE_FAULT), so that a
 * kernel stack overflow — which faults on the stack's guard page and cannot
 * push an exception frame there — is reported instead of triple-faulting.
 */
#ifndef KEEL_ARCH_X86_64_GDT_H
#define KEEL_ARCH_X86_64_GDT_H

#include <stdbool.h>
#include <stdint.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS         0x18

#define IST_DOUBLE_FAULT 1 /* IST index (1-based) */
#define IST_STACK_SIZE   (16 * 1024)

void gdt_init(void);
/* True when `addr` lies within the double-fault IST stack. */
bool gdt_on_double_fault_stack(uint64_t addr);

#endif
