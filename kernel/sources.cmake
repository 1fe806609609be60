# Kernel-only sources (CPU-specific code, consoles, entry). kernel/main.c is
# not here: it is the production kernel_main, linked by keel.elf only.
set(KEEL_KERNEL_SOURCES
    kernel/start.c
    kernel/init.c
    kernel/panic.c
    kernel/print.c
    kernel/console/console.c
    kernel/console/serial.c
    kernel/console/vga.c
    kernel/arch/x86_64/irq.c
    kernel/arch/x86_64/qemu_exit.c
)
