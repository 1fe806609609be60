# Build options a user may tune, with their defaults in one place (both
# builds include this file). The host (superbuild) passes those listed in
# KEEL_FORWARDED_OPTIONS on to the kernel build.

set(KEEL_ALLOCATOR "segfit" CACHE STRING
    "Global heap allocator: segfit, tlsf, linked_list, fixed_block, bump or dummy")
set_property(CACHE KEEL_ALLOCATOR PROPERTY STRINGS segfit tlsf linked_list fixed_block bump dummy)
set(KEEL_HEAP_START "0x444444440000" CACHE STRING "Virtual address of the kernel heap")
set(KEEL_HEAP_SIZE "102400" CACHE STRING "Initial size of the kernel heap in bytes (100 KiB)")
set(KEEL_HEAP_MAX_SIZE "67108864" CACHE STRING
    "Size the heap may grow to on demand, in bytes (64 MiB); equal to KEEL_HEAP_SIZE to disable growth")
# The hardened heap (mm/heap/hardened.h): on unless this is a Release build.
# When off, no hardened code is compiled into the kernel at all.
if(CMAKE_BUILD_TYPE STREQUAL "Release")
    set(keel_hardened_default OFF)
else()
    set(keel_hardened_default ON)
endif()
option(KEEL_HARDENED
    "Wrap the kernel heap in the hardened checker (red zones, quarantine, leak report)"
    ${keel_hardened_default})
set(KEEL_KERNEL_CC "gcc" CACHE STRING "Kernel compiler: gcc or clang")
set(KEEL_QEMU_ACCEL "tcg" CACHE STRING "QEMU accelerator for run and tests: tcg or kvm")
set(KEEL_QEMU_TIMEOUT "60" CACHE STRING "Seconds a kernel test may run before it counts as hung")
option(KEEL_SANITIZE "Build host tests with AddressSanitizer and UBSan" ON)
option(KEEL_FUZZ "Build the heap fuzz targets with clang and smoke-test them" ON)

# Every option forwarded to the kernel build (cmake/KernelProject.cmake).
set(KEEL_FORWARDED_OPTIONS
    KEEL_ALLOCATOR KEEL_HEAP_START KEEL_HEAP_SIZE KEEL_HEAP_MAX_SIZE)
list(APPEND KEEL_FORWARDED_OPTIONS KEEL_HARDENED KEEL_KERNEL_CC)

# Set by the host build for the kernel build, not by hand: where the kernel
# build writes keel.iso (the host build's binary directory).
if(KEEL_KERNEL_BUILD)
    set(KEEL_OUTPUT_DIR ${CMAKE_BINARY_DIR} CACHE PATH "Where keel.iso is written")
endif()
