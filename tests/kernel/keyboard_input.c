/* keyboard_input: keys typed through QEMU's monitor (sendkey, by the test
 * runner) arrive through IRQ 1, are decoded with shift, echoed on the
 * console and queued in order. */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/pit.h"
#include "kernel/keyboard.h"
#include "lib/kstring.h"
#include "tests/kernel/ktest.h"

KTEST(typed_line_arrives_decoded_and_in_order)
{
    char line[64];
    size_t n = 0;
    kprintf("keyboard: ready\n");
    uint64_t deadline = timer_ticks() + 20 * TIMER_HZ;
    while (n < sizeof line - 1 && timer_ticks() < deadline) {
        char c = keyboard_read_char();
        if (c == 0) {
            cpu_halt();
            continue;
        }
        if (c == '\n')
            break;
        line[n++] = c;
    }
    line[n] = '\0';
    kprintf("keyboard: got '%s'\n", line);
    KTEST_ASSERT(strcmp(line, "Hello, keel!") == 0);
}
