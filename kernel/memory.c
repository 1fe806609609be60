#include "kernel/memory.h"

#include "boot/layout.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/kernel_map.h"
#include "lib/panic.h"
#include "lib/print.h"

static struct mb2_info boot_info;
static struct frame_allocator frames;
static struct page_mapper mapper;
static phys_addr_t direct_map_end = BOOT_DIRECT_MAP_SIZE;

struct page_mapper *kernel_mapper(void)
{
    return &mapper;
}

struct frame_allocator *kernel_frames(void)
{
    return &frames;
}

const struct mb2_info *kernel_boot_info(void)
{
    return &boot_info;
}

phys_addr_t kernel_direct_map_end(void)
{
    return direct_map_end;
}

static void flush_tlb_page(virt_addr_t page)
{
    invlpg(page);
}

static void print_size(uint64_t bytes)
{
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
        kprintf("%6lu GiB", bytes >> 30);
    else if (bytes >= (1ull << 20))
        kprintf("%6lu MiB", bytes >> 20);
    else
        kprintf("%6lu KiB", bytes >> 10);
}

void memory_print_map(void)
{
    struct mb2_region_list list = mb2_mmap_list(&boot_info);
    const struct mb2_region_list *map = &list;
    kprintf("memory map (%zu regions, from %s):\n", boot_info.mmap_count,
            boot_info.bootloader_name ? boot_info.bootloader_name : "the boot loader");
    struct mb2_mem_region r;
    for (size_t c = 0; map->next(map->source, &c, &r);) {
        kprintf("  0x%016lx - 0x%016lx ", r.start, r.end);
        print_size(r.end - r.start);
        kprintf("  %s\n", mb2_mmap_type_name(r.type));
    }
}

static void parse_boot_info(const struct boot_handoff *boot)
{
    /* The boot page tables map the first 4 GiB: that much is readable. */
    size_t readable = BOOT_DIRECT_MAP_SIZE - boot->mbi_phys;
    enum mb2_error err = mb2_parse(boot->mbi, readable, &boot_info);
    if (err != MB2_OK)
        panic("multiboot2 information at %#lx is malformed: %s", boot->mbi_phys, mb2_strerror(err));
}

/* Stops with what is free after the boot reservations and what is missing,
 * when that is less than keel needs. */
static void check_free_memory(uint64_t ram_frames)
{
    uint64_t free_kib = frame_count_free(&frames) * PAGE_SIZE >> 10;
    uint64_t need_kib = MEMORY_MIN_FREE_BYTES >> 10;
    if (free_kib >= need_kib)
        return;
    uint64_t ram_kib = ram_frames * PAGE_SIZE >> 10;
    panic("keel needs at least %llu MiB of free memory; this machine has %lu KiB of usable RAM, of "
          "which the kernel, the boot information and %zu boot modules take %lu KiB, leaving %lu "
          "KiB. Give it %lu KiB more memory, or load fewer or smaller modules.",
          MEMORY_MIN_FREE_BYTES >> 20, ram_kib, boot_info.module_count, ram_kib - free_kib,
          free_kib, need_kib - free_kib);
}

/* Sets up the frame allocator over every usable frame of the memory map
 * except those of the kernel image, the boot information, every module and
 * the allocator's own bitmap. Lists are read where the boot information
 * holds them, so any number of map entries and modules is handled. */
static void init_frames(const struct boot_handoff *boot, const struct mb2_region_list *map)
{
    struct mb2_mem_region boot_ranges[3] = {
        /* The whole image, boot page tables and bss included. */
        {(uint64_t)__kernel_phys_start, (uint64_t)__kernel_phys_end, MB2_MEM_RESERVED},
        /* The boot information, the command line and module strings in it. */
        {boot->mbi_phys, boot->mbi_phys + boot_info.total_size, MB2_MEM_RESERVED},
    };
    struct mb2_region_array fixed = {boot_ranges, 2};
    struct mb2_region_list reserved[2] = {mb2_region_array_list(&fixed),
                                          mb2_module_list(&boot_info)};

    size_t bytes = frame_bitmap_bytes(frame_map_limit(map));
    phys_addr_t home;
    if (!frame_find_bitmap_home(map, reserved, 2, bytes, BOOT_DIRECT_MAP_SIZE, &home))
        panic("memory_init: no room for the frame bitmap (%zu bytes) in usable memory below 4 "
              "GiB",
              bytes);
    boot_ranges[fixed.count++] = (struct mb2_mem_region){home, home + bytes, MB2_MEM_RESERVED};

    enum frame_error err =
        frame_allocator_init_from_map(&frames, map, (void *)(PHYS_OFFSET + home), bytes);
    if (err != FRAME_OK)
        panic("memory_init: cannot set up the frame allocator: %s", frame_strerror(err));
    uint64_t ram_frames = frame_count_total(&frames);
    err = frame_reserve_lists(&frames, reserved, 2);
    if (err != FRAME_OK)
        panic("memory_init: cannot reserve the boot ranges: %s", frame_strerror(err));
    check_free_memory(ram_frames);
}

/* The boot tables direct-map the first 4 GiB; map the rest of physical
 * memory with 2 MiB pages. The frame allocator hands out its lowest frames
 * first, so the page tables this needs come from memory that is already
 * direct-mapped. */
static void extend_direct_map(const struct mb2_region_list *map)
{
    phys_addr_t limit = frame_map_limit(map);
    for (phys_addr_t phys = BOOT_DIRECT_MAP_SIZE; phys < limit; phys += PAGE_SIZE_2M) {
        enum map_error err =
            page_map_2m(&mapper, PHYS_OFFSET + phys, phys,
                        PAGE_PRESENT | PAGE_WRITABLE | PAGE_GLOBAL | PAGE_NO_EXECUTE, &frames);
        if (err != MAP_OK)
            panic("memory_init: cannot direct-map physical %#lx: %s", phys, map_strerror(err));
        direct_map_end = phys + PAGE_SIZE_2M;
    }
}

void memory_init(const struct boot_handoff *boot)
{
    parse_boot_info(boot);
    memory_print_map();
    struct mb2_region_list map = mb2_mmap_list(&boot_info);
    init_frames(boot, &map);
    page_mapper_init(&mapper, read_cr3() & PTE_ADDR_MASK, PHYS_OFFSET, cpu_has_nx(),
                     flush_tlb_page);
    extend_direct_map(&map);
    memory_print_frames();
}

void memory_print_frames(void)
{
    kprintf("frames: %lu usable (%lu MiB), %lu free, %lu used\n", frame_count_total(&frames),
            frame_count_total(&frames) * PAGE_SIZE >> 20, frame_count_free(&frames),
            frame_count_used(&frames));
}
