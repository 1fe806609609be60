/* heap_hardened_interior_pointer: freeing a pointer into the middle of a
 * live block names the block and the offset (hardened builds). */
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(freeing_the_middle_of_a_block_is_an_interior_pointer,
                   "(Layout { size: 64, align: 8 }): interior pointer, offset 16 into the live "
                   "block 0x")
{
    struct layout layout = {.size = 64, .align = 8};
    uint8_t *p = kalloc(layout);
    kprintf("block %p ", (void *)p);
    kdealloc(p + 16, layout);
}
