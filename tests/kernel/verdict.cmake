# Test and benchmark kernels on a machine without QEMU's isa-debug-exit
# device, as on a real PC (tests/kernel/runner.c): the verdict stays on the
# screen (read from the VGA text buffer) with the counts and the failed
# test's name, and a key reboots the machine, which ends QEMU (-no-reboot).
#
# keel_verdict_test(<name> <iso> [TIMEOUT <s>] SCREEN <texts...> SERIAL <regexes...>)
function(keel_verdict_test name iso)
    cmake_parse_arguments(V "" "TIMEOUT" "SCREEN;SERIAL" ${ARGN})
    if(NOT V_TIMEOUT)
        set(V_TIMEOUT ${KEEL_QEMU_TIMEOUT})
    endif()
    set(args)
    foreach(text IN LISTS V_SCREEN)
        list(APPEND args --expect-screen ${text})
    endforeach()
    foreach(pattern IN LISTS V_SERIAL)
        list(APPEND args --expect-serial ${pattern})
    endforeach()
    keel_qemu_test(kernel.${name} MODE boot TIMEOUT ${V_TIMEOUT} LABELS kernel qemu
        ISO ${KEEL_KERNEL_BINARY_DIR}/tests/kernel/${iso}.iso
        ARGS --no-exit-device ${args}
             --send-keys-after "press a key to reboot" --send-keys ret --expect-qemu-exit)
endfunction()

keel_verdict_test(basic_boot_shows_its_verdict_without_the_exit_device basic_boot
    SCREEN "keel test kernel basic_boot: PASSED" "5 passed, 0 failed"
    SERIAL "test result: ok\\. 5 passed\\x3b 0 failed\n\n keel test kernel basic_boot: PASSED \n5 passed, 0 failed\npress a key to reboot\n")
keel_verdict_test(a_failure_shows_its_name_without_the_exit_device harness_detects_failure
    SCREEN "keel test kernel harness_detects_failure: FAILED"
           "1 passed, 1 failed: deliberately_failing_test (1 not run)"
    SERIAL "test result: FAILED\n\n keel test kernel harness_detects_failure: FAILED \n1 passed, 1 failed: deliberately_failing_test \\(1 not run\\)\npress a key to reboot\n")
# The benchmark's end screen: boot.menu_* in tests/kernel/boot_matrix.cmake.
