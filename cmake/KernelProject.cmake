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
set(KEEL_KERNEL_CC "gcc" CACHE STRING "Kernel compiler: gcc or clang")

ExternalProject_Add(kernel
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${KEEL_KERNEL_BINARY_DIR}
    CMAKE_GENERATOR ${CMAKE_GENERATOR}
    CMAKE_ARGS
        -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchain-x86_64-kernel.cmake
        -DKEEL_KERNEL_CC=${KEEL_KERNEL_CC}
        -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
        -DKEEL_OUTPUT_DIR=${CMAKE_BINARY_DIR}
        -DKEEL_QEMU_ACCEL=${KEEL_QEMU_ACCEL}
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

# Kernel tests: one ISO each, booted under QEMU by the runner script.
include(${PROJECT_SOURCE_DIR}/tests/kernel/tests.cmake)
foreach(test ${KEEL_KERNEL_TESTS} ${KEEL_KERNEL_TEST_VARIANTS})
    set(iso ${KEEL_KERNEL_TEST_ISO_${test}})
    if(NOT iso)
        set(iso ${test})
    endif()
    add_test(NAME kernel.${test}
        COMMAND ${KEEL_QEMU_RUN} --mode test --timeout ${KEEL_QEMU_TIMEOUT}
                --iso ${KEEL_KERNEL_BINARY_DIR}/tests/kernel/${iso}.iso
                ${KEEL_KERNEL_TEST_ARGS_${test}})
    set_tests_properties(kernel.${test} PROPERTIES TIMEOUT 300 LABELS "kernel;qemu")
endforeach()
# A heap_allocation counterpart of `cargo test --test heap_allocation`.
add_custom_target(test_heap_allocation
    COMMAND ${KEEL_QEMU_RUN} --mode test --verbose --timeout ${KEEL_QEMU_TIMEOUT}
            --iso ${KEEL_KERNEL_BINARY_DIR}/tests/kernel/heap_allocation.iso
    DEPENDS kernel USES_TERMINAL)

# The real keel.iso (not a test image) boots and prints the blog_os post's demo,
# then the boot figure.
set(KEEL_DEMO_OUTPUT
    "Hello World!\n.*heap_value at 0x4444444[0-9a-f]+\nvec at 0x4444444[0-9a-f]+\ncurrent reference count is 2\nreference count is 1 now\nIt did not crash!\nboot: [0-9]+ TSC cycles from kernel entry to the line above\n")
add_test(NAME kernel.keel_iso_prints_the_seed_demo
    COMMAND ${KEEL_QEMU_RUN} --mode boot --timeout ${KEEL_QEMU_TIMEOUT}
            --iso ${CMAKE_BINARY_DIR}/keel.iso --expect-serial ${KEEL_DEMO_OUTPUT}
            --reject-serial "panicked at")
set_tests_properties(kernel.keel_iso_prints_the_seed_demo PROPERTIES TIMEOUT 300 LABELS "kernel;qemu")

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
