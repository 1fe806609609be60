/* layout_new and friends: the only way to build a layout from untrusted
 * numbers, so every allocator may assume a valid one. */
#include "mm/heap/layout.h"

enum layout_error layout_new(size_t size, size_t align, struct layout *out)
{
    if (align == 0)
        return LAYOUT_ERR_ALIGN_ZERO;
    if (!layout_align_is_valid(align))
        return LAYOUT_ERR_ALIGN_NOT_POW2;
    /* The cap keeps layout_padded_size() from overflowing and pointer
     * differences representable. */
    if (size > layout_max_size(align))
        return LAYOUT_ERR_SIZE_OVERFLOW;
    *out = (struct layout){.size = size, .align = align};
    return LAYOUT_OK;
}

const char *layout_strerror(enum layout_error err)
{
    switch (err) {
    case LAYOUT_OK:
        return "no error";
    case LAYOUT_ERR_ALIGN_ZERO:
        return "alignment is zero";
    case LAYOUT_ERR_ALIGN_NOT_POW2:
        return "alignment is not a power of two";
    case LAYOUT_ERR_SIZE_OVERFLOW:
        return "size overflows when rounded up to the alignment";
    }
    return "unknown layout error";
}

/* n elements of elem_size bytes each, aligned to elem_align. Fails with
 * LAYOUT_ERR_SIZE_OVERFLOW when elem_size * n overflows, and with whatever
 * layout_new() reports for the product. */
enum layout_error layout_array(size_t elem_size, size_t elem_align, size_t n, struct layout *out)
{
    size_t total;
    if (__builtin_mul_overflow(elem_size, n, &total)) {
        /* Report the alignment problem first if there is one: it is the
         * caller's bug whatever n is. */
        if (!layout_align_is_valid(elem_align))
            return elem_align == 0 ? LAYOUT_ERR_ALIGN_ZERO : LAYOUT_ERR_ALIGN_NOT_POW2;
        return LAYOUT_ERR_SIZE_OVERFLOW;
    }
    return layout_new(total, elem_align, out);
}
