/*
 * heap_setup: the kernel's one heap, chosen, wrapped, mapped and installed
 * (heap.h says which allocator, where and who calls it). Kernel builds only:
 * it reads the build options (HEAP_CONFIG_DEFAULT, KEEL_HARDENED).
 */
#include "lib/fmt.h"
#include "lib/panic.h"
#include "mm/heap/heap.h"
#if KEEL_HARDENED
#include "mm/heap/hardened.h"
#include "mm/heap/kalloc.h"

static struct hardened_heap hardened;
#define HARDENED_NOTE ", hardened"
#else
#define HARDENED_NOTE ""
#endif

/* The build's allocator; in hardened builds wrapped in the checker, which
 * learns every block's owner from kalloc. */
static struct allocator kernel_allocator(void)
{
    struct allocator a = heap_selected_allocator();
#if KEEL_HARDENED
    a = hardened_wrap(&hardened, a);
    hardened_set_caller(&hardened, kalloc_caller);
#endif
    return a;
}

void heap_setup(const struct page_mapper *mapper, struct frame_allocator *frames)
{
    struct heap_config config = HEAP_CONFIG_DEFAULT;
    enum heap_error err = heap_init(&config, mapper, frames, kernel_allocator());
    if (err != HEAP_OK)
        panic("heap initialization failed: %s", heap_strerror(err));
}

size_t heap_summary(char *buf, size_t size)
{
    struct heap_config config = HEAP_CONFIG_DEFAULT;
    return ksnprintf(buf, size, "%zu KiB at %p (%s allocator%s, grows to %zu KiB)",
                     heap_size() / 1024, (void *)config.start, heap_selected_allocator_name(),
                     HARDENED_NOTE, config.max_size / 1024);
}
