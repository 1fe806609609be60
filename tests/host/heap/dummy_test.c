/* mm/heap/dummy: never allocates, panics on dealloc, and behind kalloc ends
 * in the allocation error handler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heap_conformance.h"
#include "host_panic.h"
#include "mm/heap/dummy.h"
#include "mm/heap/kalloc.h"

static struct dummy_heap dummy;
static struct allocator a;

static void dummy_alloc_always_returns_null(void **state)
{
    (void)state;
    a = dummy_allocator(&dummy);
    assert_int_equal(allocator_init(&a, (void *)0x1000, 4096), ALLOCATOR_INIT_OK);
    for (size_t align = 1; align <= 4096; align <<= 1)
        for (size_t size = 0; size < 3000; size += 999) {
            assert_null(allocator_alloc(&a, (struct layout){size, align}));
            assert_null(allocator_alloc_zeroed(&a, (struct layout){size, align}));
        }
    assert_null(allocator_alloc(&a, (struct layout){SIZE_MAX, 1}));
}

static void dummy_dealloc_should_never_be_called(void **state)
{
    (void)state;
    static const struct layout l = {8, 8};
    a = dummy_allocator(&dummy);
    EXPECT_PANIC(allocator_dealloc(&a, (void *)0x1000, l), "dealloc should be never called");
}

static void dummy_accepts_any_region_and_reports_its_size(void **state)
{
    (void)state;
    a = dummy_allocator(&dummy);
    assert_int_equal(allocator_init(&a, NULL, 0), ALLOCATOR_INIT_OK);
    assert_true(allocator_extend(&a, 4096));
    struct heap_stats st;
    memset(&st, 0xff, sizeof st);
    allocator_stats(&a, &st);
    assert_int_equal(st.region_size, 4096);
    assert_int_equal(st.bytes_in_use + st.peak_bytes_in_use + st.bytes_free +
                         st.largest_free_block + st.live_allocations,
                     0);
    allocator_check(&a);
}

static void dummy_behind_kalloc_ends_in_the_allocation_error_handler(void **state)
{
    (void)state;
    a = dummy_allocator(&dummy);
    kalloc_install((struct kalloc_heap){.allocator = a});
    assert_null(try_kmalloc(8));
    EXPECT_PANIC(kmalloc(8), "allocation error");
    assert_string_equal(host_panic_message, "allocation error: Layout { size: 8, align: 16 }");
    kalloc_install((struct kalloc_heap){0});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dummy_alloc_always_returns_null),
        cmocka_unit_test(dummy_dealloc_should_never_be_called),
        cmocka_unit_test(dummy_accepts_any_region_and_reports_its_size),
        cmocka_unit_test(dummy_behind_kalloc_ends_in_the_allocation_error_handler),
        HEAP_CONFORMANCE_TEST(wrapping_regions_are_refused, &heap_kind_dummy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
