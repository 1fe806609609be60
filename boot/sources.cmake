set(KEEL_BOOT_SOURCES
    boot/multiboot2_header.S
    boot/entry32.S
    boot/entry64.S
)
