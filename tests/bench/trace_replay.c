/*
 * trace_replay: replays real programs' allocation traces (recorded by
 * trace_record.c, format trace_format.h) on keel's allocators and on glibc
 * malloc, through the allocator vtable (see docs/bench.md, "Real programs'
 * traces").
 *
 *   trace_replay [--allocator NAME[,NAME...]] [--runs N] [--max-ops N]
 *                [--region-mib N] [--no-fork] [--dump] TRACE...
 *
 * Each trace is compiled (trace_program.h: refused, exit status 1, if it is
 * not a valid history) and replayed with each allocator: one measured run,
 * then --runs timed runs (default 3; 0: none). Every run is a fresh child
 * process (unless --no-fork) with a fresh region: 4 GiB by default, mapped
 * MAP_NORESERVE, so only the pages blocks touch cost memory. Each block
 * handed out gets its first and last byte written.
 *
 * Every allocator call goes through bench_call_alloc/dealloc/realloc
 * (workloads.h), so that callgrind can count exactly them
 * (--collect-atstart=no --toggle-collect=bench_call_*); run it with
 * --runs 0 --no-fork and one allocator.
 *
 * Output, one line per trace and per (trace, allocator), key=value:
 *   trace  path program pid parent_pid records calls allocs frees reallocs
 *          inherited threads failed_recorded null_frees foreign_frees
 *          peak_live leaked
 *   replay trace allocator calls failed peak_live, then for keel's
 *          allocators footprint pages footprint_ratio pages_ratio
 *          (trace_footprint.h; ratios to peak_live), for glibc anchor
 *          anchor_ratio (the most mallinfo2() arena + hblkhd reached above
 *          where it started), then ops_per_s (calls per second, median of
 *          the timed runs) and runs.
 * The measured run gives every figure but ops_per_s. The replayer itself
 * takes its memory from mmap, never malloc, so glibc's figures are the
 * trace's alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench/contenders.h"
#include "tests/bench/trace_footprint.h"
#include "tests/bench/trace_program.h"
#include "tests/bench/trace_reader.h"
#include "tests/bench/workloads.h"

#define MIB      ((size_t)1 << 20)
#define MAX_RUNS 15

static struct {
    const struct contender *allocators[16];
    size_t nallocators;
    int runs;
    uint64_t max_ops;
    size_t region_size;
    bool no_fork, dump;
} opt = {.runs = 3, .region_size = 4096 * MIB};

/* ---- One run --------------------------------------------------------------------- */

/* A block of the replay, by slot. p == NULL: not live (or its allocation
 * failed). */
struct live_block {
    unsigned char *p;
    size_t size;
};

/* What the measured run watches besides the calls. */
struct measure {
    bool region_bound;
    struct footprint fp;         /* region_bound */
    size_t anchor_start, anchor; /* glibc: arena + hblkhd at the start, highest */
    void *brk;                   /* glibc: the program break when last sampled */
    uint64_t live, peak_live;    /* requested bytes */
    bool outside;                /* a block outside the region */
};

/* Filled by a run (in shared memory when the run is a child process). */
struct run_result {
    bool done;
    uint64_t calls, failed;
    uint64_t peak_live, footprint, pages, anchor;
    double seconds;
    char error[200];
};

static size_t glibc_anchor(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.arena + m.hblkhd;
}

/* glibc's arena + hblkhd can only grow when the program break moves or a
 * request is large enough to be mmap'd (128 KiB and up, glibc's lowest
 * threshold): sampled then only, mallinfo2() walks every free list. */
static void measure_glibc(struct measure *m, size_t request)
{
    void *brk = sbrk(0);
    if (brk == m->brk && request < 120 * 1024)
        return;
    m->brk = brk;
    size_t a = glibc_anchor();
    m->anchor = a > m->anchor ? a : m->anchor;
}

/* Block p, `size` bytes aligned to `align`, was handed out (replacing a
 * block of old_size bytes: a realloc; 0 otherwise). */
static void measure_block(struct measure *m, const void *p, size_t old_size, size_t size,
                          size_t align)
{
    m->live = m->live - old_size + size;
    m->peak_live = m->live > m->peak_live ? m->live : m->peak_live;
    if (!m->region_bound)
        measure_glibc(m, size + align);
    else if (!footprint_note(&m->fp, p, size))
        m->outside = true;
}

static void touch(unsigned char *p, size_t size)
{
    if (size > 0) {
        p[0] = (unsigned char)size;
        p[size - 1] = (unsigned char)(size >> 8);
    }
}

/* Replays prog on a; m (NULL in timed runs) watches. Inlined twice, so
 * that the timed loop carries no measuring. */
static inline __attribute__((always_inline)) void
replay_loop(const struct trace_program *prog, const struct allocator *a, struct live_block *blocks,
            struct measure *m, struct run_result *r)
{
    for (size_t i = 0; i < prog->nops; i++) {
        const struct replay_op *op = &prog->ops[i];
        struct live_block *b = &blocks[op->slot];
        struct layout l = {.size = b->size, .align = (size_t)1 << op->align_shift};
        unsigned char *q;
        r->calls++;
        if (op->kind == REPLAY_FREE) {
            if (b->p == NULL) {
                r->calls--; /* its allocation failed: nothing to free */
                continue;
            }
            bench_call_dealloc(a, b->p, l);
            if (m != NULL)
                m->live -= b->size;
            b->p = NULL;
            continue;
        }
        if (op->kind == REPLAY_REALLOC && b->p != NULL) {
            q = bench_call_realloc(a, b->p, l, op->size);
        } else {
            l.size = op->size;
            q = bench_call_alloc(a, l);
        }
        if (q == NULL) {
            r->failed++;
            continue; /* a failed realloc leaves the block as it was */
        }
        touch(q, op->size);
        if (m != NULL)
            measure_block(m, q, b->p != NULL ? b->size : 0, op->size, l.align);
        *b = (struct live_block){q, op->size};
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *map(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Frees what the run left live, outside bench_call_* (in-process runs
 * only: a child process just exits). A slot's last op is its current
 * block's, so the slots are visited from the end. */
static void free_leftovers(const struct trace_program *prog, const struct allocator *a,
                           struct live_block *blocks)
{
    for (size_t i = prog->nops; i-- > 0;) {
        const struct replay_op *op = &prog->ops[i];
        struct live_block *b = &blocks[op->slot];
        if (b->p != NULL) {
            allocator_dealloc(a, b->p, (struct layout){b->size, (size_t)1 << op->align_shift});
            b->p = NULL;
        }
    }
}

/* One run of prog on c: measured or timed. */
static void run(const struct trace_program *prog, const struct contender *c, bool measured,
                struct run_result *r)
{
    size_t nslots = prog->nslots == 0 ? 1 : prog->nslots;
    struct live_block *blocks = map(nslots * sizeof *blocks);
    void *state = map(contender_state_size_max());
    void *region = c->region_bound ? map(opt.region_size) : NULL;
    struct allocator a;
    struct measure m = {.region_bound = c->region_bound};
    if (blocks == NULL || state == NULL || (c->region_bound && region == NULL) ||
        (measured && c->region_bound && !footprint_init(&m.fp, region, opt.region_size))) {
        snprintf(r->error, sizeof r->error, "out of memory for the run");
        return;
    }
    if (!contender_open(c, state, region, opt.region_size, &a)) {
        snprintf(r->error, sizeof r->error, "init refused a %zu MiB region", opt.region_size / MIB);
        return;
    }
    if (measured && !c->region_bound) {
        m.brk = sbrk(0);
        m.anchor = m.anchor_start = glibc_anchor();
    }
    double t0 = now();
    if (measured)
        replay_loop(prog, &a, blocks, &m, r);
    else
        replay_loop(prog, &a, blocks, NULL, r);
    r->seconds = now() - t0;
    if (measured) {
        if (m.outside)
            snprintf(r->error, sizeof r->error, "a block outside the region");
        allocator_check(&a);
        if (!c->region_bound)
            measure_glibc(&m, SIZE_MAX);
        r->peak_live = m.peak_live;
        r->footprint = m.fp.top - m.fp.start;
        r->pages = m.fp.pages;
        r->anchor = m.anchor - m.anchor_start;
    }
    if (opt.no_fork) {
        free_leftovers(prog, &a, blocks);
        if (measured && c->region_bound)
            footprint_free(&m.fp);
        munmap(blocks, nslots * sizeof *blocks);
        munmap(state, contender_state_size_max());
        if (region != NULL)
            munmap(region, opt.region_size);
    }
    r->done = r->error[0] == '\0';
}

/* run() in a child process (unless --no-fork); false, with a message, if
 * the run failed or the child died. */
static bool run_apart(const struct trace_program *prog, const struct contender *c, bool measured,
                      struct run_result *out)
{
    *out = (struct run_result){0};
    if (opt.no_fork) {
        run(prog, c, measured, out);
        return out->done;
    }
    struct run_result *shared =
        mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        snprintf(out->error, sizeof out->error, "mmap: %s", strerror(errno));
        return false;
    }
    *shared = (struct run_result){0};
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        run(prog, c, measured, shared);
        _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        snprintf(shared->error, sizeof shared->error, "fork/wait: %s", strerror(errno));
    else if (WIFSIGNALED(status))
        snprintf(shared->error, sizeof shared->error, "the run died of signal %d",
                 WTERMSIG(status));
    *out = *shared;
    munmap(shared, sizeof *shared);
    return out->done;
}

/* ---- Per trace --------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double ratio(uint64_t a, uint64_t b)
{
    return b == 0 ? 0.0 : (double)a / (double)b;
}

/* Measures and times prog on c; prints the replay line. Returns false if a
 * run failed. */
static bool replay_with(const char *path, const struct trace_program *prog,
                        const struct contender *c)
{
    struct run_result m, t;
    double rates[MAX_RUNS];
    bool ok = run_apart(prog, c, true, &m);
    int runs = 0;
    for (; ok && runs < opt.runs; runs++) {
        ok = run_apart(prog, c, false, &t);
        rates[runs] = t.seconds > 0 ? (double)t.calls / t.seconds : 0.0;
    }
    if (!ok) {
        fprintf(stderr, "trace_replay: %s: %s: %s\n", path, c->ops->name,
                m.done ? t.error : m.error);
        return false;
    }
    qsort(rates, (size_t)runs, sizeof *rates, cmp_double);
    printf("replay trace=%s allocator=%s calls=%llu failed=%llu peak_live=%llu", path, c->ops->name,
           (unsigned long long)m.calls, (unsigned long long)m.failed,
           (unsigned long long)m.peak_live);
    if (c->region_bound)
        printf(" footprint=%llu pages=%llu footprint_ratio=%.3f pages_ratio=%.3f",
               (unsigned long long)m.footprint, (unsigned long long)m.pages,
               ratio(m.footprint, m.peak_live), ratio(m.pages * FOOTPRINT_PAGE, m.peak_live));
    else
        printf(" anchor=%llu anchor_ratio=%.3f", (unsigned long long)m.anchor,
               ratio(m.anchor, m.peak_live));
    if (runs > 0)
        printf(" ops_per_s=%.0f runs=%d", rates[runs / 2], runs);
    printf("\n");
    fflush(stdout);
    return true;
}

static void print_trace(const char *path, const struct trace_program *p)
{
    printf("trace path=%s program=%s pid=%u parent_pid=%u records=%llu calls=%zu allocs=%llu "
           "frees=%llu reallocs=%llu inherited=%llu threads=%llu failed_recorded=%llu "
           "null_frees=%llu foreign_frees=%llu peak_live=%llu leaked=%llu\n",
           path, p->program, p->pid, p->parent_pid, (unsigned long long)p->records, p->nops,
           (unsigned long long)p->allocs, (unsigned long long)p->frees,
           (unsigned long long)p->reallocs, (unsigned long long)p->inherited,
           (unsigned long long)p->threads, (unsigned long long)p->failed_recorded,
           (unsigned long long)p->null_frees, (unsigned long long)p->foreign_frees,
           (unsigned long long)p->peak_live_bytes, (unsigned long long)p->leaked_blocks);
}

/* One record as --dump shows it: offset, op, its fields. */
static void print_record(const struct trace_record *r)
{
    printf("%zu %s%s", r->offset, trace_op_name(r->op), r->failed ? " failed" : "");
    if (trace_op_allocates(r->op))
        printf(" id=%llu size=%llu align=%llu", (unsigned long long)r->id,
               (unsigned long long)r->size, (unsigned long long)r->align);
    else if (trace_op_reallocates(r->op))
        printf(" old=%llu id=%llu size=%llu", (unsigned long long)r->old_id,
               (unsigned long long)r->id, (unsigned long long)r->size);
    else if (r->op == TRACE_FREE)
        printf(" id=%llu", (unsigned long long)r->id);
    else if (r->op == TRACE_THREAD)
        printf(" thread=%llu", (unsigned long long)r->thread);
    printf("\n");
}

/* --dump: every record, one a line. Returns false on a bad record. */
static bool dump(const char *path)
{
    struct trace_file t;
    struct trace_record r;
    char err[256];
    enum trace_read e;
    if (!trace_open(&t, path, err, sizeof err)) {
        fprintf(stderr, "trace_replay: %s: %s\n", path, err);
        return false;
    }
    printf("# %s: %s pid %u parent %u\n", path, t.program, t.pid, t.parent_pid);
    while ((e = trace_next(&t, &r)) == TRACE_READ_OK)
        print_record(&r);
    if (e != TRACE_READ_END)
        fprintf(stderr, "trace_replay: %s: bad record at offset %zu\n", path, t.offset);
    trace_close(&t);
    return e == TRACE_READ_END;
}

static bool replay_trace(const char *path)
{
    struct trace_program prog;
    char err[512];
    if (!trace_program_load(&prog, path, opt.max_ops, err, sizeof err)) {
        fprintf(stderr, "trace_replay: %s: refused: %s\n", path, err);
        return false;
    }
    print_trace(path, &prog);
    fflush(stdout);
    bool ok = true;
    for (size_t i = 0; i < opt.nallocators; i++)
        ok = replay_with(path, &prog, opt.allocators[i]) && ok;
    trace_program_free(&prog);
    return ok;
}

/* ---- Options ------------------------------------------------------------------------ */

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: trace_replay [--allocator NAME[,NAME...]] [--runs N] [--max-ops N]\n"
                    "                    [--region-mib N] [--no-fork] [--dump] TRACE...\n");
    exit(2);
}

static void add_allocators(char *list)
{
    for (char *name = strtok(list, ","); name != NULL; name = strtok(NULL, ",")) {
        const struct contender *c = contender_named(name);
        if (c == NULL) {
            fprintf(stderr, "trace_replay: no allocator named %s\n", name);
            exit(2);
        }
        if (opt.nallocators == sizeof opt.allocators / sizeof *opt.allocators)
            usage();
        opt.allocators[opt.nallocators++] = c;
    }
}

/* Returns the index of the first trace argument. */
static int parse(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--no-fork") == 0)
            opt.no_fork = true;
        else if (strcmp(a, "--dump") == 0)
            opt.dump = true;
        else if (has_value && strcmp(a, "--allocator") == 0)
            add_allocators(argv[++i]);
        else if (has_value && strcmp(a, "--runs") == 0)
            opt.runs = atoi(argv[++i]);
        else if (has_value && strcmp(a, "--max-ops") == 0)
            opt.max_ops = strtoull(argv[++i], NULL, 0);
        else if (has_value && strcmp(a, "--region-mib") == 0)
            opt.region_size = (size_t)strtoull(argv[++i], NULL, 0) * MIB;
        else
            usage();
    }
    if (i == argc || opt.runs < 0 || opt.runs > MAX_RUNS || opt.region_size == 0)
        usage();
    if (opt.nallocators == 0)
        for (size_t k = 0; k < contender_count; k++)
            if (!contenders[k].hidden)
                opt.allocators[opt.nallocators++] = &contenders[k];
    return i;
}

int main(int argc, char **argv)
{
    /* stdout's buffer is static, so that stdio never calls malloc. */
    static char out_buffer[1 << 16];
    setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    int first = parse(argc, argv);
    bool ok = true;
    for (int i = first; i < argc; i++)
        ok = (opt.dump ? dump(argv[i]) : replay_trace(argv[i])) && ok;
    fflush(stdout);
    return ok ? 0 : 1;
}
