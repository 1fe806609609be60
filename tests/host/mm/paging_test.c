/* mm/paging: page tables built in a heap buffer that stands in for RAM at a
 * fake physical base (phys_offset = buffer - base), with a frame allocator
 * over that fake range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/paging.h"

#define RAM_BASE ((phys_addr_t)0x40000000) /* 1 GiB */
#define RAM_SIZE ((size_t)4 << 20)
#define KERNEL_W (PAGE_PRESENT | PAGE_WRITABLE)

/* Records every flush. */
static virt_addr_t flushed[64];
static size_t nflushed;

static void record_flush(virt_addr_t page)
{
    if (nflushed < 64)
        flushed[nflushed] = page;
    nflushed++;
}

struct sim {
    uint8_t *ram;
    void *bitmap;
    struct frame_allocator fa;
    struct page_mapper m;
};

static struct sim *sim_new(bool nx)
{
    struct sim *s = calloc(1, sizeof *s);
    s->ram = aligned_alloc(PAGE_SIZE, RAM_SIZE);
    memset(s->ram, 0xa5, RAM_SIZE); /* garbage: new tables must be zeroed */
    size_t bytes = frame_bitmap_bytes(RAM_BASE + RAM_SIZE);
    s->bitmap = malloc(bytes);
    assert_int_equal(frame_allocator_init(&s->fa, RAM_BASE + RAM_SIZE, s->bitmap, bytes), FRAME_OK);
    frame_add_usable(&s->fa, RAM_BASE, RAM_BASE + RAM_SIZE);
    phys_addr_t pml4;
    assert_int_equal(frame_alloc(&s->fa, &pml4), FRAME_OK);
    memset(s->ram + (pml4 - RAM_BASE), 0, PAGE_SIZE);
    page_mapper_init(&s->m, pml4, (uintptr_t)s->ram - RAM_BASE, nx, record_flush);
    nflushed = 0;
    return s;
}

static void sim_free(struct sim *s)
{
    free(s->ram);
    free(s->bitmap);
    free(s);
}

static int setup(void **state)
{
    *state = sim_new(true);
    return 0;
}

static int teardown(void **state)
{
    sim_free(*state);
    return 0;
}

/* The raw leaf entry for virt at level (must exist). */
static uint64_t entry_of(struct sim *s, virt_addr_t virt, enum page_level level)
{
    uint64_t *e;
    assert_int_equal(page_walk(&s->m, virt, level, NULL, 0, &e), MAP_OK);
    return *e;
}

static bool pml4_is_empty(struct sim *s)
{
    const uint64_t *t = (const uint64_t *)(uintptr_t)(s->m.pml4 + s->m.phys_offset);
    for (int i = 0; i < 512; i++)
        if (t[i] != 0)
            return false;
    return true;
}

static void assert_translates(struct sim *s, virt_addr_t v, phys_addr_t p, size_t size)
{
    phys_addr_t got = 0;
    size_t got_size = 0;
    assert_true(page_translate(&s->m, v, &got, &got_size));
    assert_int_equal(got, p);
    assert_int_equal(got_size, size);
}

static void map_translate_unmap_across_table_boundaries(void **state)
{
    struct sim *s = *state;
    const virt_addr_t pages[] = {
        0x1ff000,
        0x200000, /* PT boundary */
        0x3ffff000,
        0x40000000, /* PD boundary */
        0x7ffffff000,
        0x8000000000, /* PDPT boundary */
        0x00007ffffffff000,
        0xffff800000000000ull, /* the canonical hole */
        0xffffffff80000000ull,
        0xfffffffffffff000ull, /* kernel, top page */
    };
    const size_t n = sizeof pages / sizeof *pages;
    uint64_t start_free = frame_count_free(&s->fa);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(page_map(&s->m, pages[i], 0x100000 + i * PAGE_SIZE, KERNEL_W, &s->fa),
                         MAP_OK);
    for (size_t i = 0; i < n; i++) {
        assert_translates(s, pages[i], 0x100000 + i * PAGE_SIZE, PAGE_SIZE);
        assert_translates(s, pages[i] + 0xabc, 0x100000 + i * PAGE_SIZE + 0xabc, PAGE_SIZE);
    }
    assert_false(page_translate(&s->m, 0x1fe000, NULL, NULL));
    assert_false(page_translate(&s->m, 0x201000, NULL, NULL));
    assert_int_equal(nflushed, 0); /* nothing present was changed */
    /* 0x1ff000, 0x200000: PDPT, PD, 2 PTs; 0x3ffff000: PT; 0x40000000: PD,
     * PT; 0x7ffffff000: PD, PT; 0x8000000000, 0x7ffffffff000 and
     * 0xffff800000000000: 3 each; 0xffffffff80000000: 3; the top page: 2. */
    const uint64_t tables = start_free - frame_count_free(&s->fa);
    assert_int_equal(tables, 4 + 1 + 2 + 2 + 3 + 3 + 3 + 3 + 2);

    for (size_t i = 0; i < n; i++) {
        phys_addr_t frame = 0;
        assert_int_equal(page_unmap(&s->m, pages[i], &frame), MAP_OK);
        assert_int_equal(frame, 0x100000 + i * PAGE_SIZE);
        assert_false(page_translate(&s->m, pages[i], NULL, NULL));
        assert_int_equal(page_unmap(&s->m, pages[i], &frame), MAP_ERR_NOT_MAPPED);
    }
    assert_int_equal(nflushed, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(flushed[i], pages[i]);
    /* page_unmap keeps the tables. */
    assert_int_equal(start_free - frame_count_free(&s->fa), tables);
}

static void first_mapping_creates_three_zeroed_tables(void **state)
{
    struct sim *s = *state;
    uint64_t before = frame_count_free(&s->fa);
    assert_int_equal(page_map(&s->m, 0x400000, 0x5000, KERNEL_W, &s->fa), MAP_OK);
    assert_int_equal(before - frame_count_free(&s->fa), 3);
    /* A neighbour in the same PT needs no table. */
    assert_int_equal(page_map(&s->m, 0x401000, 0x6000, KERNEL_W, &s->fa), MAP_OK);
    assert_int_equal(before - frame_count_free(&s->fa), 3);
    /* The PT was zeroed: its other entries are not present. */
    for (virt_addr_t v = 0x402000; v < 0x600000; v += PAGE_SIZE)
        assert_false(page_translate(&s->m, v, NULL, NULL));
    uint64_t pde = entry_of(s, 0x400000, PAGE_LEVEL_PD);
    assert_int_equal(pde & ~PTE_ADDR_MASK, PAGE_PRESENT | PAGE_WRITABLE);
}

static void two_mib_pages_translate_offsets(void **state)
{
    struct sim *s = *state;
    const virt_addr_t v = 0xffff800000200000ull;
    assert_int_equal(page_map_2m(&s->m, v, 0x80000000, KERNEL_W, &s->fa), MAP_OK);
    assert_translates(s, v, 0x80000000, PAGE_SIZE_2M);
    assert_translates(s, v + 0x12345, 0x80012345, PAGE_SIZE_2M);
    assert_translates(s, v + PAGE_SIZE_2M - 1, 0x80000000 + PAGE_SIZE_2M - 1, PAGE_SIZE_2M);
    assert_false(page_translate(&s->m, v + PAGE_SIZE_2M, NULL, NULL));
    uint64_t pde = entry_of(s, v, PAGE_LEVEL_PD);
    assert_true(pde & PAGE_HUGE);

    /* 4 KiB operations inside it meet the huge parent. */
    assert_int_equal(page_map(&s->m, v + 0x3000, 0x1000, KERNEL_W, &s->fa),
                     MAP_ERR_PARENT_HUGE_PAGE);
    assert_int_equal(page_unmap(&s->m, v + 0x3000, NULL), MAP_ERR_PARENT_HUGE_PAGE);
    assert_int_equal(page_update_flags(&s->m, v, PAGE_PRESENT), MAP_ERR_PARENT_HUGE_PAGE);
    assert_int_equal(page_map_2m(&s->m, v, 0x40000000, KERNEL_W, &s->fa),
                     MAP_ERR_PAGE_ALREADY_MAPPED);
    assert_int_equal(page_map_2m(&s->m, v + 0x1000, 0x40000000, KERNEL_W, &s->fa),
                     MAP_ERR_MISALIGNED);
    assert_int_equal(page_map_2m(&s->m, v + PAGE_SIZE_2M, 0x40001000, KERNEL_W, &s->fa),
                     MAP_ERR_MISALIGNED);

    phys_addr_t frame;
    assert_int_equal(page_unmap_2m(&s->m, v, &frame), MAP_OK);
    assert_int_equal(frame, 0x80000000);
    assert_int_equal(nflushed, 1);
    assert_int_equal(flushed[0], v);
    assert_false(page_translate(&s->m, v, NULL, NULL));
    assert_int_equal(page_unmap_2m(&s->m, v, &frame), MAP_ERR_NOT_MAPPED);

    /* A 2 MiB slot holding a page table is taken, even when it is empty. */
    assert_int_equal(page_map(&s->m, v, 0x1000, KERNEL_W, &s->fa), MAP_OK);
    assert_int_equal(page_unmap(&s->m, v, NULL), MAP_OK);
    assert_int_equal(page_map_2m(&s->m, v, 0x80000000, KERNEL_W, &s->fa),
                     MAP_ERR_PAGE_ALREADY_MAPPED);
    assert_int_equal(page_unmap_2m(&s->m, v, NULL), MAP_ERR_NOT_MAPPED);
}

static void one_gib_leaf_translates(void **state)
{
    struct sim *s = *state;
    const virt_addr_t v = 0xffff808000000000ull;
    uint64_t *pdpte;
    assert_int_equal(page_walk(&s->m, v, PAGE_LEVEL_PDPT, &s->fa, 0, &pdpte), MAP_OK);
    assert_int_equal(*pdpte, 0);
    *pdpte = 0x140000000ull | PAGE_PRESENT | PAGE_WRITABLE | PAGE_HUGE;
    assert_translates(s, v, 0x140000000ull, PAGE_SIZE_1G);
    assert_translates(s, v + 0x1234567, 0x141234567ull, PAGE_SIZE_1G);
    assert_int_equal(page_map(&s->m, v + 0x200000, 0x1000, KERNEL_W, &s->fa),
                     MAP_ERR_PARENT_HUGE_PAGE);
    assert_int_equal(page_map_2m(&s->m, v + 0x200000, 0x200000, KERNEL_W, &s->fa),
                     MAP_ERR_PARENT_HUGE_PAGE);
    uint64_t *met;
    assert_int_equal(page_walk(&s->m, v + 0x5000, PAGE_LEVEL_PT, &s->fa, 0, &met),
                     MAP_ERR_PARENT_HUGE_PAGE);
    assert_ptr_equal(met, pdpte);
}

static void already_mapped_keeps_the_old_mapping(void **state)
{
    struct sim *s = *state;
    assert_int_equal(page_map(&s->m, 0x7000, 0x9000, KERNEL_W, &s->fa), MAP_OK);
    uint64_t before = frame_count_free(&s->fa);
    assert_int_equal(page_map(&s->m, 0x7000, 0xa000, KERNEL_W, &s->fa),
                     MAP_ERR_PAGE_ALREADY_MAPPED);
    assert_translates(s, 0x7000, 0x9000, PAGE_SIZE);
    assert_int_equal(frame_count_free(&s->fa), before);
    assert_int_equal(nflushed, 0);
}

static void address_errors(void **state)
{
    struct sim *s = *state;
    const virt_addr_t bad[] = {0x0000800000000000ull, 0xffff7ffffffff000ull, 0x8000000000000000ull,
                               0x0001000000000000ull};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(page_map(&s->m, bad[i], 0x1000, KERNEL_W, &s->fa), MAP_ERR_NON_CANONICAL);
        assert_int_equal(page_unmap(&s->m, bad[i], NULL), MAP_ERR_NON_CANONICAL);
        assert_int_equal(page_update_flags(&s->m, bad[i], KERNEL_W), MAP_ERR_NON_CANONICAL);
        assert_false(page_translate(&s->m, bad[i], NULL, NULL));
    }
    assert_int_equal(page_map(&s->m, 0x1001, 0x1000, KERNEL_W, &s->fa), MAP_ERR_MISALIGNED);
    assert_int_equal(page_map(&s->m, 0x1000, 0x1800, KERNEL_W, &s->fa), MAP_ERR_MISALIGNED);
    assert_int_equal(page_unmap(&s->m, 0x1008, NULL), MAP_ERR_MISALIGNED);
    assert_int_equal(page_map(&s->m, 0x1000, (phys_addr_t)1 << 52, KERNEL_W, &s->fa),
                     MAP_ERR_PHYS_TOO_LARGE);
    /* Nothing was built by the refused calls: only the PML4 is used. */
    assert_int_equal(frame_count_used(&s->fa), 1);
    assert_true(pml4_is_empty(s));
    assert_int_equal(page_unmap(&s->m, 0x1000, NULL), MAP_ERR_NOT_MAPPED);
    assert_int_equal(page_update_flags(&s->m, 0x1000, KERNEL_W), MAP_ERR_NOT_MAPPED);
    /* Without an allocator, missing tables are not created. */
    assert_int_equal(page_map(&s->m, 0x1000, 0x1000, KERNEL_W, NULL), MAP_ERR_NOT_MAPPED);
    assert_string_equal(map_strerror(MAP_OK), "no error");
    for (int e = MAP_OK; e <= MAP_ERR_PHYS_TOO_LARGE; e++)
        assert_true(strlen(map_strerror((enum map_error)e)) > 5);
}

static void exhaustion_mid_walk_builds_nothing(void **state)
{
    struct sim *s = *state;
    /* Hold every free frame but two: a fresh PML4 slot needs three tables. */
    static phys_addr_t held[1024];
    size_t nheld = 0;
    while (frame_count_free(&s->fa) > 2)
        assert_int_equal(frame_alloc(&s->fa, &held[nheld++]), FRAME_OK);
    assert_int_equal(page_map(&s->m, 0xffff900000000000ull, 0x1000, KERNEL_W, &s->fa),
                     MAP_ERR_FRAME_ALLOCATION_FAILED);
    assert_int_equal(frame_count_free(&s->fa), 2);
    assert_true(pml4_is_empty(s));
    assert_int_equal(nflushed, 0);
    /* The walker itself, for a PD entry, needs exactly two: it succeeds. */
    uint64_t *pde;
    assert_int_equal(page_walk(&s->m, 0xffff900000000000ull, PAGE_LEVEL_PD, &s->fa, 0, &pde),
                     MAP_OK);
    assert_int_equal(frame_count_free(&s->fa), 0);
    assert_int_equal(page_map(&s->m, 0xffff900000000000ull, 0x1000, KERNEL_W, &s->fa),
                     MAP_ERR_FRAME_ALLOCATION_FAILED);
    /* One more frame and the half-way tables are reused. */
    assert_int_equal(frame_free(&s->fa, held[--nheld]), FRAME_OK);
    assert_int_equal(page_map(&s->m, 0xffff900000000000ull, 0x1000, KERNEL_W, &s->fa), MAP_OK);
    assert_int_equal(frame_count_free(&s->fa), 0);
    assert_translates(s, 0xffff900000000000ull, 0x1000, PAGE_SIZE);
    while (nheld > 0)
        assert_int_equal(frame_free(&s->fa, held[--nheld]), FRAME_OK);
}

static void empty_tables_are_freed_on_unmap(void **state)
{
    struct sim *s = *state;
    const uint64_t start = frame_count_free(&s->fa);
    const virt_addr_t v[] = {0x1000, 0x2000, 0x40000000, 0xffffffff80000000ull};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(page_map(&s->m, v[i], 0x100000 + i * PAGE_SIZE, KERNEL_W, &s->fa), MAP_OK);
    /* 0x1000, 0x2000: PDPT+PD+PT; 0x40000000: PD+PT; kernel: PDPT+PD+PT. */
    assert_int_equal(start - frame_count_free(&s->fa), 8);

    phys_addr_t frame;
    assert_int_equal(page_unmap_and_free_tables(&s->m, v[0], &frame, &s->fa), MAP_OK);
    assert_int_equal(frame, 0x100000);
    assert_int_equal(start - frame_count_free(&s->fa), 8); /* PT still holds 0x2000 */
    assert_int_equal(page_unmap_and_free_tables(&s->m, v[1], NULL, &s->fa), MAP_OK);
    assert_int_equal(start - frame_count_free(&s->fa), 6); /* PT and PD freed */
    assert_int_equal(page_unmap_and_free_tables(&s->m, v[2], NULL, &s->fa), MAP_OK);
    assert_int_equal(start - frame_count_free(&s->fa), 3); /* PT, PD, PDPT */
    assert_int_equal(page_unmap_and_free_tables(&s->m, v[3], NULL, &s->fa), MAP_OK);
    assert_int_equal(frame_count_free(&s->fa), start);
    assert_true(pml4_is_empty(s));
    assert_int_equal(nflushed, 4); /* one per unmapped page */
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(flushed[i], v[i]);
    assert_int_equal(page_unmap_and_free_tables(&s->m, v[0], NULL, &s->fa), MAP_ERR_NOT_MAPPED);

    /* Tables the allocator never handed out (boot tables) stay linked. */
    uint64_t *pml4e;
    assert_int_equal(page_map(&s->m, 0x1000, 0x5000, KERNEL_W, &s->fa), MAP_OK);
    assert_int_equal(page_walk(&s->m, 0x1000, PAGE_LEVEL_PML4, NULL, 0, &pml4e), MAP_OK);
    phys_addr_t pdpt = *pml4e & PTE_ADDR_MASK;
    assert_int_equal(frame_reserve(&s->fa, pdpt, pdpt + PAGE_SIZE), FRAME_ERR_RESERVE_ALLOCATED);
    /* Pretend the PDPT was a boot table: make its frame unusable. */
    s->fa.usable[phys_to_frame(pdpt) / 64] &= ~(1ull << (phys_to_frame(pdpt) % 64));
    assert_int_equal(page_unmap_and_free_tables(&s->m, 0x1000, NULL, &s->fa), MAP_OK);
    assert_int_equal(*pml4e & PTE_ADDR_MASK, pdpt);
    assert_false(page_translate(&s->m, 0x1000, NULL, NULL));
}

static void flush_is_called_exactly_for_changed_pages(void **state)
{
    struct sim *s = *state;
    assert_int_equal(page_map(&s->m, 0x10000, 0x20000, KERNEL_W, &s->fa), MAP_OK);
    assert_int_equal(page_map(&s->m, 0x11000, 0x21000, KERNEL_W, &s->fa), MAP_OK);
    assert_int_equal(nflushed, 0);
    assert_int_equal(page_update_flags(&s->m, 0x10000, PAGE_PRESENT), MAP_OK);
    assert_int_equal(nflushed, 1);
    assert_int_equal(flushed[0], 0x10000);
    assert_int_equal(entry_of(s, 0x10000, PAGE_LEVEL_PT), 0x20000 | PAGE_PRESENT);
    assert_int_equal(page_update_flags(&s->m, 0x10000, PAGE_PRESENT), MAP_OK); /* no change */
    assert_int_equal(nflushed, 1);
    assert_int_equal(page_unmap(&s->m, 0x11000, NULL), MAP_OK);
    assert_int_equal(nflushed, 2);
    assert_int_equal(flushed[1], 0x11000);
    assert_int_equal(page_unmap(&s->m, 0x11000, NULL), MAP_ERR_NOT_MAPPED);
    assert_int_equal(nflushed, 2);
    /* A NULL flush is allowed (tables not live yet). */
    s->m.flush = NULL;
    assert_int_equal(page_unmap(&s->m, 0x10000, NULL), MAP_OK);
}

static void nx_is_stripped_when_not_allowed(void **state)
{
    (void)state;
    struct sim *s = sim_new(false);
    assert_int_equal(page_map(&s->m, 0x1000, 0x2000, KERNEL_W | PAGE_NO_EXECUTE, &s->fa), MAP_OK);
    assert_int_equal(entry_of(s, 0x1000, PAGE_LEVEL_PT), 0x2000 | KERNEL_W);
    assert_int_equal(page_map_2m(&s->m, 0x200000, 0x200000, KERNEL_W | PAGE_NO_EXECUTE, &s->fa),
                     MAP_OK);
    assert_int_equal(entry_of(s, 0x200000, PAGE_LEVEL_PD), 0x200000 | KERNEL_W | PAGE_HUGE);
    assert_int_equal(page_update_flags(&s->m, 0x1000, PAGE_NO_EXECUTE), MAP_OK);
    assert_int_equal(entry_of(s, 0x1000, PAGE_LEVEL_PT), 0x2000 | PAGE_PRESENT);
    sim_free(s);

    s = sim_new(true);
    assert_int_equal(page_map(&s->m, 0x1000, 0x2000, KERNEL_W | PAGE_NO_EXECUTE, &s->fa), MAP_OK);
    assert_int_equal(entry_of(s, 0x1000, PAGE_LEVEL_PT), 0x2000 | KERNEL_W | PAGE_NO_EXECUTE);
    /* Address bits and HUGE in flags are ignored for a 4 KiB page. */
    assert_int_equal(page_map(&s->m, 0x3000, 0x4000, KERNEL_W | 0xabc000 | PAGE_HUGE, &s->fa),
                     MAP_OK);
    assert_int_equal(entry_of(s, 0x3000, PAGE_LEVEL_PT), 0x4000 | KERNEL_W);
    sim_free(s);
}

static void user_leaves_get_user_intermediates(void **state)
{
    struct sim *s = *state;
    const uint64_t user = KERNEL_W | PAGE_USER;
    assert_int_equal(page_map(&s->m, 0x400000, 0x1000, user, &s->fa), MAP_OK);
    for (enum page_level l = PAGE_LEVEL_PD; l <= PAGE_LEVEL_PML4; l++)
        assert_int_equal(entry_of(s, 0x400000, l) & ~PTE_ADDR_MASK, user);
    /* Kernel-only intermediates gain USER when a user page goes below. */
    assert_int_equal(page_map(&s->m, 0xffff800000000000ull, 0x2000, KERNEL_W, &s->fa), MAP_OK);
    assert_int_equal(entry_of(s, 0xffff800000000000ull, PAGE_LEVEL_PD) & PAGE_USER, 0);
    assert_int_equal(page_map(&s->m, 0xffff800000001000ull, 0x3000, user, &s->fa), MAP_OK);
    for (enum page_level l = PAGE_LEVEL_PD; l <= PAGE_LEVEL_PML4; l++)
        assert_true(entry_of(s, 0xffff800000001000ull, l) & PAGE_USER);
    assert_int_equal(entry_of(s, 0xffff800000000000ull, PAGE_LEVEL_PT) & PAGE_USER, 0);
    /* Three present entries changed for one page: one flush. */
    assert_int_equal(nflushed, 1);
    assert_int_equal(flushed[0], 0xffff800000001000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(map_translate_unmap_across_table_boundaries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(first_mapping_creates_three_zeroed_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(two_mib_pages_translate_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(one_gib_leaf_translates, setup, teardown),
        cmocka_unit_test_setup_teardown(already_mapped_keeps_the_old_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(address_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(exhaustion_mid_walk_builds_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_tables_are_freed_on_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(flush_is_called_exactly_for_changed_pages, setup, teardown),
        cmocka_unit_test(nx_is_stripped_when_not_allowed),
        cmocka_unit_test_setup_teardown(user_leaves_get_user_intermediates, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
