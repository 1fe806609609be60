/*
 * VEC(T): a growable array, the C counterpart of Rust's Vec<T>.
 *
 *     typedef VEC(uint64_t) u64_vec;          // name it to pass it around
 *     u64_vec v = VEC_INIT;
 *     for (uint64_t i = 0; i < 500; i++)
 *         vec_push(&v, i);                     // aborts on allocation failure
 *     if (!try_vec_push(&v, 7)) { ... }        // or reports it
 *     uint64_t first = vec_get(&v, 0);         // bounds-checked, an lvalue
 *     kprintf("vec at %p\n", (void *)vec_data(&v));
 *     vec_free(&v);
 *
 * The element type is checked by the compiler: every value goes through an
 * initialisation of a T (vec_push(&v, some_struct) into a VEC(int) does not
 * compile), and the out-pointer of vec_pop must be a T * (or NULL).
 *
 * The macros evaluate `v` once (its other mentions are inside sizeof/typeof)
 * and declare no variables, so they nest freely. Each VEC(T) spelling is a
 * distinct type: typedef it to share it between functions.
 *
 * Storage: `cap` elements allocated with layout_array(sizeof(T),
 * alignof(T), cap) and freed with exactly that layout; growth doubles
 * (amortised O(1) push) through krealloc_layout. An empty vector owns no
 * memory and vec_data() is NULL. Element addresses change when the vector
 * grows or shrinks.
 *
 * Failure: aborting forms panic through the kalloc error handler
 * ("allocation error: Layout { size: N, align: M }") or, if the byte size
 * overflows, with "capacity overflow". try_ forms return false and leave the
 * vector unchanged. Out-of-range indices panic with Rust's messages, e.g.
 * "index out of bounds: the len is 3 but the index is 5".
 *
 * T must not be a zero-size type (a GNU empty struct).
 */
#ifndef KEEL_ALLOC_VEC_H
#define KEEL_ALLOC_VEC_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>

/* The untyped vector every VEC(T) wraps. */
struct vec_raw {
    void *data; /* NULL iff cap == 0 */
    size_t len; /* elements in use, <= cap */
    size_t cap; /* elements allocated */
};

/* `ptr` only carries the element type for the macros; it takes no space
 * beyond the raw vector and is never read. */
#define VEC(T)                                                                                     \
    union {                                                                                        \
        struct vec_raw raw;                                                                        \
        T *ptr;                                                                                    \
    }
#define VEC_RAW_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }
#define VEC_INIT                                                                                   \
    {                                                                                              \
        .raw = VEC_RAW_INIT                                                                        \
    }

/* ---- typed interface (v is a pointer to a VEC(T)) ---- */

#define VEC_ELEM_T_(v)     __typeof__(*(v)->ptr)
#define VEC_ELEM_SIZE_(v)  sizeof(*(v)->ptr)
#define VEC_ELEM_ALIGN_(v) alignof(VEC_ELEM_T_(v))
/* A one-element temporary holding x converted to T: the type check. */
#define VEC_TMP_(v, x)     ((VEC_ELEM_T_(v)[1]){x})
/* A one-element scratch T for a removed element (GNU empty initialiser:
 * zeroes any T without a "braces around scalar" warning). */
#define VEC_SCRATCH_(v)    ((VEC_ELEM_T_(v)[1]){})
/* `out` unchanged, but only compiles if it is a T * or NULL. */
#define VEC_OUT_(v, out)   (1 ? (out) : (v)->ptr)

#define vec_len(v)      ((size_t)(v)->raw.len)
#define vec_capacity(v) ((size_t)(v)->raw.cap)
#define vec_is_empty(v) ((v)->raw.len == 0)
/* The element array (T *), NULL while nothing is allocated. */
#define vec_data(v)     ((__typeof__((v)->ptr))(v)->raw.data)

/* The element at i as an lvalue (read it or assign to it); panics if i >= len. */
#define vec_get(v, i) (*(__typeof__((v)->ptr))vec_raw_at(&(v)->raw, (i), VEC_ELEM_SIZE_(v)))
/* Pointer to the element at i; panics if i >= len. */
#define vec_at(v, i)  ((__typeof__((v)->ptr))vec_raw_at(&(v)->raw, (i), VEC_ELEM_SIZE_(v)))

/* Appends x. */
#define vec_push(v, x)                                                                             \
    vec_raw_push(&(v)->raw, VEC_TMP_(v, x), VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))
#define try_vec_push(v, x)                                                                         \
    try_vec_raw_push(&(v)->raw, VEC_TMP_(v, x), VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))

/* Removes the last element into *out (out may be NULL); false if empty. */
#define vec_pop(v, out) vec_raw_pop(&(v)->raw, VEC_OUT_(v, out), VEC_ELEM_SIZE_(v))

/* Inserts x at index i <= len, shifting the tail right. */
#define vec_insert(v, i, x)                                                                        \
    vec_raw_insert(&(v)->raw, (i), VEC_TMP_(v, x), VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))
#define try_vec_insert(v, i, x)                                                                    \
    try_vec_raw_insert(&(v)->raw, (i), VEC_TMP_(v, x), VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))

/* Removes and returns the element at i < len, shifting the tail left (O(n)). */
#define vec_remove(v, i)                                                                           \
    (*(__typeof__((v)->ptr))vec_raw_remove(&(v)->raw, (i), VEC_SCRATCH_(v), VEC_ELEM_SIZE_(v)))
/* Removes and returns the element at i < len, replacing it with the last (O(1)). */
#define vec_swap_remove(v, i)                                                                      \
    (*(__typeof__((v)->ptr))vec_raw_swap_remove(&(v)->raw, (i), VEC_SCRATCH_(v), VEC_ELEM_SIZE_(v)))

/* Room for at least `additional` more elements without reallocating. */
#define vec_reserve(v, additional)                                                                 \
    vec_raw_reserve(&(v)->raw, (additional), VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))
#define try_vec_reserve(v, additional)                                                             \
    try_vec_raw_reserve(&(v)->raw, (additional), VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))
/* Capacity down to len (frees the buffer when empty). */
#define vec_shrink_to_fit(v) vec_raw_shrink_to_fit(&(v)->raw, VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))
#define try_vec_shrink_to_fit(v)                                                                   \
    try_vec_raw_shrink_to_fit(&(v)->raw, VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))

/* Keeps the first min(len, n) elements; capacity unchanged. */
#define vec_truncate(v, n) vec_raw_truncate(&(v)->raw, (n))
#define vec_clear(v)       vec_raw_truncate(&(v)->raw, 0)
/* Frees the buffer; the vector is empty (VEC_INIT) and reusable afterwards.
 * The elements are not dropped: free what they own first. */
#define vec_free(v)        vec_raw_free(&(v)->raw, VEC_ELEM_SIZE_(v), VEC_ELEM_ALIGN_(v))

/* ---- untyped core (alloc/vec.c); elem_size > 0 ---- */

void *vec_raw_at(const struct vec_raw *v, size_t i, size_t elem_size);
void vec_raw_push(struct vec_raw *v, const void *elem, size_t elem_size, size_t elem_align);
bool try_vec_raw_push(struct vec_raw *v, const void *elem, size_t elem_size, size_t elem_align);
bool vec_raw_pop(struct vec_raw *v, void *out, size_t elem_size);
void vec_raw_insert(struct vec_raw *v, size_t i, const void *elem, size_t elem_size,
                    size_t elem_align);
bool try_vec_raw_insert(struct vec_raw *v, size_t i, const void *elem, size_t elem_size,
                        size_t elem_align);
/* Both copy the removed element to `out` and return `out`. */
void *vec_raw_remove(struct vec_raw *v, size_t i, void *out, size_t elem_size);
void *vec_raw_swap_remove(struct vec_raw *v, size_t i, void *out, size_t elem_size);
void vec_raw_reserve(struct vec_raw *v, size_t additional, size_t elem_size, size_t elem_align);
bool try_vec_raw_reserve(struct vec_raw *v, size_t additional, size_t elem_size, size_t elem_align);
void vec_raw_shrink_to_fit(struct vec_raw *v, size_t elem_size, size_t elem_align);
bool try_vec_raw_shrink_to_fit(struct vec_raw *v, size_t elem_size, size_t elem_align);
void vec_raw_truncate(struct vec_raw *v, size_t n);
void vec_raw_free(struct vec_raw *v, size_t elem_size, size_t elem_align);

#endif
