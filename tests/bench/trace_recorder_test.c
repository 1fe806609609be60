/*
 * The recorder (trace_record.c) on a program whose calls are known
 * (trace_test_program.c): every record of its three windows is checked.
 *
 *   trace_recorder_test <libtrace_record.so> <trace_test_program> <work dir>
 *
 * The program runs once, under the recorder, with KEEL_TRACE=<dir>/t; the
 * tests then read <dir>/t.<pid>.trace (and its child's file). Ids are
 * checked by pairing: the expectations name blocks (A, B, ...), the first
 * record naming a block binds it to the recorder's id, every later one must
 * carry the same id, and two names never share one.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/bench/trace_reader.h"

/* As in trace_test_program.c. */
#define MARK_BEGIN 7340001
#define MARK_END   7350001

static const char *recorder, *program, *dir;
static pid_t parent_pid, child_pid;

/* ---- The program's traces -------------------------------------------------------- */

struct trace {
    struct trace_file file;
    struct trace_record *r;
    size_t n;
    enum trace_read end; /* how reading stopped */
};

static struct trace parent, child;

static void load(struct trace *t, const char *path)
{
    char err[256];
    if (!trace_open(&t->file, path, err, sizeof err))
        fail_msg("%s: %s", path, err);
    size_t cap = 1024;
    t->r = malloc(cap * sizeof *t->r);
    struct trace_record rec;
    while ((t->end = trace_next(&t->file, &rec)) == TRACE_READ_OK) {
        if (t->n == cap)
            t->r = realloc(t->r, (cap *= 2) * sizeof *t->r);
        t->r[t->n++] = rec;
    }
}

/* Runs the program under the recorder; loads its two traces. */
static int run_program(void **state)
{
    (void)state;
    char prefix[4096], path[4200];
    mkdir(dir, 0755);
    DIR *d = opendir(dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        if (strncmp(e->d_name, "t.", 2) == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (d != NULL)
        closedir(d);
    snprintf(prefix, sizeof prefix, "%s/t", dir);
    parent_pid = fork();
    if (parent_pid == 0) {
        setenv("KEEL_TRACE", prefix, 1);
        setenv("LD_PRELOAD", recorder, 1);
        execl(program, program, (char *)NULL);
        _exit(127);
    }
    int status;
    if (parent_pid < 0 || waitpid(parent_pid, &status, 0) != parent_pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s did not exit with 0\n", program);
        return -1;
    }
    snprintf(path, sizeof path, "%s/t.%d.trace", dir, (int)parent_pid);
    load(&parent, path);
    /* The child's file: the other one in the directory. */
    d = opendir(dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        if (strncmp(e->d_name, "t.", 2) == 0 && atoi(e->d_name + 2) != parent_pid)
            child_pid = atoi(e->d_name + 2);
    closedir(d);
    snprintf(path, sizeof path, "%s/t.%d.trace", dir, (int)child_pid);
    load(&child, path);
    return 0;
}

/* ---- Expectations ----------------------------------------------------------------------- */

#define NAMES 64
#define NUL   0 /* the name of NULL (id 0) */

/* One expected record: op (TRACE_FAILED or-ed in if it failed), the names
 * of its block(s), size, align. */
struct want {
    unsigned op;
    int id, old;
    uint64_t size, align;
};

/* Name -> id bindings (names 1..NAMES-1). */
struct binding {
    uint64_t id[NAMES];
};

static void bind(struct binding *b, int name, uint64_t id, size_t at)
{
    if (name == NUL) {
        if (id != 0)
            fail_msg("record %zu: id %llu where NULL was expected", at, (unsigned long long)id);
        return;
    }
    if (id == 0)
        fail_msg("record %zu: NULL where block %d was expected", at, name);
    if (b->id[name] == 0) {
        for (int k = 1; k < NAMES; k++)
            if (b->id[k] == id)
                fail_msg("record %zu: id %llu given to blocks %d and %d", at,
                         (unsigned long long)id, k, name);
        b->id[name] = id;
    } else if (b->id[name] != id) {
        fail_msg("record %zu: block %d has id %llu, earlier %llu", at, name, (unsigned long long)id,
                 (unsigned long long)b->id[name]);
    }
}

static void expect_record(struct binding *b, const struct trace_record *r, const struct want *w,
                          size_t at)
{
    unsigned op = r->op | (r->failed ? TRACE_FAILED : 0);
    if (op != w->op)
        fail_msg("record %zu: %s%s, expected %s%s", at, trace_op_name(r->op),
                 r->failed ? " (failed)" : "", trace_op_name(w->op & TRACE_OP_MASK),
                 w->op & TRACE_FAILED ? " (failed)" : "");
    assert_int_equal(r->size, w->size);
    assert_int_equal(r->align, w->align);
    bind(b, w->id, r->id, at);
    if (trace_op_reallocates(r->op))
        bind(b, w->old, r->old_id, at);
}

/* Index of the first record at or after `from` allocating `size`. */
static size_t find_alloc(const struct trace *t, size_t from, uint64_t size)
{
    for (size_t i = from; i < t->n; i++)
        if (trace_op_allocates(t->r[i].op) && !t->r[i].failed && t->r[i].size == size)
            return i;
    fail_msg("no allocation of %llu bytes", (unsigned long long)size);
    return 0;
}

/* The records of window k: from its opening marker's malloc to its closing
 * marker's free, both included. */
static void window(const struct trace *t, int k, size_t *first, size_t *end)
{
    *first = find_alloc(t, 0, MARK_BEGIN + (uint64_t)k);
    *end = find_alloc(t, *first, MARK_END + (uint64_t)k) + 2;
    assert_true(*end <= t->n);
    assert_int_equal(t->r[*end - 1].op, TRACE_FREE);
    assert_int_equal(t->r[*end - 1].id, t->r[*end - 2].id);
}

static void expect_window(const struct trace *t, size_t first, const struct want *w, size_t n)
{
    struct binding b = {0};
    for (size_t i = 0; i < n; i++)
        expect_record(&b, &t->r[first + i], &w[i], first + i);
}

/* ---- The tests --------------------------------------------------------------------------- */

static void one_file_per_process_named_by_its_pid(void **state)
{
    (void)state;
    assert_int_equal(parent.file.pid, parent_pid);
    assert_int_equal(parent.file.parent_pid, 0);
    assert_string_equal(parent.file.program, "trace_test_program");
    assert_int_equal(child.file.pid, child_pid);
    assert_int_equal(child.file.parent_pid, parent_pid);
    assert_string_equal(child.file.program, "trace_test_program");
    assert_int_equal(parent.end, TRACE_READ_END); /* nothing cut short */
    assert_int_equal(child.end, TRACE_READ_END);
    int files = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        files += strncmp(e->d_name, "t.", 2) == 0;
    closedir(d);
    assert_int_equal(files, 2);
}

enum { A = 1, Z, B, C, Q, R, P64, A256, M4K, V, PV, ZERO, M1, M2 };

static void main_thread_calls_are_recorded_exactly(void **state)
{
    (void)state;
    const uint64_t mb = MARK_BEGIN + 1, me = MARK_END + 1;
    static const struct want w[] = {
        {TRACE_MALLOC, M1, 0, MARK_BEGIN + 1, 0},
        {TRACE_FREE, M1, 0, 0, 0},
        {TRACE_MALLOC, A, 0, 100, 0},
        {TRACE_CALLOC, Z, 0, 300, 0},
        {TRACE_REALLOC, B, A, 5000, 0},
        {TRACE_REALLOC, C, B, 50, 0},
        {TRACE_REALLOC, Q, NUL, 70, 0},
        {TRACE_REALLOC, NUL, Q, 0, 0}, /* realloc(q, 0): freed, not failed */
        {TRACE_REALLOCARRAY, R, NUL, 128, 0},
        {TRACE_REALLOCARRAY | TRACE_FAILED, NUL, R, SIZE_MAX, 0},
        {TRACE_POSIX_MEMALIGN, P64, 0, 200, 64},
        {TRACE_POSIX_MEMALIGN | TRACE_FAILED, NUL, 0, 8, 3},
        {TRACE_ALIGNED_ALLOC, A256, 0, 512, 256},
        {TRACE_MEMALIGN, M4K, 0, 10, 4096},
        {TRACE_VALLOC, V, 0, 33, 4096},
        {TRACE_PVALLOC, PV, 0, 1, 4096},
        {TRACE_MALLOC, ZERO, 0, 0, 0},
        {TRACE_FREE, NUL, 0, 0, 0},
        {TRACE_MALLOC | TRACE_FAILED, NUL, 0, (uint64_t)1 << 62, 0},
        {TRACE_FREE, C, 0, 0, 0},
        {TRACE_FREE, Z, 0, 0, 0},
        {TRACE_FREE, R, 0, 0, 0},
        {TRACE_FREE, P64, 0, 0, 0},
        {TRACE_FREE, A256, 0, 0, 0},
        {TRACE_FREE, M4K, 0, 0, 0},
        {TRACE_FREE, V, 0, 0, 0},
        {TRACE_FREE, PV, 0, 0, 0},
        {TRACE_FREE, ZERO, 0, 0, 0},
        {TRACE_MALLOC, M2, 0, MARK_END + 1, 0},
        {TRACE_FREE, M2, 0, 0, 0},
    };
    size_t first, end;
    window(&parent, 1, &first, &end);
    assert_int_equal(parent.r[first].size, mb);
    assert_int_equal(parent.r[end - 2].size, me);
    assert_int_equal(end - first, sizeof w / sizeof *w); /* no THREAD record, nothing else */
    expect_window(&parent, first, w, sizeof w / sizeof *w);
}

/* Window 2: the main thread's markers, and each worker's 50 mallocs then
 * 50 frees, in order, whatever the interleaving. */
static void each_thread_calls_are_recorded_in_its_order(void **state)
{
    (void)state;
    size_t first, end;
    window(&parent, 2, &first, &end);
    uint64_t thread = 1, main_thread = 0, workers[2] = {0, 0};
    size_t seen[2] = {0, 0}, main_records = 0, threads = 0;
    uint64_t ids[2][50];
    for (size_t i = 0; i < first; i++)
        if (parent.r[i].op == TRACE_THREAD)
            thread = parent.r[i].thread;
    main_thread = thread;
    for (size_t i = first; i < end; i++) {
        const struct trace_record *r = &parent.r[i];
        if (r->op == TRACE_THREAD) {
            thread = r->thread;
            threads++;
            continue;
        }
        if (thread == main_thread) {
            main_records++;
            continue;
        }
        assert_false(r->failed);
        int t = workers[0] == thread ? 0 : workers[1] == thread ? 1 : -1;
        if (t < 0) {
            assert_int_equal(r->op, TRACE_MALLOC); /* a worker starts with a malloc */
            t = r->size >= 2000 ? 1 : 0;
            assert_int_equal(workers[t], 0);
            workers[t] = thread;
        }
        size_t k = seen[t]++;
        if (k < 50) {
            assert_int_equal(r->op, TRACE_MALLOC);
            assert_int_equal(r->size, 1000 * (uint64_t)(t + 1) + k);
            assert_int_equal(r->align, 0);
            ids[t][k] = r->id;
        } else {
            assert_true(k < 100);
            assert_int_equal(r->op, TRACE_FREE);
            assert_int_equal(r->id, ids[t][k - 50]);
        }
    }
    assert_int_equal(main_records, 4);
    assert_int_equal(seen[0], 100);
    assert_int_equal(seen[1], 100);
    assert_true(workers[0] != 0 && workers[1] != 0 && workers[0] != workers[1]);
    assert_true(workers[0] != main_thread && workers[1] != main_thread);
    assert_true(threads >= 3); /* into a worker, ..., back to main for the closing marker */
    for (int t = 0; t < 2; t++)
        for (int k = 0; k < 50; k++)
            for (int j = 0; j < k; j++)
                assert_true(ids[t][k] != ids[t][j] && ids[t][k] != ids[1 - t][j]);
}

/* The parent's blocks live when it forked (at window 3's opening marker). */
static size_t live_at(const struct trace *t, size_t end, uint64_t *ids, uint64_t *sizes,
                      uint64_t *aligns, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < end; i++) {
        const struct trace_record *r = &t->r[i];
        uint64_t gone = r->op == TRACE_FREE ? r->id : trace_op_reallocates(r->op) ? r->old_id : 0;
        if (r->failed)
            gone = 0;
        for (size_t k = 0; gone != 0 && k < n; k++)
            if (ids[k] == gone) {
                ids[k] = ids[--n], sizes[k] = sizes[n], aligns[k] = aligns[n];
                break;
            }
        if (!r->failed && r->id != 0 && r->op != TRACE_FREE) {
            assert_true(n < cap);
            ids[n] = r->id, sizes[n] = r->size;
            aligns[n++] = trace_op_allocates(r->op) ? r->align : 0;
        }
    }
    return n;
}

static void a_forked_child_starts_its_own_trace_with_its_inheritance(void **state)
{
    (void)state;
    enum { CAP = 4096 };
    static uint64_t ids[CAP], sizes[CAP], aligns[CAP];
    size_t first, end;
    window(&parent, 3, &first, &end);
    size_t n = live_at(&parent, first + 2, ids, sizes, aligns, CAP);
    /* The child: THREAD, then one INHERIT per block live in the parent. */
    size_t i = 0, inherited = 0;
    bool saw_4242 = false, saw_256 = false;
    assert_true(child.n > 0);
    assert_int_equal(child.r[i++].op, TRACE_THREAD);
    for (; i < child.n && child.r[i].op == TRACE_INHERIT; i++, inherited++) {
        const struct trace_record *r = &child.r[i];
        size_t k = 0;
        while (k < n && ids[k] != r->id)
            k++;
        if (k == n)
            fail_msg("child inherits id %llu, not live in the parent", (unsigned long long)r->id);
        assert_int_equal(r->size, sizes[k]);
        assert_int_equal(r->align, aligns[k]);
        saw_4242 |= r->size == 4242 && r->align == 0;
        saw_256 |= r->size == 256 && r->align == 128;
    }
    assert_int_equal(inherited, n);
    assert_true(saw_4242 && saw_256);
    /* Then exactly its own calls, up to its closing marker. */
    uint64_t inherited_4242 = 0;
    for (size_t k = 0; k < n; k++)
        inherited_4242 = sizes[k] == 4242 ? ids[k] : inherited_4242;
    enum { C1 = 1, C2, K, E };
    static const struct want w[] = {
        {TRACE_MALLOC, C1, 0, 777, 0},         {TRACE_FREE, K, 0, 0, 0},
        {TRACE_REALLOC, C2, C1, 888, 0},       {TRACE_FREE, C2, 0, 0, 0},
        {TRACE_MALLOC, E, 0, MARK_END + 3, 0}, {TRACE_FREE, E, 0, 0, 0},
    };
    struct binding b = {.id = {[K] = inherited_4242}};
    assert_true(child.n >= i + 6);
    for (size_t k = 0; k < 6; k++)
        expect_record(&b, &child.r[i + k], &w[k], i + k);
    for (size_t k = 0; k < child.n; k++)
        assert_true(child.r[k].size != 999); /* the parent's call after the fork */
}

static void the_parent_trace_has_none_of_the_child_calls(void **state)
{
    (void)state;
    size_t first, end;
    window(&parent, 3, &first, &end);
    /* Opening marker, malloc(999) after waiting for the child, its free,
     * closing marker: nothing of the child in between. */
    assert_int_equal(end - first, 6);
    assert_int_equal(parent.r[first + 2].op, TRACE_MALLOC);
    assert_int_equal(parent.r[first + 2].size, 999);
    assert_int_equal(parent.r[first + 3].op, TRACE_FREE);
    assert_int_equal(parent.r[first + 3].id, parent.r[first + 2].id);
    for (size_t k = 0; k < parent.n; k++)
        assert_true(parent.r[k].size != 777 && parent.r[k].size != 888);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: trace_recorder_test RECORDER PROGRAM DIR\n");
        return 2;
    }
    recorder = argv[1], program = argv[2], dir = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_file_per_process_named_by_its_pid),
        cmocka_unit_test(main_thread_calls_are_recorded_exactly),
        cmocka_unit_test(each_thread_calls_are_recorded_in_its_order),
        cmocka_unit_test(a_forked_child_starts_its_own_trace_with_its_inheritance),
        cmocka_unit_test(the_parent_trace_has_none_of_the_child_calls),
    };
    return cmocka_run_group_tests(tests, run_program, NULL);
}
