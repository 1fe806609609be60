/* The failure-injecting, leak-counting test allocator (lib_test_alloc.h). */
#include "lib_test_alloc.h"

#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/heap/kalloc.h"

#define RECORD_MAGIC 0x6b65656c426c6b21ull /* "keelBlk!" */

/* Kept just below every block handed out. */
struct record {
    uint64_t magic;
    void *base; /* what aligned_alloc returned */
    struct layout layout;
};

static struct {
    size_t live;
    size_t count;
    size_t failures;
    size_t countdown; /* allocations left before failing starts / the failing one */
    size_t errors;    /* bad deallocs seen (reported at teardown) */
    char first_error[256];
    enum { FAIL_NEVER, FAIL_AFTER, FAIL_NTH } mode;
    struct kalloc_heap previous;
} st;

static bool should_fail(void)
{
    switch (st.mode) {
    case FAIL_NEVER:
        return false;
    case FAIL_AFTER:
        if (st.countdown == 0)
            return true;
        st.countdown--;
        return false;
    case FAIL_NTH:
        if (--st.countdown == 0) {
            st.mode = FAIL_NEVER;
            return true;
        }
        return false;
    }
    return false;
}

static size_t record_offset(size_t align)
{
    size_t a = align > alignof(struct record) ? align : alignof(struct record);
    return (sizeof(struct record) + a - 1) & ~(a - 1);
}

static void *test_alloc(void *self, struct layout layout)
{
    (void)self;
    if (should_fail()) {
        st.failures++;
        return NULL;
    }
    size_t align = layout.align > 16 ? layout.align : 16;
    size_t offset = record_offset(layout.align);
    size_t total = (offset + layout.size + align - 1) & ~(align - 1);
    char *base = aligned_alloc(align, total);
    if (base == NULL)
        abort(); /* the host itself is out of memory: not a test outcome */
    char *user = base + offset;
    struct record *r = (struct record *)user - 1;
    *r = (struct record){.magic = RECORD_MAGIC, .base = base, .layout = layout};
    st.live++;
    st.count++;
    return user;
}

/* Allocator operations run under the heap lock, so they must not fail the
 * test on the spot (cmocka would longjmp out with the lock held): errors are
 * recorded and reported when the allocator is uninstalled. */
static void record_error(const char *fmt, ...)
{
    if (st.errors++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st.first_error, sizeof st.first_error, fmt, ap);
        va_end(ap);
    }
}

static void test_dealloc(void *self, void *ptr, struct layout layout)
{
    (void)self;
    struct record *r = (struct record *)ptr - 1;
    if (r->magic != RECORD_MAGIC) {
        record_error("dealloc of %p, which this allocator did not hand out", ptr);
        return;
    }
    if (r->layout.size != layout.size || r->layout.align != layout.align)
        record_error("dealloc of %p with Layout { size: %zu, align: %zu }, allocated with "
                     "Layout { size: %zu, align: %zu }",
                     ptr, layout.size, layout.align, r->layout.size, r->layout.align);
    r->magic = 0;
    st.live--;
    free(r->base);
}

static enum allocator_init_error test_init(void *self, void *start, size_t size)
{
    (void)self, (void)start, (void)size;
    return ALLOCATOR_INIT_OK;
}

static bool test_extend(void *self, size_t more)
{
    (void)self, (void)more;
    return false;
}

static void test_stats(void *self, struct heap_stats *out)
{
    (void)self;
    *out = (struct heap_stats){.live_allocations = st.live};
}

static void test_check(void *self)
{
    (void)self;
}

static const struct allocator_ops test_ops = {
    .name = "lib_test_alloc",
    .alloc = test_alloc,
    .dealloc = test_dealloc,
    .init = test_init,
    .extend = test_extend,
    .stats = test_stats,
    .check = test_check,
};

void lib_test_alloc_install(void)
{
    struct kalloc_heap previous =
        kalloc_install((struct kalloc_heap){.allocator = {.ops = &test_ops}});
    st = (__typeof__(st)){.mode = FAIL_NEVER, .previous = previous};
}

/* Restores the previous allocator; returns false (after printing why) if
 * blocks leaked or a dealloc was wrong. */
static bool uninstall(void)
{
    kalloc_install(st.previous);
    if (st.errors != 0)
        print_error("%zu bad dealloc(s); first: %s\n", st.errors, st.first_error);
    if (st.live != 0)
        print_error("%zu block(s) leaked\n", st.live);
    return st.errors == 0 && st.live == 0;
}

void lib_test_alloc_uninstall(void)
{
    if (!uninstall())
        fail();
}

int lib_test_alloc_setup(void **state)
{
    (void)state;
    lib_test_alloc_install();
    return 0;
}

int lib_test_alloc_teardown(void **state)
{
    (void)state;
    return uninstall() ? 0 : -1;
}

void lib_test_alloc_fail_after(size_t n)
{
    st.mode = FAIL_AFTER;
    st.countdown = n;
}

void lib_test_alloc_fail_nth(size_t n)
{
    assert_true(n >= 1);
    st.mode = FAIL_NTH;
    st.countdown = n;
}

void lib_test_alloc_fail_never(void)
{
    st.mode = FAIL_NEVER;
}

size_t lib_test_alloc_live(void)
{
    return st.live;
}

size_t lib_test_alloc_count(void)
{
    return st.count;
}

size_t lib_test_alloc_failures(void)
{
    return st.failures;
}
