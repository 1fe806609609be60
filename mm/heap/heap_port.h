/*
 * heap_port: everything keel's heap (the keel::heap library) needs from the
 * program or kernel it runs in, and nothing else. The library calls no
 * malloc, no stdio, no threads and no CPU-specific code.
 *
 * Required: a program that links keel::heap defines these symbols (or links
 * keel::heap_hosted, which defines them with the C library). The compiler
 * may emit calls to memcpy and memset on its own (struct copies).
 *
 *   symbol        declared in     contract
 *   panic_at      lib/panic.h     the fatal path: a broken invariant or a heap
 *                                 bug the hardened wrapper or check() found;
 *                                 file and line say where, fmt (printf-style)
 *                                 why. Must not return.
 *   memcpy        <string.h>      the C library's contracts (strlen: the
 *   memmove                       formatter of the hardened reports,
 *   memset                        lib/fmt.c, which the library contains).
 *   strlen
 *   irq_save      lib/irq.h       kalloc's lock only (unused without kalloc):
 *   irq_restore                   irq_save() masks interrupts and returns the
 *   cpu_relax                     previous state, irq_restore() puts it back,
 *                                 cpu_relax() is the spin-wait hint. A hosted
 *                                 program without signals that allocate may
 *                                 make all three do nothing: the lock itself
 *                                 is an atomic spinlock, safe across threads.
 *
 * Optional, growing and trimming the region: kalloc's grow and released
 * hooks (struct kalloc_heap, kalloc.h) map pages after the region and
 * allocator_extend() over them, or count freed bytes and
 * allocator_shrink() the free tail. Without them the region never changes.
 * A program calling the allocators directly does the same with
 * allocator_extend/allocator_free_tail/allocator_shrink (allocator.h).
 *
 * Implementations:
 *   hosted        mm/heap/heap_port_hosted.c (keel::heap_hosted): message
 *                 on stderr and abort(); interrupts hooks that do nothing;
 *                 the C library's mem* and strlen.
 *   keel kernel   kernel/panic.c (every console, then halt), irq_* in
 *                 kernel/arch/x86_64/irq.c (pushfq/cli/popfq, pause),
 *                 lib/kstring.c and kernel/arch/x86_64/string.c (rep movsb/
 *                 stosb); growth and trimming in mm/heap/heap.c (heap.h).
 *   host tests    tests/host/support: a panic that a test can expect
 *                 (longjmp), a simulated interrupt flag.
 *   freestanding  examples/heap-freestanding/port.c: the smallest set.
 *
 * HEAP_PORT_SYMBOLS is the list above; the heap_port_lists_every_hook
 * test checks that the library needs no other symbol.
 */
#ifndef KEEL_MM_HEAP_HEAP_PORT_H
#define KEEL_MM_HEAP_HEAP_PORT_H

#include "lib/irq.h"
#include "lib/panic.h"

#define HEAP_PORT_SYMBOLS "panic_at memcpy memmove memset strlen irq_save irq_restore cpu_relax"

#endif
