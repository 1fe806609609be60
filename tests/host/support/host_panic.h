/*
 * Host-side panic() for unit tests: a panic either unwinds to the test that
 * expected it (EXPECT_PANIC) or fails the test process loudly.
 */
#ifndef KEEL_TESTS_HOST_PANIC_H
#define KEEL_TESTS_HOST_PANIC_H

#include <setjmp.h>
#include <stddef.h>
#include <string.h>

extern jmp_buf *host_panic_jmp;
/* The formatted message of the last panic (without file and line). */
extern char host_panic_message[1024];

/* Runs `stmt`, which must panic with a message containing `expected`.
 * Fails the cmocka test if it returns or panics with another message. */
#define EXPECT_PANIC(stmt, expected)                                                               \
    do {                                                                                           \
        jmp_buf expect_panic_jb_;                                                                  \
        host_panic_jmp = &expect_panic_jb_;                                                        \
        if (setjmp(expect_panic_jb_) == 0) {                                                       \
            stmt;                                                                                  \
            host_panic_jmp = NULL;                                                                 \
            fail_msg("expected a panic containing \"%s\", but none happened", (expected));         \
        }                                                                                          \
        host_panic_jmp = NULL;                                                                     \
        if (strstr(host_panic_message, (expected)) == NULL)                                        \
            fail_msg("expected a panic containing \"%s\", got \"%s\"", (expected),                 \
                     host_panic_message);                                                          \
    } while (0)

#endif
