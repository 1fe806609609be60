/*
 * Rc: a reference-counted heap value for one CPU, the C counterpart of
 * Rust's Rc<T>. The counts are plain integers: share an Rc only where
 * nothing else can touch it concurrently (use arc.h otherwise).
 *
 *     typedef VEC(int) int_vec;
 *     static void drop_int_vec(void *v) { vec_free((int_vec *)v); }
 *
 *     int_vec *a = RC_NEW_DTOR(int_vec, drop_int_vec, VEC_INIT);
 *     int_vec *b = rc_clone(a);
 *     kprintf("current reference count is %zu\n", rc_strong_count(b));  // 2
 *     rc_drop(a);
 *     kprintf("reference count is %zu now\n", rc_strong_count(b));      // 1
 *     rc_drop(b);   // runs drop_int_vec, then frees the block
 *
 * The handle is a pointer to the value itself; the strong count, the
 * destructor and the value's layout live in a header right before it
 * (prefix_block.h). The destructor (optional) runs exactly once, when the
 * last handle is dropped, before the block is freed; it must release what
 * the value owns, not the value itself.
 *
 * Failure: rc_new/RC_NEW panic through the kalloc error handler; the try_
 * forms return NULL. Only pointers returned by this API may be passed to
 * rc_clone/rc_drop/rc_strong_count.
 */
#ifndef KEEL_ALLOC_RC_H
#define KEEL_ALLOC_RC_H

#include <stdalign.h>
#include <stddef.h>

#include "mm/heap/layout.h"

typedef void (*rc_dtor_fn)(void *value);

/* A new Rc with strong count 1 holding an uninitialised value of `layout`;
 * returns the value's address. dtor may be NULL. */
void *rc_new(struct layout layout, rc_dtor_fn dtor);
void *try_rc_new(struct layout layout, rc_dtor_fn dtor);

/* A new Rc holding a copy of value[0 .. layout.size). */
void *rc_new_copy(struct layout layout, rc_dtor_fn dtor, const void *value);
void *try_rc_new_copy(struct layout layout, rc_dtor_fn dtor, const void *value);

/* Typed forms: the value is an expression or a braced initialiser. */
#define RC_NEW(type, ...) RC_NEW_DTOR(type, NULL, __VA_ARGS__)
#define RC_NEW_DTOR(type, dtor, ...)                                                               \
    ((type *)rc_new_copy(LAYOUT_OF(type), (dtor), (type[1]){__VA_ARGS__}))
#define TRY_RC_NEW(type, ...) TRY_RC_NEW_DTOR(type, NULL, __VA_ARGS__)
#define TRY_RC_NEW_DTOR(type, dtor, ...)                                                           \
    ((type *)try_rc_new_copy(LAYOUT_OF(type), (dtor), (type[1]){__VA_ARGS__}))

/* Another handle to the same value: increments the count, returns value. */
void *rc_clone(const void *value);
/* The number of live handles. */
size_t rc_strong_count(const void *value);
/* Gives up one handle (nothing if value is NULL); the last one runs the
 * destructor and frees the block. */
void rc_drop(void *value);

#endif
