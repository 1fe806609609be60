/* harness_detects_failure: a kernel whose second test fails. Its CTest test
 * passes only if the runner reports that test as failed and QEMU exits with
 * the failure code, proving that a failing test cannot pass silently. */
#include "tests/kernel/ktest.h"

KTEST(passing_test)
{
    KTEST_ASSERT_EQ(1 + 1, 2);
}

KTEST(deliberately_failing_test)
{
    KTEST_ASSERT_EQ(1 + 1, 3);
}

KTEST(never_reached)
{
    panic("the runner must stop at the first failure");
}
