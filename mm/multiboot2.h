/*
 * multiboot2: a validating parser for the Multiboot2 boot information (MBI).
 *
 * mb2_parse() checks the whole MBI once -- every length against its container,
 * every string for its NUL -- and never reads outside [mbi, mbi + max_len)
 * whatever the input. After it returns MB2_OK, the accessors below read only
 * what the parse proved to be in bounds.
 *
 * Layout facts (Multiboot2 spec, as GRUB implements it):
 *   MBI    = u32 total_size, u32 reserved, then tags; 8-byte aligned.
 *   tag    = u32 type, u32 size (without padding), payload; each tag starts
 *            at an 8-byte aligned offset; the list ends with type 0, size 8.
 *   mmap   = u32 entry_size, u32 entry_version, entries of
 *            {u64 base_addr, u64 length, u32 type, u32 reserved}.
 *   module = u32 mod_start, u32 mod_end, NUL-terminated string.
 *   ELF    = u32 num, u32 entsize, u32 shndx, section headers (GRUB uses
 *            u32 fields, not the u16 of the spec's text).
 *   framebuffer = u64 addr, u32 pitch, u32 width, u32 height, u8 bpp,
 *            u8 type, u16 reserved, colour info at offset 32 (GRUB layout).
 *
 * struct mb2_info points into the MBI: the MBI must stay mapped and unchanged
 * (reserve its frames) for as long as the info is used.
 */
#ifndef KEEL_MM_MULTIBOOT2_H
#define KEEL_MM_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/addr.h"

/* Value of EAX when a Multiboot2 loader jumps to the kernel. */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_BOOTLOADER_NAME = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_BASIC_MEMINFO = 4,
    MB2_TAG_BOOTDEV = 5,
    MB2_TAG_MMAP = 6,
    MB2_TAG_VBE = 7,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_ELF_SECTIONS = 9,
    MB2_TAG_APM = 10,
    MB2_TAG_ACPI_OLD = 14, /* RSDP revision 0 */
    MB2_TAG_ACPI_NEW = 15, /* RSDP revision >= 2 (XSDT) */
    MB2_TAG_EFI_MMAP = 17,
    MB2_TAG_LOAD_BASE_ADDR = 21,
};

/* Memory map entry types. Only MB2_MEM_AVAILABLE may be handed out. */
enum mb2_mem_type {
    MB2_MEM_AVAILABLE = 1,
    MB2_MEM_RESERVED = 2,
    MB2_MEM_ACPI_RECLAIMABLE = 3,
    MB2_MEM_ACPI_NVS = 4,
    MB2_MEM_DEFECTIVE = 5,
};

enum mb2_framebuffer_type {
    MB2_FB_INDEXED = 0,
    MB2_FB_RGB = 1,
    MB2_FB_EGA_TEXT = 2,
};

enum mb2_error {
    MB2_OK = 0,
    MB2_ERR_NULL,
    MB2_ERR_MISALIGNED,
    MB2_ERR_TOTAL_SIZE_TOO_SMALL,
    MB2_ERR_TOTAL_SIZE_TOO_LARGE,
    MB2_ERR_TAG_TOO_SMALL,
    MB2_ERR_TAG_PAST_END,
    MB2_ERR_TAG_TRUNCATED,
    MB2_ERR_NO_END_TAG,
    MB2_ERR_MMAP_ENTRY_TOO_SMALL,
    MB2_ERR_MMAP_PARTIAL_ENTRY,
    MB2_ERR_MMAP_NO_ENTRIES,
    MB2_ERR_MMAP_MISSING,
    MB2_ERR_STRING_UNTERMINATED,
    MB2_ERR_BAD_MODULE,
    MB2_ERR_BAD_FRAMEBUFFER,
    MB2_ERR_BAD_ELF_SECTIONS,
};

/* One memory map entry, as a half-open range. */
struct mb2_mem_region {
    phys_addr_t start;
    phys_addr_t end; /* exclusive; start + length clamped to UINT64_MAX */
    uint32_t type;   /* enum mb2_mem_type, or another value (treat as reserved) */
};

/* One boot module (e.g. an initrd). */
struct mb2_module {
    phys_addr_t start;
    phys_addr_t end; /* exclusive, >= start */
    const char *cmdline;
};

struct mb2_framebuffer {
    phys_addr_t addr;
    uint32_t pitch; /* bytes per line */
    uint32_t width; /* pixels, or characters for EGA text */
    uint32_t height;
    uint8_t bpp;
    uint8_t type; /* enum mb2_framebuffer_type */
    /* MB2_FB_RGB only (0 otherwise): bit position and width of each colour. */
    uint8_t red_position, red_mask_size;
    uint8_t green_position, green_mask_size;
    uint8_t blue_position, blue_mask_size;
    /* MB2_FB_INDEXED only: palette_colors entries of {u8 r, g, b}. */
    uint16_t palette_colors;
    const uint8_t *palette;
};

struct mb2_elf_sections {
    uint32_t num;     /* section headers */
    uint32_t entsize; /* bytes per header: 64 for ELF64 */
    uint32_t shndx;   /* index of the section-name string table */
    const void *headers;
};

struct mb2_info {
    const uint8_t *base; /* the MBI itself */
    uint32_t total_size;

    bool has_cmdline, has_bootloader_name, has_basic_meminfo, has_framebuffer, has_elf_sections,
        has_acpi_rsdp, has_efi_mmap, has_load_base_addr;

    const char *cmdline;         /* NULL when absent */
    const char *bootloader_name; /* NULL when absent */
    uint32_t mem_lower_kib, mem_upper_kib;

    /* The (first) memory map tag: always present, >= 1 entry after MB2_OK.
     * Read entries with mb2_mmap_entry(). */
    const uint8_t *mmap_entries;
    uint32_t mmap_entry_size;
    size_t mmap_count;

    size_t module_count; /* read with mb2_module_at() */

    struct mb2_elf_sections elf;
    struct mb2_framebuffer framebuffer;

    const void *acpi_rsdp; /* copy of the RSDP; prefers the ACPI 2.0 tag */
    size_t acpi_rsdp_size;
    uint32_t load_base_addr; /* physical address the image was loaded at */
};

/*
 * Validates the MBI at mbi and fills *out. max_len is how many bytes from mbi
 * the caller guarantees readable; nothing past min(max_len, total_size) is
 * read. Unknown tag types are skipped. When the same single-instance tag
 * appears twice the first one wins (every copy is still validated).
 * Returns MB2_OK or the first problem found; *out is unspecified on error.
 */
enum mb2_error mb2_parse(const void *mbi, size_t max_len, struct mb2_info *out);

/* A sentence describing err, for a panic message. Never NULL. */
const char *mb2_strerror(enum mb2_error err);

/* "available", "reserved", "ACPI reclaimable", "ACPI NVS", "defective", or
 * "unknown" for any other type. */
const char *mb2_mmap_type_name(uint32_t type);

/* Memory map entry i into *out; false when i >= info->mmap_count. */
bool mb2_mmap_entry(const struct mb2_info *info, size_t i, struct mb2_mem_region *out);

/* Module i (in MBI order) into *out; false when i >= info->module_count.
 * Walks the tags: O(tags); use mb2_module_list() to visit them all. */
bool mb2_module_at(const struct mb2_info *info, size_t i, struct mb2_module *out);

/*
 * A list of regions of any length, read one at a time where it lies: the
 * memory map inside the boot information, every boot module, or an array.
 * Nothing has to be copied into a fixed-size buffer first, so nothing is
 * cut off, however many entries the boot loader hands over.
 *
 *     struct mb2_mem_region r;
 *     for (size_t cursor = 0; list->next(list->source, &cursor, &r);)
 *         ...
 *
 * next() stores the region at *cursor (0 for the first) in *out, advances
 * *cursor and returns true; past the last region it returns false.
 */
struct mb2_region_list {
    bool (*next)(const void *source, size_t *cursor, struct mb2_mem_region *out);
    const void *source;
};

/* The memory map of info (which must outlive the list), in MBI order. */
struct mb2_region_list mb2_mmap_list(const struct mb2_info *info);

/* Every boot module of info as a region of type MB2_MEM_RESERVED. */
struct mb2_region_list mb2_module_list(const struct mb2_info *info);

/* count regions of an array (which must outlive the list). */
struct mb2_region_array {
    const struct mb2_mem_region *regions;
    size_t count;
};
struct mb2_region_list mb2_region_array_list(const struct mb2_region_array *array);

/*
 * The extent [lowest sh_addr, highest sh_addr + sh_size) of the sections that
 * occupy memory (SHF_ALLOC, size > 0). These are link addresses: virtual ones
 * for a higher-half kernel. Handles ELF64 headers (entsize >= 64) only.
 * Returns false when there is no ELF tag, it is not ELF64, or no section is
 * allocated.
 */
bool mb2_elf_extent(const struct mb2_info *info, struct mem_range *out);

#endif
