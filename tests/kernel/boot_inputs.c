/* boot_inputs: keel booted by GRUB with a memory map of more than 128
 * entries (200 holes cut with cutmem) and 40 boot modules (the ISO's
 * grub.cfg, made by tests/kernel/CMakeLists.txt). No module frame was
 * allocated while booting, and every frame the allocator can hand out is
 * taken once: none lies in a module, the kernel image or the boot
 * information, and the available regions past the 128th map entry give
 * frames too. */
#include "boot/layout.h"
#include "kernel/arch/x86_64/kernel_map.h"
#include "kernel/memory.h"
#include "tests/kernel/ktest.h"

#define BOOT_MODULES 40
#define MAX_REGIONS  512

/* The modules as the parser's index lookup finds them: the test checks the
 * kernel's reservations, made through mb2_module_list(), against these. */
static struct mb2_module modules[BOOT_MODULES];

KTEST(grub_hands_over_the_long_map_and_every_module)
{
    const struct mb2_info *info = kernel_boot_info();
    KTEST_ASSERT(info->mmap_count > 128);
    KTEST_ASSERT(info->mmap_count <= MAX_REGIONS);
    KTEST_ASSERT_EQ(info->module_count, BOOT_MODULES);
    for (size_t i = 0; i < BOOT_MODULES; i++)
        KTEST_ASSERT(mb2_module_at(info, i, &modules[i]));
}

/* The heap and the page tables took their frames before any test ran:
 * none of them may be a module's. */
KTEST(no_module_frame_was_allocated_during_boot)
{
    const struct mb2_info *info = kernel_boot_info();
    struct mb2_module m;
    for (size_t i = 0; mb2_module_at(info, i, &m); i++)
        for (phys_addr_t p = addr_align_down(m.start, PAGE_SIZE); p < m.end; p += PAGE_SIZE)
            KTEST_ASSERT(!frame_is_allocated(kernel_frames(), p));
}

static bool in_range(phys_addr_t frame, uint64_t start, uint64_t end)
{
    return frame + PAGE_SIZE > start && frame < end;
}

/* True when the frame at phys shares a byte with a module, the kernel image
 * or the boot information. */
static bool is_kept(phys_addr_t phys)
{
    const struct mb2_info *info = kernel_boot_info();
    phys_addr_t mbi = (phys_addr_t)((uintptr_t)info->base - PHYS_OFFSET);
    if (in_range(phys, (uint64_t)__kernel_phys_start, (uint64_t)__kernel_phys_end) ||
        in_range(phys, mbi, mbi + info->total_size))
        return true;
    for (size_t i = 0; i < BOOT_MODULES; i++)
        if (in_range(phys, modules[i].start, modules[i].end))
            return true;
    return false;
}

/* The index of the map entry holding phys, or MAX_REGIONS. */
static size_t region_of(phys_addr_t phys)
{
    const struct mb2_info *info = kernel_boot_info();
    struct mb2_mem_region r;
    for (size_t i = 0; mb2_mmap_entry(info, i, &r); i++)
        if (r.type == MB2_MEM_AVAILABLE && phys >= r.start && phys < r.end)
            return i;
    return MAX_REGIONS;
}

static bool given[MAX_REGIONS];

KTEST(every_frame_handed_out_is_free_ram_and_late_entries_give_frames)
{
    struct frame_allocator *frames = kernel_frames();
    uint64_t free_before = frame_count_free(frames);
    /* Take every frame, chaining them through their first word. */
    phys_addr_t chain = 0, frame;
    uint64_t taken = 0;
    while (frame_alloc(frames, &frame) == FRAME_OK) {
        KTEST_ASSERT(!is_kept(frame));
        size_t region = region_of(frame);
        KTEST_ASSERT(region < MAX_REGIONS);
        given[region] = true;
        *(phys_addr_t *)(PHYS_OFFSET + frame) = chain;
        chain = frame;
        taken++;
    }
    KTEST_ASSERT_EQ(taken, free_before);
    while (chain != 0) {
        phys_addr_t next = *(phys_addr_t *)(PHYS_OFFSET + chain);
        KTEST_ASSERT_EQ(frame_free(frames, chain), FRAME_OK);
        chain = next;
    }
    KTEST_ASSERT_EQ(frame_count_free(frames), free_before);

    /* Each available entry past the 128th that holds a whole free page gave
     * at least one frame: none was cut off. */
    const struct mb2_info *info = kernel_boot_info();
    struct mb2_mem_region r;
    size_t late = 0;
    for (size_t i = 128; mb2_mmap_entry(info, i, &r); i++) {
        uint64_t first;
        if (r.type != MB2_MEM_AVAILABLE || !addr_align_up(r.start, PAGE_SIZE, &first) ||
            first + PAGE_SIZE > r.end || is_kept(first))
            continue;
        KTEST_ASSERT(given[i]);
        late++;
    }
    KTEST_ASSERT(late > 0);
}
