/*
 * Arc: an atomically reference-counted heap value, the C counterpart of
 * Rust's Arc<T>. Handles may be cloned and dropped on any CPU and in
 * interrupt handlers concurrently; the value itself gets no locking (put a
 * spinlock inside it if it is mutated).
 *
 *     struct dev *d = ARC_NEW_DTOR(struct dev, dev_release, {.id = 3});
 *     struct dev *other = arc_clone(d);     // another CPU's handle
 *     arc_drop(d);
 *     arc_drop(other);                      // runs dev_release once, frees
 *
 * Layout and contracts as rc.h: the handle points at the value, the header
 * (atomic strong count, destructor, value layout) sits right before it. The
 * decrement is acq_rel, so everything any CPU did to the value before its
 * arc_drop happens-before the destructor, which runs exactly once.
 */
#ifndef KEEL_ALLOC_ARC_H
#define KEEL_ALLOC_ARC_H

#include <stdalign.h>
#include <stddef.h>

#include "mm/heap/layout.h"

typedef void (*arc_dtor_fn)(void *value);

/* A new Arc with strong count 1 holding an uninitialised value of `layout`. */
void *arc_new(struct layout layout, arc_dtor_fn dtor);
void *try_arc_new(struct layout layout, arc_dtor_fn dtor);
/* A new Arc holding a copy of value[0 .. layout.size). */
void *arc_new_copy(struct layout layout, arc_dtor_fn dtor, const void *value);
void *try_arc_new_copy(struct layout layout, arc_dtor_fn dtor, const void *value);

#define ARC_NEW(type, ...) ARC_NEW_DTOR(type, NULL, __VA_ARGS__)
#define ARC_NEW_DTOR(type, dtor, ...)                                                              \
    ((type *)arc_new_copy(LAYOUT_OF(type), (dtor), (type[1]){__VA_ARGS__}))
#define TRY_ARC_NEW(type, ...) TRY_ARC_NEW_DTOR(type, NULL, __VA_ARGS__)
#define TRY_ARC_NEW_DTOR(type, dtor, ...)                                                          \
    ((type *)try_arc_new_copy(LAYOUT_OF(type), (dtor), (type[1]){__VA_ARGS__}))

/* Another handle: increments the count (panics past SIZE_MAX / 2, like
 * Rust's abort on overflow); returns value. */
void *arc_clone(const void *value);
/* The number of live handles at the moment of the call (may be stale by the
 * time it is used if other CPUs hold handles). */
size_t arc_strong_count(const void *value);
/* Gives up one handle (nothing if value is NULL); the last one runs the
 * destructor and frees the block. */
void arc_drop(void *value);

#endif
