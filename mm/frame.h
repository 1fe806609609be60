/*
 * frame: the physical frame allocator (4 KiB frames).
 *
 * Design: two bitmaps over the frames of [0, limit), one bit per frame each,
 * in storage the caller provides (frame_bitmap_bytes(limit) bytes, 8-byte
 * aligned; on the kernel side: RAM found by frame_find_bitmap_home()).
 *   used    bit set = frame not available: allocated, reserved or never RAM
 *   usable  bit set = frame may be handed out at all (added as usable and
 *           not reserved since); lets frame_free() refuse a reserved frame
 * Invariant: !usable => used. Bits past the last frame stay used, unusable.
 *
 * Safe by default: after frame_allocator_init() every frame is reserved; only
 * frame_add_usable() makes frames available, and never below 1 MiB
 * (FRAME_LOW_MEMORY_END: BIOS data, EBDA, ROMs, future SMP trampolines).
 *
 * Order of initialisation (frame_allocator_init_from_map() does steps 1-3,
 * frame_reserve_lists() step 4):
 *   1. frame_allocator_init             everything reserved
 *   2. frame_add_usable                 every type-1 (available) map region
 *   3. frame_reserve                    every other map region: a reserved
 *                                       region inside a usable one wins
 *   4. frame_reserve                    kernel image, MBI, modules, boot page
 *                                       tables, the bitmap itself
 * frame_add_usable() after step 3 would make reserved frames usable again: it
 * is only for memory proven free later (e.g. ACPI reclaimable once parsed).
 *
 * Allocation order: frames are handed out lowest address first. Early kernel
 * code relies on this (the first frames come from the first 4 GiB, which the
 * boot page tables' direct map covers before the kernel maps the rest).
 *
 * Costs (n = frames below limit):
 *   memory      2 bits per frame: 64 KiB per GiB of address space
 *   alloc       scans 64-bit words from a next-free hint (ctz on the first
 *               word with a free bit); the hint is never above the lowest
 *               free frame. Amortised O(1) over a run of allocations (each
 *               full word is skipped once); worst case O(n/64), after a free
 *               of a low frame has pulled the hint back.
 *   free        O(1)
 *   add/reserve O(range / 64): word at a time
 *   counts      O(1)
 * Not thread-safe: the caller serialises (a lock with interrupts off).
 */
#ifndef KEEL_MM_FRAME_H
#define KEEL_MM_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/addr.h"
#include "mm/multiboot2.h"

/* Frames below this address are never handed out. */
#define FRAME_LOW_MEMORY_END ((phys_addr_t)0x100000)

enum frame_error {
    FRAME_OK = 0,
    FRAME_ERR_EXHAUSTED,         /* no free frame left */
    FRAME_ERR_MISALIGNED,        /* address not a multiple of PAGE_SIZE */
    FRAME_ERR_OUT_OF_RANGE,      /* at or above the allocator's limit */
    FRAME_ERR_NOT_USABLE,        /* reserved frame: never handed out */
    FRAME_ERR_DOUBLE_FREE,       /* frame already free */
    FRAME_ERR_BITMAP_TOO_SMALL,  /* storage smaller than frame_bitmap_bytes() */
    FRAME_ERR_BITMAP_MISALIGNED, /* storage not 8-byte aligned */
    FRAME_ERR_RESERVE_ALLOCATED, /* frame_reserve() range holds allocated frames */
    FRAME_ERR_NO_USABLE_MEMORY,  /* the map has no usable frame at all */
};

struct frame_allocator {
    uint64_t *used;        /* see the header comment */
    uint64_t *usable;      /* see the header comment */
    size_t words;          /* per bitmap */
    frame_number_t frames; /* frames covered: [0, frames) */
    size_t hint;           /* no free frame in words below this one */
    uint64_t total;        /* usable frames */
    uint64_t free;         /* usable frames not allocated */
};

/* Bytes of bitmap storage needed for the frames of [0, limit); 0 for 0. */
size_t frame_bitmap_bytes(phys_addr_t limit);

/* End of the highest available (type 1) region of map, rounded down to a
 * page and capped at PHYS_ADDR_LIMIT; 0 when there is none. */
phys_addr_t frame_map_limit(const struct mb2_region_list *map);

/*
 * Sets up fa over the frames fully inside [0, limit), all reserved, using
 * bytes of storage (frame_bitmap_bytes(limit) needed, 8-byte aligned).
 * Returns FRAME_OK, FRAME_ERR_BITMAP_TOO_SMALL or FRAME_ERR_BITMAP_MISALIGNED.
 */
enum frame_error frame_allocator_init(struct frame_allocator *fa, phys_addr_t limit, void *storage,
                                      size_t bytes);

/* Makes the frames fully inside [start, end) and at or above 1 MiB free and
 * usable (start rounded up, end down, clipped to the limit). Frames already
 * usable (free or allocated) are left as they are. */
void frame_add_usable(struct frame_allocator *fa, phys_addr_t start, phys_addr_t end);

/*
 * Marks every frame touching [start, end) reserved (start rounded down, end
 * up, clipped to the limit): removed from the usable total, never handed out
 * and refused by frame_free(). Fails with FRAME_ERR_RESERVE_ALLOCATED, and
 * changes nothing, if one of those frames is currently allocated.
 */
enum frame_error frame_reserve(struct frame_allocator *fa, phys_addr_t start, phys_addr_t end);

/*
 * Steps 1 to 3 of the initialisation order above: limit =
 * frame_map_limit(map), every MB2_MEM_AVAILABLE region added, every other
 * region reserved. The map may have any length (it is read where it lies).
 * Returns FRAME_ERR_NO_USABLE_MEMORY if no frame ends up usable.
 */
enum frame_error frame_allocator_init_from_map(struct frame_allocator *fa,
                                               const struct mb2_region_list *map, void *storage,
                                               size_t bytes);

/*
 * Step 4: reserves every region of each of the m lists (their types are not
 * looked at), as frame_reserve() does. The lists MUST cover the bitmap
 * storage's own physical range (the allocator sees only its virtual
 * address). Stops at, and returns, the first FRAME_ERR_RESERVE_ALLOCATED.
 */
enum frame_error frame_reserve_lists(struct frame_allocator *fa,
                                     const struct mb2_region_list *lists, size_t m);

/*
 * Finds a home for bytes of bitmap: the lowest page-aligned address A with
 * [A, A + bytes) inside one available region of map, at or above 1 MiB,
 * ending at or below `below` (what early code can reach), overlapping no
 * region of the m reserved lists and no non-available region. Returns
 * false when there is none.
 */
bool frame_find_bitmap_home(const struct mb2_region_list *map,
                            const struct mb2_region_list *reserved, size_t m, size_t bytes,
                            phys_addr_t below, phys_addr_t *out);

/* Allocates the lowest free frame; its address into *out (contents are
 * not cleared). FRAME_ERR_EXHAUSTED when none is left (never panics). */
enum frame_error frame_alloc(struct frame_allocator *fa, phys_addr_t *out);

/* Returns the frame at phys (its address, not its number!) to the allocator.
 * Refuses, changing nothing: FRAME_ERR_MISALIGNED, FRAME_ERR_OUT_OF_RANGE,
 * FRAME_ERR_NOT_USABLE (reserved), FRAME_ERR_DOUBLE_FREE. */
enum frame_error frame_free(struct frame_allocator *fa, phys_addr_t phys);

/* True when the frame at phys is usable and currently allocated: what
 * frame_free() would accept. */
bool frame_is_allocated(const struct frame_allocator *fa, phys_addr_t phys);

/* The first run of free frames at or above `from`: its start and end
 * (exclusive) into *start and *end. False when no frame at or above `from`
 * is free. O(frames scanned / 64) for the gaps between runs. */
bool frame_next_free_range(const struct frame_allocator *fa, phys_addr_t from, phys_addr_t *start,
                           phys_addr_t *end);
uint64_t frame_count_total(const struct frame_allocator *fa); /* usable frames */
uint64_t frame_count_free(const struct frame_allocator *fa);
uint64_t frame_count_used(const struct frame_allocator *fa); /* allocated */

/* A sentence describing err. Never NULL. */
const char *frame_strerror(enum frame_error err);

#endif
