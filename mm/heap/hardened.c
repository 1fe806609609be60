/* hardened: headers, red zones, poison and a quarantine around any
 * allocator (see hardened.h for the block layout and every message). */
#include "mm/heap/hardened.h"

#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/panic.h"

#define MAGIC_LIVE  0x4556494c4c45454bull /* "KEELLIVE" */
#define MAGIC_FREED 0x454552464c45454bull /* "KEELFREE" */

struct hardened_header {
    uint64_t magic;
    struct hardened_header *prev, *next; /* live list, or quarantine (next only) */
    size_t size, align;                  /* the layout the block was allocated with */
    const void *alloc_caller, *free_caller;
    uint64_t seal; /* hash of every field above and of the header's address */
};

typedef struct hardened_header hdr_t;

_Static_assert(sizeof(hdr_t) == HARDENED_HEADER_SIZE, "the header layout is documented");
_Static_assert((HARDENED_HEADER_SIZE + HARDENED_REDZONE) % HARDENED_MIN_ALIGN == 0,
               "header + red zone keep user pointers 16-aligned");

#define FRONT_MIN (HARDENED_HEADER_SIZE + HARDENED_REDZONE)

/* ---- Geometry -------------------------------------------------------- */

static size_t inner_align(size_t align)
{
    return align < HARDENED_MIN_ALIGN ? HARDENED_MIN_ALIGN : align;
}

/* Bytes from the inner block to the user pointer: header and front red zone,
 * rounded up to the alignment (the rounding is slack before the header). */
static size_t front_size(size_t align)
{
    size_t a = inner_align(align);
    return (FRONT_MIN + a - 1) & ~(a - 1);
}

/* The back red zone: to the next 16-byte boundary, then 16 more bytes. */
static size_t tail_size(size_t size)
{
    return (HARDENED_MIN_ALIGN - size % HARDENED_MIN_ALIGN) % HARDENED_MIN_ALIGN + HARDENED_REDZONE;
}

/* The inner layout of a block of `layout`; false if it overflows or is not
 * a valid layout (the request then fails like an exhausted heap). */
static bool inner_layout(struct layout layout, struct layout *out)
{
    size_t size;
    if (__builtin_add_overflow(front_size(layout.align), layout.size, &size) ||
        __builtin_add_overflow(size, tail_size(layout.size), &size))
        return false;
    return layout_new(size, inner_align(layout.align), out) == LAYOUT_OK;
}

static unsigned char *user_of(const hdr_t *h)
{
    return (unsigned char *)h + FRONT_MIN;
}

static hdr_t *header_of(const void *user)
{
    return (hdr_t *)((uintptr_t)user - FRONT_MIN);
}

static struct layout layout_of(const hdr_t *h)
{
    return (struct layout){.size = h->size, .align = h->align};
}

static size_t inner_size_of(const hdr_t *h)
{
    return front_size(h->align) + h->size + tail_size(h->size);
}

/* ---- Seals ----------------------------------------------------------- */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

static uint64_t seal_of(const hdr_t *h)
{
    uint64_t x = mix(0x6b65656c68617264ull, (uintptr_t)h);
    x = mix(x, h->magic);
    x = mix(x, (uintptr_t)h->prev);
    x = mix(x, (uintptr_t)h->next);
    x = mix(x, h->size);
    x = mix(x, h->align);
    x = mix(x, (uintptr_t)h->alloc_caller);
    return mix(x, (uintptr_t)h->free_caller);
}

static void reseal(hdr_t *h)
{
    h->seal = seal_of(h);
}

static bool is_sealed(const hdr_t *h, uint64_t magic)
{
    return h->magic == magic && h->seal == seal_of(h);
}

/* Every header reached through a list is verified before it is trusted. */
static void verify_header(const hdr_t *h, uint64_t magic)
{
    if (!is_sealed(h, magic))
        panic("hardened heap: corrupted header of the %s block %p (seal mismatch: underflow past "
              "a red zone or a wild write)",
              magic == MAGIC_LIVE ? "live" : "freed", (void *)user_of(h));
}

/* ---- Byte patterns --------------------------------------------------- */

/* The first and last changed bytes of a block's span, and the first few
 * bytes found from the first (offsets from the user pointer). */
struct change {
    ptrdiff_t first, last;
    unsigned char expected; /* at `first` */
    char found[8 * 3 + 4];  /* "41 42 ..", at most 8 bytes */
};

/* True if every byte of p[0..n) is `value`; a word at a time (the
 * builtin copy is one unaligned load, even in a -ffreestanding build). */
static bool all_bytes(const unsigned char *p, size_t n, unsigned char value)
{
    uint64_t word = 0x0101010101010101ull * value, diff = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        __builtin_memcpy(&w, p + i, 8);
        diff |= w ^ word;
    }
    for (; i < n; i++)
        diff |= p[i] ^ value;
    return diff == 0;
}

/* What byte user[i] should hold: `inside` over the user bytes [0, size),
 * the red zone byte around them. */
static unsigned char expected_at(ptrdiff_t i, size_t size, unsigned char inside)
{
    return i >= 0 && (size_t)i < size ? inside : HARDENED_REDZONE_BYTE;
}

/* Scans user[lo..hi) (within one zone: before, inside or after the user
 * bytes) for bytes other than expected; false if there are none. */
static bool find_change(const unsigned char *user, ptrdiff_t lo, ptrdiff_t hi, size_t size,
                        unsigned char inside, struct change *c)
{
    if (all_bytes(user + lo, (size_t)(hi - lo), expected_at(lo, size, inside)))
        return false;
    c->first = hi, c->last = lo;
    for (ptrdiff_t i = lo; i < hi; i++) {
        if (user[i] == expected_at(i, size, inside))
            continue;
        if (i < c->first)
            c->first = i;
        c->last = i;
    }
    c->expected = expected_at(c->first, size, inside);
    size_t len = 0;
    for (ptrdiff_t i = c->first; i <= c->last && i < c->first + 8; i++)
        len += ksnprintf(c->found + len, sizeof c->found - len, "%s%02x", len ? " " : "", user[i]);
    if (c->last >= c->first + 8)
        ksnprintf(c->found + len, sizeof c->found - len, " ..");
    return true;
}

static ptrdiff_t span_end(const hdr_t *h)
{
    return (ptrdiff_t)(h->size + tail_size(h->size));
}

/* The red zones of a live block are intact, or a panic names the block,
 * the offsets and the bytes found. */
static void check_redzones(const hdr_t *h)
{
    const unsigned char *user = user_of(h);
    struct change c;
    if (find_change(user, -HARDENED_REDZONE, 0, h->size, 0, &c))
        panic("hardened heap: underflow of block %p (Layout { size: %zu, align: %zu }, allocated "
              "by %p): red zone before the block changed at offsets %td..%td: found %s, "
              "expected fb",
              (void *)user, h->size, h->align, h->alloc_caller, c.first, c.last, c.found);
    if (find_change(user, (ptrdiff_t)h->size, span_end(h), h->size, 0, &c))
        panic("hardened heap: overflow of block %p (Layout { size: %zu, align: %zu }, allocated "
              "by %p): red zone after the block changed at offsets %td..%td: found %s, "
              "expected fb",
              (void *)user, h->size, h->align, h->alloc_caller, c.first, c.last, c.found);
}

/* A quarantined block: red zones and poison untouched since its free. The
 * changed run may cross from the user bytes into a red zone. */
static void check_poison(const hdr_t *h)
{
    const unsigned char *user = user_of(h);
    ptrdiff_t size = (ptrdiff_t)h->size;
    struct change c, more;
    bool changed = find_change(user, -HARDENED_REDZONE, 0, h->size, HARDENED_FREED_BYTE, &c) ||
                   find_change(user, 0, size, h->size, HARDENED_FREED_BYTE, &c) ||
                   find_change(user, size, span_end(h), h->size, HARDENED_FREED_BYTE, &c);
    if (!changed)
        return;
    if (find_change(user, c.first, span_end(h), h->size, HARDENED_FREED_BYTE, &more))
        c = more; /* first..last over the whole rest of the span */
    panic("hardened heap: write after free to block %p (Layout { size: %zu, align: %zu }, freed "
          "by %p): changed at offsets %td..%td: found %s, expected %02x",
          (void *)user, h->size, h->align, h->free_caller, c.first, c.last, c.found, c.expected);
}

/* ---- Lists ----------------------------------------------------------- */

static void live_push(struct hardened_heap *s, hdr_t *h)
{
    h->prev = NULL;
    h->next = s->live_head;
    if (s->live_head != NULL) {
        s->live_head->prev = h;
        reseal(s->live_head);
    }
    s->live_head = h;
}

static void live_remove(struct hardened_heap *s, hdr_t *h)
{
    if (h->prev != NULL) {
        verify_header(h->prev, MAGIC_LIVE);
        h->prev->next = h->next;
        reseal(h->prev);
    } else {
        s->live_head = h->next;
    }
    if (h->next != NULL) {
        verify_header(h->next, MAGIC_LIVE);
        h->next->prev = h->prev;
        reseal(h->next);
    }
}

static void quarantine_append(struct hardened_heap *s, hdr_t *h)
{
    h->prev = h->next = NULL;
    if (s->quarantine_tail != NULL) {
        verify_header(s->quarantine_tail, MAGIC_FREED);
        s->quarantine_tail->next = h;
        reseal(s->quarantine_tail);
    } else {
        s->quarantine_head = h;
    }
    s->quarantine_tail = h;
    s->quarantine_blocks++;
    s->quarantine_bytes += inner_size_of(h);
}

/* Takes the oldest quarantined block out, checks it was not written since
 * its free, and gives it back to the inner allocator. The header keeps its
 * freed state, so a later free of the same pointer is still a double free
 * unless the memory was handed out again. */
static void evict_oldest(struct hardened_heap *s)
{
    hdr_t *h = s->quarantine_head;
    verify_header(h, MAGIC_FREED);
    check_poison(h);
    s->quarantine_head = h->next;
    if (s->quarantine_head == NULL)
        s->quarantine_tail = NULL;
    s->quarantine_blocks--;
    s->quarantine_bytes -= inner_size_of(h);
    struct layout inner;
    inner_layout(layout_of(h), &inner); /* succeeded when the block was allocated */
    h->next = NULL;
    reseal(h);
    allocator_dealloc(&s->inner, user_of(h) - front_size(h->align), inner);
}

static void trim_quarantine(struct hardened_heap *s)
{
    while (s->quarantine_blocks > s->quarantine_max_blocks ||
           s->quarantine_bytes > s->quarantine_max_bytes)
        evict_oldest(s);
}

void hardened_drain_quarantine(struct hardened_heap *s)
{
    while (s->quarantine_head != NULL)
        evict_oldest(s);
}

/* ---- Allocation ------------------------------------------------------ */

static const void *caller_or(const struct hardened_heap *s, const void *fallback)
{
    const void *c = s->caller != NULL ? s->caller() : NULL;
    return c != NULL ? c : fallback;
}

/* A new block with its header, red zones and fresh (or zeroed) bytes.
 * Drains the quarantine once if the inner allocator is out of memory. */
static void *alloc_block(struct hardened_heap *s, struct layout layout, bool zeroed,
                         const void *caller)
{
    struct layout inner;
    if (!inner_layout(layout, &inner))
        return NULL;
    unsigned char *p = allocator_alloc(&s->inner, inner);
    if (p == NULL && s->quarantine_head != NULL) {
        hardened_drain_quarantine(s);
        p = allocator_alloc(&s->inner, inner);
    }
    if (p == NULL)
        return NULL;
    unsigned char *user = p + front_size(layout.align);
    hdr_t *h = header_of(user);
    *h = (hdr_t){
        .magic = MAGIC_LIVE, .size = layout.size, .align = layout.align, .alloc_caller = caller};
    memset(user - HARDENED_REDZONE, HARDENED_REDZONE_BYTE, HARDENED_REDZONE);
    memset(user, zeroed ? 0 : HARDENED_FRESH_BYTE, layout.size);
    memset(user + layout.size, HARDENED_REDZONE_BYTE, tail_size(layout.size));
    live_push(s, h);
    reseal(h);
    heap_counts_alloc(&s->counts, layout.size);
    return user;
}

static void *hardened_alloc(void *self, struct layout layout)
{
    struct hardened_heap *s = self;
    return alloc_block(s, layout, false, caller_or(s, __builtin_return_address(0)));
}

static void *hardened_alloc_zeroed(void *self, struct layout layout)
{
    struct hardened_heap *s = self;
    return alloc_block(s, layout, true, caller_or(s, __builtin_return_address(0)));
}

/* ---- Finding the block a pointer names -------------------------------- */

#define BAD(op, ptr, layout, fmt, ...)                                                             \
    panic("hardened heap: %s of %p (Layout { size: %zu, align: %zu }): " fmt, (op), (ptr),         \
          (layout).size, (layout).align, __VA_ARGS__)

/* Where `p` falls relative to block h: true and the offset from its user
 * pointer if p is anywhere in its inner block. */
static bool block_contains(const hdr_t *h, uintptr_t p, ptrdiff_t *offset)
{
    uintptr_t user = (uintptr_t)user_of(h);
    uintptr_t lo = user - front_size(h->align), hi = user + h->size + tail_size(h->size);
    *offset = (ptrdiff_t)(p - user);
    return p >= lo && p < hi;
}

/* The pointer is not a live block's start: say what it is, and panic. */
static _Noreturn void report_bad_pointer(const struct hardened_heap *s, const char *op, void *ptr,
                                         struct layout layout)
{
    uintptr_t p = (uintptr_t)ptr;
    ptrdiff_t off;
    if (p < s->region_start || p >= s->region_end)
        BAD(op, ptr, layout, "not a heap pointer (outside the heap region [%p, %p))",
            (void *)s->region_start, (void *)s->region_end);
    for (const hdr_t *h = s->live_head; h != NULL; h = h->next) {
        verify_header(h, MAGIC_LIVE);
        if (block_contains(h, p, &off))
            BAD(op, ptr, layout,
                "interior pointer, offset %td into the live block %p (Layout { size: %zu, "
                "align: %zu }, allocated by %p)",
                off, (void *)user_of(h), h->size, h->align, h->alloc_caller);
    }
    for (const hdr_t *h = s->quarantine_head; h != NULL; h = h->next) {
        verify_header(h, MAGIC_FREED);
        if (block_contains(h, p, &off))
            BAD(op, ptr, layout, "pointer into the freed block %p at offset %td",
                (void *)user_of(h), off);
    }
    if (p % HARDENED_MIN_ALIGN != 0)
        BAD(op, ptr, layout, "%s", "misaligned pointer, not a block this heap handed out");
    BAD(op, ptr, layout, "%s", "not a block this heap handed out");
}

/* The live block `ptr` names, allocated with exactly `layout`; anything
 * else panics (double free, foreign or interior pointer, wrong layout). */
static hdr_t *find_live(const struct hardened_heap *s, const char *op, void *ptr,
                        struct layout layout)
{
    uintptr_t p = (uintptr_t)ptr;
    if (p % HARDENED_MIN_ALIGN == 0 && p >= s->region_start + FRONT_MIN && p < s->region_end) {
        hdr_t *h = header_of(ptr);
        if (is_sealed(h, MAGIC_LIVE)) {
            if (h->size != layout.size || h->align != layout.align)
                BAD(op, ptr, layout,
                    "layout mismatch, the block was allocated with Layout { size: %zu, align: "
                    "%zu } by %p",
                    h->size, h->align, h->alloc_caller);
            return h;
        }
        if (is_sealed(h, MAGIC_FREED))
            panic("hardened heap: double free of %p (Layout { size: %zu, align: %zu }): already "
                  "freed by %p (allocated by %p)",
                  ptr, layout.size, layout.align, h->free_caller, h->alloc_caller);
    }
    report_bad_pointer(s, op, ptr, layout);
}

/* Poisons a live block and queues it; the oldest blocks leave the queue. */
static void free_block(struct hardened_heap *s, hdr_t *h, const void *caller)
{
    live_remove(s, h);
    heap_counts_free(&s->counts, h->size);
    memset(user_of(h), HARDENED_FREED_BYTE, h->size);
    h->magic = MAGIC_FREED;
    h->free_caller = caller;
    quarantine_append(s, h);
    reseal(h);
    trim_quarantine(s);
}

static void hardened_dealloc(void *self, void *ptr, struct layout layout)
{
    struct hardened_heap *s = self;
    const void *caller = caller_or(s, __builtin_return_address(0));
    hdr_t *h = find_live(s, "dealloc", ptr, layout);
    check_redzones(h);
    free_block(s, h, caller);
}

/* Always moves: the old block goes to quarantine, so a pointer kept across
 * the realloc is caught. NULL leaves the old block live and untouched. */
static void *hardened_realloc(void *self, void *ptr, struct layout layout, size_t new_size)
{
    struct hardened_heap *s = self;
    const void *caller = caller_or(s, __builtin_return_address(0));
    hdr_t *h = find_live(s, "realloc", ptr, layout);
    check_redzones(h);
    void *q =
        alloc_block(s, (struct layout){.size = new_size, .align = layout.align}, false, caller);
    if (q == NULL)
        return NULL;
    memcpy(q, ptr, layout.size < new_size ? layout.size : new_size);
    free_block(s, h, caller);
    return q;
}

/* ---- Management ------------------------------------------------------ */

/* Initialises the inner allocator over the region, then proves that one
 * 1-byte block fits (headers and red zones included): a region where the
 * inner allocator has free memory, but too little for that, is refused.
 * (An inner allocator with no free memory at all, like dummy, is kept as
 * it is: it fails every request either way.) */
static enum allocator_init_error hardened_init(void *self, void *start, size_t size)
{
    struct hardened_heap *s = self;
    enum allocator_init_error err = allocator_init(&s->inner, start, size);
    if (err != ALLOCATOR_INIT_OK)
        return err;
    s->region_start = (uintptr_t)start;
    s->region_end = (uintptr_t)start + size;
    s->live_head = s->quarantine_head = s->quarantine_tail = NULL;
    s->quarantine_blocks = s->quarantine_bytes = 0;
    heap_counts_reset(&s->counts);
    void *probe = alloc_block(s, (struct layout){.size = 1, .align = 1}, false, NULL);
    if (probe != NULL) {
        free_block(s, header_of(probe), NULL);
        hardened_drain_quarantine(s);
    } else {
        struct heap_stats st;
        allocator_stats(&s->inner, &st);
        if (st.bytes_free > 0)
            return ALLOCATOR_INIT_REGION_TOO_SMALL;
    }
    heap_counts_reset(&s->counts); /* the probe is not a peak */
    return ALLOCATOR_INIT_OK;
}

static bool hardened_extend(void *self, size_t more)
{
    struct hardened_heap *s = self;
    if (!allocator_extend(&s->inner, more))
        return false;
    s->region_end += more;
    return true;
}

/* Quarantined blocks are still in use for the inner allocator: they keep
 * the tail they lie in until they leave the quarantine. */
static size_t hardened_free_tail(void *self)
{
    struct hardened_heap *s = self;
    return allocator_free_tail(&s->inner);
}

static bool hardened_shrink(void *self, size_t less)
{
    struct hardened_heap *s = self;
    if (!allocator_shrink(&s->inner, less))
        return false;
    s->region_end -= less;
    return true;
}

/* The inner allocator's view of the region, with the wrapper's own counts
 * of user bytes; the largest free block is what one user block can get
 * from the inner allocator's largest (after header and red zones). */
static void hardened_stats(void *self, struct heap_stats *out)
{
    struct hardened_heap *s = self;
    allocator_stats(&s->inner, out);
    size_t overhead = FRONT_MIN + HARDENED_REDZONE, largest = out->largest_free_block;
    out->largest_free_block = largest < overhead ? 0 : (largest - overhead) & ~(size_t)15;
    heap_counts_stats(&s->counts, out);
}

static void hardened_check(void *self)
{
    struct hardened_heap *s = self;
    size_t live = 0, bytes = 0, queued = 0, queued_bytes = 0;
    for (const hdr_t *h = s->live_head; h != NULL; h = h->next) {
        verify_header(h, MAGIC_LIVE);
        check_redzones(h);
        live++;
        bytes += h->size;
    }
    for (const hdr_t *h = s->quarantine_head; h != NULL; h = h->next) {
        verify_header(h, MAGIC_FREED);
        check_poison(h);
        queued++;
        queued_bytes += inner_size_of(h);
    }
    const struct heap_counts *c = &s->counts;
    if (live != c->live || bytes != c->bytes_in_use || queued != s->quarantine_blocks ||
        queued_bytes != s->quarantine_bytes)
        panic("hardened heap: lists (%zu live blocks of %zu bytes, %zu quarantined of %zu) "
              "disagree with the counters (%zu, %zu, %zu, %zu)",
              live, bytes, queued, queued_bytes, c->live, c->bytes_in_use, s->quarantine_blocks,
              s->quarantine_bytes);
    heap_counts_check(c, "hardened heap");
    allocator_check(&s->inner);
}

/* The wrapper can give memory back exactly when its inner allocator can. */
#define HARDENED_OPS(free_tail_op, shrink_op)                                                      \
    {                                                                                              \
        .name = "hardened", .alloc = hardened_alloc, .dealloc = hardened_dealloc,                  \
        .alloc_zeroed = hardened_alloc_zeroed, .realloc = hardened_realloc, .init = hardened_init, \
        .extend = hardened_extend, .free_tail = free_tail_op, .shrink = shrink_op,                 \
        .stats = hardened_stats, .check = hardened_check,                                          \
    }
const struct allocator_ops hardened_ops = HARDENED_OPS(hardened_free_tail, hardened_shrink);
static const struct allocator_ops hardened_fixed_ops = HARDENED_OPS(NULL, NULL);

struct allocator hardened_wrap(struct hardened_heap *state, struct allocator inner)
{
    *state = (struct hardened_heap){
        .inner = inner,
        .quarantine_max_blocks = HARDENED_QUARANTINE_BLOCKS,
        .quarantine_max_bytes = HARDENED_QUARANTINE_BYTES,
    };
    const struct allocator_ops *ops =
        inner.ops->shrink != NULL ? &hardened_ops : &hardened_fixed_ops;
    return (struct allocator){.ops = ops, .self = state};
}

struct hardened_heap *hardened_from(const struct allocator *a)
{
    return a->ops == &hardened_ops || a->ops == &hardened_fixed_ops ? a->self : NULL;
}

void hardened_set_caller(struct hardened_heap *s, hardened_caller_fn caller)
{
    s->caller = caller;
}

void hardened_set_quarantine(struct hardened_heap *s, size_t max_blocks, size_t max_bytes)
{
    s->quarantine_max_blocks = max_blocks;
    s->quarantine_max_bytes = max_bytes;
    trim_quarantine(s);
}

size_t hardened_report_leaks(const struct hardened_heap *s, size_t max_listed, fmt_sink_fn sink,
                             void *ctx)
{
    const struct heap_counts *c = &s->counts;
    fmt_format(sink, ctx, "heap leak report: %zu live allocation%s, %zu bytes\n", c->live,
               c->live == 1 ? "" : "s", c->bytes_in_use);
    size_t listed = 0;
    for (const hdr_t *h = s->live_head; h != NULL && listed < max_listed; h = h->next) {
        verify_header(h, MAGIC_LIVE);
        fmt_format(sink, ctx, "  %p Layout { size: %zu, align: %zu } allocated by %p\n",
                   (void *)user_of(h), h->size, h->align, h->alloc_caller);
        listed++;
    }
    if (c->live > listed)
        fmt_format(sink, ctx, "  ... and %zu more\n", c->live - listed);
    return c->live;
}
