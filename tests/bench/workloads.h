/*
 * The allocator benchmark's workloads (issue 9), shared by the host
 * benchmark (tests/bench/bench_heap.c) and the in-kernel one
 * (tests/kernel/bench_heap.c). Portable and integer-only: it builds
 * freestanding and under -mgeneral-regs-only.
 *
 * Every allocator call goes through bench_call_alloc/dealloc/realloc, three
 * out-of-line functions that do nothing but the call through the vtable:
 * callgrind counts exactly those (--toggle-collect=bench_call_*), and the
 * optional per-call timer wraps exactly those.
 *
 * Random draws (the same for every allocator: each workload takes a seed):
 *   size      uniform in [4, cap), cap uniform in [16, max)
 *   alignment 8 << (trailing_zeros(random u16) / 2): 75 % 8 B, 19 % 16 B,
 *             ... up to 2048 B (trailing_zeros(0) = 16)
 */
#ifndef KEEL_TESTS_BENCH_WORKLOADS_H
#define KEEL_TESTS_BENCH_WORKLOADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/heap/allocator.h"

/* One live block of a workload. tag seeds its fill pattern (check mode). */
struct bench_block {
    unsigned char *p;
    size_t size, align;
    uint32_t tag;
};

/* What a workload needs from its caller besides the allocator. */
struct bench_env {
    struct bench_block *live; /* room for live blocks */
    size_t capacity;          /* entries of `live` */
    bool check;               /* pattern-fill every block, verify it on realloc and free */
    /* Per-call latency: when `now` is set, each allocator call is timed
     * with it and the difference stored in samples[] while there is room. */
    uint64_t (*now_start)(void), (*now_end)(void);
    uint32_t *samples;
    size_t sample_capacity, sample_count;
    /* Called on a check-mode mismatch or a full `live` array; must not return. */
    void (*fail)(const char *workload, const char *what);
};

struct bench_result {
    uint64_t ops;       /* successful operations */
    uint64_t failed;    /* allocator calls that returned NULL */
    uint64_t calls;     /* every allocator call, clean-up included */
    size_t live_bytes;  /* efficiency: requested bytes live at the first failure */
    size_t live_blocks; /* blocks live at that moment */
    uint64_t checksum;  /* values read back (so that nothing is optimised out) */
};

/* The calls callgrind counts. */
void *bench_call_alloc(const struct allocator *a, struct layout l);
void bench_call_dealloc(const struct allocator *a, void *p, struct layout l);
void *bench_call_realloc(const struct allocator *a, void *p, struct layout l, size_t new_size);

/* Random actions: `ops` operations; action uniform in [0, 7): 6 reallocs a
 * random live block to [1, 3 max); < 3, or fewer than 300 live blocks,
 * allocates; else frees a random live block. Everything is freed at the end. */
void bench_random_actions(const struct allocator *a, struct bench_env *env, size_t max_size,
                          uint64_t ops, uint64_t seed, struct bench_result *out);

/* Heap efficiency: action uniform in [0, 10): 0-4 allocate, 5 free a
 * random block, 6-9 realloc one to [1, realloc_max) (realloc_max 0:
 * nothing); stops at the first failed allocate or realloc and records the
 * requested bytes then live. Everything is freed at the end. */
void bench_efficiency_sized(const struct allocator *a, struct bench_env *env, size_t max_size,
                            size_t realloc_max, uint64_t seed, struct bench_result *out);

/* The same with reallocs to [1, 10 max) (with_realloc) or none. */
void bench_efficiency(const struct allocator *a, struct bench_env *env, size_t max_size,
                      bool with_realloc, uint64_t seed, struct bench_result *out);

/* blog_os's heap_allocation tests, `reps` times each. */
void bench_simple_allocation(const struct allocator *a, struct bench_env *env, uint64_t reps,
                             struct bench_result *out);
void bench_large_vec(const struct allocator *a, struct bench_env *env, uint64_t reps,
                     struct bench_result *out);
void bench_many_boxes(const struct allocator *a, struct bench_env *env, uint64_t boxes,
                      bool long_lived, struct bench_result *out);

#endif
