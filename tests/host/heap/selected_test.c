/* The build-time allocator (heap_selected_allocator(), generated from
 * mm/heap/selected.c.in), installed behind kalloc over a host region,
 * serving kmalloc/krealloc/kfree and growing on demand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mm/heap/heap.h"
#include "mm/heap/kalloc.h"

#define KIB ((size_t)1024)

static _Alignas(4096) unsigned char region[512 * KIB];
static size_t mapped;

/* Maps "pages" after the region on demand, as heap_init's hook does. */
static bool grow(const struct allocator *a, struct layout layout)
{
    size_t more = (layout.size + 64 * KIB) & ~(4 * KIB - 1);
    if (mapped + more > sizeof region)
        return false;
    if (!allocator_extend(a, more))
        return false;
    mapped += more;
    return true;
}

static int setup(void **state)
{
    (void)state;
    struct allocator a = heap_selected_allocator();
    mapped = 64 * KIB;
    assert_int_equal(allocator_init(&a, region, mapped), ALLOCATOR_INIT_OK);
    kalloc_install((struct kalloc_heap){.allocator = a, .grow = grow});
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kalloc_install((struct kalloc_heap){0});
    return 0;
}

static void selected_allocator_is_one_state_with_a_name(void **state)
{
    (void)state;
    struct allocator a = heap_selected_allocator(), b = heap_selected_allocator();
    assert_ptr_equal(a.self, b.self);
    assert_ptr_equal(a.ops, b.ops);
    assert_string_equal(heap_selected_allocator_name(), a.ops->name);
    printf("selected allocator: %s\n", heap_selected_allocator_name());
}

static void kalloc_over_the_selected_allocator_roundtrips_and_grows(void **state)
{
    (void)state;
    if (strcmp(heap_selected_allocator_name(), "dummy") == 0)
        skip();
    unsigned char *p = kmalloc(100);
    for (int i = 0; i < 100; i++)
        p[i] = (unsigned char)i;
    p = krealloc(p, 10000);
    for (int i = 0; i < 100; i++)
        assert_int_equal(p[i], i);
    unsigned char *z = kzalloc(500);
    for (int i = 0; i < 500; i++)
        assert_int_equal(z[i], 0);
    /* Bigger than the initial region: only the grow hook makes it fit. */
    unsigned char *big = kmalloc(200 * KIB);
    memset(big, 7, 200 * KIB);
    assert_true(mapped > 64 * KIB);
    heap_check();
    kfree(big);
    kfree(z);
    kfree(p);
    struct heap_stats st;
    kalloc_stats(&st);
    assert_int_equal(st.live_allocations, 0);
    assert_int_equal(st.bytes_in_use, 0);
    assert_int_equal(st.region_size, mapped);
    heap_check();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(selected_allocator_is_one_state_with_a_name),
        cmocka_unit_test_setup_teardown(kalloc_over_the_selected_allocator_roundtrips_and_grows,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
