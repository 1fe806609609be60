/*
 * Test harness for the allocators: every allocator design as a "kind" the
 * shared tests are parameterised by, and a heap over host memory with
 * AddressSanitizer guard zones around the region, so that an allocator
 * writing outside its region (e.g. init on a too-small one) is caught.
 */
#ifndef KEEL_TESTS_HOST_HEAP_HARNESS_H
#define KEEL_TESTS_HOST_HEAP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/heap/allocator.h"

struct heap_kind {
    const char *name;
    size_t state_size;
    struct allocator (*wrap)(void *state);
    bool allocates;     /* false for dummy */
    bool reuses_memory; /* false for bump: freed memory only returns when all is freed */
    size_t min_region;  /* smallest 16-aligned region init accepts */
    size_t overhead;    /* region bytes a fresh heap cannot hand out (upper bound) */
    /* Extra region bytes a block costs beyond the design's own (hardened
     * kinds: header and red zones), for the capacity checks. */
    size_t block_overhead;
    /* Returns delayed memory to the allocator (the hardened kinds drain
     * their quarantine); NULL when there is none. */
    void (*settle)(void *state);
};

extern const struct heap_kind heap_kind_dummy, heap_kind_bump, heap_kind_linked_list,
    heap_kind_fixed_block, heap_kind_tlsf, heap_kind_segfit;
/* The same designs behind the hardened wrapper (mm/heap/hardened.h). */
extern const struct heap_kind heap_kind_hardened_bump, heap_kind_hardened_linked_list,
    heap_kind_hardened_fixed_block, heap_kind_hardened_tlsf, heap_kind_hardened_segfit;

/* A heap under test: an allocator over [lo, hi) inside a host buffer of
 * `capacity` bytes; the rest of the buffer is poisoned until extended into. */
struct test_heap {
    const struct heap_kind *kind;
    void *state;
    unsigned char *buf;
    size_t capacity;
    uintptr_t lo, hi;
    struct allocator a;
    struct heap_stats initial; /* stats right after init */
};

#define TEST_HEAP_GUARD 4096 /* poisoned bytes before and after the region */

/* Creates a heap over `size` bytes at `offset` from a 4096-aligned buffer
 * that can later grow to `capacity` bytes. Fails the test if init fails. */
void test_heap_open(struct test_heap *h, const struct heap_kind *kind, size_t size, size_t offset,
                    size_t capacity);
/* init() over a `size`-byte region at `offset`, guarded; returns its result
 * and tears everything down again. */
enum allocator_init_error test_heap_try_init(const struct heap_kind *kind, size_t size,
                                             size_t offset);
void test_heap_close(struct test_heap *h);
/* Unpoisons `more` bytes after the region and calls extend(). */
bool test_heap_extend(struct test_heap *h, size_t more);

/* Calls shrink(); on success the `less` bytes it gave back are poisoned
 * again, so the allocator touching them is caught. */
bool test_heap_shrink(struct test_heap *h, size_t less);
/* Calls the kind's settle hook, if any: afterwards every freed block is
 * back in the allocator under test. */
void th_settle(struct test_heap *h);

void *th_alloc(struct test_heap *h, size_t size, size_t align);
void th_free(struct test_heap *h, void *p, size_t size, size_t align);
struct heap_stats th_stats(struct test_heap *h);

/* Fails the test unless [p, p + size) is aligned and inside the region. */
void assert_block_in_heap(const struct test_heap *h, const void *p, size_t size, size_t align);

/* Deterministic pattern bytes: block contents are pattern + (seed & 255). */
#define HEAP_PATTERN_MAX (256 * 1024)
const unsigned char *heap_pattern(unsigned seed);

#endif
