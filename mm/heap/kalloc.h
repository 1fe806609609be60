/*
 * kalloc: the kernel's global heap, the C counterpart of #[global_allocator].
 *
 * One allocator (the one heap_setup() installs, mm/heap/heap.h) serves the
 * whole kernel through these calls. Every call takes the heap
 * spinlock with interrupts masked (lib/spinlock.h), so interrupt handlers may
 * allocate.
 *
 * Two families:
 *   - kalloc*, kmalloc*, krealloc*: never return NULL. When the allocator
 *     cannot satisfy a request (after trying to grow the heap), they call
 *     alloc_error_handler(layout), which panics with exactly
 *     "allocation error: Layout { size: N, align: M }".
 *   - try_*: return NULL instead, for callers that can recover.
 *
 * Layout-taking forms (kalloc, kdealloc, ...) pass the layout straight to the
 * allocator; the caller frees with the same layout. kmalloc/kfree are the
 * size-only convenience: they keep the size in a 16-byte header in front of
 * the block, aligned to KMALLOC_ALIGN.
 *
 * Zero-size requests: a layout of size 0 is valid. kalloc/try_kalloc return
 * KALLOC_ZERO_SIZE_PTR (a non-NULL pointer that must not be dereferenced)
 * without calling the allocator; kdealloc and kfree of it do nothing.
 * kmalloc(0) returns KALLOC_ZERO_SIZE_PTR too.
 *
 * Invalid layouts never get here: build them with layout_new(). The
 * kmalloc(size) forms build the layout themselves; a size so large that the
 * header overflows goes to the error handler (try_ forms: NULL).
 */
#ifndef KEEL_MM_HEAP_KALLOC_H
#define KEEL_MM_HEAP_KALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "mm/heap/allocator.h"
#include "mm/heap/layout.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KALLOC_ZERO_SIZE_PTR ((void *)16)
#define KMALLOC_ALIGN        16

/* What kalloc serves from: an allocator, already initialised over its
 * region, and the two hooks of the region it lives in (heap.c's; host tests
 * pass their own). Both hooks run under the heap lock and get the installed
 * allocator; NULL means "never".
 *
 *   grow(a, layout): the allocator could not satisfy `layout`. The hook may
 *     make more memory available (map pages after the region, then
 *     allocator_extend) and return true; kalloc then retries once.
 *   released(a, bytes): after every free, and every realloc that shrank or
 *     moved a block, the bytes the caller gave up; the heap counts them and
 *     now and then gives the region's free tail back (heap.h). */
struct kalloc_heap {
    struct allocator allocator;
    bool (*grow)(const struct allocator *a, struct layout layout);
    void (*released)(const struct allocator *a, size_t bytes);
};

/* Installs `heap` as the global heap, allocator and hooks at once, and
 * returns the previous one (zeroed if none). heap_init() calls it; host
 * tests call it to put a test allocator (e.g. one that fails on demand)
 * behind every kalloc call. */
struct kalloc_heap kalloc_install(struct kalloc_heap heap);

/* Runs fn(allocator, arg) under the heap lock, with interrupts masked, on
 * the installed allocator: the only way to reach it outside a kalloc call
 * (heap_trim(), the hardened leak report). fn must not call kalloc. Panics
 * when no allocator is installed. */
void kalloc_with_lock(void (*fn)(const struct allocator *a, void *arg), void *arg);

/* Layout forms. */
void *kalloc(struct layout layout);
void *kalloc_zeroed(struct layout layout);
void *krealloc_layout(void *ptr, struct layout layout, size_t new_size);
void kdealloc(void *ptr, struct layout layout);
void *try_kalloc(struct layout layout);
void *try_kalloc_zeroed(struct layout layout);
void *try_krealloc_layout(void *ptr, struct layout layout, size_t new_size);

/* Size-only forms (header-carrying). krealloc(NULL, n) == kmalloc(n);
 * kfree(NULL) does nothing. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *krealloc(void *ptr, size_t new_size);
void kfree(void *ptr);
void *try_kmalloc(size_t size);
void *try_kzalloc(size_t size);
void *try_krealloc(void *ptr, size_t new_size);

/* Typed helpers. */
#define KALLOC_TYPE(type) ((type *)kalloc(LAYOUT_OF(type)))
#define KFREE_TYPE(ptr)   kdealloc((ptr), LAYOUT_OF(__typeof__(*(ptr))))

/* Called when an aborting form cannot allocate. Panics with
 * "allocation error: Layout { size: N, align: M }". */
void alloc_error_handler(struct layout layout) __attribute__((noreturn));

#if KEEL_HARDENED
/* The return address of the kalloc call being served, for the allocator it
 * calls (the hardened heap records it as a block's owner or freer); NULL
 * outside such a call. Hardened builds only. */
const void *kalloc_caller(void);
#endif

/* Statistics of the global allocator, and its consistency walk (panics on
 * any inconsistency). Both take the heap lock. */
void kalloc_stats(struct heap_stats *out);
void heap_check(void);

#ifdef __cplusplus
}
#endif

#endif
