/* mm/heap/linked_list: the shared edge cases, padding that stays free,
 * coalescing with both neighbours, and check() catching corruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heap_conformance.h"
#include "host_panic.h"
#include "mm/heap/linked_list.h"

#define KIB ((size_t)1024)

static struct test_heap h; /* static: survives the longjmp of EXPECT_PANIC */

/* Front padding before an aligned block, and the tail after it, go back on
 * the list: free bytes are exactly the region minus the two blocks. */
static void linked_list_keeps_alignment_padding_free(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_linked_list, 64 * KIB, 0, 64 * KIB);
    unsigned char *x = th_alloc(&h, 16, 16), *y = th_alloc(&h, 64, 4096);
    assert_true(y - x >= 4096 - 16);
    assert_int_equal(th_stats(&h).bytes_free, 64 * KIB - 16 - 64);
    unsigned char *z = th_alloc(&h, 1000, 8);
    assert_true(z > x && z < y); /* first fit: the padding is used first */
    th_free(&h, x, 16, 16);
    th_free(&h, y, 64, 4096);
    th_free(&h, z, 1000, 8);
    allocator_check(&h.a);
    assert_int_equal(th_stats(&h).largest_free_block, 64 * KIB);
    test_heap_close(&h);
}

static void linked_list_rounds_small_blocks_up_to_a_node(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_linked_list, 1 * KIB, 0, 1 * KIB);
    unsigned char *a = th_alloc(&h, 1, 1), *b = th_alloc(&h, 0, 1), *c = th_alloc(&h, 17, 1);
    assert_int_equal(b - a, 16);
    assert_int_equal(c - b, 16);
    assert_int_equal(th_stats(&h).bytes_free, 1 * KIB - 16 - 16 - 32);
    th_free(&h, b, 0, 1);
    th_free(&h, a, 1, 1);
    th_free(&h, c, 17, 1);
    assert_int_equal(th_stats(&h).largest_free_block, 1 * KIB);
    test_heap_close(&h);
}

static void linked_list_coalesces_with_both_neighbours(void **state)
{
    (void)state;
    test_heap_open(&h, &heap_kind_linked_list, 256, 0, 256);
    void *a = th_alloc(&h, 64, 8), *b = th_alloc(&h, 64, 8), *c = th_alloc(&h, 64, 8),
         *d = th_alloc(&h, 64, 8);
    assert_null(th_alloc(&h, 1, 1));
    th_free(&h, a, 64, 8);
    th_free(&h, c, 64, 8);
    assert_int_equal(th_stats(&h).largest_free_block, 64);
    th_free(&h, b, 64, 8); /* joins a and c */
    assert_int_equal(th_stats(&h).largest_free_block, 192);
    allocator_check(&h.a);
    th_free(&h, d, 64, 8);
    assert_int_equal(th_stats(&h).largest_free_block, 256);
    test_heap_close(&h);
}

static void linked_list_double_free_panics(void **state)
{
    (void)state;
    static void *p;
    test_heap_open(&h, &heap_kind_linked_list, 4 * KIB, 0, 4 * KIB);
    p = th_alloc(&h, 64, 8);
    void *keep = th_alloc(&h, 64, 8);
    th_free(&h, p, 64, 8);
    EXPECT_PANIC(th_free(&h, p, 64, 8), "linked_list: freed block");
    EXPECT_PANIC(th_free(&h, (void *)(h.hi + 16), 8, 8), "did not hand out");
    th_free(&h, keep, 64, 8);
    test_heap_close(&h);
}

static void linked_list_check_detects_an_unsorted_list(void **state)
{
    (void)state;
    static struct linked_list_heap *s;
    static struct linked_list_hole *h1, *h2;
    test_heap_open(&h, &heap_kind_linked_list, 4 * KIB, 0, 4 * KIB);
    s = h.state;
    void *a = th_alloc(&h, 64, 8), *b = th_alloc(&h, 64, 8), *c = th_alloc(&h, 64, 8);
    th_free(&h, b, 64, 8); /* holes: b, then the tail after c */
    h1 = s->head;
    h2 = h1->next;
    s->head = h2;
    h2->next = h1;
    h1->next = NULL;
    EXPECT_PANIC(allocator_check(&h.a), "linked_list: free list not sorted");
    s->head = h1;
    h1->next = h2;
    h2->next = NULL;
    s->block_bytes += 16;
    EXPECT_PANIC(allocator_check(&h.a), "linked_list: holes");
    s->block_bytes -= 16;
    allocator_check(&h.a);
    th_free(&h, a, 64, 8);
    th_free(&h, c, 64, 8);
    test_heap_close(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        HEAP_CONFORMANCE_TESTS(&heap_kind_linked_list),
        cmocka_unit_test(linked_list_keeps_alignment_padding_free),
        cmocka_unit_test(linked_list_rounds_small_blocks_up_to_a_node),
        cmocka_unit_test(linked_list_coalesces_with_both_neighbours),
        cmocka_unit_test(linked_list_double_free_panics),
        cmocka_unit_test(linked_list_check_detects_an_unsorted_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
