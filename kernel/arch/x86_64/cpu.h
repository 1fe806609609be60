/*
 * x86_64 instructions the kernel needs, as inline functions. Only code
 * under kernel/ includes this; portable code never does.
 */
#ifndef KEEL_ARCH_X86_64_CPU_H
#define KEEL_ARCH_X86_64_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/layout.h"

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

/* A write to an unused port: about 1 µs, for slow devices like the PIC. */
static inline void io_wait(void)
{
    outb(0x80, 0);
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(uint64_t virt)
{
    __asm__ volatile("invlpg (%0)" : : "r"(virt) : "memory");
}

/* Drops every non-global TLB entry: CR3 written with its own value. */
static inline void tlb_flush_all(void)
{
    write_cr3(read_cr3());
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_rflags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; pop %0" : "=r"(f));
    return f;
}

static inline void cpu_halt(void)
{
    __asm__ volatile("hlt");
}

/* Enables interrupts and sleeps until one arrives: sti's one-instruction
 * shadow makes the pair atomic, so no interrupt slips in before the hlt. */
static inline void cpu_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt");
}

/* Halts with interrupts off: nothing wakes the CPU again. */
_Noreturn static inline void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Whether the CPU has no-execute pages: what the boot code's CPUID found
 * (boot/entry32.S, which also turned EFER.NXE on with it). */
extern uint8_t boot_cpu_has_nx;

static inline bool cpu_has_nx(void)
{
    /* boot_cpu_has_nx lives in the boot image: reach it through the direct map. */
    return *(volatile uint8_t *)(PHYS_OFFSET + (uintptr_t)&boot_cpu_has_nx) != 0;
}

#define RFLAGS_IF (1ull << 9)

#endif
