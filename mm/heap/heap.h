/*
 * The kernel heap: which allocator runs, where it is set up, who calls it.
 *
 *   Which: the one the KEEL_ALLOCATOR build option names (segfit by
 *     default, cmake/KeelOptions.cmake). CMake writes the choice into
 *     heap_selected_allocator() (generated from mm/heap/selected.c.in), and
 *     the kernel links that allocator's code and no other's. With
 *     KEEL_HARDENED (on unless Release) it runs inside the hardened checker
 *     (hardened.h).
 *   Where: heap_setup() below, called once by kernel_init(): it wraps the
 *     allocator, maps the region and installs the allocator behind kalloc,
 *     whose kalloc.c holds the one copy of it.
 *   Who calls it: everyone, through kalloc.h (kmalloc, kalloc, the alloc/
 *     collections), under the heap lock. Nothing else touches the installed
 *     allocator; management work (heap_trim, the leak report) runs under the
 *     same lock through kalloc_with_lock().
 *
 * The region, the virtual range the allocator serves:
 *
 *   HEAP_START                 start + size            start + max_size
 *   |<---- mapped, handed to the allocator ---->|<--- unmapped: growth room --->|
 *
 * heap_init() maps every page of [start, start + initial_size) present,
 * writable and non-executable to a fresh frame, hands the range to the
 * allocator, and installs it with the region's two hooks (kalloc_install).
 * When a request cannot be met, kalloc calls the grow hook, which maps more
 * pages right after the end (at least what the request needs, at most up to
 * max_size) and extends the allocator over them. With growth disabled
 * (max_size == initial_size, or heap_set_growth(false)) the region never
 * changes, so tests can prove memory was reused rather than grown.
 *
 * Giving memory back: kalloc reports every byte freed (the released hook).
 * After each HEAP_TRIM_CHECK_BYTES freed, the heap asks the allocator how
 * much of the region's end is free; from HEAP_TRIM_THRESHOLD on, it shrinks
 * the allocator's region to leave HEAP_TRIM_KEEP of free tail (never below
 * initial_size), unmaps those pages and returns their frames (and emptied
 * page tables) to the frame allocator. The gap between threshold and what
 * is kept is the hysteresis: a loop that allocates and frees across the
 * boundary does not map and unmap each time. heap_trim() gives back all of
 * the free tail at once. Pages are unmapped from the top down; should one
 * not unmap, the allocator takes the still-mapped pages below it back
 * (extend), so a failure loses neither memory nor mappings. Allocators
 * without free_tail/shrink (allocator.h) never shrink.
 *
 * Portable: it only talks to the page mapper and the frame allocator through
 * their headers, so host tests run heap_init over simulated physical memory.
 */
#ifndef KEEL_MM_HEAP_HEAP_H
#define KEEL_MM_HEAP_HEAP_H

#include <stdbool.h>
#include <stddef.h>

#include "mm/addr.h"
#include "mm/frame.h"
#include "mm/heap/allocator.h"
#include "mm/paging.h"

struct heap_config {
    virt_addr_t start;   /* page-aligned, canonical */
    size_t initial_size; /* bytes mapped by heap_init; rounded up to pages */
    size_t max_size;     /* growth limit; >= initial_size */
};

/* The build options (cmake/KeelOptions.cmake). */
#if defined(KEEL_HEAP_START) && defined(KEEL_HEAP_SIZE) && defined(KEEL_HEAP_MAX_SIZE)
#define HEAP_CONFIG_DEFAULT                                                                        \
    ((struct heap_config){KEEL_HEAP_START, KEEL_HEAP_SIZE, KEEL_HEAP_MAX_SIZE})
#endif

enum heap_error {
    HEAP_OK = 0,
    HEAP_ERR_BAD_CONFIG,              /* start misaligned, sizes zero or out of order */
    HEAP_ERR_FRAME_ALLOCATION_FAILED, /* out of physical frames */
    HEAP_ERR_PAGE_ALREADY_MAPPED,     /* something else lives in the heap's range */
    HEAP_ERR_PARENT_HUGE_PAGE,
    HEAP_ERR_MAPPING_FAILED, /* any other mapping error */
    HEAP_ERR_ALLOCATOR_INIT, /* the allocator refused the region (too small...) */
};

/* The kernel's heap, set up once at boot: the build's allocator (wrapped
 * when KEEL_HARDENED) over HEAP_CONFIG_DEFAULT, mapped with `mapper` and
 * `frames` and installed behind kalloc. Panics if it cannot: the kernel
 * does not run without a heap. Kernel builds only (mm/heap/heap_setup.c). */
void heap_setup(const struct page_mapper *mapper, struct frame_allocator *frames);

/* The boot line's text after "heap: ", e.g. "100 KiB at 0x444444440000
 * (segfit allocator, hardened, grows to 65536 KiB)"; ksnprintf semantics.
 * Kernel builds only, as heap_setup(). */
size_t heap_summary(char *buf, size_t size);

/* The build's allocator (KEEL_ALLOCATOR) over its one static state, not yet
 * initialised; every call returns the same state. And its name: "segfit",
 * "tlsf", "linked_list", "fixed_block", "bump" or "dummy". */
struct allocator heap_selected_allocator(void);
const char *heap_selected_allocator_name(void);

/* Maps the region and installs `allocator` (not yet initialised) as the
 * global allocator over it. On failure nothing stays mapped or allocated.
 * heap_setup() calls it; host tests call it with an allocator of their own. */
enum heap_error heap_init(const struct heap_config *config, const struct page_mapper *mapper,
                          struct frame_allocator *frames, struct allocator allocator);
const char *heap_strerror(enum heap_error err);

#define HEAP_TRIM_CHECK_BYTES ((size_t)64 << 10)
#define HEAP_TRIM_THRESHOLD   ((size_t)256 << 10)
#define HEAP_TRIM_KEEP        ((size_t)64 << 10)

/* Current mapped size (the allocator's region: kalloc_stats' region_size),
 * and whether growth is allowed. */
size_t heap_size(void);
void heap_set_growth(bool enabled);

/* Gives the whole free tail back now (down to initial_size); returns the
 * bytes unmapped. Takes the heap lock. */
size_t heap_trim(void);

/* For fault reports: "the kernel heap", "the kernel heap's unmapped growth
 * area", or NULL when `address` is outside the heap's whole range. */
const char *heap_describe_address(uint64_t address);

#endif
