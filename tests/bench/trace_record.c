/*
 * trace_record: an LD_PRELOAD library that logs every call of the C
 * library's allocator to a trace file (format: trace_format.h).
 *
 *   KEEL_TRACE=/tmp/run LD_PRELOAD=.../libtrace_record.so program ...
 *     -> /tmp/run.<pid>.trace, one per process
 *
 * Without KEEL_TRACE the calls go straight through. Each call takes the
 * recorder's one lock around the C library's call and its record, so the
 * records are in the order the calls happened, whatever the threads. Records
 * are buffered and written when the buffer fills and when the process exits
 * (a destructor; after it every record is written at once). The file is
 * created at the first write and reopened for each one, so a program that
 * closes every descriptor, or changes directory, does not lose it.
 *
 * Blocks are known by ids the recorder hands out: a table (mmap'd, open
 * addressing) maps each live pointer to its id, size and alignment.
 *
 * fork: the child gets an empty buffer (the parent writes what was in it),
 * its own file, and opens it with an INHERIT record per block it inherited,
 * so that its trace replays alone. exec starts the recorder afresh.
 *
 * The real functions come from dlsym(RTLD_NEXT); dlsym may itself call
 * calloc, which is then served from a small static buffer, as is any call
 * made while the recorder is looking the functions up. Calls made by the
 * recorder's own thread while it holds the lock (none expected: the C
 * library's allocator does not call itself) go through unrecorded.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/bench/trace_format.h"

#define EXPORT    __attribute__((visibility("default")))
#define LOCAL_TLS __attribute__((tls_model("initial-exec")))

/* ---- The C library's functions ---------------------------------------------- */

static struct {
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
    void *(*memalign)(size_t, size_t);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
} real;

/* Looks every function up once. Returns false while the lookup is under
 * way (dlsym calling back into us): the caller then uses the boot buffer. */
static bool resolve(void)
{
    static volatile int state; /* 0 not yet, 1 under way, 2 done */
    if (state == 2)
        return true;
    if (state == 1)
        return false;
    state = 1;
    real.malloc = dlsym(RTLD_NEXT, "malloc");
    real.calloc = dlsym(RTLD_NEXT, "calloc");
    real.realloc = dlsym(RTLD_NEXT, "realloc");
    real.free = dlsym(RTLD_NEXT, "free");
    real.memalign = dlsym(RTLD_NEXT, "memalign");
    real.posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real.aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real.valloc = dlsym(RTLD_NEXT, "valloc");
    real.pvalloc = dlsym(RTLD_NEXT, "pvalloc");
    if (real.malloc == NULL || real.calloc == NULL || real.realloc == NULL || real.free == NULL ||
        real.memalign == NULL || real.posix_memalign == NULL || real.aligned_alloc == NULL ||
        real.valloc == NULL || real.pvalloc == NULL)
        abort();
    state = 2;
    return true;
}

/* ---- The boot buffer: memory before the real functions are known ----------- */

/* A bump allocator over a static buffer, 16-byte aligned, each block after
 * a 16-byte header holding its size (for realloc). Never freed. */
static _Alignas(64) unsigned char boot_buffer[64 * 1024];
static size_t boot_used;

static bool is_boot(const void *p)
{
    return (const unsigned char *)p >= boot_buffer &&
           (const unsigned char *)p < boot_buffer + sizeof boot_buffer;
}

static void *boot_alloc(size_t size)
{
    size_t need = 16 + ((size + 15) & ~(size_t)15);
    if (size > sizeof boot_buffer || need > sizeof boot_buffer - boot_used)
        return NULL;
    unsigned char *p = boot_buffer + boot_used;
    boot_used += need;
    memcpy(p, &size, sizeof size);
    return p + 16;
}

static size_t boot_size(const void *p)
{
    size_t size;
    memcpy(&size, (const unsigned char *)p - 16, sizeof size);
    return size;
}

/* ---- Live blocks: pointer -> id, size, align --------------------------------- */

struct block {
    uintptr_t ptr; /* 0: empty slot */
    uint64_t id, size, align;
};

static struct block *blocks;
static size_t blocks_shift, blocks_count; /* capacity 1 << shift */

static size_t block_home(uintptr_t ptr)
{
    return (size_t)(((uint64_t)(ptr >> 4) * 0x9e3779b97f4a7c15ull) >> (64 - blocks_shift));
}

static struct block *block_table_new(size_t shift)
{
    void *t = mmap(NULL, sizeof(struct block) << shift, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return t == MAP_FAILED ? NULL : t;
}

static void block_put(struct block b)
{
    size_t mask = ((size_t)1 << blocks_shift) - 1;
    size_t i = block_home(b.ptr);
    while (blocks[i].ptr != 0 && blocks[i].ptr != b.ptr)
        i = (i + 1) & mask;
    if (blocks[i].ptr == 0)
        blocks_count++;
    blocks[i] = b;
}

/* Doubles the table when it is half full. Returns false if out of memory. */
static bool block_table_grow(void)
{
    if (blocks != NULL && 2 * (blocks_count + 1) <= (size_t)1 << blocks_shift)
        return true;
    size_t old_shift = blocks_shift;
    struct block *old = blocks;
    struct block *t = block_table_new(old == NULL ? 16 : old_shift + 1);
    if (t == NULL)
        return false;
    blocks = t;
    blocks_shift = old == NULL ? 16 : old_shift + 1;
    blocks_count = 0;
    if (old != NULL) {
        for (size_t i = 0; i < (size_t)1 << old_shift; i++)
            if (old[i].ptr != 0)
                block_put(old[i]);
        munmap(old, sizeof(struct block) << old_shift);
    }
    return true;
}

/* The entry of ptr, or NULL. */
static struct block *block_find(uintptr_t ptr)
{
    if (blocks == NULL)
        return NULL;
    size_t mask = ((size_t)1 << blocks_shift) - 1;
    for (size_t i = block_home(ptr); blocks[i].ptr != 0; i = (i + 1) & mask)
        if (blocks[i].ptr == ptr)
            return &blocks[i];
    return NULL;
}

/* Removes an entry found by block_find (linear probing: the entries after
 * it that could live in its place move back). */
static void block_remove(struct block *b)
{
    size_t mask = ((size_t)1 << blocks_shift) - 1;
    size_t hole = (size_t)(b - blocks);
    for (size_t i = (hole + 1) & mask; blocks[i].ptr != 0; i = (i + 1) & mask) {
        size_t home = block_home(blocks[i].ptr);
        /* Entry i may fill the hole unless its home lies in (hole, i]. */
        bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
        if (!stays) {
            blocks[hole] = blocks[i];
            hole = i;
        }
    }
    blocks[hole].ptr = 0;
    blocks_count--;
}

/* ---- The trace file ------------------------------------------------------------ */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread LOCAL_TLS int inside;         /* this thread holds the lock (or is starting us) */
static __thread LOCAL_TLS uint32_t thread_no; /* 0 until the thread's first record */
static bool recording;                        /* KEEL_TRACE set and the file writable */
static bool exiting;                          /* after the destructor: write every record at once */
static char prefix[4000];                     /* KEEL_TRACE, made absolute */
static char path[4096];                       /* this process's file, once created */
static int pid, parent_pid;                   /* parent_pid: the trace began at fork */
static uint64_t next_id;                      /* last id handed out */
static uint32_t threads, last_thread;         /* threads numbered; thread of the last record */
static unsigned char buffer[1 << 20];
static size_t buffered;

static void say(const char *msg)
{
    ssize_t unused = write(2, msg, strlen(msg));
    (void)unused;
}

/* Appends decimal n to s (of room `size`), NUL-terminated; false if it does
 * not fit. */
static bool append_number(char *s, size_t size, unsigned long n)
{
    char digits[24];
    size_t k = 0, len = strlen(s);
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    if (len + k >= size)
        return false;
    while (k > 0)
        s[len++] = digits[--k];
    s[len] = '\0';
    return true;
}

static bool append(char *s, size_t size, const char *tail)
{
    size_t len = strlen(s), n = strlen(tail);
    if (len + n >= size)
        return false;
    memcpy(s + len, tail, n + 1);
    return true;
}

static bool write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Creates <prefix>.<pid>.trace (or .<pid>.<n>.trace if taken) with its
 * header. Returns the descriptor, or -1. */
static int create_file(void)
{
    for (unsigned n = 1; n < 1000; n++) {
        path[0] = '\0';
        if (!append(path, sizeof path, prefix) || !append(path, sizeof path, ".") ||
            !append_number(path, sizeof path, (unsigned long)pid) ||
            (n > 1 && (!append(path, sizeof path, ".") || !append_number(path, sizeof path, n))) ||
            !append(path, sizeof path, ".trace"))
            break;
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            break;
        unsigned char h[TRACE_HEADER_SIZE] = {0};
        memcpy(h, TRACE_MAGIC, TRACE_MAGIC_SIZE);
        put_u32(h + 8, TRACE_VERSION);
        put_u32(h + 12, TRACE_HEADER_SIZE);
        put_u32(h + 16, (uint32_t)pid);
        put_u32(h + 20, (uint32_t)parent_pid);
        strncpy((char *)h + 24, program_invocation_short_name, TRACE_PROGRAM_SIZE - 1);
        if (write_all(fd, h, sizeof h))
            return fd;
        close(fd);
        break;
    }
    path[0] = '\0';
    return -1;
}

/* Writes the buffer out. On failure recording stops (the program goes on). */
static void flush(void)
{
    if (!recording || buffered == 0)
        return;
    int fd = path[0] == '\0' ? create_file() : open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    bool ok = fd >= 0 && write_all(fd, buffer, buffered);
    if (fd >= 0)
        close(fd);
    buffered = 0;
    if (!ok) {
        say("trace_record: cannot write the trace file; recording stops\n");
        recording = false;
    }
}

/* ---- Records ---------------------------------------------------------------------- */

/* Appends one record: op and up to three fields. */
static void put(unsigned op, int nfields, uint64_t a, uint64_t b, uint64_t c)
{
    if (sizeof buffer - buffered < TRACE_RECORD_MAX)
        flush();
    uint64_t f[3] = {a, b, c};
    buffer[buffered++] = (unsigned char)op;
    for (int i = 0; i < nfields; i++)
        buffered += trace_put_varint(buffer + buffered, f[i]);
    if (exiting)
        flush();
}

/* Every record starts here: a THREAD record first when the thread changed. */
static void put_record(unsigned op, int nfields, uint64_t a, uint64_t b, uint64_t c)
{
    if (thread_no == 0)
        thread_no = ++threads;
    if (thread_no != last_thread) {
        put(TRACE_THREAD, 1, thread_no, 0, 0);
        last_thread = thread_no;
    }
    put(op, nfields, a, b, c);
}

/* Forgets a block freed without the recorder seeing it (its pointer came
 * back from the C library): records its free, so the trace stays valid. */
static void forget_stale(uintptr_t p)
{
    struct block *b = block_find(p);
    if (b != NULL) {
        put_record(TRACE_FREE, 1, b->id, 0, 0);
        block_remove(b);
    }
}

/* Records a new block p (NULL: the call failed) and returns its id. */
static uint64_t note_new(void *p, size_t size, size_t align)
{
    if (p == NULL)
        return 0;
    forget_stale((uintptr_t)p);
    if (!block_table_grow()) {
        say("trace_record: out of memory for the block table; recording stops\n");
        recording = false;
        return 0;
    }
    block_put((struct block){(uintptr_t)p, ++next_id, size, align});
    return next_id;
}

static void note_alloc(enum trace_op op, void *p, size_t size, size_t align)
{
    uint64_t id = note_new(p, size, align);
    put_record(op | (p == NULL ? TRACE_FAILED : 0), 3, id, size, align);
}

/* The id of live block p (removed from the table), or 0 if p is not one. */
static uint64_t take(void *p)
{
    struct block *b = block_find((uintptr_t)p);
    if (b == NULL)
        return 0;
    uint64_t id = b->id;
    block_remove(b);
    return id;
}

/* ---- Entering and leaving a recorded call --------------------------------------- */

/* True when this call is to be recorded: the lock is then held. */
static bool enter(void)
{
    if (!recording || inside)
        return false;
    pthread_mutex_lock(&lock);
    if (!recording) {
        pthread_mutex_unlock(&lock);
        return false;
    }
    inside = 1;
    return true;
}

static void leave(void)
{
    inside = 0;
    pthread_mutex_unlock(&lock);
}

/* ---- fork ------------------------------------------------------------------------ */

static void at_fork_prepare(void)
{
    pthread_mutex_lock(&lock);
}

static void at_fork_parent(void)
{
    pthread_mutex_unlock(&lock);
}

/* The child: its own file, an empty buffer, and its inheritance listed. */
static void at_fork_child(void)
{
    parent_pid = pid;
    pid = (int)getpid();
    path[0] = '\0';
    buffered = 0;
    last_thread = 0;
    if (recording && blocks != NULL) {
        inside = 1;
        for (size_t i = 0; i < (size_t)1 << blocks_shift; i++)
            if (blocks[i].ptr != 0)
                put_record(TRACE_INHERIT, 3, blocks[i].id, blocks[i].size, blocks[i].align);
        inside = 0;
    }
    pthread_mutex_unlock(&lock);
}

/* ---- Start and exit -------------------------------------------------------------- */

__attribute__((constructor)) static void trace_start(void)
{
    inside = 1;
    resolve();
    inside = 0;
    const char *p = getenv("KEEL_TRACE");
    if (p == NULL || p[0] == '\0')
        return;
    prefix[0] = '\0';
    if (p[0] != '/' &&
        (getcwd(prefix, sizeof prefix - 1) == NULL || !append(prefix, sizeof prefix, "/"))) {
        say("trace_record: cannot make KEEL_TRACE absolute; not recording\n");
        return;
    }
    if (!append(prefix, sizeof prefix, p)) {
        say("trace_record: KEEL_TRACE is too long; not recording\n");
        return;
    }
    pid = (int)getpid();
    pthread_atfork(at_fork_prepare, at_fork_parent, at_fork_child);
    recording = true;
}

__attribute__((destructor)) static void trace_stop(void)
{
    pthread_mutex_lock(&lock);
    flush();
    exiting = true;
    pthread_mutex_unlock(&lock);
}

/* ---- The interposed functions ---------------------------------------------------- */

EXPORT void *malloc(size_t size)
{
    if (!resolve())
        return boot_alloc(size);
    if (!enter())
        return real.malloc(size);
    void *p = real.malloc(size);
    note_alloc(TRACE_MALLOC, p, size, 0);
    leave();
    return p;
}

EXPORT void *calloc(size_t n, size_t size)
{
    if (!resolve())
        return boot_alloc(n != 0 && size > SIZE_MAX / n ? SIZE_MAX : n * size); /* zeroed: static */
    if (!enter())
        return real.calloc(n, size);
    void *p = real.calloc(n, size);
    note_alloc(TRACE_CALLOC, p, n != 0 && size > SIZE_MAX / n ? SIZE_MAX : n * size, 0);
    leave();
    return p;
}

EXPORT void free(void *p)
{
    if (is_boot(p))
        return;
    if (!resolve())
        return; /* only boot blocks exist yet */
    if (!enter()) {
        real.free(p);
        return;
    }
    uint64_t id = p == NULL ? 0 : take(p);
    if (p != NULL && id == 0)
        put_record(TRACE_FREE_FOREIGN, 0, 0, 0, 0);
    else
        put_record(TRACE_FREE, 1, id, 0, 0);
    real.free(p);
    leave();
}

/* realloc and reallocarray: `size` is what the program asked for (the
 * product for reallocarray, SIZE_MAX if it overflowed: the call then fails
 * without reaching the C library). A boot block moves to real memory and is
 * recorded as a malloc; a block the recorder never handed out is recorded
 * as realloc(NULL, size), or FREE_FOREIGN when realloc(p, 0) freed it. */
static void *record_realloc(enum trace_op op, void *p, size_t size, bool overflow)
{
    if (is_boot(p)) {
        void *q = malloc(size);
        if (q != NULL)
            memcpy(q, p, boot_size(p) < size ? boot_size(p) : size);
        return q;
    }
    if (!resolve())
        return NULL;
    if (!enter()) {
        if (overflow) {
            errno = ENOMEM;
            return NULL;
        }
        return real.realloc(p, size);
    }
    void *q = NULL;
    if (overflow)
        errno = ENOMEM;
    else
        q = real.realloc(p, size);
    bool freed = q == NULL && p != NULL && size == 0 && !overflow; /* glibc's realloc(p, 0) */
    struct block *b = p == NULL ? NULL : block_find((uintptr_t)p);
    uint64_t old_id = b == NULL ? 0 : b->id;
    if (q == NULL && !freed) {
        put_record(op | TRACE_FAILED, 3, old_id, 0, size); /* the old block stays live */
    } else if (p != NULL && b == NULL && freed) {
        put_record(TRACE_FREE_FOREIGN, 0, 0, 0, 0);
    } else {
        if (b != NULL)
            block_remove(b);
        uint64_t new_id = note_new(q, size, 0);
        put_record(op, 3, old_id, new_id, size);
    }
    leave();
    return q;
}

EXPORT void *realloc(void *p, size_t size)
{
    return record_realloc(TRACE_REALLOC, p, size, false);
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
    bool overflow = n != 0 && size > SIZE_MAX / n;
    return record_realloc(TRACE_REALLOCARRAY, p, overflow ? SIZE_MAX : n * size, overflow);
}

EXPORT void *memalign(size_t align, size_t size)
{
    if (!resolve())
        return align <= 16 ? boot_alloc(size) : NULL;
    if (!enter())
        return real.memalign(align, size);
    void *p = real.memalign(align, size);
    note_alloc(TRACE_MEMALIGN, p, size, align);
    leave();
    return p;
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
    if (!resolve())
        return ENOMEM;
    if (!enter())
        return real.posix_memalign(out, align, size);
    int err = real.posix_memalign(out, align, size);
    note_alloc(TRACE_POSIX_MEMALIGN, err == 0 ? *out : NULL, size, align);
    leave();
    return err;
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
    if (!resolve())
        return align <= 16 ? boot_alloc(size) : NULL;
    if (!enter())
        return real.aligned_alloc(align, size);
    void *p = real.aligned_alloc(align, size);
    note_alloc(TRACE_ALIGNED_ALLOC, p, size, align);
    leave();
    return p;
}

EXPORT void *valloc(size_t size)
{
    if (!resolve())
        return NULL;
    if (!enter())
        return real.valloc(size);
    void *p = real.valloc(size);
    note_alloc(TRACE_VALLOC, p, size, (size_t)getpagesize());
    leave();
    return p;
}

EXPORT void *pvalloc(size_t size)
{
    if (!resolve())
        return NULL;
    if (!enter())
        return real.pvalloc(size);
    void *p = real.pvalloc(size);
    note_alloc(TRACE_PVALLOC, p, size, (size_t)getpagesize());
    leave();
    return p;
}
