/*
 * The monitor: a `keel>` prompt after the demo on keel.iso, to look inside
 * memory on the machine keel booted. It reads the PS/2 keyboard and COM1
 * alike and echoes on every console; backspace erases, cursor up (or
 * ctrl-p) brings the last line back. Commands: help, mem, frames, pt ADDR,
 * heap, alloc SIZE [ALIGN], free ADDR, ticks, reboot, halt (`help` says
 * what each does; docs/real-hardware.md how to read them). Bad input gets a
 * one-line error and the prompt back. The parsing is kernel/monitor_parse.h.
 */
#ifndef KEEL_KERNEL_MONITOR_H
#define KEEL_KERNEL_MONITOR_H

/* Runs the prompt forever (after kernel_init, interrupts on). */
_Noreturn void monitor_run(void);

#endif
