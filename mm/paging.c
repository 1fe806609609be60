/*
 * paging: the walker and the operations built on it. See paging.h.
 */
#include "mm/paging.h"

#include "lib/kstring.h"
#include "lib/panic.h"

/* Bytes a leaf entry at level maps: 4 KiB, 2 MiB, 1 GiB. */
static uint64_t level_size(enum page_level level)
{
    return PAGE_SIZE << (9 * (level - 1));
}

/* Index of virt's entry in its table at level. */
static size_t level_index(virt_addr_t virt, enum page_level level)
{
    return (size_t)(virt >> (PAGE_SHIFT + 9 * (level - 1))) & (PAGE_ENTRIES - 1);
}

static bool is_canonical(virt_addr_t virt)
{
    uint64_t top = virt >> 47;
    return top == 0 || top == 0x1ffff;
}

/* The table at phys, through the direct map. */
static uint64_t *table_at(const struct page_mapper *m, phys_addr_t phys)
{
    return (uint64_t *)(uintptr_t)(phys + m->phys_offset);
}

static void flush(const struct page_mapper *m, virt_addr_t virt)
{
    if (m->flush != NULL)
        m->flush(virt);
}

/* Flags of a leaf entry: allowed, PRESENT, no address bits, no HUGE. */
static uint64_t leaf_flags(const struct page_mapper *m, uint64_t flags)
{
    return ((flags & m->allowed_flags) & ~PTE_ADDR_MASK & ~PAGE_HUGE) | PAGE_PRESENT;
}

void page_mapper_init(struct page_mapper *m, phys_addr_t pml4, uintptr_t phys_offset,
                      bool nx_enabled, void (*flush_fn)(virt_addr_t page))
{
    m->pml4 = pml4;
    m->phys_offset = phys_offset;
    m->allowed_flags = nx_enabled ? ~(uint64_t)0 : ~PAGE_NO_EXECUTE;
    m->flush = flush_fn;
}

/* Tables created by one walk, undone if a later level cannot be created. */
struct created_tables {
    uint64_t *entry[PAGE_LEVEL_PML4];
    size_t count;
};

static void undo_created(struct created_tables *made, struct frame_allocator *frames)
{
    while (made->count > 0) {
        uint64_t *entry = made->entry[--made->count];
        phys_addr_t table = *entry & PTE_ADDR_MASK;
        *entry = 0; /* was not present before this walk: no flush needed */
        if (frame_free(frames, table) != FRAME_OK)
            panic("page_walk: cannot free the table it just allocated");
    }
}

/* Makes the missing intermediate *entry point to a new zeroed table. */
static enum map_error create_table(const struct page_mapper *m, uint64_t *entry,
                                   struct frame_allocator *frames, uint64_t leaf)
{
    phys_addr_t table;
    if (frame_alloc(frames, &table) != FRAME_OK)
        return MAP_ERR_FRAME_ALLOCATION_FAILED;
    memset(table_at(m, table), 0, PAGE_SIZE);
    *entry = table | PAGE_PRESENT | PAGE_WRITABLE | (leaf & PAGE_USER);
    return MAP_OK;
}

/* page_walk() without the checks and the flush: sets *upgraded when an
 * existing intermediate entry gained PAGE_USER. */
static enum map_error walk_down(const struct page_mapper *m, virt_addr_t virt,
                                enum page_level level, struct frame_allocator *create,
                                uint64_t leaf, uint64_t **entry_out, bool *upgraded)
{
    struct created_tables made = {.count = 0};
    uint64_t *table = table_at(m, m->pml4);
    for (enum page_level lvl = PAGE_LEVEL_PML4; lvl > level; lvl--) {
        uint64_t *entry = &table[level_index(virt, lvl)];
        if (!(*entry & PAGE_PRESENT)) {
            if (create == NULL)
                return MAP_ERR_NOT_MAPPED;
            enum map_error err = create_table(m, entry, create, leaf);
            if (err != MAP_OK) {
                undo_created(&made, create);
                return err;
            }
            made.entry[made.count++] = entry;
        } else if (lvl <= PAGE_LEVEL_PDPT && (*entry & PAGE_HUGE)) {
            *entry_out = entry;
            return MAP_ERR_PARENT_HUGE_PAGE;
        } else if ((leaf & PAGE_USER) && !(*entry & PAGE_USER)) {
            *entry |= PAGE_USER;
            *upgraded = true;
        }
        table = table_at(m, *entry & PTE_ADDR_MASK);
    }
    *entry_out = &table[level_index(virt, level)];
    return MAP_OK;
}

enum map_error page_walk(const struct page_mapper *m, virt_addr_t virt, enum page_level level,
                         struct frame_allocator *create, uint64_t leaf, uint64_t **entry_out)
{
    KASSERT(level >= PAGE_LEVEL_PT && level <= PAGE_LEVEL_PML4);
    if (!is_canonical(virt))
        return MAP_ERR_NON_CANONICAL;
    bool upgraded = false;
    enum map_error err = walk_down(m, virt, level, create, leaf, entry_out, &upgraded);
    if (upgraded)
        flush(m, virt); /* once, however many entries gained USER */
    return err;
}

/* The checks shared by every operation on a leaf of the given level. */
static enum map_error check_virt(virt_addr_t virt, enum page_level level)
{
    if (!is_canonical(virt))
        return MAP_ERR_NON_CANONICAL;
    if (!addr_is_aligned(virt, level_size(level)))
        return MAP_ERR_MISALIGNED;
    return MAP_OK;
}

static enum map_error map_leaf(const struct page_mapper *m, virt_addr_t virt, phys_addr_t phys,
                               uint64_t flags, struct frame_allocator *frames,
                               enum page_level level)
{
    enum map_error err = check_virt(virt, level);
    if (err != MAP_OK)
        return err;
    if (!addr_is_aligned(phys, level_size(level)))
        return MAP_ERR_MISALIGNED;
    if (phys >= PHYS_ADDR_LIMIT)
        return MAP_ERR_PHYS_TOO_LARGE;
    uint64_t leaf = leaf_flags(m, flags) | (level > PAGE_LEVEL_PT ? PAGE_HUGE : 0);
    uint64_t *entry;
    err = page_walk(m, virt, level, frames, leaf, &entry);
    if (err != MAP_OK)
        return err;
    if (*entry & PAGE_PRESENT)
        return MAP_ERR_PAGE_ALREADY_MAPPED;
    *entry = phys | leaf;
    return MAP_OK;
}

enum map_error page_map(const struct page_mapper *m, virt_addr_t virt, phys_addr_t phys,
                        uint64_t flags, struct frame_allocator *frames)
{
    return map_leaf(m, virt, phys, flags, frames, PAGE_LEVEL_PT);
}

enum map_error page_map_2m(const struct page_mapper *m, virt_addr_t virt, phys_addr_t phys,
                           uint64_t flags, struct frame_allocator *frames)
{
    return map_leaf(m, virt, phys, flags, frames, PAGE_LEVEL_PD);
}

/* The present leaf entry of the given level for virt, or an error. */
static enum map_error find_leaf(const struct page_mapper *m, virt_addr_t virt,
                                enum page_level level, uint64_t **entry_out)
{
    enum map_error err = check_virt(virt, level);
    if (err != MAP_OK)
        return err;
    uint64_t *entry;
    err = page_walk(m, virt, level, NULL, 0, &entry);
    if (err != MAP_OK)
        return err;
    bool huge_expected = level > PAGE_LEVEL_PT;
    if (!(*entry & PAGE_PRESENT) || (huge_expected && !(*entry & PAGE_HUGE)))
        return MAP_ERR_NOT_MAPPED;
    *entry_out = entry;
    return MAP_OK;
}

/* Clears the present leaf of the given level for virt; no flush. */
static enum map_error clear_leaf(const struct page_mapper *m, virt_addr_t virt,
                                 enum page_level level, phys_addr_t *frame_out)
{
    uint64_t *entry;
    enum map_error err = find_leaf(m, virt, level, &entry);
    if (err != MAP_OK)
        return err;
    if (frame_out != NULL)
        *frame_out = *entry & PTE_ADDR_MASK & ~(level_size(level) - 1);
    *entry = 0;
    return MAP_OK;
}

static enum map_error unmap_leaf(const struct page_mapper *m, virt_addr_t virt,
                                 enum page_level level, phys_addr_t *frame_out)
{
    enum map_error err = clear_leaf(m, virt, level, frame_out);
    if (err == MAP_OK)
        flush(m, virt);
    return err;
}

enum map_error page_unmap(const struct page_mapper *m, virt_addr_t virt, phys_addr_t *frame_out)
{
    return unmap_leaf(m, virt, PAGE_LEVEL_PT, frame_out);
}

enum map_error page_unmap_2m(const struct page_mapper *m, virt_addr_t virt, phys_addr_t *frame_out)
{
    return unmap_leaf(m, virt, PAGE_LEVEL_PD, frame_out);
}

static bool table_is_empty(const uint64_t *table)
{
    for (size_t i = 0; i < PAGE_ENTRIES; i++)
        if (table[i] != 0)
            return false;
    return true;
}

/*
 * Unlinks the tables on virt's path that are empty and were allocated from
 * frames (lowest level first; never the PML4), storing their frames into
 * tables[]. Returns how many.
 */
static size_t unlink_empty_tables(const struct page_mapper *m, virt_addr_t virt,
                                  struct frame_allocator *frames,
                                  phys_addr_t tables[PAGE_LEVEL_PML4])
{
    size_t n = 0;
    for (enum page_level lvl = PAGE_LEVEL_PT; lvl < PAGE_LEVEL_PML4; lvl++) {
        uint64_t *child, *parent; /* the table holding the lvl entry, and its link */
        if (page_walk(m, virt, lvl, NULL, 0, &child) != MAP_OK ||
            page_walk(m, virt, lvl + 1, NULL, 0, &parent) != MAP_OK)
            panic("page_unmap_and_free_tables: tables changed under the walk");
        phys_addr_t table = *parent & PTE_ADDR_MASK;
        /* A boot table (not the allocator's) stays, and so does its path. */
        if (!table_is_empty(child - level_index(virt, lvl)) || !frame_is_allocated(frames, table))
            break;
        *parent = 0;
        tables[n++] = table;
    }
    return n;
}

enum map_error page_unmap_and_free_tables(const struct page_mapper *m, virt_addr_t virt,
                                          phys_addr_t *frame_out, struct frame_allocator *frames)
{
    enum map_error err = clear_leaf(m, virt, PAGE_LEVEL_PT, frame_out);
    if (err != MAP_OK)
        return err;
    phys_addr_t tables[PAGE_LEVEL_PML4];
    size_t n = unlink_empty_tables(m, virt, frames, tables);
    /* Flush before the tables can be reused: invlpg also drops the cached
     * upper-level entries that still point at them. */
    flush(m, virt);
    for (size_t i = 0; i < n; i++) {
        enum frame_error ferr = frame_free(frames, tables[i]);
        if (ferr != FRAME_OK)
            panic("page_unmap_and_free_tables: %s", frame_strerror(ferr));
    }
    return MAP_OK;
}

enum map_error page_update_flags(const struct page_mapper *m, virt_addr_t virt, uint64_t flags)
{
    uint64_t leaf = leaf_flags(m, flags);
    enum map_error err = check_virt(virt, PAGE_LEVEL_PT);
    if (err != MAP_OK)
        return err;
    uint64_t *entry;
    err = page_walk(m, virt, PAGE_LEVEL_PT, NULL, leaf, &entry);
    if (err != MAP_OK)
        return err;
    if (!(*entry & PAGE_PRESENT))
        return MAP_ERR_NOT_MAPPED;
    uint64_t updated = (*entry & PTE_ADDR_MASK) | leaf;
    if (updated != *entry) {
        *entry = updated;
        flush(m, virt);
    }
    return MAP_OK;
}

bool page_translate(const struct page_mapper *m, virt_addr_t virt, phys_addr_t *phys_out,
                    size_t *page_size_out)
{
    for (enum page_level lvl = PAGE_LEVEL_PDPT; lvl >= PAGE_LEVEL_PT; lvl--) {
        uint64_t *entry;
        if (page_walk(m, virt, lvl, NULL, 0, &entry) != MAP_OK || !(*entry & PAGE_PRESENT))
            return false;
        if (lvl == PAGE_LEVEL_PT || (*entry & PAGE_HUGE)) {
            uint64_t size = level_size(lvl);
            if (phys_out != NULL)
                *phys_out = (*entry & PTE_ADDR_MASK & ~(size - 1)) + (virt & (size - 1));
            if (page_size_out != NULL)
                *page_size_out = (size_t)size;
            return true;
        }
    }
    return false;
}

const char *map_strerror(enum map_error err)
{
    switch (err) {
    case MAP_OK:
        return "no error";
    case MAP_ERR_FRAME_ALLOCATION_FAILED:
        return "No free frame for a page table the mapping needs.";
    case MAP_ERR_PAGE_ALREADY_MAPPED:
        return "The virtual page is already mapped.";
    case MAP_ERR_PARENT_HUGE_PAGE:
        return "A 2 MiB or 1 GiB page already covers the virtual address.";
    case MAP_ERR_MISALIGNED:
        return "The virtual or physical address is not aligned to the page size.";
    case MAP_ERR_NON_CANONICAL:
        return "The virtual address is not canonical (bits 63..47 differ).";
    case MAP_ERR_NOT_MAPPED:
        return "The virtual page is not mapped.";
    case MAP_ERR_PHYS_TOO_LARGE:
        return "The physical address is beyond 2^52, the x86_64 limit.";
    }
    return "Unknown page mapping error.";
}
