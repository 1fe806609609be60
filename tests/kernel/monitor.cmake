# The monitor on keel.iso (kernel/monitor.h), driven through COM1: every
# command and every kind of bad input, each checked whole from the echoed
# command line to the next prompt. qemu_run.py types one --serial-input line
# per "keel> " prompt; {last:REGEX} is an address the monitor printed.
set(keel_monitor_input)
set(keel_monitor_expect)
# keel_monitor_step(<line> <regex of its output, up to the next prompt>)
function(keel_monitor_step line output)
    list(APPEND keel_monitor_input "--serial-input=${line}")
    list(APPEND keel_monitor_expect --expect-serial "${output}keel> ")
    set(keel_monitor_input "${keel_monitor_input}" PARENT_SCOPE)
    set(keel_monitor_expect "${keel_monitor_expect}" PARENT_SCOPE)
endfunction()

set(hex16 "0x[0-9a-f]{16}")
set(region "  ${hex16} - ${hex16} +[0-9]+ [KMG]iB  [A-Za-z ]+\n")
keel_monitor_step(help "keel> help\ncommands \\(numbers in decimal, or hex with 0x\\):\n  help   +this list\n  mem    +the memory map\n  frames +frame counts and the free frame ranges\n  pt     ADDR +the page-table walk of a virtual address\n  heap   +heap statistics and its live blocks\n  alloc  SIZE \\[ALIGN\\]  allocate a heap block \\(align 16 unless given\\)\n  free   ADDR +free a block alloc gave\n  ticks  +timer ticks since boot\n  reboot +reset the machine\n  halt   +stop the CPU\naddresses to try: 0x444444440000 \\(the heap\\), 0xffffffff8[0-9a-f]+ \\(the monitor's code\\), 0xffff800000000000 \\(the direct map\\)\n")
keel_monitor_step(mem "keel> mem\nmemory map \\([0-9]+ regions, from GRUB [^\n]*\\):\n(${region})+")
keel_monitor_step(frames "keel> frames\nframes: [0-9]+ usable \\([0-9]+ MiB\\), [0-9]+ free, [0-9]+ used\nfree ranges:\n(  ${hex16} - ${hex16}  [0-9]+ frames\n)+")
# The heap's first page: 4 KiB, writable, never executable.
keel_monitor_step("pt 0x444444440000" "keel> pt 0x444444440000\npt 0x444444440000:\n  PML4\\[136\\] = ${hex16} P W[ A]*\n  PDPT\\[273\\] = ${hex16} P W[ A]*\n  PD  \\[ 34\\] = ${hex16} P W[ A]*\n  PT  \\[ 64\\] = 0x8[0-9a-f]{15} P W[ AD]* NX\n  -> phys 0x[0-9a-f]+000 \\(4 KiB page\\)\n")
# The monitor's own code: read-only (no W) and executable (no NX).
keel_monitor_step("pt {last:(0x[0-9a-f]+) \\(the monitor's code\\)}" "keel> pt (0xffffffff8[0-9a-f]+)\npt \\1:\n  PML4\\[511\\] = ${hex16} P W[ A]*\n  PDPT\\[510\\] = ${hex16} P W[ A]*\n  PD  \\[ +[0-9]+\\] = ${hex16} P W[ A]*\n  PT  \\[ *[0-9]+\\] = 0x0[0-9a-f]{15} P[ A]* G\n  -> phys 0x[0-9a-f]+ \\(4 KiB page\\)\n")
# The direct map: 2 MiB pages, phys = virt - PHYS_OFFSET.
keel_monitor_step("pt 0xffff800000201234" "keel> pt 0xffff800000201234\npt 0xffff800000201234:\n  PML4\\[256\\] = ${hex16} P W[ A]*\n  PDPT\\[  0\\] = ${hex16} P W[ A]*\n  PD  \\[  1\\] = ${hex16} P W[ AD]* H[^\n]*\n  -> phys 0x201234 \\(2048 KiB page\\)\n")
keel_monitor_step("pt 0x1000" "keel> pt 0x1000\npt 0x1000:\n  PML4\\[  0\\] = 0x0000000000000000\n  -> not mapped\n")
keel_monitor_step("pt 0x800000000000" "keel> pt 0x800000000000\npt 0x800000000000:\npt: The virtual address is not canonical \\(bits 63\\.\\.47 differ\\)\\.\n")
set(keel_heap_line "heap: 100 KiB at 0x444444440000 \\([a-z_]+ allocator[^\n]*\\)\n")
set(keel_heap_free "  free [0-9]+ bytes, largest free block [0-9]+ bytes\n")
set(keel_live_none "")
set(keel_live_one "")
if(KEEL_HARDENED)
    set(keel_live_none "heap leak report: 0 live allocations, 0 bytes\n")
    set(keel_live_one "heap leak report: 1 live allocation, 100 bytes\n  \\1 Layout \\{ size: 100, align: 16 \\} allocated by 0xffffffff8[0-9a-f]+\n")
endif()
keel_monitor_step(heap "keel> heap\n${keel_heap_line}  region [0-9]+ bytes, in use 0 bytes in 0 blocks \\(peak [0-9]+\\)\n${keel_heap_free}${keel_live_none}")
# alloc, the statistics and live blocks with it, free, and free again.
keel_monitor_step("alloc 100" "keel> alloc 100\nalloc: 0x4444444[0-9a-f]+ \\(100 bytes, align 16\\)\n")
list(APPEND keel_monitor_input --serial-input heap)
list(APPEND keel_monitor_expect --expect-serial "alloc: (0x4444444[0-9a-f]+) \\(100 bytes, align 16\\)\nkeel> heap\n${keel_heap_line}  region [0-9]+ bytes, in use 100 bytes in 1 block \\(peak [0-9]+\\)\n${keel_heap_free}${keel_live_one}keel> ")
keel_monitor_step("free {last:alloc: (0x[0-9a-f]+)}" "keel> free (0x4444444[0-9a-f]+)\nfree: \\1 \\(100 bytes\\) freed\n")
keel_monitor_step("free {last:alloc: (0x[0-9a-f]+)}" "keel> free (0x4444444[0-9a-f]+)\nfree: \\1 is not a live block of alloc's\\x3b refused\n")
keel_monitor_step("free 0x444444440000" "keel> free 0x444444440000\nfree: 0x444444440000 is not a live block of alloc's\\x3b refused\n")
keel_monitor_step("free 0x12z" "keel> free 0x12z\nfree: bad address '0x12z': not a number \\(decimal, or hex with 0x\\)\n")
keel_monitor_step("alloc 64 4096" "keel> alloc 64 4096\nalloc: 0x4444444[0-9a-f]*000 \\(64 bytes, align 4096\\)\n")
# Bad input: a one-line error each, and the prompt back.
keel_monitor_step("frobnicate" "keel> frobnicate\nunknown command 'frobnicate'\\x3b type help for the list\n")
keel_monitor_step("pt 0x12g" "keel> pt 0x12g\npt: bad address '0x12g': not a number \\(decimal, or hex with 0x\\)\n")
keel_monitor_step("alloc 99999999999999999999" "keel> alloc 99999999999999999999\nalloc: bad size '99999999999999999999': more than 64 bits\n")
keel_monitor_step("alloc 0x100000000" "keel> alloc 0x100000000\nalloc: 4294967296 bytes is more than the heap can ever hold \\(65536 KiB\\)\n")
keel_monitor_step("alloc 0" "keel> alloc 0\nalloc: size 0: nothing to allocate\n")
keel_monitor_step("alloc 64 3" "keel> alloc 64 3\nalloc: bad alignment 3: alignment is not a power of two\n")
keel_monitor_step("alloc 64 8192" "keel> alloc 64 8192\nalloc: bad alignment 8192: at most 4096\n")
# As much as the heap may ever grow to (64 MiB): no room left for the
# allocator's own bookkeeping, so it fails after growing, without a panic.
keel_monitor_step("alloc 67108864" "keel> alloc 67108864\nalloc: out of memory: the heap has no block of 67108864 bytes, align 16\n")
keel_monitor_step("pt" "keel> pt\nusage: pt ADDR\n")
keel_monitor_step("ticks now" "keel> ticks now\nusage: ticks\n")
keel_monitor_step("alloc 1 2 3" "keel> alloc 1 2 3\nusage: alloc SIZE \\[ALIGN\\]\n")
keel_monitor_step("" "keel> \n")
# Backspace as serial terminals send it (DEL), echoed as \b \b.
keel_monitor_step("tix\\x7fcks" "keel> tix\\x08 \\x08cks\nticks: [0-9]+ \\([0-9]+\\.[0-9][0-9] s at 100 Hz\\)\n")
# Cursor up (a terminal's ESC [ A) brings the last line back, ready to run.
# The bracket is written \\x5b: CMake does not split a list at a ; that
# follows an unclosed bracket.
list(APPEND keel_monitor_input "--serial-input=\\x1b\\x5bA")
list(APPEND keel_monitor_expect --expect-serial "cks\nticks: [^\n]*\nkeel> ticks\nticks: [0-9]+ \\([0-9]+\\.[0-9][0-9] s at 100 Hz\\)\nkeel> ")
# The monitor keeps 16 blocks (one is live since "alloc 64 4096"): the 16th
# alloc fills the table, the 17th is refused.
foreach(i RANGE 2 15)
    list(APPEND keel_monitor_input --serial-input "alloc 8")
endforeach()
keel_monitor_step("alloc 8" "alloc: 0x4444444[0-9a-f]+ \\(8 bytes, align 16\\)\n")
keel_monitor_step("alloc 8" "keel> alloc 8\nalloc: the monitor holds 16 blocks already\\x3b free one first\n")
# Last: reboot, which must end QEMU (-no-reboot).
list(APPEND keel_monitor_input --serial-input reboot)
list(APPEND keel_monitor_expect --expect-serial "keel> reboot\nrebooting\n")
keel_qemu_test(kernel.keel_iso_monitor_commands MODE boot TIMEOUT ${KEEL_QEMU_TIMEOUT}
    LABELS kernel qemu ISO ${CMAKE_BINARY_DIR}/keel.iso REJECT "panicked at"
    ARGS --expect-qemu-exit ${keel_monitor_input} ${keel_monitor_expect})

# The PS/2 keyboard works the monitor as COM1 does, backspace and cursor up
# (the last line again) included.
keel_qemu_test(kernel.keel_iso_monitor_reads_the_keyboard MODE boot TIMEOUT ${KEEL_QEMU_TIMEOUT}
    LABELS kernel qemu ISO ${CMAKE_BINARY_DIR}/keel.iso REJECT "panicked at"
    ARGS --send-keys-after "keel> " --send-keys "t i x backspace c k s ret up ret"
         --expect-serial "keel> tix\\x08 \\x08cks\nticks: [0-9]+ \\([0-9]+\\.[0-9][0-9] s at 100 Hz\\)\nkeel> ticks\nticks: [0-9]+ \\([0-9]+\\.[0-9][0-9] s at 100 Hz\\)\nkeel> ")

# halt stops the CPU: no prompt after it in the two seconds after, though a
# line is typed.
keel_qemu_test(kernel.keel_iso_monitor_halts MODE boot TIMEOUT ${KEEL_QEMU_TIMEOUT}
    LABELS kernel qemu ISO ${CMAKE_BINARY_DIR}/keel.iso REJECT "panicked at" "halted: switch the machine off or reset it\nkeel> "
    ARGS --serial-input halt --serial-input help --watch-after 2
         --expect-serial "keel> halt\nhalted: switch the machine off or reset it\n")
