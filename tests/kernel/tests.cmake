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
    cpu_exceptions
    stack_overflow
    page_fault_report
    keyboard_input
    mm_paging
    collections
    heap_allocation
    heap_allocation_linked_list
    heap_allocation_fixed_block
    heap_oom
    heap_dummy
)

# The heap tests once per allocator that can pass them (bump cannot:
# many_boxes_long_lived keeps it from ever resetting).
set(KEEL_KERNEL_TEST_SOURCES_heap_allocation_linked_list heap_allocation.c)
set(KEEL_KERNEL_TEST_ALLOCATOR_heap_allocation_linked_list linked_list)
set(KEEL_KERNEL_TEST_SOURCES_heap_allocation_fixed_block heap_allocation.c)
set(KEEL_KERNEL_TEST_ALLOCATOR_heap_allocation_fixed_block fixed_block)
set(KEEL_KERNEL_TEST_ALLOCATOR_heap_dummy dummy)
set(KEEL_KERNEL_TEST_ARGS_heap_allocation --expect-serial "tlsf allocator")
set(KEEL_KERNEL_TEST_ARGS_heap_allocation_linked_list --expect-serial "linked_list allocator")
set(KEEL_KERNEL_TEST_ARGS_heap_allocation_fixed_block --expect-serial "fixed_block allocator")

# Variants: the same ISO booted differently. <variant> -> <iso> + arguments.
set(KEEL_KERNEL_TEST_VARIANTS mm_paging_32M mm_paging_4G mm_paging_8G)
set(KEEL_KERNEL_TEST_ISO_mm_paging_32M mm_paging)
set(KEEL_KERNEL_TEST_ARGS_mm_paging_32M --memory 32M)
set(KEEL_KERNEL_TEST_ISO_mm_paging_4G mm_paging)
set(KEEL_KERNEL_TEST_ARGS_mm_paging_4G --memory 4G)
set(KEEL_KERNEL_TEST_ISO_mm_paging_8G mm_paging)
set(KEEL_KERNEL_TEST_ARGS_mm_paging_8G --memory 8G)

# The runner must see the failing test reported and QEMU exit with failure:
# this proves a failing kernel test cannot pass silently.
set(KEEL_KERNEL_TEST_ARGS_harness_detects_failure
    --expect-exit failure
    --expect-serial "harness_detects_failure::deliberately_failing_test\\.\\.\\.\t[^\n]*\n\\[failed\\]"
    --expect-serial "assertion failed: 1 \\+ 1 == 3 \\(left: 0x2, right: 0x3\\)"
    --expect-serial "test result: FAILED")
set(KEEL_KERNEL_TEST_ARGS_basic_boot
    --expect-serial "test result: ok\\. 5 passed\\x3b 0 failed")

set(KEEL_KERNEL_TEST_ARGS_keyboard_input
    --send-keys-after "keyboard: ready"
    --send-keys "shift-h e l l o comma spc k e e l shift-1 ret"
    --expect-serial "keyboard: ready\n[^\n]*Hello, keel!\n")
set(KEEL_KERNEL_TEST_ARGS_stack_overflow
    --expect-serial "EXCEPTION: DOUBLE FAULT \\(vector 8\\)")
