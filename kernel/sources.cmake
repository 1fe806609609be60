# Kernel-only sources (CPU-specific code, consoles, entry). kernel/main.c is
# not here: it is the production kernel_main, linked by keel.elf only.
set(KEEL_KERNEL_SOURCES
    kernel/start.c
    kernel/init.c
    kernel/panic.c
    kernel/print.c
    kernel/keyboard.c
    kernel/memory.c
    kernel/console/console.c
    kernel/console/serial.c
    kernel/console/vga.c
    kernel/arch/x86_64/arch_init.c
    kernel/arch/x86_64/exceptions.c
    kernel/arch/x86_64/gdt.c
    kernel/arch/x86_64/idt.c
    kernel/arch/x86_64/interrupts.c
    kernel/arch/x86_64/irq.c
    kernel/arch/x86_64/isr.S
    kernel/arch/x86_64/kernel_map.c
    kernel/arch/x86_64/pic.c
    kernel/arch/x86_64/pit.c
    kernel/arch/x86_64/probe.S
    kernel/arch/x86_64/ps2_keyboard.c
    kernel/arch/x86_64/qemu_exit.c
)
