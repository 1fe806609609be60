/*
 * Footprint: how much of its region an allocator used while replaying a
 * trace.
 *
 *   region start                    top (highest byte ever handed out + 1)
 *   |[blk]..[blk]...........[blk]....|.................................|
 *   |<---------- footprint --------->|
 *    ^^^^ ^^^^^ pages: each 4 KiB page that any block ever covered
 *
 * footprint = top - region start: what a heap that grows its region on
 * demand (the kernel's) must have mapped at the end. pages = the distinct
 * 4 KiB pages blocks ever covered: what it must have mapped if it could map
 * exactly the pages in use (the allocator's own metadata and unused holes
 * are not in it; holes that blocks once covered are).
 */
#ifndef KEEL_TESTS_BENCH_TRACE_FOOTPRINT_H
#define KEEL_TESTS_BENCH_TRACE_FOOTPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FOOTPRINT_PAGE 4096

struct footprint {
    uintptr_t start, end; /* the region */
    uintptr_t top;        /* highest p + size noted; start if none */
    uint64_t *bitmap;     /* one bit per page of the region */
    uint64_t pages;       /* bits set */
};

/* Sets f up over [region, region + size) (size a multiple of the page).
 * Returns false if the bitmap cannot be had. */
bool footprint_init(struct footprint *f, void *region, size_t size);
void footprint_free(struct footprint *f);

/* Block [p, p + size) was handed out. Returns false (noting nothing) if it
 * is not inside the region: the allocator broke its contract. */
bool footprint_note(struct footprint *f, const void *p, size_t size);

#endif
