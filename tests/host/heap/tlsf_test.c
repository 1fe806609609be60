/* mm/heap/tlsf: the shared edge cases, in-place realloc, alignment padding,
 * extension merging, and check() catching corruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heap_conformance.h"
#include "host_panic.h"
#include "mm/heap/tlsf.h"

#define KIB ((size_t)1024)

static struct test_heap h; /* static: survives the longjmp of EXPECT_PANIC */

static void tlsf_realloc_grows_in_place_into_a_free_next_block(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_tlsf, 64 * KIB, 0, 64 * KIB);
    unsigned char *a = th_alloc(&h, 100, 8), *b = th_alloc(&h, 100, 8), *c = th_alloc(&h, 8, 8);
    memset(a, 0x11, 100);
    th_free(&h, b, 100, 8);
    unsigned char *a2 = allocator_realloc(&h.a, a, (struct layout){100, 8}, 220);
    assert_ptr_equal(a2, a);
    for (int i = 0; i < 100; i++)
        assert_int_equal(a2[i], 0x11);
    allocator_check(&h.a);
    /* No room left before c: growing further must move. */
    unsigned char *a3 = allocator_realloc(&h.a, a2, (struct layout){220, 8}, 400);
    assert_ptr_not_equal(a3, a2);
    assert_true(a3 > c);
    th_free(&h, a3, 400, 8);
    th_free(&h, c, 8, 8);
    allocator_check(&h.a);
    assert_int_equal(th_stats(&h).largest_free_block, h.initial.largest_free_block);
    test_heap_close(&h);
}

static void tlsf_realloc_shrinks_in_place_and_frees_the_tail(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_tlsf, 64 * KIB, 0, 64 * KIB);
    unsigned char *a = th_alloc(&h, 4000, 16), *guard = th_alloc(&h, 16, 16);
    assert_ptr_equal(allocator_realloc(&h.a, a, (struct layout){4000, 16}, 100), a);
    unsigned char *b = th_alloc(&h, 3000, 16); /* fits in the freed tail */
    assert_true(b > a && b < guard);
    th_free(&h, b, 3000, 16);
    th_free(&h, a, 100, 16);
    th_free(&h, guard, 16, 16);
    allocator_check(&h.a);
    assert_int_equal(th_stats(&h).largest_free_block, h.initial.largest_free_block);
    test_heap_close(&h);
}

static void tlsf_keeps_alignment_padding_free(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_tlsf, 64 * KIB, 0, 64 * KIB);
    unsigned char *x = th_alloc(&h, 16, 16), *y = th_alloc(&h, 64, 4096);
    assert_true(y - x > 64); /* there is padding between them... */
    unsigned char *z = th_alloc(&h, 16, 16);
    assert_true(z > x && z < y); /* ...and it is allocatable */
    /* Every byte is either a header, a live payload or free. */
    struct heap_stats st = th_stats(&h);
    assert_true(st.bytes_free >= 64 * KIB - 16 * 8 - 16 - 64 - 16);
    th_free(&h, x, 16, 16);
    th_free(&h, y, 64, 4096);
    th_free(&h, z, 16, 16);
    allocator_check(&h.a);
    assert_int_equal(th_stats(&h).bytes_free, h.initial.bytes_free);
    test_heap_close(&h);
}

static void tlsf_extend_merges_with_the_last_free_block(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_tlsf, 64 * KIB, 0, 128 * KIB);
    void *p = th_alloc(&h, 1000, 8);
    size_t before = th_stats(&h).largest_free_block;
    assert_true(test_heap_extend(&h, 32 * KIB));
    assert_int_equal(th_stats(&h).largest_free_block, before + 32 * KIB);
    allocator_check(&h.a);
    /* Too little to hold a block: refused, region unchanged. */
    assert_false(test_heap_extend(&h, 16));
    assert_int_equal(th_stats(&h).region_size, 96 * KIB);
    th_free(&h, p, 1000, 8);
    assert_int_equal(th_stats(&h).largest_free_block, 96 * KIB - 32);
    test_heap_close(&h);
}

/* The largest free block is one request away, however many blocks share
 * its list: nine free blocks of 2048-2096 bytes (one list), the largest
 * freed first, so that it is listed last, past the first-blocks look. */
static void tlsf_a_request_for_the_largest_free_block_succeeds(void **state)
{
    (void)state;
    static const size_t sizes[] = {2096, 2048, 2064, 2080, 2048, 2064, 2080, 2048, 2064};
    enum { N = sizeof sizes / sizeof *sizes };
    void *blocks[N], *fences[N];
    test_heap_open(&h, &heap_kind_tlsf, 64 * KIB, 0, 64 * KIB);
    for (size_t i = 0; i < N; i++) {
        blocks[i] = th_alloc(&h, sizes[i], 16);
        fences[i] = th_alloc(&h, 16, 16); /* keeps the freed blocks apart */
    }
    size_t rest = th_stats(&h).largest_free_block;
    void *tail = th_alloc(&h, rest, 16);
    assert_non_null(tail);
    for (size_t i = 0; i < N; i++)
        th_free(&h, blocks[i], sizes[i], 16);
    assert_int_equal(th_stats(&h).largest_free_block, 2096);
    assert_ptr_equal(th_alloc(&h, 2096, 16), blocks[0]);
    assert_null(th_alloc(&h, 2097, 16));
    allocator_check(&h.a);
    th_free(&h, blocks[0], 2096, 16);
    for (size_t i = 0; i < N; i++)
        th_free(&h, fences[i], 16, 16);
    th_free(&h, tail, rest, 16);
    assert_int_equal(th_stats(&h).largest_free_block, h.initial.largest_free_block);
    test_heap_close(&h);
}

static void tlsf_double_free_panics(void **state)
{
    (void)state;
    static void *p;
    test_heap_open(&h, &heap_kind_tlsf, 16 * KIB, 0, 16 * KIB);
    p = th_alloc(&h, 64, 8);
    void *keep = th_alloc(&h, 64, 8);
    th_free(&h, p, 64, 8);
    EXPECT_PANIC(th_free(&h, p, 64, 8), "tlsf: dealloc of");
    EXPECT_PANIC(th_free(&h, (char *)keep + 8, 64, 8), "tlsf: dealloc of");
    EXPECT_PANIC(th_free(&h, (void *)h.hi, 64, 8), "not in this heap");
    th_free(&h, keep, 64, 8);
    test_heap_close(&h);
}

static void tlsf_check_detects_corrupted_boundary_tags(void **state)
{
    (void)state;
    static uintptr_t *tag, saved;
    test_heap_open(&h, &heap_kind_tlsf, 16 * KIB, 0, 16 * KIB);
    void *a = th_alloc(&h, 64, 8), *b = th_alloc(&h, 64, 8);
    tag = (uintptr_t *)((char *)b - 16); /* b's prev_phys */
    saved = *tag;
    *tag += 16;
    EXPECT_PANIC(allocator_check(&h.a), "tlsf: block");
    *tag = saved;
    tag = (uintptr_t *)((char *)b - 8); /* b's size: now overlaps the free block */
    saved = *tag;
    *tag += 32;
    EXPECT_PANIC(allocator_check(&h.a), "tlsf:");
    *tag = saved;
    allocator_check(&h.a);
    th_free(&h, a, 64, 8);
    th_free(&h, b, 64, 8);
    test_heap_close(&h);
}

static void tlsf_check_detects_a_broken_free_list(void **state)
{
    (void)state;
    static struct tlsf_heap *s;
    static uint32_t saved;
    test_heap_open(&h, &heap_kind_tlsf, 16 * KIB, 0, 16 * KIB);
    s = h.state;
    int fl = 63 - __builtin_clzll(s->core.fl_bitmap);
    saved = s->core.sl_bitmap[fl];
    s->core.sl_bitmap[fl] = 0; /* the list is there, its bit is gone */
    EXPECT_PANIC(allocator_check(&h.a), "tlsf: fl bitmap");
    s->core.sl_bitmap[fl] = saved;
    s->core.free_bytes--;
    EXPECT_PANIC(allocator_check(&h.a), "tlsf: walk found");
    s->core.free_bytes++;
    allocator_check(&h.a);
    test_heap_close(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        HEAP_CONFORMANCE_TESTS(&heap_kind_tlsf),
        cmocka_unit_test(tlsf_realloc_grows_in_place_into_a_free_next_block),
        cmocka_unit_test(tlsf_realloc_shrinks_in_place_and_frees_the_tail),
        cmocka_unit_test(tlsf_keeps_alignment_padding_free),
        cmocka_unit_test(tlsf_extend_merges_with_the_last_free_block),
        cmocka_unit_test(tlsf_a_request_for_the_largest_free_block_succeeds),
        cmocka_unit_test(tlsf_double_free_panics),
        cmocka_unit_test(tlsf_check_detects_corrupted_boundary_tags),
        cmocka_unit_test(tlsf_check_detects_a_broken_free_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
