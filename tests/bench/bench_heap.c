/*
 * bench_heap: issue 9's allocator benchmark on the host. Every keel
 * allocator and glibc malloc, through the allocator vtable, on the same
 * workloads with the same seeds, in one process (see docs/bench.md).
 *
 *   bench_heap [--check] [--quick] [--only WORKLOAD] [--allocator NAME]
 *              [--trials N] [--ops N] [--no-latency] [--csv FILE] [--list]
 *
 * Throughput is successful operations per second, median of --trials runs
 * (the driver's own work, drawing random numbers and bookkeeping, included).
 * Latency is one more run with each allocator call timed by rdtsc (lfence;
 * rdtsc ... rdtscp; lfence); the timer's own overhead, measured back to back,
 * is subtracted and printed. Instructions per call come from callgrind
 * (cmake/scripts/bench_callgrind.py), which runs this program one workload
 * and one allocator at a time with --trials 1 --no-latency.
 *
 * Built without sanitizers at -O2, with the allocator sources compiled in
 * (tests/bench/CMakeLists.txt): keel_portable carries ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <x86intrin.h>

#include "mm/heap/bump.h"
#include "mm/heap/fixed_block.h"
#include "mm/heap/linked_list.h"
#include "mm/heap/segfit.h"
#include "mm/heap/tlsf.h"
#include "tests/bench/contenders.h"
#include "tests/bench/workloads.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

/* ---- Workload table ------------------------------------------------------- */

enum kind { RANDOM, EFFICIENCY, SIMPLE, LARGE_VEC, MANY_BOXES, MANY_BOXES_LONG_LIVED };

struct workload {
    const char *name;
    const char *title;
    enum kind kind;
    size_t region, max_size;
    size_t realloc_max; /* efficiency: reallocs to [1, realloc_max); 0: none */
    uint64_t count;     /* ops (random), trials (efficiency), reps or boxes (blog) */
    uint64_t quick;     /* the same under --quick */
    size_t quick_region;
};

static const struct workload workloads[] = {
    {"random_4M", "random actions, 4 MiB, max 1000", RANDOM, 4 * MIB, 1000, 0, 1000000, 20000,
     4 * MIB},
    {"random_4M_small", "random actions, 4 MiB, max 200", RANDOM, 4 * MIB, 200, 0, 1000000, 20000,
     4 * MIB},
    {"random_32M", "random actions, 32 MiB, max 10000", RANDOM, 32 * MIB, 10000, 0, 1000000, 20000,
     32 * MIB},
    {"efficiency_128M", "heap efficiency, 128 MiB (x5)", EFFICIENCY, 128 * MIB, 10000, 100000, 5, 1,
     8 * MIB},
    {"efficiency_4M", "heap efficiency, 4 MiB (x50)", EFFICIENCY, 4 * MIB, 10000, 100000, 50, 2,
     4 * MIB},
    {"efficiency_small", "heap efficiency, 100 KiB, max 256, no realloc (x300)", EFFICIENCY,
     100 * KIB, 256, 0, 300, 5, 100 * KIB},
    {"efficiency_small_realloc", "heap efficiency, 100 KiB, max 256, realloc to < 1024 (x300)",
     EFFICIENCY, 100 * KIB, 256, 1024, 300, 5, 100 * KIB},
    {"simple_allocation", "blog_os simple_allocation, 100 KiB (x100000)", SIMPLE, 100 * KIB, 0, 0,
     100000, 100, 100 * KIB},
    {"large_vec", "blog_os large_vec, 100 KiB (x1000)", LARGE_VEC, 100 * KIB, 0, 0, 1000, 10,
     100 * KIB},
    {"many_boxes", "blog_os many_boxes, 100 KiB", MANY_BOXES, 100 * KIB, 0, 0, 102400, 2048,
     100 * KIB},
    {"many_boxes_long_lived", "blog_os many_boxes_long_lived, 100 KiB", MANY_BOXES_LONG_LIVED,
     100 * KIB, 0, 0, 102400, 2048, 100 * KIB},
};
#define NWORKLOADS (sizeof workloads / sizeof *workloads)

/* ---- Options --------------------------------------------------------------- */

static struct {
    bool check, quick, latency, list;
    const char *only, *allocator, *csv;
    int trials;
    uint64_t ops;
} opt = {.latency = true, .trials = 3};

static void usage(void)
{
    fprintf(stderr, "usage: bench_heap [--check] [--quick] [--only WORKLOAD] [--allocator NAME]\n"
                    "                  [--trials N] [--ops N] [--no-latency] [--csv FILE] "
                    "[--list]\n");
    exit(2);
}

static void parse(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--check") == 0) {
            opt.check = true;
        } else if (strcmp(a, "--quick") == 0) {
            opt.quick = true;
        } else if (strcmp(a, "--no-latency") == 0) {
            opt.latency = false;
        } else if (strcmp(a, "--list") == 0) {
            opt.list = true;
        } else if (val != NULL && strcmp(a, "--only") == 0) {
            opt.only = argv[++i];
        } else if (val != NULL && strcmp(a, "--allocator") == 0) {
            opt.allocator = argv[++i];
        } else if (val != NULL && strcmp(a, "--csv") == 0) {
            opt.csv = argv[++i];
        } else if (val != NULL && strcmp(a, "--trials") == 0) {
            opt.trials = atoi(argv[++i]);
        } else if (val != NULL && strcmp(a, "--ops") == 0) {
            opt.ops = strtoull(argv[++i], NULL, 0);
        } else {
            usage();
        }
    }
    if (opt.trials < 1)
        usage();
    if (opt.quick)
        opt.trials = 1;
}

/* ---- Environment ------------------------------------------------------------ */

static void fail(const char *workload, const char *what)
{
    fprintf(stderr, "bench_heap: %s: %s\n", workload, what);
    exit(1);
}

static uint64_t tsc_start(void)
{
    _mm_lfence();
    uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
}

static uint64_t tsc_end(void)
{
    unsigned aux;
    uint64_t t = __rdtscp(&aux);
    _mm_lfence();
    return t;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The timer's overhead: median of back-to-back start/end pairs. */
static uint32_t timer_overhead(void)
{
    enum { N = 100001 };
    static uint32_t t[N];
    for (int i = 0; i < N; i++) {
        uint64_t a = tsc_start();
        t[i] = (uint32_t)(tsc_end() - a);
    }
    qsort(t, N, sizeof *t, cmp_u32);
    return t[N / 2];
}

static double tsc_hz(void)
{
    double t0 = seconds();
    uint64_t c0 = __rdtsc();
    while (seconds() - t0 < 0.05)
        ;
    return (double)(__rdtsc() - c0) / (seconds() - t0);
}

/* One heap: state + the shared region, initialised fresh. */
static unsigned char *region;
static size_t region_capacity;

static struct allocator open_heap(const struct contender *c, void *state, size_t size)
{
    struct allocator a;
    if (!contender_open(c, state, region, size, &a))
        fail(c->ops->name, "init refused the region");
    return a;
}

/* ---- Running ------------------------------------------------------------------ */

struct row {
    double ops_per_s;
    double eff_mean, eff_min, eff_max;
    uint32_t p50, p99, p999;
    uint64_t calls, ops, failed;
    bool has_latency, has_eff;
};

static uint64_t count_of(const struct workload *w)
{
    if (opt.ops != 0 && (w->kind == RANDOM))
        return opt.ops;
    return opt.quick ? w->quick : w->count;
}

static size_t region_of(const struct workload *w)
{
    return opt.quick ? w->quick_region : w->region;
}

static void run_once(const struct workload *w, const struct allocator *a, struct bench_env *env,
                     uint64_t seed, struct bench_result *r)
{
    uint64_t n = count_of(w);
    switch (w->kind) {
    case RANDOM:
        bench_random_actions(a, env, w->max_size, n, seed, r);
        break;
    case EFFICIENCY:
        bench_efficiency_sized(a, env, w->max_size, w->realloc_max, seed, r);
        break;
    case SIMPLE:
        bench_simple_allocation(a, env, n, r);
        break;
    case LARGE_VEC:
        bench_large_vec(a, env, n, r);
        break;
    case MANY_BOXES:
        bench_many_boxes(a, env, n, false, r);
        break;
    case MANY_BOXES_LONG_LIVED:
        bench_many_boxes(a, env, n, true, r);
        break;
    }
    if (opt.check)
        allocator_check(a);
}

static uint64_t seed_of(int trial)
{
    return 0x5eed0000u + (uint64_t)trial;
}

static void run_efficiency(const struct workload *w, const struct contender *c, void *state,
                           struct bench_env *env, struct row *row)
{
    uint64_t trials = count_of(w);
    row->eff_min = 1e9;
    double sum = 0;
    for (uint64_t t = 0; t < trials; t++) {
        struct allocator a = open_heap(c, state, region_of(w));
        struct bench_result r;
        run_once(w, &a, env, seed_of((int)t), &r);
        double e = 100.0 * (double)r.live_bytes / (double)region_of(w);
        sum += e;
        row->eff_min = e < row->eff_min ? e : row->eff_min;
        row->eff_max = e > row->eff_max ? e : row->eff_max;
        row->calls += r.calls;
        row->ops += r.ops;
    }
    row->eff_mean = sum / (double)trials;
    row->has_eff = true;
}

static void run_timed(const struct workload *w, const struct contender *c, void *state,
                      struct bench_env *env, uint32_t overhead, struct row *row)
{
    double rates[64];
    int trials = opt.trials < 64 ? opt.trials : 64;
    for (int t = 0; t < trials; t++) {
        struct allocator a = open_heap(c, state, region_of(w));
        struct bench_result r;
        double t0 = seconds();
        run_once(w, &a, env, seed_of(t), &r);
        rates[t] = (double)r.ops / (seconds() - t0);
        row->calls = r.calls;
        row->ops = r.ops;
        row->failed = r.failed;
    }
    qsort(rates, (size_t)trials, sizeof *rates, cmp_double);
    row->ops_per_s = rates[trials / 2];
    if (!opt.latency)
        return;
    struct bench_env timed = *env;
    timed.now_start = tsc_start;
    timed.now_end = tsc_end;
    timed.sample_count = 0;
    struct allocator a = open_heap(c, state, region_of(w));
    struct bench_result r;
    run_once(w, &a, &timed, seed_of(0), &r);
    size_t n = timed.sample_count;
    if (n == 0)
        return;
    qsort(timed.samples, n, sizeof *timed.samples, cmp_u32);
    uint32_t *s = timed.samples;
#define PCT(q)                                                                                     \
    (s[(size_t)((double)(n - 1) * (q))] > overhead ? s[(size_t)((double)(n - 1) * (q))] - overhead \
                                                   : 0)
    row->p50 = PCT(0.50);
    row->p99 = PCT(0.99);
    row->p999 = PCT(0.999);
#undef PCT
    row->has_latency = true;
}

static bool selected(const struct contender *c)
{
    if (opt.allocator != NULL)
        return strcmp(opt.allocator, c->ops->name) == 0;
    return !c->hidden;
}

static void print_row(FILE *csv, const struct workload *w, const struct contender *c,
                      const struct row *row)
{
    printf("  %-12s", c->ops->name);
    if (row->has_eff)
        printf(" efficiency %6.2f %% (worst %6.2f, best %6.2f)", row->eff_mean, row->eff_min,
               row->eff_max);
    else
        printf(" %12.0f ops/s", row->ops_per_s);
    if (row->has_latency)
        printf("   p50 %5u  p99 %6u  p99.9 %7u cycles", row->p50, row->p99, row->p999);
    printf("   (%llu calls, %llu failed)\n", (unsigned long long)row->calls,
           (unsigned long long)row->failed);
    if (csv != NULL)
        fprintf(csv, "%s,%s,%.0f,%u,%u,%u,%.3f,%.3f,%.3f,%llu,%llu,%llu\n", w->name, c->ops->name,
                row->ops_per_s, row->p50, row->p99, row->p999, row->eff_mean, row->eff_min,
                row->eff_max, (unsigned long long)row->calls, (unsigned long long)row->ops,
                (unsigned long long)row->failed);
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    if (opt.list) {
        for (size_t i = 0; i < NWORKLOADS; i++)
            printf("%-25s %s\n", workloads[i].name, workloads[i].title);
        return 0;
    }
    region_capacity = 128 * MIB + 4096;
    region =
        mmap(NULL, region_capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED)
        fail("setup", "mmap failed");
    memset(region, 0, region_capacity); /* fault every page in before timing */
    size_t capacity = 2 * 1000 * 1000 + 4096;
    struct bench_env env = {
        .live = calloc(capacity, sizeof(struct bench_block)),
        .capacity = capacity,
        .check = opt.check,
        .samples = calloc(4 * 1000 * 1000, sizeof(uint32_t)),
        .sample_capacity = 4 * 1000 * 1000,
        .fail = fail,
    };
    void *state = calloc(1, sizeof(struct segfit_heap) + sizeof(struct tlsf_heap) +
                                sizeof(struct fixed_block_heap));
    if (env.live == NULL || env.samples == NULL || state == NULL)
        fail("setup", "out of memory");
    FILE *csv = NULL;
    if (opt.csv != NULL && (csv = fopen(opt.csv, "w")) == NULL)
        fail("setup", "cannot write the CSV file");
    if (csv != NULL)
        fprintf(csv, "workload,allocator,ops_per_s,p50,p99,p999,eff_mean,eff_min,eff_max,calls,"
                     "ops,failed\n");

    uint32_t overhead = opt.latency ? timer_overhead() : 0;
    printf("bench_heap: %d trial(s), median ops/s%s%s\n", opt.trials,
           opt.check ? ", check mode (every block filled and verified)" : "",
           opt.quick ? ", quick sizes" : "");
    if (opt.latency)
        printf("latency: rdtsc cycles per allocator call (TSC %.2f GHz), timer overhead %u "
               "cycles measured and subtracted\n",
               tsc_hz() / 1e9, overhead);
    for (size_t i = 0; i < NWORKLOADS; i++) {
        const struct workload *w = &workloads[i];
        if (opt.only != NULL && strcmp(opt.only, w->name) != 0)
            continue;
        printf("%s: %s\n", w->name, w->title);
        for (size_t k = 0; k < contender_count; k++) {
            const struct contender *c = &contenders[k];
            if (!selected(c) || (w->kind == EFFICIENCY && !c->region_bound))
                continue;
            struct row row = {0};
            if (w->kind == EFFICIENCY)
                run_efficiency(w, c, state, &env, &row);
            else
                run_timed(w, c, state, &env, overhead, &row);
            print_row(csv, w, c, &row);
            fflush(stdout);
        }
    }
    if (csv != NULL)
        fclose(csv);
    return 0;
}
