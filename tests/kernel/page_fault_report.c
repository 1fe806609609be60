/* page_fault_report: a plain write to an unmapped address ends in the page
 * fault handler, which reports the address and the decoded error code. */
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(write_to_unmapped_address_panics_with_the_decoded_fault,
                   "EXCEPTION: PAGE FAULT at 0xdeadbeef000 (not present, write, kernel mode, "
                   "data access)")
{
    *(volatile uint64_t *)0xdeadbeef000 = 42;
}
