/*
 * keel's heap in a hosted program: every block checked for alignment,
 * bounds and contents through alloc, realloc and dealloc, on segfit and on
 * tlsf inside the hardened wrapper; then kmalloc over segfit. Exits 1 on
 * the first mismatch.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/heap/hardened.h"
#include "mm/heap/kalloc.h"
#include "mm/heap/segfit.h"
#include "mm/heap/tlsf.h"

#define BLOCKS 200

static _Alignas(64) unsigned char arena[1 << 20];

static void expect(int ok, const char *what, const char *allocator, int block)
{
    if (ok)
        return;
    fprintf(stderr, "%s: block %d: %s\n", allocator, block, what);
    exit(1);
}

static int holds(const unsigned char *p, size_t n, unsigned char byte)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != byte)
            return 0;
    return 1;
}

static void print_stats(const char *name, const struct allocator *a)
{
    struct heap_stats st;
    allocator_stats(a, &st);
    printf("%-18s region %zu B, peak %zu B in use, %zu B free (largest %zu B), %zu live\n", name,
           st.region_size, st.peak_bytes_in_use, st.bytes_free, st.largest_free_block,
           st.live_allocations);
    expect(st.live_allocations == 0 && st.bytes_in_use == 0, "live after freeing all", name, -1);
}

/* Allocates BLOCKS blocks of mixed sizes and alignments, grows every third,
 * checks every byte, frees them all and walks the allocator. */
static void exercise(const char *name, const struct allocator *a)
{
    unsigned char *blocks[BLOCKS];
    struct layout layouts[BLOCKS];

    expect(allocator_init(a, arena, sizeof arena) == ALLOCATOR_INIT_OK, "init", name, -1);
    for (int i = 0; i < BLOCKS; i++) {
        expect(layout_new(1 + (size_t)i * 37 % 1500, (size_t)1 << (i % 7), &layouts[i]) ==
                   LAYOUT_OK,
               "layout", name, i);
        blocks[i] = allocator_alloc(a, layouts[i]);
        uintptr_t p = (uintptr_t)blocks[i];
        expect(p != 0, "out of memory", name, i);
        expect(p % layouts[i].align == 0, "misaligned", name, i);
        expect(p >= (uintptr_t)arena && p + layouts[i].size <= (uintptr_t)arena + sizeof arena,
               "outside the arena", name, i);
        memset(blocks[i], i, layouts[i].size);
    }
    for (int i = 0; i < BLOCKS; i += 3) {
        size_t old = layouts[i].size;
        blocks[i] = allocator_realloc(a, blocks[i], layouts[i], 2 * old);
        expect(blocks[i] != NULL, "realloc failed", name, i);
        expect(holds(blocks[i], old, (unsigned char)i), "realloc lost the contents", name, i);
        layouts[i].size = 2 * old;
        memset(blocks[i], i, layouts[i].size);
    }
    allocator_check(a);
    for (int i = 0; i < BLOCKS; i++) {
        expect(holds(blocks[i], layouts[i].size, (unsigned char)i), "overwritten", name, i);
        allocator_dealloc(a, blocks[i], layouts[i]);
    }
    allocator_check(a);
    print_stats(name, a);
}

/* The global front: kmalloc and kfree over an installed allocator, without
 * growth (no hooks). */
static void exercise_kmalloc(const struct allocator *a)
{
    expect(allocator_init(a, arena, sizeof arena) == ALLOCATOR_INIT_OK, "init", "kmalloc", -1);
    kalloc_install((struct kalloc_heap){.allocator = *a});
    char *s = kmalloc(32);
    snprintf(s, 32, "kmalloc over %s", a->ops->name);
    char *t = krealloc(s, 4096);
    expect(t != NULL && strcmp(t, "kmalloc over segfit") == 0, "krealloc", "kmalloc", 0);
    puts(t);
    kfree(t);
    struct heap_stats st;
    kalloc_stats(&st);
    expect(st.live_allocations == 0, "live after kfree", "kmalloc", 0);
}

static void print_line(void *ctx, const char *s, size_t n)
{
    fwrite(s, 1, n, ctx);
}

int main(void)
{
    static struct segfit_heap segfit;
    struct allocator fast = segfit_allocator(&segfit);
    exercise("segfit", &fast);

    static struct tlsf_heap tlsf;
    static struct hardened_heap hardened;
    struct allocator checked = hardened_wrap(&hardened, tlsf_allocator(&tlsf));
    exercise("hardened(tlsf)", &checked);
    hardened_drain_quarantine(&hardened);
    expect(hardened_report_leaks(&hardened, 4, print_line, stdout) == 0, "leaks", "hardened", -1);

    static struct segfit_heap global;
    struct allocator front = segfit_allocator(&global);
    exercise_kmalloc(&front);
    puts("heap_hosted: all blocks checked");
    return 0;
}
