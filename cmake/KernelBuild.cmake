# The kernel side: the kernel ELF, keel.iso, and one ISO per kernel test.
# Configured by the host build through cmake/KernelProject.cmake with
# cmake/toolchain-x86_64-kernel.cmake.
find_program(GRUB_MKRESCUE grub-mkrescue REQUIRED)
find_program(GRUB_FILE grub-file REQUIRED)
find_program(XORRISO xorriso REQUIRED)
find_program(MFORMAT mformat REQUIRED) # mtools: grub-mkrescue needs it for the EFI image

set(KEEL_LINKER_SCRIPT ${PROJECT_SOURCE_DIR}/boot/linker.ld)

include(boot/sources.cmake)
include(kernel/sources.cmake)

# What every kernel object is compiled with: the include root, source paths
# in panic messages relative to the repository (as the blog_os post shows them),
# the heap options and, with KEEL_HARDENED, the hardened heap (heap_setup()
# wraps the allocator, kalloc records callers, test kernels print the leak
# report; off: none of it is compiled).
add_library(keel_kernel_flags INTERFACE)
target_include_directories(keel_kernel_flags INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(keel_kernel_flags INTERFACE -fmacro-prefix-map=${PROJECT_SOURCE_DIR}/=)
target_compile_definitions(keel_kernel_flags INTERFACE
    KEEL_HEAP_START=${KEEL_HEAP_START}ull
    KEEL_HEAP_SIZE=${KEEL_HEAP_SIZE}ull
    KEEL_HEAP_MAX_SIZE=${KEEL_HEAP_MAX_SIZE}ull)
if(KEEL_HARDENED)
    target_compile_definitions(keel_kernel_flags INTERFACE KEEL_HARDENED=1)
endif()

# Everything but the entry point (kernel_main) and the allocators: the
# production kernel and every test kernel link this. An object library, not
# an archive: nothing references the multiboot2 header, yet it must be linked.
add_library(keel_core OBJECT
    ${KEEL_BOOT_SOURCES} ${KEEL_KERNEL_SOURCES} ${KEEL_PORTABLE_SOURCES}
    ${KEEL_LIB_KERNEL_SOURCES})
target_link_libraries(keel_core PUBLIC keel_kernel_flags PRIVATE keel_warnings)
# memmove's backward loop must not be turned into a call to memmove.
set_source_files_properties(lib/kstring.c PROPERTIES COMPILE_OPTIONS
    $<$<C_COMPILER_ID:GNU>:-fno-tree-loop-distribute-patterns>)

# The heap library, keel::heap (mm/heap/CMakeLists.txt), the same target
# other programs use, compiled with the kernel's flags. An archive: the
# linker takes from it only what a kernel references, i.e. the allocator its
# generated selection names and what that one is built on
# (kernel.<name>_links_one_allocator checks it). Its port (heap_port.h) is
# keel_core's panic_at, irq_* and lib/kstring.c.
add_subdirectory(mm/heap)
target_link_libraries(keel_heap_objects PRIVATE keel_kernel_flags)

# keel_iso(<name> ELF <target> [GRUB_CFG <file>] [FILES <files...>] [OUTPUT_DIR <dir>])
# Builds <name>.iso from a kernel ELF target with grub-mkrescue: the GRUB
# configuration (default iso/grub.cfg) and any further files in /boot/.
function(keel_iso name)
    cmake_parse_arguments(I "" "ELF;GRUB_CFG;OUTPUT_DIR" "FILES" ${ARGN})
    if(NOT I_GRUB_CFG)
        set(I_GRUB_CFG ${PROJECT_SOURCE_DIR}/iso/grub.cfg)
    endif()
    if(NOT I_OUTPUT_DIR)
        set(I_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
    endif()
    set(iso ${I_OUTPUT_DIR}/${name}.iso)
    add_custom_command(OUTPUT ${iso}
        COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/scripts/make_iso.sh $<TARGET_FILE:${I_ELF}>
                ${I_GRUB_CFG} ${iso} ${CMAKE_CURRENT_BINARY_DIR}/${name}.isowork ${I_FILES}
        DEPENDS ${I_ELF} ${I_GRUB_CFG} ${I_FILES} ${PROJECT_SOURCE_DIR}/cmake/scripts/make_iso.sh
                ${PROJECT_SOURCE_DIR}/iso/video.cfg
        COMMENT "Building ${name}.iso (BIOS + UEFI)"
        VERBATIM)
    add_custom_target(${name}_iso ALL DEPENDS ${iso})
endfunction()

# keel_kernel(<name> SOURCES <files...> [ALLOCATOR <name>] [OUTPUT_DIR <dir>]
#             [GRUB_CFG <file>] [FILES <files...>])
# Links a kernel ELF from keel_core, <files> (which provide kernel_main) and
# the allocator ALLOCATOR (default KEEL_ALLOCATOR), checks its multiboot2
# header with grub-file, and builds <name>.iso.
function(keel_kernel name)
    cmake_parse_arguments(K "" "ALLOCATOR;OUTPUT_DIR;GRUB_CFG" "SOURCES;DEFINITIONS;FILES" ${ARGN})
    if(NOT K_ALLOCATOR)
        set(K_ALLOCATOR ${KEEL_ALLOCATOR})
    endif()
    keel_heap_selected(${K_ALLOCATOR} selected)

    add_executable(${name}.elf ${K_SOURCES} ${selected})
    target_link_libraries(${name}.elf PRIVATE keel_core keel::heap keel_warnings)
    target_compile_definitions(${name}.elf PRIVATE ${K_DEFINITIONS})
    target_link_options(${name}.elf PRIVATE -T ${KEEL_LINKER_SCRIPT})
    set_target_properties(${name}.elf PROPERTIES LINK_DEPENDS ${KEEL_LINKER_SCRIPT})
    add_custom_command(TARGET ${name}.elf POST_BUILD
        COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/scripts/check_multiboot2.sh $<TARGET_FILE:${name}.elf>
        VERBATIM)
    keel_iso(${name} ELF ${name}.elf GRUB_CFG "${K_GRUB_CFG}" FILES ${K_FILES}
             OUTPUT_DIR "${K_OUTPUT_DIR}")
endfunction()

# keel.iso, for a USB stick: the GRUB menu of iso/keel.cfg boots keel (the
# default), the heap tests or the benchmark, kernels of tests/kernel.
set(keel_menu_kernels heap_tests.elf bench_heap.elf)
set(keel_menu_files)
foreach(elf IN LISTS keel_menu_kernels)
    list(APPEND keel_menu_files $<TARGET_FILE:${elf}>)
endforeach()
keel_kernel(keel SOURCES kernel/main.c OUTPUT_DIR ${KEEL_OUTPUT_DIR}
    GRUB_CFG ${PROJECT_SOURCE_DIR}/iso/keel.cfg FILES ${keel_menu_files})

# A gdb command file for the debug target.
configure_file(${PROJECT_SOURCE_DIR}/cmake/keel.gdb.in ${CMAKE_BINARY_DIR}/keel.gdb @ONLY)

add_subdirectory(tests/kernel)
add_dependencies(keel_iso ${keel_menu_kernels})
