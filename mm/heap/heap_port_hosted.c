/*
 * The heap's port (heap_port.h) for a hosted program: the C library does
 * memcpy, memmove, memset and strlen; a panic prints what the kernel
 * would print and aborts; there are no interrupts to mask. Built into
 * keel::heap_hosted, never into keel's kernel or host tests (which have
 * their own, tests/host/support).
 */
#include "mm/heap/heap_port.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("panicked at '", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "', %s:%d\n", file, line);
    va_end(ap);
    abort();
}

irq_flags_t irq_save(void)
{
    return 0;
}

void irq_restore(irq_flags_t flags)
{
    (void)flags;
}

void cpu_relax(void) {}
