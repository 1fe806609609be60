#include "kernel/monitor.h"

#include <stdint.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/pit.h"
#include "kernel/arch/x86_64/reset.h"
#include "kernel/console/serial.h"
#include "kernel/keyboard.h"
#include "kernel/memory.h"
#include "kernel/monitor_parse.h"
#include "lib/print.h"
#include "mm/heap/heap.h"
#include "mm/heap/kalloc.h"
#include "mm/heap/layout.h"
#if KEEL_HARDENED
#include "mm/heap/hardened.h"
#endif

#define MAX_WORDS           4
#define FREE_RANGES_SHOWN   16
#define LIVE_BLOCKS_SHOWN   8
#define ALLOC_MAX_ALIGN     4096
#define ALLOC_DEFAULT_ALIGN 16

struct command {
    const char *name;
    const char *usage; /* arguments, for help and usage errors */
    const char *what;
    size_t min_args, max_args;
    void (*run)(char **args);
};

/* The blocks `alloc` made: `free` takes no other address. */
static struct monitor_blocks blocks;

/* Reads a number argument; prints "<cmd>: bad <what> '<word>': ..." and
 * returns false when it is not one. */
static bool number_arg(const char *cmd, const char *what, const char *word, uint64_t *out)
{
    switch (monitor_parse_u64(word, out)) {
    case MONITOR_NUMBER_OK:
        return true;
    case MONITOR_NUMBER_OVERFLOW:
        kprintf("%s: bad %s '%s': more than 64 bits\n", cmd, what, word);
        return false;
    case MONITOR_NUMBER_BAD:
        break;
    }
    kprintf("%s: bad %s '%s': not a number (decimal, or hex with 0x)\n", cmd, what, word);
    return false;
}

static void cmd_help(char **args);

static void cmd_mem(char **args)
{
    (void)args;
    memory_print_map();
}

static void cmd_frames(char **args)
{
    (void)args;
    memory_print_frames();
    const struct frame_allocator *fa = kernel_frames();
    size_t shown = 0, more = 0;
    phys_addr_t start, end = 0;
    kprintf("free ranges:\n");
    while (frame_next_free_range(fa, end, &start, &end)) {
        if (shown++ < FREE_RANGES_SHOWN)
            kprintf("  0x%016lx - 0x%016lx  %lu frames\n", start, end, (end - start) / PAGE_SIZE);
        else
            more++;
    }
    if (more > 0)
        kprintf("  ... and %zu more\n", more);
}

static const char *const level_names[] = {"", "PT", "PD", "PDPT", "PML4"};

static void print_entry_flags(uint64_t entry)
{
    static const struct {
        uint64_t flag;
        const char *name;
    } names[] = {
        {PAGE_PRESENT, "P"},        {PAGE_WRITABLE, "W"},  {PAGE_USER, "U"},
        {PAGE_WRITE_THROUGH, "WT"}, {PAGE_NO_CACHE, "NC"}, {PAGE_ACCESSED, "A"},
        {PAGE_DIRTY, "D"},          {PAGE_HUGE, "H"},      {PAGE_GLOBAL, "G"},
        {PAGE_NO_EXECUTE, "NX"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (entry & names[i].flag)
            kprintf(" %s", names[i].name);
    kprintf("\n");
}

/* The walk for virt from the PML4 down: each level's entry and flags, then
 * the physical address, or where the walk stopped. */
static void cmd_pt(char **args)
{
    uint64_t virt;
    if (!number_arg("pt", "address", args[1], &virt))
        return;
    const struct page_mapper *m = kernel_mapper();
    kprintf("pt 0x%lx:\n", virt);
    for (enum page_level level = PAGE_LEVEL_PML4; level >= PAGE_LEVEL_PT; level--) {
        uint64_t *entry;
        enum map_error err = page_walk(m, virt, level, NULL, 0, &entry);
        if (err != MAP_OK) {
            kprintf("pt: %s\n", map_strerror(err));
            return;
        }
        unsigned shift = 12 + 9 * (level - 1);
        kprintf("  %-4s[%3lu] = 0x%016lx", level_names[level], (virt >> shift) & 511, *entry);
        print_entry_flags(*entry);
        if (!(*entry & PAGE_PRESENT)) {
            kprintf("  -> not mapped\n");
            return;
        }
        if (level == PAGE_LEVEL_PT || (*entry & PAGE_HUGE)) {
            uint64_t page = 1ull << shift;
            kprintf("  -> phys 0x%lx (%lu KiB page)\n",
                    (*entry & PTE_ADDR_MASK & ~(page - 1)) + (virt & (page - 1)), page >> 10);
            return;
        }
    }
}

#if KEEL_HARDENED
static void print_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    kprintf("%.*s", (int)n, s);
}

static void print_live_blocks(const struct allocator *a, void *arg)
{
    (void)arg;
    struct hardened_heap *h = hardened_from(a);
    if (h != NULL)
        hardened_report_leaks(h, LIVE_BLOCKS_SHOWN, print_sink, NULL);
}
#endif

static void cmd_heap(char **args)
{
    (void)args;
    char summary[128];
    heap_summary(summary, sizeof summary);
    struct heap_stats s;
    kalloc_stats(&s);
    kprintf("heap: %s\n", summary);
    kprintf("  region %zu bytes, in use %zu bytes in %zu block%s (peak %zu)\n", s.region_size,
            s.bytes_in_use, s.live_allocations, s.live_allocations == 1 ? "" : "s",
            s.peak_bytes_in_use);
    kprintf("  free %zu bytes, largest free block %zu bytes\n", s.bytes_free, s.largest_free_block);
#if KEEL_HARDENED
    kalloc_with_lock(print_live_blocks, NULL);
#endif
}

static bool alloc_layout(char **args, struct layout *out)
{
    uint64_t size, align = ALLOC_DEFAULT_ALIGN;
    if (!number_arg("alloc", "size", args[1], &size) ||
        (args[2] != NULL && !number_arg("alloc", "alignment", args[2], &align)))
        return false;
    if (size == 0) {
        kprintf("alloc: size 0: nothing to allocate\n");
        return false;
    }
    size_t heap_max = HEAP_CONFIG_DEFAULT.max_size;
    if (size > heap_max) {
        kprintf("alloc: %lu bytes is more than the heap can ever hold (%zu KiB)\n", size,
                heap_max >> 10);
        return false;
    }
    enum layout_error err = layout_new(size, align, out);
    if (err == LAYOUT_OK && align > ALLOC_MAX_ALIGN)
        kprintf("alloc: bad alignment %lu: at most %u\n", align, ALLOC_MAX_ALIGN);
    else if (err != LAYOUT_OK)
        kprintf("alloc: bad alignment %lu: %s\n", align, layout_strerror(err));
    return err == LAYOUT_OK && align <= ALLOC_MAX_ALIGN;
}

static void cmd_alloc(char **args)
{
    struct layout layout;
    if (!alloc_layout(args, &layout))
        return;
    if (monitor_blocks_full(&blocks)) {
        kprintf("alloc: the monitor holds %d blocks already; free one first\n", MONITOR_BLOCKS_MAX);
        return;
    }
    void *p = try_kalloc(layout);
    if (p == NULL) {
        kprintf("alloc: out of memory: the heap has no block of %zu bytes, align %zu\n",
                layout.size, layout.align);
        return;
    }
    monitor_blocks_add(&blocks, (uintptr_t)p, layout.size, layout.align);
    kprintf("alloc: %p (%zu bytes, align %zu)\n", p, layout.size, layout.align);
}

static void cmd_free(char **args)
{
    uint64_t addr;
    if (!number_arg("free", "address", args[1], &addr))
        return;
    struct monitor_block b;
    if (!monitor_blocks_take(&blocks, addr, &b)) {
        kprintf("free: 0x%lx is not a live block of alloc's; refused\n", addr);
        return;
    }
    kdealloc((void *)b.addr, (struct layout){b.size, b.align});
    kprintf("free: 0x%lx (%zu bytes) freed\n", addr, b.size);
}

static void cmd_ticks(char **args)
{
    (void)args;
    uint64_t t = timer_ticks();
    kprintf("ticks: %lu (%lu.%02lu s at %d Hz)\n", t, t / TIMER_HZ, t % TIMER_HZ * 100 / TIMER_HZ,
            TIMER_HZ);
}

static void cmd_reboot(char **args)
{
    (void)args;
    kprintf("rebooting\n");
    arch_reboot();
}

static void cmd_halt(char **args)
{
    (void)args;
    kprintf("halted: switch the machine off or reset it\n");
    cpu_halt_forever();
}

static const struct command commands[] = {
    {"help", "", "this list", 0, 0, cmd_help},
    {"mem", "", "the memory map", 0, 0, cmd_mem},
    {"frames", "", "frame counts and the free frame ranges", 0, 0, cmd_frames},
    {"pt", "ADDR", "the page-table walk of a virtual address", 1, 1, cmd_pt},
    {"heap", "", "heap statistics and its live blocks", 0, 0, cmd_heap},
    {"alloc", "SIZE [ALIGN]", "allocate a heap block (align 16 unless given)", 1, 2, cmd_alloc},
    {"free", "ADDR", "free a block alloc gave", 1, 1, cmd_free},
    {"ticks", "", "timer ticks since boot", 0, 0, cmd_ticks},
    {"reboot", "", "reset the machine", 0, 0, cmd_reboot},
    {"halt", "", "stop the CPU", 0, 0, cmd_halt},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void cmd_help(char **args)
{
    (void)args;
    kprintf("commands (numbers in decimal, or hex with 0x):\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        kprintf("  %-6s %-12s  %s\n", commands[i].name, commands[i].usage, commands[i].what);
    kprintf("addresses to try: 0x%lx (the heap), 0x%lx (the monitor's code), 0x%lx (the direct "
            "map)\n",
            (uint64_t)HEAP_CONFIG_DEFAULT.start, (uint64_t)(uintptr_t)monitor_run,
            (uint64_t)PHYS_OFFSET);
}

static bool same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    return *a == *b;
}

static void run_line(char *text)
{
    char *words[MAX_WORDS + 1] = {0};
    size_t n = monitor_split(text, words, MAX_WORDS);
    if (n == 0)
        return;
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        const struct command *c = &commands[i];
        if (!same(words[0], c->name))
            continue;
        if (n - 1 < c->min_args || n - 1 > c->max_args) {
            kprintf("usage: %s%s%s\n", c->name, c->usage[0] ? " " : "", c->usage);
            return;
        }
        c->run(words);
        return;
    }
    kprintf("unknown command '%s'; type help for the list\n", words[0]);
}

/* The next key from the keyboard or COM1; sleeps until the next interrupt
 * (a key, or the timer: COM1 is polled) while there is none. */
static char next_key(void)
{
    for (;;) {
        char c = keyboard_read_char();
        if (c == 0)
            c = serial_read_char();
        if (c != 0)
            return c;
        cpu_wait_for_interrupt();
    }
}

_Noreturn void monitor_run(void)
{
    static struct monitor_line line;
    keyboard_set_echo(false);
    kprintf("monitor: type help for the commands\nkeel> ");
    for (;;) {
        char echo[MONITOR_ECHO_MAX];
        enum monitor_key key = monitor_line_key(&line, next_key(), echo);
        kprintf("%s", echo);
        if (key == MONITOR_KEY_ENTER) {
            run_line(line.text);
            monitor_line_clear(&line);
            kprintf("keel> ");
        }
    }
}
