/*
 * multiboot2: validating parser of the boot information. See multiboot2.h.
 *
 * Every read goes through read_u32()/read_u64() at an offset that was first checked
 * against the enclosing tag's size, and every tag's size was checked against
 * total_size, which was checked against max_len.
 */
#include "mm/multiboot2.h"

#include "lib/kstring.h"
#include "lib/unaligned.h"

/* Byte offsets of the fields this parser reads. */
enum {
    MBI_HEADER_SIZE = 8,
    TAG_HEADER_SIZE = 8,
    MMAP_ENTRIES_OFFSET = 16,
    MMAP_MIN_ENTRY_SIZE = 24,
    MODULE_STRING_OFFSET = 16,
    ELF_HEADERS_OFFSET = 20,
    FB_COMMON_SIZE = 32,
    FB_RGB_SIZE = FB_COMMON_SIZE + 6,
    FB_PALETTE_OFFSET = FB_COMMON_SIZE + 2,
    ACPI_RSDP_V1_SIZE = 20,
    ACPI_RSDP_V2_SIZE = 36,
    ELF64_SHDR_SIZE = 64,
    ELF_SHF_ALLOC = 0x2,
};

/* True when p[0..n) contains a NUL byte. */
static bool has_nul(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == 0)
            return true;
    return false;
}

/* Tags 1 and 2: a NUL-terminated string filling the payload. */
static enum mb2_error parse_string(const uint8_t *tag, uint32_t size, const char **dst, bool *has)
{
    if (!has_nul(tag + TAG_HEADER_SIZE, size - TAG_HEADER_SIZE))
        return MB2_ERR_STRING_UNTERMINATED;
    if (!*has) {
        *dst = (const char *)(tag + TAG_HEADER_SIZE);
        *has = true;
    }
    return MB2_OK;
}

static enum mb2_error parse_module(struct mb2_info *info, const uint8_t *tag, uint32_t size)
{
    if (size < MODULE_STRING_OFFSET)
        return MB2_ERR_TAG_TRUNCATED;
    if (read_u32(tag + 8) > read_u32(tag + 12))
        return MB2_ERR_BAD_MODULE;
    if (!has_nul(tag + MODULE_STRING_OFFSET, size - MODULE_STRING_OFFSET))
        return MB2_ERR_STRING_UNTERMINATED;
    info->module_count++;
    return MB2_OK;
}

static enum mb2_error parse_mmap(struct mb2_info *info, const uint8_t *tag, uint32_t size)
{
    if (size < MMAP_ENTRIES_OFFSET)
        return MB2_ERR_TAG_TRUNCATED;
    uint32_t entry_size = read_u32(tag + 8);
    if (entry_size < MMAP_MIN_ENTRY_SIZE || entry_size % 8 != 0)
        return MB2_ERR_MMAP_ENTRY_TOO_SMALL;
    uint32_t bytes = size - MMAP_ENTRIES_OFFSET;
    if (bytes % entry_size != 0)
        return MB2_ERR_MMAP_PARTIAL_ENTRY;
    if (info->mmap_entries == NULL) {
        info->mmap_entries = tag + MMAP_ENTRIES_OFFSET;
        info->mmap_entry_size = entry_size;
        info->mmap_count = bytes / entry_size;
    }
    return MB2_OK;
}

/* The colour information that follows the common part, by type. */
static enum mb2_error parse_fb_colors(struct mb2_framebuffer *fb, const uint8_t *tag, uint32_t size)
{
    switch (fb->type) {
    case MB2_FB_RGB:
        if (size < FB_RGB_SIZE)
            return MB2_ERR_BAD_FRAMEBUFFER;
        fb->red_position = tag[32];
        fb->red_mask_size = tag[33];
        fb->green_position = tag[34];
        fb->green_mask_size = tag[35];
        fb->blue_position = tag[36];
        fb->blue_mask_size = tag[37];
        return MB2_OK;
    case MB2_FB_INDEXED: {
        if (size < FB_PALETTE_OFFSET)
            return MB2_ERR_BAD_FRAMEBUFFER;
        uint16_t colors = read_u16(tag + FB_COMMON_SIZE);
        if ((uint32_t)colors * 3 > size - FB_PALETTE_OFFSET)
            return MB2_ERR_BAD_FRAMEBUFFER;
        fb->palette_colors = colors;
        fb->palette = tag + FB_PALETTE_OFFSET;
        return MB2_OK;
    }
    default: /* EGA text and unknown types: no colour information. */
        return MB2_OK;
    }
}

static enum mb2_error parse_framebuffer(struct mb2_info *info, const uint8_t *tag, uint32_t size)
{
    if (size < FB_COMMON_SIZE)
        return MB2_ERR_BAD_FRAMEBUFFER;
    struct mb2_framebuffer fb = {
        .addr = read_u64(tag + 8),
        .pitch = read_u32(tag + 16),
        .width = read_u32(tag + 20),
        .height = read_u32(tag + 24),
        .bpp = tag[28],
        .type = tag[29],
    };
    enum mb2_error err = parse_fb_colors(&fb, tag, size);
    if (err == MB2_OK && !info->has_framebuffer) {
        info->framebuffer = fb;
        info->has_framebuffer = true;
    }
    return err;
}

static enum mb2_error parse_elf(struct mb2_info *info, const uint8_t *tag, uint32_t size)
{
    if (size < ELF_HEADERS_OFFSET)
        return MB2_ERR_TAG_TRUNCATED;
    uint32_t num = read_u32(tag + 8), entsize = read_u32(tag + 12);
    if ((uint64_t)num * entsize > size - ELF_HEADERS_OFFSET)
        return MB2_ERR_BAD_ELF_SECTIONS;
    if (!info->has_elf_sections) {
        info->elf =
            (struct mb2_elf_sections){num, entsize, read_u32(tag + 16), tag + ELF_HEADERS_OFFSET};
        info->has_elf_sections = true;
    }
    return MB2_OK;
}

static enum mb2_error parse_acpi(struct mb2_info *info, const uint8_t *tag, uint32_t type,
                                 uint32_t size)
{
    uint32_t need = type == MB2_TAG_ACPI_NEW ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE;
    if (size - TAG_HEADER_SIZE < need)
        return MB2_ERR_TAG_TRUNCATED;
    if (!info->has_acpi_rsdp || type == MB2_TAG_ACPI_NEW) {
        info->acpi_rsdp = tag + TAG_HEADER_SIZE;
        info->acpi_rsdp_size = size - TAG_HEADER_SIZE;
        info->has_acpi_rsdp = true;
    }
    return MB2_OK;
}

/* Tags with only fixed fields: the minimum size of each known one. */
static enum mb2_error parse_fixed(struct mb2_info *info, const uint8_t *tag, uint32_t type,
                                  uint32_t size)
{
    switch (type) {
    case MB2_TAG_BASIC_MEMINFO:
        if (size < 16)
            return MB2_ERR_TAG_TRUNCATED;
        info->mem_lower_kib = read_u32(tag + 8);
        info->mem_upper_kib = read_u32(tag + 12);
        info->has_basic_meminfo = true;
        return MB2_OK;
    case MB2_TAG_EFI_MMAP:
        if (size < 16)
            return MB2_ERR_TAG_TRUNCATED;
        info->has_efi_mmap = true;
        return MB2_OK;
    case MB2_TAG_LOAD_BASE_ADDR:
        if (size < 12)
            return MB2_ERR_TAG_TRUNCATED;
        info->load_base_addr = read_u32(tag + 8);
        info->has_load_base_addr = true;
        return MB2_OK;
    default:
        return MB2_OK; /* unknown: skipped */
    }
}

/* One tag whose header (type, size >= 8, within total_size) is checked. */
static enum mb2_error parse_tag(struct mb2_info *info, const uint8_t *tag, uint32_t type,
                                uint32_t size)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        return parse_string(tag, size, &info->cmdline, &info->has_cmdline);
    case MB2_TAG_BOOTLOADER_NAME:
        return parse_string(tag, size, &info->bootloader_name, &info->has_bootloader_name);
    case MB2_TAG_MODULE:
        return parse_module(info, tag, size);
    case MB2_TAG_MMAP:
        return parse_mmap(info, tag, size);
    case MB2_TAG_FRAMEBUFFER:
        return parse_framebuffer(info, tag, size);
    case MB2_TAG_ELF_SECTIONS:
        return parse_elf(info, tag, size);
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        return parse_acpi(info, tag, type, size);
    default:
        return parse_fixed(info, tag, type, size);
    }
}

/* Offset of the tag after the one at off of the given size (8-aligned). */
static size_t next_tag(size_t off, uint32_t size)
{
    return off + (((size_t)size + 7) & ~(size_t)7);
}

/* Checks the header; on success stores total_size. */
static enum mb2_error check_header(const uint8_t *mbi, size_t max_len, uint32_t *total_out)
{
    if (mbi == NULL)
        return MB2_ERR_NULL;
    if ((uintptr_t)mbi % 8 != 0)
        return MB2_ERR_MISALIGNED;
    if (max_len < sizeof(uint32_t))
        return MB2_ERR_TOTAL_SIZE_TOO_LARGE;
    uint32_t total = read_u32(mbi);
    if (total < MBI_HEADER_SIZE + TAG_HEADER_SIZE)
        return MB2_ERR_TOTAL_SIZE_TOO_SMALL;
    if (total > max_len)
        return MB2_ERR_TOTAL_SIZE_TOO_LARGE;
    *total_out = total;
    return MB2_OK;
}

enum mb2_error mb2_parse(const void *mbi, size_t max_len, struct mb2_info *out)
{
    if (out == NULL)
        return MB2_ERR_NULL;
    const uint8_t *base = mbi;
    uint32_t total = 0;
    enum mb2_error err = check_header(base, max_len, &total);
    if (err != MB2_OK)
        return err;
    memset(out, 0, sizeof *out);
    out->base = base;
    out->total_size = total;

    for (size_t off = MBI_HEADER_SIZE;; off = next_tag(off, read_u32(base + off + 4))) {
        if (off > total || total - off < TAG_HEADER_SIZE)
            return MB2_ERR_NO_END_TAG;
        uint32_t type = read_u32(base + off), size = read_u32(base + off + 4);
        if (size < TAG_HEADER_SIZE)
            return MB2_ERR_TAG_TOO_SMALL;
        if (size > total - off)
            return MB2_ERR_TAG_PAST_END;
        if (type == MB2_TAG_END)
            break;
        err = parse_tag(out, base + off, type, size);
        if (err != MB2_OK)
            return err;
    }
    if (out->mmap_entries == NULL)
        return MB2_ERR_MMAP_MISSING;
    if (out->mmap_count == 0)
        return MB2_ERR_MMAP_NO_ENTRIES;
    return MB2_OK;
}

bool mb2_mmap_entry(const struct mb2_info *info, size_t i, struct mb2_mem_region *out)
{
    if (i >= info->mmap_count)
        return false;
    const uint8_t *e = info->mmap_entries + i * info->mmap_entry_size;
    uint64_t start = read_u64(e);
    out->start = start;
    out->end = addr_add_saturating(start, read_u64(e + 8));
    out->type = read_u32(e + 16);
    return true;
}

/* The first module tag at or after offset *off into *out; *off moves past
 * it. The parse proved every tag up to the end tag well-formed. */
static bool next_module(const struct mb2_info *info, size_t *off, struct mb2_module *out)
{
    const uint8_t *base = info->base;
    for (; read_u32(base + *off) != MB2_TAG_END; *off = next_tag(*off, read_u32(base + *off + 4))) {
        if (read_u32(base + *off) != MB2_TAG_MODULE)
            continue;
        out->start = read_u32(base + *off + 8);
        out->end = read_u32(base + *off + 12);
        out->cmdline = (const char *)(base + *off + MODULE_STRING_OFFSET);
        *off = next_tag(*off, read_u32(base + *off + 4));
        return true;
    }
    return false;
}

bool mb2_module_at(const struct mb2_info *info, size_t i, struct mb2_module *out)
{
    if (i >= info->module_count)
        return false;
    size_t off = MBI_HEADER_SIZE;
    while (next_module(info, &off, out))
        if (i-- == 0)
            return true;
    return false;
}

static bool mmap_next(const void *source, size_t *cursor, struct mb2_mem_region *out)
{
    return mb2_mmap_entry(source, (*cursor)++, out);
}

struct mb2_region_list mb2_mmap_list(const struct mb2_info *info)
{
    return (struct mb2_region_list){mmap_next, info};
}

/* The cursor is the offset of the next tag to look at; 0 is the first. */
static bool module_next(const void *source, size_t *cursor, struct mb2_mem_region *out)
{
    const struct mb2_info *info = source;
    if (*cursor < MBI_HEADER_SIZE)
        *cursor = MBI_HEADER_SIZE;
    struct mb2_module m;
    if (!next_module(info, cursor, &m))
        return false;
    *out = (struct mb2_mem_region){m.start, m.end, MB2_MEM_RESERVED};
    return true;
}

struct mb2_region_list mb2_module_list(const struct mb2_info *info)
{
    return (struct mb2_region_list){module_next, info};
}

static bool array_next(const void *source, size_t *cursor, struct mb2_mem_region *out)
{
    const struct mb2_region_array *array = source;
    if (*cursor >= array->count)
        return false;
    *out = array->regions[(*cursor)++];
    return true;
}

struct mb2_region_list mb2_region_array_list(const struct mb2_region_array *array)
{
    return (struct mb2_region_list){array_next, array};
}

bool mb2_elf_extent(const struct mb2_info *info, struct mem_range *out)
{
    if (!info->has_elf_sections || info->elf.entsize < ELF64_SHDR_SIZE)
        return false;
    struct mem_range r = {UINT64_MAX, 0};
    const uint8_t *h = info->elf.headers;
    for (uint32_t i = 0; i < info->elf.num; i++, h += info->elf.entsize) {
        uint64_t flags = read_u64(h + 8), addr = read_u64(h + 16), size = read_u64(h + 32);
        if (!(flags & ELF_SHF_ALLOC) || size == 0)
            continue;
        uint64_t end = addr_add_saturating(addr, size);
        r.start = addr < r.start ? addr : r.start;
        r.end = end > r.end ? end : r.end;
    }
    if (mem_range_is_empty(r))
        return false;
    *out = r;
    return true;
}

const char *mb2_strerror(enum mb2_error err)
{
    switch (err) {
    case MB2_OK:
        return "no error";
    case MB2_ERR_NULL:
        return "The boot information pointer is NULL.";
    case MB2_ERR_MISALIGNED:
        return "The boot information is not 8-byte aligned.";
    case MB2_ERR_TOTAL_SIZE_TOO_SMALL:
        return "The boot information's total_size is below 16 bytes (header and end tag).";
    case MB2_ERR_TOTAL_SIZE_TOO_LARGE:
        return "The boot information's total_size exceeds the bytes known to be readable.";
    case MB2_ERR_TAG_TOO_SMALL:
        return "A boot information tag has a size below 8 bytes.";
    case MB2_ERR_TAG_PAST_END:
        return "A boot information tag extends past total_size.";
    case MB2_ERR_TAG_TRUNCATED:
        return "A boot information tag is too small for the fields of its type.";
    case MB2_ERR_NO_END_TAG:
        return "The boot information has no end tag (type 0) within total_size.";
    case MB2_ERR_MMAP_ENTRY_TOO_SMALL:
        return "The memory map's entry_size is below 24 bytes or not a multiple of 8.";
    case MB2_ERR_MMAP_PARTIAL_ENTRY:
        return "The memory map tag's size is not a whole number of entries.";
    case MB2_ERR_MMAP_NO_ENTRIES:
        return "The memory map has no entries: the kernel cannot find usable RAM.";
    case MB2_ERR_MMAP_MISSING:
        return "The boot information has no memory map tag (type 6): the kernel cannot find "
               "usable RAM.";
    case MB2_ERR_STRING_UNTERMINATED:
        return "A boot information string is not NUL-terminated within its tag.";
    case MB2_ERR_BAD_MODULE:
        return "A boot module ends before it starts.";
    case MB2_ERR_BAD_FRAMEBUFFER:
        return "The framebuffer tag is too small for its framebuffer type.";
    case MB2_ERR_BAD_ELF_SECTIONS:
        return "The ELF sections tag is too small for its num * entsize section headers.";
    }
    return "Unknown multiboot2 error.";
}

const char *mb2_mmap_type_name(uint32_t type)
{
    switch (type) {
    case MB2_MEM_AVAILABLE:
        return "available";
    case MB2_MEM_RESERVED:
        return "reserved";
    case MB2_MEM_ACPI_RECLAIMABLE:
        return "ACPI reclaimable";
    case MB2_MEM_ACPI_NVS:
        return "ACPI NVS";
    case MB2_MEM_DEFECTIVE:
        return "defective";
    default:
        return "unknown";
    }
}
