/* heap_hardened: what the hardened heap does to correct code (hardened
 * builds): fresh memory carries the pattern, zeroed memory is zero, freed
 * memory is poisoned in quarantine, realloc moves, and the leak report names
 * live blocks with their callers. */
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "mm/heap/hardened.h"
#include "mm/heap/kalloc.h"
#include "tests/kernel/ktest.h"

static bool all_bytes_are(const volatile uint8_t *p, size_t n, uint8_t value)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != value)
            return false;
    return true;
}

static void check_hardened(const struct allocator *a, void *is_hardened)
{
    *(bool *)is_hardened = hardened_from(a) != NULL;
}

KTEST(the_kernel_heap_is_hardened)
{
    bool is_hardened = false;
    kalloc_with_lock(check_hardened, &is_hardened);
    KTEST_ASSERT(is_hardened);
}

KTEST(fresh_memory_is_filled_with_the_pattern)
{
    struct layout layout = {.size = 40, .align = 8};
    uint8_t *p = kalloc(layout);
    KTEST_ASSERT(all_bytes_are(p, 40, HARDENED_FRESH_BYTE));
    kdealloc(p, layout);
}

KTEST(zeroed_memory_is_zero_where_freed_blocks_were_poisoned)
{
    uint8_t *dirty = kmalloc(200);
    memset(dirty, 0x5a, 200);
    kfree(dirty);
    uint8_t *p = kzalloc(200);
    KTEST_ASSERT(all_bytes_are(p, 200, 0));
    kfree(p);
}

/* Reading freed memory is what the poison is for: it shows as 0xdd. */
KTEST(freed_memory_is_poisoned_while_in_quarantine)
{
    struct layout layout = {.size = 48, .align = 16};
    volatile uint8_t *p = kalloc(layout);
    memset((void *)p, 0x11, 48);
    kdealloc((void *)p, layout);
    KTEST_ASSERT(all_bytes_are(p, 48, HARDENED_FREED_BYTE));
    heap_check();
}

KTEST(realloc_always_moves_and_poisons_the_old_block)
{
    volatile uint8_t *p = kmalloc(64);
    memset((void *)p, 0x33, 64);
    volatile uint8_t *q = krealloc((void *)p, 32);
    KTEST_ASSERT(q != p);
    KTEST_ASSERT(all_bytes_are(q, 32, 0x33));
    KTEST_ASSERT(all_bytes_are(p, 48, HARDENED_FREED_BYTE)); /* past kmalloc's header */
    kfree((void *)q);
    heap_check();
}

struct text {
    char buf[1024];
    size_t len;
};

static void text_sink(void *ctx, const char *s, size_t n)
{
    struct text *t = ctx;
    for (size_t i = 0; i < n && t->len + 1 < sizeof t->buf; i++)
        t->buf[t->len++] = s[i];
    t->buf[t->len] = '\0';
}

static uint64_t parse_hex(const char *s)
{
    uint64_t v = 0;
    for (;; s++) {
        unsigned d = *s >= '0' && *s <= '9'   ? (unsigned)(*s - '0')
                     : *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10)
                                              : 16;
        if (d == 16)
            return v;
        v = v * 16 + d;
    }
}

/* The first live block of the leak report, into a struct text. */
static void report_one_leak(const struct allocator *a, void *t)
{
    hardened_report_leaks(hardened_from(a), 1, text_sink, t);
}

static void *leaked;

/* The block is left live on purpose: the runner's report after the last
 * test lists it first (tests.cmake checks that). The owner recorded is the
 * return address of the kalloc call, inside this function. */
KTEST(leak_report_lists_a_live_block_with_its_caller)
{
    leaked = kalloc((struct layout){.size = 24, .align = 8});
    kprintf("leaking %p ", leaked);
    struct text t = {.len = 0};
    kalloc_with_lock(report_one_leak, &t);
    char expected[96];
    ksnprintf(expected, sizeof expected, "  %p Layout { size: 24, align: 8 } allocated by 0x",
              leaked);
    const char *line = strstr(t.buf, expected);
    KTEST_ASSERT(line != NULL);
    uint64_t caller = parse_hex(line + strlen(expected));
    uint64_t self = (uint64_t)(uintptr_t)leak_report_lists_a_live_block_with_its_caller;
    KTEST_ASSERT(caller > self && caller < self + 256);
}
