#include "lib/print.h"

#include "kernel/console/console.h"
#include "lib/fmt.h"

static void console_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_write_locked(s, n);
}

/* The console lock is held for the whole message, so that a message printed
 * from an interrupt handler never lands in the middle of another. */
size_t kvprintf(const char *fmt, va_list ap)
{
    unsigned long flags = console_lock();
    size_t n = fmt_vformat(console_sink, NULL, fmt, ap);
    console_unlock(flags);
    return n;
}

size_t kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
