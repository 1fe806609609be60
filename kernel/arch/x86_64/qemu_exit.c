#include "kernel/arch/x86_64/qemu_exit.h"

#include "kernel/arch/x86_64/cpu.h"

void qemu_exit_request(enum qemu_exit_code code)
{
    outl(0xf4, code);
}

_Noreturn void qemu_exit(enum qemu_exit_code code)
{
    qemu_exit_request(code);
    cpu_halt_forever();
}
