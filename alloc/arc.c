/* Arc: atomic reference counting (see arc.h) on the shared core
 * (refcount.h), with an atomic count. */
#include "alloc/arc.h"

#include <stdint.h>

#include "alloc/refcount.h"
#include "lib/panic.h"

static void atomic_count_init(union refcount *count)
{
    atomic_init(&count->atomic, 1);
}

/* A new handle is made from an existing one, which keeps the value alive:
 * no ordering is needed (Rust's Arc::clone uses Relaxed too). */
static void atomic_count_acquire(union refcount *count)
{
    size_t old = atomic_fetch_add_explicit(&count->atomic, 1, memory_order_relaxed);
    if (old == 0 || old > SIZE_MAX / 2)
        panic("arc_clone: reference count %s", old == 0 ? "was zero" : "overflow");
}

/* acq_rel: every CPU's use of the value happens-before the destructor. */
static bool atomic_count_release(union refcount *count)
{
    size_t old = atomic_fetch_sub_explicit(&count->atomic, 1, memory_order_acq_rel);
    KASSERT(old != 0);
    return old == 1;
}

static size_t atomic_count_load(const union refcount *count)
{
    return atomic_load_explicit(&count->atomic, memory_order_acquire);
}

REFCOUNT_DEFINE_API(arc, atomic_count_init, atomic_count_acquire, atomic_count_release,
                    atomic_count_load)
