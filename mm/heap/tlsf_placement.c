/* The TLSF core's placement policy (see tlsf_core.h): which free block a
 * request takes, and how a block is resized. The mechanism it uses is in
 * tlsf_blocks.h. */
#include "lib/kstring.h"
#include "mm/heap/tlsf_blocks.h"
#include "mm/heap/tlsf_core.h"

/* ---- Finding a block ---------------------------------------------------------- */

/* The first block of at least `size` payload bytes from `b` on along its
 * list, or NULL. Out of line: it runs only before a request fails. */
__attribute__((noinline, cold)) static struct tlsf_block *first_fit(struct tlsf_block *b,
                                                                    size_t size)
{
    for (; b != NULL; b = b->next_free)
        if (tlsf_block_size(b) >= size)
            return b;
    return NULL;
}

/* Whether `b` fits `size` better than `best` (NULL: anything fits better):
 * smaller, or as small and lower in memory. */
static inline bool better_fit(const struct tlsf_block *b, const struct tlsf_block *best,
                              size_t size)
{
    size_t have = tlsf_block_size(b);
    if (have < size)
        return false;
    if (best == NULL)
        return true;
    return have < tlsf_block_size(best) || (have == tlsf_block_size(best) && b < best);
}

#define TLSF_NO_LIST SIZE_MAX /* find_fit(): the block is no list head it knows */

/* Good fit, low addresses first: the best fit among the first
 * TLSF_FIT_SCAN blocks of the list `size` maps to (a close fit beats a
 * bigger block), else the head of the first list whose every block fits
 * (two bit scans; *head_of is then that list's index, else TLSF_NO_LIST),
 * else, the request being about to fail, the first fitting block in the
 * rest of its own list, so that a request for exactly the largest free
 * block succeeds however long that list is. */
__attribute__((always_inline)) static inline struct tlsf_block *
find_fit(struct tlsf_core *c, size_t size, size_t *head_of)
{
    struct tlsf_block *best = NULL, *b = *list_head(c, mapping_index(size));
    *head_of = TLSF_NO_LIST;
    for (int n = 0; b != NULL && n < TLSF_FIT_SCAN; n++, b = b->next_free)
        if (better_fit(b, best, size))
            best = b;
    if (best != NULL)
        return best;
    best = search_suitable_block(c, mapping_search(size), head_of);
    return best != NULL ? best : first_fit(b, size);
}

/* Unlinks block `b`, which find_fit() returned with `head_of`. */
static inline void unlink_fit(struct tlsf_core *c, struct tlsf_block *b, size_t head_of)
{
    if (head_of != TLSF_NO_LIST)
        list_remove_head(c, b, head_of);
    else
        list_remove(c, b);
}

/* Takes block `b`, which find_fit() returned with `head_of`, off its list
 * for use: flags cleared. */
static inline void take_fit(struct tlsf_core *c, struct tlsf_block *b, size_t head_of)
{
    unlink_fit(c, b, head_of);
    c->free_bytes -= tlsf_block_size(b);
    b->size &= ~TLSF_FLAGS;
}

/* take_fit() and block_trim_free() to `size` with one free_bytes update. */
static inline void take_fit_trimmed(struct tlsf_core *c, struct tlsf_block *b, size_t head_of,
                                    size_t size)
{
    size_t have = tlsf_block_size(b);
    unlink_fit(c, b, head_of);
    b->size = have;
    c->free_bytes -= have - block_cut(c, b, size);
}

/* ---- Allocating ------------------------------------------------------------------ */

/* Cuts the front of block `b`, just taken off its list, so that the payload
 * of what remains is `align`-aligned; the front becomes a free, listed
 * block (its predecessor is used: free blocks never touch). */
static struct tlsf_block *align_front(struct tlsf_core *c, struct tlsf_block *b, size_t align)
{
    uintptr_t mask = (uintptr_t)align - 1, payload = tlsf_block_payload(b);
    uintptr_t p = (payload + mask) & ~mask;
    if (p == payload)
        return b;
    if (p - payload < TLSF_MIN_BLOCK)
        p = (payload + TLSF_MIN_BLOCK + mask) & ~mask;
    struct tlsf_block *after = tlsf_block_of((void *)p);
    after->prev_phys = b;
    after->size = tlsf_block_size(b) - (p - payload);
    tlsf_block_next(after)->prev_phys = after;
    b->size = (p - payload - TLSF_HEADER) | TLSF_FREE;
    insert_free_block(c, b);
    return after;
}

/* tlsf_core_alloc() above the natural alignment: a block with room for
 * `size` bytes at any `align`-aligned payload in it, the front cut off.
 * Out of line, so that the common path saves no registers for it. */
__attribute__((noinline)) static struct tlsf_block *alloc_aligned(struct tlsf_core *c, size_t size,
                                                                  size_t align)
{
    size_t search;
    if (align > TLSF_BLOCK_MAX || !tlsf_adjust_size(size + align + TLSF_HEADER, &search))
        return NULL;
    size_t head_of;
    struct tlsf_block *b = find_fit(c, search, &head_of);
    if (b == NULL)
        return NULL;
    take_fit(c, b, head_of);
    b = align_front(c, b, align);
    block_trim_free(c, b, size);
    return b;
}

/* tlsf_core_alloc() at the natural alignment. Always inline: it is the
 * whole of tlsf_core_alloc()'s common path, and of move()'s allocation. */
__attribute__((always_inline)) static inline struct tlsf_block *alloc_natural(struct tlsf_core *c,
                                                                              size_t size)
{
    size_t head_of;
    struct tlsf_block *b = find_fit(c, size, &head_of);
    if (b == NULL)
        return NULL;
    take_fit_trimmed(c, b, head_of, size);
    return b;
}

struct tlsf_block *tlsf_core_alloc(struct tlsf_core *c, size_t size, size_t align)
{
    if (align > TLSF_GRANULE)
        return alloc_aligned(c, size, align);
    return alloc_natural(c, size);
}

struct tlsf_block *tlsf_core_alloc_up_to(struct tlsf_core *c, size_t min, size_t max)
{
    size_t head_of;
    struct tlsf_block *b = find_fit(c, min, &head_of);
    if (b == NULL)
        return NULL;
    take_fit(c, b, head_of);
    block_trim_free(c, b, tlsf_block_size(b) < max ? tlsf_block_size(b) : max);
    return b;
}

/* ---- Resizing ---------------------------------------------------------------------- */

/* Whether used block `b`, which with a free successor holds `room` bytes,
 * can slide down into its free predecessor: together they hold `size`
 * bytes at `align`. Only looks, so that tlsf_core_realloc() decides before
 * it calls anything. */
static inline bool slide_down_fits(const struct tlsf_block *b, size_t room, size_t size,
                                   size_t align)
{
    const struct tlsf_block *prev = b->prev_phys;
    return prev != NULL && tlsf_block_is_free(prev) &&
           (tlsf_block_payload(prev) & (align - 1)) == 0 &&
           tlsf_block_size(prev) + TLSF_HEADER + room >= size;
}

/* Slides used block `b` down into its free predecessor (and over a free
 * successor), which slide_down_fits() found hold `size` bytes, keeping its
 * first `copy` bytes: the block ends up lower in memory, snugly. */
__attribute__((noinline)) static struct tlsf_block *
slide_down(struct tlsf_core *c, struct tlsf_block *b, size_t size, size_t copy)
{
    struct tlsf_block *prev = b->prev_phys;
    block_merge_next(c, b);
    block_take(c, prev);
    block_absorb(prev, b);
    memmove((void *)tlsf_block_payload(prev), (void *)tlsf_block_payload(b), copy);
    block_trim_free(c, prev, size);
    return prev;
}

static size_t heap_bytes(const struct tlsf_core *c)
{
    return (uintptr_t)c->sentinel - (uintptr_t)c->first;
}

/* Shrinking used block `b` in place would leave a free tail that used
 * blocks fence in on both sides, a hole only smaller requests can use. Once
 * less than half the heap is free, when fragmentation starts to decide
 * which large request fails, such a shrink copies instead: if the tail is
 * TLSF_SHRINK_MOVE_MIN bytes or more and a free block holds the new `size`
 * with less than a quarter of the tail to spare, the block moves there and
 * all of it goes back, merging with its free neighbours. NULL (nothing
 * changed) when that does not apply. */
static struct tlsf_block *shrink_by_moving(struct tlsf_core *c, struct tlsf_block *b, size_t size,
                                           size_t align, size_t copy)
{
    size_t tail = tlsf_block_size(b) - size;
    if (tail < TLSF_SHRINK_MOVE_MIN || tlsf_block_is_free(tlsf_block_next(b)) ||
        align > TLSF_GRANULE || c->free_bytes > heap_bytes(c) / 2)
        return NULL;
    size_t head_of;
    struct tlsf_block *f = find_fit(c, size, &head_of);
    if (f == NULL || tlsf_block_size(f) - size >= tail / 4)
        return NULL;
    take_fit(c, f, head_of);
    block_trim_free(c, f, size);
    memcpy((void *)tlsf_block_payload(f), (void *)tlsf_block_payload(b), copy);
    tlsf_core_release(c, b);
    return f;
}

/* A shrink of used block `b` to `size`: moved into a snug block (see
 * shrink_by_moving()), else in place. Out of line, as every path of
 * tlsf_core_realloc() that calls something. */
__attribute__((noinline)) static struct tlsf_block *
shrink(struct tlsf_core *c, struct tlsf_block *b, size_t size, size_t align, size_t copy)
{
    struct tlsf_block *moved = shrink_by_moving(c, b, size, align, copy);
    if (moved != NULL)
        return moved;
    tlsf_core_trim(c, b, size);
    return b;
}

/* Moves used block `b` to a new block (see tlsf_core_realloc()). */
__attribute__((noinline)) static struct tlsf_block *move(struct tlsf_core *c, struct tlsf_block *b,
                                                         size_t size, size_t align, size_t copy)
{
    struct tlsf_block *r =
        align > TLSF_GRANULE ? alloc_aligned(c, size, align) : alloc_natural(c, size);
    if (r == NULL)
        return NULL;
    memcpy((void *)tlsf_block_payload(r), (void *)tlsf_block_payload(b), copy);
    tlsf_core_release(c, b);
    return r;
}

/* Grows used block `b` in place to `size` over its free successor, which
 * holds the difference. */
__attribute__((noinline)) static struct tlsf_block *grow(struct tlsf_core *c, struct tlsf_block *b,
                                                         size_t size)
{
    block_merge_next(c, b);
    block_trim_free(c, b, size); /* its successor is used now */
    return b;
}

/* Only decides: every way is a tail call, so that this frame saves no
 * registers for any of them. */
struct tlsf_block *tlsf_core_realloc(struct tlsf_core *c, struct tlsf_block *b, size_t size,
                                     size_t align, size_t copy)
{
    size_t room = tlsf_block_size(b);
    if (size <= room)
        return shrink(c, b, size, align, copy);
    struct tlsf_block *next = tlsf_block_next(b);
    if (tlsf_block_is_free(next)) {
        room += TLSF_HEADER + tlsf_block_size(next);
        if (room >= size)
            return grow(c, b, size);
    }
    if (slide_down_fits(b, room, size, align < TLSF_GRANULE ? TLSF_GRANULE : align))
        return slide_down(c, b, size, copy);
    return move(c, b, size, align, copy);
}
