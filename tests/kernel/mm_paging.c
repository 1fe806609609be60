/* mm_paging: the frame allocator and the page mapper on the real machine:
 * known translations, a fresh mapping written and read back through the
 * direct map, unmapping that makes the next access fault, and the error
 * values for an already mapped page and for exhausted frames. */
#include "boot/layout.h"
#include "kernel/arch/x86_64/exceptions.h"
#include "kernel/arch/x86_64/kernel_map.h"
#include "kernel/arch/x86_64/probe.h"
#include "kernel/console/vga.h"
#include "kernel/memory.h"
#include "lib/kstring.h"
#include "tests/kernel/ktest.h"

#define TEST_PAGE 0x00007e0000000000ull /* far from anything mapped */

KTEST(translate_vga_buffer_through_the_direct_map)
{
    phys_addr_t phys;
    size_t size;
    KTEST_ASSERT(page_translate(kernel_mapper(), PHYS_OFFSET + VGA_TEXT_PHYS, &phys, &size));
    KTEST_ASSERT_EQ(phys, VGA_TEXT_PHYS);
    KTEST_ASSERT_EQ(size, PAGE_SIZE_2M);
}

KTEST(translate_kernel_code_to_its_load_address)
{
    uint64_t virt = (uint64_t)kernel_init;
    phys_addr_t phys;
    size_t size;
    KTEST_ASSERT(page_translate(kernel_mapper(), virt, &phys, &size));
    KTEST_ASSERT_EQ(phys, virt - KERNEL_VMA);
    KTEST_ASSERT_EQ(size, PAGE_SIZE);
}

KTEST(translate_unmapped_address_fails)
{
    phys_addr_t phys;
    KTEST_ASSERT(!page_translate(kernel_mapper(), TEST_PAGE, &phys, NULL));
    KTEST_ASSERT(!page_translate(kernel_mapper(), 0, &phys, NULL)); /* identity map is gone */
    KTEST_ASSERT(!page_translate(kernel_mapper(), (uint64_t)kernel_stack_guard, &phys, NULL));
}

KTEST(direct_map_covers_the_highest_usable_frame)
{
    const struct mb2_info *info = kernel_boot_info();
    phys_addr_t top = 0;
    for (size_t i = 0; i < info->mmap_count; i++) {
        struct mb2_mem_region r;
        mb2_mmap_entry(info, i, &r);
        if (r.type == MB2_MEM_AVAILABLE && r.end > top)
            top = r.end;
    }
    phys_addr_t phys;
    KTEST_ASSERT(page_translate(kernel_mapper(), PHYS_OFFSET + top - PAGE_SIZE, &phys, NULL));
    KTEST_ASSERT_EQ(phys, top - PAGE_SIZE);
    uint64_t value;
    KTEST_ASSERT_EQ(probe_read_u64((void *)(PHYS_OFFSET + top - 8), &value), 0);
}

KTEST(map_fresh_frame_write_and_read_back_through_direct_map)
{
    struct frame_allocator *frames = kernel_frames();
    phys_addr_t frame;
    KTEST_ASSERT_EQ(frame_alloc(frames, &frame), FRAME_OK);
    uint64_t used = frame_count_used(frames);
    KTEST_ASSERT_EQ(page_map(kernel_mapper(), TEST_PAGE, frame,
                             PAGE_PRESENT | PAGE_WRITABLE | PAGE_NO_EXECUTE, frames),
                    MAP_OK);
    /* The same value through both views of the frame. */
    volatile uint64_t *page = (volatile uint64_t *)TEST_PAGE;
    page[0] = 0xf021f077f021f077ull;
    page[511] = 42;
    volatile uint64_t *direct = (volatile uint64_t *)(PHYS_OFFSET + frame);
    KTEST_ASSERT_EQ(direct[0], 0xf021f077f021f077ull);
    KTEST_ASSERT_EQ(direct[511], 42);
    KTEST_ASSERT(frame_count_used(frames) > used); /* intermediate tables were created */

    phys_addr_t unmapped;
    KTEST_ASSERT_EQ(page_unmap_and_free_tables(kernel_mapper(), TEST_PAGE, &unmapped, frames),
                    MAP_OK);
    KTEST_ASSERT_EQ(unmapped, frame);
    KTEST_ASSERT_EQ(frame_count_used(frames), used); /* and freed again */
    /* The TLB was flushed by page_unmap: the next access faults. */
    uint64_t v;
    KTEST_ASSERT_EQ(probe_read_u64((void *)TEST_PAGE, &v), -1);
    KTEST_ASSERT_EQ(fault_last_caught().address, TEST_PAGE);
    KTEST_ASSERT_EQ(fault_last_caught().error_code, 0);
    KTEST_ASSERT_EQ(frame_free(frames, frame), FRAME_OK);
}

KTEST(mapping_an_already_mapped_page_is_an_error)
{
    struct frame_allocator *frames = kernel_frames();
    phys_addr_t a, b;
    KTEST_ASSERT_EQ(frame_alloc(frames, &a), FRAME_OK);
    KTEST_ASSERT_EQ(frame_alloc(frames, &b), FRAME_OK);
    KTEST_ASSERT_EQ(page_map(kernel_mapper(), TEST_PAGE, a, PAGE_WRITABLE, frames), MAP_OK);
    KTEST_ASSERT_EQ(page_map(kernel_mapper(), TEST_PAGE, b, PAGE_WRITABLE, frames),
                    MAP_ERR_PAGE_ALREADY_MAPPED);
    phys_addr_t phys;
    KTEST_ASSERT(page_translate(kernel_mapper(), TEST_PAGE, &phys, NULL));
    KTEST_ASSERT_EQ(phys, a); /* the old mapping is untouched */
    KTEST_ASSERT_EQ(page_unmap_and_free_tables(kernel_mapper(), TEST_PAGE, &phys, frames), MAP_OK);
    KTEST_ASSERT_EQ(frame_free(frames, a), FRAME_OK);
    KTEST_ASSERT_EQ(frame_free(frames, b), FRAME_OK);
}

KTEST(mapping_inside_a_direct_map_huge_page_is_an_error)
{
    phys_addr_t frame = 0x300000;
    KTEST_ASSERT_EQ(
        page_map(kernel_mapper(), PHYS_OFFSET + 0x301000, frame, PAGE_WRITABLE, kernel_frames()),
        MAP_ERR_PARENT_HUGE_PAGE);
}

KTEST(frame_exhaustion_is_an_error_value)
{
    /* An allocator with no usable frame at all (everything below 1 MiB is
     * never handed out), in a bitmap of its own. */
    static uint64_t storage[64];
    struct frame_allocator empty;
    KTEST_ASSERT_EQ(frame_allocator_init(&empty, 0x100000, storage, sizeof storage), FRAME_OK);
    frame_add_usable(&empty, 0, 0x100000);
    phys_addr_t frame;
    KTEST_ASSERT_EQ(frame_alloc(&empty, &frame), FRAME_ERR_EXHAUSTED);
    /* With no frame for its tables, page_map fails cleanly. */
    KTEST_ASSERT_EQ(page_map(kernel_mapper(), TEST_PAGE, 0x100000, PAGE_WRITABLE, &empty),
                    MAP_ERR_FRAME_ALLOCATION_FAILED);
    phys_addr_t phys;
    KTEST_ASSERT(!page_translate(kernel_mapper(), TEST_PAGE, &phys, NULL));
}

KTEST(frames_are_never_the_kernel_the_boot_info_or_low_memory)
{
    struct frame_allocator *frames = kernel_frames();
    uint64_t kernel_start = (uint64_t)__kernel_phys_start, kernel_end = (uint64_t)__kernel_phys_end;
    static phys_addr_t taken[256];
    size_t n = 0;
    while (n < 256 && frame_alloc(frames, &taken[n]) == FRAME_OK) {
        phys_addr_t f = taken[n++];
        KTEST_ASSERT(f >= 0x100000);
        KTEST_ASSERT(f + PAGE_SIZE <= kernel_start || f >= kernel_end);
    }
    KTEST_ASSERT_EQ(n, 256);
    for (size_t i = 0; i < n; i++)
        KTEST_ASSERT_EQ(frame_free(frames, taken[i]), FRAME_OK);
    KTEST_ASSERT_EQ(frame_free(frames, taken[0]), FRAME_ERR_DOUBLE_FREE);
    KTEST_ASSERT_EQ(frame_free(frames, kernel_start), FRAME_ERR_NOT_USABLE);
}
