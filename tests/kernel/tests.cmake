# The kernel test ISOs, shared by both builds: the kernel build makes
# tests/<name>.iso from runner.c + the sources below; the host build turns
# each into the CTest test kernel.<name>, booted by cmake/scripts/qemu_run.py
# with the extra arguments below (expected serial lines, exit verdicts, ...).
#
# KEEL_KERNEL_TEST_SOURCES_<name>   default: <name>.c
# KEEL_KERNEL_TEST_ALLOCATOR_<name> default: KEEL_ALLOCATOR
# KEEL_KERNEL_TEST_ARGS_<name>      runner arguments (in a pattern, write ; as \\x3b:
#                                   CMake splits lists at ;)

set(KEEL_KERNEL_TESTS
    basic_boot
    harness_detects_failure
)

# The runner must see the failing test reported and QEMU exit with failure:
# this proves a failing kernel test cannot pass silently.
set(KEEL_KERNEL_TEST_ARGS_harness_detects_failure
    --expect-exit failure
    --expect-serial "harness_detects_failure::deliberately_failing_test\\.\\.\\.\t[^\n]*\n\\[failed\\]"
    --expect-serial "assertion failed: 1 \\+ 1 == 3 \\(left: 0x2, right: 0x3\\)"
    --expect-serial "test result: FAILED")
set(KEEL_KERNEL_TEST_ARGS_basic_boot
    --expect-serial "test result: ok\\. 5 passed\\x3b 0 failed")
