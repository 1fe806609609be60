/*
 * refcount: the one implementation behind rc.h and arc.h.
 *
 * Both keep a header right before the value (prefix_block.h): the strong
 * count, the destructor and the value's layout. Everything but the count's
 * arithmetic is the same for both, and lives here; the caller says how the
 * count is kept (plain integer for Rc, atomic for Arc) through a
 * refcount_ops table. Only rc.c and arc.c include this header.
 */
#ifndef KEEL_ALLOC_REFCOUNT_H
#define KEEL_ALLOC_REFCOUNT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "mm/heap/layout.h"

/* The strong count: `plain` for Rc, `atomic` for Arc (same size). */
union refcount {
    size_t plain;
    atomic_size_t atomic;
};

/* How one kind of handle keeps its count. */
struct refcount_ops {
    const char *new_name;                        /* in panic messages: "rc_new" */
    void (*init)(union refcount *count);         /* sets the count to 1 */
    void (*acquire)(union refcount *count);      /* +1; panics at 0 or on overflow */
    bool (*release)(union refcount *count);      /* -1; true when it reached 0 */
    size_t (*load)(const union refcount *count); /* the current count */
};

typedef void (*refcount_dtor_fn)(void *value);

/* A new block, count 1, holding an uninitialised value of `layout` (a copy
 * of copy[0 .. layout.size) when `copy` is not NULL); the value's
 * address. Without `try_` exhaustion panics through the kalloc error handler;
 * with it, returns NULL. */
void *refcount_new(const struct refcount_ops *ops, struct layout layout, refcount_dtor_fn dtor,
                   const void *copy, bool try_);
/* Another handle to value (count + 1); returns value. */
void *refcount_clone(const struct refcount_ops *ops, const void *value);
size_t refcount_strong_count(const struct refcount_ops *ops, const void *value);
/* Gives up one handle (nothing if value is NULL); the last one runs the
 * destructor and frees the block. */
void refcount_drop(const struct refcount_ops *ops, void *value);

/* Defines a handle type's ops table from its four count operations, and its
 * public functions on that table: <p>_new, try_<p>_new, <p>_new_copy,
 * try_<p>_new_copy, <p>_clone, <p>_strong_count and <p>_drop, as rc.h and
 * arc.h declare them (with <p>_dtor_fn). */
#define REFCOUNT_DEFINE_API(p, init_fn, acquire_fn, release_fn, load_fn)                           \
    static const struct refcount_ops p##_ops = {                                                   \
        .new_name = #p "_new",                                                                     \
        .init = init_fn,                                                                           \
        .acquire = acquire_fn,                                                                     \
        .release = release_fn,                                                                     \
        .load = load_fn,                                                                           \
    };                                                                                             \
    void *p##_new(struct layout layout, p##_dtor_fn dtor)                                          \
    {                                                                                              \
        return refcount_new(&p##_ops, layout, dtor, NULL, false);                                  \
    }                                                                                              \
    void *try_##p##_new(struct layout layout, p##_dtor_fn dtor)                                    \
    {                                                                                              \
        return refcount_new(&p##_ops, layout, dtor, NULL, true);                                   \
    }                                                                                              \
    void *p##_new_copy(struct layout layout, p##_dtor_fn dtor, const void *value)                  \
    {                                                                                              \
        return refcount_new(&p##_ops, layout, dtor, value, false);                                 \
    }                                                                                              \
    void *try_##p##_new_copy(struct layout layout, p##_dtor_fn dtor, const void *value)            \
    {                                                                                              \
        return refcount_new(&p##_ops, layout, dtor, value, true);                                  \
    }                                                                                              \
    void *p##_clone(const void *value)                                                             \
    {                                                                                              \
        return refcount_clone(&p##_ops, value);                                                    \
    }                                                                                              \
    size_t p##_strong_count(const void *value)                                                     \
    {                                                                                              \
        return refcount_strong_count(&p##_ops, value);                                             \
    }                                                                                              \
    void p##_drop(void *value)                                                                     \
    {                                                                                              \
        refcount_drop(&p##_ops, value);                                                            \
    }

#endif
