/* The benchmark's contenders (see contenders.h). */
#include "tests/bench/contenders.h"

#include <stdlib.h>
#include <string.h>

#include "mm/heap/bump.h"
#include "mm/heap/fixed_block.h"
#include "mm/heap/heap_counts.h"
#include "mm/heap/linked_list.h"
#include "mm/heap/segfit.h"
#include "mm/heap/tlsf.h"

/* ---- glibc through the vtable -------------------------------------------- */

/* glibc's realloc keeps only 16-byte alignment: larger alignments move with
 * aligned_alloc + memcpy + free. Counters feed stats(). */
struct glibc_heap {
    struct heap_counts counts;
};

static void *glibc_alloc(void *self, struct layout l)
{
    struct glibc_heap *g = self;
    void *p = l.align <= 16 ? malloc(l.size)
                            : aligned_alloc(l.align, (l.size + l.align - 1) & ~(l.align - 1));
    if (p != NULL)
        heap_counts_alloc(&g->counts, l.size);
    return p;
}

static void glibc_dealloc(void *self, void *ptr, struct layout l)
{
    struct glibc_heap *g = self;
    free(ptr);
    heap_counts_free(&g->counts, l.size);
}

static void *glibc_realloc(void *self, void *ptr, struct layout l, size_t new_size)
{
    struct glibc_heap *g = self;
    void *q;
    if (l.align <= 16) {
        q = realloc(ptr, new_size == 0 ? 1 : new_size); /* realloc(p, 0) would free */
    } else {
        q = aligned_alloc(l.align, (new_size + l.align - 1) & ~(l.align - 1));
        if (q != NULL) {
            memcpy(q, ptr, l.size < new_size ? l.size : new_size);
            free(ptr);
        }
    }
    if (q != NULL)
        heap_counts_resize(&g->counts, l.size, new_size);
    return q;
}

static enum allocator_init_error glibc_init(void *self, void *start, size_t size)
{
    (void)start, (void)size;
    *(struct glibc_heap *)self = (struct glibc_heap){0};
    return ALLOCATOR_INIT_OK;
}

static bool glibc_extend(void *self, size_t more)
{
    (void)self, (void)more;
    return true;
}

static void glibc_stats(void *self, struct heap_stats *out)
{
    struct glibc_heap *g = self;
    *out = (struct heap_stats){0};
    heap_counts_stats(&g->counts, out);
}

static void glibc_check(void *self)
{
    (void)self;
}

static const struct allocator_ops glibc_ops = {
    .name = "glibc",
    .alloc = glibc_alloc,
    .dealloc = glibc_dealloc,
    .realloc = glibc_realloc,
    .init = glibc_init,
    .extend = glibc_extend,
    .stats = glibc_stats,
    .check = glibc_check,
};

/* ---- null: the cost of the call itself ----------------------------------- */

/* Hands out one fixed pointer and frees nothing: what callgrind counts for
 * it is the dispatch through bench_call_* and the vtable, which the script
 * reports so that the other figures can be read net of it. */
static _Alignas(4096) unsigned char null_block[64 * 1024]; /* large_vec writes 8000 bytes */

static void *null_alloc(void *self, struct layout l)
{
    (void)self, (void)l;
    return null_block;
}

static void null_dealloc(void *self, void *ptr, struct layout l)
{
    (void)self, (void)ptr, (void)l;
}

static void *null_realloc(void *self, void *ptr, struct layout l, size_t new_size)
{
    (void)self, (void)l, (void)new_size;
    return ptr;
}

static const struct allocator_ops null_ops = {
    .name = "null",
    .alloc = null_alloc,
    .dealloc = null_dealloc,
    .realloc = null_realloc,
    .init = glibc_init,
    .extend = glibc_extend,
    .stats = glibc_stats,
    .check = glibc_check,
};

/* ---- The table ------------------------------------------------------------- */

const struct contender contenders[] = {
    {&segfit_ops, sizeof(struct segfit_heap), true, false},
    {&tlsf_ops, sizeof(struct tlsf_heap), true, false},
    {&fixed_block_ops, sizeof(struct fixed_block_heap), true, false},
    {&linked_list_ops, sizeof(struct linked_list_heap), true, false},
    {&bump_ops, sizeof(struct bump_heap), true, false},
    {&glibc_ops, sizeof(struct glibc_heap), false, false},
    {&null_ops, sizeof(struct glibc_heap), false, true},
};
const size_t contender_count = sizeof contenders / sizeof *contenders;

const struct contender *contender_named(const char *name)
{
    for (size_t i = 0; i < contender_count; i++)
        if (strcmp(contenders[i].ops->name, name) == 0)
            return &contenders[i];
    return NULL;
}

size_t contender_state_size_max(void)
{
    size_t max = 0;
    for (size_t i = 0; i < contender_count; i++)
        max = contenders[i].state_size > max ? contenders[i].state_size : max;
    return max;
}

bool contender_open(const struct contender *c, void *state, void *region, size_t size,
                    struct allocator *out)
{
    memset(state, 0, c->state_size);
    *out = (struct allocator){c->ops, state};
    return allocator_init(out, region, size) == ALLOCATOR_INIT_OK;
}
