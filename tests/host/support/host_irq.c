/* Host builds have no interrupts: the flag is simulated so that tests can
 * check that the heap lock masks and restores it. */
#include "lib/irq.h"

static bool host_irq_on = true;

irq_flags_t irq_save(void)
{
    irq_flags_t was = host_irq_on;
    host_irq_on = false;
    return was;
}

void irq_restore(irq_flags_t flags)
{
    host_irq_on = flags != 0;
}

void irq_enable(void)
{
    host_irq_on = true;
}

void irq_disable(void)
{
    host_irq_on = false;
}

bool irq_enabled(void)
{
    return host_irq_on;
}

/* Spinning needs no hint for the tests' correctness. */
void cpu_relax(void) {}
