/* Rc: single-CPU reference counting (see rc.h). */
#include "lib/rc.h"

#include <stdint.h>

#include "lib/kstring.h"
#include "lib/panic.h"
#include "lib/prefix_block.h"
#include "mm/heap/kalloc.h"

struct rc_header {
    size_t strong;
    rc_dtor_fn dtor;
    struct layout value_layout;
};

static struct rc_header *header_of(const void *value)
{
    return (struct rc_header *)value - 1;
}

/* The layout of an Rc block for a value of `value`, or a panic/false. */
static bool block_layout(struct layout value, struct prefix_layout *out)
{
    return prefix_layout(sizeof(struct rc_header), alignof(struct rc_header), value, out);
}

static void *init_block(char *block, struct prefix_layout pl, struct layout value, rc_dtor_fn dtor)
{
    if (block == NULL)
        return NULL;
    void *v = block + pl.value_offset;
    *header_of(v) = (struct rc_header){.strong = 1, .dtor = dtor, .value_layout = value};
    return v;
}

void *rc_new(struct layout layout, rc_dtor_fn dtor)
{
    struct prefix_layout pl;
    if (!block_layout(layout, &pl))
        panic("rc_new: value layout too large (size %zu, align %zu)", layout.size, layout.align);
    return init_block(kalloc(pl.block), pl, layout, dtor);
}

void *try_rc_new(struct layout layout, rc_dtor_fn dtor)
{
    struct prefix_layout pl;
    if (!block_layout(layout, &pl))
        return NULL;
    return init_block(try_kalloc(pl.block), pl, layout, dtor);
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
    struct prefix_layout pl;
    KASSERT(block_layout(h->value_layout, &pl));
    kdealloc((char *)value - pl.value_offset, pl.block);
}
