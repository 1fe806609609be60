/* heap_hardened_write_after_free: a write to a freed block, still in the
 * quarantine, is found by heap_check() and reported with the block's
 * address and who freed it (hardened builds). */
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(writing_to_a_freed_block_is_a_write_after_free,
                   "(Layout { size: 32, align: 8 }, freed by 0x")
{
    struct layout layout = {.size = 32, .align = 8};
    volatile uint8_t *p = kalloc(layout);
    kprintf("block %p ", (void *)p);
    kdealloc((void *)p, layout);
    p[4] = 0x17;
    heap_check();
}
