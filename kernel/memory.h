/*
 * memory_init: the kernel's memory from the boot information up to a
 * working page mapper. It parses the multiboot2 information (panicking with
 * the parser's reason if it is malformed), prints the memory map, sets up the
 * frame allocator over every usable frame except those holding the kernel
 * image, the boot information, every module and the allocator's own bitmap
 * (stopping with what is missing when too little is left),
 * extends the direct map over all physical memory, and prints the counts.
 */
#ifndef KEEL_KERNEL_MEMORY_H
#define KEEL_KERNEL_MEMORY_H

#include "kernel/kernel.h"
#include "mm/frame.h"
#include "mm/multiboot2.h"
#include "mm/paging.h"

void memory_init(const struct boot_handoff *boot);

/* Prints the memory map as the boot does: "memory map (N regions, from
 * <boot loader>):", then one line per region (valid after memory_init). */
void memory_print_map(void);
/* Prints "frames: N usable (M MiB), F free, U used" (after memory_init). */
void memory_print_frames(void);

/* The kernel's page tables (CR3), through the direct map. */
struct page_mapper *kernel_mapper(void);
/* The physical frame allocator. */
struct frame_allocator *kernel_frames(void);
/* The parsed boot information (valid after memory_init). */
const struct mb2_info *kernel_boot_info(void);
/* Physical memory below this is reachable at PHYS_OFFSET + address: the
 * first 4 GiB from the boot page tables on, every usable frame after
 * memory_init. */
phys_addr_t kernel_direct_map_end(void);

/* Fewer free frames than this and keel stops with a message: it is built
 * and tested for machines of 32 MiB and more. */
#define MEMORY_MIN_FREE_BYTES (16ull << 20)

#endif
