/* The allocator vtable's dispatch and the GlobalAlloc default bodies. */
#include "mm/heap/allocator.h"

#include "lib/kstring.h"

void *allocator_alloc(const struct allocator *a, struct layout layout)
{
    return a->ops->alloc(a->self, layout);
}

void allocator_dealloc(const struct allocator *a, void *ptr, struct layout layout)
{
    a->ops->dealloc(a->self, ptr, layout);
}

void *allocator_alloc_zeroed(const struct allocator *a, struct layout layout)
{
    if (a->ops->alloc_zeroed != NULL)
        return a->ops->alloc_zeroed(a->self, layout);
    return allocator_default_alloc_zeroed(a, layout);
}

void *allocator_realloc(const struct allocator *a, void *ptr, struct layout layout, size_t new_size)
{
    if (a->ops->realloc != NULL)
        return a->ops->realloc(a->self, ptr, layout, new_size);
    return allocator_default_realloc(a, ptr, layout, new_size);
}

/* alloc, then zero the whole requested size. NULL if alloc fails. */
void *allocator_default_alloc_zeroed(const struct allocator *a, struct layout layout)
{
    void *p = allocator_alloc(a, layout);
    if (p != NULL)
        memset(p, 0, layout.size);
    return p;
}

/* alloc (new_size, layout.align), copy min(old, new) bytes, free the old
 * block. On failure returns NULL and the old block stays live and intact. */
void *allocator_default_realloc(const struct allocator *a, void *ptr, struct layout layout,
                                size_t new_size)
{
    struct layout new_layout = {.size = new_size, .align = layout.align};
    void *p = allocator_alloc(a, new_layout);
    if (p == NULL)
        return NULL;
    memcpy(p, ptr, layout.size < new_size ? layout.size : new_size);
    allocator_dealloc(a, ptr, layout);
    return p;
}
