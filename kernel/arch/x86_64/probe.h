/*
 * Probes: memory accesses that report a fault as a value instead of a panic.
 * Each returns 0 on success and -1 if the access faulted (page fault or
 * general protection fault); fault_last_caught() then tells which fault, at
 * which address, with which error code. Tests use them to prove that an
 * access faults (unmapped, read-only, non-executable pages) and keep running.
 */
#ifndef KEEL_ARCH_X86_64_PROBE_H
#define KEEL_ARCH_X86_64_PROBE_H

#include <stdint.h>

int probe_read_u64(const volatile void *address, uint64_t *value_out);
int probe_write_u64(volatile void *address, uint64_t value);
/* Calls `address` as a function; it must be code that returns (or fault on
 * fetch). */
int probe_execute(const void *address);

#endif
