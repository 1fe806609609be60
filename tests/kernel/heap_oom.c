/* heap_oom: a request larger than all the heap may ever grow to reaches the
 * allocation-error handler, which panics with the request's layout. */
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(kmalloc_beyond_all_memory_reports_the_layout,
                   "allocation error: Layout { size: 1073741824, align: 16 }")
{
    kmalloc((size_t)1 << 30);
}
