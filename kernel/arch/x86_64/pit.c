#include "kernel/arch/x86_64/pit.h"

#include <stdbool.h>
#include <stddef.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"

#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND  0x43
#define PORT_B       0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */

static volatile uint64_t ticks;
static void (*tick_hook)(void);

static void on_timer(struct interrupt_frame *frame)
{
    (void)frame;
    ticks++;
    if (tick_hook != NULL)
        tick_hook();
}

void pit_init(void)
{
    uint16_t divisor = PIT_BASE_HZ / TIMER_HZ;
    outb(PIT_COMMAND, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
    outb(PIT_CHANNEL0, divisor & 0xff);
    outb(PIT_CHANNEL0, divisor >> 8);
    irq_set_handler(IRQ_TIMER, on_timer);
}

uint64_t timer_ticks(void)
{
    return ticks;
}

void timer_set_tick_hook(void (*hook)(void))
{
    tick_hook = hook;
}

#define PIT_POLL_LIMIT 100000000ul /* port reads: seconds at ~1 us each */

uint64_t pit_measure_tsc_hz(unsigned ms)
{
    if (ms == 0 || ms > 50)
        ms = 50;
    uint32_t count = PIT_BASE_HZ * ms / 1000;
    /* Gate channel 2 off, speaker off; program mode 0 (one-shot). */
    outb(PORT_B, inb(PORT_B) & ~0x03);
    outb(PIT_COMMAND, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
    outb(PIT_CHANNEL2, count & 0xff);
    outb(PIT_CHANNEL2, (count >> 8) & 0xff);
    uint64_t start = rdtsc();
    outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01); /* gate on: counting starts */
    /* A PIT that never signals (clock-gated on some legacy-free PCs) must
     * not hang the caller: give up after far more reads than 50 ms takes. */
    bool done = false;
    for (unsigned long polls = 0; polls < PIT_POLL_LIMIT && !done; polls++)
        done = (inb(PORT_B) & 0x20) != 0;
    uint64_t cycles = rdtsc() - start;
    outb(PORT_B, inb(PORT_B) & ~0x01);
    return done ? cycles * 1000 / ms : 0;
}
