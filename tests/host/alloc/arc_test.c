/* alloc/arc.h: the same contract as Rc, and under contention from several
 * threads the count ends right and the destructor runs exactly once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alloc/arc.h"
#include "lib_expect_panic.h"
#include "lib_test_alloc.h"

struct shared {
    uint64_t id;
    atomic_size_t touches;
};

static atomic_int drops;

static void drop_shared(void *p)
{
    struct shared *s = p;
    assert_int_equal(s->id, 7);
    atomic_fetch_add(&drops, 1);
}

static void clone_and_drop_track_the_count(void **state)
{
    (void)state;
    atomic_store(&drops, 0);
    struct shared *a = ARC_NEW_DTOR(struct shared, drop_shared, {.id = 7});
    struct shared *b = arc_clone(a);
    assert_ptr_equal(a, b);
    assert_int_equal(arc_strong_count(b), 2);
    arc_drop(a);
    assert_int_equal(arc_strong_count(b), 1);
    assert_int_equal(atomic_load(&drops), 0);
    arc_drop(b);
    assert_int_equal(atomic_load(&drops), 1);
    arc_drop(NULL);
}

#define THREADS 8
#define ROUNDS  20000

/* Each thread owns one handle: it clones and drops many more, then gives
 * its own handle up. */
static void *hammer(void *arg)
{
    struct shared *mine = arg;
    for (int i = 0; i < ROUNDS; i++) {
        struct shared *extra = arc_clone(mine);
        atomic_fetch_add(&extra->touches, 1);
        arc_drop(extra);
    }
    arc_drop(mine);
    return NULL;
}

static void concurrent_clones_and_drops_run_the_destructor_once(void **state)
{
    (void)state;
    for (int trial = 0; trial < 20; trial++) {
        atomic_store(&drops, 0);
        struct shared *s = ARC_NEW_DTOR(struct shared, drop_shared, {.id = 7});
        pthread_t t[THREADS];
        for (int i = 0; i < THREADS; i++)
            assert_int_equal(pthread_create(&t[i], NULL, hammer, arc_clone(s)), 0);
        /* Watch the last handles go from here too. */
        assert_true(arc_strong_count(s) >= 1);
        assert_int_equal(atomic_load(&s->touches) <= (size_t)THREADS * ROUNDS, 1);
        arc_drop(s);
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        assert_int_equal(atomic_load(&drops), 1);
        assert_int_equal(lib_test_alloc_live(), 0);
    }
}

static void arc_a_u64(void)
{
    arc_drop(ARC_NEW(uint64_t, 1));
}

static void *try_arc_of_size(size_t size)
{
    return try_arc_new((struct layout){.size = size, .align = 4096}, NULL);
}

static void new_panics_with_the_block_layout_when_out_of_memory(void **state)
{
    (void)state;
    lib_test_alloc_fail_after(0);
    EXPECT_PANIC_EXACTLY(arc_a_u64(), "allocation error: Layout { size: 40, align: 8 }");
}

static void try_new_returns_null_when_out_of_memory(void **state)
{
    (void)state;
    lib_test_alloc_fail_after(0);
    assert_null(TRY_ARC_NEW(uint64_t, 1));
    assert_null(try_arc_of_size(SIZE_MAX / 2));
    lib_test_alloc_fail_never();
    uint64_t *v = TRY_ARC_NEW(uint64_t, 5);
    assert_int_equal(*v, 5);
    assert_int_equal((uintptr_t)v % 8, 0);
    arc_drop(v);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lib_test_alloc_setup, lib_test_alloc_teardown)
    const struct CMUnitTest tests[] = {
        T(clone_and_drop_track_the_count),
        T(concurrent_clones_and_drops_run_the_destructor_once),
        T(try_new_returns_null_when_out_of_memory),
        T(new_panics_with_the_block_layout_when_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
