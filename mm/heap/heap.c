#include "mm/heap/heap.h"

#include "lib/panic.h"
#include "mm/heap/kalloc.h"

static struct heap_config config;
static const struct page_mapper *mapper;
static struct frame_allocator *frames;
static size_t mapped;
static size_t freed_since_check;
static bool growth_enabled = true;

#define HEAP_PAGE_FLAGS (PAGE_PRESENT | PAGE_WRITABLE | PAGE_NO_EXECUTE)

const char *heap_strerror(enum heap_error err)
{
    switch (err) {
    case HEAP_OK:
        return "no error";
    case HEAP_ERR_BAD_CONFIG:
        return "invalid heap configuration (start not page-aligned, or sizes zero or out of order)";
    case HEAP_ERR_FRAME_ALLOCATION_FAILED:
        return "out of physical frames for the heap";
    case HEAP_ERR_PAGE_ALREADY_MAPPED:
        return "a page of the heap's range is already mapped";
    case HEAP_ERR_PARENT_HUGE_PAGE:
        return "the heap's range lies inside a huge page";
    case HEAP_ERR_MAPPING_FAILED:
        return "mapping a heap page failed";
    case HEAP_ERR_ALLOCATOR_INIT:
        return "the allocator refused the heap region";
    }
    return "unknown heap error";
}

static enum heap_error from_map_error(enum map_error err)
{
    switch (err) {
    case MAP_OK:
        return HEAP_OK;
    case MAP_ERR_FRAME_ALLOCATION_FAILED:
        return HEAP_ERR_FRAME_ALLOCATION_FAILED;
    case MAP_ERR_PAGE_ALREADY_MAPPED:
        return HEAP_ERR_PAGE_ALREADY_MAPPED;
    case MAP_ERR_PARENT_HUGE_PAGE:
        return HEAP_ERR_PARENT_HUGE_PAGE;
    default:
        return HEAP_ERR_MAPPING_FAILED;
    }
}

/* Unmaps [start, end) page by page, returning frames and emptied tables. */
static void unmap_range(virt_addr_t start, virt_addr_t end)
{
    for (virt_addr_t page = start; page < end; page += PAGE_SIZE) {
        phys_addr_t frame;
        if (page_unmap_and_free_tables(mapper, page, &frame, frames) == MAP_OK)
            frame_free(frames, frame);
    }
}

/* Maps [start, end) to fresh frames; on failure undoes its own work. */
static enum heap_error map_range(virt_addr_t start, virt_addr_t end)
{
    for (virt_addr_t page = start; page < end; page += PAGE_SIZE) {
        phys_addr_t frame;
        enum map_error err = MAP_ERR_FRAME_ALLOCATION_FAILED;
        if (frame_alloc(frames, &frame) == FRAME_OK) {
            err = page_map(mapper, page, frame, HEAP_PAGE_FLAGS, frames);
            if (err != MAP_OK)
                frame_free(frames, frame);
        }
        if (err != MAP_OK) {
            unmap_range(start, page);
            return from_map_error(err);
        }
    }
    return HEAP_OK;
}

static bool config_is_valid(const struct heap_config *c)
{
    uint64_t end;
    return addr_is_aligned(c->start, PAGE_SIZE) && c->initial_size > 0 &&
           c->max_size >= c->initial_size && !__builtin_add_overflow(c->start, c->max_size, &end);
}

/* The heap's grow hook (kalloc_heap.grow, called under the heap lock with
 * the installed allocator `a`): maps enough pages for `layout` after the
 * end — the padded request plus alignment slack and room for the
 * allocator's block headers — but at least as much as the heap has now
 * (geometric growth keeps the number of grow calls logarithmic). */
static bool heap_grow(const struct allocator *a, struct layout layout)
{
    if (!growth_enabled || mapped >= config.max_size)
        return false;
    size_t room = config.max_size - mapped;
    size_t want;
    if (__builtin_add_overflow(layout.size, layout.align + 4 * PAGE_SIZE, &want) || want > room)
        return false;
    if (want < mapped)
        want = mapped;
    if (want > room)
        want = room;
    uint64_t grow;
    if (!addr_align_up(want, PAGE_SIZE, &grow) || grow > room)
        grow = room - room % PAGE_SIZE;
    if (grow == 0)
        return false;

    virt_addr_t old_end = config.start + mapped;
    if (map_range(old_end, old_end + grow) != HEAP_OK)
        return false;
    if (!allocator_extend(a, grow)) {
        unmap_range(old_end, old_end + grow);
        return false;
    }
    mapped += grow;
    return true;
}

/* Shrinks the region so that `keep` bytes of free tail are left (whole
 * pages, never below the initial size), then unmaps from the top down;
 * pages below one that does not unmap go back to the allocator. Returns the
 * bytes unmapped. Called under the heap lock. */
static size_t trim_locked(const struct allocator *a, size_t keep)
{
    size_t tail = allocator_free_tail(a);
    if (tail <= keep)
        return 0;
    size_t less = addr_align_down(tail - keep, PAGE_SIZE);
    if (less > mapped - config.initial_size)
        less = mapped - config.initial_size;
    if (less == 0 || !allocator_shrink(a, less))
        return 0;
    virt_addr_t end = config.start + mapped, new_end = end - less, page = end;
    for (; page > new_end; page -= PAGE_SIZE) {
        phys_addr_t frame;
        if (page_unmap_and_free_tables(mapper, page - PAGE_SIZE, &frame, frames) != MAP_OK)
            break;
        frame_free(frames, frame);
    }
    if (page > new_end && !allocator_extend(a, page - new_end))
        panic("heap: the allocator refused %zu bytes it had just given back",
              (size_t)(page - new_end));
    mapped -= end - page;
    return end - page;
}

/* The heap's release hook (kalloc_heap.released, under the heap lock):
 * looks at the free tail after every HEAP_TRIM_CHECK_BYTES freed. */
static void heap_released(const struct allocator *a, size_t bytes)
{
    freed_since_check += bytes;
    if (freed_since_check < HEAP_TRIM_CHECK_BYTES)
        return;
    freed_since_check = 0;
    if (allocator_free_tail(a) >= HEAP_TRIM_THRESHOLD)
        trim_locked(a, HEAP_TRIM_KEEP);
}

static void trim_all(const struct allocator *a, void *released)
{
    *(size_t *)released = trim_locked(a, 0);
}

size_t heap_trim(void)
{
    size_t released = 0;
    kalloc_with_lock(trim_all, &released);
    return released;
}

enum heap_error heap_init(const struct heap_config *cfg, const struct page_mapper *m,
                          struct frame_allocator *f, struct allocator a)
{
    uint64_t size;
    if (!config_is_valid(cfg) || !addr_align_up(cfg->initial_size, PAGE_SIZE, &size))
        return HEAP_ERR_BAD_CONFIG;
    config = *cfg;
    /* Whole pages only; the initial size rounded up may pass max_size. */
    config.max_size = addr_align_down(cfg->max_size, PAGE_SIZE);
    if (config.max_size < size)
        config.max_size = size;
    mapper = m;
    frames = f;
    enum heap_error err = map_range(cfg->start, cfg->start + size);
    if (err != HEAP_OK)
        return err;
    if (allocator_init(&a, (void *)cfg->start, size) != ALLOCATOR_INIT_OK) {
        unmap_range(cfg->start, cfg->start + size);
        return HEAP_ERR_ALLOCATOR_INIT;
    }
    mapped = size;
    config.initial_size = size;
    freed_since_check = 0;
    struct kalloc_heap heap = {.allocator = a, .grow = heap_grow, .released = heap_released};
    kalloc_install(heap);
    return HEAP_OK;
}

size_t heap_size(void)
{
    return mapped;
}

void heap_set_growth(bool enabled)
{
    growth_enabled = enabled;
}

const char *heap_describe_address(uint64_t address)
{
    if (mapped == 0 || address < config.start)
        return NULL;
    uint64_t offset = address - config.start;
    if (offset < mapped)
        return "the kernel heap";
    if (offset < config.max_size)
        return "the kernel heap's unmapped growth area (past its current end)";
    return NULL;
}
