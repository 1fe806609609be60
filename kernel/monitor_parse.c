#include "kernel/monitor_parse.h"

#define KEY_DEL 0x7f

void monitor_line_clear(struct monitor_line *line)
{
    line->len = 0;
    line->text[0] = '\0';
}

static enum monitor_key end_line(struct monitor_line *line, char echo[4])
{
    echo[0] = '\n';
    echo[1] = '\0';
    line->text[line->len] = '\0';
    return MONITOR_KEY_ENTER;
}

enum monitor_key monitor_line_key(struct monitor_line *line, char key, char echo[4])
{
    bool after_cr = line->after_cr;
    line->after_cr = key == '\r';
    echo[0] = '\0';
    if (key == '\r')
        return end_line(line, echo);
    if (key == '\n')
        return after_cr ? MONITOR_KEY_PENDING : end_line(line, echo);
    if (key == '\b' || key == KEY_DEL) {
        if (line->len > 0) {
            line->text[--line->len] = '\0';
            echo[0] = '\b', echo[1] = ' ', echo[2] = '\b', echo[3] = '\0';
        }
        return MONITOR_KEY_PENDING;
    }
    if (key == '\t')
        key = ' ';
    if (key < ' ' || key >= KEY_DEL || line->len == MONITOR_LINE_MAX)
        return MONITOR_KEY_PENDING;
    line->text[line->len++] = key;
    line->text[line->len] = '\0';
    echo[0] = key, echo[1] = '\0';
    return MONITOR_KEY_PENDING;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

size_t monitor_split(char *line, char **words, size_t max)
{
    size_t count = 0;
    char *p = line;
    for (;;) {
        while (is_space(*p))
            *p++ = '\0';
        if (*p == '\0')
            return count;
        if (count < max)
            words[count] = p;
        count++;
        while (*p != '\0' && !is_space(*p))
            p++;
    }
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

enum monitor_number monitor_parse_u64(const char *word, uint64_t *out)
{
    unsigned base = 10;
    if (word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
        base = 16;
        word += 2;
    }
    if (*word == '\0')
        return MONITOR_NUMBER_BAD;
    uint64_t value = 0;
    bool overflow = false;
    for (; *word != '\0'; word++) {
        int d = digit_value(*word);
        if (d >= (int)base)
            return MONITOR_NUMBER_BAD;
        if (value > (UINT64_MAX - (uint64_t)d) / base)
            overflow = true; /* keep going: a bad digit later is BAD */
        value = value * base + (uint64_t)d;
    }
    if (overflow)
        return MONITOR_NUMBER_OVERFLOW;
    *out = value;
    return MONITOR_NUMBER_OK;
}

bool monitor_blocks_add(struct monitor_blocks *t, uintptr_t addr, size_t size, size_t align)
{
    for (size_t i = 0; i < MONITOR_BLOCKS_MAX; i++) {
        if (t->slot[i].addr == 0) {
            t->slot[i] = (struct monitor_block){addr, size, align};
            return true;
        }
    }
    return false;
}

bool monitor_blocks_take(struct monitor_blocks *t, uintptr_t addr, struct monitor_block *out)
{
    if (addr == 0)
        return false;
    for (size_t i = 0; i < MONITOR_BLOCKS_MAX; i++) {
        if (t->slot[i].addr == addr) {
            *out = t->slot[i];
            t->slot[i].addr = 0;
            return true;
        }
    }
    return false;
}

bool monitor_blocks_full(const struct monitor_blocks *t)
{
    for (size_t i = 0; i < MONITOR_BLOCKS_MAX; i++)
        if (t->slot[i].addr == 0)
            return false;
    return true;
}
