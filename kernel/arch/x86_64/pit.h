/*
 * The 8253/8254 programmable interval timer: channel 0 drives IRQ 0 at
 * TIMER_HZ and counts ticks; channel 2 (polled, no interrupt) measures the
 * TSC's frequency once at boot.
 */
#ifndef KEEL_ARCH_X86_64_PIT_H
#define KEEL_ARCH_X86_64_PIT_H

#include <stdint.h>

#define PIT_BASE_HZ 1193182
#define TIMER_HZ    100

void pit_init(void);
/* Ticks of IRQ 0 since pit_init(). */
uint64_t timer_ticks(void);
/* Calls `hook` from the timer interrupt on every tick (NULL: none). */
void timer_set_tick_hook(void (*hook)(void));
/* TSC cycles per second, measured against PIT channel 2 over `ms`
 * milliseconds (at most 50); 0 when the PIT never signals the end (a
 * bounded wait). Interrupts may be on or off. */
uint64_t pit_measure_tsc_hz(unsigned ms);

#endif
