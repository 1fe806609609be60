#include "kernel/panic.h"

#include <stdbool.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/console.h"
#include "lib/fmt.h"
#include "lib/irq.h"
#include "lib/print.h"

static panic_hook_fn panic_hook;
static bool panicking;
static char message[512];

void panic_set_hook(panic_hook_fn hook)
{
    panic_hook = hook;
}

_Noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
    irq_disable();
    /* Whoever held the console lock was interrupted for good. */
    console_break_lock();

    if (panicking) {
        /* A panic while printing a panic: keep the first message intact. */
        kprintf("\npanicked again at %s:%d while panicking\n", file, line);
        if (panic_hook != NULL)
            panic_hook("panic while panicking", file, line);
        cpu_halt_forever();
    }
    panicking = true;

    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);

    console_set_color(COLOR_WHITE, COLOR_RED);
    kprintf("panicked at '%s', %s:%d\n", message, file, line);
    console_set_color(COLOR_LIGHT_GREY, COLOR_BLACK);

    if (panic_hook != NULL)
        panic_hook(message, file, line);
    cpu_halt_forever();
}
