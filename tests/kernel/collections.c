/*
 * collections: every lib/ collection, on the kernel heap inside the running
 * kernel (the host tests cover their edge cases under sanitizers). Ends
 * with a heap check and the same live-allocation count it started with.
 */
#include "alloc/arc.h"
#include "alloc/binheap.h"
#include "alloc/box.h"
#include "alloc/deque.h"
#include "alloc/kstr.h"
#include "alloc/omap.h"
#include "alloc/rc.h"
#include "alloc/vec.h"
#include "lib/kstring.h"
#include "lib/list.h"
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

static size_t live_at_start;

void ktest_setup(void)
{
    struct heap_stats s;
    kalloc_stats(&s);
    live_at_start = s.live_allocations;
}

void ktest_teardown(void)
{
    struct heap_stats s;
    heap_check();
    kalloc_stats(&s);
    KTEST_ASSERT_EQ(s.live_allocations, live_at_start); /* nothing leaked */
}

KTEST(vec_grows_by_doubling_and_keeps_order)
{
    VEC(uint32_t) v = VEC_INIT;
    for (uint32_t i = 0; i < 500; i++)
        vec_push(&v, i * 3);
    KTEST_ASSERT_EQ(vec_len(&v), 500);
    KTEST_ASSERT_EQ(vec_capacity(&v), 512);
    vec_insert(&v, 0, 7u);
    (void)vec_remove(&v, 1);
    KTEST_ASSERT_EQ(vec_get(&v, 0), 7);
    KTEST_ASSERT_EQ(vec_get(&v, 499), 1497);
    uint32_t last;
    KTEST_ASSERT(vec_pop(&v, &last));
    KTEST_ASSERT_EQ(last, 1497);
    vec_free(&v);
}

KTEST(kstr_and_kasprintf_format_through_the_kernel_formatter)
{
    struct kstr s = KSTR_INIT;
    kstr_push_str(&s, "heap");
    kstr_appendf(&s, " at %p, %d KiB", (void *)0x444444440000, 100);
    KTEST_ASSERT(strcmp(kstr_cstr(&s), "heap at 0x444444440000, 100 KiB") == 0);
    kstr_free(&s);
    char *line = kasprintf("%s::%s", "collections", "kasprintf");
    KTEST_ASSERT(strcmp(line, "collections::kasprintf") == 0);
    kfree(line);
}

static int drops;
static void count_drop(void *value)
{
    (void)value;
    drops++;
}

KTEST(rc_and_arc_free_their_value_with_the_last_reference)
{
    drops = 0;
    int *rc = RC_NEW_DTOR(int, count_drop, 41);
    int *rc2 = rc_clone(rc);
    KTEST_ASSERT_EQ(rc_strong_count(rc2), 2);
    rc_drop(rc);
    KTEST_ASSERT_EQ(rc_strong_count(rc2), 1);
    KTEST_ASSERT_EQ(drops, 0);
    rc_drop(rc2);
    KTEST_ASSERT_EQ(drops, 1);

    int *arc = ARC_NEW_DTOR(int, count_drop, 13);
    int *arc2 = arc_clone(arc);
    KTEST_ASSERT_EQ(arc_strong_count(arc), 2);
    arc_drop(arc2);
    arc_drop(arc);
    KTEST_ASSERT_EQ(drops, 2);
}

struct item {
    int value;
    struct list_node node;
};

KTEST(intrusive_list_links_boxed_items_in_order)
{
    struct list_node head = LIST_HEAD_INIT(head);
    for (int i = 0; i < 5; i++) {
        struct item *it = KBOX_NEW(struct item, {.value = i});
        list_push_back(&head, &it->node);
    }
    int expected = 0;
    struct list_node *n, *next;
    LIST_FOR_EACH_SAFE(n, next, &head)
    {
        struct item *it = list_entry(n, struct item, node);
        KTEST_ASSERT_EQ(it->value, expected++);
        list_remove(n);
        KBOX_DROP(it);
    }
    KTEST_ASSERT(list_empty(&head));
}

KTEST(deque_wraps_around_and_grows)
{
    DEQUE(int) q = DEQUE_INIT;
    for (int i = 0; i < 100; i++) {
        deque_push_back(&q, i);
        deque_push_front(&q, -i);
    }
    KTEST_ASSERT_EQ(deque_len(&q), 200);
    KTEST_ASSERT_EQ(deque_get(&q, 0), (uint64_t)-99);
    KTEST_ASSERT_EQ(deque_get(&q, 199), 99);
    int out;
    KTEST_ASSERT(deque_pop_front(&q, &out));
    KTEST_ASSERT_EQ(out, (uint64_t)-99);
    deque_free(&q);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

KTEST(binary_heap_pops_largest_first)
{
    BINHEAP(uint64_t) h = BINHEAP_INIT(cmp_u64);
    const uint64_t values[] = {5, 1, 9, 3, 7, 9, 0};
    for (size_t i = 0; i < 7; i++)
        binheap_push(&h, values[i]);
    const uint64_t sorted[] = {9, 9, 7, 5, 3, 1, 0};
    for (size_t i = 0; i < 7; i++) {
        uint64_t v;
        KTEST_ASSERT(binheap_pop(&h, &v));
        KTEST_ASSERT_EQ(v, sorted[i]);
    }
    binheap_free(&h);
}

static bool sum_values(void *ctx, uint64_t key, void *value)
{
    (void)key;
    *(uint64_t *)ctx += (uint64_t)(uintptr_t)value;
    return true;
}

KTEST(ordered_map_iterates_in_key_order_and_answers_ranges)
{
    struct omap m = OMAP_INIT;
    for (uint64_t k = 0; k < 1000; k++)
        omap_insert(&m, (k * 7919) % 1000, (void *)(uintptr_t)k, NULL); /* a permutation */
    KTEST_ASSERT_EQ(omap_len(&m), 1000);
    uint64_t expected = 0;
    for (struct omap_node *n = omap_first(&m); n != NULL; n = omap_next(n))
        KTEST_ASSERT_EQ(n->key, expected++);
    uint64_t sum = 0;
    KTEST_ASSERT_EQ(omap_range(&m, 100, 110, sum_values, &sum), 10);
    void *v;
    KTEST_ASSERT(omap_remove(&m, 500, &v));
    KTEST_ASSERT(!omap_contains(&m, 500));
    omap_clear(&m, NULL, NULL);
    KTEST_ASSERT_EQ(omap_len(&m), 0);
}
