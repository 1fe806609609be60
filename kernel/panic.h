/*
 * The kernel side of lib/panic.h. panic() prints
 *     panicked at '<message>', <file>:<line>
 * on every console (white on red on screen), then calls the panic hook if one
 * is set (test kernels use it to pass or fail the running test and exit
 * QEMU), and halts the CPU for good.
 */
#ifndef KEEL_KERNEL_PANIC_H
#define KEEL_KERNEL_PANIC_H

#include "lib/panic.h"

typedef void (*panic_hook_fn)(const char *message, const char *file, int line);

void panic_set_hook(panic_hook_fn hook);

#endif
