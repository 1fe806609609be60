/*
 * heap_allocation: keel's counterpart of blog_os's tests/heap_allocation.rs,
 * plus what a C heap must also get right: zeroed memory after dirty frees,
 * realloc keeping contents, growth on demand, and allocation from an
 * interrupt handler while the interrupted code allocates. Built once per
 * allocator that can pass it (tests.cmake).
 */
#include "alloc/box.h"
#include "alloc/vec.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/pit.h"
#include "lib/kstring.h"
#include "mm/heap/heap.h"
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST(simple_allocation)
{
    int *heap_value_1 = KBOX_NEW(int, 41);
    int *heap_value_2 = KBOX_NEW(int, 13);
    KTEST_ASSERT_EQ(*heap_value_1, 41);
    KTEST_ASSERT_EQ(*heap_value_2, 13);
    KBOX_DROP(heap_value_1);
    KBOX_DROP(heap_value_2);
}

KTEST(large_vec)
{
    const uint64_t n = 1000;
    VEC(uint64_t) vec = VEC_INIT;
    for (uint64_t i = 0; i < n; i++)
        vec_push(&vec, i);
    uint64_t sum = 0;
    for (size_t i = 0; i < vec_len(&vec); i++)
        sum += vec_get(&vec, i);
    KTEST_ASSERT_EQ(sum, (n - 1) * n / 2);
    vec_free(&vec);
}

/* HEAP_SIZE allocations of 8 bytes would need 800 KiB without reuse: the
 * heap must hand freed memory back out instead of growing. */
KTEST(many_boxes)
{
    size_t size_before = heap_size();
    heap_set_growth(false);
    for (uint64_t i = 0; i < KEEL_HEAP_SIZE; i++) {
        uint64_t *x = KBOX_NEW(uint64_t, i);
        KTEST_ASSERT_EQ(*x, i);
        KBOX_DROP(x);
    }
    heap_set_growth(true);
    KTEST_ASSERT_EQ(heap_size(), size_before);
}

KTEST(many_boxes_long_lived)
{
    size_t size_before = heap_size();
    heap_set_growth(false);
    uint64_t *long_lived = KBOX_NEW(uint64_t, 1);
    for (uint64_t i = 0; i < KEEL_HEAP_SIZE; i++) {
        uint64_t *x = KBOX_NEW(uint64_t, i);
        KTEST_ASSERT_EQ(*x, i);
        KBOX_DROP(x);
    }
    KTEST_ASSERT_EQ(*long_lived, 1);
    KBOX_DROP(long_lived);
    heap_set_growth(true);
    KTEST_ASSERT_EQ(heap_size(), size_before);
}

KTEST(zeroed_allocation_after_dirty_frees_is_zero)
{
    const size_t sizes[] = {8, 24, 100, 512, 4000};
    uint8_t *blocks[5];
    for (size_t i = 0; i < 5; i++) {
        blocks[i] = kmalloc(sizes[i]);
        memset(blocks[i], 0xa5, sizes[i]);
    }
    for (size_t i = 0; i < 5; i++)
        kfree(blocks[i]);
    for (size_t i = 0; i < 5; i++) {
        blocks[i] = kzalloc(sizes[i]);
        for (size_t b = 0; b < sizes[i]; b++)
            KTEST_ASSERT_EQ(blocks[i][b], 0);
    }
    for (size_t i = 0; i < 5; i++)
        kfree(blocks[i]);
}

KTEST(realloc_keeps_contents_when_growing_and_shrinking)
{
    uint8_t *p = kmalloc(100);
    for (size_t i = 0; i < 100; i++)
        p[i] = (uint8_t)(i * 7);
    uint8_t *blocker = kmalloc(16); /* so that growth may have to move */
    p = krealloc(p, 5000);
    for (size_t i = 0; i < 100; i++)
        KTEST_ASSERT_EQ(p[i], (uint8_t)(i * 7));
    memset(p + 100, 0xee, 4900);
    p = krealloc(p, 10);
    for (size_t i = 0; i < 10; i++)
        KTEST_ASSERT_EQ(p[i], (uint8_t)(i * 7));
    kfree(p);
    kfree(blocker);
}

KTEST(heap_grows_on_demand_beyond_its_initial_size)
{
    size_t before = heap_size();
    size_t big = 4 * KEEL_HEAP_SIZE;
    uint8_t *p = kmalloc(big);
    KTEST_ASSERT(heap_size() > before);
    memset(p, 0x5a, big); /* every new page is mapped and writable */
    KTEST_ASSERT_EQ(p[big - 1], 0x5a);
    kfree(p);
    heap_check();
}

static volatile uint64_t irq_allocations;

/* Runs in the timer interrupt: allocates and frees through the same heap. */
static void allocate_in_timer_interrupt(void)
{
    uint64_t *v = KBOX_NEW(uint64_t, irq_allocations);
    KTEST_ASSERT_EQ(*v, irq_allocations);
    KBOX_DROP(v);
    irq_allocations++;
}

/* The heap lock masks interrupts while held, so the handler can never spin
 * on a lock held by the code it interrupted. */
KTEST(allocation_from_timer_interrupt_while_main_loop_allocates)
{
    irq_allocations = 0;
    timer_set_tick_hook(allocate_in_timer_interrupt);
    uint64_t until = timer_ticks() + 30;
    uint64_t main_allocations = 0;
    while (timer_ticks() < until) {
        uint32_t *a = KBOX_NEW(uint32_t, 1);
        uint8_t *b = kmalloc(200);
        b[199] = 1;
        kfree(b);
        KBOX_DROP(a);
        main_allocations++;
    }
    timer_set_tick_hook(NULL);
    kprintf("(%lu allocations in the handler, %lu in the loop) ", irq_allocations,
            main_allocations);
    KTEST_ASSERT(irq_allocations >= 25);
    KTEST_ASSERT(main_allocations > irq_allocations);
    heap_check();
}

KTEST(statistics_count_live_allocations_and_bytes)
{
    struct heap_stats before, during, after;
    kalloc_stats(&before);
    void *a = kalloc(LAYOUT_OF(uint64_t));
    void *b = kalloc((struct layout){.size = 1000, .align = 64});
    kalloc_stats(&during);
    KTEST_ASSERT_EQ(during.live_allocations, before.live_allocations + 2);
    KTEST_ASSERT_EQ(during.bytes_in_use, before.bytes_in_use + 1008);
    KTEST_ASSERT((uintptr_t)b % 64 == 0);
    kdealloc(a, LAYOUT_OF(uint64_t));
    kdealloc(b, (struct layout){.size = 1000, .align = 64});
    kalloc_stats(&after);
    KTEST_ASSERT_EQ(after.live_allocations, before.live_allocations);
    KTEST_ASSERT_EQ(after.bytes_in_use, before.bytes_in_use);
    KTEST_ASSERT(after.peak_bytes_in_use >= during.bytes_in_use);
    heap_check();
}

KTEST(zero_size_requests_get_the_zero_size_pointer)
{
    void *p = kmalloc(0);
    KTEST_ASSERT(p == KALLOC_ZERO_SIZE_PTR);
    kfree(p);
    KTEST_ASSERT(kalloc((struct layout){.size = 0, .align = 8}) == KALLOC_ZERO_SIZE_PTR);
}

KTEST(try_forms_return_null_when_memory_is_exhausted)
{
    size_t before = heap_size();
    KTEST_ASSERT(try_kmalloc((size_t)1 << 40) == NULL);
    KTEST_ASSERT(try_kalloc((struct layout){.size = (size_t)1 << 40, .align = 8}) == NULL);
    void *p = kmalloc(64);
    KTEST_ASSERT(try_krealloc(p, (size_t)1 << 40) == NULL); /* the old block stays valid */
    kfree(p);
    KTEST_ASSERT(heap_size() <= KEEL_HEAP_MAX_SIZE);
    KTEST_ASSERT(heap_size() >= before);
    heap_check();
}
