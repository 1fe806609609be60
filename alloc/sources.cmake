# The allocation and collection types (the kernel's `alloc` crate): portable,
# built into the kernel and into host tests. They allocate through
# mm/heap/kalloc.h and use lib/ for the rest.
set(KEEL_ALLOC_PORTABLE_SOURCES
    alloc/raw_array.c
    alloc/vec.c
    alloc/kstr.c
    alloc/prefix_block.c
    alloc/rc.c
    alloc/arc.c
    alloc/refcount.c
    alloc/deque.c
    alloc/binheap.c
    alloc/omap.c
)
