/*
 * mm/heap/heap.c: the kernel heap region over simulated physical memory.
 * Page tables and frames live in a buffer standing in for RAM; the heap's
 * "virtual" range is a real host buffer, so the allocator behind it can
 * write its metadata, while the mapping bookkeeping is checked in the
 * simulated tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/heap/heap.h"
#include "mm/heap/kalloc.h"
#include "mm/heap/linked_list.h"
#include "mm/heap/tlsf.h"
#include "mm/paging.h"

#define RAM_BASE   ((phys_addr_t)0x40000000)
#define RAM_SIZE   ((size_t)4 << 20)
#define HEAP_MAX   ((size_t)256 << 10)
#define HEAP_SPACE ((size_t)2 << 20) /* the host buffer: room for the trim tests */
#define KIB        ((size_t)1 << 10)

struct sim {
    uint8_t *ram;
    void *bitmap;
    struct frame_allocator fa;
    struct page_mapper m;
    uint8_t *heap; /* HEAP_SPACE bytes, page-aligned: the heap's addresses */
    struct tlsf_heap tlsf;
};

static struct sim *sim_new(size_t usable_bytes)
{
    struct sim *s = calloc(1, sizeof *s);
    s->ram = aligned_alloc(PAGE_SIZE, RAM_SIZE);
    size_t bytes = frame_bitmap_bytes(RAM_BASE + RAM_SIZE);
    s->bitmap = malloc(bytes);
    assert_int_equal(frame_allocator_init(&s->fa, RAM_BASE + RAM_SIZE, s->bitmap, bytes), FRAME_OK);
    frame_add_usable(&s->fa, RAM_BASE, RAM_BASE + usable_bytes);
    phys_addr_t pml4;
    assert_int_equal(frame_alloc(&s->fa, &pml4), FRAME_OK);
    memset(s->ram + (pml4 - RAM_BASE), 0, PAGE_SIZE);
    page_mapper_init(&s->m, pml4, (uintptr_t)s->ram - RAM_BASE, true, NULL);
    s->heap = aligned_alloc(HEAP_SPACE, HEAP_SPACE); /* one page table maps it all */
    heap_set_growth(true);
    return s;
}

static void sim_free(struct sim *s)
{
    free(s->heap);
    free(s->ram);
    free(s->bitmap);
    free(s);
}

static struct heap_config config(struct sim *s, size_t initial, size_t max)
{
    return (struct heap_config){
        .start = (virt_addr_t)s->heap, .initial_size = initial, .max_size = max};
}

static size_t mapped_pages(struct sim *s)
{
    size_t n = 0;
    for (size_t off = 0; off < HEAP_SPACE; off += PAGE_SIZE) {
        phys_addr_t phys;
        size_t size;
        if (page_translate(&s->m, (virt_addr_t)s->heap + off, &phys, &size)) {
            assert_int_equal(size, PAGE_SIZE);
            n++;
        }
    }
    return n;
}

static void init_maps_every_page_rounded_up_and_installs_the_allocator(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    struct heap_config c = config(s, 100 * 1024 + 1, HEAP_MAX);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, tlsf_allocator(&s->tlsf)), HEAP_OK);
    assert_int_equal(heap_size(), 26 * PAGE_SIZE); /* 100 KiB + 1 byte -> 26 pages */
    assert_int_equal(mapped_pages(s), 26);
    uint64_t *v = kmalloc(sizeof *v);
    assert_true((uint8_t *)v >= s->heap && (uint8_t *)v < s->heap + heap_size());
    kfree(v);
    sim_free(s);
}

static void heap_pages_are_writable_and_not_executable(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    struct heap_config c = config(s, PAGE_SIZE, HEAP_MAX);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, tlsf_allocator(&s->tlsf)), HEAP_OK);
    uint64_t *entry;
    assert_int_equal(page_walk(&s->m, (virt_addr_t)s->heap, PAGE_LEVEL_PT, NULL, 0, &entry),
                     MAP_OK);
    assert_int_equal(*entry & (PAGE_PRESENT | PAGE_WRITABLE | PAGE_NO_EXECUTE | PAGE_USER),
                     PAGE_PRESENT | PAGE_WRITABLE | PAGE_NO_EXECUTE);
    sim_free(s);
}

static void bad_configurations_are_refused(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    uint64_t free_before = frame_count_free(&s->fa);
    struct heap_config misaligned = config(s, PAGE_SIZE, HEAP_MAX);
    misaligned.start += 8;
    struct heap_config empty = config(s, 0, HEAP_MAX);
    struct heap_config inverted = config(s, 2 * PAGE_SIZE, PAGE_SIZE);
    struct heap_config wraps = {.start = UINT64_MAX & ~(PAGE_SIZE - 1),
                                .initial_size = PAGE_SIZE,
                                .max_size = 2 * PAGE_SIZE};
    assert_int_equal(heap_init(&misaligned, &s->m, &s->fa, tlsf_allocator(&s->tlsf)),
                     HEAP_ERR_BAD_CONFIG);
    assert_int_equal(heap_init(&empty, &s->m, &s->fa, tlsf_allocator(&s->tlsf)),
                     HEAP_ERR_BAD_CONFIG);
    assert_int_equal(heap_init(&inverted, &s->m, &s->fa, tlsf_allocator(&s->tlsf)),
                     HEAP_ERR_BAD_CONFIG);
    assert_int_equal(heap_init(&wraps, &s->m, &s->fa, tlsf_allocator(&s->tlsf)),
                     HEAP_ERR_BAD_CONFIG);
    assert_int_equal(frame_count_free(&s->fa), free_before);
    assert_string_equal(heap_strerror(HEAP_ERR_BAD_CONFIG),
                        "invalid heap configuration (start not page-aligned, or sizes zero or "
                        "out of order)");
    sim_free(s);
}

/* Too few frames for the whole region: the error comes back, and every
 * frame and table taken on the way is given back. */
static void frame_exhaustion_during_init_loses_nothing(void **state)
{
    (void)state;
    struct sim *s = sim_new(16 * PAGE_SIZE); /* PML4 + 15 frames */
    uint64_t free_before = frame_count_free(&s->fa);
    struct heap_config c = config(s, 32 * PAGE_SIZE, HEAP_MAX);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, tlsf_allocator(&s->tlsf)),
                     HEAP_ERR_FRAME_ALLOCATION_FAILED);
    assert_int_equal(frame_count_free(&s->fa), free_before);
    assert_int_equal(mapped_pages(s), 0);
    sim_free(s);
}

static void an_already_mapped_page_in_the_range_is_refused(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    phys_addr_t frame;
    assert_int_equal(frame_alloc(&s->fa, &frame), FRAME_OK);
    virt_addr_t squatter = (virt_addr_t)s->heap + 5 * PAGE_SIZE;
    assert_int_equal(page_map(&s->m, squatter, frame, PAGE_WRITABLE, &s->fa), MAP_OK);
    uint64_t free_before = frame_count_free(&s->fa);
    struct heap_config c = config(s, 8 * PAGE_SIZE, HEAP_MAX);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, tlsf_allocator(&s->tlsf)),
                     HEAP_ERR_PAGE_ALREADY_MAPPED);
    assert_int_equal(frame_count_free(&s->fa), free_before);
    assert_int_equal(mapped_pages(s), 1); /* only the squatter, untouched */
    phys_addr_t phys;
    assert_true(page_translate(&s->m, squatter, &phys, NULL));
    assert_int_equal(phys, frame);
    sim_free(s);
}

static enum allocator_init_error refuse_init(void *self, void *start, size_t size)
{
    (void)self, (void)start, (void)size;
    return ALLOCATOR_INIT_REGION_TOO_SMALL;
}

static void an_allocator_that_refuses_the_region_unmaps_it_again(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    static struct allocator_ops refusing;
    refusing = *tlsf_allocator(&s->tlsf).ops;
    refusing.init = refuse_init;
    uint64_t free_before = frame_count_free(&s->fa);
    struct heap_config c = config(s, 4 * PAGE_SIZE, HEAP_MAX);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, (struct allocator){&refusing, &s->tlsf}),
                     HEAP_ERR_ALLOCATOR_INIT);
    assert_int_equal(frame_count_free(&s->fa), free_before);
    assert_int_equal(mapped_pages(s), 0);
    sim_free(s);
}

static void the_heap_grows_on_demand_up_to_its_limit(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    struct heap_config c = config(s, 4 * PAGE_SIZE, HEAP_MAX);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, tlsf_allocator(&s->tlsf)), HEAP_OK);
    uint8_t *big = kmalloc(40 * 1024);
    memset(big, 0x5a, 40 * 1024);
    assert_true(heap_size() > 4 * PAGE_SIZE);
    assert_true(heap_size() <= HEAP_MAX);
    assert_int_equal(mapped_pages(s), heap_size() / PAGE_SIZE);
    /* More than the limit can ever hold: NULL from try_, size within limit. */
    assert_null(try_kmalloc(HEAP_MAX));
    assert_true(heap_size() <= HEAP_MAX);
    kfree(big);
    heap_check();
    sim_free(s);
}

static void growth_can_be_switched_off(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    struct heap_config c = config(s, 4 * PAGE_SIZE, HEAP_MAX);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, tlsf_allocator(&s->tlsf)), HEAP_OK);
    heap_set_growth(false);
    assert_null(try_kmalloc(40 * 1024));
    assert_int_equal(heap_size(), 4 * PAGE_SIZE);
    heap_set_growth(true);
    void *p = try_kmalloc(40 * 1024);
    assert_non_null(p);
    kfree(p);
    sim_free(s);
}

static void fault_reports_name_the_heap_and_its_growth_area(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    struct heap_config c = config(s, 4 * PAGE_SIZE, HEAP_MAX);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, tlsf_allocator(&s->tlsf)), HEAP_OK);
    uint64_t start = (uint64_t)s->heap;
    assert_string_equal(heap_describe_address(start + 100), "the kernel heap");
    assert_string_equal(heap_describe_address(start + 4 * PAGE_SIZE),
                        "the kernel heap's unmapped growth area (past its current end)");
    assert_null(heap_describe_address(start + HEAP_MAX));
    assert_null(heap_describe_address(start - 1));
    sim_free(s);
}

/* ---- Giving memory back ---- */

static void *alloc_block(size_t size)
{
    void *p = kalloc((struct layout){.size = size, .align = 16});
    memset(p, 0x5a, size);
    return p;
}

static void free_block(void *p, size_t size)
{
    kdealloc(p, (struct layout){.size = size, .align = 16});
}

/* A heap of 4 pages that may grow to 2 MiB, and the frames free once it is
 * set up: what it must come back to. */
static struct sim *trim_sim(uint64_t *frames_free)
{
    struct sim *s = sim_new(RAM_SIZE);
    struct heap_config c = config(s, 4 * PAGE_SIZE, HEAP_SPACE);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, tlsf_allocator(&s->tlsf)), HEAP_OK);
    *frames_free = frame_count_free(&s->fa);
    return s;
}

static size_t free_tail(struct sim *s)
{
    struct allocator a = tlsf_allocator(&s->tlsf);
    return allocator_free_tail(&a);
}

/* Every mapped heap page is one frame taken (the page tables the heap
 * needs were all made by heap_init: 2 MiB share one table). */
static void assert_frames_follow_the_mapping(struct sim *s, uint64_t frames_free)
{
    assert_int_equal(mapped_pages(s), heap_size() / PAGE_SIZE);
    assert_int_equal(frame_count_free(&s->fa), frames_free - (heap_size() / PAGE_SIZE - 4));
    struct heap_stats st;
    kalloc_stats(&st);
    assert_int_equal(st.region_size, heap_size());
}

static void a_free_tail_past_the_threshold_is_given_back_down_to_what_is_kept(void **state)
{
    (void)state;
    uint64_t frames_free;
    struct sim *s = trim_sim(&frames_free);
    uint8_t *low = alloc_block(100);
    uint8_t *big = alloc_block(1024 * KIB);
    size_t grown = heap_size();
    assert_true(grown > 1024 * KIB);
    assert_frames_follow_the_mapping(s, frames_free);
    free_block(big, 1024 * KIB);
    /* Down to HEAP_TRIM_KEEP of free tail, whole pages. */
    assert_true(heap_size() < grown);
    assert_true(free_tail(s) >= HEAP_TRIM_KEEP && free_tail(s) < HEAP_TRIM_KEEP + PAGE_SIZE);
    assert_frames_follow_the_mapping(s, frames_free);
    heap_check();
    for (int i = 0; i < 100; i++)
        assert_int_equal(low[i], 0x5a);
    free_block(low, 100);
    sim_free(s);
}

/* A free tail shorter than HEAP_TRIM_THRESHOLD stays mapped, and the tail
 * is only looked at once HEAP_TRIM_CHECK_BYTES were freed since the last
 * look. */
static void short_tails_and_small_frees_stay_mapped(void **state)
{
    (void)state;
    uint64_t frames_free;
    struct sim *s = trim_sim(&frames_free);
    uint8_t *big = alloc_block(HEAP_TRIM_THRESHOLD - 32 * KIB);
    uint8_t *after = alloc_block(16);
    size_t grown = heap_size();
    free_block(big, HEAP_TRIM_THRESHOLD - 32 * KIB); /* a look: the tail behind `after` is short */
    assert_true(free_tail(s) < HEAP_TRIM_THRESHOLD);
    assert_int_equal(heap_size(), grown);
    free_block(after, 16); /* everything free, but 16 bytes since the look */
    assert_true(free_tail(s) >= HEAP_TRIM_THRESHOLD);
    assert_int_equal(heap_size(), grown);
    uint8_t *small = alloc_block(HEAP_TRIM_CHECK_BYTES - 32);
    free_block(small, HEAP_TRIM_CHECK_BYTES - 32); /* 16 bytes short of a look */
    assert_int_equal(heap_size(), grown);
    small = alloc_block(16);
    free_block(small, 16); /* the look */
    assert_true(heap_size() < grown);
    assert_true(free_tail(s) >= HEAP_TRIM_KEEP && free_tail(s) < HEAP_TRIM_KEEP + PAGE_SIZE);
    assert_frames_follow_the_mapping(s, frames_free);
    sim_free(s);
}

/* Hysteresis: allocating and freeing across the boundary after a trim maps
 * once and then never again. */
static void a_loop_at_the_boundary_does_not_map_and_unmap_each_time(void **state)
{
    (void)state;
    uint64_t frames_free;
    struct sim *s = trim_sim(&frames_free);
    free_block(alloc_block(1024 * KIB), 1024 * KIB); /* grown, then trimmed */
    free_block(alloc_block(128 * KIB), 128 * KIB);   /* grows once more */
    size_t settled = heap_size();
    uint64_t frames = frame_count_free(&s->fa);
    for (int i = 0; i < 100; i++) {
        free_block(alloc_block(128 * KIB), 128 * KIB);
        assert_int_equal(heap_size(), settled);
        assert_int_equal(frame_count_free(&s->fa), frames);
    }
    sim_free(s);
}

static void heap_trim_gives_back_the_whole_free_tail(void **state)
{
    (void)state;
    uint64_t frames_free;
    struct sim *s = trim_sim(&frames_free);
    uint8_t *big = alloc_block(HEAP_TRIM_THRESHOLD / 2);
    size_t grown = heap_size();
    free_block(big, HEAP_TRIM_THRESHOLD / 2); /* below the threshold: kept */
    assert_int_equal(heap_size(), grown);
    assert_int_equal(heap_trim(), grown - 4 * PAGE_SIZE);
    assert_int_equal(heap_size(), 4 * PAGE_SIZE); /* never below the initial size */
    assert_int_equal(frame_count_free(&s->fa), frames_free);
    assert_int_equal(heap_trim(), 0);
    assert_frames_follow_the_mapping(s, frames_free);
    void *again = alloc_block(HEAP_TRIM_THRESHOLD / 2); /* and it grows again */
    free_block(again, HEAP_TRIM_THRESHOLD / 2);
    heap_check();
    sim_free(s);
}

/* A page that will not unmap stops the trim there: the pages above it are
 * returned, the allocator takes back the ones still mapped below it, and
 * the heap goes on. */
static void a_page_that_will_not_unmap_loses_nothing(void **state)
{
    (void)state;
    uint64_t frames_free;
    struct sim *s = trim_sim(&frames_free);
    uint8_t *big = alloc_block(1024 * KIB);
    size_t grown = heap_size();
    virt_addr_t stuck = (virt_addr_t)s->heap + grown - 8 * PAGE_SIZE;
    phys_addr_t frame;
    assert_int_equal(page_unmap(&s->m, stuck, &frame), MAP_OK); /* unmap now fails there */
    assert_int_equal(frame_free(&s->fa, frame), FRAME_OK);
    free_block(big, 1024 * KIB);
    assert_int_equal(heap_size(), grown - 7 * PAGE_SIZE); /* up to and with the stuck page */
    struct heap_stats st;
    kalloc_stats(&st);
    assert_int_equal(st.region_size, heap_size());
    assert_int_equal(mapped_pages(s), heap_size() / PAGE_SIZE - 1);
    assert_int_equal(frame_count_free(&s->fa), frames_free - (heap_size() / PAGE_SIZE - 4 - 1));
    heap_check();
    void *p = alloc_block(64 * KIB);
    free_block(p, 64 * KIB);
    sim_free(s);
}

/* linked_list keeps no free tail it could give back: nothing is trimmed. */
static void an_allocator_that_cannot_shrink_is_never_trimmed(void **state)
{
    (void)state;
    struct sim *s = sim_new(RAM_SIZE);
    static struct linked_list_heap ll;
    struct heap_config c = config(s, 4 * PAGE_SIZE, HEAP_SPACE);
    assert_int_equal(heap_init(&c, &s->m, &s->fa, linked_list_allocator(&ll)), HEAP_OK);
    free_block(alloc_block(1024 * KIB), 1024 * KIB);
    size_t grown = heap_size();
    assert_true(grown > 1024 * KIB);
    assert_int_equal(heap_trim(), 0);
    assert_int_equal(heap_size(), grown);
    sim_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_maps_every_page_rounded_up_and_installs_the_allocator),
        cmocka_unit_test(heap_pages_are_writable_and_not_executable),
        cmocka_unit_test(bad_configurations_are_refused),
        cmocka_unit_test(frame_exhaustion_during_init_loses_nothing),
        cmocka_unit_test(an_already_mapped_page_in_the_range_is_refused),
        cmocka_unit_test(an_allocator_that_refuses_the_region_unmaps_it_again),
        cmocka_unit_test(the_heap_grows_on_demand_up_to_its_limit),
        cmocka_unit_test(growth_can_be_switched_off),
        cmocka_unit_test(fault_reports_name_the_heap_and_its_growth_area),
        cmocka_unit_test(a_free_tail_past_the_threshold_is_given_back_down_to_what_is_kept),
        cmocka_unit_test(short_tails_and_small_frees_stay_mapped),
        cmocka_unit_test(a_loop_at_the_boundary_does_not_map_and_unmap_each_time),
        cmocka_unit_test(heap_trim_gives_back_the_whole_free_tail),
        cmocka_unit_test(a_page_that_will_not_unmap_loses_nothing),
        cmocka_unit_test(an_allocator_that_cannot_shrink_is_never_trimmed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
