/*
 * Reading little-endian fields at any byte offset of firmware and boot
 * loader structures (multiboot2 tags, ACPI tables), which promise no
 * alignment. memcpy, not a pointer cast: a misaligned load through a
 * uint32_t * is undefined behaviour, and compilers turn this into one mov.
 */
#ifndef KEEL_LIB_UNALIGNED_H
#define KEEL_LIB_UNALIGNED_H

#include <stdint.h>

static inline uint16_t read_u16(const uint8_t *p)
{
    uint16_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline uint32_t read_u32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline uint64_t read_u64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

#endif
