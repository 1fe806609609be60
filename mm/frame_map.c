/*
 * frame_map: setting up the frame allocator from the boot memory map, and
 * placing its bitmap before any allocator exists. See frame.h.
 */
#include "mm/frame.h"

phys_addr_t frame_map_limit(const struct mb2_mem_region *regions, size_t n)
{
    phys_addr_t limit = 0;
    for (size_t i = 0; i < n; i++) {
        if (regions[i].type == MB2_MEM_AVAILABLE && regions[i].end > regions[i].start &&
            regions[i].end > limit)
            limit = regions[i].end;
    }
    if (limit > PHYS_ADDR_LIMIT)
        limit = PHYS_ADDR_LIMIT;
    return addr_align_down(limit, PAGE_SIZE);
}

enum frame_error frame_allocator_init_from_map(struct frame_allocator *fa,
                                               const struct mb2_mem_region *regions, size_t n,
                                               const struct mem_range *reserved, size_t m,
                                               void *storage, size_t bytes)
{
    enum frame_error err = frame_allocator_init(fa, frame_map_limit(regions, n), storage, bytes);
    if (err != FRAME_OK)
        return err;
    for (size_t i = 0; i < n; i++)
        if (regions[i].type == MB2_MEM_AVAILABLE)
            frame_add_usable(fa, regions[i].start, regions[i].end);
    /* Nothing is allocated yet, so these cannot fail. */
    for (size_t i = 0; i < n; i++)
        if (regions[i].type != MB2_MEM_AVAILABLE)
            (void)frame_reserve(fa, regions[i].start, regions[i].end);
    for (size_t i = 0; i < m; i++)
        (void)frame_reserve(fa, reserved[i].start, reserved[i].end);
    return frame_count_total(fa) == 0 ? FRAME_ERR_NO_USABLE_MEMORY : FRAME_OK;
}

/* The end of a range that [start, start + bytes) overlaps, or 0 for none:
 * a reserved[] range or a region that is not available. */
static phys_addr_t conflict_end(const struct mb2_mem_region *regions, size_t n,
                                const struct mem_range *reserved, size_t m, struct mem_range want)
{
    for (size_t i = 0; i < m; i++)
        if (mem_range_overlaps(want, reserved[i]))
            return reserved[i].end;
    for (size_t i = 0; i < n; i++) {
        struct mem_range r = {regions[i].start, regions[i].end};
        if (regions[i].type != MB2_MEM_AVAILABLE && mem_range_overlaps(want, r))
            return r.end;
    }
    return 0;
}

/* The lowest fitting address inside available region r; false if none. */
static bool home_in_region(const struct mb2_mem_region *regions, size_t n,
                           const struct mem_range *reserved, size_t m, size_t bytes,
                           phys_addr_t below, struct mb2_mem_region r, phys_addr_t *out)
{
    phys_addr_t lo = r.start < FRAME_LOW_MEMORY_END ? FRAME_LOW_MEMORY_END : r.start;
    phys_addr_t hi = r.end < below ? r.end : below;
    if (!addr_align_up(lo, PAGE_SIZE, &lo))
        return false;
    /* Each step moves past the end of a conflicting range, so it ends. */
    while (lo < hi && bytes <= hi - lo) {
        phys_addr_t end = conflict_end(regions, n, reserved, m, (struct mem_range){lo, lo + bytes});
        if (end == 0) {
            *out = lo;
            return true;
        }
        if (!addr_align_up(end, PAGE_SIZE, &lo))
            return false;
    }
    return false;
}

bool frame_find_bitmap_home(const struct mb2_mem_region *regions, size_t n,
                            const struct mem_range *reserved, size_t m, size_t bytes,
                            phys_addr_t below, phys_addr_t *out)
{
    bool found = false;
    if (bytes == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        phys_addr_t at;
        if (regions[i].type != MB2_MEM_AVAILABLE ||
            !home_in_region(regions, n, reserved, m, bytes, below, regions[i], &at))
            continue;
        if (!found || at < *out)
            *out = at;
        found = true;
    }
    return found;
}
