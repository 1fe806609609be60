/*
 * paging: x86_64 4-level page tables, edited through the direct map.
 *
 *   virtual address (canonical: bits 63..47 all equal)
 *   | 63..48 sign | 47..39 PML4 | 38..30 PDPT | 29..21 PD | 20..12 PT | 11..0 |
 *        level:        4             3            2          1
 *   a level-3 entry with PAGE_HUGE maps 1 GiB, a level-2 one 2 MiB,
 *   a level-1 entry maps 4 KiB.
 *
 * Tables are physical frames; this code reaches them at phys + phys_offset
 * (the direct map) and only ever allocates them from a frame allocator, so
 * it has no CPU-specific code: the kernel passes in the TLB flush.
 *
 * The one primitive is page_walk(): the entry for an address at a level,
 * creating missing tables if asked. Everything else is a thin layer on it.
 *
 * TLB: every change of a present entry calls mapper->flush(page) before the
 * function returns (mapping a not-present entry needs none). Not
 * thread-safe: the caller serialises.
 */
#ifndef KEEL_MM_PAGING_H
#define KEEL_MM_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/addr.h"
#include "mm/frame.h"
#include "mm/page_flags.h"

/* The physical address bits of an entry (4 KiB granularity). */
#define PTE_ADDR_MASK ((uint64_t)0x000ffffffffff000)

#define PAGE_ENTRIES 512

enum page_level {
    PAGE_LEVEL_PT = 1,   /* entries map 4 KiB */
    PAGE_LEVEL_PD = 2,   /* entries map 2 MiB or point to a PT */
    PAGE_LEVEL_PDPT = 3, /* entries map 1 GiB or point to a PD */
    PAGE_LEVEL_PML4 = 4,
};

enum map_error {
    MAP_OK = 0,
    MAP_ERR_FRAME_ALLOCATION_FAILED, /* no frame for a needed table */
    MAP_ERR_PAGE_ALREADY_MAPPED,
    MAP_ERR_PARENT_HUGE_PAGE, /* a 2 MiB / 1 GiB page covers the address */
    MAP_ERR_MISALIGNED,       /* virt or phys not aligned to the page size */
    MAP_ERR_NON_CANONICAL,
    MAP_ERR_NOT_MAPPED,
    MAP_ERR_PHYS_TOO_LARGE, /* phys at or above 2^52 */
};

struct page_mapper {
    phys_addr_t pml4;
    uintptr_t phys_offset;  /* virt = phys + phys_offset: the direct map */
    uint64_t allowed_flags; /* e.g. NX stripped when EFER.NXE is off */
    /* Invalidates the TLB entry of page (invlpg). NULL when the tables are
     * not live (being built before CR3 points at them). */
    void (*flush)(virt_addr_t page);
};

/* Fills *m; allowed_flags permits everything, minus PAGE_NO_EXECUTE when
 * nx_enabled is false. */
void page_mapper_init(struct page_mapper *m, phys_addr_t pml4, uintptr_t phys_offset,
                      bool nx_enabled, void (*flush)(virt_addr_t page));

/*
 * The walker. Stores into *entry_out a pointer (through the direct map) to
 * the entry for virt at `level` (1..4) and returns MAP_OK.
 * When an intermediate table is missing: with create == NULL, fails with
 * MAP_ERR_NOT_MAPPED; otherwise allocates it from create, zeroes it and links
 * it PRESENT|WRITABLE (|USER if leaf_flags has PAGE_USER). If a needed frame
 * cannot be allocated, the tables this call created are unlinked and freed
 * again, and it fails with MAP_ERR_FRAME_ALLOCATION_FAILED.
 * An existing intermediate entry without USER gains it (and flush(virt) is
 * called) when leaf_flags has PAGE_USER.
 * Meeting a huge page above `level` fails with MAP_ERR_PARENT_HUGE_PAGE and
 * stores that huge entry into *entry_out. Non-canonical virt:
 * MAP_ERR_NON_CANONICAL.
 */
enum map_error page_walk(const struct page_mapper *m, virt_addr_t virt, enum page_level level,
                         struct frame_allocator *create, uint64_t leaf_flags, uint64_t **entry_out);

/*
 * Maps the 4 KiB page at virt to the frame at phys with flags (masked by
 * allowed_flags; PRESENT added; address bits and PAGE_HUGE ignored).
 * Missing tables come from frames (NULL: fail with MAP_ERR_NOT_MAPPED).
 * Errors: MAP_ERR_NON_CANONICAL, MAP_ERR_MISALIGNED, MAP_ERR_PHYS_TOO_LARGE,
 * MAP_ERR_PAGE_ALREADY_MAPPED, MAP_ERR_PARENT_HUGE_PAGE,
 * MAP_ERR_FRAME_ALLOCATION_FAILED (nothing left half-built).
 */
enum map_error page_map(const struct page_mapper *m, virt_addr_t virt, phys_addr_t phys,
                        uint64_t flags, struct frame_allocator *frames);

/* page_map() for a 2 MiB page (virt, phys 2 MiB aligned). An existing page
 * table there, even an empty one, is MAP_ERR_PAGE_ALREADY_MAPPED. */
enum map_error page_map_2m(const struct page_mapper *m, virt_addr_t virt, phys_addr_t phys,
                           uint64_t flags, struct frame_allocator *frames);

/*
 * Unmaps the 4 KiB page at virt, storing its frame into *frame_out (may be
 * NULL; the frame is not freed) and flushing it. Tables are kept.
 * Errors: MAP_ERR_NON_CANONICAL, MAP_ERR_MISALIGNED, MAP_ERR_NOT_MAPPED,
 * MAP_ERR_PARENT_HUGE_PAGE (virt lies inside a 2 MiB / 1 GiB page).
 */
enum map_error page_unmap(const struct page_mapper *m, virt_addr_t virt, phys_addr_t *frame_out);

/*
 * page_unmap(), and also unlinks each table on virt's path left empty (PT,
 * then PD, then PDPT -- never the PML4) and returns it to frames. A table
 * frames did not hand out (a boot page table in reserved memory) stays
 * linked, and so do the tables above it. Order: unlink, flush(virt), free --
 * so no cached entry points at a table once it can be reused.
 * Costs a 512-entry scan per level.
 */
enum map_error page_unmap_and_free_tables(const struct page_mapper *m, virt_addr_t virt,
                                          phys_addr_t *frame_out, struct frame_allocator *frames);

/* page_unmap() for a 2 MiB page; MAP_ERR_NOT_MAPPED when virt is mapped by
 * a page table rather than a 2 MiB page. */
enum map_error page_unmap_2m(const struct page_mapper *m, virt_addr_t virt, phys_addr_t *frame_out);

/*
 * Replaces the flags of the mapped 4 KiB page at virt (same masking as
 * page_map(); ACCESSED/DIRTY are replaced too) and flushes it if the entry
 * changed. Errors as page_unmap().
 */
enum map_error page_update_flags(const struct page_mapper *m, virt_addr_t virt, uint64_t flags);

/* The physical address virt maps to, through a 4 KiB, 2 MiB or 1 GiB leaf;
 * the leaf's size into *page_size_out (either out may be NULL). False when
 * virt is not mapped or not canonical. */
bool page_translate(const struct page_mapper *m, virt_addr_t virt, phys_addr_t *phys_out,
                    size_t *page_size_out);

/* A sentence describing err. Never NULL. */
const char *map_strerror(enum map_error err);

#endif
