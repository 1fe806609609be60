/*
 * ktest: keel's in-kernel test framework, the counterpart of Rust's
 * #[test_case] custom test frameworks.
 *
 *   KTEST(simple_allocation) { ... }           a test
 *   KTEST_SHOULD_PANIC(oom, "allocation error: Layout { size: 4, align: 4 }") { ... }
 *
 * Tests are registered at link time in the .ktests section (collected by
 * boot/linker.ld) and run in link order by tests/kernel/runner.c, which
 * prints "<suite>::<name>... [ok]" or "[failed]" on every console and exits
 * QEMU through isa-debug-exit: 33 when all passed, 35 otherwise. Tests run
 * in source order (the build keeps the compiler from reordering them). A panic in a
 * test fails it with the panic's message. A should-panic test passes when it
 * panics with a message containing the expected text; since nothing can run
 * after a panic, such a test must be the only test of its kernel.
 */
#ifndef KEEL_TESTS_KERNEL_KTEST_H
#define KEEL_TESTS_KERNEL_KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/panic.h"
#include "lib/print.h"

struct ktest {
    const char *name;
    void (*run)(void);
    const char *expected_panic; /* NULL: must not panic */
};

#define KTEST_REGISTER_(fn, expected)                                                              \
    static void fn(void);                                                                          \
    static const struct ktest ktest_##fn                                                           \
        __attribute__((used, section(".ktests"), aligned(8))) = {#fn, fn, expected};               \
    static void fn(void)

#define KTEST(fn)                                KTEST_REGISTER_(fn, NULL)
#define KTEST_SHOULD_PANIC(fn, expected_message) KTEST_REGISTER_(fn, expected_message)

/* Assertions that report both values. */
#define KTEST_ASSERT(cond)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            panic("assertion failed: %s", #cond);                                                  \
    } while (0)

#define KTEST_ASSERT_EQ(left, right)                                                               \
    do {                                                                                           \
        uint64_t l_ = (uint64_t)(left), r_ = (uint64_t)(right);                                    \
        if (l_ != r_)                                                                              \
            panic("assertion failed: %s == %s (left: %#llx, right: %#llx)", #left, #right,         \
                  (unsigned long long)l_, (unsigned long long)r_);                                 \
    } while (0)

/* Hooks a test kernel may define (weak defaults do nothing): called after
 * kernel_init(), before the first test, and after the last test passed. */
void ktest_setup(void);
void ktest_teardown(void);

#endif
