/*
 * First 64-bit code at the kernel's linked (higher-half) address: switch to
 * the kernel stack, point GDTR at the GDT's direct-map alias (the identity
 * map is about to go), and call kernel_entry(magic, mbi_phys).
 */
#include "boot/layout.h"

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .global kernel_stack_guard, kernel_stack_bottom, kernel_stack_top
kernel_stack_guard:
    .skip 4096                  /* unmapped once mm remaps the kernel */
kernel_stack_bottom:
    .skip 0x10000
kernel_stack_top:

    .section .rodata
    .balign 8
gdt64_high_ptr:
    .short BOOT_GDT64_SIZE - 1
    .quad boot_gdt64 + PHYS_OFFSET  /* the direct map outlives the identity map */

    .section .text
    .code64
    .global higher_half_entry
higher_half_entry:
    movabs $kernel_stack_top, %rsp
    xor %ebp, %ebp
    lgdt gdt64_high_ptr(%rip)
    mov %edi, %edi              /* upper halves are undefined after the */
    mov %esi, %esi              /* switch from 32-bit code: zero-extend */
    call kernel_entry
1:  cli
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
