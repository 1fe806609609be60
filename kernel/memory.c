#include "kernel/memory.h"

#include "boot/layout.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/kernel_map.h"
#include "kernel/print.h"
#include "lib/panic.h"

#define MAX_REGIONS  128
#define MAX_RESERVED (4 + 16)

static struct mb2_info boot_info;
static struct frame_allocator frames;
static struct page_mapper mapper;
static struct mb2_mem_region regions[MAX_REGIONS];
static size_t region_count;

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

static void print_memory_map(void)
{
    kprintf("memory map (%zu regions, from %s):\n", region_count,
            boot_info.bootloader_name ? boot_info.bootloader_name : "the boot loader");
    for (size_t i = 0; i < region_count; i++) {
        const struct mb2_mem_region *r = &regions[i];
        kprintf("  0x%016lx - 0x%016lx ", r->start, r->end);
        print_size(r->end - r->start);
        kprintf("  %s\n", mb2_mmap_type_name(r->type));
    }
}

static void parse_boot_info(const struct boot_handoff *boot)
{
    /* The boot page tables map the first 4 GiB: that much is readable. */
    size_t readable = BOOT_DIRECT_MAP_SIZE - boot->mbi_phys;
    enum mb2_error err = mb2_parse(boot->mbi, readable, &boot_info);
    if (err != MB2_OK)
        panic("multiboot2 information at %#lx is malformed: %s", boot->mbi_phys, mb2_strerror(err));
    region_count = mb2_mmap_copy(&boot_info, regions, MAX_REGIONS);
}

/* What the frame allocator must never hand out, besides non-available
 * regions and the first 1 MiB (which it skips by itself). */
static size_t collect_reserved(const struct boot_handoff *boot, struct mem_range *out)
{
    size_t n = 0;
    /* The whole image, boot page tables and bss included. */
    out[n++] = (struct mem_range){(uint64_t)__kernel_phys_start, (uint64_t)__kernel_phys_end};
    out[n++] = (struct mem_range){boot->mbi_phys, boot->mbi_phys + boot_info.total_size};
    for (size_t i = 0; i < boot_info.module_count && n < MAX_RESERVED - 1; i++) {
        struct mb2_module m;
        if (mb2_module_at(&boot_info, i, &m))
            out[n++] = (struct mem_range){m.start, m.end};
    }
    return n;
}

static void init_frames(const struct boot_handoff *boot)
{
    struct mem_range reserved[MAX_RESERVED];
    size_t n = collect_reserved(boot, reserved);
    size_t bytes = frame_bitmap_bytes(frame_map_limit(regions, region_count));
    phys_addr_t home;
    if (!frame_find_bitmap_home(regions, region_count, reserved, n, bytes, BOOT_DIRECT_MAP_SIZE,
                                &home))
        panic("memory_init: no room for the frame bitmap (%zu bytes) in usable memory below 4 "
              "GiB",
              bytes);
    reserved[n++] = (struct mem_range){home, home + bytes};
    enum frame_error err = frame_allocator_init_from_map(&frames, regions, region_count, reserved,
                                                         n, (void *)(PHYS_OFFSET + home), bytes);
    if (err != FRAME_OK)
        panic("memory_init: cannot set up the frame allocator: %s", frame_strerror(err));

    uint64_t free_bytes = frame_count_free(&frames) * PAGE_SIZE;
    if (free_bytes < MEMORY_MIN_FREE_BYTES)
        panic("keel needs at least %llu MiB of free memory; this machine has %lu KiB usable. Give "
              "it more memory (QEMU: -m 32M or more).",
              MEMORY_MIN_FREE_BYTES >> 20, free_bytes >> 10);
}

/* The boot tables direct-map the first 4 GiB; map the rest of physical
 * memory with 2 MiB pages. The frame allocator hands out its lowest frames
 * first, so the page tables this needs come from memory that is already
 * direct-mapped. */
static void extend_direct_map(void)
{
    phys_addr_t limit = frame_map_limit(regions, region_count);
    for (phys_addr_t phys = BOOT_DIRECT_MAP_SIZE; phys < limit; phys += PAGE_SIZE_2M) {
        enum map_error err =
            page_map_2m(&mapper, PHYS_OFFSET + phys, phys,
                        PAGE_PRESENT | PAGE_WRITABLE | PAGE_GLOBAL | PAGE_NO_EXECUTE, &frames);
        if (err != MAP_OK)
            panic("memory_init: cannot direct-map physical %#lx: %s", phys, map_strerror(err));
    }
}

void memory_init(const struct boot_handoff *boot)
{
    parse_boot_info(boot);
    print_memory_map();
    init_frames(boot);
    page_mapper_init(&mapper, read_cr3() & PTE_ADDR_MASK, PHYS_OFFSET, cpu_has_nx(),
                     flush_tlb_page);
    extend_direct_map();
    kprintf("frames: %lu usable (%lu MiB), %lu free, %lu used\n", frame_count_total(&frames),
            frame_count_total(&frames) * PAGE_SIZE >> 20, frame_count_free(&frames),
            frame_count_used(&frames));
}
