/* The untyped core of DEQUE(T): a growable ring buffer (see deque.h). */
#include "alloc/deque.h"

#include <stdint.h>

#include "alloc/raw_array.h"
#include "lib/kstring.h"
#include "lib/panic.h"

/* Physical slot of logical index i (i <= cap). */
static size_t slot(const struct deque_raw *q, size_t i)
{
    size_t p = q->head + i;
    return p >= q->cap ? p - q->cap : p;
}

static char *slot_ptr(const struct deque_raw *q, size_t physical, size_t elem_size)
{
    return (char *)q->buf + physical * elem_size;
}

void *deque_raw_at(const struct deque_raw *q, size_t i, size_t elem_size)
{
    if (i >= q->len)
        panic("index out of bounds: the len is %zu but the index is %zu", q->len, i);
    return slot_ptr(q, slot(q, i), elem_size);
}

void *deque_raw_front(const struct deque_raw *q, size_t elem_size)
{
    return q->len == 0 ? NULL : slot_ptr(q, slot(q, 0), elem_size);
}

void *deque_raw_back(const struct deque_raw *q, size_t elem_size)
{
    return q->len == 0 ? NULL : slot_ptr(q, slot(q, q->len - 1), elem_size);
}

/* After the buffer grew from old_cap to q->cap slots (contents of the first
 * old_cap kept), restores the ring order. If the ring wrapped, either the
 * wrapped tail (buf[0 .. tail_len)) moves to just past the old end, or the
 * head segment moves to the end of the new buffer, whichever is shorter and
 * fits:
 *
 *     old:  [ C D . . A B ]              head = 4, A B C D
 *     new:  [ . . . . A B C D . . . . ]  tail moved   (tail_len < head_len)
 *     new:  [ C D . . . . . . . . A B ]  head moved   (otherwise)
 */
static void unwrap_after_growth(struct deque_raw *q, size_t old_cap, size_t elem_size)
{
    if (q->head <= old_cap - q->len)
        return; /* contiguous */
    size_t head_len = old_cap - q->head;
    size_t tail_len = q->len - head_len;
    if (tail_len < head_len && q->cap - old_cap >= tail_len) {
        memcpy(slot_ptr(q, old_cap, elem_size), q->buf, tail_len * elem_size);
    } else {
        size_t new_head = q->cap - head_len;
        memmove(slot_ptr(q, new_head, elem_size), slot_ptr(q, q->head, elem_size),
                head_len * elem_size);
        q->head = new_head;
    }
}

/* Ensures room for `additional` more elements. False (deque unchanged)
 * only in RAW_ARRAY_TRY mode. */
static bool grow(struct deque_raw *q, size_t additional, size_t elem_size, size_t elem_align,
                 enum raw_array_mode mode)
{
    if (q->cap - q->len >= additional)
        return true;
    if (additional > SIZE_MAX - q->len) {
        if (mode == RAW_ARRAY_TRY)
            return false;
        panic("capacity overflow");
    }
    size_t new_cap = raw_array_grow_cap(q->cap, q->len + additional, elem_size);
    void *buf = raw_array_resize(q->buf, q->cap, new_cap, elem_size, elem_align, mode);
    if (buf == NULL)
        return false;
    size_t old_cap = q->cap;
    q->buf = buf;
    q->cap = new_cap;
    if (old_cap == 0)
        q->head = 0;
    else
        unwrap_after_growth(q, old_cap, elem_size);
    return true;
}

static void put_back(struct deque_raw *q, const void *elem, size_t elem_size)
{
    memcpy(slot_ptr(q, slot(q, q->len), elem_size), elem, elem_size);
    q->len++;
}

static void put_front(struct deque_raw *q, const void *elem, size_t elem_size)
{
    q->head = q->head == 0 ? q->cap - 1 : q->head - 1;
    memcpy(slot_ptr(q, q->head, elem_size), elem, elem_size);
    q->len++;
}

void deque_raw_push_back(struct deque_raw *q, const void *elem, size_t elem_size, size_t elem_align)
{
    grow(q, 1, elem_size, elem_align, RAW_ARRAY_ABORT);
    put_back(q, elem, elem_size);
}

bool try_deque_raw_push_back(struct deque_raw *q, const void *elem, size_t elem_size,
                             size_t elem_align)
{
    if (!grow(q, 1, elem_size, elem_align, RAW_ARRAY_TRY))
        return false;
    put_back(q, elem, elem_size);
    return true;
}

void deque_raw_push_front(struct deque_raw *q, const void *elem, size_t elem_size,
                          size_t elem_align)
{
    grow(q, 1, elem_size, elem_align, RAW_ARRAY_ABORT);
    put_front(q, elem, elem_size);
}

bool try_deque_raw_push_front(struct deque_raw *q, const void *elem, size_t elem_size,
                              size_t elem_align)
{
    if (!grow(q, 1, elem_size, elem_align, RAW_ARRAY_TRY))
        return false;
    put_front(q, elem, elem_size);
    return true;
}

bool deque_raw_pop_front(struct deque_raw *q, void *out, size_t elem_size)
{
    if (q->len == 0)
        return false;
    if (out != NULL)
        memcpy(out, slot_ptr(q, q->head, elem_size), elem_size);
    q->head = slot(q, 1);
    q->len--;
    return true;
}

bool deque_raw_pop_back(struct deque_raw *q, void *out, size_t elem_size)
{
    if (q->len == 0)
        return false;
    q->len--;
    if (out != NULL)
        memcpy(out, slot_ptr(q, slot(q, q->len), elem_size), elem_size);
    return true;
}

void deque_raw_reserve(struct deque_raw *q, size_t additional, size_t elem_size, size_t elem_align)
{
    grow(q, additional, elem_size, elem_align, RAW_ARRAY_ABORT);
}

bool try_deque_raw_reserve(struct deque_raw *q, size_t additional, size_t elem_size,
                           size_t elem_align)
{
    return grow(q, additional, elem_size, elem_align, RAW_ARRAY_TRY);
}

void deque_raw_clear(struct deque_raw *q)
{
    q->head = 0;
    q->len = 0;
}

void deque_raw_free(struct deque_raw *q, size_t elem_size, size_t elem_align)
{
    raw_array_free(q->buf, q->cap, elem_size, elem_align);
    *q = (struct deque_raw)DEQUE_RAW_INIT;
}
