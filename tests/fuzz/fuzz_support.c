/* panic() for the fuzz targets: print the message and abort, which
 * libFuzzer reports as a crash with the input that caused it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/panic.h"

_Noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "panicked at '");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "', %s:%d\n", file, line);
    va_end(ap);
    abort();
}
