/*
 * bench_heap: issue 9's allocator workloads inside the kernel, under QEMU.
 * Prints TSC cycles per allocator call for every allocator (under TCG only
 * the ratios between allocators mean something), efficiencies, and the boot
 * figure: TSC cycles from kernel_entry() to the end of kernel_init().
 *
 * Each allocator gets its own region: physically contiguous frames taken
 * from the frame allocator, used through the direct map. The workloads are
 * tests/bench/workloads.c, scaled to what fits a 128 MiB guest. Functional
 * only: nothing about the figures is asserted. At the end, the figures
 * again as one table that fits an 80x25 screen, for a real machine where
 * the runner leaves them on the screen (tests/kernel/runner.c).
 */
#include "boot/layout.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/pit.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "lib/kstring.h"
#include "mm/frame.h"
#include "mm/heap/bump.h"
#include "mm/heap/fixed_block.h"
#include "mm/heap/kalloc.h"
#include "mm/heap/linked_list.h"
#include "mm/heap/segfit.h"
#include "mm/heap/tlsf.h"
#include "tests/bench/workloads.h"
#include "tests/kernel/ktest.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

static struct segfit_heap segfit_state;
static struct tlsf_heap tlsf_state;
static struct fixed_block_heap fixed_block_state;
static struct linked_list_heap linked_list_state;
static struct bump_heap bump_state;

static const struct {
    const struct allocator_ops *ops;
    void *state;
} contenders[] = {
    {&segfit_ops, &segfit_state},
    {&tlsf_ops, &tlsf_state},
    {&fixed_block_ops, &fixed_block_state},
    {&linked_list_ops, &linked_list_state},
    {&bump_ops, &bump_state},
};
#define NCONTENDERS (sizeof contenders / sizeof *contenders)

static unsigned char *region;
static size_t region_size;
static uint64_t tsc_hz;

/* Up to `bytes` of physically contiguous frames (the frame allocator hands
 * them out lowest first), as a direct-map pointer; region_size says how
 * much was found. Never freed: this kernel only benchmarks. */
static void take_region(size_t bytes)
{
    struct frame_allocator *fa = kernel_frames();
    phys_addr_t start = 0, prev = 0, frame;
    size_t got = 0;
    while (got < bytes && frame_alloc(fa, &frame) == FRAME_OK) {
        if (got == 0 || frame != prev + PAGE_SIZE) {
            start = frame;
            got = 0;
        }
        prev = frame;
        got += PAGE_SIZE;
    }
    KTEST_ASSERT(got >= 4 * MIB);
    region = (unsigned char *)(PHYS_OFFSET + start);
    region_size = got;
}

static void bench_fail(const char *workload, const char *what)
{
    panic("bench_heap: %s: %s", workload, what);
}

static struct bench_env env;

static struct allocator open_heap(size_t k, size_t size)
{
    struct allocator a = {contenders[k].ops, contenders[k].state};
    KTEST_ASSERT(size <= region_size);
    KTEST_ASSERT_EQ(allocator_init(&a, region, size), ALLOCATOR_INIT_OK);
    return a;
}

/* cycles per call, with two decimals, and the run's throughput. */
static void print_cycles(const char *name, uint64_t cycles, const struct bench_result *r)
{
    uint64_t per100 = r->calls == 0 ? 0 : cycles * 100 / r->calls;
    uint64_t kops = cycles == 0 ? 0 : r->ops * (tsc_hz / 1000) / cycles;
    kprintf("  %-12s %6llu.%02llu cycles/call  %8llu kops/s  (%llu calls, %llu failed)\n", name,
            (unsigned long long)(per100 / 100), (unsigned long long)(per100 % 100),
            (unsigned long long)kops, (unsigned long long)r->calls, (unsigned long long)r->failed);
}

enum kind { RANDOM, EFFICIENCY, SIMPLE, LARGE_VEC, MANY_BOXES, LONG_LIVED };

/* The summary table: per workload, per allocator, cycles per call or
 * efficiency, both in hundredths. */
#define SUMMARY_ROWS 16
static struct {
    const char *workload;
    bool efficiency;
    uint64_t hundredths[NCONTENDERS];
} summary[SUMMARY_ROWS];
static size_t summary_rows;

struct workload {
    const char *name;
    enum kind kind;
    size_t region, max_size;
    bool with_realloc;
    uint64_t count; /* ops, trials, reps or boxes */
};

static void run_one(const struct workload *w, const struct allocator *a, uint64_t seed,
                    struct bench_result *r)
{
    switch (w->kind) {
    case RANDOM:
        bench_random_actions(a, &env, w->max_size, w->count, seed, r);
        break;
    case EFFICIENCY:
        bench_efficiency(a, &env, w->max_size, w->with_realloc, seed, r);
        break;
    case SIMPLE:
        bench_simple_allocation(a, &env, w->count, r);
        break;
    case LARGE_VEC:
        bench_large_vec(a, &env, w->count, r);
        break;
    case MANY_BOXES:
        bench_many_boxes(a, &env, w->count, false, r);
        break;
    case LONG_LIVED:
        bench_many_boxes(a, &env, w->count, true, r);
        break;
    }
}

static void run_workload(const struct workload *w)
{
    size_t size = w->region < region_size ? w->region : region_size;
    kprintf("bench_heap: %s (%zu KiB region)\n", w->name, size / KIB);
    KTEST_ASSERT(summary_rows < SUMMARY_ROWS);
    size_t row = summary_rows++;
    summary[row].workload = w->name;
    summary[row].efficiency = w->kind == EFFICIENCY;
    for (size_t k = 0; k < NCONTENDERS; k++) {
        struct bench_result r;
        if (w->kind == EFFICIENCY) {
            uint64_t sum = 0; /* efficiency in 1/100 % */
            for (uint64_t t = 0; t < w->count; t++) {
                struct allocator a = open_heap(k, size);
                run_one(w, &a, 0x5eed0000u + t, &r);
                sum += (uint64_t)r.live_bytes * 10000 / size;
            }
            uint64_t mean = sum / w->count;
            summary[row].hundredths[k] = mean;
            kprintf("  %-12s efficiency %3llu.%02llu %%\n", contenders[k].ops->name,
                    (unsigned long long)(mean / 100), (unsigned long long)(mean % 100));
            continue;
        }
        struct allocator a = open_heap(k, size);
        uint64_t t0 = rdtsc();
        run_one(w, &a, 0x5eed0000u, &r);
        uint64_t cycles = rdtsc() - t0;
        allocator_check(&a);
        print_cycles(contenders[k].ops->name, cycles, &r);
        summary[row].hundredths[k] = r.calls == 0 ? 0 : cycles * 100 / r.calls;
    }
}

void ktest_setup(void)
{
    uint64_t boot = rdtsc() - kernel_entry_tsc;
    tsc_hz = pit_measure_tsc_hz(50);
    if (tsc_hz < 1000000)
        panic("bench_heap: the PIT did not measure the TSC (%llu Hz)", (unsigned long long)tsc_hz);
    kprintf("bench_heap: boot: %llu TSC cycles from kernel entry to the end of kernel_init "
            "(%llu us at %llu MHz)\n",
            (unsigned long long)boot, (unsigned long long)(boot / (tsc_hz / 1000000)),
            (unsigned long long)(tsc_hz / 1000000));
    take_region(32 * MIB);
    env = (struct bench_env){
        .capacity = 200000,
        .fail = bench_fail,
    };
    env.live = kmalloc(env.capacity * sizeof *env.live);
}

/* The figures once more, one row per workload: what a real machine's
 * screen keeps once the run is over. */
void ktest_teardown(void)
{
    kprintf("\nbench_heap: summary (TSC cycles per call; efficiency rows: %% of the region "
            "used)\n%-18s",
            "workload");
    for (size_t k = 0; k < NCONTENDERS; k++)
        kprintf("%12s", contenders[k].ops->name);
    kprintf("\n");
    for (size_t i = 0; i < summary_rows; i++) {
        kprintf("%-18.18s", summary[i].workload);
        for (size_t k = 0; k < NCONTENDERS; k++)
            kprintf("%8llu.%02llu%s", (unsigned long long)(summary[i].hundredths[k] / 100),
                    (unsigned long long)(summary[i].hundredths[k] % 100),
                    summary[i].efficiency ? "%" : " ");
        kprintf("\n");
    }
}

KTEST(allocator_workloads_run_on_every_allocator)
{
    static const struct workload workloads[] = {
        {"random_4M", RANDOM, 4 * MIB, 1000, true, 100000},
        {"random_32M", RANDOM, 32 * MIB, 10000, true, 100000},
        {"efficiency_32M (128M does not fit)", EFFICIENCY, 32 * MIB, 10000, true, 1},
        {"efficiency_4M", EFFICIENCY, 4 * MIB, 10000, true, 5},
        {"efficiency_small", EFFICIENCY, 100 * KIB, 256, false, 20},
        {"simple_allocation", SIMPLE, 100 * KIB, 0, false, 10000},
        {"large_vec", LARGE_VEC, 100 * KIB, 0, false, 100},
        {"many_boxes", MANY_BOXES, 100 * KIB, 0, false, 102400},
        {"many_boxes_long_lived", LONG_LIVED, 100 * KIB, 0, false, 102400},
    };
    kprintf("\nbench_heap: %zu KiB of contiguous frames, TSC %llu MHz\n", region_size / KIB,
            (unsigned long long)(tsc_hz / 1000000));
    for (size_t i = 0; i < sizeof workloads / sizeof *workloads; i++)
        run_workload(&workloads[i]);
    kprintf("bench_heap: done\n");
}
