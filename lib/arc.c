/* Arc: atomic reference counting (see arc.h). */
#include "lib/arc.h"

#include <stdatomic.h>
#include <stdint.h>

#include "lib/kstring.h"
#include "lib/panic.h"
#include "lib/prefix_block.h"
#include "mm/heap/kalloc.h"

struct arc_header {
    atomic_size_t strong;
    arc_dtor_fn dtor;
    struct layout value_layout;
};

static struct arc_header *header_of(const void *value)
{
    return (struct arc_header *)value - 1;
}

static bool block_layout(struct layout value, struct prefix_layout *out)
{
    return prefix_layout(sizeof(struct arc_header), alignof(struct arc_header), value, out);
}

static void *init_block(char *block, struct prefix_layout pl, struct layout value, arc_dtor_fn dtor)
{
    if (block == NULL)
        return NULL;
    void *v = block + pl.value_offset;
    struct arc_header *h = header_of(v);
    atomic_init(&h->strong, 1);
    h->dtor = dtor;
    h->value_layout = value;
    return v;
}

void *arc_new(struct layout layout, arc_dtor_fn dtor)
{
    struct prefix_layout pl;
    if (!block_layout(layout, &pl))
        panic("arc_new: value layout too large (size %zu, align %zu)", layout.size, layout.align);
    return init_block(kalloc(pl.block), pl, layout, dtor);
}

void *try_arc_new(struct layout layout, arc_dtor_fn dtor)
{
    struct prefix_layout pl;
    if (!block_layout(layout, &pl))
        return NULL;
    return init_block(try_kalloc(pl.block), pl, layout, dtor);
}

void *arc_new_copy(struct layout layout, arc_dtor_fn dtor, const void *value)
{
    void *v = arc_new(layout, dtor);
    memcpy(v, value, layout.size);
    return v;
}

void *try_arc_new_copy(struct layout layout, arc_dtor_fn dtor, const void *value)
{
    void *v = try_arc_new(layout, dtor);
    if (v != NULL)
        memcpy(v, value, layout.size);
    return v;
}

/* A new handle is made from an existing one, which keeps the value alive:
 * no ordering is needed (Rust's Arc::clone uses Relaxed too). */
void *arc_clone(const void *value)
{
    size_t old = atomic_fetch_add_explicit(&header_of(value)->strong, 1, memory_order_relaxed);
    if (old == 0 || old > SIZE_MAX / 2)
        panic("arc_clone: reference count %s", old == 0 ? "was zero" : "overflow");
    return (void *)value;
}

size_t arc_strong_count(const void *value)
{
    return atomic_load_explicit(&header_of(value)->strong, memory_order_acquire);
}

void arc_drop(void *value)
{
    if (value == NULL)
        return;
    struct arc_header *h = header_of(value);
    size_t old = atomic_fetch_sub_explicit(&h->strong, 1, memory_order_acq_rel);
    KASSERT(old != 0);
    if (old != 1)
        return;
    if (h->dtor != NULL)
        h->dtor(value);
    struct prefix_layout pl;
    KASSERT(block_layout(h->value_layout, &pl));
    kdealloc((char *)value - pl.value_offset, pl.block);
}
