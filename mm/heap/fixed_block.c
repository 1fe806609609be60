/* fixed_block: size-class free lists refilled from a linked_list (see
 * fixed_block.h). */
#include "mm/heap/fixed_block.h"

#include <stdint.h>

#include "lib/panic.h"

typedef struct fixed_block_free free_t;

/* The class of a layout, or -1 for the fallback. */
static int fb_class(struct layout layout)
{
    size_t need = layout.size > layout.align ? layout.size : layout.align;
    if (need > ((size_t)1 << FIXED_BLOCK_MAX_SHIFT))
        return -1;
    if (need <= ((size_t)1 << FIXED_BLOCK_MIN_SHIFT))
        return 0;
    int shift = 64 - __builtin_clzll((unsigned long long)need - 1); /* ceil(log2(need)) */
    return shift - FIXED_BLOCK_MIN_SHIFT;
}

static struct layout fb_class_layout(int k)
{
    size_t size = (size_t)1 << (k + FIXED_BLOCK_MIN_SHIFT);
    return (struct layout){.size = size, .align = size};
}

static void *fallback_alloc(struct fixed_block_heap *s, struct layout layout)
{
    return linked_list_ops.alloc(&s->fallback, layout);
}

static void fallback_dealloc(struct fixed_block_heap *s, void *p, struct layout layout)
{
    linked_list_ops.dealloc(&s->fallback, p, layout);
}

/* Gives every cached class block back to the fallback, where it coalesces
 * with its neighbours. */
static void fb_reclaim(struct fixed_block_heap *s)
{
    for (int k = 0; k < FIXED_BLOCK_CLASSES; k++) {
        while (s->lists[k] != NULL) {
            free_t *b = s->lists[k];
            s->lists[k] = b->next;
            fallback_dealloc(s, b, fb_class_layout(k));
        }
        s->owned[k] -= s->cached[k];
        s->cached[k] = 0;
    }
}

/* A fallback allocation that first empties the class caches if the
 * fallback is out of memory. */
static void *fallback_alloc_reclaiming(struct fixed_block_heap *s, struct layout layout)
{
    void *p = fallback_alloc(s, layout);
    if (p == NULL) {
        fb_reclaim(s);
        p = fallback_alloc(s, layout);
    }
    return p;
}

/* Pops a block of class k, taking a new one from the fallback when the list
 * is empty. NULL when the fallback has none either. */
static void *fb_class_alloc(struct fixed_block_heap *s, int k)
{
    free_t *b = s->lists[k];
    if (b != NULL) {
        s->lists[k] = b->next;
        s->cached[k]--;
        return b;
    }
    b = fallback_alloc_reclaiming(s, fb_class_layout(k));
    if (b != NULL)
        s->owned[k]++;
    return b;
}

static void *fb_alloc(void *self, struct layout layout)
{
    struct fixed_block_heap *s = self;
    int k = fb_class(layout);
    void *p;
    if (k >= 0) {
        p = fb_class_alloc(s, k);
    } else {
        p = fallback_alloc_reclaiming(s, layout);
        if (p != NULL) {
            s->large_live++;
            s->large_bytes += layout.size;
        }
    }
    if (p != NULL)
        heap_counts_alloc(&s->counts, layout.size);
    return p;
}

static void fb_dealloc(void *self, void *ptr, struct layout layout)
{
    struct fixed_block_heap *s = self;
    int k = fb_class(layout);
    if (!heap_counts_can_free(&s->counts, layout.size))
        panic("fixed_block: dealloc of %p with no matching live allocation", ptr);
    if (k >= 0) {
        uintptr_t p = (uintptr_t)ptr;
        if (p % fb_class_layout(k).size != 0 || p < s->fallback.heap_start ||
            p >= s->fallback.heap_end || s->owned[k] == s->cached[k])
            panic("fixed_block: dealloc of %p, not a live %zu-byte class block", ptr,
                  fb_class_layout(k).size);
        free_t *b = ptr;
        b->next = s->lists[k];
        s->lists[k] = b;
        s->cached[k]++;
    } else {
        if (s->large_live == 0)
            panic("fixed_block: dealloc of %p with no live large block", ptr);
        fallback_dealloc(s, ptr, layout);
        s->large_live--;
        s->large_bytes -= layout.size;
    }
    heap_counts_free(&s->counts, layout.size);
    if (s->counts.live == 0)
        fb_reclaim(s); /* everything is free: hand the whole region back */
}

/* Stays in place while the new size maps to the same class; otherwise the
 * default alloc + copy + dealloc. */
static void *fb_realloc(void *self, void *ptr, struct layout layout, size_t new_size)
{
    struct fixed_block_heap *s = self;
    struct layout new_layout = {.size = new_size, .align = layout.align};
    int k = fb_class(layout);
    if (k >= 0 && k == fb_class(new_layout)) {
        heap_counts_resize(&s->counts, layout.size, new_size);
        return ptr;
    }
    return allocator_default_realloc(&(struct allocator){&fixed_block_ops, s}, ptr, layout,
                                     new_size);
}

static enum allocator_init_error fb_init(void *self, void *start, size_t size)
{
    struct fixed_block_heap *s = self;
    *s = (struct fixed_block_heap){0};
    return linked_list_ops.init(&s->fallback, start, size);
}

static bool fb_extend(void *self, size_t more)
{
    struct fixed_block_heap *s = self;
    return linked_list_ops.extend(&s->fallback, more);
}

/* bytes_free counts cached class blocks as free; largest_free_block is what
 * one alloc can get without reclaiming the caches. */
static void fb_stats(void *self, struct heap_stats *out)
{
    struct fixed_block_heap *s = self;
    linked_list_ops.stats(&s->fallback, out);
    heap_counts_stats(&s->counts, out);
    for (int k = 0; k < FIXED_BLOCK_CLASSES; k++) {
        size_t size = fb_class_layout(k).size;
        out->bytes_free += s->cached[k] * size;
        if (s->cached[k] != 0 && size > out->largest_free_block)
            out->largest_free_block = size;
    }
}

/* Walks one class list: `cached` nodes, each a class-aligned block inside
 * the fallback's heap. Stops at the count so a cycle cannot hang it. */
static void fb_check_class(const struct fixed_block_heap *s, int k)
{
    size_t size = fb_class_layout(k).size, n = 0;
    for (const free_t *b = s->lists[k]; b != NULL; b = b->next) {
        uintptr_t p = (uintptr_t)b;
        if (++n > s->cached[k])
            panic("fixed_block: class %zu list longer than its count %zu (cycle?)", size,
                  s->cached[k]);
        if (p % size != 0 || p < s->fallback.heap_start || p >= s->fallback.heap_end)
            panic("fixed_block: class %zu free block %p misaligned or outside the heap", size,
                  (const void *)b);
    }
    if (n != s->cached[k] || s->cached[k] > s->owned[k])
        panic("fixed_block: class %zu list has %zu blocks, count says %zu of %zu", size, n,
              s->cached[k], s->owned[k]);
}

/* The lists, then the books: what the fallback has handed out must be
 * exactly the class blocks plus the large blocks. */
static void fb_check(void *self)
{
    struct fixed_block_heap *s = self;
    size_t fb_live = s->large_live, fb_bytes = s->large_bytes, live = s->large_live;
    linked_list_ops.check(&s->fallback);
    for (int k = 0; k < FIXED_BLOCK_CLASSES; k++) {
        fb_check_class(s, k);
        fb_live += s->owned[k];
        fb_bytes += s->owned[k] * fb_class_layout(k).size;
        live += s->owned[k] - s->cached[k];
    }
    const struct heap_counts *c = &s->counts, *fb = &s->fallback.counts;
    if (fb_live != fb->live || fb_bytes != fb->bytes_in_use)
        panic("fixed_block: fallback has %zu blocks / %zu bytes out, classes account for %zu / %zu",
              fb->live, fb->bytes_in_use, fb_live, fb_bytes);
    if (live != c->live || c->bytes_in_use < s->large_bytes)
        panic("fixed_block: counters disagree: %zu live counted, %zu recorded", live, c->live);
    if (c->live == 0 && fb->live != 0)
        panic("fixed_block: no live allocation but %zu fallback blocks out", fb->live);
    heap_counts_check(c, "fixed_block");
}

const struct allocator_ops fixed_block_ops = {
    .name = "fixed_block",
    .alloc = fb_alloc,
    .dealloc = fb_dealloc,
    .realloc = fb_realloc,
    .init = fb_init,
    .extend = fb_extend,
    .stats = fb_stats,
    .check = fb_check,
};
