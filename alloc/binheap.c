/* The untyped core of BINHEAP(T): a binary max-heap over a vec_raw. */
#include "alloc/binheap.h"

static char *at(const struct binheap_raw *h, size_t i, size_t elem_size)
{
    return (char *)h->vec.data + i * elem_size;
}

static void swap_bytes(char *a, char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* Moves the element at i up while it is greater than its parent. */
static void sift_up(struct binheap_raw *h, size_t i, size_t elem_size)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->cmp(at(h, i, elem_size), at(h, parent, elem_size)) <= 0)
            return;
        swap_bytes(at(h, i, elem_size), at(h, parent, elem_size), elem_size);
        i = parent;
    }
}

/* Moves the element at i down while a child is greater than it. */
static void sift_down(struct binheap_raw *h, size_t i, size_t elem_size)
{
    size_t n = h->vec.len;
    for (;;) {
        size_t largest = i, left = 2 * i + 1, right = left + 1;
        if (left < n && h->cmp(at(h, left, elem_size), at(h, largest, elem_size)) > 0)
            largest = left;
        if (right < n && h->cmp(at(h, right, elem_size), at(h, largest, elem_size)) > 0)
            largest = right;
        if (largest == i)
            return;
        swap_bytes(at(h, i, elem_size), at(h, largest, elem_size), elem_size);
        i = largest;
    }
}

const void *binheap_raw_peek(const struct binheap_raw *h)
{
    return h->vec.len == 0 ? NULL : h->vec.data;
}

void binheap_raw_push(struct binheap_raw *h, const void *elem, size_t elem_size, size_t elem_align)
{
    vec_raw_push(&h->vec, elem, elem_size, elem_align);
    sift_up(h, h->vec.len - 1, elem_size);
}

bool try_binheap_raw_push(struct binheap_raw *h, const void *elem, size_t elem_size,
                          size_t elem_align)
{
    if (!try_vec_raw_push(&h->vec, elem, elem_size, elem_align))
        return false;
    sift_up(h, h->vec.len - 1, elem_size);
    return true;
}

bool binheap_raw_pop(struct binheap_raw *h, void *out, size_t elem_size)
{
    if (h->vec.len == 0)
        return false;
    swap_bytes(at(h, 0, elem_size), at(h, h->vec.len - 1, elem_size), elem_size);
    vec_raw_pop(&h->vec, out, elem_size);
    sift_down(h, 0, elem_size);
    return true;
}
