/*
 * DEQUE(T): a double-ended queue in a growable ring buffer, the C
 * counterpart of Rust's VecDeque<T>.
 *
 *     typedef DEQUE(int) int_deque;
 *     int_deque q = DEQUE_INIT;
 *     deque_push_back(&q, 1);
 *     deque_push_front(&q, 0);
 *     int x;
 *     while (deque_pop_front(&q, &x)) ...
 *     deque_free(&q);
 *
 * Logical index i lives at buf[(head + i) % cap]. Growth reallocates the
 * buffer (layout_array of cap elements, doubling) and then moves the shorter
 * part of a wrapped ring so that the elements stay in order. Pushes and pops
 * at both ends are amortised O(1); deque_get is O(1) and bounds-checked
 * ("index out of bounds: the len is L but the index is I").
 *
 * Typed macros as in vec.h: values are type-checked, `q` is evaluated once,
 * no variables are declared. Aborting forms panic through the kalloc error
 * handler; try_ forms return false and leave the deque unchanged.
 */
#ifndef KEEL_ALLOC_DEQUE_H
#define KEEL_ALLOC_DEQUE_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>

struct deque_raw {
    void *buf;   /* NULL iff cap == 0 */
    size_t cap;  /* elements allocated */
    size_t head; /* physical index of logical element 0; < cap when cap > 0 */
    size_t len;  /* elements in use, <= cap */
};

#define DEQUE(T)                                                                                   \
    union {                                                                                        \
        struct deque_raw raw;                                                                      \
        T *ptr; /* element type carrier, never read */                                             \
    }
#define DEQUE_RAW_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }
#define DEQUE_INIT                                                                                 \
    {                                                                                              \
        .raw = DEQUE_RAW_INIT                                                                      \
    }

#define DEQUE_ELEM_T_(q)     __typeof__(*(q)->ptr)
#define DEQUE_ELEM_SIZE_(q)  sizeof(*(q)->ptr)
#define DEQUE_ELEM_ALIGN_(q) alignof(DEQUE_ELEM_T_(q))
#define DEQUE_TMP_(q, x)     ((DEQUE_ELEM_T_(q)[1]){x})
#define DEQUE_OUT_(q, out)   (1 ? (out) : (q)->ptr)
#define DEQUE_PTR_T_(q)      __typeof__((q)->ptr)

#define deque_len(q)      ((size_t)(q)->raw.len)
#define deque_capacity(q) ((size_t)(q)->raw.cap)
#define deque_is_empty(q) ((q)->raw.len == 0)

/* Logical element i as an lvalue; panics if i >= len. */
#define deque_get(q, i) (*(DEQUE_PTR_T_(q))deque_raw_at(&(q)->raw, (i), DEQUE_ELEM_SIZE_(q)))
/* Pointer to the first/last element (T *), NULL if empty. */
#define deque_front(q)  ((DEQUE_PTR_T_(q))deque_raw_front(&(q)->raw, DEQUE_ELEM_SIZE_(q)))
#define deque_back(q)   ((DEQUE_PTR_T_(q))deque_raw_back(&(q)->raw, DEQUE_ELEM_SIZE_(q)))

#define deque_push_back(q, x)                                                                      \
    deque_raw_push_back(&(q)->raw, DEQUE_TMP_(q, x), DEQUE_ELEM_SIZE_(q), DEQUE_ELEM_ALIGN_(q))
#define try_deque_push_back(q, x)                                                                  \
    try_deque_raw_push_back(&(q)->raw, DEQUE_TMP_(q, x), DEQUE_ELEM_SIZE_(q), DEQUE_ELEM_ALIGN_(q))
#define deque_push_front(q, x)                                                                     \
    deque_raw_push_front(&(q)->raw, DEQUE_TMP_(q, x), DEQUE_ELEM_SIZE_(q), DEQUE_ELEM_ALIGN_(q))
#define try_deque_push_front(q, x)                                                                 \
    try_deque_raw_push_front(&(q)->raw, DEQUE_TMP_(q, x), DEQUE_ELEM_SIZE_(q), DEQUE_ELEM_ALIGN_(q))

/* Remove the first/last element into *out (out may be NULL); false if empty. */
#define deque_pop_front(q, out)                                                                    \
    deque_raw_pop_front(&(q)->raw, DEQUE_OUT_(q, out), DEQUE_ELEM_SIZE_(q))
#define deque_pop_back(q, out)                                                                     \
    deque_raw_pop_back(&(q)->raw, DEQUE_OUT_(q, out), DEQUE_ELEM_SIZE_(q))

#define deque_reserve(q, additional)                                                               \
    deque_raw_reserve(&(q)->raw, (additional), DEQUE_ELEM_SIZE_(q), DEQUE_ELEM_ALIGN_(q))
#define try_deque_reserve(q, additional)                                                           \
    try_deque_raw_reserve(&(q)->raw, (additional), DEQUE_ELEM_SIZE_(q), DEQUE_ELEM_ALIGN_(q))
#define deque_clear(q) deque_raw_clear(&(q)->raw)
/* Frees the buffer; the deque is empty and reusable. Elements are not dropped. */
#define deque_free(q)  deque_raw_free(&(q)->raw, DEQUE_ELEM_SIZE_(q), DEQUE_ELEM_ALIGN_(q))

/* ---- untyped core (alloc/deque.c) ---- */

void *deque_raw_at(const struct deque_raw *q, size_t i, size_t elem_size);
void *deque_raw_front(const struct deque_raw *q, size_t elem_size);
void *deque_raw_back(const struct deque_raw *q, size_t elem_size);
void deque_raw_push_back(struct deque_raw *q, const void *elem, size_t elem_size,
                         size_t elem_align);
bool try_deque_raw_push_back(struct deque_raw *q, const void *elem, size_t elem_size,
                             size_t elem_align);
void deque_raw_push_front(struct deque_raw *q, const void *elem, size_t elem_size,
                          size_t elem_align);
bool try_deque_raw_push_front(struct deque_raw *q, const void *elem, size_t elem_size,
                              size_t elem_align);
bool deque_raw_pop_front(struct deque_raw *q, void *out, size_t elem_size);
bool deque_raw_pop_back(struct deque_raw *q, void *out, size_t elem_size);
void deque_raw_reserve(struct deque_raw *q, size_t additional, size_t elem_size, size_t elem_align);
bool try_deque_raw_reserve(struct deque_raw *q, size_t additional, size_t elem_size,
                           size_t elem_align);
void deque_raw_clear(struct deque_raw *q);
void deque_raw_free(struct deque_raw *q, size_t elem_size, size_t elem_align);

#endif
