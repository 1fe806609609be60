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

# The heap library, keel::heap (mm/heap/CMakeLists.txt, docs/heap-library.md):
# layouts, the vtable's default bodies, every allocator, the global heap's
# front (kalloc) and the formatter the hardened reports use. Everything else
# it needs is the port (mm/heap/heap_port.h). The kernel links this library.
set(KEEL_HEAP_LIBRARY_SOURCES
    mm/heap/layout.c mm/heap/allocator.c ${KEEL_HEAP_ALLOCATORS_SOURCES} mm/heap/kalloc.c lib/fmt.c)

# Portable sources of mm/heap/ outside the library: the kernel heap's region
# (heap.c, over the page mapper), built into keel_portable and keel_core.
# The kernel build adds heap_setup() and takes the rest from keel::heap,
# which the linker draws one allocator from (cmake/KernelBuild.cmake). The
# host build compiles the library's sources again, with the host tests'
# sanitizers, and the configured choice.
set(KEEL_HEAP_PORTABLE_SOURCES mm/heap/heap.c)
if(KEEL_KERNEL_BUILD)
    list(APPEND KEEL_HEAP_PORTABLE_SOURCES mm/heap/heap_setup.c)
elseif(DEFINED KEEL_ALLOCATOR) # not in a project that only takes the lists (tests/fuzz)
    keel_heap_selected(${KEEL_ALLOCATOR} keel_heap_selected_source)
    list(APPEND KEEL_HEAP_PORTABLE_SOURCES ${KEEL_HEAP_LIBRARY_SOURCES} ${keel_heap_selected_source})
endif()
