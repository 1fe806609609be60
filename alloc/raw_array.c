/* raw_array: element buffers with exact layouts (see raw_array.h). */
#include "alloc/raw_array.h"

#include <stdint.h>

#include "lib/panic.h"
#include "mm/heap/kalloc.h"

/* Rust's RawVec minimum non-zero capacities: small elements start at 8,
 * medium ones at 4, anything over 1 KiB at 1. */
static size_t min_non_zero_cap(size_t elem_size)
{
    if (elem_size == 1)
        return 8;
    if (elem_size <= 1024)
        return 4;
    return 1;
}

size_t raw_array_grow_cap(size_t cap, size_t needed, size_t elem_size)
{
    size_t doubled = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    size_t new_cap = doubled > needed ? doubled : needed;
    size_t min = min_non_zero_cap(elem_size);
    return new_cap > min ? new_cap : min;
}

/* The layout of the buffer, or false if its byte size overflows. */
static bool array_layout(size_t cap, size_t elem_size, size_t elem_align, struct layout *out)
{
    return layout_array(elem_size, elem_align, cap, out) == LAYOUT_OK;
}

void *raw_array_resize(void *data, size_t old_cap, size_t new_cap, size_t elem_size,
                       size_t elem_align, enum raw_array_mode mode)
{
    KASSERT(elem_size > 0 && new_cap > 0);
    struct layout new_layout;
    if (!array_layout(new_cap, elem_size, elem_align, &new_layout)) {
        if (mode == RAW_ARRAY_TRY)
            return NULL;
        panic("capacity overflow");
    }
    if (old_cap == 0)
        return mode == RAW_ARRAY_TRY ? try_kalloc(new_layout) : kalloc(new_layout);

    struct layout old_layout;
    KASSERT(array_layout(old_cap, elem_size, elem_align, &old_layout));
    if (mode == RAW_ARRAY_TRY)
        return try_krealloc_layout(data, old_layout, new_layout.size);
    return krealloc_layout(data, old_layout, new_layout.size);
}

void raw_array_free(void *data, size_t cap, size_t elem_size, size_t elem_align)
{
    if (cap == 0)
        return;
    struct layout layout;
    KASSERT(array_layout(cap, elem_size, elem_align, &layout));
    kdealloc(data, layout);
}
