/* bump: a pointer that only moves forward until everything is freed (see
 * bump.h). */
#include "mm/heap/bump.h"

#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/heap_math.h"

/* Bytes a live block of `layout` occupies from its pointer: size 0 still
 * takes one byte so that two blocks never share an address. */
static size_t bump_block_size(struct layout layout)
{
    return layout.size == 0 ? 1 : layout.size;
}

/* Returns the next `layout`-aligned block, or NULL when the aligned block
 * would pass the end of the region (or the arithmetic would overflow). */
static void *bump_alloc(void *self, struct layout layout)
{
    struct bump_heap *s = self;
    uintptr_t p;
    size_t size = bump_block_size(layout);
    if (!heap_align_up(s->next, layout.align, &p) || p > s->end || size > s->end - p)
        return NULL;
    s->next = p + size;
    heap_counts_alloc(&s->counts, layout.size);
    return (void *)p;
}

static bool bump_is_top(const struct bump_heap *s, uintptr_t p, struct layout layout)
{
    return p + bump_block_size(layout) == s->next;
}

static void bump_dealloc(void *self, void *ptr, struct layout layout)
{
    struct bump_heap *s = self;
    uintptr_t p = (uintptr_t)ptr;
    if (s->counts.live == 0)
        panic("bump: dealloc of %p with no live allocation", ptr);
    if (p < s->start || p >= s->next || !heap_counts_can_free(&s->counts, layout.size))
        panic("bump: dealloc of %p, which this heap did not hand out", ptr);
    heap_counts_free(&s->counts, layout.size);
    if (s->counts.live == 0)
        s->next = s->start; /* everything is free: start over */
    else if (bump_is_top(s, p, layout))
        s->next = p; /* the most recent block: give it back */
}

/* The most recent block grows or shrinks in place; any other block gets the
 * default alloc + copy + dealloc. NULL leaves the block untouched. */
static void *bump_realloc(void *self, void *ptr, struct layout layout, size_t new_size)
{
    struct bump_heap *s = self;
    uintptr_t p = (uintptr_t)ptr;
    struct layout new_layout = {.size = new_size, .align = layout.align};
    if (bump_is_top(s, p, layout) && bump_block_size(new_layout) <= s->end - p) {
        s->next = p + bump_block_size(new_layout);
        heap_counts_resize(&s->counts, layout.size, new_size);
        return ptr;
    }
    void *q = bump_alloc(s, new_layout);
    if (q == NULL)
        return NULL;
    memcpy(q, ptr, layout.size < new_size ? layout.size : new_size);
    bump_dealloc(s, ptr, layout);
    return q;
}

/* The state lives outside the region, so any non-empty region will do. */
static enum allocator_init_error bump_init(void *self, void *start, size_t size)
{
    struct bump_heap *s = self;
    uintptr_t end;
    if (!heap_region_end(start, size, &end))
        return ALLOCATOR_INIT_REGION_WRAPS;
    if (size == 0)
        return ALLOCATOR_INIT_REGION_TOO_SMALL;
    *s = (struct bump_heap){.start = (uintptr_t)start, .end = end, .next = (uintptr_t)start};
    return ALLOCATOR_INIT_OK;
}

static bool bump_extend(void *self, size_t more)
{
    struct bump_heap *s = self;
    if (s->end > UINTPTR_MAX - more)
        return false;
    s->end += more;
    return true;
}

/* Everything above the bump pointer is free. */
static size_t bump_free_tail(void *self)
{
    struct bump_heap *s = self;
    return s->end - s->next;
}

static bool bump_shrink(void *self, size_t less)
{
    struct bump_heap *s = self;
    if (less > s->end - s->next)
        return false;
    s->end -= less;
    return true;
}

static void bump_stats(void *self, struct heap_stats *out)
{
    struct bump_heap *s = self;
    *out = (struct heap_stats){
        .region_size = s->end - s->start,
        .bytes_free = s->end - s->next,
        .largest_free_block = s->end - s->next,
    };
    heap_counts_stats(&s->counts, out);
}

static void bump_check(void *self)
{
    struct bump_heap *s = self;
    if (s->start > s->next || s->next > s->end)
        panic("bump: next %#lx outside the region [%#lx, %#lx)", (unsigned long)s->next,
              (unsigned long)s->start, (unsigned long)s->end);
    heap_counts_check(&s->counts, "bump");
    if (s->counts.live == 0 && s->next != s->start)
        panic("bump: no live allocation but next at +%zu", (size_t)(s->next - s->start));
    if (s->counts.live > s->next - s->start || s->counts.bytes_in_use > s->next - s->start)
        panic("bump: %zu live blocks of %zu bytes do not fit below next (+%zu)", s->counts.live,
              s->counts.bytes_in_use, (size_t)(s->next - s->start));
}

const struct allocator_ops bump_ops = {
    .name = "bump",
    .alloc = bump_alloc,
    .dealloc = bump_dealloc,
    .realloc = bump_realloc,
    .init = bump_init,
    .extend = bump_extend,
    .free_tail = bump_free_tail,
    .shrink = bump_shrink,
    .stats = bump_stats,
    .check = bump_check,
};
