/*
 * keel's kernel_main: what the run target boots. After bringing the machine
 * up it does what the blog_os kernel does at the end of the "Heap Allocation"
 * post (https://os.phil-opp.com/heap-allocation/): a
 * boxed value, a vector grown by 500 pushes, and a reference-counted vector
 * cloned once and dropped once. Then the boot figure: TSC cycles from
 * kernel_entry() to the post's last line (docs/bench.md). Last, the
 * monitor's prompt (kernel/monitor.h).
 */
#include "alloc/box.h"
#include "alloc/rc.h"
#include "alloc/vec.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "kernel/monitor.h"
#include "lib/print.h"

typedef VEC(int) int_vec;

static void drop_int_vec(void *vec)
{
    vec_free((int_vec *)vec);
}

static void heap_demo(void)
{
    /* Box::new(41) */
    int *heap_value = KBOX_NEW(int, 41);
    kprintf("heap_value at %p\n", (void *)heap_value);

    /* A dynamically sized vector. */
    int_vec vec = VEC_INIT;
    for (int i = 0; i < 500; i++)
        vec_push(&vec, i);
    kprintf("vec at %p\n", (void *)vec_data(&vec));

    /* A reference-counted vector: freed when both references are gone. */
    int_vec *reference_counted = RC_NEW_DTOR(int_vec, drop_int_vec, VEC_INIT);
    vec_push(reference_counted, 1);
    vec_push(reference_counted, 2);
    vec_push(reference_counted, 3);
    int_vec *cloned_reference = rc_clone(reference_counted);
    kprintf("current reference count is %zu\n", rc_strong_count(cloned_reference));
    rc_drop(reference_counted);
    kprintf("reference count is %zu now\n", rc_strong_count(cloned_reference));

    rc_drop(cloned_reference);
    vec_free(&vec);
    KBOX_DROP(heap_value);
}

void kernel_main(const struct boot_handoff *boot)
{
    kprintf("Hello World!\n");
    kernel_init(boot);

    heap_demo();

    uint64_t boot_cycles = rdtsc() - kernel_entry_tsc;
    kprintf("It did not crash!\n");
    kprintf("boot: %llu TSC cycles from kernel entry to the line above\n",
            (unsigned long long)boot_cycles);
    monitor_run();
}
