/*
 * A trace compiled for replay: the allocator calls it stands for, in order,
 * each naming its block by a slot (a small dense number, reused once the
 * block is freed) instead of the recorder's ids.
 *
 * What each record becomes (trace_format.h):
 *   MALLOC .. PVALLOC, INHERIT  ALLOC of (size, align)
 *   REALLOC*  old 0             ALLOC of (size, 16)
 *             new 0, size 0     FREE of the old block (glibc's realloc(p, 0))
 *             otherwise         REALLOC of the old block to size, same slot
 *   FREE                        FREE (free(NULL): nothing)
 *   failed calls, FREE_FOREIGN, THREAD: nothing (counted)
 *
 * Layouts: size as recorded (0 included: the vtable allows it, and each
 * block is still a block of its own); align = the recorded alignment
 * rounded up to a power of two (as glibc's memalign does), and at least 16,
 * glibc's malloc guarantee, which every C program may rely on. A realloc
 * keeps its block's alignment, as the vtable requires.
 *
 * Compiling refuses, with a message that says where, a trace that cannot be
 * a history of one process: a record cut short, an unknown op, a free or
 * realloc of an id that is not live, an id allocated twice, a size no valid
 * layout has.
 */
#ifndef KEEL_TESTS_BENCH_TRACE_PROGRAM_H
#define KEEL_TESTS_BENCH_TRACE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum replay_kind { REPLAY_ALLOC, REPLAY_FREE, REPLAY_REALLOC };

struct replay_op {
    uint8_t kind;        /* enum replay_kind */
    uint8_t align_shift; /* log2 of the block's alignment */
    uint32_t slot;       /* the block */
    uint64_t size;       /* ALLOC, REALLOC: the (new) size */
};

struct trace_program {
    struct replay_op *ops;
    size_t nops, capacity; /* capacity: entries mapped */
    uint32_t nslots;       /* most blocks live at once */
    /* What the trace says, allocator or not. */
    uint64_t records, allocs, frees, reallocs, inherited;
    uint64_t failed_recorded; /* calls that failed when recorded: not replayed */
    uint64_t null_frees, foreign_frees, threads;
    uint64_t peak_live_bytes; /* most requested bytes live at once */
    uint64_t leaked_blocks;   /* live at the end of the trace */
    char program[32];         /* from the header */
    uint32_t pid, parent_pid;
};

/* Reads and compiles the trace at `path`, keeping at most `max_ops` replayed
 * calls (0: all). Returns false with a message in err. */
bool trace_program_load(struct trace_program *p, const char *path, uint64_t max_ops, char *err,
                        size_t err_size);
void trace_program_free(struct trace_program *p);

#endif
