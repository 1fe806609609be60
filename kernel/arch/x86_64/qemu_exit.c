#include "kernel/arch/x86_64/qemu_exit.h"

#include "kernel/arch/x86_64/cpu.h"

_Noreturn void qemu_exit(enum qemu_exit_code code)
{
    outl(0xf4, code);
    cpu_halt_forever();
}
