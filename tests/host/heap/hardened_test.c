/* mm/heap/hardened: the shared edge cases over every design, the byte
 * patterns and the quarantine, and every bad act with its exact report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heap_conformance.h"
#include "host_panic.h"
#include "mm/heap/dummy.h"
#include "mm/heap/hardened.h"
#include "mm/heap/kalloc.h"

#define KIB ((size_t)1024)

/* Callers as the wrapper records them: set before each operation. */
#define ALLOCATED_BY ((const void *)0xa110c)
#define FREED_BY     ((const void *)0xf4ee)
static const void *fake_caller;

static const void *fake_caller_fn(void)
{
    return fake_caller;
}

static struct test_heap h; /* static: survives the longjmp of EXPECT_PANIC */
static struct hardened_heap *hs;
static char want[512];

static void open_kind(const struct heap_kind *kind, size_t size)
{
    test_heap_open(&h, kind, size, 0, size);
    hs = hardened_from(&h.a);
    assert_non_null(hs);
    hardened_set_caller(hs, fake_caller_fn);
}

static void open_heap(void)
{
    open_kind(&heap_kind_hardened_tlsf, 64 * KIB);
}

static unsigned char *alloc_block(size_t size, size_t align)
{
    fake_caller = ALLOCATED_BY;
    unsigned char *p = th_alloc(&h, size, align);
    assert_non_null(p);
    return p;
}

static void free_block(void *p, size_t size, size_t align)
{
    fake_caller = FREED_BY;
    th_free(&h, p, size, align);
}

static void *realloc_block(void *p, size_t size, size_t align, size_t new_size)
{
    fake_caller = FREED_BY;
    return allocator_realloc(&h.a, p, (struct layout){size, align}, new_size);
}

static void check_heap(void)
{
    allocator_check(&h.a);
}

/* The statement panics with exactly the message in `want`. */
#define EXPECT_REPORT(stmt)                                                                        \
    do {                                                                                           \
        EXPECT_PANIC(stmt, want);                                                                  \
        assert_string_equal(host_panic_message, want);                                             \
    } while (0)

static bool all_bytes_are(const unsigned char *p, size_t n, unsigned char value)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != value)
            return false;
    return true;
}

/* ---- Patterns, quarantine, realloc ----------------------------------- */

static void fresh_blocks_hold_the_pattern_and_zeroed_blocks_zeros(void **state)
{
    (void)state;
    open_heap();
    unsigned char *p = alloc_block(100, 8);
    assert_true(all_bytes_are(p, 100, HARDENED_FRESH_BYTE));
    assert_true(all_bytes_are(p - HARDENED_REDZONE, HARDENED_REDZONE, HARDENED_REDZONE_BYTE));
    assert_true(all_bytes_are(p + 100, 12 + HARDENED_REDZONE, HARDENED_REDZONE_BYTE));
    memset(p, 0x77, 100);
    free_block(p, 100, 8);
    hardened_drain_quarantine(hs);
    unsigned char *z = allocator_alloc_zeroed(&h.a, (struct layout){100, 8});
    assert_ptr_equal(z, p); /* the same memory, dirty before */
    assert_true(all_bytes_are(z, 100, 0));
    free_block(z, 100, 8);
    test_heap_close(&h);
}

static void every_user_pointer_is_at_least_16_aligned(void **state)
{
    (void)state;
    open_heap();
    for (size_t align = 1; align <= 4096; align <<= 1) {
        unsigned char *p = alloc_block(3, align);
        assert_int_equal((uintptr_t)p % (align < 16 ? 16 : align), 0);
        free_block(p, 3, align);
    }
    check_heap();
    test_heap_close(&h);
}

static void freed_blocks_are_poisoned_and_held_in_quarantine(void **state)
{
    (void)state;
    open_heap();
    unsigned char *p = alloc_block(64, 16);
    memset(p, 0x11, 64);
    struct heap_stats before = th_stats(&h);
    free_block(p, 64, 16);
    assert_true(all_bytes_are(p, 64, HARDENED_FREED_BYTE));
    assert_int_equal(hs->quarantine_blocks, 1);
    assert_int_equal(hs->quarantine_bytes, 80 + 64 + 16);
    /* The memory is not back in the inner heap yet, nor reused. */
    assert_int_equal(th_stats(&h).bytes_free, before.bytes_free);
    unsigned char *q = alloc_block(64, 16);
    assert_ptr_not_equal(q, p);
    check_heap();
    hardened_drain_quarantine(hs);
    assert_int_equal(hs->quarantine_blocks, 0);
    free_block(q, 64, 16);
    test_heap_close(&h);
}

static void the_quarantine_releases_its_oldest_blocks_beyond_its_bounds(void **state)
{
    (void)state;
    open_heap();
    hardened_set_quarantine(hs, 2, 64 * KIB);
    unsigned char *b[4];
    for (int i = 0; i < 4; i++)
        b[i] = alloc_block(16, 8);
    for (int i = 0; i < 4; i++)
        free_block(b[i], 16, 8);
    assert_int_equal(hs->quarantine_blocks, 2);
    /* b[0] and b[1] went back to the inner heap: it counts 2 live blocks. */
    struct heap_stats inner;
    allocator_stats(&hs->inner, &inner);
    assert_int_equal(inner.live_allocations, 2);
    /* A byte bound: one 1000-byte block (inner 1104 bytes) fits, two do not. */
    hardened_set_quarantine(hs, 100, 2000);
    unsigned char *x = alloc_block(1000, 8), *y = alloc_block(1000, 8);
    free_block(x, 1000, 8);
    free_block(y, 1000, 8);
    assert_int_equal(hs->quarantine_blocks, 1);
    assert_int_equal(hs->quarantine_bytes, 1104);
    hardened_set_quarantine(hs, 0, 0);
    assert_int_equal(hs->quarantine_blocks, 0);
    test_heap_close(&h);
}

static void an_exhausted_inner_heap_drains_the_quarantine_before_failing(void **state)
{
    (void)state;
    static unsigned char *blocks[512];
    open_kind(&heap_kind_hardened_linked_list, 16 * KIB);
    size_t n = 0;
    while ((blocks[n] = th_alloc(&h, 100, 8)) != NULL)
        n++;
    for (size_t i = 0; i < n; i++)
        th_free(&h, blocks[i], 100, 8);
    assert_true(hs->quarantine_blocks > 0);
    for (size_t i = 0; i < n; i++)
        assert_non_null(blocks[i] = th_alloc(&h, 100, 8));
    assert_null(th_alloc(&h, 100, 8));
    for (size_t i = 0; i < n; i++)
        th_free(&h, blocks[i], 100, 8);
    test_heap_close(&h);
}

static void realloc_always_moves_keeps_contents_and_quarantines_the_old_block(void **state)
{
    (void)state;
    open_heap();
    unsigned char *p = alloc_block(40, 8);
    memset(p, 0x3c, 40);
    unsigned char *q = realloc_block(p, 40, 8, 100);
    assert_ptr_not_equal(q, p);
    assert_true(all_bytes_are(q, 40, 0x3c));
    assert_true(all_bytes_are(q + 40, 60, HARDENED_FRESH_BYTE)); /* the new tail is fresh */
    assert_true(all_bytes_are(p, 40, HARDENED_FREED_BYTE));
    unsigned char *r = realloc_block(q, 100, 8, 10); /* shrinking moves too */
    assert_ptr_not_equal(r, q);
    assert_true(all_bytes_are(r, 10, 0x3c));
    assert_int_equal(th_stats(&h).bytes_in_use, 10);
    assert_int_equal(th_stats(&h).live_allocations, 1);
    free_block(r, 10, 8);
    check_heap();
    test_heap_close(&h);
}

static void a_dummy_inner_heap_is_accepted_and_fails_every_request(void **state)
{
    (void)state;
    static unsigned char region[256];
    struct dummy_heap inner;
    struct hardened_heap hard;
    struct allocator a = hardened_wrap(&hard, dummy_allocator(&inner));
    assert_int_equal(allocator_init(&a, region, sizeof region), ALLOCATOR_INIT_OK);
    assert_null(allocator_alloc(&a, (struct layout){1, 1}));
    allocator_check(&a);
}

/* ---- Bad pointers ----------------------------------------------------- */

static void double_free_is_reported_while_the_block_is_quarantined(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    p = alloc_block(8, 8);
    free_block(p, 8, 8);
    snprintf(want, sizeof want,
             "hardened heap: double free of %p (Layout { size: 8, align: 8 }): already freed by "
             "0xf4ee (allocated by 0xa110c)",
             (void *)p);
    EXPECT_REPORT(free_block(p, 8, 8));
    EXPECT_REPORT(realloc_block(p, 8, 8, 16)); /* a realloc of a freed block too */
    test_heap_close(&h);
}

/* Once the block left quarantine its header belongs to the inner heap
 * again (TLSF's free-list links overwrite it): the pointer is no block. */
static void double_free_after_the_quarantine_is_still_refused(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    hardened_set_quarantine(hs, 0, 0);
    p = alloc_block(8, 8);
    free_block(p, 8, 8);
    snprintf(want, sizeof want,
             "hardened heap: dealloc of %p (Layout { size: 8, align: 8 }): not a block this heap "
             "handed out",
             (void *)p);
    EXPECT_REPORT(free_block(p, 8, 8));
    test_heap_close(&h);
}

static void pointers_outside_the_region_are_not_heap_pointers(void **state)
{
    (void)state;
    open_heap();
    static int on_stack;
    static void *outside[3];
    outside[0] = &on_stack;
    outside[1] = (void *)(h.lo - 16);
    outside[2] = (void *)h.hi; /* one past the end */
    for (int i = 0; i < 3; i++) {
        snprintf(want, sizeof want,
                 "hardened heap: dealloc of %p (Layout { size: 4, align: 4 }): not a heap pointer "
                 "(outside the heap region [%p, %p))",
                 outside[i], (void *)h.lo, (void *)h.hi);
        EXPECT_REPORT(free_block(outside[i], 4, 4));
    }
    test_heap_close(&h);
}

static void interior_pointers_name_the_live_block_and_the_offset(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    static const ptrdiff_t offsets[] = {16, 3, 63, -8, -80};
    p = alloc_block(64, 8);
    for (int i = 0; i < 5; i++) {
        snprintf(want, sizeof want,
                 "hardened heap: dealloc of %p (Layout { size: 64, align: 8 }): interior pointer, "
                 "offset %td into the live block %p (Layout { size: 64, align: 8 }, allocated by "
                 "0xa110c)",
                 (void *)(p + offsets[i]), offsets[i], (void *)p);
        EXPECT_REPORT(free_block(p + offsets[i], 64, 8));
    }
    /* Nothing changed: the block frees normally. */
    free_block(p, 64, 8);
    check_heap();
    test_heap_close(&h);
}

static void pointers_into_a_freed_block_are_reported(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    p = alloc_block(64, 8);
    free_block(p, 64, 8);
    snprintf(want, sizeof want,
             "hardened heap: dealloc of %p (Layout { size: 64, align: 8 }): pointer into the freed "
             "block %p at offset 32",
             (void *)(p + 32), (void *)p);
    EXPECT_REPORT(free_block(p + 32, 64, 8));
    test_heap_close(&h);
}

static void unknown_pointers_inside_the_region_are_refused(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *free_space;
    free_space = (unsigned char *)h.hi - 1024; /* nothing was allocated there */
    snprintf(want, sizeof want,
             "hardened heap: dealloc of %p (Layout { size: 8, align: 8 }): misaligned pointer, not "
             "a block this heap handed out",
             (void *)(free_space + 4));
    EXPECT_REPORT(free_block(free_space + 4, 8, 8));
    snprintf(want, sizeof want,
             "hardened heap: dealloc of %p (Layout { size: 8, align: 8 }): not a block this heap "
             "handed out",
             (void *)free_space);
    EXPECT_REPORT(free_block(free_space, 8, 8));
    test_heap_close(&h);
}

static void a_forged_header_copy_is_not_a_block(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p, *q;
    p = alloc_block(16, 16);
    q = alloc_block(256, 16);
    /* Copy p's header and red zone into q: the seal covers the address. */
    memcpy(q + 96, p - 80, 80);
    snprintf(want, sizeof want,
             "hardened heap: dealloc of %p (Layout { size: 16, align: 16 }): interior pointer, "
             "offset 176 into the live block %p (Layout { size: 256, align: 16 }, allocated by "
             "0xa110c)",
             (void *)(q + 176), (void *)q);
    EXPECT_REPORT(free_block(q + 176, 16, 16));
    test_heap_close(&h);
}

static void a_layout_other_than_the_allocation_s_is_a_mismatch(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    static const struct layout wrong[] = {{16, 8}, {33, 8}, {32, 16}, {32, 1}};
    p = alloc_block(32, 8);
    for (int i = 0; i < 4; i++) {
        snprintf(want, sizeof want,
                 "hardened heap: dealloc of %p (Layout { size: %zu, align: %zu }): layout "
                 "mismatch, the block was allocated with Layout { size: 32, align: 8 } by 0xa110c",
                 (void *)p, wrong[i].size, wrong[i].align);
        EXPECT_REPORT(free_block(p, wrong[i].size, wrong[i].align));
    }
    snprintf(want, sizeof want,
             "hardened heap: realloc of %p (Layout { size: 30, align: 8 }): layout mismatch, the "
             "block was allocated with Layout { size: 32, align: 8 } by 0xa110c",
             (void *)p);
    EXPECT_REPORT(realloc_block(p, 30, 8, 64));
    free_block(p, 32, 8);
    test_heap_close(&h);
}

/* ---- Red zones -------------------------------------------------------- */

static void a_one_byte_overflow_is_reported_with_offset_and_byte(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    p = alloc_block(8, 8);
    p[8] = 0x41;
    snprintf(want, sizeof want,
             "hardened heap: overflow of block %p (Layout { size: 8, align: 8 }, allocated by "
             "0xa110c): red zone after the block changed at offsets 8..8: found 41, expected fb",
             (void *)p);
    EXPECT_REPORT(free_block(p, 8, 8));
    EXPECT_REPORT(realloc_block(p, 8, 8, 100));
    EXPECT_REPORT(check_heap());
    test_heap_close(&h);
}

static void a_longer_overflow_shows_the_first_bytes_found(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p, *q;
    p = alloc_block(13, 1);
    memcpy(p + 13, "\x01\x02\x03", 3); /* in the padding to 16 bytes */
    snprintf(want, sizeof want,
             "hardened heap: overflow of block %p (Layout { size: 13, align: 1 }, allocated by "
             "0xa110c): red zone after the block changed at offsets 13..15: found 01 02 03, "
             "expected fb",
             (void *)p);
    EXPECT_REPORT(free_block(p, 13, 1));
    q = alloc_block(32, 8);
    memset(q + 32, 0, 12);
    snprintf(want, sizeof want,
             "hardened heap: overflow of block %p (Layout { size: 32, align: 8 }, allocated by "
             "0xa110c): red zone after the block changed at offsets 32..43: found 00 00 00 00 00 "
             "00 00 00 .., expected fb",
             (void *)q);
    EXPECT_REPORT(free_block(q, 32, 8));
    test_heap_close(&h);
}

static void an_underflow_is_reported_with_negative_offsets(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    p = alloc_block(24, 8);
    p[-1] = 0x42;
    p[-16] = 0x43;
    snprintf(want, sizeof want,
             "hardened heap: underflow of block %p (Layout { size: 24, align: 8 }, allocated by "
             "0xa110c): red zone before the block changed at offsets -16..-1: found 43 fb fb fb "
             "fb fb fb fb .., expected fb",
             (void *)p);
    EXPECT_REPORT(free_block(p, 24, 8));
    EXPECT_REPORT(check_heap());
    test_heap_close(&h);
}

static void an_underflow_past_the_red_zone_breaks_the_header_seal(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    p = alloc_block(24, 8);
    p[-20] ^= 1; /* the last bytes of the header: its seal */
    snprintf(want, sizeof want,
             "hardened heap: corrupted header of the live block %p (seal mismatch: underflow past "
             "a red zone or a wild write)",
             (void *)p);
    EXPECT_REPORT(free_block(p, 24, 8));
    EXPECT_REPORT(check_heap());
    test_heap_close(&h);
}

/* ---- Writes after free ------------------------------------------------ */

static void check_finds_a_write_after_free_in_the_quarantine(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    p = alloc_block(32, 8);
    free_block(p, 32, 8);
    p[4] = 0x17;
    snprintf(want, sizeof want,
             "hardened heap: write after free to block %p (Layout { size: 32, align: 8 }, freed "
             "by 0xf4ee): changed at offsets 4..4: found 17, expected dd",
             (void *)p);
    EXPECT_REPORT(check_heap());
    test_heap_close(&h);
}

static void a_block_leaving_the_quarantine_is_checked_for_writes(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p, *q;
    hardened_set_quarantine(hs, 1, 64 * KIB);
    p = alloc_block(32, 8);
    q = alloc_block(32, 8);
    free_block(p, 32, 8);
    memset(p + 30, 0, 4); /* the last user bytes and the red zone after */
    snprintf(want, sizeof want,
             "hardened heap: write after free to block %p (Layout { size: 32, align: 8 }, freed "
             "by 0xf4ee): changed at offsets 30..33: found 00 00 00 00, expected dd",
             (void *)p);
    EXPECT_REPORT(free_block(q, 32, 8)); /* pushes p out */
    test_heap_close(&h);
}

static void a_write_to_a_freed_block_s_red_zone_expects_the_red_zone_byte(void **state)
{
    (void)state;
    open_heap();
    static unsigned char *p;
    p = alloc_block(32, 8);
    free_block(p, 32, 8);
    p[-3] = 0x99;
    snprintf(want, sizeof want,
             "hardened heap: write after free to block %p (Layout { size: 32, align: 8 }, freed "
             "by 0xf4ee): changed at offsets -3..-3: found 99, expected fb",
             (void *)p);
    EXPECT_REPORT(hardened_drain_quarantine(hs));
    test_heap_close(&h);
}

/* Every detection works whatever design is inside. */
static void every_design_behind_the_wrapper_reports_the_same_acts(void **state)
{
    (void)state;
    static const struct heap_kind *const kinds[] = {
        &heap_kind_hardened_bump, &heap_kind_hardened_linked_list, &heap_kind_hardened_fixed_block,
        &heap_kind_hardened_tlsf};
    static unsigned char *p, *q;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        open_kind(kinds[k], 64 * KIB);
        p = alloc_block(100, 32);
        q = alloc_block(10, 4);
        free_block(q, 10, 4);
        snprintf(want, sizeof want,
                 "hardened heap: double free of %p (Layout { size: 10, align: 4 }): already freed "
                 "by 0xf4ee (allocated by 0xa110c)",
                 (void *)q);
        EXPECT_REPORT(free_block(q, 10, 4));
        p[100] = 0;
        snprintf(want, sizeof want,
                 "hardened heap: overflow of block %p (Layout { size: 100, align: 32 }, allocated "
                 "by 0xa110c): red zone after the block changed at offsets 100..100: found 00, "
                 "expected fb",
                 (void *)p);
        EXPECT_REPORT(free_block(p, 100, 32));
        test_heap_close(&h);
    }
}

/* ---- Leak report and callers ------------------------------------------ */

struct text {
    char buf[2048];
    size_t len;
};

static void text_sink(void *ctx, const char *s, size_t n)
{
    struct text *t = ctx;
    assert_true(t->len + n < sizeof t->buf);
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void the_leak_report_lists_live_blocks_most_recent_first(void **state)
{
    (void)state;
    open_heap();
    struct text t = {.len = 0};
    assert_int_equal(hardened_report_leaks(hs, 10, text_sink, &t), 0);
    assert_string_equal(t.buf, "heap leak report: 0 live allocations, 0 bytes\n");
    unsigned char *a = alloc_block(24, 8), *b = alloc_block(1, 1), *c = alloc_block(300, 64);
    free_block(b, 1, 1);
    t.len = 0;
    assert_int_equal(hardened_report_leaks(hs, 10, text_sink, &t), 2);
    char expected[512];
    snprintf(expected, sizeof expected,
             "heap leak report: 2 live allocations, 324 bytes\n"
             "  %p Layout { size: 300, align: 64 } allocated by 0xa110c\n"
             "  %p Layout { size: 24, align: 8 } allocated by 0xa110c\n",
             (void *)c, (void *)a);
    assert_string_equal(t.buf, expected);
    t.len = 0;
    free_block(c, 300, 64);
    assert_int_equal(hardened_report_leaks(hs, 0, text_sink, &t), 1);
    assert_string_equal(t.buf, "heap leak report: 1 live allocation, 24 bytes\n"
                               "  ... and 1 more\n");
    free_block(a, 24, 8);
    test_heap_close(&h);
}

/* Without a caller source the wrapper records its own return address: the
 * code calling the (always inlined) vtable dispatcher. */
static void without_a_caller_source_the_vtable_caller_is_recorded(void **state)
{
    (void)state;
    open_heap();
    hardened_set_caller(hs, NULL);
    void *p = allocator_alloc(&h.a, (struct layout){8, 8});
    struct text t = {.len = 0};
    hardened_report_leaks(hs, 1, text_sink, &t);
    const char *by = strstr(t.buf, "allocated by 0x");
    assert_non_null(by);
    uintptr_t caller = (uintptr_t)strtoull(by + strlen("allocated by "), NULL, 16);
    uintptr_t self = (uintptr_t)without_a_caller_source_the_vtable_caller_is_recorded;
    assert_true(caller > self && caller < self + 1024); /* the inlined dispatcher's call */
    th_free(&h, p, 8, 8);
    test_heap_close(&h);
}

/* Behind kalloc, the owner of a block is the code that called kalloc. */
static void kalloc_passes_its_caller_to_the_wrapper(void **state)
{
    (void)state;
    open_heap();
    hardened_set_caller(hs, kalloc_caller);
    struct kalloc_heap old = kalloc_install((struct kalloc_heap){.allocator = h.a});
    assert_null(kalloc_caller());
    void *a = kalloc((struct layout){24, 8});
    void *b = kmalloc(10);
    void *c = krealloc(kzalloc(5), 7);
    struct text t = {.len = 0};
    assert_int_equal(hardened_report_leaks(hs, 3, text_sink, &t), 3);
    uintptr_t self = (uintptr_t)kalloc_passes_its_caller_to_the_wrapper;
    const char *line = t.buf;
    for (int i = 0; i < 3; i++) {
        line = strstr(line, "allocated by 0x");
        assert_non_null(line);
        line += strlen("allocated by ");
        uintptr_t caller = (uintptr_t)strtoull(line, NULL, 16);
        assert_true(caller > self && caller < self + 1024);
    }
    kfree(c);
    kfree(b);
    kdealloc(a, (struct layout){24, 8});
    assert_int_equal(hardened_report_leaks(hs, 3, text_sink, &t), 0);
    kalloc_install(old);
    test_heap_close(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        HEAP_CONFORMANCE_TESTS(&heap_kind_hardened_tlsf),
        HEAP_CONFORMANCE_TESTS(&heap_kind_hardened_linked_list),
        HEAP_CONFORMANCE_TESTS(&heap_kind_hardened_fixed_block),
        HEAP_CONFORMANCE_TESTS(&heap_kind_hardened_bump),
        HEAP_CONFORMANCE_TESTS(&heap_kind_hardened_segfit),
        cmocka_unit_test(fresh_blocks_hold_the_pattern_and_zeroed_blocks_zeros),
        cmocka_unit_test(every_user_pointer_is_at_least_16_aligned),
        cmocka_unit_test(freed_blocks_are_poisoned_and_held_in_quarantine),
        cmocka_unit_test(the_quarantine_releases_its_oldest_blocks_beyond_its_bounds),
        cmocka_unit_test(an_exhausted_inner_heap_drains_the_quarantine_before_failing),
        cmocka_unit_test(realloc_always_moves_keeps_contents_and_quarantines_the_old_block),
        cmocka_unit_test(a_dummy_inner_heap_is_accepted_and_fails_every_request),
        cmocka_unit_test(double_free_is_reported_while_the_block_is_quarantined),
        cmocka_unit_test(double_free_after_the_quarantine_is_still_refused),
        cmocka_unit_test(pointers_outside_the_region_are_not_heap_pointers),
        cmocka_unit_test(interior_pointers_name_the_live_block_and_the_offset),
        cmocka_unit_test(pointers_into_a_freed_block_are_reported),
        cmocka_unit_test(unknown_pointers_inside_the_region_are_refused),
        cmocka_unit_test(a_forged_header_copy_is_not_a_block),
        cmocka_unit_test(a_layout_other_than_the_allocation_s_is_a_mismatch),
        cmocka_unit_test(a_one_byte_overflow_is_reported_with_offset_and_byte),
        cmocka_unit_test(a_longer_overflow_shows_the_first_bytes_found),
        cmocka_unit_test(an_underflow_is_reported_with_negative_offsets),
        cmocka_unit_test(an_underflow_past_the_red_zone_breaks_the_header_seal),
        cmocka_unit_test(check_finds_a_write_after_free_in_the_quarantine),
        cmocka_unit_test(a_block_leaving_the_quarantine_is_checked_for_writes),
        cmocka_unit_test(a_write_to_a_freed_block_s_red_zone_expects_the_red_zone_byte),
        cmocka_unit_test(every_design_behind_the_wrapper_reports_the_same_acts),
        cmocka_unit_test(the_leak_report_lists_live_blocks_most_recent_first),
        cmocka_unit_test(without_a_caller_source_the_vtable_caller_is_recorded),
        cmocka_unit_test(kalloc_passes_its_caller_to_the_wrapper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
