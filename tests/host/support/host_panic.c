#include "host_panic.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/panic.h"

jmp_buf *host_panic_jmp;
char host_panic_message[1024];

_Noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(host_panic_message, sizeof host_panic_message, fmt, ap);
    va_end(ap);
    if (host_panic_jmp != NULL)
        longjmp(*host_panic_jmp, 1);
    fprintf(stderr, "panicked at '%s', %s:%d\n", host_panic_message, file, line);
    abort();
}
