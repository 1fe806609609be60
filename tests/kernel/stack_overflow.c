/* stack_overflow: unbounded recursion runs into the kernel stack's guard
 * page; the page fault cannot push its frame there, so the CPU raises a
 * double fault, which runs on its own IST stack and reports. */
#include "tests/kernel/ktest.h"

/* The recursion is the point of this test. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"

static unsigned recurse(volatile unsigned depth)
{
    volatile char frame[64];
    frame[0] = (char)depth;
    return recurse(depth + 1) + frame[0]; /* not a tail call */
}

KTEST_SHOULD_PANIC(stack_overflow_is_caught_by_the_double_fault_handler,
                   "in the kernel stack's guard page (kernel stack overflow); handled on the IST "
                   "double-fault stack")
{
    recurse(0);
}
