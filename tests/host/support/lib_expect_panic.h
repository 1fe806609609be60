/*
 * EXPECT_PANIC_EXACTLY: EXPECT_PANIC (host_panic.h) that also requires the
 * whole panic message to equal `expected`, for messages that are part of a
 * contract ("allocation error: Layout { size: 8, align: 4 }").
 */
#ifndef KEEL_TESTS_HOST_LIB_EXPECT_PANIC_H
#define KEEL_TESTS_HOST_LIB_EXPECT_PANIC_H

#include "host_panic.h"

#define EXPECT_PANIC_EXACTLY(stmt, expected)                                                       \
    do {                                                                                           \
        EXPECT_PANIC(stmt, expected);                                                              \
        assert_string_equal(host_panic_message, (expected));                                       \
    } while (0)

#endif
