# Portable sources of lib/, built into the kernel and into host tests.
set(KEEL_LIB_PORTABLE_SOURCES
    lib/fmt.c
)
# The allocation and collection types (the kernel's `alloc` crate).
list(APPEND KEEL_LIB_PORTABLE_SOURCES
    lib/raw_array.c
    lib/vec.c
    lib/kstr.c
    lib/prefix_block.c
    lib/rc.c
    lib/arc.c
    lib/deque.c
    lib/binheap.c
    lib/omap.c
)
# Kernel-only sources of lib/ (the host uses its C library instead).
set(KEEL_LIB_KERNEL_SOURCES
    lib/kstring.c
)
