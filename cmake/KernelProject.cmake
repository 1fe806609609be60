# Drives the kernel build (cmake/KernelBuild.cmake) from the host build as an
# external project with the freestanding toolchain, and registers the QEMU
# tests of its ISOs with CTest.
include(ExternalProject)

set(KEEL_KERNEL_BINARY_DIR ${CMAKE_BINARY_DIR}/kernel)
set(keel_forward)
foreach(opt ${KEEL_FORWARDED_OPTIONS})
    list(APPEND keel_forward "-D${opt}=${${opt}}")
endforeach()
if(NOT CMAKE_BUILD_TYPE)
    set(CMAKE_BUILD_TYPE Debug)
endif()

ExternalProject_Add(kernel
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${KEEL_KERNEL_BINARY_DIR}
    CMAKE_GENERATOR ${CMAKE_GENERATOR}
    CMAKE_ARGS
        -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchain-x86_64-kernel.cmake
        -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
        -DKEEL_OUTPUT_DIR=${CMAKE_BINARY_DIR}
        ${keel_forward}
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    USES_TERMINAL_BUILD ON)

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(KEEL_QEMU_RUN ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/cmake/scripts/qemu_run.py
    --accel ${KEEL_QEMU_ACCEL})

# User-facing targets: the ISO, booting it, debugging it.
add_custom_target(iso DEPENDS kernel)
add_custom_target(run
    COMMAND ${KEEL_QEMU_RUN} --mode run --iso ${CMAKE_BINARY_DIR}/keel.iso
    DEPENDS kernel USES_TERMINAL)
add_custom_target(debug
    COMMAND ${KEEL_QEMU_RUN} --mode debug --iso ${CMAKE_BINARY_DIR}/keel.iso
            --gdb-script ${KEEL_KERNEL_BINARY_DIR}/keel.gdb
    DEPENDS kernel USES_TERMINAL)

# keel_qemu_test(<test> ISO <iso> MODE test|boot TIMEOUT <seconds> LABELS <labels...>
#                [REJECT <regex...>] [ARGS <runner arguments...>])
# One CTest test that boots <iso> with the runner, which decides on what
# CTest cannot see: QEMU's exit code (isa-debug-exit), every expected serial
# pattern (all of them, with back-references), the screen, and no verdict
# after TIMEOUT seconds (CTest's own TIMEOUT is the backstop). A REJECT
# pattern fails the test wherever it appears in the serial log the runner
# prints: CTest's FAIL_REGULAR_EXPRESSION; in boot mode the runner stops
# waiting when one appears (CTest and Python both read these patterns: keep
# to what their syntaxes share).
function(keel_qemu_test name)
    cmake_parse_arguments(Q "" "ISO;MODE;TIMEOUT" "LABELS;REJECT;ARGS" ${ARGN})
    set(stop_on)
    foreach(pattern IN LISTS Q_REJECT)
        list(APPEND stop_on --stop-on ${pattern})
    endforeach()
    add_test(NAME ${name}
        COMMAND ${KEEL_QEMU_RUN} --mode ${Q_MODE} --timeout ${Q_TIMEOUT} --iso ${Q_ISO}
                ${stop_on} ${Q_ARGS})
    set_tests_properties(${name} PROPERTIES TIMEOUT 300 LABELS "${Q_LABELS}")
    if(Q_REJECT)
        set_tests_properties(${name} PROPERTIES FAIL_REGULAR_EXPRESSION "${Q_REJECT}")
    endif()
endfunction()

# Each kernel links the one allocator it was built with: keel.elf the
# configured one, each test kernel built with another (keel_kernel_test's
# ALLOCATOR) its own.
function(keel_one_allocator_test kernel elf allocator)
    add_test(NAME kernel.${kernel}_links_one_allocator
        COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/scripts/check_allocator_symbols.sh
                ${KEEL_KERNEL_BINARY_DIR}/${elf} ${allocator})
    set_tests_properties(kernel.${kernel}_links_one_allocator PROPERTIES LABELS kernel)
endfunction()
keel_one_allocator_test(keel keel.elf ${KEEL_ALLOCATOR})

# Kernel tests: one ISO each (keel_kernel_test() in tests/kernel/tests.cmake).
include(${PROJECT_SOURCE_DIR}/tests/kernel/tests.cmake)
# A heap_allocation counterpart of `cargo test --test heap_allocation`.
add_custom_target(test_heap_allocation
    COMMAND ${KEEL_QEMU_RUN} --mode test --verbose --timeout ${KEEL_QEMU_TIMEOUT}
            --iso ${KEEL_KERNEL_BINARY_DIR}/tests/kernel/heap_allocation.iso
    DEPENDS kernel USES_TERMINAL)

# The real keel.iso (not a test image) boots and prints the blog_os post's demo,
# then the boot figure.
set(KEEL_DEMO_OUTPUT
    "Hello World!\n.*heap_value at 0x4444444[0-9a-f]+\nvec at 0x4444444[0-9a-f]+\ncurrent reference count is 2\nreference count is 1 now\nIt did not crash!\nboot: [0-9]+ TSC cycles from kernel entry to the line above\n")
keel_qemu_test(kernel.keel_iso_prints_the_blog_os_demo MODE boot TIMEOUT ${KEEL_QEMU_TIMEOUT}
    LABELS kernel qemu ISO ${CMAKE_BINARY_DIR}/keel.iso REJECT "panicked at"
    ARGS --expect-serial ${KEEL_DEMO_OUTPUT})

include(${PROJECT_SOURCE_DIR}/tests/kernel/monitor.cmake)
include(${PROJECT_SOURCE_DIR}/tests/kernel/boot_matrix.cmake)

# The debug workflow: gdb attaches, loads symbols, stops in kernel_main.
find_program(GDB gdb)
if(GDB)
    add_test(NAME kernel.gdb_stops_in_kernel_main
        COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/scripts/gdb_check.sh ${CMAKE_BINARY_DIR}/keel.iso
                ${KEEL_KERNEL_BINARY_DIR}/keel.elf)
    set_tests_properties(kernel.gdb_stops_in_kernel_main PROPERTIES TIMEOUT 120 LABELS "kernel;qemu")
endif()

# The hardened heap is in keel.elf exactly when KEEL_HARDENED is on: a
# Release kernel carries none of it (docs/hardening.md).
add_test(NAME kernel.hardened_symbols_follow_the_option
    COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/scripts/check_hardened_symbols.sh
            ${KEEL_KERNEL_BINARY_DIR}/keel.elf ${KEEL_HARDENED})
set_tests_properties(kernel.hardened_symbols_follow_the_option PROPERTIES LABELS kernel)

