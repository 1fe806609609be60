/*
 * The monitor's portable half (kernel/monitor.c is the other): the line
 * editor, splitting a line into words, numbers, and the table of blocks the
 * monitor allocated. No port I/O and no printing: host tests
 * (tests/host/kernel/monitor_parse_test.c) drive all of it.
 */
#ifndef KEEL_KERNEL_MONITOR_PARSE_H
#define KEEL_KERNEL_MONITOR_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MONITOR_LINE_MAX 78 /* characters of one command line */

/* What one key may echo at most: a recalled line erases the one typed
 * ("\b \b" per character), then shows itself. */
#define MONITOR_ECHO_MAX (4 * MONITOR_LINE_MAX + 1)

/* One command line being typed, and the last one entered. */
struct monitor_line {
    char text[MONITOR_LINE_MAX + 1]; /* NUL-terminated */
    size_t len;
    char previous[MONITOR_LINE_MAX + 1]; /* the last non-empty line entered */
    bool after_cr;   /* the last key was '\r': a following '\n' is the same Enter */
    unsigned escape; /* 1: after ESC, 2: after ESC [ (a terminal's cursor key) */
};

enum monitor_key {
    MONITOR_KEY_PENDING, /* the line goes on */
    MONITOR_KEY_ENTER,   /* the line is complete in text */
};

/* What a key does to the line, and what to echo for it (NUL-terminated,
 * into echo[MONITOR_ECHO_MAX]): printable characters are added and echoed
 * while there is room; backspace ('\b' or DEL, as terminals send it)
 * removes the last one and echoes "\b \b"; ctrl-p, or cursor up (a
 * terminal's ESC [ A), replaces the line with the previous one entered;
 * '\r', '\n' or "\r\n" end the line and echo "\n"; anything else (other
 * escape sequences too) is ignored. After MONITOR_KEY_ENTER the caller
 * reads text and calls monitor_line_clear(). */
enum monitor_key monitor_line_key(struct monitor_line *line, char key, char echo[MONITOR_ECHO_MAX]);
void monitor_line_clear(struct monitor_line *line);

/* Splits line in place at spaces and tabs into at most max words (NULs
 * written after each); returns how many words the line has, which may be
 * more than max (only the first max are stored). */
size_t monitor_split(char *line, char **words, size_t max);

enum monitor_number {
    MONITOR_NUMBER_OK,
    MONITOR_NUMBER_BAD,      /* empty, or not a number: "12x", "0x", "-1" */
    MONITOR_NUMBER_OVERFLOW, /* more than 64 bits */
};

/* Reads a whole word as a number: decimal, or hexadecimal after 0x / 0X. */
enum monitor_number monitor_parse_u64(const char *word, uint64_t *out);

/* The blocks the monitor's alloc command made and free has not yet given
 * back: free accepts only an address found here (never trusted). */
#define MONITOR_BLOCKS_MAX 16

struct monitor_block {
    uintptr_t addr; /* 0: slot empty */
    size_t size, align;
};

struct monitor_blocks {
    struct monitor_block slot[MONITOR_BLOCKS_MAX];
};

/* Records a live block; false when every slot is taken. */
bool monitor_blocks_add(struct monitor_blocks *t, uintptr_t addr, size_t size, size_t align);
/* Removes the block at exactly addr, its record into *out; false (nothing
 * changed) when the table has no block there. */
bool monitor_blocks_take(struct monitor_blocks *t, uintptr_t addr, struct monitor_block *out);
/* Whether the table has room for one more block. */
bool monitor_blocks_full(const struct monitor_blocks *t);

#endif
