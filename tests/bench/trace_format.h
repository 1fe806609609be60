/*
 * The allocation trace format: what the recorder (trace_record.c, an
 * LD_PRELOAD library) writes and the replayer (trace_replay.c) reads.
 *
 * One file per process: <KEEL_TRACE>.<pid>.trace (<KEEL_TRACE>.<pid>.<n>.trace
 * when that name is taken, e.g. by the trace a process wrote before it
 * called exec). A file is a header and then records, in the order the
 * recorder's one lock let the calls through: a program with several threads
 * gives a valid sequential history.
 *
 *   offset  size  header field (integers little-endian)
 *        0     8  magic "KEELTRC\n"
 *        8     4  version (TRACE_VERSION)
 *       12     4  header size in bytes (TRACE_HEADER_SIZE; records start there)
 *       16     4  pid of the process
 *       20     4  pid of its parent if the trace began at fork (the process
 *                 was then a copy of its parent: INHERIT records list the
 *                 blocks it inherited), else 0
 *       24    24  program name (program_invocation_short_name), NUL-padded
 *
 * A record is an op byte followed by its fields, each an unsigned LEB128
 * number (7 bits a byte, low bits first, high bit set on all bytes but the
 * last; at most 10 bytes):
 *
 *   op                                 fields
 *   MALLOC CALLOC MEMALIGN             id, size, align
 *   POSIX_MEMALIGN ALIGNED_ALLOC
 *   VALLOC PVALLOC INHERIT
 *   REALLOC REALLOCARRAY               old id, new id, size
 *   FREE                               id
 *   FREE_FOREIGN                       (none)
 *   THREAD                             thread number
 *
 * Object ids are sequence numbers the recorder hands out (1, 2, ...), one
 * per block returned, realloc included: a trace replays on any allocator.
 * Id 0 stands for NULL. Which means:
 *   - align is what the call asked for; 0 for malloc, calloc and realloc'd
 *     blocks, whose alignment is the C library's guarantee (16 bytes);
 *     VALLOC and PVALLOC record the page size. size is what the program
 *     asked for (CALLOC, REALLOCARRAY: the product, SIZE_MAX if it overflows).
 *   - An op byte with TRACE_FAILED set: the call returned NULL (or an error,
 *     for posix_memalign); its new id is 0, and for a failed realloc the old
 *     block stays live.
 *   - REALLOC with old id 0 is realloc(NULL, size): an allocation.
 *     REALLOC with new id 0 and size 0, not failed, is glibc's realloc(p, 0):
 *     p is freed and NULL returned.
 *     A realloc of a pointer the recorder never handed out (see FREE_FOREIGN)
 *     is recorded with old id 0.
 *   - FREE with id 0 is free(NULL).
 *   - FREE_FOREIGN: free() of a pointer the recorder never handed out (one
 *     allocated before it started, or by the dynamic loader's own malloc).
 *   - INHERIT: a block live in the parent when this process was forked;
 *     they open the trace, before any other record.
 *   - THREAD: the records that follow, up to the next THREAD record, are
 *     calls made by that thread (numbered 1, 2, ... in order of first call).
 *
 * No end marker: a file ends after its last record. A record cut short
 * (the process was killed while writing) makes the file invalid.
 */
#ifndef KEEL_TESTS_BENCH_TRACE_FORMAT_H
#define KEEL_TESTS_BENCH_TRACE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_MAGIC        "KEELTRC\n"
#define TRACE_MAGIC_SIZE   8
#define TRACE_VERSION      1
#define TRACE_HEADER_SIZE  48
#define TRACE_PROGRAM_SIZE 24
#define TRACE_VARINT_MAX   10 /* bytes of the longest LEB128 number (2^64 - 1) */
#define TRACE_RECORD_MAX   (1 + 3 * TRACE_VARINT_MAX)

enum trace_op {
    TRACE_MALLOC = 1,
    TRACE_CALLOC = 2,
    TRACE_MEMALIGN = 3,
    TRACE_POSIX_MEMALIGN = 4,
    TRACE_ALIGNED_ALLOC = 5,
    TRACE_VALLOC = 6,
    TRACE_PVALLOC = 7,
    TRACE_INHERIT = 8,
    TRACE_REALLOC = 9,
    TRACE_REALLOCARRAY = 10,
    TRACE_FREE = 11,
    TRACE_FREE_FOREIGN = 12,
    TRACE_THREAD = 13,
};

#define TRACE_FAILED  0x80 /* or-ed into the op byte */
#define TRACE_OP_MASK 0x7f

/* MALLOC .. INHERIT: calls that return a new block (id, size, align). */
static inline int trace_op_allocates(unsigned op)
{
    return op >= TRACE_MALLOC && op <= TRACE_INHERIT;
}

static inline int trace_op_reallocates(unsigned op)
{
    return op == TRACE_REALLOC || op == TRACE_REALLOCARRAY;
}

/* Writes v as LEB128 at p; returns the bytes written (1..TRACE_VARINT_MAX). */
static inline size_t trace_put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Reads a LEB128 number from [*p, end) into *v and advances *p. Returns 0;
 * -1 if the number runs past `end`, -2 if it is longer than 64 bits (*p is
 * then unchanged). */
static inline int trace_get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t x = 0;
    const unsigned char *q = *p;
    for (unsigned shift = 0; q < end && shift < 64; shift += 7) {
        unsigned char b = *q++;
        if (shift == 63 && b > 1)
            return -2;
        x |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *p = q;
            *v = x;
            return 0;
        }
    }
    return q < end ? -2 : -1;
}

#endif
