/*
 * The kernel image's own mapping. The boot code maps the kernel with 2 MiB
 * pages, writable and executable; kernel_map_init() replaces that with 4 KiB
 * pages that say what each part is — text read-only and executable, rodata
 * read-only, data and bss writable and never executable (where the CPU has
 * NX) — and leaves the page below the kernel stack unmapped, so that a stack
 * overflow faults instead of silently overwriting the data below it.
 */
#ifndef KEEL_ARCH_X86_64_KERNEL_MAP_H
#define KEEL_ARCH_X86_64_KERNEL_MAP_H

#include <stdint.h>

void kernel_map_init(void);
/* Removes the identity map of low memory that only the 32-bit boot code
 * needed (boot_pml4's first entry): from here on a NULL (or any low)
 * pointer faults. */
void kernel_map_drop_identity(void);

/* Linker symbols (boot/linker.ld). */
extern char __kernel_text_start[], __kernel_text_end[];
extern char __kernel_rodata_start[], __kernel_rodata_end[];
extern char __kernel_data_start[], __kernel_data_end[];
extern char __kernel_phys_start[], __kernel_phys_end[];
extern char kernel_stack_guard[], kernel_stack_bottom[], kernel_stack_top[];

#endif
