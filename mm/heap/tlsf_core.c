/* The TLSF core: boundary-tagged blocks in segregated free lists (see
 * tlsf_core.h). */
#include "mm/heap/tlsf_core.h"

#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/heap_math.h"

#define GRANULE     TLSF_GRANULE
#define HEADER      TLSF_HEADER
#define MIN_PAYLOAD TLSF_MIN_PAYLOAD
#define MIN_BLOCK   TLSF_MIN_BLOCK
#define SMALL_SIZE  ((size_t)1 << TLSF_FL_SHIFT)

typedef struct tlsf_block block_t;

_Static_assert(HEADER == GRANULE, "header must keep payloads 16-aligned");
_Static_assert(sizeof(block_t) == HEADER + MIN_PAYLOAD, "free-list links must fit the payload");
_Static_assert(TLSF_FL_COUNT < 64, "fl_bitmap is 64 bits");

#define block_size     tlsf_block_size
#define block_is_free  tlsf_block_is_free
#define block_set_size tlsf_block_set_size
#define block_payload  tlsf_block_payload
#define block_next     tlsf_block_next

/* ---- The lists ------------------------------------------------------------- */

/* The list a free block of `size` payload bytes belongs to, as
 * fl * TLSF_SL_COUNT + sl: sizes below SMALL_SIZE by 16-byte steps in fl 0,
 * then fl = floor(log2(size)) - 8 and sl = the 5 bits after the top one. */
static inline unsigned list_of(size_t size)
{
    if (size < SMALL_SIZE)
        return (unsigned)(size >> TLSF_ALIGN_SHIFT);
    unsigned t = 63 ^ (unsigned)__builtin_clzll(size); /* floor(log2(size)) */
    return ((t - TLSF_FL_SHIFT) << TLSF_SL_SHIFT) + (unsigned)(size >> (t - TLSF_SL_SHIFT));
}

/* The first list whose every block holds `size` bytes: the size rounded up
 * to the next list's lower bound. */
static inline unsigned list_holding(size_t size)
{
    if (size >= SMALL_SIZE) {
        unsigned t = 63 ^ (unsigned)__builtin_clzll(size);
        size += ((size_t)1 << (t - TLSF_SL_SHIFT)) - 1;
    }
    return list_of(size);
}

/* Pushes free block `b` on its list. Each listed block keeps `link`, the
 * address of the pointer to it (its list head or the previous block's
 * next_free), so that removing it needs neither its list nor a walk. */
static inline void list_insert(struct tlsf_core *c, block_t *b)
{
    size_t size = block_size(b);
    unsigned i = list_of(size);
    block_t **head = &c->free[i], *h = *head;
    b->next_free = h;
    b->link = head;
    if (h != NULL) {
        h->link = &b->next_free;
    } else {
        c->sl_bitmap[i / TLSF_SL_COUNT] |= 1u << (i % TLSF_SL_COUNT);
        c->fl_bitmap |= (uint64_t)1 << (i / TLSF_SL_COUNT);
    }
    *head = b;
    c->free_bytes += size;
}

/* Unlinks free block `b`; when it was the last of its list (its link is
 * the list head and nothing follows), that list's bits go. */
static inline void list_remove(struct tlsf_core *c, block_t *b)
{
    block_t *next = b->next_free, **link = b->link;
    *link = next;
    if (next != NULL) {
        next->link = link;
    } else if ((uintptr_t)link - (uintptr_t)c->free < sizeof c->free) {
        size_t i = (size_t)(link - c->free);
        c->sl_bitmap[i / TLSF_SL_COUNT] &= ~(1u << (i % TLSF_SL_COUNT));
        if (c->sl_bitmap[i / TLSF_SL_COUNT] == 0)
            c->fl_bitmap &= ~((uint64_t)1 << (i / TLSF_SL_COUNT));
    }
    c->free_bytes -= block_size(b);
}

/* The first block of at least `size` payload bytes from `b` on along its
 * list, or NULL. Out of line: it runs only before a request fails. */
__attribute__((noinline, cold)) static block_t *first_fit(block_t *b, size_t size)
{
    for (; b != NULL; b = b->next_free)
        if (block_size(b) >= size)
            return b;
    return NULL;
}

/* A listed free block with at least `size` payload bytes, or NULL: the best
 * of the first TLSF_EXACT_SCAN blocks of the list `size` maps to, else the
 * head of the first list whose every block fits (two bit scans), else
 * (the request would fail) the first fitting block in the rest of its own
 * list, so that a request for exactly the largest free block succeeds
 * however long that list is. */
static block_t *find_free(struct tlsf_core *c, size_t size)
{
    unsigned i = list_of(size);
    if (i >= TLSF_LISTS)
        return NULL;
    block_t *best = NULL, *b = c->free[i];
    for (int n = 0; b != NULL && n < TLSF_EXACT_SCAN; n++, b = b->next_free)
        if (block_size(b) >= size && (best == NULL || block_size(b) < block_size(best)))
            best = b;
    if (best != NULL)
        return best;
    unsigned j = list_holding(size);
    if (j < TLSF_LISTS) {
        unsigned fl = j / TLSF_SL_COUNT;
        uint32_t sl_map = c->sl_bitmap[fl] & (~0u << (j % TLSF_SL_COUNT));
        if (sl_map == 0) {
            uint64_t fl_map = c->fl_bitmap & (~(uint64_t)0 << (fl + 1));
            if (fl_map != 0) {
                fl = (unsigned)__builtin_ctzll(fl_map);
                sl_map = c->sl_bitmap[fl];
            }
        }
        if (sl_map != 0)
            return c->free[fl * TLSF_SL_COUNT + (unsigned)__builtin_ctz(sl_map)];
    }
    return first_fit(b, size);
}

/* The head of the highest non-empty list: the largest free block, or one
 * within 1/32 of it. */
static block_t *top_free(const struct tlsf_core *c)
{
    if (c->fl_bitmap == 0)
        return NULL;
    int fl = 63 - __builtin_clzll(c->fl_bitmap);
    int sl = 31 - __builtin_clz(c->sl_bitmap[fl]);
    return c->free[fl * TLSF_SL_COUNT + sl];
}

/* ---- Splitting and merging --------------------------------------------------- */

/* Makes `b` (not listed) absorb its physical successor `next` (not listed). */
static void absorb_next(block_t *b, block_t *next)
{
    block_set_size(b, block_size(b) + HEADER + block_size(next));
    block_next(b)->prev_phys = b;
}

struct tlsf_block *tlsf_core_release(struct tlsf_core *c, block_t *b)
{
    b->size = block_size(b) | TLSF_FREE;
    block_t *next = block_next(b);
    if (block_is_free(next)) {
        list_remove(c, next);
        absorb_next(b, next);
    }
    block_t *prev = b->prev_phys;
    if (prev != NULL && block_is_free(prev)) {
        list_remove(c, prev);
        absorb_next(prev, b);
        b = prev;
    }
    list_insert(c, b);
    return b;
}

/* Trims used block `b` to `size` payload bytes (whole granules, at most
 * its size) if the rest can form a block of its own: returns the rest
 * (used, unlisted), else NULL. */
static block_t *cut(block_t *b, size_t size)
{
    size_t have = block_size(b);
    if (have - size < MIN_BLOCK)
        return NULL;
    block_t *rest = (block_t *)(block_payload(b) + size);
    rest->prev_phys = b;
    rest->size = have - size - HEADER;
    block_set_size(b, size);
    block_next(rest)->prev_phys = rest;
    return rest;
}

void tlsf_core_trim(struct tlsf_core *c, block_t *b, size_t size)
{
    block_t *rest = cut(b, size);
    if (rest != NULL)
        tlsf_core_release(c, rest);
}

/* tlsf_core_trim() for a block that was free until now (or merged with its
 * free successor): its successor is used, since free blocks never touch, so
 * the rest is listed as it is. Always inline: it ends every allocation, and
 * a call of its own cost 3 % of the instructions of random actions. */
__attribute__((always_inline)) static inline void trim_fresh(struct tlsf_core *c, block_t *b,
                                                             size_t size)
{
    block_t *rest = cut(b, size);
    if (rest != NULL) {
        rest->size |= TLSF_FREE;
        list_insert(c, rest);
    }
}

/* Cuts the first `gap` bytes (whole granules, at least MIN_BLOCK) off
 * block `b`, just taken off its list (flags cleared): they become a free,
 * listed block; returns the (used, unlisted) block after them. */
static block_t *cut_front(struct tlsf_core *c, block_t *b, size_t gap)
{
    block_t *after = (block_t *)(block_payload(b) + gap - HEADER);
    after->prev_phys = b;
    after->size = block_size(b) - gap;
    block_next(after)->prev_phys = after;
    b->size = (gap - HEADER) | TLSF_FREE;
    list_insert(c, b);
    return after;
}

/* Cuts the front of block `b`, just taken off its list (flags cleared), so
 * that the payload of what remains is `align`-aligned; the front becomes a
 * free, listed block. */
static block_t *trim_front(struct tlsf_core *c, block_t *b, size_t align)
{
    uintptr_t mask = (uintptr_t)align - 1, payload = block_payload(b);
    uintptr_t p = (payload + mask) & ~mask;
    if (p != payload && p - payload < MIN_BLOCK)
        p = (payload + MIN_BLOCK + mask) & ~mask;
    return p == payload ? b : cut_front(c, b, p - payload);
}

/* ---- Allocation ---------------------------------------------------------------- */

static size_t heap_bytes(const struct tlsf_core *c)
{
    return (uintptr_t)c->sentinel - (uintptr_t)c->first;
}

/* Room to grow (see tlsf_core.h): the free block to cut a request of
 * `size` bytes from, after *gap bytes, or NULL when the heap is not free
 * enough, the request is short, or the largest block cannot take it. */
static block_t *find_roomy(struct tlsf_core *c, size_t size, size_t *gap)
{
    if (size < TLSF_ROOM_MIN || c->free_bytes < c->roomy_bytes)
        return NULL;
    block_t *f = top_free(c);
    if (f == NULL)
        return NULL;
    block_t *before = f->prev_phys;
    size_t g =
        before != NULL && !tlsf_block_is_marked(before) && block_size(before) >= TLSF_ROOM_MIN
            ? block_size(before)
            : 0;
    if (block_size(f) < g || block_size(f) - g < size)
        return NULL;
    *gap = g;
    return f;
}

struct tlsf_block *tlsf_core_alloc(struct tlsf_core *c, size_t size, size_t align)
{
    size_t search = size, gap = 0;
    if (align > GRANULE &&
        (align > TLSF_BLOCK_MAX || !tlsf_adjust_size(size + align + HEADER, &search)))
        return NULL;
    block_t *b = align <= GRANULE ? find_roomy(c, size, &gap) : NULL;
    if (b == NULL)
        b = find_free(c, search);
    if (b == NULL)
        return NULL;
    list_remove(c, b);
    b->size &= ~TLSF_FLAGS;
    if (gap != 0)
        b = cut_front(c, b, gap);
    else if (align > GRANULE)
        b = trim_front(c, b, align);
    trim_fresh(c, b, size);
    return b;
}

struct tlsf_block *tlsf_core_alloc_up_to(struct tlsf_core *c, size_t min, size_t max)
{
    block_t *b = find_free(c, min);
    if (b == NULL)
        return NULL;
    list_remove(c, b);
    b->size &= ~TLSF_FLAGS;
    trim_fresh(c, b, block_size(b) < max ? block_size(b) : max);
    return b;
}

/* ---- Resizing -------------------------------------------------------------------- */

/* Slides used block `b` down into its free predecessor (and over a free
 * successor) when together they hold `size` bytes at `align`. NULL if they
 * do not. */
static block_t *slide_down(struct tlsf_core *c, block_t *b, size_t size, size_t align, size_t copy)
{
    block_t *prev = b->prev_phys, *next = block_next(b);
    if (prev == NULL || !block_is_free(prev) || block_payload(prev) % align != 0)
        return NULL;
    size_t total = block_size(prev) + HEADER + block_size(b);
    if (block_is_free(next))
        total += HEADER + block_size(next);
    if (total < size)
        return NULL;
    list_remove(c, prev);
    if (block_is_free(next)) {
        list_remove(c, next);
        absorb_next(b, next);
    }
    prev->size = block_size(prev);
    absorb_next(prev, b);
    memmove((void *)block_payload(prev), (void *)block_payload(b), copy);
    trim_fresh(c, prev, size);
    return prev;
}

/* Shrinking used block `b` in place would leave a free tail that used
 * blocks fence in on both sides, a hole only smaller requests can use. Once
 * less than half the heap is free, when fragmentation starts to decide
 * which large request fails, such a shrink copies instead: if the tail is
 * TLSF_SHRINK_MOVE_MIN bytes or more and a free block holds the new `size`
 * with less than a quarter of the tail to spare, the block moves there and
 * all of it goes back, merging with its free neighbours. NULL (nothing
 * changed) when that does not apply. */
static block_t *shrink_by_moving(struct tlsf_core *c, block_t *b, size_t size, size_t align,
                                 size_t copy)
{
    size_t tail = block_size(b) - size;
    if (tail < TLSF_SHRINK_MOVE_MIN || block_is_free(block_next(b)) || align > GRANULE ||
        c->free_bytes > heap_bytes(c) / 2)
        return NULL;
    block_t *f = find_free(c, size);
    if (f == NULL || block_size(f) - size >= tail / 4)
        return NULL;
    list_remove(c, f);
    f->size &= ~TLSF_FLAGS;
    trim_fresh(c, f, size);
    memcpy((void *)block_payload(f), (void *)block_payload(b), copy);
    tlsf_core_release(c, b);
    return f;
}

struct tlsf_block *tlsf_core_resize(struct tlsf_core *c, block_t *b, size_t size, size_t align,
                                    size_t copy)
{
    block_t *next = block_next(b);
    if (size <= block_size(b)) {
        block_t *moved = shrink_by_moving(c, b, size, align, copy);
        if (moved != NULL)
            return moved;
    } else if (block_is_free(next) && block_size(b) + HEADER + block_size(next) >= size) {
        list_remove(c, next);
        absorb_next(b, next);
    }
    if (size <= block_size(b)) {
        tlsf_core_trim(c, b, size);
        return b;
    }
    /* Sliding down fits the block snugly into the hole below it; while the
     * heap is roomy, moving it to where it gets room to grow copies less in
     * the end (random actions at 32 MiB: 198.0 -> 194.2 M instructions), so
     * the caller slides it only when the move finds no room. */
    if (c->free_bytes >= c->roomy_bytes)
        return NULL;
    return slide_down(c, b, size, align < GRANULE ? GRANULE : align, copy);
}

struct tlsf_block *tlsf_core_move(struct tlsf_core *c, block_t *b, size_t size, size_t align,
                                  size_t copy)
{
    block_t *r = tlsf_core_alloc(c, size, align);
    if (r == NULL)
        return slide_down(c, b, size, align < GRANULE ? GRANULE : align, copy);
    memcpy((void *)block_payload(r), (void *)block_payload(b), copy);
    tlsf_core_release(c, b);
    return r;
}

/* ---- Region ------------------------------------------------------------------------ */

void tlsf_core_reset(struct tlsf_core *c)
{
    memset(c->sl_bitmap, 0, sizeof c->sl_bitmap);
    memset(c->free, 0, sizeof c->free);
    c->fl_bitmap = 0;
    c->free_bytes = 0;
    c->roomy_bytes = heap_bytes(c) / 100 * TLSF_ROOMY_PERCENT;
    c->first->prev_phys = NULL;
    c->first->size = (uintptr_t)c->sentinel - block_payload(c->first);
    c->sentinel->prev_phys = c->first;
    c->sentinel->size = 0;
    tlsf_core_release(c, c->first);
}

enum allocator_init_error tlsf_core_init(struct tlsf_core *c, void *start, size_t size)
{
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
    memset(c, 0, sizeof *c);
    c->region_start = (uintptr_t)start;
    c->region_end = end;
    c->first = (block_t *)heap_start;
    c->sentinel = (block_t *)(heap_end - HEADER);
    tlsf_core_reset(c);
    return ALLOCATOR_INIT_OK;
}

/* The old sentinel becomes the header of a free block over the new memory
 * (merged with the last block if that is free); a new sentinel ends it. */
bool tlsf_core_extend(struct tlsf_core *c, size_t more)
{
    uintptr_t region_end;
    if (__builtin_add_overflow(c->region_end, more, &region_end))
        return false;
    uintptr_t old_end = (uintptr_t)c->sentinel + HEADER;
    uintptr_t heap_end = heap_align_down(region_end, GRANULE);
    if (heap_end < old_end || heap_end - old_end < MIN_BLOCK)
        return false;
    /* The whole heap stays within one block's reach, so that no merge or
     * reset can ever build a block the lists cannot hold. */
    if (heap_end - (uintptr_t)c->first - 2 * HEADER > TLSF_BLOCK_MAX)
        return false;
    size_t payload = heap_end - old_end - HEADER;
    block_t *b = c->sentinel;
    b->size = payload;
    c->sentinel = block_next(b);
    c->sentinel->prev_phys = b;
    c->sentinel->size = 0;
    c->region_end = region_end;
    c->roomy_bytes = heap_bytes(c) / 100 * TLSF_ROOMY_PERCENT;
    tlsf_core_release(c, b);
    return true;
}

/* The free block just below the sentinel, or NULL when that block is used. */
static block_t *last_free(const struct tlsf_core *c)
{
    block_t *last = c->sentinel->prev_phys;
    return last != NULL && block_is_free(last) ? last : NULL;
}

size_t tlsf_core_free_tail(const struct tlsf_core *c)
{
    size_t slack = c->region_end - ((uintptr_t)c->sentinel + HEADER);
    block_t *last = last_free(c);
    return slack + (last != NULL ? block_size(last) - MIN_PAYLOAD : 0);
}

/* The last free block keeps at least MIN_PAYLOAD bytes, so the heap never
 * loses its last block and the tiling stays valid. */
bool tlsf_core_shrink(struct tlsf_core *c, size_t less)
{
    if (less > tlsf_core_free_tail(c))
        return false;
    uintptr_t region_end = c->region_end - less;
    uintptr_t heap_end = heap_align_down(region_end, GRANULE);
    if (heap_end != (uintptr_t)c->sentinel + HEADER) {
        block_t *last = last_free(c); /* there is one: the tail reaches past the slack */
        list_remove(c, last);
        last->size = (heap_end - HEADER - block_payload(last)) | TLSF_FREE;
        c->sentinel = block_next(last);
        c->sentinel->prev_phys = last;
        c->sentinel->size = 0;
        list_insert(c, last);
    }
    c->region_end = region_end;
    c->roomy_bytes = heap_bytes(c) / 100 * TLSF_ROOMY_PERCENT;
    return true;
}

/* ---- Introspection ------------------------------------------------------------------ */

/* The largest free block is in the highest non-empty list; that list spans
 * a size range, so walk it. */
size_t tlsf_core_largest(const struct tlsf_core *c)
{
    size_t largest = 0;
    for (const block_t *b = top_free(c); b != NULL; b = b->next_free)
        if (block_size(b) > largest)
            largest = block_size(b);
    return largest;
}

/* Physical walk: blocks tile [first, sentinel] exactly, boundary tags agree,
 * no two free blocks touch; the free bytes match the counter. Returns the
 * number of free blocks. */
static size_t check_blocks(const struct tlsf_core *c, const char *name, struct tlsf_census *out)
{
    size_t free_blocks = 0, free_bytes = 0;
    const block_t *prev = NULL, *b = c->first;
    *out = (struct tlsf_census){0};
    while (b != c->sentinel) {
        if ((uintptr_t)b % GRANULE != 0 || (b->size & TLSF_FLAGS & ~(TLSF_FREE | TLSF_MARK)) != 0 ||
            block_size(b) < MIN_PAYLOAD || block_next(b) > c->sentinel || block_next(b) <= b ||
            (block_is_free(b) && tlsf_block_is_marked(b)))
            panic("%s: block %p (size %#zx) is malformed or passes the heap end", name,
                  (const void *)b, b->size);
        if (b->prev_phys != prev)
            panic("%s: block %p has prev_phys %p, expected %p", name, (const void *)b,
                  (const void *)b->prev_phys, (const void *)prev);
        if (block_is_free(b)) {
            if (prev != NULL && block_is_free(prev))
                panic("%s: free blocks %p and %p touch (not coalesced)", name, (const void *)prev,
                      (const void *)b);
            free_blocks++;
            free_bytes += block_size(b);
        } else if (tlsf_block_is_marked(b)) {
            out->marked++;
            out->marked_bytes += block_size(b);
        } else {
            out->used++;
            out->used_bytes += block_size(b);
        }
        prev = b;
        b = block_next(b);
    }
    if (c->sentinel->size != 0 || c->sentinel->prev_phys != prev)
        panic("%s: sentinel %p corrupted", name, (const void *)c->sentinel);
    if (free_bytes != c->free_bytes)
        panic("%s: walk found %zu free blocks / %zu bytes, the counter says %zu bytes", name,
              free_blocks, free_bytes, c->free_bytes);
    return free_blocks;
}

/* Every list: bitmaps agree with emptiness, every member is free, in the
 * heap, in the right list, its link pointing at what points to it; all `free_blocks` free blocks
 * the walk found are listed, and no more (which also bounds a cycle). */
static void check_lists(const struct tlsf_core *c, const char *name, size_t free_blocks)
{
    size_t listed = 0;
    for (int fl = 0; fl < TLSF_FL_COUNT; fl++) {
        bool fl_bit = (c->fl_bitmap >> fl) & 1;
        if (fl_bit != (c->sl_bitmap[fl] != 0))
            panic("%s: fl bitmap bit %d disagrees with sl bitmap %#x", name, fl, c->sl_bitmap[fl]);
        for (int sl = 0; sl < TLSF_SL_COUNT; sl++) {
            unsigned i = (unsigned)(fl * TLSF_SL_COUNT + sl);
            block_t *const *link = &c->free[i];
            if (((c->sl_bitmap[fl] >> sl) & 1) != (c->free[i] != NULL))
                panic("%s: sl bitmap bit [%d][%d] disagrees with its list", name, fl, sl);
            for (const block_t *b = c->free[i]; b != NULL; link = &b->next_free, b = b->next_free) {
                if (++listed > free_blocks)
                    panic("%s: more listed blocks than free blocks (cycle?)", name);
                if (b < c->first || b >= c->sentinel || !block_is_free(b) || b->link != link)
                    panic("%s: list [%d][%d] holds a bad block %p", name, fl, sl, (const void *)b);
                if (list_of(block_size(b)) != i)
                    panic("%s: block %p of %zu bytes in list [%d][%d], belongs in [%u][%u]", name,
                          (const void *)b, block_size(b), fl, sl,
                          list_of(block_size(b)) / TLSF_SL_COUNT,
                          list_of(block_size(b)) % TLSF_SL_COUNT);
            }
        }
    }
    if (c->fl_bitmap >> TLSF_FL_COUNT != 0 || listed != free_blocks)
        panic("%s: %zu blocks listed, %zu free", name, listed, free_blocks);
}

void tlsf_core_check(const struct tlsf_core *c, const char *name, struct tlsf_census *out)
{
    check_lists(c, name, check_blocks(c, name, out));
}
