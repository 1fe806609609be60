/*
 * The bits of an x86_64 page-table entry, one set of names for C (as
 * uint64_t) and for the boot assembly (boot/entry32.S builds the first page
 * tables with them).
 */
#ifndef KEEL_MM_PAGE_FLAGS_H
#define KEEL_MM_PAGE_FLAGS_H

#ifdef __ASSEMBLER__
#define PAGE_BIT(n) (1 << (n))
#else
#include <stdint.h>
#define PAGE_BIT(n) ((uint64_t)1 << (n))
#endif

#define PAGE_PRESENT       PAGE_BIT(0)
#define PAGE_WRITABLE      PAGE_BIT(1)
#define PAGE_USER          PAGE_BIT(2)
#define PAGE_WRITE_THROUGH PAGE_BIT(3)
#define PAGE_NO_CACHE      PAGE_BIT(4)
#define PAGE_ACCESSED      PAGE_BIT(5)
#define PAGE_DIRTY         PAGE_BIT(6)
#define PAGE_HUGE          PAGE_BIT(7) /* in a level-2/3 entry: a leaf */
#define PAGE_GLOBAL        PAGE_BIT(8)
#define PAGE_NO_EXECUTE    PAGE_BIT(63) /* needs EFER.NXE, else reserved */

#endif
