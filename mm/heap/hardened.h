/*
 * hardened: a checking wrapper around any allocator, keel's run-time answer
 * to the borrow checker. It turns C's heap bugs into precise panics.
 *
 * Every block it hands out is carved from a larger block of the inner
 * allocator (A = max(align, 16); the header and the user bytes never move):
 *
 *   inner                                        user: A-aligned
 *   v                                            v
 *   | slack | header (64) | front red zone (16) | user bytes | back red zone |
 *                                                            (to a 16-byte
 *                                                        boundary, then 16)
 *   slack: rounds header + red zone (80 bytes) up to A; unused
 *
 *   header: magic (live or freed), links of the live list or the
 *   quarantine, the requested layout, the allocating and freeing callers,
 *   and a seal (a hash of all of it and of the header's own address).
 *
 * Byte patterns:
 *   0xa5  fresh user bytes (alloc): reads of uninitialised memory stand out
 *         (alloc_zeroed still returns zeros)
 *   0xfb  red zones, before and after the user bytes
 *   0xdd  user bytes of a freed block, while it waits in quarantine
 *
 * A free checks the pointer (it must be a live block of this heap, at its
 * start), the layout (exactly the one allocated), the red zones; it then
 * poisons the user bytes and puts the block at the tail of the quarantine,
 * a FIFO bounded by HARDENED_QUARANTINE_BLOCKS blocks and
 * HARDENED_QUARANTINE_BYTES inner bytes. Blocks leave it from the head,
 * checked for writes after free, and only then go back to the inner
 * allocator. When the inner allocator is out of memory the quarantine is
 * drained first, so the quarantine never causes an allocation failure.
 * realloc always moves the block (the old one goes to quarantine), so a
 * stale pointer kept across a realloc is caught like any other.
 *
 * check() walks every live block (header seal, red zones) and every
 * quarantined block (seal, poison), then the inner allocator's check().
 * Live blocks are an intrusive list through their headers and the
 * quarantine a FIFO through the same links: the wrapper never allocates for
 * its own bookkeeping.
 *
 * Every detection panics with one line starting "hardened heap: " and
 * naming the address, the layout given and what was wrong (the exact
 * wording of each is in docs/hardening.md):
 *   - "double free of P (Layout {..}): already freed by F (allocated by C)"
 *   - "dealloc of P (Layout {..}): " then one of
 *       "not a heap pointer (outside the heap region [R, E))",
 *       "interior pointer, offset N into the live block B (...)",
 *       "pointer into the freed block B at offset N",
 *       "misaligned pointer, not a block this heap handed out",
 *       "not a block this heap handed out",
 *       "layout mismatch, the block was allocated with Layout {..} by C"
 *     ("realloc of" when realloc was given the pointer);
 *   - "overflow of block P (...): red zone after the block changed at
 *     offsets X..Y: found 41 .., expected fb", and "underflow of ..." for
 *     the red zone before it;
 *   - "write after free to block P (...): changed at offsets X..Y: ...";
 *   - "corrupted header of the live block P (seal mismatch: ...)".
 * Offsets are relative to the user pointer; at most 8 found bytes are shown.
 *
 * What it cannot see: a double free after the block left quarantine and was
 * handed out again (that frees the new owner's block); writes that skip
 * over a red zone into another block; reads (only their results differ).
 *
 * Portable, and not compiled into the kernel at all unless the KEEL_HARDENED
 * build option is on (cmake/KeelOptions.cmake).
 */
#ifndef KEEL_MM_HEAP_HARDENED_H
#define KEEL_MM_HEAP_HARDENED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fmt.h"
#include "mm/heap/allocator.h"

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
    size_t live, bytes_in_use, peak; /* over live blocks, user layouts */
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

#endif
