# The allocator designs and what they share (tlsf_core: segfit and tlsf);
# the benchmark (tests/bench) compiles these with the vtable's default
# bodies (KEEL_HEAP_ALLOCATOR_SOURCES). dummy and the hardened wrapper apart.
set(KEEL_HEAP_DESIGN_SOURCES
    mm/heap/bump.c
    mm/heap/linked_list.c
    mm/heap/fixed_block.c
    mm/heap/tlsf_core.c
    mm/heap/tlsf_placement.c
    mm/heap/tlsf.c
    mm/heap/segfit.c
    mm/heap/segfit_reclaim.c
)
set(KEEL_HEAP_ALLOCATOR_SOURCES mm/heap/layout.c mm/heap/allocator.c ${KEEL_HEAP_DESIGN_SOURCES})

# Every allocator the global heap may run on. The hardened wrapper: always
# in the host build (its tests need it), in the kernel only when
# KEEL_HARDENED is on (cmake/KeelOptions.cmake).
set(KEEL_HEAP_ALLOCATORS_SOURCES ${KEEL_HEAP_DESIGN_SOURCES} mm/heap/dummy.c)
if(NOT KEEL_KERNEL_BUILD OR KEEL_HARDENED)
    list(APPEND KEEL_HEAP_ALLOCATORS_SOURCES mm/heap/hardened.c)
endif()

# keel_heap_selected(<allocator> <out-var>): generates the build's choice
# of allocator, heap_selected_allocator() (mm/heap/heap.h), from
# mm/heap/selected.c.in into the build tree; <out-var> names the file.
function(keel_heap_selected allocator out)
    get_property(known CACHE KEEL_ALLOCATOR PROPERTY STRINGS)
    if(NOT allocator IN_LIST known)
        message(FATAL_ERROR "unknown allocator '${allocator}' (one of: ${known})")
    endif()
    set(KEEL_HEAP_ALLOCATOR ${allocator})
    set(file ${CMAKE_BINARY_DIR}/mm/heap/selected_${allocator}.c)
    configure_file(${PROJECT_SOURCE_DIR}/mm/heap/selected.c.in ${file} @ONLY)
    set(${out} ${file} PARENT_SCOPE)
endfunction()

# Portable sources of mm/heap/ built into keel_portable and keel_core: the
# global heap's front (layouts, the vtable's default bodies, kalloc, the
# region). The host build adds every allocator and the configured choice
# (host tests test each one); the kernel build adds heap_setup() and links
# the allocators apart, one per kernel (cmake/KernelBuild.cmake).
set(KEEL_HEAP_PORTABLE_SOURCES
    mm/heap/layout.c
    mm/heap/allocator.c
    mm/heap/kalloc.c
    mm/heap/heap.c
)
if(KEEL_KERNEL_BUILD)
    list(APPEND KEEL_HEAP_PORTABLE_SOURCES mm/heap/heap_setup.c)
elseif(DEFINED KEEL_ALLOCATOR) # not in a project that only takes the lists (tests/fuzz)
    keel_heap_selected(${KEEL_ALLOCATOR} keel_heap_selected_source)
    list(APPEND KEEL_HEAP_PORTABLE_SOURCES ${KEEL_HEAP_ALLOCATORS_SOURCES}
         ${keel_heap_selected_source})
endif()
