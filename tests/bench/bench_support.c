/* What the allocators need from the rest of the kernel, for the benchmark:
 * panic_at() prints and aborts; interrupts do not exist on the host. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/irq.h"
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

static bool irq_on = true;

irq_flags_t irq_save(void)
{
    irq_flags_t was = irq_on;
    irq_on = false;
    return was;
}

void irq_restore(irq_flags_t flags)
{
    irq_on = flags != 0;
}

void irq_enable(void)
{
    irq_on = true;
}

void irq_disable(void)
{
    irq_on = false;
}

bool irq_enabled(void)
{
    return irq_on;
}
