/* Rc: single-CPU reference counting (see rc.h). */
#include "alloc/rc.h"

#include <stdint.h>

#include "alloc/prefix_block.h"
#include "lib/kstring.h"
#include "lib/panic.h"

struct rc_header {
    size_t strong;
    rc_dtor_fn dtor;
    struct layout value_layout;
};

static struct rc_header *header_of(const void *value)
{
    return (struct rc_header *)value - 1;
}

/* A new block holding a header with count 1 before a value of `layout`;
 * the value's address, or NULL (only with `try_`). */
static void *new_value(struct layout layout, rc_dtor_fn dtor, bool try_)
{
    void *v = prefix_block_alloc(sizeof(struct rc_header), alignof(struct rc_header), layout, try_,
                                 "rc_new");
    if (v != NULL)
        *header_of(v) = (struct rc_header){.strong = 1, .dtor = dtor, .value_layout = layout};
    return v;
}

void *rc_new(struct layout layout, rc_dtor_fn dtor)
{
    return new_value(layout, dtor, false);
}

void *try_rc_new(struct layout layout, rc_dtor_fn dtor)
{
    return new_value(layout, dtor, true);
}

void *rc_new_copy(struct layout layout, rc_dtor_fn dtor, const void *value)
{
    void *v = rc_new(layout, dtor);
    memcpy(v, value, layout.size);
    return v;
}

void *try_rc_new_copy(struct layout layout, rc_dtor_fn dtor, const void *value)
{
    void *v = try_rc_new(layout, dtor);
    if (v != NULL)
        memcpy(v, value, layout.size);
    return v;
}

void *rc_clone(const void *value)
{
    struct rc_header *h = header_of(value);
    KASSERT(h->strong != 0);
    if (h->strong == SIZE_MAX)
        panic("rc_clone: reference count overflow");
    h->strong++;
    return (void *)value;
}

size_t rc_strong_count(const void *value)
{
    return header_of(value)->strong;
}

void rc_drop(void *value)
{
    if (value == NULL)
        return;
    struct rc_header *h = header_of(value);
    KASSERT(h->strong != 0);
    if (--h->strong != 0)
        return;
    if (h->dtor != NULL)
        h->dtor(value);
    prefix_block_free(value, sizeof(struct rc_header), alignof(struct rc_header), h->value_layout);
}
