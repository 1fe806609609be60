# Portable sources of mm/heap/ (the allocator vtable, every allocator, the
# global kalloc front), built into the kernel and into host tests.
set(KEEL_HEAP_PORTABLE_SOURCES
)
