/*
 * Seeded randomized differential test of one allocator kind against a model
 * of its live blocks (pointer, layout, fill pattern). After every operation:
 * alignment, block inside the region, no overlap with any live block,
 * contents intact (checked on free and realloc), zeroed memory really zero.
 * check() and stats() every `check_every` operations and at the end; the
 * region is extended half-way through; at the end everything is freed and
 * the heap must be as good as a fresh one of the final size.
 */
#ifndef KEEL_TESTS_HOST_HEAP_RANDOM_H
#define KEEL_TESTS_HOST_HEAP_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "heap_harness.h"

struct heap_random_config {
    const struct heap_kind *kind;
    uint64_t seed;
    size_t ops;         /* operations to run */
    size_t region;      /* initial region size */
    size_t extend_by;   /* extension done at ops / 2 (0: none) */
    size_t max_live;    /* live blocks at most */
    size_t max_size;    /* largest request */
    size_t check_every; /* check() + stats() period */
};

struct heap_random_result {
    size_t allocs, frees, reallocs, failed;
    double seconds;
};

void heap_random_run(const struct heap_random_config *cfg, struct heap_random_result *out);

#endif
