/* mm/multiboot2: a valid MBI parses into exactly its contents; each kind of
 * malformation gives its own error; truncated and corrupted MBIs (held in
 * exactly-sized heap buffers, so ASan sees any overread) never make the
 * parser or the accessors read out of bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/multiboot2.h"

/* ---- building MBIs ---- */

struct blob {
    _Alignas(8) uint8_t buf[65536];
    size_t len;
};

static void put(struct blob *b, const void *p, size_t n)
{
    assert_true(b->len + n <= sizeof b->buf);
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

static void put8(struct blob *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put16(struct blob *b, uint16_t v)
{
    put(b, &v, 2);
}

static void put32(struct blob *b, uint32_t v)
{
    put(b, &v, 4);
}

static void put64(struct blob *b, uint64_t v)
{
    put(b, &v, 8);
}

static void set32(struct blob *b, size_t off, uint32_t v)
{
    memcpy(b->buf + off, &v, 4);
}

static void blob_begin(struct blob *b)
{
    memset(b, 0, sizeof *b);
    b->len = 8; /* total_size, reserved: written by blob_finish() */
}

/* Starts a tag; returns its offset for tag_end(). */
static size_t tag_begin(struct blob *b, uint32_t type)
{
    size_t off = b->len;
    put32(b, type);
    put32(b, 0);
    return off;
}

/* Writes the tag's size (unpadded) and pads to 8. */
static void tag_end(struct blob *b, size_t off)
{
    set32(b, off + 4, (uint32_t)(b->len - off));
    while (b->len % 8 != 0)
        put8(b, 0);
}

static void blob_finish_no_end(struct blob *b)
{
    set32(b, 0, (uint32_t)b->len);
}

static void blob_finish(struct blob *b)
{
    tag_end(b, tag_begin(b, MB2_TAG_END));
    blob_finish_no_end(b);
}

static void add_string(struct blob *b, uint32_t type, const char *s)
{
    size_t off = tag_begin(b, type);
    put(b, s, strlen(s) + 1);
    tag_end(b, off);
}

struct entry {
    uint64_t base, length;
    uint32_t type;
};

static void add_mmap(struct blob *b, const struct entry *e, size_t n, uint32_t entry_size)
{
    size_t off = tag_begin(b, MB2_TAG_MMAP);
    put32(b, entry_size);
    put32(b, 0);
    for (size_t i = 0; i < n; i++) {
        size_t start = b->len;
        put64(b, e[i].base);
        put64(b, e[i].length);
        put32(b, e[i].type);
        while (b->len - start < entry_size)
            put8(b, 0);
    }
    tag_end(b, off);
}

static const struct entry default_map[] = {
    {0x0, 0x9fc00, MB2_MEM_AVAILABLE},        {0x9fc00, 0x400, MB2_MEM_RESERVED},
    {0x100000, 0x7ee0000, MB2_MEM_AVAILABLE}, {0x7fe0000, 0x20000, MB2_MEM_ACPI_RECLAIMABLE},
    {0xfffffffffffff000ull, 0x2000, 7}, /* end overflows: clamped */
};

static void add_default_mmap(struct blob *b)
{
    add_mmap(b, default_map, sizeof default_map / sizeof *default_map, 24);
}

static void add_module(struct blob *b, uint32_t start, uint32_t end, const char *s)
{
    size_t off = tag_begin(b, MB2_TAG_MODULE);
    put32(b, start);
    put32(b, end);
    put(b, s, strlen(s) + 1);
    tag_end(b, off);
}

static void fb_common(struct blob *b, uint8_t type)
{
    put64(b, 0xfd000000);
    put32(b, 4096); /* pitch */
    put32(b, 1024);
    put32(b, 768);
    put8(b, 32);
    put8(b, type);
    put16(b, 0);
}

static void add_fb_rgb(struct blob *b)
{
    size_t off = tag_begin(b, MB2_TAG_FRAMEBUFFER);
    fb_common(b, MB2_FB_RGB);
    const uint8_t colors[6] = {16, 8, 8, 8, 0, 8};
    put(b, colors, sizeof colors);
    tag_end(b, off);
}

static void put_shdr(struct blob *b, uint64_t flags, uint64_t addr, uint64_t size)
{
    put32(b, 1); /* sh_name */
    put32(b, 1); /* sh_type */
    put64(b, flags);
    put64(b, addr);
    put64(b, 0); /* sh_offset */
    put64(b, size);
    put32(b, 0);
    put32(b, 0);
    put64(b, 16);
    put64(b, 0);
}

static void add_elf(struct blob *b)
{
    size_t off = tag_begin(b, MB2_TAG_ELF_SECTIONS);
    put32(b, 5);                                     /* num */
    put32(b, 64);                                    /* entsize */
    put32(b, 4);                                     /* shndx */
    put_shdr(b, 0, 0, 0);                            /* null section */
    put_shdr(b, 0x6, 0xffffffff80100000ull, 0x5000); /* .text */
    put_shdr(b, 0x3, 0xffffffff80200000ull, 0x1800); /* .data */
    put_shdr(b, 0x3, 0xffffffff80300000ull, 0);      /* empty: ignored */
    put_shdr(b, 0x30, 0, 0x100);                     /* .comment */
    tag_end(b, off);
}

/* Everything the parser knows, plus an unknown tag of odd size. */
static void build_valid(struct blob *b)
{
    blob_begin(b);
    add_string(b, MB2_TAG_CMDLINE, "console=com1 quiet");
    add_string(b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.12");
    size_t off = tag_begin(b, 99);
    put(b, "odd", 3);
    tag_end(b, off);
    add_module(b, 0x200000, 0x280000, "initrd");
    add_module(b, 0x300000, 0x300000, "");
    off = tag_begin(b, MB2_TAG_BASIC_MEMINFO);
    put32(b, 639);
    put32(b, 130048);
    tag_end(b, off);
    add_default_mmap(b);
    add_fb_rgb(b);
    add_elf(b);
    off = tag_begin(b, MB2_TAG_ACPI_OLD);
    put(b, "RSD PTR \0\0\0\0\0\0\0\0\0\0\0", 20);
    tag_end(b, off);
    off = tag_begin(b, MB2_TAG_LOAD_BASE_ADDR);
    put32(b, 0x100000);
    tag_end(b, off);
    blob_finish(b);
}

/* Parses a copy of b in an exactly-sized heap buffer. */
static enum mb2_error parse_exact(const void *data, size_t len, struct mb2_info *info, void **keep)
{
    void *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, data, len);
    enum mb2_error err = mb2_parse(copy, len, info);
    if (keep)
        *keep = copy;
    else
        free(copy);
    return err;
}

static enum mb2_error parse_blob(const struct blob *b)
{
    struct mb2_info info;
    return parse_exact(b->buf, b->len, &info, NULL);
}

/* ---- the valid MBI ---- */

static void valid_mbi_exposes_every_tag(void **state)
{
    (void)state;
    struct blob b;
    build_valid(&b);
    struct mb2_info info;
    void *mem;
    assert_int_equal(parse_exact(b.buf, b.len, &info, &mem), MB2_OK);

    assert_int_equal(info.total_size, b.len);
    assert_true(info.has_cmdline);
    assert_string_equal(info.cmdline, "console=com1 quiet");
    assert_true(info.has_bootloader_name);
    assert_string_equal(info.bootloader_name, "GRUB 2.12");
    assert_true(info.has_basic_meminfo);
    assert_int_equal(info.mem_lower_kib, 639);
    assert_int_equal(info.mem_upper_kib, 130048);
    assert_true(info.has_load_base_addr);
    assert_int_equal(info.load_base_addr, 0x100000);
    assert_true(info.has_acpi_rsdp);
    assert_int_equal(info.acpi_rsdp_size, 20);
    assert_memory_equal(info.acpi_rsdp, "RSD PTR ", 8);
    assert_false(info.has_efi_mmap);

    assert_int_equal(info.mmap_count, 5);
    assert_int_equal(info.mmap_entry_size, 24);
    struct mb2_mem_region r;
    assert_true(mb2_mmap_entry(&info, 2, &r));
    assert_int_equal(r.start, 0x100000);
    assert_int_equal(r.end, 0x7fe0000);
    assert_int_equal(r.type, MB2_MEM_AVAILABLE);
    assert_true(mb2_mmap_entry(&info, 4, &r));
    assert_int_equal(r.end, UINT64_MAX);
    assert_int_equal(r.type, 7);
    assert_false(mb2_mmap_entry(&info, 5, &r));
    struct mb2_region_list map = mb2_mmap_list(&info);
    size_t cursor = 0;
    for (size_t i = 0; i < 5; i++) {
        assert_true(map.next(map.source, &cursor, &r));
        assert_int_equal(r.start, default_map[i].base);
    }
    assert_false(map.next(map.source, &cursor, &r));
    assert_true(mb2_mmap_entry(&info, 1, &r));
    assert_int_equal(r.start, 0x9fc00);
    assert_int_equal(r.end, 0xa0000);

    assert_int_equal(info.module_count, 2);
    struct mb2_module mod;
    assert_true(mb2_module_at(&info, 0, &mod));
    assert_int_equal(mod.start, 0x200000);
    assert_int_equal(mod.end, 0x280000);
    assert_string_equal(mod.cmdline, "initrd");
    assert_true(mb2_module_at(&info, 1, &mod));
    assert_int_equal(mod.start, 0x300000);
    assert_string_equal(mod.cmdline, "");
    assert_false(mb2_module_at(&info, 2, &mod));
    struct mb2_region_list modules = mb2_module_list(&info);
    cursor = 0;
    assert_true(modules.next(modules.source, &cursor, &r));
    assert_int_equal(r.start, 0x200000);
    assert_int_equal(r.end, 0x280000);
    assert_int_equal(r.type, MB2_MEM_RESERVED);
    assert_true(modules.next(modules.source, &cursor, &r));
    assert_int_equal(r.start, 0x300000);
    assert_false(modules.next(modules.source, &cursor, &r));
    assert_false(modules.next(modules.source, &cursor, &r));

    assert_true(info.has_framebuffer);
    assert_int_equal(info.framebuffer.addr, 0xfd000000);
    assert_int_equal(info.framebuffer.pitch, 4096);
    assert_int_equal(info.framebuffer.width, 1024);
    assert_int_equal(info.framebuffer.height, 768);
    assert_int_equal(info.framebuffer.bpp, 32);
    assert_int_equal(info.framebuffer.type, MB2_FB_RGB);
    assert_int_equal(info.framebuffer.red_position, 16);
    assert_int_equal(info.framebuffer.red_mask_size, 8);
    assert_int_equal(info.framebuffer.green_position, 8);
    assert_int_equal(info.framebuffer.blue_position, 0);
    assert_int_equal(info.framebuffer.blue_mask_size, 8);

    assert_true(info.has_elf_sections);
    assert_int_equal(info.elf.num, 5);
    assert_int_equal(info.elf.entsize, 64);
    assert_int_equal(info.elf.shndx, 4);
    struct mem_range extent;
    assert_true(mb2_elf_extent(&info, &extent));
    assert_int_equal(extent.start, 0xffffffff80100000ull);
    assert_int_equal(extent.end, 0xffffffff80201800ull);
    free(mem);
}

static void minimal_mbi_has_only_a_map(void **state)
{
    (void)state;
    struct blob b;
    blob_begin(&b);
    add_default_mmap(&b);
    blob_finish(&b);
    struct mb2_info info;
    assert_int_equal(parse_exact(b.buf, b.len, &info, NULL), MB2_OK);
    assert_false(info.has_cmdline);
    assert_null(info.cmdline);
    assert_null(info.bootloader_name);
    assert_false(info.has_framebuffer);
    assert_false(info.has_elf_sections);
    assert_int_equal(info.module_count, 0);
    struct mem_range extent;
    assert_false(mb2_elf_extent(&info, &extent));
}

static void first_single_tag_wins_and_acpi_new_is_preferred(void **state)
{
    (void)state;
    struct blob b;
    blob_begin(&b);
    add_string(&b, MB2_TAG_CMDLINE, "first");
    add_string(&b, MB2_TAG_CMDLINE, "second");
    size_t off = tag_begin(&b, MB2_TAG_ACPI_NEW);
    for (int i = 0; i < 36; i++)
        put8(&b, 'N');
    tag_end(&b, off);
    off = tag_begin(&b, MB2_TAG_ACPI_OLD);
    for (int i = 0; i < 20; i++)
        put8(&b, 'O');
    tag_end(&b, off);
    add_default_mmap(&b);
    blob_finish(&b);
    struct mb2_info info;
    void *mem;
    assert_int_equal(parse_exact(b.buf, b.len, &info, &mem), MB2_OK);
    assert_string_equal(info.cmdline, "first");
    assert_int_equal(info.acpi_rsdp_size, 36);
    assert_int_equal(((const char *)info.acpi_rsdp)[0], 'N');
    free(mem);
}

static void indexed_and_ega_framebuffers(void **state)
{
    (void)state;
    struct blob b;
    blob_begin(&b);
    size_t off = tag_begin(&b, MB2_TAG_FRAMEBUFFER);
    fb_common(&b, MB2_FB_INDEXED);
    put16(&b, 2);
    const uint8_t pal[6] = {1, 2, 3, 4, 5, 6};
    put(&b, pal, 6);
    tag_end(&b, off);
    add_default_mmap(&b);
    blob_finish(&b);
    struct mb2_info info;
    void *mem;
    assert_int_equal(parse_exact(b.buf, b.len, &info, &mem), MB2_OK);
    assert_int_equal(info.framebuffer.type, MB2_FB_INDEXED);
    assert_int_equal(info.framebuffer.palette_colors, 2);
    assert_int_equal(info.framebuffer.palette[5], 6);
    free(mem);

    blob_begin(&b);
    off = tag_begin(&b, MB2_TAG_FRAMEBUFFER);
    fb_common(&b, MB2_FB_EGA_TEXT);
    tag_end(&b, off);
    add_default_mmap(&b);
    blob_finish(&b);
    assert_int_equal(parse_exact(b.buf, b.len, &info, NULL), MB2_OK);
    assert_int_equal(info.framebuffer.type, MB2_FB_EGA_TEXT);
}

/* ---- each malformation, its own error ---- */

static void header_errors(void **state)
{
    (void)state;
    struct mb2_info info;
    struct blob b;
    build_valid(&b);
    assert_int_equal(mb2_parse(NULL, 64, &info), MB2_ERR_NULL);
    assert_int_equal(mb2_parse(b.buf, b.len, NULL), MB2_ERR_NULL);
    assert_int_equal(mb2_parse(b.buf + 4, b.len - 4, &info), MB2_ERR_MISALIGNED);
    assert_int_equal(mb2_parse(b.buf, b.len - 1, &info), MB2_ERR_TOTAL_SIZE_TOO_LARGE);
    assert_int_equal(mb2_parse(b.buf, 3, &info), MB2_ERR_TOTAL_SIZE_TOO_LARGE);

    blob_begin(&b);
    set32(&b, 0, 8);
    assert_int_equal(parse_exact(b.buf, 8, &info, NULL), MB2_ERR_TOTAL_SIZE_TOO_SMALL);
    set32(&b, 0, 15);
    assert_int_equal(parse_exact(b.buf, 16, &info, NULL), MB2_ERR_TOTAL_SIZE_TOO_SMALL);

    /* Smallest well-formed MBI: header and end tag, but no map. */
    blob_begin(&b);
    blob_finish(&b);
    assert_int_equal(b.len, 16);
    assert_int_equal(parse_blob(&b), MB2_ERR_MMAP_MISSING);
}

static void tag_errors(void **state)
{
    (void)state;
    struct blob b;
    blob_begin(&b);
    add_default_mmap(&b);
    size_t off = tag_begin(&b, 99);
    blob_finish(&b);
    set32(&b, off + 4, 4);
    assert_int_equal(parse_blob(&b), MB2_ERR_TAG_TOO_SMALL);
    set32(&b, off + 4, (uint32_t)(b.len - off + 1));
    assert_int_equal(parse_blob(&b), MB2_ERR_TAG_PAST_END);
    set32(&b, off + 4, (uint32_t)(b.len - off)); /* swallows the end tag */
    assert_int_equal(parse_blob(&b), MB2_ERR_NO_END_TAG);

    blob_begin(&b);
    add_default_mmap(&b);
    blob_finish_no_end(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_NO_END_TAG);

    /* A tail of fewer than 8 bytes after the last tag cannot hold an end tag. */
    blob_begin(&b);
    add_default_mmap(&b);
    put32(&b, 0);
    blob_finish_no_end(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_NO_END_TAG);

    blob_begin(&b);
    add_default_mmap(&b);
    off = tag_begin(&b, MB2_TAG_BASIC_MEMINFO);
    put32(&b, 1);
    tag_end(&b, off);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_TAG_TRUNCATED);
}

static void mmap_errors(void **state)
{
    (void)state;
    struct blob b;
    blob_begin(&b);
    add_mmap(&b, default_map, 2, 16);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_MMAP_ENTRY_TOO_SMALL);

    blob_begin(&b);
    add_mmap(&b, default_map, 2, 28);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_MMAP_ENTRY_TOO_SMALL);

    blob_begin(&b);
    size_t off = tag_begin(&b, MB2_TAG_MMAP);
    put32(&b, 24);
    put32(&b, 0);
    put64(&b, 0);
    put64(&b, 0x1000); /* 16 of the entry's 24 bytes */
    tag_end(&b, off);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_MMAP_PARTIAL_ENTRY);

    blob_begin(&b);
    add_mmap(&b, default_map, 0, 24);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_MMAP_NO_ENTRIES);

    blob_begin(&b);
    add_string(&b, MB2_TAG_CMDLINE, "no map");
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_MMAP_MISSING);

    /* A bigger entry_size (a future version) is fine: fields still at 0/8/16. */
    blob_begin(&b);
    add_mmap(&b, default_map, 3, 32);
    blob_finish(&b);
    struct mb2_info info;
    void *mem;
    assert_int_equal(parse_exact(b.buf, b.len, &info, &mem), MB2_OK);
    struct mb2_mem_region r;
    assert_true(mb2_mmap_entry(&info, 2, &r));
    assert_int_equal(r.start, 0x100000);
    free(mem);
}

/* Overwrites the NUL ending the string tag at off (and its padding). */
static void unterminate(struct blob *b, size_t off)
{
    uint32_t size;
    memcpy(&size, b->buf + off + 4, 4);
    for (size_t i = off + 8; i < off + size; i++)
        if (b->buf[i] == 0)
            b->buf[i] = 'x';
}

static void string_and_module_errors(void **state)
{
    (void)state;
    struct blob b;
    uint32_t types[] = {MB2_TAG_CMDLINE, MB2_TAG_BOOTLOADER_NAME};
    for (size_t t = 0; t < 2; t++) {
        blob_begin(&b);
        add_default_mmap(&b);
        size_t off = b.len;
        add_string(&b, types[t], "abc");
        blob_finish(&b);
        assert_int_equal(parse_blob(&b), MB2_OK);
        unterminate(&b, off);
        assert_int_equal(parse_blob(&b), MB2_ERR_STRING_UNTERMINATED);
    }
    /* An empty payload has no room for the NUL. */
    blob_begin(&b);
    add_default_mmap(&b);
    tag_end(&b, tag_begin(&b, MB2_TAG_CMDLINE));
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_STRING_UNTERMINATED);

    blob_begin(&b);
    add_default_mmap(&b);
    size_t off = b.len;
    add_module(&b, 0x1000, 0x2000, "mod");
    blob_finish(&b);
    unterminate(&b, off);
    assert_int_equal(parse_blob(&b), MB2_ERR_STRING_UNTERMINATED);

    blob_begin(&b);
    add_default_mmap(&b);
    add_module(&b, 0x2000, 0x1fff, "backwards");
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_BAD_MODULE);

    blob_begin(&b);
    add_default_mmap(&b);
    off = tag_begin(&b, MB2_TAG_MODULE);
    put32(&b, 0x1000);
    tag_end(&b, off);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_TAG_TRUNCATED);
}

static void framebuffer_and_elf_errors(void **state)
{
    (void)state;
    struct blob b;
    /* RGB without its 6 colour bytes. */
    blob_begin(&b);
    add_default_mmap(&b);
    size_t off = tag_begin(&b, MB2_TAG_FRAMEBUFFER);
    fb_common(&b, MB2_FB_RGB);
    tag_end(&b, off);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_BAD_FRAMEBUFFER);

    /* Shorter than the common part. */
    blob_begin(&b);
    add_default_mmap(&b);
    off = tag_begin(&b, MB2_TAG_FRAMEBUFFER);
    put64(&b, 0xfd000000);
    tag_end(&b, off);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_BAD_FRAMEBUFFER);

    /* Indexed with a palette larger than the tag. */
    blob_begin(&b);
    add_default_mmap(&b);
    off = tag_begin(&b, MB2_TAG_FRAMEBUFFER);
    fb_common(&b, MB2_FB_INDEXED);
    put16(&b, 256);
    put(&b, "\1\2\3", 3);
    tag_end(&b, off);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_BAD_FRAMEBUFFER);

    /* ELF headers past the tag; a num * entsize that overflows 32 bits. */
    blob_begin(&b);
    add_default_mmap(&b);
    off = tag_begin(&b, MB2_TAG_ELF_SECTIONS);
    put32(&b, 2);
    put32(&b, 64);
    put32(&b, 0);
    put_shdr(&b, 2, 0x1000, 0x1000);
    tag_end(&b, off);
    blob_finish(&b);
    assert_int_equal(parse_blob(&b), MB2_ERR_BAD_ELF_SECTIONS);
    set32(&b, off + 8, 0x4000000);
    set32(&b, off + 12, 0x40); /* 0x4000000 * 0x40 = 2^32 */
    assert_int_equal(parse_blob(&b), MB2_ERR_BAD_ELF_SECTIONS);
}

/* A map longer than any fixed-size copy and thousands of modules: every
 * entry and every module is listed, in order, none dropped. */
static void long_map_and_many_modules_are_listed_whole(void **state)
{
    (void)state;
    static struct blob b;
    static struct entry holes[301];
    blob_begin(&b);
    for (size_t i = 0; i < 301; i++) /* 4 KiB pages, every other one a hole */
        holes[i] = (struct entry){0x100000 + i * 0x2000, 0x1000,
                                  i % 2 ? MB2_MEM_RESERVED : MB2_MEM_AVAILABLE};
    add_mmap(&b, holes, 301, 24);
    for (uint32_t i = 0; i < 2000; i++) {
        size_t off = tag_begin(&b, MB2_TAG_MODULE);
        put32(&b, 0x1000000 + i * 0x3000);
        put32(&b, 0x1000000 + i * 0x3000 + 0x1800);
        put8(&b, 0);
        tag_end(&b, off);
    }
    blob_finish(&b);
    struct mb2_info info;
    assert_int_equal(mb2_parse(b.buf, b.len, &info), MB2_OK);
    assert_int_equal(info.mmap_count, 301);
    assert_int_equal(info.module_count, 2000);

    struct mb2_region_list map = mb2_mmap_list(&info);
    struct mb2_mem_region r;
    size_t n = 0;
    for (size_t c = 0; map.next(map.source, &c, &r); n++) {
        assert_int_equal(r.start, holes[n].base);
        assert_int_equal(r.end, holes[n].base + 0x1000);
        assert_int_equal(r.type, holes[n].type);
    }
    assert_int_equal(n, 301);

    struct mb2_region_list modules = mb2_module_list(&info);
    n = 0;
    for (size_t c = 0; modules.next(modules.source, &c, &r); n++) {
        assert_int_equal(r.start, 0x1000000 + n * 0x3000);
        assert_int_equal(r.end, 0x1000000 + n * 0x3000 + 0x1800);
    }
    assert_int_equal(n, 2000);
    struct mb2_module last;
    assert_true(mb2_module_at(&info, 1999, &last));
    assert_int_equal(last.start, 0x1000000 + 1999 * 0x3000);
}

static void strerror_and_type_names(void **state)
{
    (void)state;
    assert_string_equal(mb2_strerror(MB2_OK), "no error");
    for (int e = MB2_OK + 1; e <= MB2_ERR_BAD_ELF_SECTIONS; e++) {
        const char *s = mb2_strerror((enum mb2_error)e);
        assert_non_null(s);
        assert_true(strlen(s) > 10);
    }
    assert_non_null(strstr(mb2_strerror(MB2_ERR_MMAP_MISSING), "memory map"));
    assert_string_equal(mb2_mmap_type_name(1), "available");
    assert_string_equal(mb2_mmap_type_name(2), "reserved");
    assert_string_equal(mb2_mmap_type_name(3), "ACPI reclaimable");
    assert_string_equal(mb2_mmap_type_name(4), "ACPI NVS");
    assert_string_equal(mb2_mmap_type_name(5), "defective");
    assert_string_equal(mb2_mmap_type_name(0), "unknown");
    assert_string_equal(mb2_mmap_type_name(1234), "unknown");
}

/* ---- robustness: nothing outside the buffer is ever read ---- */

/* Parses data (len bytes, exactly-sized copy) and, if it is accepted, uses
 * every accessor so that they are checked for overreads too. */
static void parse_and_use(const uint8_t *data, size_t len)
{
    struct mb2_info info;
    void *mem;
    if (parse_exact(data, len, &info, &mem) == MB2_OK) {
        struct mb2_mem_region r;
        for (size_t i = 0; mb2_mmap_entry(&info, i, &r); i++)
            assert_true(r.end >= r.start);
        struct mb2_module mod;
        size_t modules = 0;
        for (size_t i = 0; mb2_module_at(&info, i, &mod); i++, modules++)
            assert_true(strlen(mod.cmdline) < len && mod.start <= mod.end);
        struct mb2_region_list list = mb2_module_list(&info);
        size_t listed = 0;
        for (size_t c = 0; list.next(list.source, &c, &r); listed++)
            assert_true(r.start <= r.end);
        assert_int_equal(listed, modules);
        if (info.cmdline)
            assert_true(strlen(info.cmdline) < len);
        if (info.bootloader_name)
            assert_true(strlen(info.bootloader_name) < len);
        struct mem_range extent;
        (void)mb2_elf_extent(&info, &extent);
        if (info.has_framebuffer && info.framebuffer.palette_colors)
            assert_true(info.framebuffer.palette[info.framebuffer.palette_colors * 3 - 1] < 256);
    }
    free(mem);
}

static void truncated_mbis_never_overread(void **state)
{
    (void)state;
    struct blob b;
    build_valid(&b);
    for (size_t len = 0; len <= b.len; len++) {
        uint8_t copy[sizeof b.buf];
        memcpy(copy, b.buf, len);
        /* Truncated with its original total_size... */
        if (len < b.len) {
            struct mb2_info info;
            assert_int_not_equal(parse_exact(copy, len, &info, NULL), MB2_OK);
        }
        /* ...and with total_size claiming exactly what is left. */
        if (len >= 4) {
            uint32_t total = (uint32_t)len;
            memcpy(copy, &total, 4);
        }
        parse_and_use(copy, len);
    }
}

static void corrupted_mbis_never_overread(void **state)
{
    (void)state;
    struct blob b;
    build_valid(&b);
    const uint8_t values[] = {0x00, 0x01, 0x07, 0x08, 0x10, 0x7f, 0x80, 0xfe, 0xff};
    for (size_t i = 0; i < b.len; i++) {
        for (size_t v = 0; v < sizeof values; v++) {
            uint8_t copy[sizeof b.buf];
            memcpy(copy, b.buf, b.len);
            copy[i] = values[v];
            parse_and_use(copy, b.len);
        }
    }
    /* Random multi-byte corruption, seeded for reproducibility. */
    uint64_t seed = 0x6b65656c; /* "keel" */
    for (int round = 0; round < 20000; round++) {
        uint8_t copy[sizeof b.buf];
        memcpy(copy, b.buf, b.len);
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int flips = 1 + (int)((seed >> 60) & 3);
        for (int f = 0; f < flips; f++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            copy[(seed >> 33) % b.len] = (uint8_t)(seed >> 20);
        }
        parse_and_use(copy, b.len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_mbi_exposes_every_tag),
        cmocka_unit_test(minimal_mbi_has_only_a_map),
        cmocka_unit_test(first_single_tag_wins_and_acpi_new_is_preferred),
        cmocka_unit_test(indexed_and_ega_framebuffers),
        cmocka_unit_test(header_errors),
        cmocka_unit_test(tag_errors),
        cmocka_unit_test(mmap_errors),
        cmocka_unit_test(string_and_module_errors),
        cmocka_unit_test(framebuffer_and_elf_errors),
        cmocka_unit_test(long_map_and_many_modules_are_listed_whole),
        cmocka_unit_test(strerror_and_type_names),
        cmocka_unit_test(truncated_mbis_never_overread),
        cmocka_unit_test(corrupted_mbis_never_overread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
