/* heap_hardened_underflow: a byte written just before a block is found in
 * its front red zone when the block is freed (hardened builds). */
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(writing_one_byte_before_the_start_is_an_underflow,
                   "red zone before the block changed at offsets -1..-1: found 42, expected fb")
{
    struct layout layout = {.size = 24, .align = 8};
    volatile uint8_t *p = kalloc(layout);
    kprintf("block %p ", (void *)p);
    p[-1] = 0x42;
    kdealloc((void *)p, layout);
}
