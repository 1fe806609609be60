/*
 * fmt: keel's one formatter.
 *
 * printf-style formatting into any sink: the kernel consoles (kprintf), a
 * fixed buffer (ksnprintf), a growable string (alloc/kstr.h). Supported:
 *   %d %i %u %x %X %o %p %s %c %%
 *   length modifiers hh h l ll z t j   (e.g. %zu %lu %llx)
 *   flags - 0 + space #, a field width and precision (numbers, or *)
 * %p prints 0x and the address in hex without leading zeros (0x444444440000,
 * as Rust's {:p} and glibc print it; NULL is 0x0). A NULL %s prints "(null)".
 * An unknown conversion is printed as written, so a typo shows in the output.
 */
#ifndef KEEL_LIB_FMT_H
#define KEEL_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Receives formatted output in pieces. */
typedef void (*fmt_sink_fn)(void *ctx, const char *s, size_t n);

/* Formats into the sink; returns the number of characters produced. */
size_t fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);
size_t fmt_format(fmt_sink_fn sink, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* snprintf semantics: writes at most size-1 characters and a NUL (if
 * size > 0); returns the length the full output would have had. */
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif
