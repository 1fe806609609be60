/*
 * CPU exceptions (vectors 0-31).
 *
 * Every exception prints its name, error code and the saved frame (RIP, CS,
 * RFLAGS, RSP, SS) on every console. A breakpoint (int3) then returns; every
 * other exception panics. The page-fault handler also prints CR2 and decodes
 * the error code; before panicking it asks, in order:
 *   1. the fault-fixup table (probe.S), so that kernel code can *test* an
 *      access and get an error back instead of a panic;
 *   2. the page-fault handler a subsystem installed (e.g. a heap that maps
 *      pages on demand), which may resolve the fault and resume;
 *   3. the address describers (e.g. "kernel stack guard page", "heap guard")
 *      to say, in the report, what the faulting address belongs to.
 */
#ifndef KEEL_ARCH_X86_64_EXCEPTIONS_H
#define KEEL_ARCH_X86_64_EXCEPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/x86_64/interrupts.h"

enum {
    VECTOR_BREAKPOINT = 3,
    VECTOR_DOUBLE_FAULT = 8,
    VECTOR_GENERAL_PROTECTION = 13,
    VECTOR_PAGE_FAULT = 14,
};

/* Page-fault error code bits. */
#define PF_PRESENT  (1u << 0) /* 0: page not present; 1: protection violation */
#define PF_WRITE    (1u << 1)
#define PF_USER     (1u << 2)
#define PF_RESERVED (1u << 3) /* a reserved bit was set in a paging entry */
#define PF_FETCH    (1u << 4) /* instruction fetch */

void exception_handle(struct interrupt_frame *frame);

const char *exception_name(unsigned vector);

/* Writes a readable decoding of a page-fault error code, e.g.
 * "not present, write, kernel mode, data access". */
void page_fault_describe(uint32_t error_code, char *buf, size_t size);

/* A subsystem's page-fault handler: returns true if it resolved the fault
 * (the faulting instruction is retried), false to let the report and panic
 * go on. */
typedef bool (*page_fault_handler_fn)(uint64_t address, uint32_t error_code);
void page_fault_set_handler(page_fault_handler_fn handler);

/* Names the region `address` belongs to, or returns NULL. */
typedef const char *(*fault_address_describer_fn)(uint64_t address);
void fault_add_address_describer(fault_address_describer_fn describer);

/* The last fault a probe (probe.h) caught. */
struct caught_fault {
    unsigned vector;
    uint32_t error_code;
    uint64_t address; /* CR2 for page faults */
};
struct caught_fault fault_last_caught(void);

#endif
