/*
 * keel's virtual memory layout, shared by the boot assembly, the linker
 * script (through boot/linker.ld's own copy of KERNEL_VMA) and C.
 *
 *   virtual address                      what                        size
 *   0x0000_0000_0000_0000                unmapped (NULL page and up)
 *   0x0000_4444_4444_0000  HEAP_START    kernel heap (KEEL_HEAP_SIZE, grows up
 *                                        to KEEL_HEAP_MAX_SIZE on demand)
 *   0x0000_7fff_ffff_ffff                end of the lower half
 *   0xffff_8000_0000_0000  PHYS_OFFSET   direct map: all physical memory,
 *                                        virt = phys + PHYS_OFFSET (2 MiB pages)
 *   0xffff_ffff_8000_0000  KERNEL_VMA    the kernel image: phys 0 .. 1 GiB
 *                                        (kernel loaded at phys 2 MiB)
 *
 * The boot code (boot/entry32.S) runs at its physical address, identity
 * mapped; C code never uses the identity map, which kernel_entry() removes.
 */
#ifndef KEEL_BOOT_LAYOUT_H
#define KEEL_BOOT_LAYOUT_H

#define KERNEL_VMA           0xffffffff80000000
#define KERNEL_PHYS_BASE     0x200000
#define PHYS_OFFSET          0xffff800000000000
/* How much physical memory the boot page tables direct-map (and identity
 * map): the first 4 GiB, with 2 MiB pages. mm extends the direct map. */
#define BOOT_DIRECT_MAP_SIZE 0x100000000

/* boot_gdt64 (boot/entry32.S): null, 64-bit code, data. */
#define BOOT_GDT64_SIZE (3 * 8)

#endif
