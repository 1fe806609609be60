/* dummy: alloc fails, dealloc is a bug (see dummy.h). */
#include "mm/heap/dummy.h"

#include <stdint.h>

#include "lib/panic.h"
#include "mm/heap/heap_math.h"

static void *dummy_alloc(void *self, struct layout layout)
{
    (void)self, (void)layout;
    return NULL;
}

/* Nothing was ever handed out, so nothing can come back. */
static void dummy_dealloc(void *self, void *ptr, struct layout layout)
{
    (void)self, (void)layout;
    panic("dummy: dealloc should be never called (ptr %p)", ptr);
}

static enum allocator_init_error dummy_init(void *self, void *start, size_t size)
{
    struct dummy_heap *s = self;
    uintptr_t end;
    if (!heap_region_end(start, size, &end))
        return ALLOCATOR_INIT_REGION_WRAPS;
    s->region_size = size;
    return ALLOCATOR_INIT_OK;
}

static bool dummy_extend(void *self, size_t more)
{
    struct dummy_heap *s = self;
    if (s->region_size > SIZE_MAX - more)
        return false;
    s->region_size += more;
    return true;
}

static void dummy_stats(void *self, struct heap_stats *out)
{
    struct dummy_heap *s = self;
    *out = (struct heap_stats){.region_size = s->region_size};
}

static void dummy_check(void *self)
{
    (void)self; /* no state that could be inconsistent */
}

const struct allocator_ops dummy_ops = {
    .name = "dummy",
    .alloc = dummy_alloc,
    .dealloc = dummy_dealloc,
    .init = dummy_init,
    .extend = dummy_extend,
    .stats = dummy_stats,
    .check = dummy_check,
};
