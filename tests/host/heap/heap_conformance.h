/*
 * Edge-case tests every allocating design must pass, parameterised by a
 * heap_kind passed as the cmocka initial state:
 *
 *   const struct CMUnitTest tests[] = { HEAP_CONFORMANCE_TESTS(&heap_kind_tlsf), ... };
 */
#ifndef KEEL_TESTS_HOST_HEAP_CONFORMANCE_H
#define KEEL_TESTS_HOST_HEAP_CONFORMANCE_H

#include "heap_harness.h"

void every_power_of_two_alignment_up_to_4096_is_honoured(void **state);
void zero_and_one_byte_requests_get_distinct_blocks(void **state);
void huge_and_overflowing_requests_return_null(void **state);
void exhaustion_then_recovery_after_frees(void **state);
void realloc_grows_shrinks_and_keeps_contents(void **state);
void failed_realloc_keeps_the_old_block(void **state);
void freeing_in_any_order_returns_all_memory(void **state);
void extend_makes_a_failing_request_succeed(void **state);
void too_small_regions_are_refused_without_writes(void **state);
void wrapping_regions_are_refused(void **state);
void stats_track_bytes_live_and_peak(void **state);
void shrink_gives_back_only_the_free_tail(void **state);

#define HEAP_CONFORMANCE_TEST(f, kind) cmocka_unit_test_prestate(f, (void *)(kind))
#define HEAP_CONFORMANCE_TESTS(kind)                                                               \
    HEAP_CONFORMANCE_TEST(every_power_of_two_alignment_up_to_4096_is_honoured, kind),              \
        HEAP_CONFORMANCE_TEST(zero_and_one_byte_requests_get_distinct_blocks, kind),               \
        HEAP_CONFORMANCE_TEST(huge_and_overflowing_requests_return_null, kind),                    \
        HEAP_CONFORMANCE_TEST(exhaustion_then_recovery_after_frees, kind),                         \
        HEAP_CONFORMANCE_TEST(realloc_grows_shrinks_and_keeps_contents, kind),                     \
        HEAP_CONFORMANCE_TEST(failed_realloc_keeps_the_old_block, kind),                           \
        HEAP_CONFORMANCE_TEST(freeing_in_any_order_returns_all_memory, kind),                      \
        HEAP_CONFORMANCE_TEST(extend_makes_a_failing_request_succeed, kind),                       \
        HEAP_CONFORMANCE_TEST(too_small_regions_are_refused_without_writes, kind),                 \
        HEAP_CONFORMANCE_TEST(wrapping_regions_are_refused, kind),                                 \
        HEAP_CONFORMANCE_TEST(stats_track_bytes_live_and_peak, kind),                              \
        HEAP_CONFORMANCE_TEST(shrink_gives_back_only_the_free_tail, kind)

#endif
