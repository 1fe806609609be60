/* heap_trim: the kernel heap gives memory back. Grown past 32 MiB by 1 MiB
 * blocks and then emptied, it returns its frames (and the page tables the
 * growth needed) to the frame allocator by itself, to within 64 KiB of
 * where it started; heap_trim() then has nothing left to give. */
#include "kernel/memory.h"
#include "mm/heap/heap.h"
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

#define BLOCK  ((size_t)1 << 20)
#define BLOCKS 40

static uint8_t *blocks[BLOCKS];

KTEST(an_emptied_heap_returns_its_frames)
{
    struct frame_allocator *frames = kernel_frames();
    uint64_t used_before = frame_count_used(frames);
    size_t size_before = heap_size();
    struct layout layout = {.size = BLOCK, .align = 16};
    for (int i = 0; i < BLOCKS; i++) {
        blocks[i] = kalloc(layout);
        blocks[i][0] = blocks[i][BLOCK - 1] = (uint8_t)i;
    }
    KTEST_ASSERT(heap_size() > ((size_t)32 << 20));
    KTEST_ASSERT(frame_count_used(frames) > used_before + (((size_t)32 << 20) / PAGE_SIZE));
    for (int i = 0; i < BLOCKS; i++) {
        KTEST_ASSERT_EQ(blocks[i][0], (uint8_t)i);
        KTEST_ASSERT_EQ(blocks[i][BLOCK - 1], (uint8_t)i);
        kdealloc(blocks[i], layout);
    }
    heap_check();
    kprintf("(frames in use: %lu before, %lu after; heap %zu KiB before, %zu KiB after) ",
            used_before, frame_count_used(frames), size_before >> 10, heap_size() >> 10);
    KTEST_ASSERT(frame_count_used(frames) <= used_before + (64 << 10) / PAGE_SIZE);
    KTEST_ASSERT(heap_size() <= size_before + HEAP_TRIM_KEEP + PAGE_SIZE);
}

KTEST(the_heap_grows_again_after_giving_memory_back)
{
    struct layout layout = {.size = 4 * BLOCK, .align = 16};
    uint8_t *p = kalloc(layout);
    p[0] = p[4 * BLOCK - 1] = 0x5a;
    size_t grown = heap_size();
    kdealloc(p, layout);
    KTEST_ASSERT(heap_size() < grown);
    /* On demand: the rest of the free tail, never below the initial size. */
    size_t before = heap_size(), given = heap_trim();
    KTEST_ASSERT_EQ(heap_size(), before - given);
    KTEST_ASSERT(heap_size() >= KEEL_HEAP_SIZE);
    KTEST_ASSERT_EQ(heap_trim(), 0);
    heap_check();
}
