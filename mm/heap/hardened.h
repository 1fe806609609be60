/*
 * hardened: a checking wrapper around any allocator (allocator.h) that turns
 * C's heap bugs into precise panics. How a block is laid out, the exact
 * report of each bad act and the tests that prove them: docs/hardening.md.
 *
 * Every block is carved from a larger block of the inner allocator: a
 * HARDENED_HEADER_SIZE header, HARDENED_REDZONE bytes of red zone before
 * the user bytes and 16..31 after them. User pointers are aligned to
 * max(align, HARDENED_MIN_ALIGN). Fresh user bytes hold
 * HARDENED_FRESH_BYTE (alloc_zeroed: zeros), red zones
 * HARDENED_REDZONE_BYTE, a freed block's user bytes HARDENED_FREED_BYTE
 * while it waits in the quarantine.
 *
 * Guarantees beyond the vtable's contract:
 *   - dealloc and realloc check the pointer (a live block of this heap, at
 *     its start), the layout (exactly the one allocated) and the red zones;
 *     a freed block waits in a FIFO quarantine (HARDENED_QUARANTINE_BLOCKS
 *     blocks, HARDENED_QUARANTINE_BYTES inner bytes) and is checked for
 *     writes after free when it leaves it;
 *   - realloc always moves the block;
 *   - the quarantine never makes a request fail: it is drained first;
 *   - the wrapper never allocates for its own bookkeeping;
 *   - check() walks every live and quarantined block, then the inner
 *     allocator's check().
 * Errors: every detection panics with one line starting "hardened heap: "
 * that names the address, the layout given and what was wrong.
 * Not detected: a double free after the block left the quarantine and was
 * handed out again; writes that skip a red zone; reads.
 * Cost: O(size) per alloc and free (fill and check), 96..127 bytes per
 * block plus alignment slack.
 *
 * Compiled into the kernel only when the KEEL_HARDENED build option is on
 * (cmake/KeelOptions.cmake).
 */
#ifndef KEEL_MM_HEAP_HARDENED_H
#define KEEL_MM_HEAP_HARDENED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fmt.h"
#include "mm/heap/allocator.h"
#include "mm/heap/heap_counts.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HARDENED_HEADER_SIZE       64
#define HARDENED_REDZONE           16 /* front red zone; the back one is 16..31 bytes */
#define HARDENED_MIN_ALIGN         16 /* every user pointer is at least 16-aligned */
#define HARDENED_QUARANTINE_BLOCKS 64
#define HARDENED_QUARANTINE_BYTES  (32 * 1024) /* inner bytes */

#define HARDENED_FRESH_BYTE   0xa5
#define HARDENED_REDZONE_BYTE 0xfb
#define HARDENED_FREED_BYTE   0xdd

struct hardened_header;

/* Where the wrapper learns who called: returns the caller's address for the
 * operation being served (e.g. kalloc_caller()), or NULL if unknown. */
typedef const void *(*hardened_caller_fn)(void);

struct hardened_heap {
    struct allocator inner;
    uintptr_t region_start, region_end;                        /* as given to init/extend */
    struct hardened_header *live_head;                         /* live blocks, most recent first */
    struct hardened_header *quarantine_head, *quarantine_tail; /* oldest first */
    size_t quarantine_blocks, quarantine_bytes;                /* inner bytes held */
    size_t quarantine_max_blocks, quarantine_max_bytes;
    struct heap_counts counts; /* over live blocks, user layouts */
    hardened_caller_fn caller;
};

extern const struct allocator_ops hardened_ops;

/* Wraps `inner` (not yet initialised: the wrapper's init initialises it over
 * the same region). The default quarantine bounds apply. */
struct allocator hardened_wrap(struct hardened_heap *state, struct allocator inner);

/* The hardened state behind `a`, or NULL if `a` is not a hardened wrapper. */
struct hardened_heap *hardened_from(const struct allocator *a);

/* Sets the caller-address source (NULL: the wrapper records the address its
 * own operation returns to, i.e. whoever called through the vtable). */
void hardened_set_caller(struct hardened_heap *s, hardened_caller_fn caller);

/* Changes the quarantine bounds (0 blocks: freed blocks are checked and
 * released at once); blocks beyond the new bounds are released now. */
void hardened_set_quarantine(struct hardened_heap *s, size_t max_blocks, size_t max_bytes);

/* Checks and releases every quarantined block to the inner allocator. */
void hardened_drain_quarantine(struct hardened_heap *s);

/* Writes the leak report to `sink` and returns the number of live blocks:
 *   heap leak report: N live allocation(s), B bytes
 *     0x... Layout { size: S, align: A } allocated by 0x...   (most recent first)
 * listing at most `max_listed` blocks, then "  ... and K more". Does not
 * lock: the caller serialises it with the heap's users. */
size_t hardened_report_leaks(const struct hardened_heap *s, size_t max_listed, fmt_sink_fn sink,
                             void *ctx);

#ifdef __cplusplus
}
#endif

#endif
