# Portable sources of lib/ (the core: depends on nothing else in the tree),
# built into the kernel and into host tests.
set(KEEL_LIB_PORTABLE_SOURCES
    lib/fmt.c
)
# Kernel-only sources of lib/ (the host uses its C library instead).
set(KEEL_LIB_KERNEL_SOURCES
    lib/kstring.c
)
