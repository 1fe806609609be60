/*
 * kprintf: formatted output on every console (lib/fmt.h conversions).
 *
 * The interface only, like panic.h: any layer of the kernel may print
 * without depending on the consoles. The kernel implements it in
 * kernel/print.c; host builds have none, so portable code does not print.
 */
#ifndef KEEL_LIB_PRINT_H
#define KEEL_LIB_PRINT_H

#include <stdarg.h>
#include <stddef.h>

size_t kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t kvprintf(const char *fmt, va_list ap);

#endif
