/*
 * A failure-injecting, leak-counting allocator for host tests of alloc/.
 *
 * lib_test_alloc_install() puts it behind every kalloc call
 * (kalloc_install); blocks come from the host's aligned_alloc, so the
 * sanitizers see every overflow. It
 *   - counts live blocks (lib_test_alloc_live()), so a test can prove that
 *     everything it allocated was freed;
 *   - records each block's layout and fails the test (at uninstall or
 *     teardown) if a dealloc (or realloc) passed a different layout than the
 *     block was allocated with, or a pointer it never handed out;
 *   - fails allocations on demand: the Nth from now, or all after N.
 * Reallocations count as allocations (they are alloc + copy + dealloc).
 */
#ifndef KEEL_TESTS_HOST_LIB_TEST_ALLOC_H
#define KEEL_TESTS_HOST_LIB_TEST_ALLOC_H

#include <stddef.h>

/* Installs the allocator with failure injection off and all counters at 0. */
void lib_test_alloc_install(void);
/* Restores the previous global allocator, then fails the test if blocks
 * are still live or a dealloc was wrong. The teardown form reports the same
 * as a failed teardown. */
void lib_test_alloc_uninstall(void);

/* cmocka setup/teardown wrappers around install/uninstall. */
int lib_test_alloc_setup(void **state);
int lib_test_alloc_teardown(void **state);

/* The next n allocations succeed, every later one fails. */
void lib_test_alloc_fail_after(size_t n);
/* Only the nth allocation from now fails (n >= 1); later ones succeed. */
void lib_test_alloc_fail_nth(size_t n);
/* Turns failure injection off. */
void lib_test_alloc_fail_never(void);

size_t lib_test_alloc_live(void);     /* blocks allocated and not yet freed */
size_t lib_test_alloc_count(void);    /* successful allocations since install */
size_t lib_test_alloc_failures(void); /* injected failures since install */

#endif
