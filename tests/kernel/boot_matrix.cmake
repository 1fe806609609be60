# The boot matrix: the real keel.iso (not a test image), booted the ways a
# user boots it — {BIOS, UEFI} x {CD, USB stick} x memory sizes — must reach
# "It did not crash!" on serial AND on the screen (VGA text read from
# 0xb8000 under BIOS; under UEFI a screendump compared pixel for pixel with
# the text rendered on the host by the kernel's own font and drawing code).
# OVMF itself needs about 64 MiB, so UEFI boots start there.
#
# keel_boot_test(<name> [ISO <iso>] [REJECT <regex>] <runner arguments...>)
# boots keel.iso (or <iso>) in qemu_run.py's boot mode as the test
# boot.<name>; REJECT fails it wherever the pattern appears
# (keel_qemu_test, cmake/KernelProject.cmake).
function(keel_boot_test name)
    cmake_parse_arguments(B "" "ISO;REJECT" "" ${ARGN})
    if(NOT B_ISO)
        set(B_ISO ${CMAKE_BINARY_DIR}/keel.iso)
    endif()
    keel_qemu_test(boot.${name} MODE boot TIMEOUT 120 LABELS boot qemu ISO ${B_ISO}
        REJECT ${B_REJECT} ARGS ${B_UNPARSED_ARGUMENTS})
endfunction()

# A boot to the end: the demo's last line, and no panic on the way (keel's
# refusals, below, are panics with a message).
set(keel_serial_done --expect-serial "It did not crash!" REJECT "panicked at")
set(keel_demo_done ${keel_serial_done} --expect-screen "It did not crash!")
set(keel_fb_screen --screen framebuffer --screen-check-tool $<TARGET_FILE:screen_check>)

foreach(media cd usb)
    foreach(memory 32M 8G)
        keel_boot_test(bios_${media}_${memory} --firmware bios --media ${media} --memory ${memory}
                       ${keel_demo_done})
    endforeach()
    foreach(memory 64M 8G)
        keel_boot_test(uefi_${media}_${memory} --firmware uefi --media ${media} --memory ${memory}
                       ${keel_demo_done} ${keel_fb_screen})
    endforeach()
endforeach()
keel_boot_test(bios_cd_4G --memory 4G ${keel_demo_done})

# CPUs keel must refuse, or must boot without optional features.
keel_boot_test(cpu_without_long_mode_gets_a_message --cpu qemu64,-lm
    --expect-serial "keel: boot failed: this CPU does not support long mode \\(x86_64\\)\\x3b keel needs a 64-bit CPU\\."
    --expect-screen "keel: boot failed: this CPU does not support long mode")
keel_boot_test(cpu_without_nx_boots --cpu qemu64,-nx ${keel_demo_done})

# Less memory than keel needs: a clear message, not a fault; it says what
# the boot modules take when they are what leaves too little.
keel_boot_test(modules_leave_too_little_memory_gets_a_message
    ISO ${KEEL_KERNEL_BINARY_DIR}/tests/kernel/big_modules.iso --memory 40M
    --expect-serial "keel needs at least 16 MiB of free memory\\x3b this machine has [0-9]+ KiB of usable RAM, of which the kernel, the boot information and 6 boot modules take 2[4-5][0-9][0-9][0-9] KiB, leaving [0-9]+ KiB\\. Give it [0-9]+ KiB more memory, or load fewer or smaller modules\\.")
keel_boot_test(too_little_memory_gets_a_message --memory 12M
    --expect-serial "keel needs at least 16 MiB of free memory\\x3b this machine has [0-9]+ KiB of usable RAM, of which the kernel, the boot information and 0 boot modules take [0-9]+ KiB, leaving [0-9]+ KiB\\. Give it [0-9]+ KiB more memory, or load fewer or smaller modules\\.")

# Machines unlike the ones keel's consoles and keyboard were first written
# for: each must boot to the end and say, in one line, what it went without.
# A UEFI display with no linear framebuffer (GRUB reports one at address 0):
# drawing into it would overwrite the kernel, so keel keeps to serial.
keel_boot_test(uefi_gpu_without_framebuffer_keeps_to_serial --firmware uefi --memory 128M
    --display-device virtio-gpu-pci ${keel_serial_done}
    --expect-serial "console: refused the framebuffer at 0x0 \\([0-9]+x[0-9]+, 32 bpp\\): its address is 0 \\(the display has no linear framebuffer\\)\\x3b serial console only\n")
# A BIOS display without VGA text mode: GRUB's framebuffer instead.
keel_boot_test(bios_display_without_vga_text_uses_the_framebuffer --memory 128M
    --display-device bochs-display ${keel_demo_done} ${keel_fb_screen})
# No PS/2 controller: ACPI says so (q35), or the status port reads 0xff
# (pc, whose ACPI 1.0 FADT says nothing); keel goes on without a keyboard.
set(keel_no_ps2_acpi --expect-serial "keyboard: none \\(ACPI: this machine has no PS/2 controller\\)\\x3b going on without one\n")
keel_boot_test(bios_without_ps2_controller --machine q35,i8042=off ${keel_demo_done}
    ${keel_no_ps2_acpi})
keel_boot_test(uefi_without_ps2_controller --firmware uefi --memory 128M --machine q35,i8042=off
    ${keel_demo_done} ${keel_fb_screen} ${keel_no_ps2_acpi})
keel_boot_test(bios_pc_without_ps2_controller --machine pc,i8042=off ${keel_demo_done}
    --expect-serial "keyboard: none \\(no PS/2 controller answers at port 0x64\\)\\x3b going on without one\n")

# Test kernels on a machine without QEMU's isa-debug-exit device, as on a
# real PC (tests/kernel/runner.c): the verdict stays on the screen with the
# counts and the failed test's name, and a key reboots the machine, which
# ends QEMU (-no-reboot).
# (After the whole line: the screen is checked before the key is sent.)
set(keel_menu_reboots --send-keys-after "press a key to reboot\n" --send-keys ret --expect-qemu-exit)
set(keel_test_isos ${KEEL_KERNEL_BINARY_DIR}/tests/kernel)
keel_boot_test(test_kernel_shows_its_verdict_without_the_exit_device
    ISO ${keel_test_isos}/basic_boot.iso --no-exit-device ${keel_menu_reboots}
    --expect-screen "keel test kernel basic_boot: PASSED" --expect-screen "5 passed, 0 failed"
    --expect-serial "test result: ok\\. 5 passed\\x3b 0 failed\n\n keel test kernel basic_boot: PASSED \n5 passed, 0 failed\npress a key to reboot\n")
keel_boot_test(a_failure_shows_its_name_without_the_exit_device
    ISO ${keel_test_isos}/harness_detects_failure.iso --no-exit-device ${keel_menu_reboots}
    --expect-screen "keel test kernel harness_detects_failure: FAILED"
    --expect-screen "1 passed, 1 failed: deliberately_failing_test (1 not run)"
    --expect-serial "test result: FAILED\n\n keel test kernel harness_detects_failure: FAILED \n1 passed, 1 failed: deliberately_failing_test \\(1 not run\\)\npress a key to reboot\n")

# keel.iso's GRUB menu (iso/keel.cfg), shown with F4 and driven with
# sendkey (qemu_run.py --grub-entry): each entry reaches its end screen on a
# machine without QEMU's exit device, as on a real PC. The menu is on COM1
# too, with its three entries.
set(keel_menu_shown --expect-serial "\\*keel .* keel - heap tests .* keel - heap benchmark ")
# The default entry from CD, the heap tests from a USB stick, under both
# firmwares. The heap tests' banner colours are not the framebuffer check's:
# under UEFI the lines below the banner are checked.
foreach(firmware bios uefi)
    set(banner --expect-screen "keel test kernel heap_tests: PASSED")
    set(screen)
    if(firmware STREQUAL uefi)
        set(banner)
        set(screen ${keel_fb_screen})
    endif()
    keel_boot_test(menu_default_entry_is_the_demo_and_monitor_${firmware} --firmware ${firmware}
        --grub-entry 0 ${keel_menu_shown} ${screen}
        --expect-serial "It did not crash!\nboot: [0-9]+ TSC cycles[^\n]*\nmonitor: type help for the commands\nkeel> "
        --expect-screen "monitor: type help for the commands" REJECT "panicked at")
    keel_boot_test(menu_heap_tests_${firmware} --firmware ${firmware} --media usb --memory 128M
        --grub-entry 1 --no-exit-device ${keel_menu_shown} ${screen} ${banner}
        --expect-serial "running [0-9]+ tests\n.*test result: ok\\. ([0-9]+) passed\\x3b 0 failed\n\n keel test kernel heap_tests: PASSED \n\\1 passed, 0 failed\npress a key to reboot\n"
        --expect-screen " passed, 0 failed" --expect-screen "press a key to reboot"
        ${keel_menu_reboots})
endforeach()
# The benchmark: its summary table (one row per workload) and the banner
# below it, together on the 80x25 screen; from a CD under BIOS, from a USB
# stick under UEFI (whose framebuffer check reads the plain lines only).
set(keel_bench_serial
    --expect-serial "bench_heap: summary \\(TSC cycles per call\\x3b efficiency rows: % of the region used\\)\nworkload( +[a-z_]+){5}\n(random_4M +( +[0-9]+\\.[0-9][0-9] ){5}\n).*(efficiency_4M +( +[0-9]+\\.[0-9][0-9]%){5}\n).*(many_boxes_long_li( +[0-9]+\\.[0-9][0-9] ){5}\n)"
    --expect-serial "test result: ok\\. 1 passed\\x3b 0 failed\n\n keel test kernel bench_heap: PASSED \n1 passed, 0 failed\npress a key to reboot\n"
    --expect-screen "workload                segfit" --expect-screen "many_boxes_long_li")
keel_boot_test(menu_heap_benchmark --grub-entry 2 --no-exit-device --timeout 240 ${keel_menu_shown}
    ${keel_bench_serial} --expect-screen "keel test kernel bench_heap: PASSED" ${keel_menu_reboots})
keel_boot_test(menu_heap_benchmark_uefi --firmware uefi --media usb --grub-entry 2 --no-exit-device
    --timeout 240 ${keel_menu_shown} ${keel_fb_screen} ${keel_bench_serial}
    --expect-screen "press a key to reboot" ${keel_menu_reboots})
