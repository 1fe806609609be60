/*
 * Address types and alignment helpers shared by every layer of mm/.
 *
 * Three units that must never be mixed up, hence three typedefs:
 *   phys_addr_t     a physical address, in bytes
 *   virt_addr_t     a virtual (linear) address, in bytes
 *   frame_number_t  a physical frame's index: phys / PAGE_SIZE (not an address!)
 * They are all uint64_t, so the compiler will not catch a mix-up; the names
 * are there for the reader. Convert only with frame_to_phys()/phys_to_frame().
 *
 * Alignments passed to the helpers below must be powers of two.
 */
#ifndef KEEL_MM_ADDR_H
#define KEEL_MM_ADDR_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t phys_addr_t;
typedef uint64_t virt_addr_t;
typedef uint64_t frame_number_t; /* (not an address) */

#define PAGE_SHIFT   12
#define PAGE_SIZE    ((uint64_t)1 << PAGE_SHIFT) /* 4 KiB */
#define PAGE_SIZE_2M ((uint64_t)1 << 21)
#define PAGE_SIZE_1G ((uint64_t)1 << 30)

/* x86_64 architectural limit on physical addresses (MAXPHYADDR <= 52). */
#define PHYS_ADDR_LIMIT ((phys_addr_t)1 << 52)

/* A half-open range [start, end) of addresses; empty when end <= start. */
struct mem_range {
    uint64_t start;
    uint64_t end; /* exclusive */
};

static inline bool addr_is_aligned(uint64_t x, uint64_t align)
{
    return (x & (align - 1)) == 0;
}

static inline uint64_t addr_align_down(uint64_t x, uint64_t align)
{
    return x & ~(align - 1);
}

/* Rounds x up to a multiple of align into *out. Returns false (and leaves
 * *out alone) when the result does not fit in 64 bits. */
static inline bool addr_align_up(uint64_t x, uint64_t align, uint64_t *out)
{
    uint64_t down = addr_align_down(x, align);
    if (down == x) {
        *out = x;
        return true;
    }
    if (down > UINT64_MAX - align)
        return false;
    *out = down + align;
    return true;
}

/* a + b, or UINT64_MAX when that overflows. */
static inline uint64_t addr_add_saturating(uint64_t a, uint64_t b)
{
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

static inline phys_addr_t frame_to_phys(frame_number_t frame)
{
    return frame << PAGE_SHIFT;
}

/* The frame containing phys (rounds down). */
static inline frame_number_t phys_to_frame(phys_addr_t phys)
{
    return phys >> PAGE_SHIFT;
}

static inline bool mem_range_is_empty(struct mem_range r)
{
    return r.end <= r.start;
}

/* True when the two ranges share at least one byte. */
static inline bool mem_range_overlaps(struct mem_range a, struct mem_range b)
{
    return !mem_range_is_empty(a) && !mem_range_is_empty(b) && a.start < b.end && b.start < a.end;
}

#endif
