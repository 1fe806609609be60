/*
 * Interrupt entry stubs for vectors 0-47 (CPU exceptions and the two 8259
 * PICs' IRQs). Each stub makes the stack look the same — an error code (0
 * when the CPU pushes none) and the vector number on top of the CPU's frame —
 * then isr_common saves every general-purpose register and calls
 * interrupt_dispatch(struct interrupt_frame *). The frame layout is
 * struct interrupt_frame in kernel/arch/x86_64/interrupts.h.
 */


    .section .text
    .code64

.macro isr_stub vector
    .balign 16
isr_stub_\vector:
    .if !((\vector == 8) || (\vector >= 10 && \vector <= 14) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30))
    pushq $0
    .endif
    pushq $\vector
    jmp isr_common
.endm

#define ALL_VECTORS 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .irp vector, ALL_VECTORS
    isr_stub \vector
    .endr

isr_common:
    cld
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi              /* 176 bytes pushed since the CPU aligned RSP: still 16-aligned */
    call interrupt_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp               /* vector and error code */
    iretq

    .section .rodata
    .balign 8
    .global isr_stub_table
isr_stub_table:
    .irp vector, ALL_VECTORS
    .quad isr_stub_\vector
    .endr

    .section .note.GNU-stack, "", @progbits
