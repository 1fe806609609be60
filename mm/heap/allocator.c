/* The GlobalAlloc default bodies (the dispatchers are inline in allocator.h). */
#include "mm/heap/allocator.h"

#include "lib/kstring.h"

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
