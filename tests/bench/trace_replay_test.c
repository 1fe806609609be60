/*
 * The replayer (trace_replay.c) on hand-made traces.
 *
 *   trace_replay_test <trace_replay> <work dir>
 *
 * On bump, whose placement is known (each block at the next address aligned
 * for it, nothing reused until everything is freed, the most recent block
 * resized in place), the figures are exact; every allocator must replay the
 * trace without a failed request. Traces that are not a valid history, or
 * are cut short, are refused with a message that says where, exit status 1.
 */
#include <fcntl.h>
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

#include "tests/bench/trace_format.h"

static const char *replayer, *dir;

/* ---- Writing traces ------------------------------------------------------------------ */

struct writer {
    unsigned char bytes[4096];
    size_t n;
};

static void header(struct writer *w, uint32_t pid, uint32_t parent_pid)
{
    uint32_t fields[4] = {TRACE_VERSION, TRACE_HEADER_SIZE, pid, parent_pid};
    memset(w->bytes, 0, TRACE_HEADER_SIZE);
    memcpy(w->bytes, TRACE_MAGIC, TRACE_MAGIC_SIZE);
    memcpy(w->bytes + 8, fields, sizeof fields); /* x86: little-endian */
    strcpy((char *)w->bytes + 24, "handmade");
    w->n = TRACE_HEADER_SIZE;
}

/* One record: op and its fields (as many as the op has). */
static void rec(struct writer *w, unsigned op, int nfields, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t f[3] = {a, b, c};
    w->bytes[w->n++] = (unsigned char)op;
    for (int i = 0; i < nfields; i++)
        w->n += trace_put_varint(w->bytes + w->n, f[i]);
}

static void save(const struct writer *w, const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(w->bytes, 1, w->n, f), w->n);
    fclose(f);
}

/* ---- Running the replayer ---------------------------------------------------------- */

struct output {
    int status; /* exit status, or -1 */
    char out[8192], err[2048];
};

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f == NULL ? 0 : fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    if (f != NULL)
        fclose(f);
}

/* Runs trace_replay with `args` (NULL-terminated) on `trace`. */
static void run(struct output *o, const char *trace, const char *const *args)
{
    char out_path[4200], err_path[4200];
    const char *argv[16];
    int n = 0;
    argv[n++] = replayer;
    while (*args != NULL)
        argv[n++] = *args++;
    argv[n++] = trace;
    argv[n] = NULL;
    snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(replayer, (char *const *)argv);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    o->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    slurp(out_path, o->out, sizeof o->out);
    slurp(err_path, o->err, sizeof o->err);
}

/* The value of `key` in the output line that starts with `line_start`. */
static const char *value(const struct output *o, const char *line_start, const char *key)
{
    static char v[256];
    const char *line = strstr(o->out, line_start);
    if (line == NULL)
        fail_msg("no line \"%s\" in:\n%s", line_start, o->out);
    const char *eol = strchr(line, '\n');
    char pattern[64];
    snprintf(pattern, sizeof pattern, " %s=", key);
    const char *p = strstr(line, pattern);
    if (p == NULL || (eol != NULL && p > eol))
        fail_msg("no %s in: %.*s", key, (int)(eol - line), line);
    p += strlen(pattern);
    size_t n = strcspn(p, " \n");
    snprintf(v, sizeof v, "%.*s", (int)n, p);
    return v;
}

static void expect_field(const struct output *o, const char *line_start, const char *key,
                         const char *want)
{
    assert_string_equal(value(o, line_start, key), want);
}

/* ---- The hand-made trace ------------------------------------------------------------ */

/* Where bump puts each block (offsets from the region's start; every
 * alignment is at least 16):
 *   inherit 50: 64 B          [0, 64)
 *   malloc 1: 100 B           [64, 164)
 *   malloc 2: 5000 B          [176, 5176)
 *   free 1                    (not the last block: stays)
 *   memalign 3: 4096 B/8192   [8192, 12288)     exactly page 2
 *   realloc 2->4: 6000 B      moves: [12288, 18288)
 *   calloc 5: 3000 B          [18288, 21288)
 *   free(NULL), a failed malloc, a foreign free: not replayed
 *   realloc 5->6: 100 B       the last block: in place [18288, 18388)
 *   realloc(NULL) 7: 50 B     [18400, 18450)
 *   realloc(7, 0)             freed (the last block: bump steps back)
 *   malloc 8: 0 B             [18400, 18400)
 *   memalign 9: 4096 B/4096   [20480, 24576)    exactly page 5: footprint 24576
 *   free 3, free 4
 * Pages covered: 0..5 (6; none of the blocks ending on a page boundary
 * touches the next page). Live requested bytes peak after memalign 9:
 * 64 + 5000 + 4096 + 1000 + 100 + 4096 = 14356. 14 calls; 50, 6, 8 and 9
 * are left live. */
static void write_handmade(const char *path)
{
    struct writer w;
    header(&w, 4321, 1234);
    rec(&w, TRACE_THREAD, 1, 1, 0, 0);
    rec(&w, TRACE_INHERIT, 3, 50, 64, 0);
    rec(&w, TRACE_MALLOC, 3, 1, 100, 0);
    rec(&w, TRACE_MALLOC, 3, 2, 5000, 0);
    rec(&w, TRACE_FREE, 1, 1, 0, 0);
    rec(&w, TRACE_MEMALIGN, 3, 3, 4096, 8192);
    rec(&w, TRACE_REALLOC, 3, 2, 4, 6000);
    rec(&w, TRACE_CALLOC, 3, 5, 3000, 0);
    rec(&w, TRACE_FREE, 1, 0, 0, 0);
    rec(&w, TRACE_MALLOC | TRACE_FAILED, 3, 0, (uint64_t)1 << 62, 0);
    rec(&w, TRACE_REALLOC, 3, 5, 6, 100);
    rec(&w, TRACE_FREE_FOREIGN, 0, 0, 0, 0);
    rec(&w, TRACE_REALLOC, 3, 0, 7, 50);
    rec(&w, TRACE_REALLOC, 3, 7, 0, 0);
    rec(&w, TRACE_MALLOC, 3, 8, 0, 0);
    rec(&w, TRACE_MEMALIGN, 3, 9, 4096, 4096);
    rec(&w, TRACE_FREE, 1, 3, 0, 0);
    rec(&w, TRACE_FREE, 1, 4, 0, 0);
    save(&w, path);
}

static void bump_figures_are_exact(void **state)
{
    (void)state;
    char path[4200];
    struct output o;
    snprintf(path, sizeof path, "%s/handmade.trace", dir);
    write_handmade(path);
    run(&o, path, (const char *const[]){"--allocator", "bump", "--runs", "1", NULL});
    assert_int_equal(o.status, 0);
    const char *t = "trace ";
    expect_field(&o, t, "program", "handmade");
    expect_field(&o, t, "pid", "4321");
    expect_field(&o, t, "parent_pid", "1234");
    expect_field(&o, t, "records", "18");
    expect_field(&o, t, "calls", "14");
    expect_field(&o, t, "allocs", "8");
    expect_field(&o, t, "frees", "4");
    expect_field(&o, t, "reallocs", "2");
    expect_field(&o, t, "inherited", "1");
    expect_field(&o, t, "threads", "1");
    expect_field(&o, t, "failed_recorded", "1");
    expect_field(&o, t, "null_frees", "1");
    expect_field(&o, t, "foreign_frees", "1");
    expect_field(&o, t, "peak_live", "14356");
    expect_field(&o, t, "leaked", "4");
    const char *b = "replay trace=";
    expect_field(&o, b, "allocator", "bump");
    expect_field(&o, b, "calls", "14");
    expect_field(&o, b, "failed", "0");
    expect_field(&o, b, "peak_live", "14356");
    expect_field(&o, b, "footprint", "24576");
    expect_field(&o, b, "pages", "6");
    expect_field(&o, b, "footprint_ratio", "1.712"); /* 24576 / 14356 */
    expect_field(&o, b, "pages_ratio", "1.712");     /* 6 * 4096 / 14356 */
    expect_field(&o, b, "runs", "1");
    assert_true(strtod(value(&o, b, "ops_per_s"), NULL) > 0);
}

/* Every allocator, glibc included, replays it in full. */
static void every_allocator_replays_it_without_failure(void **state)
{
    (void)state;
    static const char *const names[] = {"segfit", "tlsf", "fixed_block", "linked_list", "glibc"};
    char path[4200], line[64];
    struct output o;
    snprintf(path, sizeof path, "%s/handmade.trace", dir);
    write_handmade(path);
    run(&o, path, (const char *const[]){"--runs", "0", NULL});
    assert_int_equal(o.status, 0);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(line, sizeof line, "allocator=%s ", names[i]);
        expect_field(&o, line, "calls", "14");
        expect_field(&o, line, "failed", "0");
        expect_field(&o, line, "peak_live", "14356");
    }
    snprintf(line, sizeof line, "allocator=glibc ");
    assert_true(strtoull(value(&o, line, "anchor"), NULL, 10) >= 14356);
}

/* ---- Refused traces ------------------------------------------------------------------ */

static void expect_refused(const struct writer *w, const char *name, const char *message)
{
    char path[4200];
    struct output o;
    snprintf(path, sizeof path, "%s/%s.trace", dir, name);
    save(w, path);
    run(&o, path, (const char *const[]){"--allocator", "bump", "--runs", "0", NULL});
    assert_int_equal(o.status, 1);
    if (strstr(o.err, message) == NULL)
        fail_msg("expected \"%s\" in: %s", message, o.err);
    assert_null(strstr(o.out, "replay "));
}

static void a_free_of_an_unknown_id_is_refused(void **state)
{
    (void)state;
    struct writer w;
    header(&w, 1, 0);
    rec(&w, TRACE_MALLOC, 3, 1, 10, 0); /* 4 bytes at offset 48 */
    rec(&w, TRACE_FREE, 1, 2, 0, 0);
    expect_refused(&w, "unknown", "refused: record 2 (offset 52, free): unknown id (not live): 2");
}

static void a_double_free_is_refused(void **state)
{
    (void)state;
    struct writer w;
    header(&w, 1, 0);
    rec(&w, TRACE_MALLOC, 3, 1, 10, 0);
    rec(&w, TRACE_FREE, 1, 1, 0, 0);
    rec(&w, TRACE_FREE, 1, 1, 0, 0);
    expect_refused(&w, "double", "refused: record 3 (offset 54, free): unknown id (not live): 1");
}

static void a_realloc_of_an_unknown_id_is_refused(void **state)
{
    (void)state;
    struct writer w;
    header(&w, 1, 0);
    rec(&w, TRACE_REALLOC, 3, 7, 8, 100);
    expect_refused(&w, "realloc",
                   "refused: record 1 (offset 48, realloc): unknown id (not live): 7");
}

static void a_truncated_record_is_refused(void **state)
{
    (void)state;
    struct writer w;
    header(&w, 1, 0);
    rec(&w, TRACE_MALLOC, 3, 1, 10, 0);
    rec(&w, TRACE_MALLOC, 3, 2, 300, 0); /* size 300: two bytes, 0xac 0x02 */
    w.n -= 2;                            /* cut after 0xac */
    expect_refused(&w, "truncated", "refused: record 2 (offset 52): truncated record");
}

static void a_file_without_the_magic_is_refused(void **state)
{
    (void)state;
    struct writer w;
    header(&w, 1, 0);
    w.bytes[0] = 'X';
    expect_refused(&w, "magic", "refused: not a keel trace");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: trace_replay_test TRACE_REPLAY DIR\n");
        return 2;
    }
    replayer = argv[1], dir = argv[2];
    mkdir(dir, 0755);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bump_figures_are_exact),
        cmocka_unit_test(every_allocator_replays_it_without_failure),
        cmocka_unit_test(a_free_of_an_unknown_id_is_refused),
        cmocka_unit_test(a_double_free_is_refused),
        cmocka_unit_test(a_realloc_of_an_unknown_id_is_refused),
        cmocka_unit_test(a_truncated_record_is_refused),
        cmocka_unit_test(a_file_without_the_magic_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
