/*
 * A test-and-test-and-set spinlock that also masks interrupts.
 *
 * spin_lock_irqsave() disables interrupts *before* taking the lock and
 * spin_unlock_irqrestore() restores them *after* releasing it: code that runs
 * in an interrupt handler can never find the lock held by the code it
 * interrupted on the same CPU, so it cannot deadlock against it.
 */
#ifndef KEEL_LIB_SPINLOCK_H
#define KEEL_LIB_SPINLOCK_H

#include <stdatomic.h>
#include <stdbool.h>

#include "lib/irq.h"

struct spinlock {
    atomic_bool locked;
};

#define SPINLOCK_INIT                                                                              \
    {                                                                                              \
        false                                                                                      \
    }

static inline void spin_lock(struct spinlock *lock)
{
    for (;;) {
        if (!atomic_exchange_explicit(&lock->locked, true, memory_order_acquire))
            return;
        while (atomic_load_explicit(&lock->locked, memory_order_relaxed))
            cpu_relax();
    }
}

static inline void spin_unlock(struct spinlock *lock)
{
    atomic_store_explicit(&lock->locked, false, memory_order_release);
}

static inline bool spin_is_locked(struct spinlock *lock)
{
    return atomic_load_explicit(&lock->locked, memory_order_relaxed);
}

static inline irq_flags_t spin_lock_irqsave(struct spinlock *lock)
{
    irq_flags_t flags = irq_save();
    spin_lock(lock);
    return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, irq_flags_t flags)
{
    spin_unlock(lock);
    irq_restore(flags);
}

#endif
