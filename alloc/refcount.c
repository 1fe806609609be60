/* refcount: the shared core of Rc and Arc (see refcount.h). */
#include "alloc/refcount.h"

#include <stdalign.h>

#include "alloc/prefix_block.h"
#include "lib/kstring.h"

struct refcount_header {
    union refcount strong;
    refcount_dtor_fn dtor;
    struct layout value_layout;
};

static struct refcount_header *header_of(const void *value)
{
    return (struct refcount_header *)value - 1;
}

void *refcount_new(const struct refcount_ops *ops, struct layout layout, refcount_dtor_fn dtor,
                   const void *copy, bool try_)
{
    void *v = prefix_block_alloc(sizeof(struct refcount_header), alignof(struct refcount_header),
                                 layout, try_, ops->new_name);
    if (v == NULL)
        return NULL;
    struct refcount_header *h = header_of(v);
    ops->init(&h->strong);
    h->dtor = dtor;
    h->value_layout = layout;
    if (copy != NULL)
        memcpy(v, copy, layout.size);
    return v;
}

void *refcount_clone(const struct refcount_ops *ops, const void *value)
{
    ops->acquire(&header_of(value)->strong);
    return (void *)value;
}

size_t refcount_strong_count(const struct refcount_ops *ops, const void *value)
{
    return ops->load(&header_of(value)->strong);
}

void refcount_drop(const struct refcount_ops *ops, void *value)
{
    if (value == NULL)
        return;
    struct refcount_header *h = header_of(value);
    if (!ops->release(&h->strong))
        return;
    if (h->dtor != NULL)
        h->dtor(value);
    prefix_block_free(value, sizeof(struct refcount_header), alignof(struct refcount_header),
                      h->value_layout);
}
