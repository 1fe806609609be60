/* linked_list: first-fit over an address-ordered hole list (see
 * linked_list.h). */
#include "mm/heap/linked_list.h"

#include "lib/panic.h"
#include "mm/heap/heap_math.h"

typedef struct linked_list_hole hole_t;

_Static_assert(sizeof(hole_t) <= LINKED_LIST_GRANULE, "a hole node must fit in a granule");

/* The bytes a live block of `layout` occupies: its size rounded up to whole
 * granules, at least one. false if that overflows. */
static bool ll_block_size(struct layout layout, size_t *out)
{
    return heap_round_size(layout.size, LINKED_LIST_GRANULE, LINKED_LIST_GRANULE, out);
}

static uintptr_t hole_end(const hole_t *h)
{
    return (uintptr_t)h + h->size;
}

/* Writes a hole node at `at` and returns it. */
static hole_t *make_hole(uintptr_t at, size_t size, hole_t *next)
{
    hole_t *h = (hole_t *)at;
    h->size = size;
    h->next = next;
    return h;
}

/* Where an aligned block of `size` bytes fits in hole h, or 0. Since hole
 * start, size and `size` are whole granules and align >= granule, the front
 * padding (p - h) and the tail left after the block are whole granules too. */
static uintptr_t fit_in_hole(const hole_t *h, size_t size, size_t align)
{
    uintptr_t p, end = hole_end(h);
    if (!heap_align_up((uintptr_t)h, align, &p) || p > end || size > end - p)
        return 0;
    return p;
}

/* First fit. The hole that fits is split into up to three parts: the front
 * padding stays a hole (same node), the block is handed out, the tail
 * becomes a new hole linked after it. NULL when no hole fits. */
static void *ll_alloc(void *self, struct layout layout)
{
    struct linked_list_heap *s = self;
    size_t size, align = layout.align < LINKED_LIST_GRANULE ? LINKED_LIST_GRANULE : layout.align;
    if (!ll_block_size(layout, &size))
        return NULL;
    for (hole_t **link = &s->head; *link != NULL; link = &(*link)->next) {
        hole_t *h = *link;
        uintptr_t p = fit_in_hole(h, size, align);
        if (p == 0)
            continue;
        uintptr_t end = hole_end(h);
        hole_t *after = h->next;
        if (end - p > size)
            after = make_hole(p + size, end - p - size, after);
        if (p > (uintptr_t)h) {
            h->size = p - (uintptr_t)h;
            h->next = after;
        } else {
            *link = after;
        }
        s->block_bytes += size;
        heap_counts_alloc(&s->counts, layout.size);
        return (void *)p;
    }
    return NULL;
}

/* Inserts [p, p + size) into the sorted list, merging it with the hole
 * before and/or after it when they touch. Panics if it overlaps a hole:
 * that is a double free or a wrong layout. */
static void insert_hole(struct linked_list_heap *s, uintptr_t p, size_t size)
{
    hole_t *prev = NULL, *next = s->head;
    while (next != NULL && (uintptr_t)next < p) {
        prev = next;
        next = next->next;
    }
    if ((prev != NULL && hole_end(prev) > p) || (next != NULL && p + size > (uintptr_t)next))
        panic("linked_list: freed block %#lx+%zu overlaps a free block (double free?)",
              (unsigned long)p, size);
    hole_t *h;
    if (prev != NULL && hole_end(prev) == p) {
        prev->size += size;
        h = prev;
    } else {
        h = make_hole(p, size, next);
        if (prev != NULL)
            prev->next = h;
        else
            s->head = h;
    }
    if (next != NULL && hole_end(h) == (uintptr_t)next) {
        h->size += next->size;
        h->next = next->next;
    }
}

static void ll_dealloc(void *self, void *ptr, struct layout layout)
{
    struct linked_list_heap *s = self;
    uintptr_t p = (uintptr_t)ptr;
    size_t size;
    if (!ll_block_size(layout, &size) || p % LINKED_LIST_GRANULE != 0 || p < s->heap_start ||
        p >= s->heap_end || size > s->heap_end - p)
        panic("linked_list: dealloc of %p (size %zu), which this heap did not hand out", ptr,
              layout.size);
    if (size > s->block_bytes || !heap_counts_can_free(&s->counts, layout.size))
        panic("linked_list: dealloc of %p with no matching live allocation", ptr);
    insert_hole(s, p, size);
    s->block_bytes -= size;
    heap_counts_free(&s->counts, layout.size);
}

/* The usable part of the region is its granule-aligned interior; it must
 * hold at least one node, which init writes there. */
static enum allocator_init_error ll_init(void *self, void *start, size_t size)
{
    struct linked_list_heap *s = self;
    uintptr_t end, heap_start;
    if (!heap_region_end(start, size, &end))
        return ALLOCATOR_INIT_REGION_WRAPS;
    if (!heap_align_up((uintptr_t)start, LINKED_LIST_GRANULE, &heap_start))
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    uintptr_t heap_end = heap_align_down(end, LINKED_LIST_GRANULE);
    if (heap_end <= heap_start)
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    *s = (struct linked_list_heap){
        .region_start = (uintptr_t)start,
        .region_end = end,
        .heap_start = heap_start,
        .heap_end = heap_end,
    };
    s->head = make_hole(heap_start, heap_end - heap_start, NULL);
    return ALLOCATOR_INIT_OK;
}

/* Adds the new granules as a hole, merged with the last hole if it ends
 * where the heap did. false (nothing changes) if `more` does not complete
 * a single granule. */
static bool ll_extend(void *self, size_t more)
{
    struct linked_list_heap *s = self;
    uintptr_t region_end;
    if (__builtin_add_overflow(s->region_end, more, &region_end))
        return false;
    uintptr_t heap_end = heap_align_down(region_end, LINKED_LIST_GRANULE);
    if (heap_end == s->heap_end)
        return false;
    hole_t *last = s->head;
    while (last != NULL && last->next != NULL)
        last = last->next;
    if (last != NULL && hole_end(last) == s->heap_end)
        last->size += heap_end - s->heap_end;
    else if (last != NULL)
        last->next = make_hole(s->heap_end, heap_end - s->heap_end, NULL);
    else
        s->head = make_hole(s->heap_end, heap_end - s->heap_end, NULL);
    s->region_end = region_end;
    s->heap_end = heap_end;
    return true;
}

static void ll_stats(void *self, struct heap_stats *out)
{
    struct linked_list_heap *s = self;
    size_t free = 0, largest = 0;
    for (const hole_t *h = s->head; h != NULL; h = h->next) {
        free += h->size;
        if (h->size > largest)
            largest = h->size;
    }
    *out = (struct heap_stats){
        .region_size = s->region_end - s->region_start,
        .bytes_free = free,
        .largest_free_block = largest,
    };
    heap_counts_stats(&s->counts, out);
}

/* Every hole inside the heap, granule-aligned, sorted, not touching the
 * previous one (coalesced); holes plus live blocks cover the heap exactly. */
static void ll_check(void *self)
{
    struct linked_list_heap *s = self;
    size_t free = 0;
    uintptr_t min = s->heap_start;
    for (const hole_t *h = s->head; h != NULL; h = h->next) {
        uintptr_t p = (uintptr_t)h;
        if (p < s->heap_start || p >= s->heap_end || h->size > s->heap_end - p)
            panic("linked_list: hole %#lx+%zu outside the heap", (unsigned long)p, h->size);
        if (p % LINKED_LIST_GRANULE != 0 || h->size % LINKED_LIST_GRANULE != 0 || h->size == 0)
            panic("linked_list: hole %#lx+%zu not made of whole granules", (unsigned long)p,
                  h->size);
        if (p < min)
            panic("linked_list: free list not sorted by address at hole %#lx", (unsigned long)p);
        if (p == min && h != s->head)
            panic("linked_list: adjacent holes at %#lx not coalesced", (unsigned long)p);
        free += h->size;
        min = hole_end(h);
    }
    if (free + s->block_bytes != s->heap_end - s->heap_start)
        panic("linked_list: holes (%zu) + live blocks (%zu) != heap size (%zu)", free,
              s->block_bytes, (size_t)(s->heap_end - s->heap_start));
    const struct heap_counts *c = &s->counts;
    if ((c->live == 0) != (s->block_bytes == 0) || c->bytes_in_use > s->block_bytes ||
        c->live > s->block_bytes / LINKED_LIST_GRANULE)
        panic("linked_list: counters disagree: %zu live, %zu block bytes, %zu bytes in use",
              c->live, s->block_bytes, c->bytes_in_use);
    heap_counts_check(c, "linked_list");
}

const struct allocator_ops linked_list_ops = {
    .name = "linked_list",
    .alloc = ll_alloc,
    .dealloc = ll_dealloc,
    .init = ll_init,
    .extend = ll_extend,
    .stats = ll_stats,
    .check = ll_check,
};
