/*
 * The allocator chosen at build time (CMake option KEEL_ALLOCATOR, passed to
 * selected.c as exactly one KEEL_ALLOCATOR_<NAME> definition; segfit when
 * none is given), over a static state object. heap_init() initialises it over
 * the heap region and installs it with kalloc_set_allocator().
 */
#ifndef KEEL_MM_HEAP_SELECTED_H
#define KEEL_MM_HEAP_SELECTED_H

#include "mm/heap/allocator.h"

/* The chosen allocator; every call returns the same state pointer. */
struct allocator heap_selected_allocator(void);
/* Its name: "segfit", "tlsf", "linked_list", "fixed_block", "bump" or "dummy". */
const char *heap_selected_allocator_name(void);

#endif
