/*
 * The kernel's entry sequence:
 *
 *   boot/entry32.S  ->  boot/entry64.S  ->  kernel_entry()  (kernel/start.c)
 *       consoles up, identity map gone       ->  kernel_main()
 *
 * kernel_main() is provided by kernel/main.c in keel.elf and by the test
 * runner (tests/kernel/runner.c) in every test kernel. Both call
 * kernel_init() to bring up the CPU tables, interrupts, memory and the heap.
 */
#ifndef KEEL_KERNEL_KERNEL_H
#define KEEL_KERNEL_KERNEL_H

#include <stdint.h>

/* What the boot code hands over. */
struct boot_handoff {
    uint32_t magic;    /* multiboot2 magic, checked by the boot code */
    uint64_t mbi_phys; /* physical address of the multiboot2 information */
    const void *mbi;   /* the same, through the direct map */
};

/* The TSC when kernel_entry() started: for boot figures (kernel/main.c,
 * tests/kernel/bench_heap.c). */
extern uint64_t kernel_entry_tsc;

void kernel_main(const struct boot_handoff *boot);
void kernel_init(const struct boot_handoff *boot);

/* Sleeps with interrupts on, forever: the idle loop. */
_Noreturn void kernel_idle(void);

#endif
