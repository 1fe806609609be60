/*
 * kernel_init: brings the machine up in dependency order. Each step may use
 * everything before it.
 */
#include "kernel/kernel.h"

void kernel_init(const struct boot_handoff *boot)
{
    (void)boot;
}
