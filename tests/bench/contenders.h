/*
 * The benchmark's contenders: every keel allocator, glibc's malloc and the
 * "null" allocator, each behind the allocator vtable and opened the same
 * way over a region. Shared by bench_heap (synthetic workloads) and
 * trace_replay (real programs' traces).
 *
 *   glibc  malloc/aligned_alloc/realloc/free through the vtable; its memory
 *          is not the region (region_bound false). Its realloc keeps only
 *          16-byte alignment: larger alignments move with aligned_alloc +
 *          memcpy + free.
 *   null   hands out one fixed 64 KiB block and frees nothing: what it costs
 *          is the dispatch through bench_call_* and the vtable (hidden: only
 *          when asked for by name).
 */
#ifndef KEEL_TESTS_BENCH_CONTENDERS_H
#define KEEL_TESTS_BENCH_CONTENDERS_H

#include <stdbool.h>
#include <stddef.h>

#include "mm/heap/allocator.h"

struct contender {
    const struct allocator_ops *ops;
    size_t state_size;
    bool region_bound; /* false: glibc and null, whose memory is not a region */
    bool hidden;       /* only when asked for by name */
};

/* segfit, tlsf, fixed_block, linked_list, bump, glibc, null: in that order. */
extern const struct contender contenders[];
extern const size_t contender_count;

/* The contender called `name`, or NULL. */
const struct contender *contender_named(const char *name);

/* Bytes of state the largest contender needs. */
size_t contender_state_size_max(void);

/* Zeroes `state` (state_size bytes) and initialises c in it over
 * [region, region + size); *out is then the allocator. Returns false if
 * init refused the region. */
bool contender_open(const struct contender *c, void *state, void *region, size_t size,
                    struct allocator *out);

#endif
