/*
 * heap_counts: the bookkeeping every allocator keeps about its live blocks
 * (how many, the sum of their layout.size, the highest that sum has been),
 * in one place. Each allocator holds one `struct heap_counts counts;` and
 * calls one verb per event on every path that hands out, frees or resizes a
 * block; what it knows beyond that (large blocks, rounded sizes) it keeps
 * itself.
 *
 * The counts trust their caller: heap_counts_free() and heap_counts_resize()
 * do not check that the block was counted. An allocator that wants to catch
 * a bad free asks heap_counts_can_free() first; check() walks its own
 * structures against the counts and calls heap_counts_check().
 *
 * Everything is inline: the counting on segfit's fast paths compiles to the
 * same instructions as the three fields it replaces.
 */
#ifndef KEEL_MM_HEAP_HEAP_COUNTS_H
#define KEEL_MM_HEAP_HEAP_COUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/panic.h"
#include "mm/heap/allocator.h"

#ifdef __cplusplus
extern "C" {
#endif

struct heap_counts {
    size_t live;         /* blocks handed out and not yet freed */
    size_t bytes_in_use; /* sum of their layout.size */
    size_t peak;         /* highest bytes_in_use since the last reset */
};

/* A live block of `old_size` bytes now holds `new_size` (realloc). */
static inline void heap_counts_resize(struct heap_counts *c, size_t old_size, size_t new_size)
{
    c->bytes_in_use = c->bytes_in_use - old_size + new_size;
    if (c->bytes_in_use > c->peak)
        c->peak = c->bytes_in_use;
}

/* A new block of `size` bytes (its layout.size) was handed out. */
static inline void heap_counts_alloc(struct heap_counts *c, size_t size)
{
    c->live++;
    heap_counts_resize(c, 0, size);
}

/* A live block of `size` bytes was freed. The caller knows it was counted
 * (see heap_counts_can_free). */
static inline void heap_counts_free(struct heap_counts *c, size_t size)
{
    c->live--;
    c->bytes_in_use -= size;
}

/* Whether the counts allow freeing a block of `size` bytes: something is
 * live and holds at least that much. false proves a bad free (double free,
 * wrong layout); true proves nothing. Both fields are loaded before the
 * test, so that the compiler need not branch between the two loads on the
 * free paths that call this (the commit that wrote it has the figures). */
static inline bool heap_counts_can_free(const struct heap_counts *c, size_t size)
{
    size_t live = c->live, bytes_in_use = c->bytes_in_use;
    return live != 0 && size <= bytes_in_use;
}

/* Nothing live, and the peak forgotten: the counts of a fresh heap. */
static inline void heap_counts_reset(struct heap_counts *c)
{
    c->live = c->bytes_in_use = c->peak = 0;
}

/* Fills the three fields of `out` the counts know: bytes_in_use,
 * peak_bytes_in_use and live_allocations; leaves the others alone. */
static inline void heap_counts_stats(const struct heap_counts *c, struct heap_stats *out)
{
    out->bytes_in_use = c->bytes_in_use;
    out->peak_bytes_in_use = c->peak;
    out->live_allocations = c->live;
}

/* The invariants of the counts alone, for an allocator's check(): nothing
 * live means no bytes in use, and the peak is at least the bytes in use.
 * Panics "<who>: no live allocation but N bytes in use" or "<who>: peak P
 * below bytes in use N". */
static inline void heap_counts_check(const struct heap_counts *c, const char *who)
{
    if (c->live == 0 && c->bytes_in_use != 0)
        panic("%s: no live allocation but %zu bytes in use", who, c->bytes_in_use);
    if (c->peak < c->bytes_in_use)
        panic("%s: peak %zu below bytes in use %zu", who, c->peak, c->bytes_in_use);
}

#ifdef __cplusplus
}
#endif

#endif
