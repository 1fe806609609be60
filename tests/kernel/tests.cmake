# The kernel test ISOs, shared by both builds: the kernel build makes
# tests/<name>.iso from runner.c + the sources below; the host build turns
# each into the CTest test kernel.<name>, booted by cmake/scripts/qemu_run.py
# with the extra arguments below (expected serial lines, exit verdicts, ...).
#
# KEEL_KERNEL_TEST_SOURCES_<name>   default: <name>.c
# KEEL_KERNEL_TEST_ALLOCATOR_<name> default: KEEL_ALLOCATOR
# KEEL_KERNEL_TEST_ARGS_<name>      runner arguments (in a pattern, write ; as \\x3b:
#                                   CMake splits lists at ;)
# KEEL_KERNEL_TEST_GRUB_CFG_<name>, KEEL_KERNEL_TEST_FILES_<name>: set in
#                                   tests/kernel/CMakeLists.txt (boot_inputs)

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
    heap_allocation_tlsf
    heap_allocation_linked_list
    heap_allocation_fixed_block
    heap_oom
    heap_dummy
)

# The heap tests once per allocator that can pass them (bump cannot:
# many_boxes_long_lived keeps it from ever resetting).
set(KEEL_KERNEL_TEST_SOURCES_heap_allocation_tlsf heap_allocation.c)
set(KEEL_KERNEL_TEST_ALLOCATOR_heap_allocation_tlsf tlsf)
set(KEEL_KERNEL_TEST_SOURCES_heap_allocation_linked_list heap_allocation.c)
set(KEEL_KERNEL_TEST_ALLOCATOR_heap_allocation_linked_list linked_list)
set(KEEL_KERNEL_TEST_SOURCES_heap_allocation_fixed_block heap_allocation.c)
set(KEEL_KERNEL_TEST_ALLOCATOR_heap_allocation_fixed_block fixed_block)
set(KEEL_KERNEL_TEST_ALLOCATOR_heap_dummy dummy)
# heap_allocation runs on the configured allocator (KEEL_ALLOCATOR).
set(KEEL_KERNEL_TEST_ARGS_heap_allocation --expect-serial "${KEEL_ALLOCATOR} allocator")
set(KEEL_KERNEL_TEST_ARGS_heap_allocation_tlsf --expect-serial "tlsf allocator")
set(KEEL_KERNEL_TEST_ARGS_heap_allocation_linked_list --expect-serial "linked_list allocator")
set(KEEL_KERNEL_TEST_ARGS_heap_allocation_fixed_block --expect-serial "fixed_block allocator")

# The heap gives memory back: grown past 32 MiB, then emptied.
list(APPEND KEEL_KERNEL_TESTS heap_trim)
set(KEEL_KERNEL_TEST_ARGS_heap_trim --memory 128M
    --expect-serial "test result: ok\\. 2 passed\\x3b 0 failed")

# A fault past the heap's end names the heap (heap_describe_address).
list(APPEND KEEL_KERNEL_TESTS heap_fault_report)

# The hardened heap (KEEL_HARDENED, on in Debug builds): one should-panic
# kernel per bad act, each checking the whole report; the test prints the
# block's address first, and the report must name that same address (\\1).
# Callers are return addresses in the kernel's text (0xffffffff8...).
if(KEEL_HARDENED)
    list(APPEND KEEL_KERNEL_TESTS
        heap_hardened
        heap_hardened_double_free
        heap_hardened_foreign_pointer
        heap_hardened_interior_pointer
        heap_hardened_layout_mismatch
        heap_hardened_overflow
        heap_hardened_underflow
        heap_hardened_write_after_free)
    set(keel_text "0xffffffff8[0-9a-f]+")
    set(keel_panic "panicked at 'hardened heap: ")
    set(KEEL_KERNEL_TEST_ARGS_heap_hardened
        --expect-serial "allocator, hardened, grows to"
        --expect-serial "leaking (0x[0-9a-f]+) .*heap leak report: [0-9]+ live allocations?, [0-9]+ bytes\n  \\1 Layout \\{ size: 24, align: 8 \\} allocated by ${keel_text}\n")
    set(KEEL_KERNEL_TEST_ARGS_heap_hardened_double_free
        --expect-serial "block (0x[0-9a-f]+) .*${keel_panic}double free of \\1 \\(Layout \\{ size: 8, align: 8 \\}\\): already freed by ${keel_text} \\(allocated by ${keel_text}\\)'")
    set(KEEL_KERNEL_TEST_ARGS_heap_hardened_foreign_pointer
        --expect-serial "pointer (0x[0-9a-f]+) .*${keel_panic}dealloc of \\1 \\(Layout \\{ size: 8, align: 8 \\}\\): not a heap pointer \\(outside the heap region \\[0x444444440000, 0x444444459000\\)\\)'")
    set(KEEL_KERNEL_TEST_ARGS_heap_hardened_interior_pointer
        --expect-serial "block (0x[0-9a-f]+) .*${keel_panic}dealloc of 0x[0-9a-f]+ \\(Layout \\{ size: 64, align: 8 \\}\\): interior pointer, offset 16 into the live block \\1 \\(Layout \\{ size: 64, align: 8 \\}, allocated by ${keel_text}\\)'")
    set(KEEL_KERNEL_TEST_ARGS_heap_hardened_layout_mismatch
        --expect-serial "block (0x[0-9a-f]+) .*${keel_panic}dealloc of \\1 \\(Layout \\{ size: 16, align: 8 \\}\\): layout mismatch, the block was allocated with Layout \\{ size: 32, align: 8 \\} by ${keel_text}'")
    set(KEEL_KERNEL_TEST_ARGS_heap_hardened_overflow
        --expect-serial "block (0x[0-9a-f]+) .*${keel_panic}overflow of block \\1 \\(Layout \\{ size: 8, align: 8 \\}, allocated by ${keel_text}\\): red zone after the block changed at offsets 8\\.\\.8: found 41, expected fb'")
    set(KEEL_KERNEL_TEST_ARGS_heap_hardened_underflow
        --expect-serial "block (0x[0-9a-f]+) .*${keel_panic}underflow of block \\1 \\(Layout \\{ size: 24, align: 8 \\}, allocated by ${keel_text}\\): red zone before the block changed at offsets -1\\.\\.-1: found 42, expected fb'")
    set(KEEL_KERNEL_TEST_ARGS_heap_hardened_write_after_free
        --expect-serial "block (0x[0-9a-f]+) .*${keel_panic}write after free to block \\1 \\(Layout \\{ size: 32, align: 8 \\}, freed by ${keel_text}\\): changed at offsets 4\\.\\.4: found 17, expected dd'")
endif()

# A memory map of more than 128 entries (200 holes made by GRUB's cutmem)
# and 40 boot modules: every entry is used, no module is handed out.
list(APPEND KEEL_KERNEL_TESTS boot_inputs)
set(KEEL_KERNEL_TEST_ARGS_boot_inputs --memory 64M
    --expect-serial "memory map \\(2[0-9][0-9] regions"
    --expect-serial "test result: ok\\. 3 passed\\x3b 0 failed")

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

# The allocator benchmark under QEMU (issue 9, docs/bench.md): prints TSC
# cycles per call for every allocator and the boot figures; functional only.
list(APPEND KEEL_KERNEL_TESTS bench_heap)
set(KEEL_KERNEL_TEST_SOURCES_bench_heap bench_heap.c ${PROJECT_SOURCE_DIR}/tests/bench/workloads.c)
set(KEEL_KERNEL_TEST_ARGS_bench_heap --timeout 240
    --expect-serial "bench_heap: boot: [0-9]+ TSC cycles"
    --expect-serial "bench_heap: done")
