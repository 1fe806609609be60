/* mm/heap/kalloc: the global heap front, behind a host-backed fake allocator
 * that fails on demand and records how it was called. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_panic.h"
#include "lib/irq.h"
#include "mm/heap/kalloc.h"

/* ---- The fake allocator ------------------------------------------------ */

#define FAKE_MAX_LIVE 64

struct fake_block {
    void *ptr;
    struct layout layout;
};

struct fake {
    int fail_next;   /* this many alloc calls fail (negative: all fail) */
    int alloc_calls; /* alloc + alloc_zeroed (default body) */
    int dealloc_calls;
    int stats_calls;
    int check_calls;
    int irq_on_in_calls; /* calls that ran with interrupts enabled: must stay 0 */
    struct fake_block live[FAKE_MAX_LIVE];
    size_t live_count;
};

static struct fake fake;

static void fake_note_irq(void)
{
    if (irq_enabled())
        fake.irq_on_in_calls++;
}

static void *fake_alloc(void *self, struct layout layout)
{
    (void)self;
    fake_note_irq();
    fake.alloc_calls++;
    assert_true(layout.size > 0); /* kalloc never forwards zero sizes */
    if (fake.fail_next != 0) {
        if (fake.fail_next > 0)
            fake.fail_next--;
        return NULL;
    }
    void *p = NULL;
    size_t align = layout.align < sizeof(void *) ? sizeof(void *) : layout.align;
    assert_int_equal(posix_memalign(&p, align, layout.size), 0);
    memset(p, 0xAA, layout.size); /* garbage, so that zeroing is visible */
    assert_true(fake.live_count < FAKE_MAX_LIVE);
    fake.live[fake.live_count++] = (struct fake_block){p, layout};
    return p;
}

/* Frees with the exact layout the block was allocated with, or fails. */
static void fake_dealloc(void *self, void *ptr, struct layout layout)
{
    (void)self;
    fake_note_irq();
    fake.dealloc_calls++;
    for (size_t i = 0; i < fake.live_count; i++) {
        if (fake.live[i].ptr != ptr)
            continue;
        assert_int_equal(fake.live[i].layout.size, layout.size);
        assert_int_equal(fake.live[i].layout.align, layout.align);
        fake.live[i] = fake.live[--fake.live_count];
        free(ptr);
        return;
    }
    fail_msg("dealloc of a pointer the fake never returned: %p", ptr);
}

static enum allocator_init_error fake_init(void *self, void *start, size_t size)
{
    (void)self, (void)start, (void)size;
    return ALLOCATOR_INIT_OK;
}

static bool fake_extend(void *self, size_t more)
{
    (void)self, (void)more;
    return false;
}

static void fake_stats(void *self, struct heap_stats *out)
{
    (void)self;
    fake_note_irq();
    fake.stats_calls++;
    memset(out, 0, sizeof *out);
    out->live_allocations = fake.live_count;
}

static void fake_check(void *self)
{
    (void)self;
    fake_note_irq();
    fake.check_calls++;
}

static const struct allocator_ops fake_ops = {
    .name = "fake",
    .alloc = fake_alloc,
    .dealloc = fake_dealloc,
    .init = fake_init,
    .extend = fake_extend,
    .stats = fake_stats,
    .check = fake_check,
};

/* The fake behind kalloc, with `grow` as the heap's grow hook. */
static void install_fake(bool (*grow)(const struct allocator *a, struct layout layout))
{
    kalloc_install(
        (struct kalloc_heap){.allocator = {.ops = &fake_ops, .self = &fake}, .grow = grow});
}

static int setup(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof fake);
    install_fake(NULL);
    irq_enable();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(fake.live_count, 0);
    assert_int_equal(fake.irq_on_in_calls, 0);
    kalloc_install((struct kalloc_heap){0});
    return 0;
}

static struct layout L(size_t size, size_t align) {
    struct layout l;
    assert_int_equal(layout_new(size, align, &l), LAYOUT_OK);
    return l;
}

/* ---- Error handling ---------------------------------------------------- */

static void
kalloc_failure_panics_with_exact_layout_message(void **state)
{
    (void)state;
    fake.fail_next = -1;
    EXPECT_PANIC(kalloc(L(100, 8)), "allocation error");
    assert_string_equal(host_panic_message, "allocation error: Layout { size: 100, align: 8 }");
    EXPECT_PANIC(kalloc_zeroed(L(4096, 4096)), "allocation error");
    assert_string_equal(host_panic_message, "allocation error: Layout { size: 4096, align: 4096 }");
    assert_true(irq_enabled()); /* the lock was released before panicking */
}

static void kmalloc_failure_reports_the_requested_layout_not_the_header(void **state)
{
    (void)state;
    fake.fail_next = -1;
    EXPECT_PANIC(kmalloc(100), "allocation error");
    assert_string_equal(host_panic_message, "allocation error: Layout { size: 100, align: 16 }");
    EXPECT_PANIC(kzalloc(7), "allocation error");
    assert_string_equal(host_panic_message, "allocation error: Layout { size: 7, align: 16 }");
    fake.fail_next = 0;
    void *p = kmalloc(10);
    fake.fail_next = -1;
    EXPECT_PANIC(krealloc(p, 5000), "allocation error");
    assert_string_equal(host_panic_message, "allocation error: Layout { size: 5000, align: 16 }");
    kfree(p);
}

static void kmalloc_header_overflow_fails_without_calling_the_allocator(void **state)
{
    (void)state;
    assert_null(try_kmalloc(SIZE_MAX));
    assert_null(try_kzalloc(SIZE_MAX - 15));
    assert_null(try_kmalloc((size_t)INTPTR_MAX));
    assert_int_equal(fake.alloc_calls, 0);
    EXPECT_PANIC(kmalloc(SIZE_MAX), "allocation error");
    assert_string_equal(host_panic_message,
                        "allocation error: Layout { size: 18446744073709551615, align: 16 }");
    void *p = kmalloc(8);
    assert_null(try_krealloc(p, SIZE_MAX));
    kfree(p);
}

static void try_forms_return_null_and_keep_old_blocks(void **state)
{
    (void)state;
    char *p = kmalloc(32);
    memset(p, 'x', 32);
    char *q = kalloc(L(64, 64));
    memset(q, 'y', 64);
    fake.fail_next = -1;
    assert_null(try_kalloc(L(8, 8)));
    assert_null(try_kalloc_zeroed(L(8, 8)));
    assert_null(try_kmalloc(8));
    assert_null(try_kzalloc(8));
    assert_null(try_krealloc(p, 4096));
    assert_null(try_krealloc_layout(q, L(64, 64), 4096));
    for (int i = 0; i < 32; i++)
        assert_int_equal(p[i], 'x');
    for (int i = 0; i < 64; i++)
        assert_int_equal(q[i], 'y');
    kfree(p);
    kdealloc(q, L(64, 64));
}

static void kalloc_without_allocator_panics_clearly(void **state)
{
    (void)state;
    kalloc_install((struct kalloc_heap){0});
    EXPECT_PANIC(kalloc(L(8, 8)), "kalloc: no global allocator (heap_init not called)");
    EXPECT_PANIC(kmalloc(8), "kalloc: no global allocator (heap_init not called)");
    static struct heap_stats st;
    EXPECT_PANIC(kalloc_stats(&st), "kalloc: no global allocator");
    assert_true(irq_enabled());
    /* The lock is free again: installing an allocator makes kalloc work. */
    install_fake(NULL);
    kdealloc(kalloc(L(8, 8)), L(8, 8));
}

static void kalloc_install_returns_the_previous_heap(void **state)
{
    (void)state;
    struct kalloc_heap old = kalloc_install((struct kalloc_heap){0});
    assert_ptr_equal(old.allocator.ops, &fake_ops);
    assert_ptr_equal(old.allocator.self, &fake);
    EXPECT_PANIC(kmalloc(8), "kalloc: no global allocator");
    old = kalloc_install(old);
    assert_null(old.allocator.ops);
    kfree(kmalloc(8));
    assert_int_equal(fake.alloc_calls, 1);
}

static void note_with_lock(const struct allocator *a, void *seen)
{
    *(const struct allocator_ops **)seen = a->ops;
    assert_false(irq_enabled());
}

static void with_lock_runs_on_the_installed_allocator_with_interrupts_masked(void **state)
{
    (void)state;
    const struct allocator_ops *seen = NULL;
    kalloc_with_lock(note_with_lock, &seen);
    assert_ptr_equal(seen, &fake_ops);
    assert_true(irq_enabled());
    kalloc_install((struct kalloc_heap){0});
    EXPECT_PANIC(kalloc_with_lock(note_with_lock, &seen), "kalloc: no global allocator");
    install_fake(NULL);
}

/* ---- Zero sizes -------------------------------------------------------- */

static void zero_size_requests_never_reach_the_allocator(void **state)
{
    (void)state;
    assert_ptr_equal(kalloc(L(0, 1)), KALLOC_ZERO_SIZE_PTR);
    assert_ptr_equal(kalloc(L(0, 4096)), KALLOC_ZERO_SIZE_PTR);
    assert_ptr_equal(kalloc_zeroed(L(0, 8)), KALLOC_ZERO_SIZE_PTR);
    assert_ptr_equal(try_kalloc(L(0, 8)), KALLOC_ZERO_SIZE_PTR);
    assert_ptr_equal(kmalloc(0), KALLOC_ZERO_SIZE_PTR);
    assert_ptr_equal(kzalloc(0), KALLOC_ZERO_SIZE_PTR);
    kdealloc(KALLOC_ZERO_SIZE_PTR, L(0, 8));
    kfree(KALLOC_ZERO_SIZE_PTR);
    kfree(NULL);
    assert_int_equal(fake.alloc_calls, 0);
    assert_int_equal(fake.dealloc_calls, 0);
    /* Even a failing allocator is not consulted. */
    fake.fail_next = -1;
    assert_ptr_equal(kalloc(L(0, 16)), KALLOC_ZERO_SIZE_PTR);
}

static void realloc_to_and_from_zero_size_allocates_and_frees(void **state)
{
    (void)state;
    char *p = krealloc(NULL, 10);
    assert_int_equal(fake.live_count, 1);
    assert_ptr_equal(krealloc(p, 0), KALLOC_ZERO_SIZE_PTR);
    assert_int_equal(fake.live_count, 0);
    p = krealloc(KALLOC_ZERO_SIZE_PTR, 3);
    memcpy(p, "ab", 3);
    kfree(p);
    void *q = krealloc_layout(KALLOC_ZERO_SIZE_PTR, L(0, 32), 64);
    assert_int_equal((uintptr_t)q % 32, 0);
    assert_ptr_equal(krealloc_layout(q, L(64, 32), 0), KALLOC_ZERO_SIZE_PTR);
    assert_int_equal(fake.live_count, 0);
}

static void kdealloc_of_size_zero_with_a_real_pointer_panics(void **state)
{
    (void)state;
    void *p = kalloc(L(8, 8));
    EXPECT_PANIC(kdealloc(p, L(0, 8)), "kdealloc: size-0 layout");
    kdealloc(p, L(8, 8));
}

/* ---- Round trips ------------------------------------------------------- */

static void kmalloc_krealloc_kfree_roundtrip_preserves_contents(void **state)
{
    (void)state;
    unsigned char *p = kmalloc(100);
    assert_int_equal((uintptr_t)p % KMALLOC_ALIGN, 0);
    for (int i = 0; i < 100; i++)
        p[i] = (unsigned char)i;
    p = krealloc(p, 5000); /* grow */
    assert_int_equal((uintptr_t)p % KMALLOC_ALIGN, 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(p[i], i);
    memset(p + 100, 0x5a, 4900);
    p = krealloc(p, 50); /* shrink */
    for (int i = 0; i < 50; i++)
        assert_int_equal(p[i], i);
    p = krealloc(p, 50); /* same size */
    for (int i = 0; i < 50; i++)
        assert_int_equal(p[i], i);
    kfree(p);
    /* The allocator saw the header-padded layouts, freed exactly. */
    assert_int_equal(fake.live_count, 0);
}

static void kzalloc_and_kalloc_zeroed_return_zeroed_memory(void **state)
{
    (void)state;
    unsigned char *p = kzalloc(300);
    unsigned char *q = kalloc_zeroed(L(1000, 256));
    assert_int_equal((uintptr_t)q % 256, 0);
    for (int i = 0; i < 300; i++)
        assert_int_equal(p[i], 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(q[i], 0);
    kfree(p);
    kdealloc(q, L(1000, 256));
}

static void typed_helpers_allocate_and_free_one_value(void **state)
{
    (void)state;
    struct point {
        long x, y;
    } *pt = KALLOC_TYPE(struct point);
    pt->x = 1, pt->y = 2;
    assert_int_equal(fake.live[0].layout.size, sizeof(struct point));
    KFREE_TYPE(pt);
}

/* ---- Growth ------------------------------------------------------------ */

static struct layout grow_seen;
static int grow_calls;
static bool grow_answer;
static bool grow_irq_was_on;

static bool test_grow(const struct allocator *a, struct layout layout)
{
    assert_ptr_equal(a->ops, &fake_ops); /* the installed allocator */
    grow_calls++;
    grow_seen = layout;
    grow_irq_was_on = irq_enabled();
    return grow_answer;
}

static void grow_hook_is_called_then_the_retry_succeeds(void **state)
{
    (void)state;
    grow_calls = 0;
    grow_answer = true;
    install_fake(test_grow);
    fake.fail_next = 1;
    void *p = kalloc(L(200, 32));
    assert_non_null(p);
    assert_int_equal(grow_calls, 1);
    assert_int_equal(grow_seen.size, 200);
    assert_int_equal(grow_seen.align, 32);
    assert_false(grow_irq_was_on); /* runs under the heap lock */
    assert_int_equal(fake.alloc_calls, 2);
    kdealloc(p, L(200, 32));

    /* kmalloc: the hook is told the allocator's (header-padded) layout. */
    fake.fail_next = 1;
    p = kmalloc(100);
    assert_int_equal(grow_seen.size, 116);
    assert_int_equal(grow_seen.align, 16);
    kfree(p);
}

static void grow_hook_that_cannot_grow_means_one_attempt_only(void **state)
{
    (void)state;
    grow_calls = 0;
    grow_answer = false;
    install_fake(test_grow);
    fake.fail_next = 1;
    assert_null(try_kalloc(L(8, 8)));
    assert_int_equal(grow_calls, 1);
    assert_int_equal(fake.alloc_calls, 1);
}

static void retry_happens_only_once(void **state)
{
    (void)state;
    grow_calls = 0;
    grow_answer = true;
    install_fake(test_grow);
    fake.fail_next = 2;
    EXPECT_PANIC(kalloc(L(24, 8)), "allocation error: Layout { size: 24, align: 8 }");
    assert_int_equal(grow_calls, 1);
    assert_int_equal(fake.alloc_calls, 2);
}

/* ---- Locking ----------------------------------------------------------- */

static void allocator_calls_run_with_interrupts_masked_and_restored(void **state)
{
    (void)state;
    struct heap_stats st;
    irq_enable();
    void *p = kmalloc(10);
    p = krealloc(p, 20);
    kfree(p);
    kalloc_stats(&st);
    heap_check();
    assert_int_equal(fake.stats_calls, 1);
    assert_int_equal(fake.check_calls, 1);
    assert_int_equal(fake.irq_on_in_calls, 0);
    assert_true(irq_enabled());

    /* Called with interrupts already off: they stay off. */
    irq_disable();
    p = kmalloc(10);
    kfree(p);
    assert_false(irq_enabled());
    irq_enable();
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(kalloc_failure_panics_with_exact_layout_message),
        T(kmalloc_failure_reports_the_requested_layout_not_the_header),
        T(kmalloc_header_overflow_fails_without_calling_the_allocator),
        T(try_forms_return_null_and_keep_old_blocks),
        T(kalloc_without_allocator_panics_clearly),
        T(kalloc_install_returns_the_previous_heap),
        T(with_lock_runs_on_the_installed_allocator_with_interrupts_masked),
        T(zero_size_requests_never_reach_the_allocator),
        T(realloc_to_and_from_zero_size_allocates_and_frees),
        T(kdealloc_of_size_zero_with_a_real_pointer_panics),
        T(kmalloc_krealloc_kfree_roundtrip_preserves_contents),
        T(kzalloc_and_kalloc_zeroed_return_zeroed_memory),
        T(typed_helpers_allocate_and_free_one_value),
        T(grow_hook_is_called_then_the_retry_succeeds),
        T(grow_hook_that_cannot_grow_means_one_attempt_only),
        T(retry_happens_only_once),
        T(allocator_calls_run_with_interrupts_masked_and_restored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
