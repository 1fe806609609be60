/* Arc: atomic reference counting (see arc.h). */
#include "alloc/arc.h"

#include <stdatomic.h>
#include <stdint.h>

#include "alloc/prefix_block.h"
#include "lib/kstring.h"
#include "lib/panic.h"

struct arc_header {
    atomic_size_t strong;
    arc_dtor_fn dtor;
    struct layout value_layout;
};

static struct arc_header *header_of(const void *value)
{
    return (struct arc_header *)value - 1;
}

/* A new block holding a header with count 1 before a value of `layout`;
 * the value's address, or NULL (only with `try_`). */
static void *new_value(struct layout layout, arc_dtor_fn dtor, bool try_)
{
    void *v = prefix_block_alloc(sizeof(struct arc_header), alignof(struct arc_header), layout,
                                 try_, "arc_new");
    if (v != NULL) {
        struct arc_header *h = header_of(v);
        atomic_init(&h->strong, 1);
        h->dtor = dtor;
        h->value_layout = layout;
    }
    return v;
}

void *arc_new(struct layout layout, arc_dtor_fn dtor)
{
    return new_value(layout, dtor, false);
}

void *try_arc_new(struct layout layout, arc_dtor_fn dtor)
{
    return new_value(layout, dtor, true);
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
    prefix_block_free(value, sizeof(struct arc_header), alignof(struct arc_header),
                      h->value_layout);
}
