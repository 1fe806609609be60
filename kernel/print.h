/* kprintf: formatted output on every console (lib/fmt.h conversions). */
#ifndef KEEL_KERNEL_PRINT_H
#define KEEL_KERNEL_PRINT_H

#include <stdarg.h>
#include <stddef.h>

size_t kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t kvprintf(const char *fmt, va_list ap);

#endif
