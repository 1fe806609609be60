/* Reading a trace file record by record (see trace_reader.h). */
#include "tests/bench/trace_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Fills t from the header at t->data. */
static bool read_header(struct trace_file *t, char *err, size_t err_size)
{
    if (t->size < TRACE_MAGIC_SIZE || memcmp(t->data, TRACE_MAGIC, TRACE_MAGIC_SIZE) != 0) {
        snprintf(err, err_size, "not a keel trace (no magic \"KEELTRC\")");
        return false;
    }
    if (t->size < 16) {
        snprintf(err, err_size, "truncated header (%zu bytes)", t->size);
        return false;
    }
    t->version = get_u32(t->data + 8);
    uint32_t header_size = get_u32(t->data + 12);
    if (t->version != TRACE_VERSION) {
        snprintf(err, err_size, "trace version %u, this reader knows version %u", t->version,
                 TRACE_VERSION);
        return false;
    }
    if (header_size < TRACE_HEADER_SIZE || t->size < header_size) {
        snprintf(err, err_size, "truncated header (%zu bytes, %u expected)", t->size,
                 header_size < TRACE_HEADER_SIZE ? TRACE_HEADER_SIZE : header_size);
        return false;
    }
    t->pid = get_u32(t->data + 16);
    t->parent_pid = get_u32(t->data + 20);
    memcpy(t->program, t->data + 24, TRACE_PROGRAM_SIZE);
    t->program[TRACE_PROGRAM_SIZE] = '\0';
    t->offset = header_size;
    return true;
}

bool trace_open(struct trace_file *t, const char *path, char *err, size_t err_size)
{
    *t = (struct trace_file){0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, err_size, "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    t->size = (size_t)st.st_size;
    if (t->size > 0) {
        void *p = mmap(NULL, t->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            snprintf(err, err_size, "cannot map: %s", strerror(errno));
            close(fd);
            return false;
        }
        t->data = p;
    }
    close(fd);
    if (!read_header(t, err, err_size)) {
        trace_close(t);
        return false;
    }
    return true;
}

void trace_close(struct trace_file *t)
{
    if (t->data != NULL)
        munmap((void *)t->data, t->size);
    *t = (struct trace_file){0};
}

enum trace_read trace_next(struct trace_file *t, struct trace_record *r)
{
    if (t->offset >= t->size)
        return TRACE_READ_END;
    const unsigned char *p = t->data + t->offset, *end = t->data + t->size;
    unsigned byte = *p++;
    *r = (struct trace_record){
        .offset = t->offset, .op = byte & TRACE_OP_MASK, .failed = (byte & TRACE_FAILED) != 0};
    uint64_t *fields[3] = {NULL, NULL, NULL};
    if (trace_op_allocates(r->op)) {
        fields[0] = &r->id, fields[1] = &r->size, fields[2] = &r->align;
    } else if (trace_op_reallocates(r->op)) {
        fields[0] = &r->old_id, fields[1] = &r->id, fields[2] = &r->size;
    } else if (r->op == TRACE_FREE) {
        fields[0] = &r->id;
    } else if (r->op == TRACE_THREAD) {
        fields[0] = &r->thread;
    } else if (r->op != TRACE_FREE_FOREIGN) {
        return TRACE_READ_BAD_OP;
    }
    bool can_fail = trace_op_allocates(r->op) || trace_op_reallocates(r->op);
    if (r->failed && (!can_fail || r->op == TRACE_INHERIT))
        return TRACE_READ_BAD_OP;
    for (int i = 0; i < 3 && fields[i] != NULL; i++) {
        int e = trace_get_varint(&p, end, fields[i]);
        if (e != 0)
            return e == -1 ? TRACE_READ_TRUNCATED : TRACE_READ_BAD_NUMBER;
    }
    t->offset = (size_t)(p - t->data);
    return TRACE_READ_OK;
}

const char *trace_op_name(enum trace_op op)
{
    static const char *const names[] = {
        [TRACE_MALLOC] = "malloc",
        [TRACE_CALLOC] = "calloc",
        [TRACE_MEMALIGN] = "memalign",
        [TRACE_POSIX_MEMALIGN] = "posix_memalign",
        [TRACE_ALIGNED_ALLOC] = "aligned_alloc",
        [TRACE_VALLOC] = "valloc",
        [TRACE_PVALLOC] = "pvalloc",
        [TRACE_INHERIT] = "inherit",
        [TRACE_REALLOC] = "realloc",
        [TRACE_REALLOCARRAY] = "reallocarray",
        [TRACE_FREE] = "free",
        [TRACE_FREE_FOREIGN] = "free_foreign",
        [TRACE_THREAD] = "thread",
    };
    unsigned i = (unsigned)op;
    return i < sizeof names / sizeof *names && names[i] != NULL ? names[i] : "?";
}
