/* Footprint of a replay in its region (see trace_footprint.h). */
#include "tests/bench/trace_footprint.h"

#include <sys/mman.h>

bool footprint_init(struct footprint *f, void *region, size_t size)
{
    size_t words = (size / FOOTPRINT_PAGE + 63) / 64;
    void *b = mmap(NULL, words * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (b == MAP_FAILED)
        return false;
    *f = (struct footprint){.start = (uintptr_t)region,
                            .end = (uintptr_t)region + size,
                            .top = (uintptr_t)region,
                            .bitmap = b};
    return true;
}

void footprint_free(struct footprint *f)
{
    size_t words = ((f->end - f->start) / FOOTPRINT_PAGE + 63) / 64;
    if (f->bitmap != NULL)
        munmap(f->bitmap, words * sizeof(uint64_t));
    *f = (struct footprint){0};
}

/* Sets bits [first, last] of the bitmap, counting those newly set. */
static void mark(struct footprint *f, size_t first, size_t last)
{
    for (size_t i = first; i <= last;) {
        size_t w = i / 64, lo = i % 64;
        size_t hi = last / 64 == w ? last % 64 : 63;
        uint64_t bits =
            (hi == 63 ? ~(uint64_t)0 : ((uint64_t)1 << (hi + 1)) - 1) & ~(((uint64_t)1 << lo) - 1);
        f->pages += (uint64_t)__builtin_popcountll(bits & ~f->bitmap[w]);
        f->bitmap[w] |= bits;
        i = (w + 1) * 64;
    }
}

bool footprint_note(struct footprint *f, const void *p, size_t size)
{
    uintptr_t a = (uintptr_t)p;
    if (a < f->start || a > f->end || size > f->end - a)
        return false;
    if (a + size > f->top)
        f->top = a + size;
    if (size > 0)
        mark(f, (a - f->start) / FOOTPRINT_PAGE, (a + size - 1 - f->start) / FOOTPRINT_PAGE);
    return true;
}
