/* heap_dummy: the blog_os post's first run. With the dummy allocator every
 * allocation fails, so the first Box ends in the error handler. */
#include "alloc/box.h"
#include "tests/kernel/ktest.h"

KTEST_SHOULD_PANIC(dummy_allocator_fails_the_first_box,
                   "allocation error: Layout { size: 4, align: 4 }")
{
    int *x = KBOX_NEW(int, 41);
    KBOX_DROP(x);
}
