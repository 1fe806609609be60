#include "kernel/console/console.h"

#include "lib/spinlock.h"

static const struct console_driver *drivers[CONSOLE_MAX_DRIVERS];
static size_t driver_count;
static struct spinlock lock = SPINLOCK_INIT;

void console_register(const struct console_driver *driver)
{
    irq_flags_t flags = spin_lock_irqsave(&lock);
    if (driver_count < CONSOLE_MAX_DRIVERS)
        drivers[driver_count++] = driver;
    spin_unlock_irqrestore(&lock, flags);
}

unsigned long console_lock(void)
{
    return spin_lock_irqsave(&lock);
}

void console_unlock(unsigned long flags)
{
    spin_unlock_irqrestore(&lock, flags);
}

void console_write_locked(const char *s, size_t n)
{
    for (size_t i = 0; i < driver_count; i++)
        drivers[i]->write(s, n);
}

void console_write(const char *s, size_t n)
{
    unsigned long flags = console_lock();
    console_write_locked(s, n);
    console_unlock(flags);
}

void console_set_color(enum console_color fg, enum console_color bg)
{
    unsigned long flags = console_lock();
    for (size_t i = 0; i < driver_count; i++)
        if (drivers[i]->set_color != NULL)
            drivers[i]->set_color(fg, bg);
    console_unlock(flags);
}

void console_break_lock(void)
{
    spin_unlock(&lock);
}
