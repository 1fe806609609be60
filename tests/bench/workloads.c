/* The benchmark workloads (see workloads.h). */
#include "tests/bench/workloads.h"

/* ---- The counted calls --------------------------------------------------- */

/* Each does the vtable call and nothing else (realloc: the default body
 * when the allocator has none); the empty asm after the call keeps the
 * compiler from turning it into a tail jump, so that callgrind sees the
 * callee run inside the wrapper. */
__attribute__((noinline)) void *bench_call_alloc(const struct allocator *a, struct layout l)
{
    void *p = allocator_alloc(a, l);
    __asm__ volatile("" : "+r"(p));
    return p;
}

__attribute__((noinline)) void bench_call_dealloc(const struct allocator *a, void *p,
                                                  struct layout l)
{
    allocator_dealloc(a, p, l);
    __asm__ volatile("");
}

__attribute__((noinline)) void *bench_call_realloc(const struct allocator *a, void *p,
                                                   struct layout l, size_t new_size)
{
    void *q = allocator_realloc(a, p, l, new_size);
    __asm__ volatile("" : "+r"(q));
    return q;
}

/* ---- Timed wrappers -------------------------------------------------------- */

static void sample(struct bench_env *env, uint64_t t0, uint64_t t1)
{
    if (env->sample_count < env->sample_capacity)
        env->samples[env->sample_count++] = (uint32_t)(t1 - t0 > UINT32_MAX ? UINT32_MAX : t1 - t0);
}

static void *do_alloc(const struct allocator *a, struct bench_env *env, struct layout l,
                      struct bench_result *r)
{
    r->calls++;
    if (env->now_start == NULL)
        return bench_call_alloc(a, l);
    uint64_t t0 = env->now_start();
    void *p = bench_call_alloc(a, l);
    sample(env, t0, env->now_end());
    return p;
}

static void do_dealloc(const struct allocator *a, struct bench_env *env, void *p, struct layout l,
                       struct bench_result *r)
{
    r->calls++;
    if (env->now_start == NULL) {
        bench_call_dealloc(a, p, l);
        return;
    }
    uint64_t t0 = env->now_start();
    bench_call_dealloc(a, p, l);
    sample(env, t0, env->now_end());
}

static void *do_realloc(const struct allocator *a, struct bench_env *env, void *p, struct layout l,
                        size_t new_size, struct bench_result *r)
{
    r->calls++;
    if (env->now_start == NULL)
        return bench_call_realloc(a, p, l, new_size);
    uint64_t t0 = env->now_start();
    void *q = bench_call_realloc(a, p, l, new_size);
    sample(env, t0, env->now_end());
    return q;
}

/* ---- Random draws ------------------------------------------------------------ */

/* wyrand: small, fast, good enough to drive a benchmark. */
static uint64_t rnd(uint64_t *state)
{
    *state += 0xa0761d6478bd642full;
    __uint128_t m = (__uint128_t)*state * (*state ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

/* Uniform in [lo, hi), hi > lo (multiply-high: no division). */
static uint64_t rnd_range(uint64_t *state, uint64_t lo, uint64_t hi)
{
    return lo + (uint64_t)(((__uint128_t)rnd(state) * (hi - lo)) >> 64);
}

static size_t rnd_size(uint64_t *state, size_t max_size)
{
    size_t cap = rnd_range(state, 16, max_size);
    return rnd_range(state, 4, cap);
}

static size_t rnd_align(uint64_t *state)
{
    uint16_t x = (uint16_t)rnd(state);
    int tz = x == 0 ? 16 : __builtin_ctz(x);
    return (size_t)8 << (tz / 2);
}

/* ---- Check mode ---------------------------------------------------------------- */

static unsigned char pattern(uint32_t tag, size_t i)
{
    return (unsigned char)(tag * 0x9du + i * 7u + (i >> 8));
}

static void fill(const struct bench_env *env, const struct bench_block *b)
{
    if (!env->check)
        return;
    for (size_t i = 0; i < b->size; i++)
        b->p[i] = pattern(b->tag, i);
}

static void verify(const struct bench_env *env, const struct bench_block *b, size_t n,
                   const char *workload)
{
    if (!env->check)
        return;
    if ((uintptr_t)b->p % b->align != 0)
        env->fail(workload, "block not aligned as requested");
    for (size_t i = 0; i < n; i++)
        if (b->p[i] != pattern(b->tag, i))
            env->fail(workload, "block contents changed while it was live");
}

/* ---- Live set ------------------------------------------------------------------ */

struct live_set {
    const struct allocator *a;
    struct bench_env *env;
    struct bench_result *r;
    const char *workload;
    size_t n;
    size_t bytes;
    uint32_t next_tag;
};

static bool try_alloc(struct live_set *ls, size_t size, size_t align)
{
    if (ls->n == ls->env->capacity)
        ls->env->fail(ls->workload, "live block array full");
    struct bench_block b = {.size = size, .align = align, .tag = ls->next_tag++};
    b.p = do_alloc(ls->a, ls->env, (struct layout){size, align}, ls->r);
    if (b.p == NULL)
        return false;
    fill(ls->env, &b);
    ls->env->live[ls->n++] = b;
    ls->bytes += size;
    return true;
}

static void free_at(struct live_set *ls, size_t i)
{
    struct bench_block b = ls->env->live[i];
    verify(ls->env, &b, b.size, ls->workload);
    do_dealloc(ls->a, ls->env, b.p, (struct layout){b.size, b.align}, ls->r);
    ls->env->live[i] = ls->env->live[--ls->n];
    ls->bytes -= b.size;
}

static bool realloc_at(struct live_set *ls, size_t i, size_t new_size)
{
    struct bench_block *b = &ls->env->live[i];
    verify(ls->env, b, b->size, ls->workload);
    void *q = do_realloc(ls->a, ls->env, b->p, (struct layout){b->size, b->align}, new_size, ls->r);
    if (q == NULL) {
        verify(ls->env, b, b->size, ls->workload);
        return false;
    }
    size_t keep = b->size < new_size ? b->size : new_size;
    ls->bytes = ls->bytes - b->size + new_size;
    b->p = q;
    verify(ls->env, b, keep, ls->workload);
    b->size = new_size;
    b->tag = ls->next_tag++;
    fill(ls->env, b);
    return true;
}

static void free_all(struct live_set *ls)
{
    while (ls->n > 0)
        free_at(ls, ls->n - 1);
}

/* ---- Workloads ------------------------------------------------------------------ */

void bench_random_actions(const struct allocator *a, struct bench_env *env, size_t max_size,
                          uint64_t ops, uint64_t seed, struct bench_result *out)
{
    *out = (struct bench_result){0};
    struct live_set ls = {.a = a, .env = env, .r = out, .workload = "random_actions"};
    uint64_t rng = seed;
    for (uint64_t op = 0; op < ops; op++) {
        uint64_t action = rnd_range(&rng, 0, 7);
        bool ok;
        if (action == 6 && ls.n > 0) {
            size_t i = rnd_range(&rng, 0, ls.n);
            ok = realloc_at(&ls, i, rnd_range(&rng, 1, 3 * max_size));
        } else if (action < 3 || ls.n < 300) {
            size_t size = rnd_size(&rng, max_size);
            ok = try_alloc(&ls, size, rnd_align(&rng));
        } else {
            free_at(&ls, rnd_range(&rng, 0, ls.n));
            ok = true;
        }
        out->ops += ok;
        out->failed += !ok;
    }
    free_all(&ls);
}

void bench_efficiency_sized(const struct allocator *a, struct bench_env *env, size_t max_size,
                            size_t realloc_max, uint64_t seed, struct bench_result *out)
{
    *out = (struct bench_result){0};
    struct live_set ls = {.a = a, .env = env, .r = out, .workload = "efficiency"};
    uint64_t rng = seed;
    for (;;) {
        uint64_t action = rnd_range(&rng, 0, 10);
        bool ok = true;
        if (action < 5) {
            size_t size = rnd_size(&rng, max_size);
            ok = try_alloc(&ls, size, rnd_align(&rng));
        } else if (action == 5) {
            if (ls.n > 0)
                free_at(&ls, rnd_range(&rng, 0, ls.n));
        } else if (realloc_max > 1 && ls.n > 0) {
            size_t i = rnd_range(&rng, 0, ls.n);
            ok = realloc_at(&ls, i, rnd_range(&rng, 1, realloc_max));
        }
        if (!ok)
            break;
        out->ops++;
    }
    out->failed = 1;
    out->live_bytes = ls.bytes;
    out->live_blocks = ls.n;
    free_all(&ls);
}

void bench_efficiency(const struct allocator *a, struct bench_env *env, size_t max_size,
                      bool with_realloc, uint64_t seed, struct bench_result *out)
{
    bench_efficiency_sized(a, env, max_size, with_realloc ? 10 * max_size : 0, seed, out);
}

void bench_simple_allocation(const struct allocator *a, struct bench_env *env, uint64_t reps,
                             struct bench_result *out)
{
    *out = (struct bench_result){0};
    const struct layout l = {sizeof(int), sizeof(int)};
    (void)env;
    for (uint64_t i = 0; i < reps; i++) {
        int *x = do_alloc(a, env, l, out), *y = do_alloc(a, env, l, out);
        if (x == NULL || y == NULL)
            env->fail("simple_allocation", "allocation failed");
        *x = 41;
        *y = 13;
        __asm__ volatile("" ::"r"(x), "r"(y) : "memory");
        out->checksum += (uint64_t)(*x + *y);
        do_dealloc(a, env, x, l, out);
        do_dealloc(a, env, y, l, out);
        out->ops += 4;
    }
}

/* A Vec<u64> grown by 1000 pushes: capacity 4, then doubling, each growth a
 * realloc; summed, then dropped. */
void bench_large_vec(const struct allocator *a, struct bench_env *env, uint64_t reps,
                     struct bench_result *out)
{
    *out = (struct bench_result){0};
    for (uint64_t rep = 0; rep < reps; rep++) {
        uint64_t *v = NULL;
        size_t len = 0, cap = 0;
        for (uint64_t i = 0; i < 1000; i++) {
            if (len == cap) {
                size_t grown = cap == 0 ? 4 : 2 * cap;
                v = cap == 0 ? do_alloc(a, env, (struct layout){grown * 8, 8}, out)
                             : do_realloc(a, env, v, (struct layout){cap * 8, 8}, grown * 8, out);
                if (v == NULL)
                    env->fail("large_vec", "allocation failed");
                cap = grown;
                out->ops++;
            }
            v[len++] = i;
        }
        uint64_t sum = 0;
        for (size_t i = 0; i < len; i++)
            sum += v[i];
        if (sum != 999 * 1000 / 2)
            env->fail("large_vec", "wrong sum");
        out->checksum += sum;
        do_dealloc(a, env, v, (struct layout){cap * 8, 8}, out);
        out->ops++;
    }
}

void bench_many_boxes(const struct allocator *a, struct bench_env *env, uint64_t boxes,
                      bool long_lived, struct bench_result *out)
{
    *out = (struct bench_result){0};
    const struct layout l = {8, 8}, ll = {4, 4};
    const char *name = long_lived ? "many_boxes_long_lived" : "many_boxes";
    uint32_t *keep = NULL;
    if (long_lived) {
        keep = do_alloc(a, env, ll, out);
        if (keep == NULL)
            env->fail(name, "allocation failed");
        *keep = 1;
        out->ops++;
    }
    for (uint64_t i = 0; i < boxes; i++) {
        uint64_t *x = do_alloc(a, env, l, out);
        if (x == NULL)
            env->fail(name, "allocation failed");
        *x = i;
        __asm__ volatile("" ::"r"(x) : "memory");
        if (*x != i)
            env->fail(name, "box lost its value");
        out->checksum += *x;
        do_dealloc(a, env, x, l, out);
        out->ops += 2;
    }
    if (long_lived) {
        if (*keep != 1)
            env->fail(name, "long-lived box lost its value");
        do_dealloc(a, env, keep, ll, out);
        out->ops++;
    }
}
