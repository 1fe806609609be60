# The allocators themselves and what they need (layouts, the vtable's
# default bodies): also what the benchmark compiles (tests/bench).
set(KEEL_HEAP_ALLOCATOR_SOURCES
    mm/heap/layout.c
    mm/heap/allocator.c
    mm/heap/bump.c
    mm/heap/linked_list.c
    mm/heap/fixed_block.c
    mm/heap/tlsf_core.c
    mm/heap/tlsf_placement.c
    mm/heap/tlsf.c
    mm/heap/segfit.c
    mm/heap/segfit_reclaim.c
)

# Portable sources of mm/heap/ (the allocator vtable, every allocator, the
# global kalloc front), built into the kernel and into host tests.
set(KEEL_HEAP_PORTABLE_SOURCES
    ${KEEL_HEAP_ALLOCATOR_SOURCES}
    mm/heap/kalloc.c
    mm/heap/dummy.c
    mm/heap/heap.c
    mm/heap/selected.c
)

# selected.c compiles exactly one KEEL_ALLOCATOR_<NAME> branch (segfit when
# none is defined). The kernel build defines it per kernel ELF
# (cmake/KernelBuild.cmake); for the host build it comes from the
# KEEL_ALLOCATOR option here. Source properties are per directory: this file
# is included from the top-level CMakeLists.txt, where keel_portable is made.
if(NOT KEEL_KERNEL_BUILD AND DEFINED KEEL_ALLOCATOR)
    string(TOUPPER "${KEEL_ALLOCATOR}" KEEL_ALLOCATOR_UPPER)
    set_property(SOURCE mm/heap/selected.c
        APPEND PROPERTY COMPILE_DEFINITIONS KEEL_ALLOCATOR_${KEEL_ALLOCATOR_UPPER})
endif()

# The hardened wrapper: always in the host build (its tests need it), in the
# kernel only when KEEL_HARDENED is on (cmake/KeelOptions.cmake).
if(NOT KEEL_KERNEL_BUILD OR KEEL_HARDENED)
    list(APPEND KEEL_HEAP_PORTABLE_SOURCES mm/heap/hardened.c)
endif()
