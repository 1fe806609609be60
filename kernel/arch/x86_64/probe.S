/*
 * Probes (probe.h). Each faulting instruction has an entry in the .fixup
 * table: {address of the instruction, address to resume at}. The exception
 * handler looks the faulting RIP up there and resumes at the fixup, which
 * returns -1. probe_execute is different: the fault happens at the target,
 * so the handler recognises the fetch fault by probe_execute's return
 * address on the stack (see exceptions.c).
 */
    .section .text
    .code64

    .global probe_read_u64
probe_read_u64:                 /* rdi = address, rsi = value_out */
.Lread:
    mov (%rdi), %rax
    mov %rax, (%rsi)
    xor %eax, %eax
    ret
.Lread_fixup:
    mov $-1, %eax
    ret

    .global probe_write_u64
probe_write_u64:                /* rdi = address, rsi = value */
.Lwrite:
    mov %rsi, (%rdi)
    xor %eax, %eax
    ret
.Lwrite_fixup:
    mov $-1, %eax
    ret

    .global probe_execute, probe_execute_return
probe_execute:                  /* rdi = address */
    call *%rdi
probe_execute_return:
    xor %eax, %eax
    ret
    .global probe_execute_fixup
probe_execute_fixup:
    mov $-1, %eax
    ret

    .section .fixup, "a"
    .balign 8
    .quad .Lread, .Lread_fixup
    .quad .Lwrite, .Lwrite_fixup

    .section .note.GNU-stack, "", @progbits
