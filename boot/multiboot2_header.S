/*
 * The multiboot2 header GRUB looks for in the first 32 KiB of the image.
 * Checked at build time with `grub-file --is-x86-multiboot2`.
 */
#define MB2_MAGIC        0xe85250d6
#define MB2_ARCH_I386    0
#define MB2_TAG_END      0
#define MB2_TAG_CONSOLE_FLAGS 4
#define MB2_TAG_FRAMEBUFFER   5
#define MB2_TAG_OPTIONAL      1
#define MB2_CONSOLE_EGA_TEXT_SUPPORTED (1 << 1)

    .section .multiboot2, "a"
    .balign 8
mb2_header_start:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header_start
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header_start))

    /* keel can drive EGA text mode (BIOS boots with a VGA card keep it:
     * iso/grub.cfg sets gfxpayload=text after loading the kernel)... */
    .balign 8
    .short MB2_TAG_CONSOLE_FLAGS
    .short 0
    .long 12
    .long MB2_CONSOLE_EGA_TEXT_SUPPORTED

    /* ...and a linear framebuffer, any size and depth (UEFI boots, which
     * have no text mode). Optional: GRUB boots keel without one. */
    .balign 8
    .short MB2_TAG_FRAMEBUFFER
    .short MB2_TAG_OPTIONAL
    .long 20
    .long 0                     /* width: no preference */
    .long 0                     /* height */
    .long 32                    /* depth */

    /* End tag. */
    .balign 8
    .short MB2_TAG_END
    .short 0
    .long 8
mb2_header_end:

    .section .note.GNU-stack, "", @progbits
