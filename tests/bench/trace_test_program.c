/*
 * trace_test_program: a known sequence of allocator calls for the
 * recorder's test (trace_recorder_test.c, which states the records each
 * part must give). Run under the recorder; prints nothing.
 *
 * Three windows, each opened and closed by a marker (malloc of a size no
 * other call uses, then its free), so that the C library's own calls
 * around them do not matter:
 *   1. the main thread: every function, a realloc grow and shrink,
 *      realloc(NULL, n), realloc(p, 0), reallocarray (one overflowing),
 *      posix_memalign (one with a bad alignment), aligned_alloc, memalign,
 *      valloc, pvalloc, malloc(0), free(NULL), a failed huge malloc;
 *   2. two threads allocating and freeing at the same time;
 *   3. a fork: the child allocates, frees an inherited block and exits; the
 *      parent waits, then allocates once more.
 * Exit status 0 if every call behaved as glibc's do, else 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARK_BEGIN       7340001 /* window n opens with malloc(MARK_BEGIN + n) */
#define MARK_END         7350001 /* and closes with malloc(MARK_END + n) */
#define THREAD_BLOCKS    50      /* each thread: sizes 1000 * t + i, i < THREAD_BLOCKS */
#define INHERITED_SIZE   4242
#define CHILD_SIZE       777
#define CHILD_GROWN_SIZE 888
#define PARENT_AFTER     999

static int failures;

static void expect(int ok)
{
    failures += !ok;
}

/* Opaque to the compiler: no call here may be optimised away, and it
 * cannot tell that some calls must fail. */
static void *volatile sink;
static volatile size_t huge = (size_t)1 << 62, half = SIZE_MAX / 2;

static void marker(size_t size)
{
    sink = malloc(size);
    free(sink);
}

static void window_main_thread(void)
{
    marker(MARK_BEGIN + 1);
    char *p = malloc(100);
    char *z = calloc(10, 30);
    p = realloc(p, 5000);
    p = realloc(p, 50);
    void *q = realloc(NULL, 70);
    errno = 0;
    expect(realloc(q, 0) == NULL); /* glibc: frees q */
    void *volatile arr = reallocarray(NULL, 8, 16);
    errno = 0;
    expect(reallocarray(arr, half, 4) == NULL && errno == ENOMEM); /* arr stays */
    void *a64 = NULL, *bad = NULL;
    expect(posix_memalign(&a64, 64, 200) == 0);
    expect(posix_memalign(&bad, 3, 8) == EINVAL);
    void *a256 = aligned_alloc(256, 512);
    void *m4k = memalign(4096, 10);
    void *v = valloc(33);
    void *pv = pvalloc(1);
    void *zero = malloc(0);
    free(NULL);
    sink = malloc(huge);
    expect(sink == NULL);
    expect(p && z && arr && a64 && a256 && m4k && v && pv && zero);
    free(p);
    free(z);
    free(arr);
    free(a64);
    free(a256);
    free(m4k);
    free(v);
    free(pv);
    free(zero);
    marker(MARK_END + 1);
}

/* start: the threads allocate once the window is open; done: the window
 * closes once they are done; release: they exit (and the C library frees
 * what it kept for them) only after the window is closed. */
static pthread_barrier_t start, done, release;

static void *thread_main(void *arg)
{
    size_t t = (size_t)(uintptr_t)arg;
    void *blocks[THREAD_BLOCKS];
    pthread_barrier_wait(&start);
    for (size_t i = 0; i < THREAD_BLOCKS; i++)
        blocks[i] = malloc(1000 * t + i);
    for (size_t i = 0; i < THREAD_BLOCKS; i++)
        free(blocks[i]);
    pthread_barrier_wait(&done);
    pthread_barrier_wait(&release);
    return NULL;
}

static void window_threads(void)
{
    pthread_t th[2];
    pthread_barrier_init(&start, NULL, 3);
    pthread_barrier_init(&done, NULL, 3);
    pthread_barrier_init(&release, NULL, 3);
    for (size_t t = 0; t < 2; t++)
        expect(pthread_create(&th[t], NULL, thread_main, (void *)(uintptr_t)(t + 1)) == 0);
    marker(MARK_BEGIN + 2);
    pthread_barrier_wait(&start);
    pthread_barrier_wait(&done);
    marker(MARK_END + 2);
    pthread_barrier_wait(&release);
    for (size_t t = 0; t < 2; t++)
        pthread_join(th[t], NULL);
}

static void window_fork(void)
{
    void *inherited = malloc(INHERITED_SIZE);
    void *aligned = aligned_alloc(128, 256);
    marker(MARK_BEGIN + 3);
    pid_t pid = fork();
    if (pid == 0) {
        void *c = malloc(CHILD_SIZE);
        free(inherited);
        c = realloc(c, CHILD_GROWN_SIZE);
        int ok = c != NULL;
        free(c);
        marker(MARK_END + 3);
        exit(ok ? 0 : 1);
    }
    int status = 0;
    expect(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0);
    sink = malloc(PARENT_AFTER);
    free(sink);
    marker(MARK_END + 3);
    free(inherited);
    free(aligned);
}

int main(void)
{
    window_main_thread();
    window_threads();
    window_fork();
    return failures == 0 ? 0 : 1;
}
