/* The allocator kinds and the guarded host-memory heap (see heap_harness.h). */
#include "heap_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/heap/bump.h"
#include "mm/heap/dummy.h"
#include "mm/heap/fixed_block.h"
#include "mm/heap/hardened.h"
#include "mm/heap/linked_list.h"
#include "mm/heap/segfit.h"
#include "mm/heap/tlsf.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define WRAP(name, type)                                                                           \
    static struct allocator wrap_##name(void *state)                                               \
    {                                                                                              \
        return name##_allocator((type *)state);                                                    \
    }
WRAP(dummy, struct dummy_heap)
WRAP(bump, struct bump_heap)
WRAP(linked_list, struct linked_list_heap)
WRAP(fixed_block, struct fixed_block_heap)
WRAP(tlsf, struct tlsf_heap)
WRAP(segfit, struct segfit_heap)

const struct heap_kind heap_kind_dummy = {
    "dummy", sizeof(struct dummy_heap), wrap_dummy, false, true, 0, 0, 0, NULL};
const struct heap_kind heap_kind_bump = {
    "bump", sizeof(struct bump_heap), wrap_bump, true, false, 1, 0, 0, NULL};
const struct heap_kind heap_kind_linked_list = {
    "linked_list", sizeof(struct linked_list_heap), wrap_linked_list, true, true, 16, 0, 0, NULL};
const struct heap_kind heap_kind_fixed_block = {
    "fixed_block", sizeof(struct fixed_block_heap), wrap_fixed_block, true, true, 16, 0, 0, NULL};
const struct heap_kind heap_kind_tlsf = {
    "tlsf", sizeof(struct tlsf_heap), wrap_tlsf, true, true, 48, 32, 0, NULL};
const struct heap_kind heap_kind_segfit = {.name = "segfit",
                                           .state_size = sizeof(struct segfit_heap),
                                           .wrap = wrap_segfit,
                                           .allocates = true,
                                           .reuses_memory = true,
                                           .min_region = 48,
                                           .overhead = 32};

/* A hardened kind's state: the wrapper and the inner design's state. */
#define HARDENED_KIND(name, type, reuses, min_region, overhead, block_overhead)                    \
    struct hardened_##name {                                                                       \
        struct hardened_heap hardened;                                                             \
        type inner;                                                                                \
    };                                                                                             \
    static struct allocator wrap_hardened_##name(void *state)                                      \
    {                                                                                              \
        struct hardened_##name *s = state;                                                         \
        return hardened_wrap(&s->hardened, name##_allocator(&s->inner));                           \
    }                                                                                              \
    const struct heap_kind heap_kind_hardened_##name = {"hardened_" #name,                         \
                                                        sizeof(struct hardened_##name),            \
                                                        wrap_hardened_##name,                      \
                                                        true,                                      \
                                                        reuses,                                    \
                                                        min_region,                                \
                                                        overhead,                                  \
                                                        block_overhead,                            \
                                                        settle_hardened};

/* The state starts with the wrapper's. */
static void settle_hardened(void *state)
{
    hardened_drain_quarantine(state);
}

/* The smallest region each accepts holds one 1-byte block: 112 bytes (80
 * of header and front red zone, 1 byte, 31 of back red zone), and what the
 * design adds (fixed_block: a 128-byte class block; tlsf, segfit: block
 * headers and the end sentinel). */
HARDENED_KIND(bump, struct bump_heap, false, 112, 0, 96)
HARDENED_KIND(linked_list, struct linked_list_heap, true, 112, 0, 96)
HARDENED_KIND(fixed_block, struct fixed_block_heap, true, 128, 0, 128)
HARDENED_KIND(tlsf, struct tlsf_heap, true, 144, 32, 96)
HARDENED_KIND(segfit, struct segfit_heap, true, 160, 32, 96)

void th_settle(struct test_heap *h)
{
    if (h->kind->settle != NULL)
        h->kind->settle(h->state);
}

static unsigned char *guarded_buffer(size_t capacity)
{
    void *mem = NULL;
    assert_int_equal(posix_memalign(&mem, 4096, capacity + 2 * TEST_HEAP_GUARD), 0);
    unsigned char *buf = mem;
    POISON(buf, capacity + 2 * TEST_HEAP_GUARD);
    return buf + TEST_HEAP_GUARD;
}

static void free_guarded(unsigned char *buf, size_t capacity)
{
    UNPOISON(buf - TEST_HEAP_GUARD, capacity + 2 * TEST_HEAP_GUARD);
    free(buf - TEST_HEAP_GUARD);
}

void test_heap_open(struct test_heap *h, const struct heap_kind *kind, size_t size, size_t offset,
                    size_t capacity)
{
    assert_true(offset + size <= capacity);
    memset(h, 0, sizeof *h);
    h->kind = kind;
    h->state = calloc(1, kind->state_size);
    assert_non_null(h->state);
    h->capacity = capacity;
    h->buf = guarded_buffer(capacity);
    h->lo = (uintptr_t)h->buf + offset;
    h->hi = h->lo + size;
    UNPOISON((void *)h->lo, size);
    h->a = kind->wrap(h->state);
    assert_int_equal(allocator_init(&h->a, (void *)h->lo, size), ALLOCATOR_INIT_OK);
    allocator_check(&h->a);
    h->initial = th_stats(h);
}

enum allocator_init_error test_heap_try_init(const struct heap_kind *kind, size_t size,
                                             size_t offset)
{
    size_t capacity = offset + size + 64;
    void *state = calloc(1, kind->state_size);
    unsigned char *buf = guarded_buffer(capacity);
    UNPOISON(buf + offset, size);
    struct allocator a = kind->wrap(state);
    enum allocator_init_error err = allocator_init(&a, buf + offset, size);
    free_guarded(buf, capacity);
    free(state);
    return err;
}

void test_heap_close(struct test_heap *h)
{
    free_guarded(h->buf, h->capacity);
    free(h->state);
    memset(h, 0, sizeof *h);
}

bool test_heap_extend(struct test_heap *h, size_t more)
{
    assert_true(h->hi + more <= (uintptr_t)h->buf + h->capacity);
    UNPOISON((void *)h->hi, more);
    if (!allocator_extend(&h->a, more)) {
        POISON((void *)h->hi, more);
        return false;
    }
    h->hi += more;
    return true;
}

bool test_heap_shrink(struct test_heap *h, size_t less)
{
    if (!allocator_shrink(&h->a, less))
        return false;
    h->hi -= less;
    POISON((void *)h->hi, less);
    return true;
}

void *th_alloc(struct test_heap *h, size_t size, size_t align)
{
    void *p = allocator_alloc(&h->a, (struct layout){.size = size, .align = align});
    if (p != NULL)
        assert_block_in_heap(h, p, size, align);
    return p;
}

void th_free(struct test_heap *h, void *p, size_t size, size_t align)
{
    allocator_dealloc(&h->a, p, (struct layout){.size = size, .align = align});
}

struct heap_stats th_stats(struct test_heap *h)
{
    struct heap_stats st;
    memset(&st, 0xff, sizeof st); /* every field must be written */
    allocator_stats(&h->a, &st);
    assert_true(st.bytes_free <= st.region_size);
    assert_true(st.largest_free_block <= st.bytes_free);
    assert_true(st.peak_bytes_in_use >= st.bytes_in_use);
    assert_true(st.region_size == h->hi - h->lo);
    return st;
}

void assert_block_in_heap(const struct test_heap *h, const void *p, size_t size, size_t align)
{
    uintptr_t a = (uintptr_t)p;
    if (a % align != 0)
        fail_msg("%s: block %p not aligned to %zu", h->kind->name, p, align);
    if (a < h->lo || a > h->hi || size > h->hi - a)
        fail_msg("%s: block %p+%zu outside the region [%#lx, %#lx)", h->kind->name, p, size,
                 (unsigned long)h->lo, (unsigned long)h->hi);
}

const unsigned char *heap_pattern(unsigned seed)
{
    static unsigned char pattern[HEAP_PATTERN_MAX + 256];
    static bool ready;
    if (!ready) {
        uint32_t x = 0x9e3779b9u;
        for (size_t i = 0; i < sizeof pattern; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            pattern[i] = (unsigned char)(x >> 24);
        }
        ready = true;
    }
    return pattern + (seed & 255);
}
