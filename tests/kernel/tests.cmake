# The kernel tests, each declared once with keel_kernel_test()
# (cmake/KernelTest.cmake) and read by both builds: the kernel build makes
# tests/kernel/<name>.iso from runner.c and the test's sources; the host
# build turns each into the CTest test kernel.<name>, booted by
# cmake/scripts/qemu_run.py.
include(${PROJECT_SOURCE_DIR}/cmake/KernelTest.cmake)

keel_kernel_test(basic_boot EXPECT "test result: ok\\. 5 passed\\x3b 0 failed")

# The runner must see the failing test reported and QEMU exit with failure:
# this proves a failing kernel test cannot pass silently.
keel_kernel_test(harness_detects_failure EXPECT_EXIT failure EXPECT
    "harness_detects_failure::deliberately_failing_test\\.\\.\\.\t[^\n]*\n\\[failed\\]"
    "assertion failed: 1 \\+ 1 == 3 \\(left: 0x2, right: 0x3\\)"
    "test result: FAILED")

keel_kernel_test(cpu_exceptions)
keel_kernel_test(stack_overflow EXPECT "EXCEPTION: DOUBLE FAULT \\(vector 8\\)")
keel_kernel_test(page_fault_report)
keel_kernel_test(keyboard_input
    ARGS --send-keys-after "keyboard: ready"
         --send-keys "shift-h e l l o comma spc k e e l shift-1 ret"
    EXPECT "keyboard: ready\n[^\n]*Hello, keel!\n")

# The page-table tests, and the same kernel on machines of other sizes.
keel_kernel_test(mm_paging)
keel_kernel_test(mm_paging_32M ISO mm_paging MEMORY 32M)
keel_kernel_test(mm_paging_4G ISO mm_paging MEMORY 4G)
keel_kernel_test(mm_paging_8G ISO mm_paging MEMORY 8G)

keel_kernel_test(collections)

# The heap tests once per allocator that can pass them (bump cannot:
# many_boxes_long_lived keeps it from ever resetting); heap_allocation runs
# on the configured allocator (KEEL_ALLOCATOR).
keel_kernel_test(heap_allocation EXPECT "${KEEL_ALLOCATOR} allocator")
foreach(allocator tlsf linked_list fixed_block)
    keel_kernel_test(heap_allocation_${allocator} SOURCES heap_allocation.c ALLOCATOR ${allocator}
        EXPECT "${allocator} allocator")
endforeach()
keel_kernel_test(heap_oom)
keel_kernel_test(heap_dummy ALLOCATOR dummy)

# The heap gives memory back: grown past 32 MiB, then emptied.
keel_kernel_test(heap_trim MEMORY 128M EXPECT "test result: ok\\. 2 passed\\x3b 0 failed")

# A fault past the heap's end names the heap (heap_describe_address).
keel_kernel_test(heap_fault_report)

# The hardened heap (KEEL_HARDENED, on in Debug builds): one should-panic
# kernel per bad act, each checking the whole report; the test prints the
# block's address first, and the report must name that same address (\\1).
# Callers are return addresses in the kernel's text (0xffffffff8...).
if(KEEL_HARDENED)
    set(keel_text "0xffffffff8[0-9a-f]+")
    set(keel_panic "panicked at 'hardened heap: ")
    keel_kernel_test(heap_hardened EXPECT
        "allocator, hardened, grows to"
        "leaking (0x[0-9a-f]+) .*heap leak report: [0-9]+ live allocations?, [0-9]+ bytes\n  \\1 Layout \\{ size: 24, align: 8 \\} allocated by ${keel_text}\n")
    keel_kernel_test(heap_hardened_double_free EXPECT
        "block (0x[0-9a-f]+) .*${keel_panic}double free of \\1 \\(Layout \\{ size: 8, align: 8 \\}\\): already freed by ${keel_text} \\(allocated by ${keel_text}\\)'")
    keel_kernel_test(heap_hardened_foreign_pointer EXPECT
        "pointer (0x[0-9a-f]+) .*${keel_panic}dealloc of \\1 \\(Layout \\{ size: 8, align: 8 \\}\\): not a heap pointer \\(outside the heap region \\[0x444444440000, 0x444444459000\\)\\)'")
    keel_kernel_test(heap_hardened_interior_pointer EXPECT
        "block (0x[0-9a-f]+) .*${keel_panic}dealloc of 0x[0-9a-f]+ \\(Layout \\{ size: 64, align: 8 \\}\\): interior pointer, offset 16 into the live block \\1 \\(Layout \\{ size: 64, align: 8 \\}, allocated by ${keel_text}\\)'")
    keel_kernel_test(heap_hardened_layout_mismatch EXPECT
        "block (0x[0-9a-f]+) .*${keel_panic}dealloc of \\1 \\(Layout \\{ size: 16, align: 8 \\}\\): layout mismatch, the block was allocated with Layout \\{ size: 32, align: 8 \\} by ${keel_text}'")
    keel_kernel_test(heap_hardened_overflow EXPECT
        "block (0x[0-9a-f]+) .*${keel_panic}overflow of block \\1 \\(Layout \\{ size: 8, align: 8 \\}, allocated by ${keel_text}\\): red zone after the block changed at offsets 8\\.\\.8: found 41, expected fb'")
    keel_kernel_test(heap_hardened_underflow EXPECT
        "block (0x[0-9a-f]+) .*${keel_panic}underflow of block \\1 \\(Layout \\{ size: 24, align: 8 \\}, allocated by ${keel_text}\\): red zone before the block changed at offsets -1\\.\\.-1: found 42, expected fb'")
    keel_kernel_test(heap_hardened_write_after_free EXPECT
        "block (0x[0-9a-f]+) .*${keel_panic}write after free to block \\1 \\(Layout \\{ size: 32, align: 8 \\}, freed by ${keel_text}\\): changed at offsets 4\\.\\.4: found 17, expected dd'")
endif()

# A memory map of more than 128 entries (200 holes made by GRUB's cutmem)
# and 40 boot modules: every entry is used, no module is handed out. The
# GRUB configuration and the module are made in tests/kernel/CMakeLists.txt.
keel_kernel_test(boot_inputs
    GRUB_CFG ${CMAKE_CURRENT_BINARY_DIR}/boot_inputs.cfg FILES ${CMAKE_CURRENT_BINARY_DIR}/module_16K
    MEMORY 64M
    EXPECT "memory map \\(2[0-9][0-9] regions" "test result: ok\\. 3 passed\\x3b 0 failed")

# The heap tests that expect no panic, in one kernel: what keel.iso's menu
# entry "keel - heap tests" boots on a real machine (iso/keel.cfg), BIOS or
# UEFI. Not basic_boot: it reads the VGA text buffer, which UEFI machines
# do not have; not heap_hardened: it leaks a block on purpose, which
# collections' leak check at the end would take for a leak.
keel_kernel_test(heap_tests MEMORY 128M
    SOURCES heap_allocation.c heap_trim.c collections.c mm_paging.c
    EXPECT "test result: ok\\. [0-9]+ passed\\x3b 0 failed")

# The allocator benchmark under QEMU (issue 9, docs/bench.md): prints TSC
# cycles per call for every allocator and the boot figures; functional only.
keel_kernel_test(bench_heap SOURCES bench_heap.c ${PROJECT_SOURCE_DIR}/tests/bench/workloads.c
    TIMEOUT 240 EXPECT "bench_heap: boot: [0-9]+ TSC cycles" "bench_heap: done")
