/*
 * panic: the one fatal path.
 *
 * Broken invariants end here, with a message a person can act on
 * ("function: reason"). Recoverable failures are returned as values instead;
 * only the layer that can decide calls panic().
 *
 * Portable code (allocators, collections, parsers) calls panic() through this
 * header only. The kernel implements panic_at() in kernel/panic.c (prints on
 * every console, then halts or fails the running test kernel); host tests
 * implement it in tests/host/support so that a test can expect a panic.
 */
#ifndef KEEL_LIB_PANIC_H
#define KEEL_LIB_PANIC_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

void panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

/* Checks an invariant that must hold whatever the input; panics with the
 * expression and location when it does not. Never compiled out. */
#define KASSERT(expr)                                                                              \
    do {                                                                                           \
        if (!(expr))                                                                               \
            panic("assertion failed: %s", #expr);                                                  \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif
