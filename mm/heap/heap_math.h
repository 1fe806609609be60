/*
 * Overflow-checked address and size arithmetic shared by the allocators.
 *
 * Every helper that can overflow returns false instead of wrapping: an
 * allocator that computes "start + padding + size" with a wrapped result
 * would hand out a small block for a huge request.
 */
#ifndef KEEL_MM_HEAP_HEAP_MATH_H
#define KEEL_MM_HEAP_HEAP_MATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* *out = addr rounded up to align (a power of two); false on overflow. */
static inline bool heap_align_up(uintptr_t addr, size_t align, uintptr_t *out)
{
    uintptr_t mask = (uintptr_t)align - 1;
    if (addr > UINTPTR_MAX - mask)
        return false;
    *out = (addr + mask) & ~mask;
    return true;
}

/* addr rounded down to align (a power of two); cannot overflow. */
static inline uintptr_t heap_align_down(uintptr_t addr, size_t align)
{
    return addr & ~((uintptr_t)align - 1);
}

/* *out = size rounded up to a multiple of granule (a power of two) and at
 * least `min`; false on overflow. Size 0 becomes `min`. */
static inline bool heap_round_size(size_t size, size_t granule, size_t min, size_t *out)
{
    uintptr_t r;
    if (!heap_align_up(size, granule, &r))
        return false;
    *out = r < min ? min : r;
    return true;
}

/* *end = start + size; false if the region wraps around the address space. */
static inline bool heap_region_end(const void *start, size_t size, uintptr_t *end)
{
    return !__builtin_add_overflow((uintptr_t)start, size, end);
}

#ifdef __cplusplus
}
#endif

#endif
