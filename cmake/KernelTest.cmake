# keel_kernel_test(<name> [SOURCES <files...>] [ALLOCATOR <allocator>]
#                  [GRUB_CFG <file>] [FILES <files...>] [ISO <test>]
#                  [MEMORY <size>] [TIMEOUT <seconds>] [EXPECT_EXIT success|failure]
#                  [EXPECT <regex...>] [ARGS <runner arguments...>])
#
# Everything about one kernel test, in one call that both builds read
# (tests/kernel/tests.cmake):
#
# - the kernel build links <name>.elf from tests/kernel/runner.c and SOURCES
#   (default <name>.c) over ALLOCATOR (default KEEL_ALLOCATOR), and makes
#   <name>.iso with GRUB_CFG (default iso/grub.cfg) and FILES in /boot/;
#   ISO <test> builds nothing: the test boots that test's ISO instead (the
#   same kernel on another machine: MEMORY, ARGS);
# - the host build registers the CTest test kernel.<name> (labels kernel,
#   qemu) and, with ALLOCATOR, kernel.<name>_links_one_allocator; the first boots the ISO with MEMORY (default 128M) of RAM and passes
#   if the kernel exits QEMU with EXPECT_EXIT (default success: every test
#   of the kernel passed) within TIMEOUT seconds (default KEEL_QEMU_TIMEOUT)
#   and every EXPECT pattern is in its serial log. ARGS go to the runner
#   (cmake/scripts/qemu_run.py) as they are.
#
# EXPECT patterns are Python regular expressions in which a dot matches
# newlines too; write ; as \\x3b (CMake splits lists at ;).
function(keel_kernel_test name)
    cmake_parse_arguments(T "" "ALLOCATOR;GRUB_CFG;ISO;MEMORY;TIMEOUT;EXPECT_EXIT"
                          "SOURCES;FILES;EXPECT;ARGS" ${ARGN})
    if(T_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "keel_kernel_test(${name}): unknown arguments ${T_UNPARSED_ARGUMENTS}")
    endif()
    if(KEEL_KERNEL_BUILD)
        if(NOT T_ISO)
            keel_kernel_test_image(${name} "${T_SOURCES}" "${T_ALLOCATOR}" "${T_GRUB_CFG}"
                                   "${T_FILES}")
        endif()
        return()
    endif()

    set(iso ${name})
    if(T_ISO)
        set(iso ${T_ISO})
    endif()
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT ${KEEL_QEMU_TIMEOUT})
    endif()
    set(args ${T_ARGS})
    if(T_MEMORY)
        list(APPEND args --memory ${T_MEMORY})
    endif()
    if(T_EXPECT_EXIT)
        list(APPEND args --expect-exit ${T_EXPECT_EXIT})
    endif()
    foreach(pattern IN LISTS T_EXPECT)
        list(APPEND args --expect-serial ${pattern})
    endforeach()
    keel_qemu_test(kernel.${name} MODE test TIMEOUT ${T_TIMEOUT} LABELS kernel qemu
        ISO ${KEEL_KERNEL_BINARY_DIR}/tests/kernel/${iso}.iso ARGS ${args})
    if(T_ALLOCATOR AND NOT T_ISO)
        keel_one_allocator_test(${name} tests/kernel/${name}.elf ${T_ALLOCATOR})
    endif()
endfunction()

# The kernel build's half: <name>.elf and <name>.iso (keel_kernel,
# cmake/KernelBuild.cmake). Relative sources are in tests/kernel/.
function(keel_kernel_test_image name sources allocator grub_cfg files)
    if(NOT sources)
        set(sources ${name}.c)
    endif()
    keel_kernel(${name}
        SOURCES runner.c ${sources}
        ALLOCATOR "${allocator}"
        DEFINITIONS KTEST_SUITE="${name}"
        GRUB_CFG "${grub_cfg}"
        FILES ${files})
    # Tests run in the order of their .ktests entries: keep it the source
    # order even when optimising (gcc and clang reorder globals otherwise).
    target_compile_options(${name}.elf PRIVATE -fno-toplevel-reorder)
endfunction()
