/* mm/frame: the bitmap frame allocator over synthetic memory maps -- exact
 * counts, every refusal leaves the counts alone, lowest-first order, a
 * randomized run checked against a model, and where the bitmap may live. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/frame.h"

#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
#define N(a)   (sizeof(a) / sizeof *(a))
/* A pointer to a list of the n regions at p (valid in the enclosing block). */
#define LIST(p, n)                                                                                 \
    ((const struct mb2_region_list[]){mb2_region_array_list(&(struct mb2_region_array){(p), (n)})})
#define RESERVED MB2_MEM_RESERVED

struct fixture {
    struct frame_allocator fa;
    void *storage;
};

/* init_from_map, then the reserved regions, with freshly malloc'd
 * (8-aligned) storage. */
static enum frame_error setup_map(struct fixture *fx, const struct mb2_mem_region *regions,
                                  size_t n, const struct mb2_mem_region *reserved, size_t m)
{
    const struct mb2_region_list *map = LIST(regions, n), *boot = LIST(reserved, m);
    size_t bytes = frame_bitmap_bytes(frame_map_limit(map));
    fx->storage = malloc(bytes ? bytes : 8);
    assert_non_null(fx->storage);
    enum frame_error err = frame_allocator_init_from_map(&fx->fa, map, fx->storage, bytes);
    return err != FRAME_OK ? err : frame_reserve_lists(&fx->fa, boot, 1);
}

static void assert_counts(const struct frame_allocator *fa, uint64_t total, uint64_t free_)
{
    assert_int_equal(frame_count_total(fa), total);
    assert_int_equal(frame_count_free(fa), free_);
    assert_int_equal(frame_count_used(fa), total - free_);
}

static bool in_range(phys_addr_t p, phys_addr_t start, phys_addr_t end)
{
    return p >= start && p < end;
}

/* A PC-like map: low memory, ACPI, a PCI hole, 128 MiB of RAM. */
static const struct mb2_mem_region pc_map[] = {
    {0x0, 0x9fc00, MB2_MEM_AVAILABLE},      {0x9fc00, 0xa0000, MB2_MEM_RESERVED},
    {0xf0000, 0x100000, MB2_MEM_RESERVED},  {MiB(1), MiB(128), MB2_MEM_AVAILABLE},
    {0xfffc0000, GiB(4), MB2_MEM_RESERVED},
};

static void pc_map_counts_every_frame_above_1mib(void **state)
{
    (void)state;
    assert_int_equal(frame_map_limit(LIST(pc_map, N(pc_map))), MiB(128));
    assert_int_equal(frame_bitmap_bytes(MiB(128)), 2 * (32768 / 64) * 8);
    struct fixture fx;
    assert_int_equal(setup_map(&fx, pc_map, N(pc_map), NULL, 0), FRAME_OK);
    assert_counts(&fx.fa, 32512, 32512); /* (128 - 1) MiB / 4 KiB */

    const struct mb2_mem_region kernel = {MiB(1), MiB(3), RESERVED};
    free(fx.storage);
    assert_int_equal(setup_map(&fx, pc_map, N(pc_map), &kernel, 1), FRAME_OK);
    assert_counts(&fx.fa, 32000, 32000);
    phys_addr_t p;
    assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
    assert_int_equal(p, MiB(3)); /* lowest first, past the kernel */
    assert_counts(&fx.fa, 32000, 31999);
    free(fx.storage);
}

/* Holes, overlaps, reserved-in-usable, zero-length, unaligned, > 4 GiB. */
static const struct mb2_mem_region odd_map[] = {
    {0x1000, 0x9f000, MB2_MEM_AVAILABLE},                 /* below 1 MiB: never */
    {MiB(1), MiB(2), MB2_MEM_AVAILABLE},                  /* 256 frames */
    {0x180000, 0x280000, MB2_MEM_AVAILABLE},              /* overlaps: +128 */
    {0x1ff000, 0x201000, MB2_MEM_RESERVED},               /* inside usable: -2 */
    {0x400800, 0x402800, MB2_MEM_AVAILABLE},              /* unaligned: 0x401000 only */
    {0x500000, 0x500000, MB2_MEM_AVAILABLE},              /* zero length */
    {0x600000, 0x500000, MB2_MEM_AVAILABLE},              /* end before start */
    {GiB(4), GiB(4) + 0x10000, MB2_MEM_AVAILABLE},        /* 16 frames above 4 GiB */
    {GiB(4) + 0x8800, GiB(4) + 0x9000, MB2_MEM_ACPI_NVS}, /* unaligned: -1 */
    {GiB(4) + 0x10000, GiB(5), MB2_MEM_DEFECTIVE},
};

static bool odd_map_usable(phys_addr_t p)
{
    return (in_range(p, MiB(1), 0x280000) && !in_range(p, 0x1ff000, 0x201000)) || p == 0x401000 ||
           (in_range(p, GiB(4), GiB(4) + 0x10000) && p != GiB(4) + 0x8000);
}

static void odd_map_gives_exactly_the_usable_frames_lowest_first(void **state)
{
    (void)state;
    assert_int_equal(frame_map_limit(LIST(odd_map, N(odd_map))), GiB(4) + 0x10000);
    struct fixture fx;
    assert_int_equal(setup_map(&fx, odd_map, N(odd_map), NULL, 0), FRAME_OK);
    const uint64_t total = 384 - 2 + 1 + 16 - 1;
    assert_counts(&fx.fa, total, total);

    phys_addr_t prev = 0, p;
    for (uint64_t i = 0; i < total; i++) {
        assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
        assert_true(odd_map_usable(p));
        assert_true(i == 0 || p > prev); /* strictly ascending: no frame twice */
        prev = p;
    }
    assert_int_equal(prev, GiB(4) + 0xf000);
    assert_counts(&fx.fa, total, 0);
    assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_ERR_EXHAUSTED);
    assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_ERR_EXHAUSTED);
    assert_counts(&fx.fa, total, 0);

    /* A freed frame is the next one handed out, wherever the hint was. */
    assert_int_equal(frame_free(&fx.fa, 0x200000 + 0x1000), FRAME_OK);
    assert_int_equal(frame_free(&fx.fa, GiB(4)), FRAME_OK);
    assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
    assert_int_equal(p, 0x201000);
    assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
    assert_int_equal(p, GiB(4));
    free(fx.storage);
}

static void refused_frees_change_nothing(void **state)
{
    (void)state;
    struct fixture fx;
    assert_int_equal(setup_map(&fx, odd_map, N(odd_map), NULL, 0), FRAME_OK);
    phys_addr_t p;
    assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
    uint64_t total = frame_count_total(&fx.fa), free_ = frame_count_free(&fx.fa);

    assert_int_equal(frame_free(&fx.fa, p + 1), FRAME_ERR_MISALIGNED);
    assert_int_equal(frame_free(&fx.fa, p + 0x800), FRAME_ERR_MISALIGNED);
    assert_int_equal(frame_free(&fx.fa, GiB(4) + 0x10000), FRAME_ERR_OUT_OF_RANGE);
    assert_int_equal(frame_free(&fx.fa, UINT64_MAX & ~0xfffull), FRAME_ERR_OUT_OF_RANGE);
    assert_int_equal(frame_free(&fx.fa, 0x1ff000), FRAME_ERR_NOT_USABLE); /* reserved */
    assert_int_equal(frame_free(&fx.fa, 0x0), FRAME_ERR_NOT_USABLE);      /* low memory */
    assert_int_equal(frame_free(&fx.fa, 0x9e000), FRAME_ERR_NOT_USABLE);  /* low, "available" */
    assert_int_equal(frame_free(&fx.fa, 0x300000), FRAME_ERR_NOT_USABLE); /* hole */
    assert_int_equal(frame_free(&fx.fa, GiB(4) + 0x8000), FRAME_ERR_NOT_USABLE);
    assert_int_equal(frame_free(&fx.fa, p + 0x1000), FRAME_ERR_DOUBLE_FREE); /* never allocated */
    assert_counts(&fx.fa, total, free_);

    assert_true(frame_is_allocated(&fx.fa, p));
    assert_false(frame_is_allocated(&fx.fa, p + 1));
    assert_false(frame_is_allocated(&fx.fa, p + 0x1000));
    assert_false(frame_is_allocated(&fx.fa, 0x1ff000));
    assert_false(frame_is_allocated(&fx.fa, GiB(8)));
    assert_int_equal(frame_free(&fx.fa, p), FRAME_OK);
    assert_false(frame_is_allocated(&fx.fa, p));
    assert_int_equal(frame_free(&fx.fa, p), FRAME_ERR_DOUBLE_FREE);
    assert_counts(&fx.fa, total, free_ + 1);
    free(fx.storage);
}

static void reserve_rounds_outward_and_refuses_allocated_frames(void **state)
{
    (void)state;
    struct fixture fx;
    const struct mb2_mem_region map[] = {{MiB(1), MiB(2), MB2_MEM_AVAILABLE}};
    assert_int_equal(setup_map(&fx, map, 1, NULL, 0), FRAME_OK);
    assert_counts(&fx.fa, 256, 256);
    /* [0x100fff, 0x102001) touches frames 0x100000, 0x101000, 0x102000. */
    assert_int_equal(frame_reserve(&fx.fa, 0x100fff, 0x102001), FRAME_OK);
    assert_counts(&fx.fa, 253, 253);
    assert_int_equal(frame_reserve(&fx.fa, 0x100000, 0x103000), FRAME_OK); /* again: no-op */
    assert_counts(&fx.fa, 253, 253);
    assert_int_equal(frame_reserve(&fx.fa, 0x105000, 0x105000), FRAME_OK); /* empty */
    assert_int_equal(frame_reserve(&fx.fa, MiB(3), UINT64_MAX), FRAME_OK); /* past the end */
    assert_counts(&fx.fa, 253, 253);

    phys_addr_t p;
    assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
    assert_int_equal(p, 0x103000);
    assert_int_equal(frame_reserve(&fx.fa, 0x104000 - 1, 0x105000), FRAME_ERR_RESERVE_ALLOCATED);
    assert_counts(&fx.fa, 253, 252);
    assert_int_equal(frame_free(&fx.fa, 0x104000), FRAME_ERR_DOUBLE_FREE); /* still usable */

    /* Adding usable memory again never frees an allocated frame. */
    frame_add_usable(&fx.fa, MiB(1), MiB(2));
    assert_counts(&fx.fa, 256, 255);
    assert_int_equal(frame_free(&fx.fa, 0x103000), FRAME_OK);
    assert_counts(&fx.fa, 256, 256);
    free(fx.storage);
}

static void init_refuses_bad_storage_and_empty_maps(void **state)
{
    (void)state;
    struct frame_allocator fa;
    _Alignas(8) uint8_t buf[64];
    assert_int_equal(frame_bitmap_bytes(0), 0);
    assert_int_equal(frame_bitmap_bytes(MiB(1)), 2 * 4 * 8);
    assert_int_equal(frame_allocator_init(&fa, MiB(1), buf, 63), FRAME_ERR_BITMAP_TOO_SMALL);
    assert_int_equal(frame_allocator_init(&fa, MiB(1), buf + 4, 60), FRAME_ERR_BITMAP_MISALIGNED);
    assert_int_equal(frame_allocator_init(&fa, MiB(1), buf, 64), FRAME_OK);
    assert_counts(&fa, 0, 0);
    phys_addr_t p;
    assert_int_equal(frame_alloc(&fa, &p), FRAME_ERR_EXHAUSTED);

    /* Only low memory is available: nothing usable. */
    const struct mb2_mem_region low[] = {{0, 0x9fc00, MB2_MEM_AVAILABLE}};
    assert_int_equal(frame_allocator_init_from_map(&fa, LIST(low, 1), buf, sizeof buf),
                     FRAME_ERR_NO_USABLE_MEMORY);
    const struct mb2_mem_region none[] = {{MiB(1), MiB(2), MB2_MEM_RESERVED}};
    assert_int_equal(frame_map_limit(LIST(none, 1)), 0);
    assert_int_equal(frame_allocator_init_from_map(&fa, LIST(none, 1), buf, sizeof buf),
                     FRAME_ERR_NO_USABLE_MEMORY);
    /* A region reaching the top of the address space is capped at 2^52. */
    const struct mb2_mem_region huge[] = {{MiB(1), UINT64_MAX, MB2_MEM_AVAILABLE}};
    assert_int_equal(frame_map_limit(LIST(huge, 1)), PHYS_ADDR_LIMIT);
}

static void partial_words_at_the_edges(void **state)
{
    (void)state;
    /* 1 MiB + 3 frames .. 1 MiB + 200 frames: crosses word boundaries at
     * both ends; limit not a multiple of 64 frames. */
    const struct mb2_mem_region map[] = {{MiB(1) + 0x3000, MiB(1) + 0xc8000, MB2_MEM_AVAILABLE}};
    struct fixture fx;
    assert_int_equal(setup_map(&fx, map, 1, NULL, 0), FRAME_OK);
    assert_counts(&fx.fa, 197, 197);
    phys_addr_t p, first = 0;
    for (int i = 0; i < 197; i++) {
        assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
        if (i == 0)
            first = p;
    }
    assert_int_equal(first, MiB(1) + 0x3000);
    assert_int_equal(p, MiB(1) + 0xc7000);
    assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_ERR_EXHAUSTED);
    free(fx.storage);
}

/* Seeded random alloc/free against a model of which frames are allocated. */
static void random_sequence_matches_model(void **state)
{
    (void)state;
    const struct mb2_mem_region map[] = {
        {0, 0x9f000, MB2_MEM_AVAILABLE},
        {MiB(1), MiB(3), MB2_MEM_AVAILABLE},
        {MiB(2), MiB(2) + 0x5000, MB2_MEM_RESERVED},
        {MiB(4) + 0x800, MiB(5), MB2_MEM_AVAILABLE},
    };
    const struct mb2_mem_region kernel = {MiB(1), MiB(1) + 0x10000, RESERVED};
    struct fixture fx;
    assert_int_equal(setup_map(&fx, map, N(map), &kernel, 1), FRAME_OK);
    const uint64_t initial = frame_count_free(&fx.fa);
    assert_int_equal(initial, 512 - 5 - 16 + 255);

    enum { FRAMES = 5 * 256 };
    bool allocated[FRAMES] = {false};
    phys_addr_t held[FRAMES];
    size_t nheld = 0;
    uint64_t seed = 12345;
    for (int step = 0; step < 200000; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        bool do_alloc = (seed >> 40) % 100 < (nheld < 100 ? 70u : 45u);
        if (do_alloc) {
            phys_addr_t p;
            enum frame_error err = frame_alloc(&fx.fa, &p);
            if (nheld == initial) {
                assert_int_equal(err, FRAME_ERR_EXHAUSTED);
                continue;
            }
            assert_int_equal(err, FRAME_OK);
            assert_true(p % 4096 == 0 && p < MiB(5) && p >= MiB(1));
            assert_false(in_range(p, MiB(2), MiB(2) + 0x5000));
            assert_false(in_range(p, kernel.start, kernel.end));
            assert_false(in_range(p, MiB(3), MiB(4) + 0x1000));
            assert_false(allocated[p / 4096]);
            allocated[p / 4096] = true;
            held[nheld++] = p;
        } else if (nheld > 0) {
            size_t i = (size_t)((seed >> 20) % nheld);
            assert_int_equal(frame_free(&fx.fa, held[i]), FRAME_OK);
            allocated[held[i] / 4096] = false;
            held[i] = held[--nheld];
        }
        assert_int_equal(frame_count_used(&fx.fa), nheld);
    }
    while (nheld > 0)
        assert_int_equal(frame_free(&fx.fa, held[--nheld]), FRAME_OK);
    assert_counts(&fx.fa, initial, initial);
    free(fx.storage);
}

static void lowest_free_frame_is_always_next(void **state)
{
    (void)state;
    const struct mb2_mem_region map[] = {{MiB(1), MiB(2), MB2_MEM_AVAILABLE}};
    struct fixture fx;
    assert_int_equal(setup_map(&fx, map, 1, NULL, 0), FRAME_OK);
    bool allocated[256] = {false};
    uint64_t seed = 99;
    for (int step = 0; step < 20000; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t f = (size_t)((seed >> 33) % 256);
        if (allocated[f]) {
            assert_int_equal(frame_free(&fx.fa, MiB(1) + f * 4096), FRAME_OK);
            allocated[f] = false;
        } else {
            size_t lowest = 0;
            while (lowest < 256 && allocated[lowest])
                lowest++;
            phys_addr_t p;
            assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
            assert_int_equal(p, MiB(1) + lowest * 4096);
            allocated[lowest] = true;
        }
    }
    free(fx.storage);
}

static void bitmap_home_avoids_reserved_and_low_memory(void **state)
{
    (void)state;
    const struct mb2_mem_region map[] = {
        {0, 0x9f000, MB2_MEM_AVAILABLE},
        {MiB(1), MiB(16), MB2_MEM_AVAILABLE},
        {MiB(6), MiB(6) + 0x1000, MB2_MEM_RESERVED},
        {MiB(32), MiB(64), MB2_MEM_AVAILABLE},
        {GiB(4), GiB(8), MB2_MEM_AVAILABLE},
    };
    const struct mb2_mem_region boot[] = {
        {MiB(1), MiB(4) + 0x234, RESERVED}, /* kernel */
        {MiB(5), MiB(5) + 100, RESERVED},   /* MBI */
    };
    const struct mb2_region_list *all = LIST(map, N(map)), *low = LIST(map, 1);
    const struct mb2_region_list *reserved = LIST(boot, N(boot));
    phys_addr_t at;
    /* Fits between kernel end (rounded up) and the MBI. */
    assert_true(frame_find_bitmap_home(all, reserved, 1, 0x2000, GiB(4), &at));
    assert_int_equal(at, MiB(4) + 0x1000);
    /* Too big for that gap and for the one before the reserved region. */
    assert_true(frame_find_bitmap_home(all, reserved, 1, MiB(1), GiB(4), &at));
    assert_int_equal(at, MiB(6) + 0x1000);
    /* Only the second region is big enough. */
    assert_true(frame_find_bitmap_home(all, reserved, 1, MiB(12), GiB(4), &at));
    assert_int_equal(at, MiB(32));
    /* Only above 4 GiB: refused when below = 4 GiB, found when allowed. */
    assert_false(frame_find_bitmap_home(all, reserved, 1, MiB(40), GiB(4), &at));
    assert_true(frame_find_bitmap_home(all, reserved, 1, MiB(40), GiB(8), &at));
    assert_int_equal(at, GiB(4));
    /* `below` cuts a region short. */
    assert_false(frame_find_bitmap_home(all, reserved, 1, MiB(12), MiB(40), &at));
    assert_false(frame_find_bitmap_home(all, reserved, 1, 0, GiB(4), &at));
    /* Low memory alone never hosts it. */
    assert_false(frame_find_bitmap_home(low, NULL, 0, 0x1000, GiB(4), &at));
}

/* Every reserved list counts: a module in the first fit pushes the bitmap
 * past it, like the kernel does. */
static void bitmap_home_avoids_every_reserved_list(void **state)
{
    (void)state;
    const struct mb2_mem_region map[] = {{MiB(1), MiB(64), MB2_MEM_AVAILABLE}};
    const struct mb2_mem_region kernel = {MiB(1), MiB(2), RESERVED};
    const struct mb2_mem_region modules[] = {{MiB(3), MiB(3) + 0x100, RESERVED},
                                             {MiB(2), MiB(2) + 0x3000, RESERVED}};
    const struct mb2_region_list lists[] = {LIST(&kernel, 1)[0], LIST(modules, 2)[0]};
    phys_addr_t at;
    assert_true(frame_find_bitmap_home(LIST(map, 1), lists, 2, 0x2000, GiB(4), &at));
    assert_int_equal(at, MiB(2) + 0x3000);
    assert_true(frame_find_bitmap_home(LIST(map, 1), lists, 2, MiB(1), GiB(4), &at));
    assert_int_equal(at, MiB(3) + 0x1000); /* past the second module too */
}

static void bitmap_home_is_never_handed_out(void **state)
{
    (void)state;
    const struct mb2_mem_region map[] = {{MiB(1), MiB(64), MB2_MEM_AVAILABLE}};
    struct mb2_mem_region boot[2] = {{MiB(1), MiB(2), RESERVED}};
    struct mb2_region_array boot_array = {boot, 1};
    const struct mb2_region_list *map_list = LIST(map, 1);
    struct mb2_region_list reserved = mb2_region_array_list(&boot_array);
    size_t bytes = frame_bitmap_bytes(frame_map_limit(map_list));
    phys_addr_t at;
    assert_true(frame_find_bitmap_home(map_list, &reserved, 1, bytes, GiB(4), &at));
    assert_int_equal(at, MiB(2));
    boot[boot_array.count++] = (struct mb2_mem_region){at, at + bytes, RESERVED};
    void *storage = malloc(bytes);
    struct frame_allocator fa;
    assert_int_equal(frame_allocator_init_from_map(&fa, map_list, storage, bytes), FRAME_OK);
    assert_int_equal(frame_reserve_lists(&fa, &reserved, 1), FRAME_OK);
    uint64_t bitmap_frames = (bytes + 4095) / 4096;
    assert_counts(&fa, 16384 - 256 - 256 - bitmap_frames, 16384 - 256 - 256 - bitmap_frames);
    phys_addr_t p;
    assert_int_equal(frame_alloc(&fa, &p), FRAME_OK);
    assert_int_equal(p, MiB(2) + bitmap_frames * 4096);
    free(storage);
}

/* A map of any length is read whole, and every region of every reserved
 * list is kept out, however many there are. */
static void long_maps_and_many_reserved_regions_are_used_whole(void **state)
{
    (void)state;
    static struct mb2_mem_region map[301], modules[2000];
    for (size_t i = 0; i < 301; i++) /* every other 4 KiB page a hole */
        map[i] = (struct mb2_mem_region){MiB(1) + i * 0x2000, MiB(1) + i * 0x2000 + 0x1000,
                                         i % 2 ? RESERVED : MB2_MEM_AVAILABLE};
    struct fixture fx;
    assert_int_equal(setup_map(&fx, map, N(map), NULL, 0), FRAME_OK);
    assert_counts(&fx.fa, 151, 151);
    phys_addr_t p = 0;
    for (int i = 0; i < 151; i++)
        assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
    assert_int_equal(p, MiB(1) + 300 * 0x2000); /* the last entry's page */
    free(fx.storage);

    const struct mb2_mem_region ram[] = {{MiB(1), MiB(64), MB2_MEM_AVAILABLE}};
    const struct mb2_mem_region kernel = {MiB(1), MiB(2), RESERVED};
    for (size_t i = 0; i < 2000; i++) /* 2000 one-page modules, a page apart */
        modules[i] =
            (struct mb2_mem_region){MiB(2) + i * 0x2000, MiB(2) + i * 0x2000 + 1, RESERVED};
    const struct mb2_region_list lists[] = {LIST(&kernel, 1)[0], LIST(modules, N(modules))[0]};
    size_t bytes = frame_bitmap_bytes(MiB(64));
    fx.storage = malloc(bytes);
    assert_int_equal(frame_allocator_init_from_map(&fx.fa, LIST(ram, 1), fx.storage, bytes),
                     FRAME_OK);
    assert_int_equal(frame_reserve_lists(&fx.fa, lists, 2), FRAME_OK);
    assert_counts(&fx.fa, 16384 - 256 - 256 - 2000, 16384 - 256 - 256 - 2000);
    for (int i = 0; i < 2000; i++) { /* only the pages between the modules */
        assert_int_equal(frame_alloc(&fx.fa, &p), FRAME_OK);
        assert_int_equal(p, MiB(2) + (phys_addr_t)i * 0x2000 + 0x1000);
    }
    /* A list that covers an allocated frame stops there with the error. */
    const struct mb2_mem_region late[] = {{MiB(60), MiB(61), RESERVED}, {p, p + 1, RESERVED}};
    assert_int_equal(frame_reserve_lists(&fx.fa, LIST(late, 2), 1), FRAME_ERR_RESERVE_ALLOCATED);
    assert_true(frame_is_allocated(&fx.fa, p));
    assert_int_equal(frame_count_total(&fx.fa), 16384 - 256 - 256 - 2000 - 256);
    free(fx.storage);
}

/* Every free run, in order, skipping allocated frames and reserved holes. */
static void free_ranges_are_the_runs_of_free_frames(void **state)
{
    (void)state;
    struct fixture fx;
    const struct mb2_mem_region map[] = {
        {MiB(1), MiB(2), MB2_MEM_AVAILABLE},
        {MiB(2), MiB(2) + 0x3000, MB2_MEM_RESERVED},
        {MiB(2) + 0x3000, MiB(4), MB2_MEM_AVAILABLE},
    };
    assert_int_equal(setup_map(&fx, map, N(map), NULL, 0), FRAME_OK);
    phys_addr_t first, second;
    assert_int_equal(frame_alloc(&fx.fa, &first), FRAME_OK);
    assert_int_equal(frame_alloc(&fx.fa, &second), FRAME_OK);
    assert_int_equal(frame_free(&fx.fa, first), FRAME_OK); /* a one-frame run at 1 MiB */

    phys_addr_t start, end;
    assert_true(frame_next_free_range(&fx.fa, 0, &start, &end));
    assert_int_equal(start, MiB(1));
    assert_int_equal(end, MiB(1) + 0x1000);
    assert_true(frame_next_free_range(&fx.fa, end, &start, &end));
    assert_int_equal(start, MiB(1) + 0x2000);
    assert_int_equal(end, MiB(2));
    assert_true(frame_next_free_range(&fx.fa, end, &start, &end));
    assert_int_equal(start, MiB(2) + 0x3000);
    assert_int_equal(end, MiB(4));
    assert_false(frame_next_free_range(&fx.fa, end, &start, &end));
    assert_true(frame_next_free_range(&fx.fa, MiB(3) + 1, &start, &end)); /* rounded up */
    assert_int_equal(start, MiB(3) + 0x1000);
    assert_false(frame_next_free_range(&fx.fa, UINT64_MAX, &start, &end));
    free(fx.storage);
}

static void strerror_covers_every_error(void **state)
{
    (void)state;
    assert_string_equal(frame_strerror(FRAME_OK), "no error");
    for (int e = FRAME_OK; e <= FRAME_ERR_NO_USABLE_MEMORY; e++)
        assert_true(strlen(frame_strerror((enum frame_error)e)) > 5);
    assert_non_null(strstr(frame_strerror(FRAME_ERR_DOUBLE_FREE), "double free"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pc_map_counts_every_frame_above_1mib),
        cmocka_unit_test(free_ranges_are_the_runs_of_free_frames),
        cmocka_unit_test(odd_map_gives_exactly_the_usable_frames_lowest_first),
        cmocka_unit_test(refused_frees_change_nothing),
        cmocka_unit_test(reserve_rounds_outward_and_refuses_allocated_frames),
        cmocka_unit_test(init_refuses_bad_storage_and_empty_maps),
        cmocka_unit_test(partial_words_at_the_edges),
        cmocka_unit_test(random_sequence_matches_model),
        cmocka_unit_test(lowest_free_frame_is_always_next),
        cmocka_unit_test(bitmap_home_avoids_reserved_and_low_memory),
        cmocka_unit_test(bitmap_home_avoids_every_reserved_list),
        cmocka_unit_test(bitmap_home_is_never_handed_out),
        cmocka_unit_test(long_maps_and_many_reserved_regions_are_used_whole),
        cmocka_unit_test(strerror_covers_every_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
