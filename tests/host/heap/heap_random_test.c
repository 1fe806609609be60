/* Seeded randomized differential tests of every allocating design, with
 * their throughput (operations per second, under ASan+UBSan) on stdout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "heap_random.h"

#define KIB ((size_t)1024)

static void run_seeds(struct heap_random_config cfg, const uint64_t *seeds, size_t nseeds)
{
    struct heap_random_result total = {0}, res;
    for (size_t i = 0; i < nseeds; i++) {
        cfg.seed = seeds[i];
        heap_random_run(&cfg, &res);
        total.allocs += res.allocs;
        total.frees += res.frees;
        total.reallocs += res.reallocs;
        total.failed += res.failed;
        total.seconds += res.seconds;
    }
    size_t ops = cfg.ops * nseeds;
    printf("heap_random: %-12s %8zu ops in %6.3f s = %9.0f ops/s (allocs %zu, frees %zu, "
           "reallocs %zu, failed %zu)\n",
           cfg.kind->name, ops, total.seconds, (double)ops / total.seconds, total.allocs,
           total.frees, total.reallocs, total.failed);
    fflush(stdout);
}

static const uint64_t seeds[] = {1, 0x5eed, 0xdeadbeef, 42};
#define NSEEDS (sizeof seeds / sizeof *seeds)

/* The settings every reusing design runs with: a 1 MiB region grown by
 * 512 KiB, up to 400 live blocks of up to 64 KiB, check() every 997 ops. */
static void run_standard(const struct heap_kind *kind, size_t ops)
{
    run_seeds((struct heap_random_config){.kind = kind,
                                          .ops = ops,
                                          .region = 1024 * KIB,
                                          .extend_by = 512 * KIB,
                                          .max_live = 400,
                                          .max_size = 64 * KIB,
                                          .check_every = 997},
              seeds, NSEEDS);
}

static void tlsf_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_standard(&heap_kind_tlsf, 400000);
}

/* Fewer operations: segfit's check() matches every cached small block
 * against every run. */
static void segfit_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_standard(&heap_kind_segfit, 150000);
}

static void linked_list_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_standard(&heap_kind_linked_list, 250000);
}

static void fixed_block_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_standard(&heap_kind_fixed_block, 400000);
}

/* bump cannot reuse memory until everything is freed: few live blocks, and
 * the driver drains them all whenever an allocation fails. */
static void run_bump(const struct heap_kind *kind, size_t ops)
{
    run_seeds((struct heap_random_config){.kind = kind,
                                          .ops = ops,
                                          .region = 256 * KIB,
                                          .extend_by = 128 * KIB,
                                          .max_live = 24,
                                          .max_size = 16 * KIB,
                                          .check_every = 101},
              seeds, NSEEDS);
}

static void bump_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_bump(&heap_kind_bump, 100000);
}

/* The hardened wrapper over each design: the same model, fewer operations
 * (every block is filled, checked and poisoned). */
static void hardened_tlsf_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_standard(&heap_kind_hardened_tlsf, 100000);
}

static void hardened_linked_list_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_standard(&heap_kind_hardened_linked_list, 60000);
}

static void hardened_fixed_block_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_standard(&heap_kind_hardened_fixed_block, 100000);
}

static void hardened_segfit_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_standard(&heap_kind_hardened_segfit, 40000);
}

static void hardened_bump_matches_the_model_under_random_operations(void **state)
{
    (void)state;
    run_bump(&heap_kind_hardened_bump, 50000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tlsf_matches_the_model_under_random_operations),
        cmocka_unit_test(segfit_matches_the_model_under_random_operations),
        cmocka_unit_test(linked_list_matches_the_model_under_random_operations),
        cmocka_unit_test(fixed_block_matches_the_model_under_random_operations),
        cmocka_unit_test(bump_matches_the_model_under_random_operations),
        cmocka_unit_test(hardened_tlsf_matches_the_model_under_random_operations),
        cmocka_unit_test(hardened_linked_list_matches_the_model_under_random_operations),
        cmocka_unit_test(hardened_fixed_block_matches_the_model_under_random_operations),
        cmocka_unit_test(hardened_bump_matches_the_model_under_random_operations),
        cmocka_unit_test(hardened_segfit_matches_the_model_under_random_operations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
