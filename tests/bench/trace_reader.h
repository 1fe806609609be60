/*
 * Reading a trace file (format: trace_format.h), record by record.
 *
 *   struct trace_file t;
 *   if (!trace_open(&t, path, err, sizeof err)) ... err says why
 *   struct trace_record r;
 *   while (trace_next(&t, &r) == TRACE_READ_OK) ...
 *   trace_close(&t);
 *
 * The file is mapped read-only. trace_next checks the encoding only (op
 * known, fields complete); whether the ids make sense is the replayer's
 * business (trace_program.h).
 */
#ifndef KEEL_TESTS_BENCH_TRACE_READER_H
#define KEEL_TESTS_BENCH_TRACE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/bench/trace_format.h"

struct trace_file {
    const unsigned char *data; /* the whole file */
    size_t size;
    size_t offset; /* of the next record */
    uint32_t version, pid, parent_pid;
    char program[TRACE_PROGRAM_SIZE + 1];
};

/* One record, its fields decoded. Unused fields are 0. */
struct trace_record {
    size_t offset;    /* in the file, of the op byte */
    enum trace_op op; /* without TRACE_FAILED */
    bool failed;
    uint64_t id;     /* allocating ops, FREE: the block; REALLOC*: the new block */
    uint64_t old_id; /* REALLOC*: the block reallocated */
    uint64_t size, align;
    uint64_t thread; /* THREAD */
};

enum trace_read {
    TRACE_READ_OK,
    TRACE_READ_END,        /* no more records */
    TRACE_READ_TRUNCATED,  /* the last record is cut short */
    TRACE_READ_BAD_OP,     /* an op byte no version 1 trace has */
    TRACE_READ_BAD_NUMBER, /* a field longer than 64 bits */
};

/* Maps `path` and checks its header. Returns false with a message in err. */
bool trace_open(struct trace_file *t, const char *path, char *err, size_t err_size);
void trace_close(struct trace_file *t);

/* Decodes the record at t->offset into *r and moves past it. On anything
 * but TRACE_READ_OK, t->offset stays at the offending byte. */
enum trace_read trace_next(struct trace_file *t, struct trace_record *r);

/* "malloc", "realloc", ... (the op without TRACE_FAILED). */
const char *trace_op_name(enum trace_op op);

#endif
