/* heap_hardened_foreign_pointer: freeing a pointer from outside the heap (a
 * stack variable) is reported with the heap's bounds (hardened builds). */
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(freeing_a_stack_address_is_not_a_heap_pointer,
                   "(Layout { size: 8, align: 8 }): not a heap pointer (outside the heap region "
                   "[0x444444440000, 0x444444459000))")
{
    uint64_t on_stack = 0;
    kprintf("pointer %p ", (void *)&on_stack);
    kdealloc(&on_stack, LAYOUT_OF(uint64_t));
}
