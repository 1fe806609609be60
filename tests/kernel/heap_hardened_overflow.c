/* heap_hardened_overflow: one byte written past the end of a block is found
 * in its back red zone when the block is freed (hardened builds). */
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(writing_one_byte_past_the_end_is_an_overflow,
                   "red zone after the block changed at offsets 8..8: found 41, expected fb")
{
    struct layout layout = {.size = 8, .align = 8};
    volatile uint8_t *p = kalloc(layout);
    kprintf("block %p ", (void *)p);
    p[8] = 0x41;
    kdealloc((void *)p, layout);
}
