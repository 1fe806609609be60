/* heap_fault_report: a page fault just past the heap's mapped end (where a
 * heap overrun lands) is reported as the heap's unmapped growth area. */
#include "mm/heap/heap.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(write_past_the_heap_end_names_its_growth_area,
                   "EXCEPTION: PAGE FAULT at 0x444444459000 (not present, write, kernel mode, "
                   "data access) in the kernel heap's unmapped growth area (past its current end)")
{
    *(volatile uint8_t *)(KEEL_HEAP_START + heap_size()) = 1;
}
