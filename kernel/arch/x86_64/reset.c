#include "kernel/arch/x86_64/reset.h"

#include <stdint.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/i8042.h"

#define I8042_STATUS_INPUT_FULL 0x02 /* the controller has not taken the last byte */
#define I8042_CMD_PULSE_RESET   0xfe
#define I8042_WAIT_LIMIT        100000 /* status reads: a missing controller reads 0xff */

static void keyboard_controller_reset(void)
{
    for (unsigned i = 0; i < I8042_WAIT_LIMIT; i++)
        if (!(i8042_read_status() & I8042_STATUS_INPUT_FULL))
            break;
    outb(0x64, I8042_CMD_PULSE_RESET);
    for (unsigned i = 0; i < I8042_WAIT_LIMIT; i++)
        io_wait(); /* about 100 ms for the reset to take */
}

static void triple_fault(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) empty_idt = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
}

_Noreturn void arch_reboot(void)
{
    __asm__ volatile("cli");
    keyboard_controller_reset();
    triple_fault();
    cpu_halt_forever();
}
