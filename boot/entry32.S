/*
 * The 32-bit entry point. GRUB jumps here in 32-bit protected mode with
 * paging off, EAX = multiboot2 magic, EBX = physical address of the boot
 * information. This code runs at its physical (= virtual) address and:
 *
 *   1. sets up a stack and COM1, so that it can report failure;
 *   2. checks the magic, CPUID, and long mode, printing a clear message on
 *      serial and VGA text and halting if any is missing (never a triple fault);
 *   3. builds the boot page tables: the first 4 GiB identity mapped and
 *      direct-mapped at PHYS_OFFSET, and the first 1 GiB at KERNEL_VMA,
 *      all with 2 MiB pages (no 1 GiB pages needed);
 *   4. enables PAE, long mode (and NX when the CPU has it), paging and
 *      write protection, loads a 64-bit GDT and far-jumps to 64-bit code.
 */
#include "boot/layout.h"
#include "mm/page_flags.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define COM1                 0x3f8
#define VGA_TEXT             0xb8000
#define EFER_MSR             0xc0000080
#define EFER_LME             (1 << 8)
#define EFER_NXE             (1 << 11)

    .section .boot.bss, "aw", @nobits
    .balign 4096
    .global boot_pml4, boot_pdpt_low, boot_pdpt_high, boot_pd
    .global boot_page_tables_start, boot_page_tables_end
boot_page_tables_start:
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096      /* PML4[0] and PML4[256]: physical 0..4 GiB */
boot_pdpt_high: .skip 4096      /* PML4[511]: [510] -> the kernel's 1 GiB */
boot_pd:        .skip 4096 * 4  /* 2048 x 2 MiB */
boot_page_tables_end:
boot_stack32:   .skip 4096
boot_stack32_top:

    .section .boot.data, "aw"
    .balign 8
    .global boot_gdt64, boot_gdt64_end, boot_cpu_has_nx
boot_gdt64:
    .quad 0                     /* null */
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff    /* 0x10: data, DPL 0 */
boot_gdt64_end:
    .if boot_gdt64_end - boot_gdt64 != BOOT_GDT64_SIZE
    .error "BOOT_GDT64_SIZE (boot/layout.h) does not match boot_gdt64"
    .endif
boot_gdt64_ptr:
    .short BOOT_GDT64_SIZE - 1
    .long boot_gdt64
boot_cpu_has_nx:
    .byte 0

msg_no_multiboot:
    .asciz "keel: boot failed: not started by a multiboot2 boot loader (bad magic in EAX). Boot keel.iso with GRUB."
msg_no_cpuid:
    .asciz "keel: boot failed: this CPU does not support the CPUID instruction; keel needs an x86_64 CPU."
msg_no_long_mode:
    .asciz "keel: boot failed: this CPU does not support long mode (x86_64); keel needs a 64-bit CPU."

    .section .boot.text, "ax"
    .code32
    .global _start
_start:
    cli
    cld
    mov $boot_stack32_top, %esp
    mov %eax, %edi              /* magic: cpuid clobbers eax/ebx */
    mov %ebx, %esi              /* boot information */
    call serial32_init

    cmp $MB2_BOOTLOADER_MAGIC, %edi
    jne .Lno_multiboot
    call cpu_has_cpuid
    test %eax, %eax
    jz .Lno_cpuid
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb .Lno_long_mode
    mov $0x80000001, %eax
    cpuid
    test $(1 << 29), %edx
    jz .Lno_long_mode
    bt $20, %edx                /* NX (execute disable) */
    setc boot_cpu_has_nx

    call build_page_tables

    mov %cr4, %eax
    or $(1 << 5), %eax          /* PAE */
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $EFER_MSR, %ecx
    rdmsr
    or $EFER_LME, %eax
    cmpb $0, boot_cpu_has_nx
    je 1f
    or $EFER_NXE, %eax
1:  wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16)), %eax   /* PG, WP */
    mov %eax, %cr0

    lgdt boot_gdt64_ptr
    ljmp $0x08, $long_mode_entry

.Lno_multiboot:
    mov $msg_no_multiboot, %eax
    jmp boot_fail
.Lno_cpuid:
    mov $msg_no_cpuid, %eax
    jmp boot_fail
.Lno_long_mode:
    mov $msg_no_long_mode, %eax
    jmp boot_fail

/* Returns EAX != 0 if the EFLAGS.ID bit (21) can be flipped, i.e. the CPU
 * has CPUID. Preserves EDI/ESI. */
cpu_has_cpuid:
    pushfl
    pop %eax
    mov %eax, %ecx
    xor $(1 << 21), %eax
    push %eax
    popfl
    pushfl
    pop %eax
    push %ecx                   /* restore the original flags */
    popfl
    xor %ecx, %eax
    and $(1 << 21), %eax
    ret

/* Zeroes the tables, then fills them (see the header comment). Preserves
 * EDI/ESI. */
build_page_tables:
    push %edi
    mov $boot_page_tables_start, %edi
    mov $((boot_page_tables_end - boot_page_tables_start) / 4), %ecx
    xor %eax, %eax
    rep stosl
    pop %edi

    mov $boot_pdpt_low, %eax
    or $(PAGE_PRESENT | PAGE_WRITABLE), %eax
    mov %eax, boot_pml4                 /* identity map, removed by C */
    mov %eax, boot_pml4 + 256 * 8       /* direct map at PHYS_OFFSET */
    mov $boot_pdpt_high, %eax
    or $(PAGE_PRESENT | PAGE_WRITABLE), %eax
    mov %eax, boot_pml4 + 511 * 8

    xor %ecx, %ecx                      /* pdpt_low[0..3] -> boot_pd[0..3] */
1:  mov %ecx, %eax
    shl $12, %eax
    add $boot_pd, %eax
    or $(PAGE_PRESENT | PAGE_WRITABLE), %eax
    mov %eax, boot_pdpt_low(, %ecx, 8)
    inc %ecx
    cmp $4, %ecx
    jb 1b
    mov $boot_pd, %eax                  /* KERNEL_VMA -> physical 0 */
    or $(PAGE_PRESENT | PAGE_WRITABLE), %eax
    mov %eax, boot_pdpt_high + 510 * 8

    xor %ecx, %ecx                      /* boot_pd[j] = j * 2 MiB, huge */
2:  mov %ecx, %eax
    shl $21, %eax
    or $(PAGE_PRESENT | PAGE_WRITABLE | PAGE_HUGE), %eax
    mov %eax, boot_pd(, %ecx, 8)
    mov %ecx, %eax
    shr $11, %eax                       /* bits 32+ of j * 2 MiB */
    mov %eax, boot_pd + 4(, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jb 2b
    ret

/* 115200 baud, 8N1, FIFOs on, interrupts off: enough to report failure. */
serial32_init:
    mov $0x00, %al; mov $(COM1 + 1), %dx; out %al, %dx
    mov $0x80, %al; mov $(COM1 + 3), %dx; out %al, %dx
    mov $0x01, %al; mov $(COM1 + 0), %dx; out %al, %dx
    mov $0x00, %al; mov $(COM1 + 1), %dx; out %al, %dx
    mov $0x03, %al; mov $(COM1 + 3), %dx; out %al, %dx
    mov $0xc7, %al; mov $(COM1 + 2), %dx; out %al, %dx
    mov $0x03, %al; mov $(COM1 + 4), %dx; out %al, %dx
    ret

/* Prints the NUL-terminated message at EAX on COM1 and on the first lines
 * of the VGA text screen (white on red), then halts for good. */
boot_fail:
    mov %eax, %esi
    mov $VGA_TEXT, %edi
    xor %ebp, %ebp              /* COM1 not given up on yet (com1_wait) */
1:  movb (%esi), %bl
    test %bl, %bl
    jz 3f
    call com1_wait
    mov %bl, %al
    mov $COM1, %dx
    out %al, %dx
    movb %bl, (%edi)
    movb $0x4f, 1(%edi)
    add $2, %edi
    inc %esi
    jmp 1b
3:  call com1_wait
    mov $'\n', %al
    mov $COM1, %dx
    out %al, %dx
4:  cli
    hlt
    jmp 4b

/* Waits until COM1 can take a byte, but at most SERIAL_POLL_LIMIT status
 * reads (as kernel/console/serial_line.h does); after one such timeout it
 * no longer waits at all (EBP set), so that a UART that never drains
 * cannot slow the VGA line down. Clobbers EAX, ECX, EDX. */
com1_wait:
    test %ebp, %ebp
    jnz 2f
    mov $100000, %ecx
    mov $(COM1 + 5), %dx
1:  in %dx, %al
    test $0x20, %al
    jnz 2f
    loop 1b
    mov $1, %ebp
2:  ret

    .code64
long_mode_entry:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $higher_half_entry, %rax
    jmp *%rax

    .section .note.GNU-stack, "", @progbits
