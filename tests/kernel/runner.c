/*
 * The test kernels' kernel_main: bring the kernel up, run every registered
 * test, report, exit QEMU with the verdict. On a machine without QEMU's
 * exit device (a real PC) the verdict stays on the screen, a banner with
 * the counts and the failed test's name, until a key reboots the machine.
 */
#include "kernel/arch/x86_64/qemu_exit.h"
#include "kernel/console/console.h"
#include "kernel/kernel.h"
#include "kernel/panic.h"
#include "kernel/reboot_on_key.h"
#include "lib/kstring.h"
#include "lib/print.h"
#include "tests/kernel/ktest.h"
#if KEEL_HARDENED
#include "mm/heap/hardened.h"
#include "mm/heap/kalloc.h"
#endif

#ifndef KTEST_SUITE
#error "KTEST_SUITE (the test kernel's name) must be defined by the build"
#endif

extern const struct ktest __ktests_start[], __ktests_end[];

static const struct ktest *current;

__attribute__((weak)) void ktest_setup(void) {}

__attribute__((weak)) void ktest_teardown(void) {}

#if KEEL_HARDENED
static void print_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    kprintf("%.*s", (int)n, s);
}
#endif

/* Hardened builds: the blocks still live after the last test, with their
 * owners (mm/heap/hardened.h). Nothing else allocates by then. */
#if KEEL_HARDENED
static void report_leaks_of(const struct allocator *a, void *arg)
{
    (void)arg;
    struct hardened_heap *h = hardened_from(a);
    if (h != NULL)
        hardened_report_leaks(h, 16, print_sink, NULL);
}
#endif

static void report_leaks(void)
{
#if KEEL_HARDENED
    kalloc_with_lock(report_leaks_of, NULL);
#endif
}

static size_t test_count(void)
{
    return (size_t)(__ktests_end - __ktests_start);
}

/* Exits QEMU with the verdict; where that does nothing, shows it and
 * waits for a key. failed_name: the failed test's name, NULL when all
 * passed; the tests after a failed one do not run. */
static _Noreturn void verdict(size_t passed, const char *failed_name)
{
    bool ok = failed_name == NULL;
    qemu_exit_request(ok ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
    kprintf("\n");
    console_set_color(COLOR_WHITE, ok ? COLOR_GREEN : COLOR_RED);
    kprintf(" keel test kernel %s: %s ", KTEST_SUITE, ok ? "PASSED" : "FAILED");
    console_set_color(COLOR_LIGHT_GREY, COLOR_BLACK);
    if (ok) {
        kprintf("\n%zu passed, 0 failed\n", passed);
    } else {
        size_t not_run = test_count() > passed ? test_count() - passed - 1 : 0;
        kprintf("\n%zu passed, 1 failed: %s (%zu not run)\n", passed, failed_name, not_run);
    }
    reboot_on_key();
}

static size_t passed_so_far(void)
{
    return current == NULL ? 0 : (size_t)(current - __ktests_start);
}

static _Noreturn void fail(void)
{
    kprintf("test result: FAILED\n");
    verdict(passed_so_far(), current != NULL ? current->name : "(outside a test)");
}

static void on_panic(const char *message, const char *file, int line)
{
    (void)file, (void)line;
    if (current != NULL && current->expected_panic != NULL &&
        strstr(message, current->expected_panic) != NULL) {
        kprintf("[ok]\n");
        kprintf("test result: ok. 1 passed; 0 failed\n");
        verdict(1, NULL);
    }
    kprintf("[failed]\n");
    if (current != NULL && current->expected_panic != NULL)
        kprintf("error: expected a panic containing '%s'\n", current->expected_panic);
    fail();
}

void kernel_main(const struct boot_handoff *boot)
{
    panic_set_hook(on_panic);
    kernel_init(boot);

    size_t count = test_count();
    size_t should_panic = 0;
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
        should_panic += t->expected_panic != NULL;
    if (count == 0 || (should_panic > 0 && count != 1)) {
        kprintf("error: %s has %zu tests, %zu of them should-panic; a test kernel needs at least "
                "one test, and a should-panic test must be alone\n",
                KTEST_SUITE, count, should_panic);
        fail();
    }

    ktest_setup();
    kprintf("running %zu test%s\n", count, count == 1 ? "" : "s");
    for (current = __ktests_start; current < __ktests_end; current++) {
        kprintf("%s::%s...\t", KTEST_SUITE, current->name);
        current->run();
        if (current->expected_panic != NULL) {
            kprintf("[failed]\nerror: the test returned, but should have panicked with '%s'\n",
                    current->expected_panic);
            fail();
        }
        kprintf("[ok]\n");
    }
    current = NULL;
    ktest_teardown();
    report_leaks();
    kprintf("test result: ok. %zu passed; 0 failed\n", count);
    verdict(count, NULL);
}
