/*
 * Box: one heap value of a C type, the C counterpart of Rust's Box<T>.
 *
 *     uint64_t *heap_value = KBOX_NEW(uint64_t, 41);
 *     struct point *p = KBOX_NEW(struct point, {.x = 1, .y = 2});
 *     struct point *q = KBOX_TRY_NEW(struct point, *p);   // NULL if out of memory
 *     KBOX_DROP(heap_value);
 *
 * The value is anything that initialises a `type`: an expression or a braced
 * initialiser list. The block is allocated with LAYOUT_OF(type) and
 * KBOX_DROP frees it with LAYOUT_OF the pointee, so the pointer handed to
 * KBOX_DROP must have the type the box was created with (not void *).
 *
 * KBOX_NEW never returns NULL: on failure the kalloc error handler panics
 * with "allocation error: Layout { size: N, align: M }". KBOX_TRY_NEW returns
 * NULL instead (the value expression is evaluated either way).
 */
#ifndef KEEL_ALLOC_BOX_H
#define KEEL_ALLOC_BOX_H

#include <stddef.h>

#include "lib/kstring.h"
#include "mm/heap/kalloc.h"

#define KBOX_NEW(type, ...)                                                                        \
    ((type *)kbox_init_(kalloc(LAYOUT_OF(type)), (type[1]){__VA_ARGS__}, sizeof(type)))
#define KBOX_TRY_NEW(type, ...)                                                                    \
    ((type *)kbox_init_(try_kalloc(LAYOUT_OF(type)), (type[1]){__VA_ARGS__}, sizeof(type)))

/* Frees the box (nothing if ptr is NULL). Evaluates ptr once. */
#define KBOX_DROP(ptr) kbox_drop_((ptr), LAYOUT_OF(__typeof__(*(ptr))))

/* Copies the initial value into a fresh block; passes NULL through. */
static inline void *kbox_init_(void *block, const void *value, size_t size)
{
    if (block != NULL)
        memcpy(block, value, size);
    return block;
}

static inline void kbox_drop_(void *ptr, struct layout layout)
{
    if (ptr != NULL)
        kdealloc(ptr, layout);
}

#endif
