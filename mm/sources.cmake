# Portable sources of mm/ (boot information, frames, page tables), built into
# the kernel and into host tests.
set(KEEL_MM_PORTABLE_SOURCES
    mm/multiboot2.c
    mm/frame.c
    mm/frame_map.c
    mm/paging.c
)
