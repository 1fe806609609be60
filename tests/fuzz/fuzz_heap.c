/*
 * libFuzzer target for one allocator design (FUZZ_ALLOCATOR=<name>: the
 * design's struct <name>_heap and <name>_allocator()), or for the hardened
 * wrapper over every design (FUZZ_HARDENED; the designs come from the
 * generated fuzz_allocators.h, see tests/fuzz/CMakeLists.txt).
 *
 * The input is decoded into operations, checked against a model of the live
 * blocks as in tests/host/heap/heap_random.c:
 *
 *   byte 0            region: 4 KiB << (b % 5) bytes, starting (b >> 3) % 4 * 8
 *                     bytes past a 4096-aligned address
 *   [hardened] byte 1 inner design (b % count); byte 2 quarantine (b % 4:
 *                     0, 1, 8 or 64 blocks)
 *   then, per op      b % 16: 0-3 alloc, 4-5 alloc_zeroed, 6-9 dealloc,
 *                     10-12 realloc, 13-14 extend, 15 check
 *     alloc*          size: 2 bytes, align: 1 byte (1 << (b % 13))
 *     dealloc         live slot: 1 byte
 *     realloc         live slot: 1 byte, new size: 2 bytes
 *     extend          (b + 1) * 64 bytes, 1 byte
 *   size (2 bytes v)  v % 4 == 0: (v >> 2) % 4096; v == 0xffff: a valid
 *                     layout far larger than any region (must fail);
 *                     otherwise (v >> 2) % 128
 *
 * Checked after every op: alignment, block inside the region, no overlap
 * with a live block (ownership byte map), zeroed blocks zero, contents
 * preserved (fill patterns, checked on dealloc and realloc), a failed
 * realloc keeps the block; on check ops check() and the stats' byte and
 * block counts. At the end everything is freed, check() is clean, nothing is
 * live, and the largest free block equals a fresh heap's over the same
 * region. Any violation aborts (libFuzzer reports it), as does a panic.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "fuzz_allocators.h"
#include "mm/heap/allocator.h"
#include "mm/heap/hardened.h"

#define CAT_(a, b) a##b
#define CAT(a, b)  CAT_(a, b)
#define STR_(a)    #a
#define STR(a)     STR_(a)

#define KIB       ((size_t)1024)
#define CAPACITY  (128 * KIB) /* region plus room to extend into */
#define MAX_LIVE  256
#define MAX_SIZE  4095
#define PATTERN_N (MAX_SIZE + 256)

/* ---- The design under test -------------------------------------------- */

#ifdef FUZZ_HARDENED
#define X(name) struct name##_heap name;
union inner_state {
    FUZZ_ALLOCATORS
};
#undef X
#define X(name)                                                                                    \
    static struct allocator wrap_##name(void *s)                                                   \
    {                                                                                              \
        return name##_allocator(s);                                                                \
    }
FUZZ_ALLOCATORS
#undef X
#define X(name) {#name, wrap_##name},
static const struct {
    const char *name;
    struct allocator (*wrap)(void *state);
} inners[] = {FUZZ_ALLOCATORS};
#undef X
#define INNER_COUNT (sizeof inners / sizeof *inners)

struct state {
    struct hardened_heap hardened;
    union inner_state inner;
};
#else
struct state {
    struct CAT(FUZZ_ALLOCATOR, _heap) heap;
};
#endif

/* ---- Model ------------------------------------------------------------ */

struct block {
    unsigned char *p;
    size_t size, align;
    unsigned seed;
};

struct run {
    struct allocator a;
    unsigned char *lo, *hi; /* the region */
    struct block live[MAX_LIVE];
    size_t n, bytes;
    unsigned next_seed;
    const uint8_t *in, *end;
};

static unsigned char buffer[CAPACITY + 4096] __attribute__((aligned(4096)));
static unsigned char owner[CAPACITY + 4096]; /* 1 where a live block is */
static unsigned char pattern[PATTERN_N];
static const unsigned char zeros[MAX_SIZE + 1];
static struct state state, fresh_state;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "fuzz_heap(" STR(FUZZ_NAME) "): " __VA_ARGS__);                            \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

static unsigned take(struct run *r)
{
    return r->in < r->end ? *r->in++ : 0;
}

static size_t take_size(struct run *r, size_t align)
{
    unsigned v = take(r) | take(r) << 8;
    if (v == 0xffff)
        return (size_t)INTPTR_MAX - (align - 1); /* valid, and never satisfiable */
    return v % 4 == 0 ? (v >> 2) % 4096 : (v >> 2) % 128;
}

static const unsigned char *pattern_of(unsigned seed)
{
    return pattern + (seed & 255);
}

static size_t span(size_t size)
{
    return size ? size : 1;
}

static void insert(struct run *r, struct block b)
{
    uintptr_t p = (uintptr_t)b.p;
    if (p % b.align != 0)
        FAIL("block %p not aligned to %zu", (void *)b.p, b.align);
    if (b.p < r->lo || b.p > r->hi || span(b.size) > (size_t)(r->hi - b.p))
        FAIL("block %p+%zu outside the region [%p, %p)", (void *)b.p, b.size, (void *)r->lo,
             (void *)r->hi);
    unsigned char *own = owner + (b.p - buffer);
    if (memchr(own, 1, span(b.size)) != NULL)
        FAIL("block %p+%zu overlaps a live block", (void *)b.p, b.size);
    memset(own, 1, span(b.size));
    r->live[r->n++] = b;
    r->bytes += b.size;
}

static struct block remove_at(struct run *r, size_t i)
{
    struct block b = r->live[i];
    memset(owner + (b.p - buffer), 0, span(b.size));
    r->live[i] = r->live[--r->n];
    r->bytes -= b.size;
    return b;
}

static void verify(const struct block *b, size_t n)
{
    if (memcmp(b->p, pattern_of(b->seed), n) != 0)
        FAIL("block %p (%zu bytes, align %zu) lost its contents", (void *)b->p, b->size, b->align);
}

/* ---- Operations ------------------------------------------------------- */

static void do_alloc(struct run *r, bool zeroed)
{
    size_t align = (size_t)1 << (take(r) % 13);
    struct block b = {.size = take_size(r, align), .align = align, .seed = r->next_seed++};
    struct layout l = {b.size, b.align};
    if (r->n == MAX_LIVE)
        return;
    b.p = zeroed ? allocator_alloc_zeroed(&r->a, l) : allocator_alloc(&r->a, l);
    if (b.p == NULL)
        return;
    if (b.size > MAX_SIZE)
        FAIL("allocation of %zu bytes succeeded where it cannot", b.size);
    if (zeroed && memcmp(b.p, zeros, b.size) != 0)
        FAIL("alloc_zeroed block %p (%zu bytes) is not zero", (void *)b.p, b.size);
    memcpy(b.p, pattern_of(b.seed), b.size);
    insert(r, b);
}

static void do_dealloc(struct run *r)
{
    if (r->n == 0)
        return;
    struct block b = remove_at(r, take(r) % r->n);
    verify(&b, b.size);
    allocator_dealloc(&r->a, b.p, (struct layout){b.size, b.align});
}

static void do_realloc(struct run *r)
{
    if (r->n == 0)
        return;
    struct block b = remove_at(r, take(r) % r->n);
    size_t new_size = take_size(r, b.align);
    unsigned char *q = allocator_realloc(&r->a, b.p, (struct layout){b.size, b.align}, new_size);
    if (q == NULL) {
        verify(&b, b.size);
        insert(r, b);
        return;
    }
    if (new_size > MAX_SIZE)
        FAIL("realloc to %zu bytes succeeded where it cannot", new_size);
    size_t keep = b.size < new_size ? b.size : new_size;
    b.p = q;
    b.size = new_size;
    verify(&b, keep);
    memcpy(b.p, pattern_of(b.seed), new_size);
    insert(r, b);
}

static void do_extend(struct run *r)
{
    size_t more = ((size_t)take(r) + 1) * 64;
    if (more > (size_t)(buffer + CAPACITY - r->hi))
        return;
    ASAN_UNPOISON_MEMORY_REGION(r->hi, more);
    if (allocator_extend(&r->a, more))
        r->hi += more;
    else
        ASAN_POISON_MEMORY_REGION(r->hi, more);
}

static struct heap_stats stats_of(struct run *r)
{
    struct heap_stats st;
    allocator_stats(&r->a, &st);
    if (st.region_size != (size_t)(r->hi - r->lo))
        FAIL("region size %zu, expected %zu", st.region_size, (size_t)(r->hi - r->lo));
    if (st.bytes_free > st.region_size || st.largest_free_block > st.bytes_free)
        FAIL("free bytes %zu, largest block %zu in a region of %zu", st.bytes_free,
             st.largest_free_block, st.region_size);
    return st;
}

static void do_check(struct run *r)
{
    allocator_check(&r->a);
    struct heap_stats st = stats_of(r);
    if (st.bytes_in_use != r->bytes || st.live_allocations != r->n)
        FAIL("stats say %zu bytes in %zu blocks, the model %zu in %zu", st.bytes_in_use,
             st.live_allocations, r->bytes, r->n);
    if (st.peak_bytes_in_use < st.bytes_in_use)
        FAIL("peak %zu below bytes in use %zu", st.peak_bytes_in_use, st.bytes_in_use);
}

/* ---- Setup ------------------------------------------------------------ */

/* The allocator for this input (from its header bytes), over `s`. */
static struct allocator make_allocator(struct state *s, const uint8_t *config)
{
    memset(s, 0, sizeof *s);
#ifdef FUZZ_HARDENED
    static const size_t quarantine[] = {0, 1, 8, 64};
    struct allocator a =
        hardened_wrap(&s->hardened, inners[config[1] % INNER_COUNT].wrap(&s->inner));
    hardened_set_quarantine(&s->hardened, quarantine[config[2] % 4], HARDENED_QUARANTINE_BYTES);
    return a;
#else
    (void)config;
    return CAT(FUZZ_ALLOCATOR, _allocator)(&s->heap);
#endif
}

#ifdef FUZZ_HARDENED
#define HEADER_BYTES 3
#else
#define HEADER_BYTES 1
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct run r;
    uint8_t config[HEADER_BYTES] = {0};
    for (size_t i = 0; i < HEADER_BYTES && i < size; i++)
        config[i] = data[i];
    size_t skip = size < HEADER_BYTES ? size : HEADER_BYTES;
    if (pattern[1] == 0) {
        uint32_t x = 0x9e3779b9u;
        for (size_t i = 0; i < PATTERN_N; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            pattern[i] = (unsigned char)(x >> 24) | 1; /* never 0: zeroed checks stay meaningful */
        }
    }

    size_t region = (4 * KIB) << (config[0] % 5), offset = (config[0] >> 3) % 4 * 8;
    r = (struct run){.in = data + skip, .end = data + size};
    r.lo = buffer + offset;
    r.hi = r.lo + region;
    ASAN_POISON_MEMORY_REGION(buffer, sizeof buffer);
    ASAN_UNPOISON_MEMORY_REGION(r.lo, region);
    r.a = make_allocator(&state, config);
    if (allocator_init(&r.a, r.lo, region) != ALLOCATOR_INIT_OK)
        FAIL("init refused a %zu-byte region", region);

    while (r.in < r.end) {
        unsigned op = take(&r) % 16;
        if (op < 4)
            do_alloc(&r, false);
        else if (op < 6)
            do_alloc(&r, true);
        else if (op < 10)
            do_dealloc(&r);
        else if (op < 13)
            do_realloc(&r);
        else if (op < 15)
            do_extend(&r);
        else
            do_check(&r);
    }
    while (r.n > 0)
        do_dealloc(&r);
#ifdef FUZZ_HARDENED
    hardened_drain_quarantine(&state.hardened);
#endif
    do_check(&r);
    size_t largest = stats_of(&r).largest_free_block;

    /* A fresh heap over the same (now free) region offers exactly as much. */
    struct allocator fresh = make_allocator(&fresh_state, config);
    if (allocator_init(&fresh, r.lo, (size_t)(r.hi - r.lo)) != ALLOCATOR_INIT_OK)
        FAIL("init refused the final region");
    struct heap_stats st;
    allocator_stats(&fresh, &st);
    if (st.largest_free_block != largest)
        FAIL("largest free block %zu after freeing everything, %zu in a fresh heap", largest,
             st.largest_free_block);
    ASAN_UNPOISON_MEMORY_REGION(buffer, sizeof buffer);
    return 0;
}
