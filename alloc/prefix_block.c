/* prefix_block: allocating and freeing a header + value block (see
 * prefix_block.h). */
#include "alloc/prefix_block.h"

#include "lib/panic.h"
#include "mm/heap/kalloc.h"

void *prefix_block_alloc(size_t header_size, size_t header_align, struct layout value, bool try_,
                         const char *who)
{
    struct prefix_layout pl;
    if (!prefix_layout(header_size, header_align, value, &pl)) {
        if (try_)
            return NULL;
        panic("%s: value layout too large (size %zu, align %zu)", who, value.size, value.align);
    }
    char *block = try_ ? try_kalloc(pl.block) : kalloc(pl.block);
    return block != NULL ? block + pl.value_offset : NULL;
}

void prefix_block_free(void *value, size_t header_size, size_t header_align, struct layout layout)
{
    struct prefix_layout pl;
    KASSERT(prefix_layout(header_size, header_align, layout, &pl));
    kdealloc((char *)value - pl.value_offset, pl.block);
}
