/*
 * frame_map: setting up the frame allocator from the boot memory map, and
 * placing its bitmap before any allocator exists. See frame.h.
 */
#include "mm/frame.h"

phys_addr_t frame_map_limit(const struct mb2_region_list *map)
{
    phys_addr_t limit = 0;
    struct mb2_mem_region r;
    for (size_t c = 0; map->next(map->source, &c, &r);)
        if (r.type == MB2_MEM_AVAILABLE && r.end > r.start && r.end > limit)
            limit = r.end;
    if (limit > PHYS_ADDR_LIMIT)
        limit = PHYS_ADDR_LIMIT;
    return addr_align_down(limit, PAGE_SIZE);
}

enum frame_error frame_allocator_init_from_map(struct frame_allocator *fa,
                                               const struct mb2_region_list *map, void *storage,
                                               size_t bytes)
{
    enum frame_error err = frame_allocator_init(fa, frame_map_limit(map), storage, bytes);
    if (err != FRAME_OK)
        return err;
    struct mb2_mem_region r;
    for (size_t c = 0; map->next(map->source, &c, &r);)
        if (r.type == MB2_MEM_AVAILABLE)
            frame_add_usable(fa, r.start, r.end);
    /* Nothing is allocated yet, so these cannot fail. */
    for (size_t c = 0; map->next(map->source, &c, &r);)
        if (r.type != MB2_MEM_AVAILABLE)
            (void)frame_reserve(fa, r.start, r.end);
    return frame_count_total(fa) == 0 ? FRAME_ERR_NO_USABLE_MEMORY : FRAME_OK;
}

enum frame_error frame_reserve_lists(struct frame_allocator *fa,
                                     const struct mb2_region_list *lists, size_t m)
{
    struct mb2_mem_region r;
    for (size_t i = 0; i < m; i++) {
        for (size_t c = 0; lists[i].next(lists[i].source, &c, &r);) {
            enum frame_error err = frame_reserve(fa, r.start, r.end);
            if (err != FRAME_OK)
                return err;
        }
    }
    return FRAME_OK;
}

/* The highest end of the ranges that want overlaps -- a region of the
 * reserved lists or a map region that is not available -- or 0 for none. */
static phys_addr_t conflict_end(const struct mb2_region_list *map,
                                const struct mb2_region_list *reserved, size_t m,
                                struct mem_range want)
{
    phys_addr_t end = 0;
    struct mb2_mem_region r;
    for (size_t i = 0; i < m; i++)
        for (size_t c = 0; reserved[i].next(reserved[i].source, &c, &r);)
            if (mem_range_overlaps(want, (struct mem_range){r.start, r.end}) && r.end > end)
                end = r.end;
    for (size_t c = 0; map->next(map->source, &c, &r);)
        if (r.type != MB2_MEM_AVAILABLE &&
            mem_range_overlaps(want, (struct mem_range){r.start, r.end}) && r.end > end)
            end = r.end;
    return end;
}

/* The lowest fitting address inside available region r; false if none. */
static bool home_in_region(const struct mb2_region_list *map,
                           const struct mb2_region_list *reserved, size_t m, size_t bytes,
                           phys_addr_t below, struct mb2_mem_region r, phys_addr_t *out)
{
    phys_addr_t lo = r.start < FRAME_LOW_MEMORY_END ? FRAME_LOW_MEMORY_END : r.start;
    phys_addr_t hi = r.end < below ? r.end : below;
    if (!addr_align_up(lo, PAGE_SIZE, &lo))
        return false;
    /* Each step moves past the end of a conflicting range, so it ends. */
    while (lo < hi && bytes <= hi - lo) {
        phys_addr_t end = conflict_end(map, reserved, m, (struct mem_range){lo, lo + bytes});
        if (end == 0) {
            *out = lo;
            return true;
        }
        if (!addr_align_up(end, PAGE_SIZE, &lo))
            return false;
    }
    return false;
}

bool frame_find_bitmap_home(const struct mb2_region_list *map,
                            const struct mb2_region_list *reserved, size_t m, size_t bytes,
                            phys_addr_t below, phys_addr_t *out)
{
    bool found = false;
    if (bytes == 0)
        return false;
    struct mb2_mem_region r;
    for (size_t c = 0; map->next(map->source, &c, &r);) {
        phys_addr_t at;
        if (r.type != MB2_MEM_AVAILABLE || !home_in_region(map, reserved, m, bytes, below, r, &at))
            continue;
        if (!found || at < *out)
            *out = at;
        found = true;
    }
    return found;
}
