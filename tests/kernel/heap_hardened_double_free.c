/* heap_hardened_double_free: freeing a block twice is reported with the
 * block, the layout given, and who freed and allocated it (hardened builds;
 * tests.cmake checks the whole message and that the address is the block's). */
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(freeing_a_block_twice_is_a_double_free,
                   "(Layout { size: 8, align: 8 }): already freed by 0x")
{
    uint64_t *p = KALLOC_TYPE(uint64_t);
    kprintf("block %p ", (void *)p);
    KFREE_TYPE(p);
    KFREE_TYPE(p);
}
