/* Compiling a trace for replay (see trace_program.h). */
#include "tests/bench/trace_program.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "mm/heap/layout.h"
#include "tests/bench/trace_reader.h"

#define NO_SLOT UINT32_MAX

/* Zeroed memory for n elements of `size` bytes, from mmap: the replayer
 * leaves malloc to the glibc contender. NULL if it cannot be had. */
static void *big_array(size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / size)
        return NULL;
    void *p = mmap(NULL, n * size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void big_free(void *p, size_t n, size_t size)
{
    if (p != NULL)
        munmap(p, (n == 0 ? 1 : n) * size);
}

/* What compiling needs besides the program: the live blocks. */
struct compiler {
    struct trace_program *p;
    uint32_t *slot_of; /* id -> slot, NO_SLOT when not live */
    uint64_t max_id;
    uint64_t *slot_size;
    uint8_t *slot_align;
    uint32_t *free_slots; /* a stack of slots to reuse */
    uint32_t nfree;
    uint64_t live_bytes;
    uint64_t records; /* capacity of the arrays above (records in the file) */
    char *err;
    size_t err_size;
};

static bool refuse(struct compiler *c, const struct trace_record *r, const char *what, uint64_t id)
{
    snprintf(c->err, c->err_size, "record %llu (offset %zu, %s): %s %llu",
             (unsigned long long)c->p->records, r->offset, trace_op_name(r->op), what,
             (unsigned long long)id);
    return false;
}

static unsigned align_shift_of(uint64_t align)
{
    unsigned shift = 4; /* glibc's malloc guarantee: 16 bytes */
    while (shift < 63 && ((uint64_t)1 << shift) < align)
        shift++;
    return shift;
}

static void emit(struct compiler *c, enum replay_kind kind, uint32_t slot, uint64_t size)
{
    struct trace_program *p = c->p;
    p->ops[p->nops++] = (struct replay_op){
        .kind = (uint8_t)kind, .align_shift = c->slot_align[slot], .slot = slot, .size = size};
}

static void count_live(struct compiler *c, uint64_t old_size, uint64_t new_size)
{
    c->live_bytes = c->live_bytes - old_size + new_size;
    if (c->live_bytes > c->p->peak_live_bytes)
        c->p->peak_live_bytes = c->live_bytes;
}

static bool alloc(struct compiler *c, const struct trace_record *r, uint64_t id, uint64_t size,
                  uint64_t align)
{
    struct layout l;
    unsigned shift = align_shift_of(align);
    if (id == 0 || id > c->max_id)
        return refuse(c, r, "bad id", id);
    if (c->slot_of[id] != NO_SLOT)
        return refuse(c, r, "allocation of an id already live:", id);
    if (shift > 62 || layout_new(size, (size_t)1 << shift, &l) != LAYOUT_OK)
        return refuse(c, r, "no valid layout has size", size);
    uint32_t slot = c->nfree > 0 ? c->free_slots[--c->nfree] : c->p->nslots++;
    c->slot_of[id] = slot;
    c->slot_size[slot] = size;
    c->slot_align[slot] = (uint8_t)shift;
    count_live(c, 0, size);
    c->p->allocs++;
    emit(c, REPLAY_ALLOC, slot, size);
    return true;
}

/* The slot of live block `id`, or NO_SLOT after refusing. */
static uint32_t live_slot(struct compiler *c, const struct trace_record *r, uint64_t id)
{
    if (id > c->max_id || c->slot_of[id] == NO_SLOT) {
        refuse(c, r, "unknown id (not live):", id);
        return NO_SLOT;
    }
    return c->slot_of[id];
}

static bool dealloc(struct compiler *c, const struct trace_record *r, uint64_t id)
{
    uint32_t slot = live_slot(c, r, id);
    if (slot == NO_SLOT)
        return false;
    c->slot_of[id] = NO_SLOT;
    c->free_slots[c->nfree++] = slot;
    count_live(c, c->slot_size[slot], 0);
    c->p->frees++;
    emit(c, REPLAY_FREE, slot, 0);
    return true;
}

static bool reallocate(struct compiler *c, const struct trace_record *r)
{
    if (r->old_id == 0)
        return alloc(c, r, r->id, r->size, 0);
    if (r->id == 0)
        return dealloc(c, r, r->old_id); /* glibc's realloc(p, 0) */
    uint32_t slot = live_slot(c, r, r->old_id);
    struct layout l;
    if (slot == NO_SLOT)
        return false;
    if (r->id > c->max_id || c->slot_of[r->id] != NO_SLOT)
        return refuse(c, r, "reallocation to an id already live:", r->id);
    if (layout_new(r->size, (size_t)1 << c->slot_align[slot], &l) != LAYOUT_OK)
        return refuse(c, r, "no valid layout has size", r->size);
    c->slot_of[r->old_id] = NO_SLOT;
    c->slot_of[r->id] = slot;
    count_live(c, c->slot_size[slot], r->size);
    c->slot_size[slot] = r->size;
    c->p->reallocs++;
    emit(c, REPLAY_REALLOC, slot, r->size);
    return true;
}

/* One record into zero or one replayed call. */
static bool compile(struct compiler *c, const struct trace_record *r)
{
    struct trace_program *p = c->p;
    if (r->failed) {
        if (trace_op_reallocates(r->op) && r->old_id != 0 && live_slot(c, r, r->old_id) == NO_SLOT)
            return false;
        p->failed_recorded++;
        return true;
    }
    if (trace_op_allocates(r->op)) {
        p->inherited += r->op == TRACE_INHERIT;
        return alloc(c, r, r->id, r->size, r->align);
    }
    if (trace_op_reallocates(r->op)) {
        if (r->id == 0 && (r->size != 0 || r->old_id == 0))
            return refuse(c, r, "NULL result without a failure or a free, size", r->size);
        return reallocate(c, r);
    }
    switch (r->op) {
    case TRACE_FREE:
        if (r->id == 0) {
            p->null_frees++;
            return true;
        }
        return dealloc(c, r, r->id);
    case TRACE_FREE_FOREIGN:
        p->foreign_frees++;
        return true;
    case TRACE_THREAD:
        p->threads = r->thread > p->threads ? r->thread : p->threads;
        return true;
    default:
        return refuse(c, r, "unexpected op", (uint64_t)r->op);
    }
}

static bool read_error(struct compiler *c, const struct trace_file *t, enum trace_read e)
{
    snprintf(c->err, c->err_size, "record %llu (offset %zu): %s",
             (unsigned long long)c->records + 1, t->offset,
             e == TRACE_READ_TRUNCATED ? "truncated record"
             : e == TRACE_READ_BAD_OP  ? "unknown op byte"
                                       : "number longer than 64 bits");
    return false;
}

/* Whether r becomes a replayed call (see trace_program.h). */
static bool replayed(const struct trace_record *r)
{
    if (r->failed)
        return false;
    if (trace_op_allocates(r->op) || trace_op_reallocates(r->op))
        return true;
    return r->op == TRACE_FREE && r->id != 0;
}

/* First pass: the records that give the first max_ops calls (0: all) and
 * their largest id, to size the arrays. */
static bool survey(struct compiler *c, struct trace_file *t, uint64_t max_ops)
{
    struct trace_record r;
    enum trace_read e = TRACE_READ_END;
    size_t start = t->offset;
    uint64_t calls = 0;
    while ((max_ops == 0 || calls < max_ops) && (e = trace_next(t, &r)) == TRACE_READ_OK) {
        c->records++;
        calls += replayed(&r);
        c->max_id = r.id > c->max_id ? r.id : c->max_id;
        c->max_id = r.old_id > c->max_id ? r.old_id : c->max_id;
    }
    if (e != TRACE_READ_END && e != TRACE_READ_OK)
        return read_error(c, t, e);
    if (c->max_id >= NO_SLOT) {
        snprintf(c->err, c->err_size, "ids up to %llu: more than this replayer handles",
                 (unsigned long long)c->max_id);
        return false;
    }
    t->offset = start;
    return true;
}

/* Second pass: the records the survey counted, compiled. */
static bool build(struct compiler *c, struct trace_file *t)
{
    struct trace_record r;
    struct trace_program *p = c->p;
    while (p->records < c->records && trace_next(t, &r) == TRACE_READ_OK) {
        p->records++;
        if (!compile(c, &r))
            return false;
    }
    for (uint64_t id = 0; id <= c->max_id; id++)
        p->leaked_blocks += c->slot_of[id] != NO_SLOT;
    return true;
}

bool trace_program_load(struct trace_program *p, const char *path, uint64_t max_ops, char *err,
                        size_t err_size)
{
    struct trace_file t;
    *p = (struct trace_program){0};
    if (!trace_open(&t, path, err, err_size))
        return false;
    struct compiler c = {.p = p, .err = err, .err_size = err_size};
    bool ok = survey(&c, &t, max_ops);
    if (ok) {
        p->ops = big_array(c.records, sizeof *p->ops);
        p->capacity = c.records;
        c.slot_of = big_array(c.max_id + 1, sizeof *c.slot_of);
        c.slot_size = big_array(c.records, sizeof *c.slot_size);
        c.slot_align = big_array(c.records, sizeof *c.slot_align);
        c.free_slots = big_array(c.records, sizeof *c.free_slots);
        ok = p->ops != NULL && c.slot_of != NULL && c.slot_size != NULL && c.slot_align != NULL &&
             c.free_slots != NULL;
        if (!ok)
            snprintf(err, err_size, "out of memory for %llu records",
                     (unsigned long long)c.records);
    }
    if (ok) {
        memset(c.slot_of, 0xff, (c.max_id + 1) * sizeof *c.slot_of);
        snprintf(p->program, sizeof p->program, "%s", t.program);
        p->pid = t.pid;
        p->parent_pid = t.parent_pid;
        ok = build(&c, &t);
    }
    big_free(c.slot_of, c.max_id + 1, sizeof *c.slot_of);
    big_free(c.slot_size, c.records, sizeof *c.slot_size);
    big_free(c.slot_align, c.records, sizeof *c.slot_align);
    big_free(c.free_slots, c.records, sizeof *c.free_slots);
    trace_close(&t);
    if (!ok)
        trace_program_free(p);
    return ok;
}

void trace_program_free(struct trace_program *p)
{
    big_free(p->ops, p->capacity, sizeof *p->ops);
    *p = (struct trace_program){0};
}
