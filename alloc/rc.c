/* Rc: single-CPU reference counting (see rc.h) on the shared core
 * (refcount.h), with a plain integer count. */
#include "alloc/rc.h"

#include <stdint.h>

#include "alloc/refcount.h"
#include "lib/panic.h"

static void plain_init(union refcount *count)
{
    count->plain = 1;
}

static void plain_acquire(union refcount *count)
{
    KASSERT(count->plain != 0);
    if (count->plain == SIZE_MAX)
        panic("rc_clone: reference count overflow");
    count->plain++;
}

static bool plain_release(union refcount *count)
{
    KASSERT(count->plain != 0);
    return --count->plain == 0;
}

static size_t plain_load(const union refcount *count)
{
    return count->plain;
}

REFCOUNT_DEFINE_API(rc, plain_init, plain_acquire, plain_release, plain_load)
