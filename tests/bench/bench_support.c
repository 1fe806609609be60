/* What the allocators need from the rest of the kernel, for the benchmark:
 * panic_at() prints and aborts. The interrupt-flag stubs are the host
 * tests' own (tests/host/support/host_irq.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/panic.h"

_Noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_heap: panicked at '");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "', %s:%d\n", file, line);
    va_end(ap);
    abort();
}
