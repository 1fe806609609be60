/*
 * keel's kernel_main: what the run target boots.
 */
#include "kernel/kernel.h"
#include "kernel/print.h"

void kernel_main(const struct boot_handoff *boot)
{
    kprintf("Hello World!\n");
    kernel_init(boot);

    kprintf("It did not crash!\n");
    kernel_idle();
}
