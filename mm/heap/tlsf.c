/* tlsf: the TLSF core serving every request (see tlsf.h). */
#include "mm/heap/tlsf.h"

#include "lib/panic.h"

static void *tlsf_alloc(void *self, struct layout layout)
{
    struct tlsf_heap *s = self;
    size_t size;
    if (!tlsf_adjust_size(layout.size, &size))
        return NULL;
    struct tlsf_block *b = tlsf_core_alloc(&s->core, size, layout.align);
    if (b == NULL)
        return NULL;
    heap_counts_alloc(&s->counts, layout.size);
    return (void *)tlsf_block_payload(b);
}

/* The block of a pointer this heap handed out; panics when `ptr` cannot be
 * one (outside the heap, misaligned, already free, smaller than `layout`). */
static struct tlsf_block *live_block(struct tlsf_heap *s, void *ptr, struct layout layout,
                                     const char *what)
{
    struct tlsf_block *b = tlsf_core_live_block(&s->core, ptr, layout.size, "tlsf", what);
    if (!heap_counts_can_free(&s->counts, layout.size))
        panic("tlsf: %s of %p: not a live block of %zu bytes (double free?)", what, ptr,
              layout.size);
    return b;
}

static void tlsf_dealloc(void *self, void *ptr, struct layout layout)
{
    struct tlsf_heap *s = self;
    struct tlsf_block *b = live_block(s, ptr, layout, "dealloc");
    heap_counts_free(&s->counts, layout.size);
    tlsf_core_release(&s->core, b);
}

/* Without allocating elsewhere when the core can (see tlsf_core_realloc:
 * the block may still move, into its free neighbours), else moved by the
 * core; NULL leaves the block untouched. */
static void *tlsf_realloc(void *self, void *ptr, struct layout layout, size_t new_size)
{
    struct tlsf_heap *s = self;
    struct tlsf_block *b = live_block(s, ptr, layout, "realloc");
    size_t size, copy = layout.size < new_size ? layout.size : new_size;
    if (!tlsf_adjust_size(new_size, &size))
        return NULL;
    struct tlsf_block *r = tlsf_core_realloc(&s->core, b, size, layout.align, copy);
    if (r == NULL)
        return NULL;
    heap_counts_resize(&s->counts, layout.size, new_size);
    return (void *)tlsf_block_payload(r);
}

static enum allocator_init_error tlsf_init(void *self, void *start, size_t size)
{
    struct tlsf_heap *s = self;
    enum allocator_init_error e = tlsf_core_init(&s->core, start, size);
    if (e == ALLOCATOR_INIT_OK)
        heap_counts_reset(&s->counts);
    return e;
}

static bool tlsf_extend(void *self, size_t more)
{
    struct tlsf_heap *s = self;
    return tlsf_core_extend(&s->core, more);
}

static size_t tlsf_free_tail(void *self)
{
    struct tlsf_heap *s = self;
    return tlsf_core_free_tail(&s->core);
}

static bool tlsf_shrink(void *self, size_t less)
{
    struct tlsf_heap *s = self;
    return tlsf_core_shrink(&s->core, less);
}

static void tlsf_stats(void *self, struct heap_stats *out)
{
    struct tlsf_heap *s = self;
    *out = (struct heap_stats){
        .region_size = s->core.region_end - s->core.region_start,
        .bytes_free = s->core.free_bytes,
        .largest_free_block = tlsf_core_largest(&s->core),
    };
    heap_counts_stats(&s->counts, out);
}

static void tlsf_check(void *self)
{
    struct tlsf_heap *s = self;
    struct tlsf_census n;
    tlsf_core_check(&s->core, "tlsf", &n);
    const struct heap_counts *c = &s->counts;
    if (n.marked != 0 || n.used != c->live || n.used_bytes < c->bytes_in_use)
        panic("tlsf: walk found %zu used blocks / %zu bytes, counters say %zu live / %zu in use",
              n.used, n.used_bytes, c->live, c->bytes_in_use);
    heap_counts_check(c, "tlsf");
}

const struct allocator_ops tlsf_ops = {
    .name = "tlsf",
    .alloc = tlsf_alloc,
    .dealloc = tlsf_dealloc,
    .realloc = tlsf_realloc,
    .init = tlsf_init,
    .extend = tlsf_extend,
    .free_tail = tlsf_free_tail,
    .shrink = tlsf_shrink,
    .stats = tlsf_stats,
    .check = tlsf_check,
};
