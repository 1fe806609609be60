/*
 * The TLSF core's mechanism, private to tlsf_core.c and tlsf_placement.c:
 * mapping a size to its lists, the lists themselves, searching them, and
 * splitting and merging blocks. Inline, because every allocation and free
 * runs through these few lines; named after the steps of the TLSF paper
 * (and of mattconte/tlsf), so that a reader who knows TLSF finds each one.
 * See tlsf_core.h for the design.
 */
#ifndef KEEL_MM_HEAP_TLSF_BLOCKS_H
#define KEEL_MM_HEAP_TLSF_BLOCKS_H

#include "lib/panic.h"
#include "mm/heap/tlsf_core.h"

/* Invariants checked where they can break, in debug builds (NDEBUG unset:
 * host tests, fuzzers, Debug kernels); compiled out in the benchmark and in
 * Release kernels. */
#ifdef NDEBUG
#define TLSF_ASSERT(expr) ((void)0)
#else
#define TLSF_ASSERT(expr) KASSERT(expr)
#endif

#define TLSF_SMALL_SIZE ((size_t)1 << TLSF_FL_SHIFT) /* sizes below share fl 0 */

_Static_assert(TLSF_HEADER == TLSF_GRANULE, "header must keep payloads 16-aligned");
_Static_assert(sizeof(struct tlsf_block) == TLSF_HEADER + TLSF_MIN_PAYLOAD,
               "free-list links must fit the payload");
_Static_assert(TLSF_FL_COUNT < 64, "fl_bitmap is 64 bits");
_Static_assert(TLSF_BLOCK_MAX % TLSF_GRANULE == 0,
               "tlsf_adjust_size: the largest block is whole granules");

/* ---- Mapping sizes to lists ---------------------------------------------- */

/* The list a free block of `size` payload bytes belongs to, as one index
 * into blocks[] (fl * TLSF_SL_COUNT + sl): sizes
 * below TLSF_SMALL_SIZE by 16-byte steps in fl 0, then fl =
 * floor(log2(size)) - 8 and sl = the 5 bits after the top one. Sizes below
 * TLSF_SMALL_SIZE take the shift of the first level above them, which maps
 * them to their 16-byte step, so no branch tells the two apart. */
static inline size_t mapping_index(size_t size)
{
    unsigned t = 63 ^ (unsigned)__builtin_clzll(size | TLSF_SMALL_SIZE); /* >= TLSF_FL_SHIFT */
    return (size >> (t - TLSF_SL_SHIFT)) + ((size_t)(t - TLSF_FL_SHIFT) << TLSF_SL_SHIFT);
}

/* mapping_index() as its two levels. */
static inline void mapping_insert(size_t size, unsigned *fl, unsigned *sl)
{
    size_t i = mapping_index(size);
    *fl = (unsigned)(i / TLSF_SL_COUNT);
    *sl = (unsigned)(i % TLSF_SL_COUNT);
}

/* The index of the first list whose every block holds `size` bytes: the
 * size rounded up to the next list's lower bound, then mapped. Its first
 * level reaches TLSF_FL_COUNT when no list can. */
static inline size_t mapping_search(size_t size)
{
    unsigned t = 63 ^ (unsigned)__builtin_clzll(size | TLSF_SMALL_SIZE);
    return mapping_index(size + ((size_t)1 << (t - TLSF_SL_SHIFT)) - 1);
}

/* The head of list `i` (a mapping_index() value). */
static inline struct tlsf_block **list_head(struct tlsf_core *c, size_t i)
{
    return &c->blocks[i];
}

/* ---- The lists -------------------------------------------------------------- */

/* The head of the first non-empty list at or after list `i` (a
 * mapping_search() value) in size order (two bit scans), that list's index
 * in *found; NULL if every such list is empty. */
static inline struct tlsf_block *search_suitable_block(struct tlsf_core *c, size_t i, size_t *found)
{
    unsigned fl = (unsigned)(i / TLSF_SL_COUNT), sl = (unsigned)(i % TLSF_SL_COUNT);
    if (fl >= TLSF_FL_COUNT)
        return NULL;
    uint32_t sl_map = c->sl_bitmap[fl] & (~0u << sl);
    if (sl_map == 0) {
        uint64_t fl_map = c->fl_bitmap & (~(uint64_t)0 << (fl + 1));
        if (fl_map == 0)
            return NULL;
        fl = (unsigned)__builtin_ctzll(fl_map);
        sl_map = c->sl_bitmap[fl];
    }
    *found = (size_t)fl * TLSF_SL_COUNT + (size_t)__builtin_ctz(sl_map);
    return *list_head(c, *found);
}

/* Lists free block `b` of `size` payload bytes (its size field already
 * size | TLSF_FREE), leaving free_bytes to the caller. The lower of `b`
 * and the list's head leads the list, so that heads, which good fit takes
 * first, lean towards low addresses. Each listed block keeps `link`, the
 * address of the pointer to it, so that removing it needs neither its list
 * nor a walk. */
static inline void list_insert(struct tlsf_core *c, struct tlsf_block *b, size_t size)
{
    TLSF_ASSERT(b->size == (size | TLSF_FREE));
    size_t i = mapping_index(size);
    struct tlsf_block **head = list_head(c, i), *h = *head;
    if (h == NULL) {
        c->sl_bitmap[i / TLSF_SL_COUNT] |= 1u << (i % TLSF_SL_COUNT);
        c->fl_bitmap |= (uint64_t)1 << (i / TLSF_SL_COUNT);
    } else if (h < b) {
        head = &h->next_free; /* second place: the head stays the lower */
        h = *head;
    }
    b->next_free = h;
    b->link = head;
    if (h != NULL)
        h->link = &b->next_free;
    *head = b;
}

/* List `i` just became empty: its bit goes, and its first level's bit
 * when that was the level's last list. */
static inline void list_emptied(struct tlsf_core *c, size_t i)
{
    uint32_t *sl_map = &c->sl_bitmap[i / TLSF_SL_COUNT];
    *sl_map &= ~(1u << (i % TLSF_SL_COUNT));
    if (*sl_map == 0)
        c->fl_bitmap &= ~((uint64_t)1 << (i / TLSF_SL_COUNT));
}

/* Unlinks listed free block `b`, leaving free_bytes to the caller; when it
 * was the last of its list (its link is the list head and nothing
 * follows), that list's bits go. */
static inline void list_remove(struct tlsf_core *c, struct tlsf_block *b)
{
    TLSF_ASSERT(tlsf_block_is_free(b) && *b->link == b);
    struct tlsf_block *next = b->next_free, **link = b->link;
    *link = next;
    if (next != NULL)
        next->link = link;
    else if ((uintptr_t)link - (uintptr_t)c->blocks < sizeof c->blocks)
        list_emptied(c, (size_t)(link - c->blocks));
}

/* list_remove() of the head of list `i`, which search_suitable_block()
 * found: neither its link nor the list's index need working out. */
static inline void list_remove_head(struct tlsf_core *c, struct tlsf_block *b, size_t i)
{
    struct tlsf_block **head = list_head(c, i), *next = b->next_free;
    TLSF_ASSERT(*head == b && b->link == head);
    *head = next;
    if (next != NULL)
        next->link = head;
    else
        list_emptied(c, i);
}

/* Lists free block `b` (flags already FREE, not marked). */
static inline void insert_free_block(struct tlsf_core *c, struct tlsf_block *b)
{
    TLSF_ASSERT(tlsf_block_is_free(b) && !tlsf_block_is_marked(b));
    size_t size = tlsf_block_size(b);
    list_insert(c, b, size);
    c->free_bytes += size;
}

/* Unlinks listed free block `b`. */
static inline void remove_free_block(struct tlsf_core *c, struct tlsf_block *b)
{
    list_remove(c, b);
    c->free_bytes -= tlsf_block_size(b);
}

/* ---- Splitting and merging ---------------------------------------------------- */

/* Cuts used (unlisted) block `b` to `size` payload bytes (whole granules,
 * at most its size) if the rest can form a block of its own: returns the
 * rest (used, unlisted, its size in *rest_size), else NULL. */
static inline struct tlsf_block *block_split(struct tlsf_block *b, size_t size, size_t *rest_size)
{
    size_t raw = b->size, have = raw & ~TLSF_FLAGS;
    TLSF_ASSERT(size <= have && size % TLSF_GRANULE == 0 && size >= TLSF_MIN_PAYLOAD);
    if (have - size < TLSF_MIN_BLOCK)
        return NULL;
    struct tlsf_block *rest = (struct tlsf_block *)(tlsf_block_payload(b) + size);
    *rest_size = have - size - TLSF_HEADER;
    b->size = size | (raw & TLSF_FLAGS);
    rest->prev_phys = b;
    rest->size = *rest_size;
    ((struct tlsf_block *)(tlsf_block_payload(rest) + *rest_size))->prev_phys = rest;
    return rest;
}

/* Makes `b` (unlisted) absorb its physical successor `next` (unlisted). */
static inline void block_absorb(struct tlsf_block *b, struct tlsf_block *next)
{
    TLSF_ASSERT(tlsf_block_next(b) == next);
    tlsf_block_set_size(b, tlsf_block_size(b) + TLSF_HEADER + tlsf_block_size(next));
    tlsf_block_next(b)->prev_phys = b;
}

/* Merges unlisted block `b` with its free successor, if it has one. */
static inline void block_merge_next(struct tlsf_core *c, struct tlsf_block *b)
{
    struct tlsf_block *next = tlsf_block_next(b);
    if (tlsf_block_is_free(next)) {
        remove_free_block(c, next);
        block_absorb(b, next);
    }
}

/* Trims a block just taken off its list (or merged with its free
 * successor) to `size`: its successor is used, since free blocks never
 * touch, so the rest is listed as it is, without merging. Returns the
 * bytes it listed (0 if nothing was cut), leaving free_bytes to the
 * caller. Always inline: it ends every allocation. */
__attribute__((always_inline)) static inline size_t block_cut(struct tlsf_core *c,
                                                              struct tlsf_block *b, size_t size)
{
    size_t rest_size;
    struct tlsf_block *rest = block_split(b, size, &rest_size);
    if (rest == NULL)
        return 0;
    TLSF_ASSERT(!tlsf_block_is_free(tlsf_block_next(rest)));
    rest->size = rest_size | TLSF_FREE;
    list_insert(c, rest, rest_size);
    return rest_size;
}

/* block_cut(), counted. */
__attribute__((always_inline)) static inline void block_trim_free(struct tlsf_core *c,
                                                                  struct tlsf_block *b, size_t size)
{
    c->free_bytes += block_cut(c, b, size);
}

/* Takes free block `b` off its list for use: flags cleared. */
static inline void block_take(struct tlsf_core *c, struct tlsf_block *b)
{
    remove_free_block(c, b);
    b->size &= ~TLSF_FLAGS;
}

#endif
