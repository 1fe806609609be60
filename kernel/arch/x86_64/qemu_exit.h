/*
 * Leaving QEMU from a test kernel through the isa-debug-exit device
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04). QEMU exits with
 * (value << 1) | 1: 33 for success, 35 for failure, which cannot be mistaken
 * for QEMU's own 0 and 1.
 */
#ifndef KEEL_ARCH_X86_64_QEMU_EXIT_H
#define KEEL_ARCH_X86_64_QEMU_EXIT_H

enum qemu_exit_code {
    QEMU_EXIT_SUCCESS = 0x10, /* QEMU exits with 33 */
    QEMU_EXIT_FAILURE = 0x11, /* QEMU exits with 35 */
};

/* Exits QEMU; on a machine without the device, halts instead. */
_Noreturn void qemu_exit(enum qemu_exit_code code);
/* Exits QEMU if the device is there; on a machine without it (a real PC,
 * or QEMU started without it) the write does nothing and this returns. */
void qemu_exit_request(enum qemu_exit_code code);

#endif
