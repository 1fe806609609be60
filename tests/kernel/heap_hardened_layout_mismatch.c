/* heap_hardened_layout_mismatch: freeing a block with another layout than
 * it was allocated with breaks the allocator contract and is reported with
 * both layouts (hardened builds). */
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(freeing_with_a_smaller_size_is_a_layout_mismatch,
                   "(Layout { size: 16, align: 8 }): layout mismatch, the block was allocated "
                   "with Layout { size: 32, align: 8 } by 0x")
{
    uint8_t *p = kalloc((struct layout){.size = 32, .align = 8});
    kprintf("block %p ", (void *)p);
    kdealloc(p, (struct layout){.size = 16, .align = 8});
}
