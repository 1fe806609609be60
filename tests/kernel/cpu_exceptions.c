/* cpu_exceptions: breakpoints return; faults are caught with the right
 * vector, CR2 and error-code bits; the timer ticks at its rate. */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/exceptions.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/arch/x86_64/kernel_map.h"
#include "kernel/arch/x86_64/pic.h"
#include "kernel/arch/x86_64/pit.h"
#include "kernel/arch/x86_64/probe.h"
#include "kernel/kernel.h"
#include "lib/irq.h"
#include "lib/kstring.h"
#include "tests/kernel/ktest.h"

KTEST(breakpoint_returns_and_execution_continues)
{
    uint64_t before = interrupt_count(VECTOR_BREAKPOINT);
    volatile int after = 0;
    __asm__ volatile("int3");
    after = 1;
    KTEST_ASSERT_EQ(interrupt_count(VECTOR_BREAKPOINT), before + 1);
    KTEST_ASSERT_EQ(after, 1);
}

static void expect_page_fault(int result, uint64_t address, uint32_t error_code)
{
    struct caught_fault f = fault_last_caught();
    KTEST_ASSERT_EQ(result, -1);
    KTEST_ASSERT_EQ(f.vector, VECTOR_PAGE_FAULT);
    KTEST_ASSERT_EQ(f.address, address);
    KTEST_ASSERT_EQ(f.error_code, error_code);
}

KTEST(write_to_unmapped_address_page_faults_with_cr2_and_write_bit)
{
    volatile uint64_t *p = (volatile uint64_t *)0xdeadbeef000;
    expect_page_fault(probe_write_u64(p, 42), 0xdeadbeef000, PF_WRITE);
}

KTEST(read_of_unmapped_address_page_faults_without_write_bit)
{
    uint64_t v;
    expect_page_fault(probe_read_u64((void *)0x123456789018, &v), 0x123456789018, 0);
}

KTEST(null_pointer_is_not_mapped)
{
    uint64_t v;
    expect_page_fault(probe_read_u64(NULL, &v), 0, 0);
}

KTEST(write_to_kernel_text_is_a_protection_violation)
{
    void *text = (void *)kernel_init;
    expect_page_fault(probe_write_u64(text, 0), (uint64_t)text, PF_PRESENT | PF_WRITE);
}

KTEST(executing_data_faults_when_the_cpu_has_nx)
{
    static uint8_t code[16] = {0xc3}; /* ret, in .data */
    int result = probe_execute(code);
    if (!cpu_has_nx()) {
        KTEST_ASSERT_EQ(result, 0);
        kprintf("(no NX on this CPU: data is executable) ");
        return;
    }
    expect_page_fault(result, (uint64_t)code, PF_PRESENT | PF_FETCH);
}

KTEST(non_canonical_address_is_a_general_protection_fault)
{
    uint64_t v;
    KTEST_ASSERT_EQ(probe_read_u64((void *)0x8000000000000000ull, &v), -1);
    KTEST_ASSERT_EQ(fault_last_caught().vector, VECTOR_GENERAL_PROTECTION);
}

KTEST(page_fault_error_codes_decode_to_words)
{
    char buf[96];
    page_fault_describe(PF_WRITE, buf, sizeof buf);
    KTEST_ASSERT(strcmp(buf, "not present, write, kernel mode, data access") == 0);
    page_fault_describe(PF_PRESENT | PF_USER | PF_FETCH | PF_RESERVED, buf, sizeof buf);
    KTEST_ASSERT(
        strcmp(buf, "protection violation, read, user mode, instruction fetch, reserved bit set") ==
        0);
}

/* Over one second of TSC time (calibrated against PIT channel 2), IRQ 0 at
 * TIMER_HZ must tick about TIMER_HZ times: not zero (interrupts lost or
 * masked), not double (EOI or handler registered twice). The range is wide
 * because an emulator on a busy host delivers ticks late. */
KTEST(timer_ticks_at_its_rate_while_interrupts_are_enabled)
{
    KTEST_ASSERT(irq_enabled());
    uint64_t tsc_hz = pit_measure_tsc_hz(50);
    KTEST_ASSERT(tsc_hz > 0);
    uint64_t ticks0 = timer_ticks();
    uint64_t start = rdtsc();
    while (rdtsc() - start < tsc_hz)
        cpu_halt(); /* the timer wakes us */
    uint64_t ticks = timer_ticks() - ticks0;
    kprintf("(%lu ticks in 1 s, TSC %lu MHz) ", ticks, tsc_hz / 1000000);
    KTEST_ASSERT(ticks >= TIMER_HZ * 6 / 10);
    KTEST_ASSERT(ticks <= TIMER_HZ * 14 / 10);
    KTEST_ASSERT_EQ(interrupt_count(IRQ_BASE_VECTOR + IRQ_TIMER) >= ticks, 1);
}

KTEST(timer_does_not_tick_while_interrupts_are_disabled)
{
    irq_flags_t flags = irq_save();
    uint64_t ticks0 = timer_ticks();
    uint64_t tsc_hz = pit_measure_tsc_hz(50);
    uint64_t start = rdtsc();
    while (rdtsc() - start < tsc_hz / 10)
        ;
    KTEST_ASSERT_EQ(timer_ticks(), ticks0);
    irq_restore(flags);
    uint64_t waited = rdtsc();
    while (timer_ticks() == ticks0 && rdtsc() - waited < tsc_hz)
        cpu_halt();
    KTEST_ASSERT(timer_ticks() > ticks0); /* the pending tick arrives */
}
