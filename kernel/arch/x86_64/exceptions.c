#include "kernel/arch/x86_64/exceptions.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "lib/fmt.h"
#include "lib/panic.h"
#include "lib/print.h"

static const char *const names[32] = {
    "DIVIDE ERROR",
    "DEBUG",
    "NON-MASKABLE INTERRUPT",
    "BREAKPOINT",
    "OVERFLOW",
    "BOUND RANGE EXCEEDED",
    "INVALID OPCODE",
    "DEVICE NOT AVAILABLE",
    "DOUBLE FAULT",
    "COPROCESSOR SEGMENT OVERRUN",
    "INVALID TSS",
    "SEGMENT NOT PRESENT",
    "STACK-SEGMENT FAULT",
    "GENERAL PROTECTION FAULT",
    "PAGE FAULT",
    "RESERVED (15)",
    "x87 FLOATING-POINT EXCEPTION",
    "ALIGNMENT CHECK",
    "MACHINE CHECK",
    "SIMD FLOATING-POINT EXCEPTION",
    "VIRTUALIZATION EXCEPTION",
    "CONTROL PROTECTION EXCEPTION",
    "RESERVED (22)",
    "RESERVED (23)",
    "RESERVED (24)",
    "RESERVED (25)",
    "RESERVED (26)",
    "RESERVED (27)",
    "HYPERVISOR INJECTION EXCEPTION",
    "VMM COMMUNICATION EXCEPTION",
    "SECURITY EXCEPTION",
    "RESERVED (31)",
};

#define MAX_DESCRIBERS 4

static page_fault_handler_fn page_fault_handler;
static fault_address_describer_fn describers[MAX_DESCRIBERS];
static size_t describer_count;
static struct caught_fault last_caught;

struct fixup {
    uint64_t instruction;
    uint64_t resume;
};
extern const struct fixup __fixup_start[], __fixup_end[];
extern const char probe_execute_return[], probe_execute_fixup[];

const char *exception_name(unsigned vector)
{
    return vector < 32 ? names[vector] : "NOT AN EXCEPTION";
}

void page_fault_set_handler(page_fault_handler_fn handler)
{
    page_fault_handler = handler;
}

void fault_add_address_describer(fault_address_describer_fn describer)
{
    if (describer_count < MAX_DESCRIBERS)
        describers[describer_count++] = describer;
}

struct caught_fault fault_last_caught(void)
{
    return last_caught;
}

void page_fault_describe(uint32_t error_code, char *buf, size_t size)
{
    ksnprintf(buf, size, "%s, %s, %s, %s%s",
              error_code & PF_PRESENT ? "protection violation" : "not present",
              error_code & PF_WRITE ? "write" : "read",
              error_code & PF_USER ? "user mode" : "kernel mode",
              error_code & PF_FETCH ? "instruction fetch" : "data access",
              error_code & PF_RESERVED ? ", reserved bit set" : "");
}

/* Resumes a probe (probe.S) that faulted; returns false if the fault did not
 * come from a probe. */
static bool fixup_probe(struct interrupt_frame *frame, uint64_t address)
{
    uint64_t resume = 0;
    for (const struct fixup *f = __fixup_start; f < __fixup_end; f++)
        if (f->instruction == frame->rip)
            resume = f->resume;
    /* probe_execute faults at its target, with its return address on top. */
    if (resume == 0 && *(const uint64_t *)frame->rsp == (uint64_t)probe_execute_return &&
        (frame->vector != VECTOR_PAGE_FAULT || address == frame->rip)) {
        resume = (uint64_t)probe_execute_fixup;
        frame->rsp += 8;
    }
    if (resume == 0)
        return false;
    last_caught = (struct caught_fault){
        .vector = (unsigned)frame->vector,
        .error_code = (uint32_t)frame->error_code,
        .address = address,
    };
    frame->rip = resume;
    return true;
}

static const char *describe_address(uint64_t address)
{
    for (size_t i = 0; i < describer_count; i++) {
        const char *what = describers[i](address);
        if (what != NULL)
            return what;
    }
    return NULL;
}

static void print_report(const struct interrupt_frame *f)
{
    kprintf("\nEXCEPTION: %s (vector %lu)\n", exception_name((unsigned)f->vector), f->vector);
    kprintf("  error code: %#lx\n", f->error_code);
    kprintf("  RIP %p  CS %#lx  RFLAGS %#lx\n", (void *)f->rip, f->cs, f->rflags);
    kprintf("  RSP %p  SS %#lx\n", (void *)f->rsp, f->ss);
    kprintf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    kprintf("  RSI %016lx RDI %016lx RBP %016lx\n", f->rsi, f->rdi, f->rbp);
}

static void handle_page_fault(struct interrupt_frame *frame)
{
    uint64_t address = read_cr2();
    uint32_t code = (uint32_t)frame->error_code;
    if (fixup_probe(frame, address))
        return;
    if (page_fault_handler != NULL && page_fault_handler(address, code))
        return;

    char decoded[96];
    page_fault_describe(code, decoded, sizeof decoded);
    const char *region = describe_address(address);
    print_report(frame);
    kprintf("  CR2 (accessed address): %p%s%s\n", (void *)address, region ? " in " : "",
            region ? region : "");
    kprintf("  access: %s\n", decoded);
    panic("EXCEPTION: PAGE FAULT at %p (%s)%s%s", (void *)address, decoded, region ? " in " : "",
          region ? region : "");
}

void exception_handle(struct interrupt_frame *frame)
{
    unsigned vector = (unsigned)frame->vector;
    switch (vector) {
    case VECTOR_BREAKPOINT:
        print_report(frame);
        kprintf("  (breakpoint: continuing)\n");
        return;
    case VECTOR_PAGE_FAULT:
        handle_page_fault(frame);
        return;
    case VECTOR_DOUBLE_FAULT: {
        uint64_t rsp;
        __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
        print_report(frame);
        const char *region = describe_address(frame->rsp);
        panic("EXCEPTION: DOUBLE FAULT (error code %#lx) at RIP %p, RSP %p%s%s%s",
              frame->error_code, (void *)frame->rip, (void *)frame->rsp, region ? " in " : "",
              region ? region : "",
              gdt_on_double_fault_stack(rsp) ? "; handled on the IST double-fault stack" : "");
    }
    case VECTOR_GENERAL_PROTECTION:
        if (fixup_probe(frame, 0))
            return;
        /* fall through */
    default:
        print_report(frame);
        panic("EXCEPTION: %s (vector %u, error code %#lx) at RIP %p", exception_name(vector),
              vector, frame->error_code, (void *)frame->rip);
    }
}
