/* The TLSF core's mechanism (see tlsf_core.h): the region, releasing and
 * trimming blocks, and the consistency check. The inline list and block
 * operations are in tlsf_blocks.h; placement is in tlsf_placement.c. */
#include "mm/heap/tlsf_core.h"

#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/heap_math.h"
#include "mm/heap/tlsf_blocks.h"

/* ---- Blocks ---------------------------------------------------------------- */

/* Both merges read each neighbour's size field once and leave the one
 * free_bytes update, and the one boundary tag after the merged block, to
 * the end. */
struct tlsf_block *tlsf_core_release(struct tlsf_core *c, struct tlsf_block *b)
{
    TLSF_ASSERT(!tlsf_block_is_free(b));
    size_t size = tlsf_block_size(b), freed = size;
    struct tlsf_block *next = tlsf_block_next(b), *prev = b->prev_phys;
    size_t next_raw = next->size;
    if (next_raw & TLSF_FREE) {
        TLSF_ASSERT(!(next_raw & TLSF_MARK));
        list_remove(c, next);
        size += TLSF_HEADER + (next_raw - TLSF_FREE);
        freed += TLSF_HEADER;
    }
    if (prev != NULL && tlsf_block_is_free(prev)) {
        TLSF_ASSERT(!tlsf_block_is_marked(prev));
        list_remove(c, prev);
        size += TLSF_HEADER + tlsf_block_size(prev);
        freed += TLSF_HEADER;
        b = prev;
    }
    b->size = size | TLSF_FREE;
    ((struct tlsf_block *)(tlsf_block_payload(b) + size))->prev_phys = b;
    list_insert(c, b, size);
    c->free_bytes += freed;
    return b;
}

void tlsf_core_trim(struct tlsf_core *c, struct tlsf_block *b, size_t size)
{
    size_t rest_size;
    struct tlsf_block *rest = block_split(b, size, &rest_size);
    if (rest != NULL)
        tlsf_core_release(c, rest);
}

/* ---- The region --------------------------------------------------------------- */

void tlsf_core_reset(struct tlsf_core *c)
{
    memset(c->sl_bitmap, 0, sizeof c->sl_bitmap);
    memset(c->blocks, 0, sizeof c->blocks);
    c->fl_bitmap = 0;
    c->free_bytes = 0;
    c->first->prev_phys = NULL;
    c->first->size = (uintptr_t)c->sentinel - tlsf_block_payload(c->first);
    c->sentinel->prev_phys = c->first;
    c->sentinel->size = 0;
    tlsf_core_release(c, c->first);
}

enum allocator_init_error tlsf_core_init(struct tlsf_core *c, void *start, size_t size)
{
    uintptr_t end, heap_start;
    if (!heap_region_end(start, size, &end))
        return ALLOCATOR_INIT_REGION_WRAPS;
    if (!heap_align_up((uintptr_t)start, TLSF_GRANULE, &heap_start))
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    uintptr_t heap_end = heap_align_down(end, TLSF_GRANULE);
    if (heap_end <= heap_start || heap_end - heap_start < TLSF_MIN_BLOCK + TLSF_HEADER)
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    if (heap_end - heap_start - 2 * TLSF_HEADER > TLSF_BLOCK_MAX)
        heap_end = heap_start + TLSF_BLOCK_MAX + 2 * TLSF_HEADER;
    memset(c, 0, sizeof *c);
    c->region_start = (uintptr_t)start;
    c->region_end = end;
    c->first = (struct tlsf_block *)heap_start;
    c->sentinel = (struct tlsf_block *)(heap_end - TLSF_HEADER);
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
    uintptr_t old_end = (uintptr_t)c->sentinel + TLSF_HEADER;
    uintptr_t heap_end = heap_align_down(region_end, TLSF_GRANULE);
    if (heap_end < old_end || heap_end - old_end < TLSF_MIN_BLOCK)
        return false;
    /* The whole heap stays within one block's reach, so that no merge or
     * reset can ever build a block the lists cannot hold. */
    if (heap_end - (uintptr_t)c->first - 2 * TLSF_HEADER > TLSF_BLOCK_MAX)
        return false;
    struct tlsf_block *b = c->sentinel;
    b->size = heap_end - old_end - TLSF_HEADER;
    c->sentinel = tlsf_block_next(b);
    c->sentinel->prev_phys = b;
    c->sentinel->size = 0;
    c->region_end = region_end;
    tlsf_core_release(c, b);
    return true;
}

/* The free block just below the sentinel, or NULL when that block is used. */
static struct tlsf_block *last_free(const struct tlsf_core *c)
{
    struct tlsf_block *last = c->sentinel->prev_phys;
    return last != NULL && tlsf_block_is_free(last) ? last : NULL;
}

size_t tlsf_core_free_tail(const struct tlsf_core *c)
{
    size_t slack = c->region_end - ((uintptr_t)c->sentinel + TLSF_HEADER);
    struct tlsf_block *last = last_free(c);
    return slack + (last != NULL ? tlsf_block_size(last) - TLSF_MIN_PAYLOAD : 0);
}

/* The last free block keeps at least TLSF_MIN_PAYLOAD bytes, so the heap
 * never loses its last block and the tiling stays valid. */
bool tlsf_core_shrink(struct tlsf_core *c, size_t less)
{
    if (less > tlsf_core_free_tail(c))
        return false;
    uintptr_t region_end = c->region_end - less;
    uintptr_t heap_end = heap_align_down(region_end, TLSF_GRANULE);
    if (heap_end != (uintptr_t)c->sentinel + TLSF_HEADER) {
        struct tlsf_block *last = last_free(c); /* the tail reaches past the slack */
        remove_free_block(c, last);
        last->size = (heap_end - TLSF_HEADER - tlsf_block_payload(last)) | TLSF_FREE;
        c->sentinel = tlsf_block_next(last);
        c->sentinel->prev_phys = last;
        c->sentinel->size = 0;
        insert_free_block(c, last);
    }
    c->region_end = region_end;
    return true;
}

/* ---- Introspection --------------------------------------------------------------- */

/* The largest free block is in the highest non-empty list; that list spans
 * a size range, so walk it. */
size_t tlsf_core_largest(const struct tlsf_core *c)
{
    if (c->fl_bitmap == 0)
        return 0;
    unsigned fl = 63 ^ (unsigned)__builtin_clzll(c->fl_bitmap);
    unsigned sl = 31 ^ (unsigned)__builtin_clz(c->sl_bitmap[fl]);
    size_t largest = 0;
    for (const struct tlsf_block *b = c->blocks[fl * TLSF_SL_COUNT + sl]; b != NULL;
         b = b->next_free)
        if (tlsf_block_size(b) > largest)
            largest = tlsf_block_size(b);
    return largest;
}

/* Physical walk: blocks tile [first, sentinel] exactly, boundary tags agree,
 * no two free blocks touch; the free bytes match the counter. Returns the
 * number of free blocks. */
static size_t check_blocks(const struct tlsf_core *c, const char *name, struct tlsf_census *out)
{
    size_t free_blocks = 0, free_bytes = 0;
    const struct tlsf_block *prev = NULL, *b = c->first;
    *out = (struct tlsf_census){0};
    while (b != c->sentinel) {
        if ((uintptr_t)b % TLSF_GRANULE != 0 ||
            (b->size & TLSF_FLAGS & ~(TLSF_FREE | TLSF_MARK)) != 0 ||
            tlsf_block_size(b) < TLSF_MIN_PAYLOAD || tlsf_block_next(b) > c->sentinel ||
            tlsf_block_next(b) <= b || (tlsf_block_is_free(b) && tlsf_block_is_marked(b)))
            panic("%s: block %p (size %#zx) is malformed or passes the heap end", name,
                  (const void *)b, b->size);
        if (b->prev_phys != prev)
            panic("%s: block %p has prev_phys %p, expected %p", name, (const void *)b,
                  (const void *)b->prev_phys, (const void *)prev);
        if (tlsf_block_is_free(b)) {
            if (prev != NULL && tlsf_block_is_free(prev))
                panic("%s: free blocks %p and %p touch (not coalesced)", name, (const void *)prev,
                      (const void *)b);
            free_blocks++;
            free_bytes += tlsf_block_size(b);
        } else if (tlsf_block_is_marked(b)) {
            out->marked++;
            out->marked_bytes += tlsf_block_size(b);
        } else {
            out->used++;
            out->used_bytes += tlsf_block_size(b);
        }
        prev = b;
        b = tlsf_block_next(b);
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
            struct tlsf_block *const *link = &c->blocks[fl * TLSF_SL_COUNT + sl];
            if (((c->sl_bitmap[fl] >> sl) & 1) != (*link != NULL))
                panic("%s: sl bitmap bit [%d][%d] disagrees with its list", name, fl, sl);
            for (const struct tlsf_block *b = *link; b != NULL;
                 link = &b->next_free, b = b->next_free) {
                if (++listed > free_blocks)
                    panic("%s: more listed blocks than free blocks (cycle?)", name);
                if (b < c->first || b >= c->sentinel || !tlsf_block_is_free(b) || b->link != link)
                    panic("%s: list [%d][%d] holds a bad block %p", name, fl, sl, (const void *)b);
                unsigned want_fl, want_sl;
                mapping_insert(tlsf_block_size(b), &want_fl, &want_sl);
                if (want_fl != (unsigned)fl || want_sl != (unsigned)sl)
                    panic("%s: block %p of %zu bytes in list [%d][%d], belongs in [%u][%u]", name,
                          (const void *)b, tlsf_block_size(b), fl, sl, want_fl, want_sl);
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
