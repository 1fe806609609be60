/* The untyped core of VEC(T) (see vec.h). */
#include "alloc/vec.h"

#include "alloc/raw_array.h"
#include "lib/kstring.h"
#include "lib/panic.h"

#include <stdint.h>

static char *elem_ptr(const struct vec_raw *v, size_t i, size_t elem_size)
{
    return (char *)v->data + i * elem_size;
}

void *vec_raw_at(const struct vec_raw *v, size_t i, size_t elem_size)
{
    if (i >= v->len)
        panic("index out of bounds: the len is %zu but the index is %zu", v->len, i);
    return elem_ptr(v, i, elem_size);
}

/* Makes room for `additional` more elements: grows to raw_array_grow_cap()
 * when `amortised`, else to exactly len + additional. False (vector
 * unchanged) only in RAW_ARRAY_TRY mode. */
static bool grow(struct vec_raw *v, size_t additional, size_t elem_size, size_t elem_align,
                 enum raw_array_mode mode)
{
    if (v->cap - v->len >= additional)
        return true;
    if (additional > SIZE_MAX - v->len) {
        if (mode == RAW_ARRAY_TRY)
            return false;
        panic("capacity overflow");
    }
    size_t new_cap = raw_array_grow_cap(v->cap, v->len + additional, elem_size);
    void *data = raw_array_resize(v->data, v->cap, new_cap, elem_size, elem_align, mode);
    if (data == NULL)
        return false;
    v->data = data;
    v->cap = new_cap;
    return true;
}

static void push_unchecked(struct vec_raw *v, const void *elem, size_t elem_size)
{
    memcpy(elem_ptr(v, v->len, elem_size), elem, elem_size);
    v->len++;
}

void vec_raw_push(struct vec_raw *v, const void *elem, size_t elem_size, size_t elem_align)
{
    grow(v, 1, elem_size, elem_align, RAW_ARRAY_ABORT);
    push_unchecked(v, elem, elem_size);
}

bool try_vec_raw_push(struct vec_raw *v, const void *elem, size_t elem_size, size_t elem_align)
{
    if (!grow(v, 1, elem_size, elem_align, RAW_ARRAY_TRY))
        return false;
    push_unchecked(v, elem, elem_size);
    return true;
}

bool vec_raw_pop(struct vec_raw *v, void *out, size_t elem_size)
{
    if (v->len == 0)
        return false;
    v->len--;
    if (out != NULL)
        memcpy(out, elem_ptr(v, v->len, elem_size), elem_size);
    return true;
}

static void check_insert_index(const struct vec_raw *v, size_t i)
{
    if (i > v->len)
        panic("insertion index (is %zu) should be <= len (is %zu)", i, v->len);
}

static void insert_unchecked(struct vec_raw *v, size_t i, const void *elem, size_t elem_size)
{
    char *slot = elem_ptr(v, i, elem_size);
    memmove(slot + elem_size, slot, (v->len - i) * elem_size);
    memcpy(slot, elem, elem_size);
    v->len++;
}

void vec_raw_insert(struct vec_raw *v, size_t i, const void *elem, size_t elem_size,
                    size_t elem_align)
{
    check_insert_index(v, i);
    grow(v, 1, elem_size, elem_align, RAW_ARRAY_ABORT);
    insert_unchecked(v, i, elem, elem_size);
}

bool try_vec_raw_insert(struct vec_raw *v, size_t i, const void *elem, size_t elem_size,
                        size_t elem_align)
{
    check_insert_index(v, i);
    if (!grow(v, 1, elem_size, elem_align, RAW_ARRAY_TRY))
        return false;
    insert_unchecked(v, i, elem, elem_size);
    return true;
}

void *vec_raw_remove(struct vec_raw *v, size_t i, void *out, size_t elem_size)
{
    if (i >= v->len)
        panic("removal index (is %zu) should be < len (is %zu)", i, v->len);
    char *slot = elem_ptr(v, i, elem_size);
    memcpy(out, slot, elem_size);
    memmove(slot, slot + elem_size, (v->len - i - 1) * elem_size);
    v->len--;
    return out;
}

void *vec_raw_swap_remove(struct vec_raw *v, size_t i, void *out, size_t elem_size)
{
    if (i >= v->len)
        panic("swap_remove index (is %zu) should be < len (is %zu)", i, v->len);
    char *slot = elem_ptr(v, i, elem_size);
    memcpy(out, slot, elem_size);
    v->len--;
    if (i != v->len)
        memcpy(slot, elem_ptr(v, v->len, elem_size), elem_size);
    return out;
}

void vec_raw_reserve(struct vec_raw *v, size_t additional, size_t elem_size, size_t elem_align)
{
    grow(v, additional, elem_size, elem_align, RAW_ARRAY_ABORT);
}

bool try_vec_raw_reserve(struct vec_raw *v, size_t additional, size_t elem_size, size_t elem_align)
{
    return grow(v, additional, elem_size, elem_align, RAW_ARRAY_TRY);
}

static bool shrink(struct vec_raw *v, size_t elem_size, size_t elem_align, enum raw_array_mode mode)
{
    if (v->cap == v->len)
        return true;
    if (v->len == 0) {
        vec_raw_free(v, elem_size, elem_align);
        return true;
    }
    void *data = raw_array_resize(v->data, v->cap, v->len, elem_size, elem_align, mode);
    if (data == NULL)
        return false;
    v->data = data;
    v->cap = v->len;
    return true;
}

void vec_raw_shrink_to_fit(struct vec_raw *v, size_t elem_size, size_t elem_align)
{
    shrink(v, elem_size, elem_align, RAW_ARRAY_ABORT);
}

bool try_vec_raw_shrink_to_fit(struct vec_raw *v, size_t elem_size, size_t elem_align)
{
    return shrink(v, elem_size, elem_align, RAW_ARRAY_TRY);
}

void vec_raw_truncate(struct vec_raw *v, size_t n)
{
    if (n < v->len)
        v->len = n;
}

void vec_raw_free(struct vec_raw *v, size_t elem_size, size_t elem_align)
{
    raw_array_free(v->data, v->cap, elem_size, elem_align);
    *v = (struct vec_raw)VEC_RAW_INIT;
}
