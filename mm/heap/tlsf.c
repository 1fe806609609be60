/* tlsf: two-level segregated fit with boundary tags (see tlsf.h). */
#include "mm/heap/tlsf.h"

#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/heap_math.h"

#define GRANULE     ((size_t)1 << TLSF_ALIGN_SHIFT)
#define HEADER      (2 * sizeof(void *)) /* prev_phys + size */
#define MIN_PAYLOAD GRANULE              /* room for next_free + prev_free */
#define MIN_BLOCK   (HEADER + MIN_PAYLOAD)
#define SMALL_SIZE  ((size_t)1 << TLSF_FL_SHIFT)
#define FLAG_FREE   ((size_t)1)
#define FLAG_MASK   (GRANULE - 1)

struct tlsf_block {
    struct tlsf_block *prev_phys; /* the block just below, NULL for the first */
    size_t size;                  /* payload bytes | FLAG_FREE */
    /* Payload starts here; these two exist only while the block is free. */
    struct tlsf_block *next_free, *prev_free;
};

typedef struct tlsf_block block_t;

_Static_assert(HEADER == GRANULE, "header must keep payloads 16-aligned");
_Static_assert(sizeof(block_t) == HEADER + MIN_PAYLOAD, "free-list links must fit the payload");
_Static_assert(TLSF_FL_COUNT < 64, "fl_bitmap is 64 bits");

/* ---- Blocks ------------------------------------------------------------ */

static size_t block_size(const block_t *b)
{
    return b->size & ~FLAG_MASK;
}

static bool block_is_free(const block_t *b)
{
    return (b->size & FLAG_FREE) != 0;
}

static void block_set_size(block_t *b, size_t size)
{
    b->size = size | (b->size & FLAG_MASK);
}

static uintptr_t block_payload(const block_t *b)
{
    return (uintptr_t)b + HEADER;
}

static block_t *block_from_payload(const void *p)
{
    return (block_t *)((uintptr_t)p - HEADER);
}

static block_t *block_next(const block_t *b)
{
    return (block_t *)(block_payload(b) + block_size(b));
}

/* Payload size for a request of `size` bytes: whole granules, at least the
 * minimum payload. false if that exceeds the largest block. */
static bool adjust_size(size_t size, size_t *out)
{
    return heap_round_size(size, GRANULE, MIN_PAYLOAD, out) && *out <= TLSF_BLOCK_MAX;
}

/* ---- Size classes and free lists ----------------------------------------- */

/* The list a free block of `size` payload bytes belongs to. */
static void mapping_insert(size_t size, int *fl, int *sl)
{
    if (size < SMALL_SIZE) {
        *fl = 0;
        *sl = (int)(size >> TLSF_ALIGN_SHIFT);
        return;
    }
    int t = 63 - __builtin_clzll(size);
    *sl = (int)(size >> (t - TLSF_SL_SHIFT)) ^ TLSF_SL_COUNT;
    *fl = t - TLSF_FL_SHIFT + 1;
}

/* The first list whose every block holds `size` bytes: round size up to the
 * next list boundary, then map it. fl may come out >= TLSF_FL_COUNT. */
static void mapping_search(size_t size, int *fl, int *sl)
{
    if (size >= SMALL_SIZE) {
        int t = 63 - __builtin_clzll(size);
        size += ((size_t)1 << (t - TLSF_SL_SHIFT)) - 1;
    }
    mapping_insert(size, fl, sl);
}

static void list_insert(struct tlsf_heap *s, block_t *b)
{
    int fl, sl;
    mapping_insert(block_size(b), &fl, &sl);
    block_t *head = s->free[fl][sl];
    b->next_free = head;
    b->prev_free = NULL;
    if (head != NULL)
        head->prev_free = b;
    s->free[fl][sl] = b;
    s->sl_bitmap[fl] |= 1u << sl;
    s->fl_bitmap |= (uint64_t)1 << fl;
    s->free_blocks++;
    s->free_bytes += block_size(b);
}

static void list_remove(struct tlsf_heap *s, block_t *b)
{
    int fl, sl;
    mapping_insert(block_size(b), &fl, &sl);
    if (b->prev_free != NULL)
        b->prev_free->next_free = b->next_free;
    else
        s->free[fl][sl] = b->next_free;
    if (b->next_free != NULL)
        b->next_free->prev_free = b->prev_free;
    if (s->free[fl][sl] == NULL) {
        s->sl_bitmap[fl] &= ~(1u << sl);
        if (s->sl_bitmap[fl] == 0)
            s->fl_bitmap &= ~((uint64_t)1 << fl);
    }
    s->free_blocks--;
    s->free_bytes -= block_size(b);
}

/* A free block with at least `size` payload bytes, still listed, or NULL.
 * Good fit: two bit scans find a list whose every block is big enough (the
 * rest of this fl's sublists, then any larger fl). If there is none, the
 * list `size` itself maps to may still hold a big enough block (a request
 * for exactly the largest free block lands there): look at its first
 * EXACT_SCAN blocks, a constant bound that keeps the search O(1). */
#define EXACT_SCAN 8

static block_t *find_free(struct tlsf_heap *s, size_t size)
{
    int fl, sl;
    mapping_search(size, &fl, &sl);
    if (fl < TLSF_FL_COUNT) {
        uint32_t sl_map = s->sl_bitmap[fl] & (~0u << sl);
        if (sl_map == 0) {
            uint64_t fl_map = s->fl_bitmap & (~(uint64_t)0 << (fl + 1));
            fl = fl_map != 0 ? __builtin_ctzll(fl_map) : -1;
            sl_map = fl_map != 0 ? s->sl_bitmap[fl] : 0;
        }
        if (sl_map != 0)
            return s->free[fl][__builtin_ctz(sl_map)];
    }
    mapping_insert(size, &fl, &sl);
    if (fl >= TLSF_FL_COUNT)
        return NULL;
    block_t *b = s->free[fl][sl];
    for (int i = 0; b != NULL && i < EXACT_SCAN; i++, b = b->next_free)
        if (block_size(b) >= size)
            return b;
    return NULL;
}

/* ---- Splitting and merging ------------------------------------------------ */

/* Makes `b` (not listed) absorb its physical successor `next` (not listed). */
static void absorb_next(block_t *b, block_t *next)
{
    block_set_size(b, block_size(b) + HEADER + block_size(next));
    block_next(b)->prev_phys = b;
}

/* Frees `b` (not listed): merges it with free neighbours, then lists the
 * result. The merges keep the invariant that no two free blocks touch. */
static void release(struct tlsf_heap *s, block_t *b)
{
    b->size |= FLAG_FREE;
    block_t *next = block_next(b);
    if (block_is_free(next)) {
        list_remove(s, next);
        absorb_next(b, next);
    }
    block_t *prev = b->prev_phys;
    if (prev != NULL && block_is_free(prev)) {
        list_remove(s, prev);
        absorb_next(prev, b);
        b = prev;
    }
    list_insert(s, b);
}

/* Trims used block `b` to `size` payload bytes if the rest can form a block
 * of its own; the rest is released (and merges with a free successor). */
static void split(struct tlsf_heap *s, block_t *b, size_t size)
{
    size_t have = block_size(b);
    if (have - size < MIN_BLOCK)
        return;
    block_t *rest = (block_t *)(block_payload(b) + size);
    rest->prev_phys = b;
    rest->size = have - size - HEADER; /* used until release() */
    block_set_size(b, size);
    block_next(rest)->prev_phys = rest;
    release(s, rest);
}

/* Cuts the front of free, unlisted block `b` so that the payload of what
 * remains is `align`-aligned; the front (at least MIN_BLOCK when non-empty)
 * is listed as a free block. Returns the aligned block, unlisted. The caller
 * searched for a block big enough for the worst-case front. */
static block_t *trim_front(struct tlsf_heap *s, block_t *b, size_t align)
{
    /* The block holds the worst-case front, so these cannot overflow. */
    uintptr_t mask = (uintptr_t)align - 1, payload = block_payload(b);
    uintptr_t p = (payload + mask) & ~mask;
    if (p != payload && p - payload < MIN_BLOCK)
        p = (payload + MIN_BLOCK + mask) & ~mask;
    if (p == payload)
        return b;
    size_t gap = p - payload;
    block_t *aligned = block_from_payload((void *)p);
    aligned->prev_phys = b;
    aligned->size = block_size(b) - gap; /* used */
    block_next(aligned)->prev_phys = aligned;
    b->size = (gap - HEADER) | FLAG_FREE;
    list_insert(s, b); /* b's predecessor is used: b was free and coalesced */
    return aligned;
}

/* ---- Allocation ---------------------------------------------------------- */

static void count_alloc(struct tlsf_heap *s, size_t size)
{
    s->live++;
    s->bytes_in_use += size;
    if (s->bytes_in_use > s->peak)
        s->peak = s->bytes_in_use;
}

/* O(1): one good-fit lookup, at most one front trim and one split. Aligned
 * requests search for size + align + HEADER so that any block found can
 * give up its misaligned front as a free block of its own. */
static void *tlsf_alloc(void *self, struct layout layout)
{
    struct tlsf_heap *s = self;
    size_t size, search;
    if (!adjust_size(layout.size, &size))
        return NULL;
    search = size;
    if (layout.align > GRANULE &&
        (layout.align > TLSF_BLOCK_MAX || !adjust_size(size + layout.align + HEADER, &search)))
        return NULL;
    block_t *b = find_free(s, search);
    if (b == NULL)
        return NULL;
    list_remove(s, b);
    b->size &= ~FLAG_FREE;
    if (layout.align > GRANULE)
        b = trim_front(s, b, layout.align);
    split(s, b, size);
    count_alloc(s, layout.size);
    return (void *)block_payload(b);
}

/* The block of a pointer this heap handed out; panics when `ptr` cannot be
 * one (outside the heap, misaligned, already free, smaller than `layout`). */
static block_t *live_block(struct tlsf_heap *s, void *ptr, struct layout layout, const char *what)
{
    uintptr_t p = (uintptr_t)ptr;
    size_t size;
    if (p % GRANULE != 0 || p < block_payload(s->first) || p >= (uintptr_t)s->sentinel)
        panic("tlsf: %s of %p, which is not in this heap", what, ptr);
    block_t *b = block_from_payload(ptr);
    if (block_is_free(b) || !adjust_size(layout.size, &size) || block_size(b) < size ||
        s->live == 0 || s->bytes_in_use < layout.size)
        panic("tlsf: %s of %p: not a live block of %zu bytes (double free?)", what, ptr,
              layout.size);
    return b;
}

/* O(1): at most two merges and one list insertion. */
static void tlsf_dealloc(void *self, void *ptr, struct layout layout)
{
    struct tlsf_heap *s = self;
    block_t *b = live_block(s, ptr, layout, "dealloc");
    s->live--;
    s->bytes_in_use -= layout.size;
    release(s, b);
}

/* In place when possible, O(1): shrink by splitting the tail off, grow by
 * absorbing a free successor. Otherwise alloc + copy + dealloc; NULL leaves
 * the block untouched. */
static void *tlsf_realloc(void *self, void *ptr, struct layout layout, size_t new_size)
{
    struct tlsf_heap *s = self;
    block_t *b = live_block(s, ptr, layout, "realloc");
    size_t size;
    if (!adjust_size(new_size, &size))
        return NULL;
    block_t *next = block_next(b);
    if (size > block_size(b) && block_is_free(next) &&
        block_size(b) + HEADER + block_size(next) >= size) {
        list_remove(s, next);
        absorb_next(b, next);
    }
    if (size <= block_size(b)) {
        split(s, b, size);
        s->bytes_in_use = s->bytes_in_use - layout.size + new_size;
        if (s->bytes_in_use > s->peak)
            s->peak = s->bytes_in_use;
        return ptr;
    }
    void *q = tlsf_alloc(s, (struct layout){.size = new_size, .align = layout.align});
    if (q == NULL)
        return NULL;
    memcpy(q, ptr, layout.size < new_size ? layout.size : new_size);
    tlsf_dealloc(s, ptr, layout);
    return q;
}

/* ---- Region management --------------------------------------------------- */

/* One free block over the granule-aligned region, then the sentinel. */
static enum allocator_init_error tlsf_init(void *self, void *start, size_t size)
{
    struct tlsf_heap *s = self;
    uintptr_t end, heap_start;
    if (!heap_region_end(start, size, &end))
        return ALLOCATOR_INIT_REGION_WRAPS;
    if (!heap_align_up((uintptr_t)start, GRANULE, &heap_start))
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    uintptr_t heap_end = heap_align_down(end, GRANULE);
    if (heap_end <= heap_start || heap_end - heap_start < MIN_BLOCK + HEADER)
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    if (heap_end - heap_start - 2 * HEADER > TLSF_BLOCK_MAX)
        heap_end = heap_start + TLSF_BLOCK_MAX + 2 * HEADER;
    memset(s, 0, sizeof *s);
    s->region_start = (uintptr_t)start;
    s->region_end = end;
    s->first = (block_t *)heap_start;
    s->first->prev_phys = NULL;
    s->first->size = heap_end - heap_start - 2 * HEADER;
    s->sentinel = block_next(s->first);
    s->sentinel->prev_phys = s->first;
    s->sentinel->size = 0;
    release(s, s->first);
    return ALLOCATOR_INIT_OK;
}

/* The old sentinel becomes the header of a free block over the new memory
 * (merged with the last block if that is free); a new sentinel ends it.
 * false, changing nothing, if the new part is too small for a block or the
 * merged block would exceed TLSF_BLOCK_MAX. */
static bool tlsf_extend(void *self, size_t more)
{
    struct tlsf_heap *s = self;
    uintptr_t region_end;
    if (__builtin_add_overflow(s->region_end, more, &region_end))
        return false;
    uintptr_t old_end = (uintptr_t)s->sentinel + HEADER;
    uintptr_t heap_end = heap_align_down(region_end, GRANULE);
    if (heap_end < old_end || heap_end - old_end < MIN_BLOCK)
        return false;
    size_t payload = heap_end - old_end - HEADER;
    block_t *last = s->sentinel->prev_phys;
    if (payload > TLSF_BLOCK_MAX ||
        (block_is_free(last) && block_size(last) + HEADER + payload > TLSF_BLOCK_MAX))
        return false;
    block_t *b = s->sentinel;
    b->size = payload; /* used until release() */
    s->sentinel = block_next(b);
    s->sentinel->prev_phys = b;
    s->sentinel->size = 0;
    s->region_end = region_end;
    release(s, b);
    return true;
}

/* ---- Introspection ------------------------------------------------------- */

/* The largest free block is in the highest non-empty list; that list spans
 * a size range, so walk it. */
static size_t largest_free(const struct tlsf_heap *s)
{
    if (s->fl_bitmap == 0)
        return 0;
    int fl = 63 - __builtin_clzll(s->fl_bitmap);
    int sl = 31 - __builtin_clz(s->sl_bitmap[fl]);
    size_t largest = 0;
    for (const block_t *b = s->free[fl][sl]; b != NULL; b = b->next_free)
        if (block_size(b) > largest)
            largest = block_size(b);
    return largest;
}

static void tlsf_stats(void *self, struct heap_stats *out)
{
    struct tlsf_heap *s = self;
    *out = (struct heap_stats){
        .region_size = s->region_end - s->region_start,
        .bytes_in_use = s->bytes_in_use,
        .peak_bytes_in_use = s->peak,
        .bytes_free = s->free_bytes,
        .largest_free_block = largest_free(s),
        .live_allocations = s->live,
    };
}

/* Physical walk: blocks tile [first, sentinel] exactly, boundary tags agree,
 * no two free blocks touch; the free and used counts match the counters. */
static void check_blocks(const struct tlsf_heap *s)
{
    size_t free_blocks = 0, free_bytes = 0, used_blocks = 0, used_bytes = 0;
    const block_t *prev = NULL, *b = s->first;
    while (b != s->sentinel) {
        if ((uintptr_t)b % GRANULE != 0 || (b->size & FLAG_MASK & ~FLAG_FREE) != 0 ||
            block_size(b) < MIN_PAYLOAD || block_next(b) > s->sentinel || block_next(b) <= b)
            panic("tlsf: block %p (size %#zx) is malformed or passes the heap end", (const void *)b,
                  b->size);
        if (b->prev_phys != prev)
            panic("tlsf: block %p has prev_phys %p, expected %p", (const void *)b,
                  (const void *)b->prev_phys, (const void *)prev);
        if (block_is_free(b)) {
            if (prev != NULL && block_is_free(prev))
                panic("tlsf: free blocks %p and %p touch (not coalesced)", (const void *)prev,
                      (const void *)b);
            free_blocks++;
            free_bytes += block_size(b);
        } else {
            used_blocks++;
            used_bytes += block_size(b);
        }
        prev = b;
        b = block_next(b);
    }
    if (s->sentinel->size != 0 || s->sentinel->prev_phys != prev)
        panic("tlsf: sentinel %p corrupted", (const void *)s->sentinel);
    if (free_blocks != s->free_blocks || free_bytes != s->free_bytes)
        panic("tlsf: walk found %zu free blocks / %zu bytes, counters say %zu / %zu", free_blocks,
              free_bytes, s->free_blocks, s->free_bytes);
    if (used_blocks != s->live || used_bytes < s->bytes_in_use || s->peak < s->bytes_in_use)
        panic("tlsf: walk found %zu used blocks / %zu bytes, counters say %zu live / %zu in use",
              used_blocks, used_bytes, s->live, s->bytes_in_use);
}

/* Every list: bitmaps agree with emptiness, every member is free, in the
 * heap, in the right list, doubly linked both ways; all free blocks listed. */
static void check_lists(const struct tlsf_heap *s)
{
    size_t listed = 0;
    for (int fl = 0; fl < TLSF_FL_COUNT; fl++) {
        bool fl_bit = (s->fl_bitmap >> fl) & 1;
        if (fl_bit != (s->sl_bitmap[fl] != 0))
            panic("tlsf: fl bitmap bit %d disagrees with sl bitmap %#x", fl, s->sl_bitmap[fl]);
        for (int sl = 0; sl < TLSF_SL_COUNT; sl++) {
            const block_t *prev = NULL;
            if (((s->sl_bitmap[fl] >> sl) & 1) != (s->free[fl][sl] != NULL))
                panic("tlsf: sl bitmap bit [%d][%d] disagrees with its list", fl, sl);
            for (const block_t *b = s->free[fl][sl]; b != NULL; prev = b, b = b->next_free) {
                int bfl, bsl;
                if (++listed > s->free_blocks)
                    panic("tlsf: more listed blocks than free blocks (cycle?)");
                if (b < s->first || b >= s->sentinel || !block_is_free(b) || b->prev_free != prev)
                    panic("tlsf: list [%d][%d] holds a bad block %p", fl, sl, (const void *)b);
                mapping_insert(block_size(b), &bfl, &bsl);
                if (bfl != fl || bsl != sl)
                    panic("tlsf: block %p of %zu bytes in list [%d][%d], belongs in [%d][%d]",
                          (const void *)b, block_size(b), fl, sl, bfl, bsl);
            }
        }
    }
    if (s->fl_bitmap >> TLSF_FL_COUNT != 0 || listed != s->free_blocks)
        panic("tlsf: %zu blocks listed, %zu free", listed, s->free_blocks);
}

static void tlsf_check(void *self)
{
    struct tlsf_heap *s = self;
    check_blocks(s);
    check_lists(s);
    if (s->live == 0 && s->bytes_in_use != 0)
        panic("tlsf: no live block but %zu bytes in use", s->bytes_in_use);
}

const struct allocator_ops tlsf_ops = {
    .name = "tlsf",
    .alloc = tlsf_alloc,
    .dealloc = tlsf_dealloc,
    .realloc = tlsf_realloc,
    .init = tlsf_init,
    .extend = tlsf_extend,
    .stats = tlsf_stats,
    .check = tlsf_check,
};
