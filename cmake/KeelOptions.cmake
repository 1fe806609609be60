# Build options a user may tune, with their defaults in one place.
# The host (superbuild) passes each of them on to the kernel build.

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
set(KEEL_QEMU_ACCEL "tcg" CACHE STRING "QEMU accelerator for run and tests: tcg or kvm")
set(KEEL_QEMU_TIMEOUT "60" CACHE STRING "Seconds a kernel test may run before it counts as hung")

# Every option forwarded to the kernel build (see CMakeLists.txt).
set(KEEL_FORWARDED_OPTIONS
    KEEL_ALLOCATOR KEEL_HEAP_START KEEL_HEAP_SIZE KEEL_HEAP_MAX_SIZE)
list(APPEND KEEL_FORWARDED_OPTIONS KEEL_HARDENED)
