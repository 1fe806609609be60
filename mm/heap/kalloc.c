/*
 * kalloc: the global heap front. One allocator, one spinlock that masks
 * interrupts, the zero-size convention, the kmalloc size header, growth on
 * failure and the allocation error handler (see kalloc.h for the contract).
 *
 * Every panic here happens with the lock released and interrupts restored:
 * host tests recover from panics, and a kernel panic path must not find the
 * heap locked if it ever allocates.
 */
#include "mm/heap/kalloc.h"

#include <stdint.h>

#include "lib/kstring.h"
#include "lib/panic.h"
#include "lib/spinlock.h"

/* kmalloc's header: the requested size, padded to KMALLOC_ALIGN so that the
 * user pointer keeps the block's alignment. */
#define KMALLOC_HEADER 16
_Static_assert(KMALLOC_HEADER % KMALLOC_ALIGN == 0, "header must keep the alignment");
_Static_assert(KMALLOC_HEADER >= sizeof(size_t), "header must hold a size_t");

static struct spinlock heap_lock = SPINLOCK_INIT;
/* The one copy of the installed allocator and its hooks (kalloc_install). */
static struct kalloc_heap heap;

enum alloc_kind { KIND_ALLOC, KIND_ZEROED };

/* Who called: every public function passes its return address down to the
 * locked section, which publishes it for the allocator while it runs
 * (kalloc_caller()). Public functions never call each other, so the address
 * is always the kalloc user's. Without KEEL_HARDENED nothing reads it and
 * the compiler drops it. */
#define CALLER __builtin_return_address(0)

#if KEEL_HARDENED
static const void *current_caller;

const void *kalloc_caller(void)
{
    return current_caller;
}

static void note_caller(const void *caller)
{
    current_caller = caller;
}
#else
static void note_caller(const void *caller)
{
    (void)caller;
}
#endif

struct kalloc_heap kalloc_install(struct kalloc_heap h)
{
    irq_flags_t flags = spin_lock_irqsave(&heap_lock);
    struct kalloc_heap old = heap;
    heap = h;
    spin_unlock_irqrestore(&heap_lock, flags);
    return old;
}

/* Asks the heap for room for `layout` (lock held); false if it has none. */
static bool grow(struct layout layout)
{
    return heap.grow != NULL && heap.grow(&heap.allocator, layout);
}

/* Tells the heap about bytes given up (lock held). */
static void released(size_t bytes)
{
    if (heap.released != NULL)
        heap.released(&heap.allocator, bytes);
}

_Noreturn void alloc_error_handler(struct layout layout)
{
    panic("allocation error: Layout { size: %zu, align: %zu }", layout.size, layout.align);
}

/* Takes the heap lock with interrupts masked. Panics (lock released) when no
 * allocator is installed: every caller needs one. */
static irq_flags_t lock_heap(void)
{
    irq_flags_t flags = spin_lock_irqsave(&heap_lock);
    if (heap.allocator.ops == NULL) {
        spin_unlock_irqrestore(&heap_lock, flags);
        panic("kalloc: no global allocator (heap_init not called)");
    }
    return flags;
}

void kalloc_with_lock(void (*fn)(const struct allocator *a, void *arg), void *arg)
{
    irq_flags_t flags = lock_heap();
    fn(&heap.allocator, arg);
    spin_unlock_irqrestore(&heap_lock, flags);
}

/* Allocates `layout` (size > 0) from the installed allocator; on failure asks
 * the grow hook for more memory and retries once. NULL if both fail. */
static void *alloc_grow(struct layout layout, enum alloc_kind kind, const void *caller)
{
    irq_flags_t flags = lock_heap();
    note_caller(caller);
    const struct allocator *a = &heap.allocator;
    void *p = kind == KIND_ZEROED ? allocator_alloc_zeroed(a, layout) : allocator_alloc(a, layout);
    if (p == NULL && grow(layout))
        p = kind == KIND_ZEROED ? allocator_alloc_zeroed(a, layout) : allocator_alloc(a, layout);
    note_caller(NULL);
    spin_unlock_irqrestore(&heap_lock, flags);
    return p;
}

/* Reallocates a live block (both sizes > 0), growing the heap once on
 * failure. NULL leaves the old block live. */
static void *realloc_grow(void *ptr, struct layout layout, size_t new_size, const void *caller)
{
    irq_flags_t flags = lock_heap();
    note_caller(caller);
    void *p = allocator_realloc(&heap.allocator, ptr, layout, new_size);
    if (p == NULL && grow((struct layout){.size = new_size, .align = layout.align}))
        p = allocator_realloc(&heap.allocator, ptr, layout, new_size);
    if (p != NULL && p != ptr)
        released(layout.size);
    else if (p != NULL && new_size < layout.size)
        released(layout.size - new_size);
    note_caller(NULL);
    spin_unlock_irqrestore(&heap_lock, flags);
    return p;
}

static void dealloc_locked(void *ptr, struct layout layout, const void *caller)
{
    irq_flags_t flags = lock_heap();
    note_caller(caller);
    allocator_dealloc(&heap.allocator, ptr, layout);
    released(layout.size);
    note_caller(NULL);
    spin_unlock_irqrestore(&heap_lock, flags);
}

/* ---- Layout forms ------------------------------------------------------ */

static void *alloc_layout(struct layout layout, enum alloc_kind kind, const void *caller)
{
    if (layout.size == 0)
        return KALLOC_ZERO_SIZE_PTR;
    return alloc_grow(layout, kind, caller);
}

void *try_kalloc(struct layout layout)
{
    return alloc_layout(layout, KIND_ALLOC, CALLER);
}

void *try_kalloc_zeroed(struct layout layout)
{
    return alloc_layout(layout, KIND_ZEROED, CALLER);
}

void *kalloc(struct layout layout)
{
    void *p = alloc_layout(layout, KIND_ALLOC, CALLER);
    if (p == NULL)
        alloc_error_handler(layout);
    return p;
}

void *kalloc_zeroed(struct layout layout)
{
    void *p = alloc_layout(layout, KIND_ZEROED, CALLER);
    if (p == NULL)
        alloc_error_handler(layout);
    return p;
}

/* Frees a block from kalloc*. A size-0 layout can only come with
 * KALLOC_ZERO_SIZE_PTR; anything else is a caller bug worth a panic. */
static void dealloc_layout(void *ptr, struct layout layout, const void *caller)
{
    if (ptr == NULL || ptr == KALLOC_ZERO_SIZE_PTR)
        return;
    if (layout.size == 0)
        panic("kdealloc: size-0 layout for %p, which kalloc never returned", ptr);
    dealloc_locked(ptr, layout, caller);
}

void kdealloc(void *ptr, struct layout layout)
{
    dealloc_layout(ptr, layout, CALLER);
}

/* Zero sizes on either side are handled here so that allocators only ever
 * see real blocks: from the zero-size pointer it is an allocation, to size 0
 * it is a free. An invalid (new_size, align) fails like an exhausted heap. */
static void *realloc_layout(void *ptr, struct layout layout, size_t new_size, const void *caller)
{
    struct layout new_layout;
    if (layout_new(new_size, layout.align, &new_layout) != LAYOUT_OK)
        return NULL;
    if (ptr == NULL || ptr == KALLOC_ZERO_SIZE_PTR || layout.size == 0)
        return alloc_layout(new_layout, KIND_ALLOC, caller);
    if (new_size == 0) {
        dealloc_layout(ptr, layout, caller);
        return KALLOC_ZERO_SIZE_PTR;
    }
    return realloc_grow(ptr, layout, new_size, caller);
}

void *try_krealloc_layout(void *ptr, struct layout layout, size_t new_size)
{
    return realloc_layout(ptr, layout, new_size, CALLER);
}

void *krealloc_layout(void *ptr, struct layout layout, size_t new_size)
{
    void *p = realloc_layout(ptr, layout, new_size, CALLER);
    if (p == NULL)
        alloc_error_handler((struct layout){.size = new_size, .align = layout.align});
    return p;
}

/* ---- Size-only forms: [size_t size | pad][user bytes...] ------------------ */

/* The allocator's layout for a kmalloc block of `size` user bytes, or false
 * if the header makes it overflow. */
static bool kmalloc_layout(size_t size, struct layout *out)
{
    size_t total;
    if (__builtin_add_overflow(size, (size_t)KMALLOC_HEADER, &total))
        return false;
    return layout_new(total, KMALLOC_ALIGN, out) == LAYOUT_OK;
}

static unsigned char *kmalloc_header(void *user)
{
    return (unsigned char *)user - KMALLOC_HEADER;
}

static size_t kmalloc_size(void *user)
{
    size_t size;
    memcpy(&size, kmalloc_header(user), sizeof size);
    return size;
}

static void *kmalloc_finish(void *block, size_t size)
{
    if (block == NULL)
        return NULL;
    memcpy(block, &size, sizeof size);
    return (unsigned char *)block + KMALLOC_HEADER;
}

static void *kmalloc_common(size_t size, enum alloc_kind kind, const void *caller)
{
    struct layout layout;
    if (size == 0)
        return KALLOC_ZERO_SIZE_PTR;
    if (!kmalloc_layout(size, &layout))
        return NULL;
    return kmalloc_finish(alloc_grow(layout, kind, caller), size);
}

void *try_kmalloc(size_t size)
{
    return kmalloc_common(size, KIND_ALLOC, CALLER);
}

void *try_kzalloc(size_t size)
{
    return kmalloc_common(size, KIND_ZEROED, CALLER);
}

/* The handler reports the user's request, not the header-padded layout. */
void *kmalloc(size_t size)
{
    void *p = kmalloc_common(size, KIND_ALLOC, CALLER);
    if (p == NULL)
        alloc_error_handler((struct layout){.size = size, .align = KMALLOC_ALIGN});
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc_common(size, KIND_ZEROED, CALLER);
    if (p == NULL)
        alloc_error_handler((struct layout){.size = size, .align = KMALLOC_ALIGN});
    return p;
}

static void free_sized(void *ptr, const void *caller)
{
    struct layout layout;
    if (ptr == NULL || ptr == KALLOC_ZERO_SIZE_PTR)
        return;
    if (!kmalloc_layout(kmalloc_size(ptr), &layout))
        panic("kfree: corrupted kmalloc header at %p", ptr);
    dealloc_locked(kmalloc_header(ptr), layout, caller);
}

void kfree(void *ptr)
{
    free_sized(ptr, CALLER);
}

/* krealloc(NULL or zero-size pointer, n) allocates; krealloc(p, 0) frees and
 * returns the zero-size pointer; NULL on failure leaves p live. */
static void *realloc_sized(void *ptr, size_t new_size, const void *caller)
{
    struct layout old_layout, new_layout;
    if (ptr == NULL || ptr == KALLOC_ZERO_SIZE_PTR)
        return kmalloc_common(new_size, KIND_ALLOC, caller);
    if (new_size == 0) {
        free_sized(ptr, caller);
        return KALLOC_ZERO_SIZE_PTR;
    }
    if (!kmalloc_layout(new_size, &new_layout))
        return NULL;
    if (!kmalloc_layout(kmalloc_size(ptr), &old_layout))
        panic("krealloc: corrupted kmalloc header at %p", ptr);
    return kmalloc_finish(realloc_grow(kmalloc_header(ptr), old_layout, new_layout.size, caller),
                          new_size);
}

void *try_krealloc(void *ptr, size_t new_size)
{
    return realloc_sized(ptr, new_size, CALLER);
}

void *krealloc(void *ptr, size_t new_size)
{
    void *p = realloc_sized(ptr, new_size, CALLER);
    if (p == NULL)
        alloc_error_handler((struct layout){.size = new_size, .align = KMALLOC_ALIGN});
    return p;
}

/* ---- Introspection ----------------------------------------------------- */

void kalloc_stats(struct heap_stats *out)
{
    irq_flags_t flags = lock_heap();
    allocator_stats(&heap.allocator, out);
    spin_unlock_irqrestore(&heap_lock, flags);
}

void heap_check(void)
{
    irq_flags_t flags = lock_heap();
    allocator_check(&heap.allocator);
    spin_unlock_irqrestore(&heap_lock, flags);
}
