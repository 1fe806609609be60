#include "kernel/monitor_parse.h"

#include "lib/kstring.h"

#define KEY_DEL      0x7f
#define KEY_ESC      0x1b
#define KEY_PREVIOUS 0x10 /* ctrl-p */
#define ESCAPE_NONE  0
#define ESCAPE_SEEN  1 /* after ESC */
#define ESCAPE_CSI   2 /* after ESC [ */

void monitor_line_clear(struct monitor_line *line)
{
    line->len = 0;
    line->text[0] = '\0';
}

static enum monitor_key end_line(struct monitor_line *line, char *echo)
{
    echo[0] = '\n';
    echo[1] = '\0';
    line->text[line->len] = '\0';
    if (line->len > 0)
        memcpy(line->previous, line->text, line->len + 1);
    return MONITOR_KEY_ENTER;
}

/* Erases what was typed, on the screen and in the line. */
static char *erase(struct monitor_line *line, char *echo)
{
    for (; line->len > 0; line->len--) {
        memcpy(echo, "\b \b", 3);
        echo += 3;
    }
    *echo = '\0';
    line->text[0] = '\0';
    return echo;
}

static void recall(struct monitor_line *line, char *echo)
{
    echo = erase(line, echo);
    line->len = strlen(line->previous);
    memcpy(line->text, line->previous, line->len + 1);
    memcpy(echo, line->text, line->len + 1);
}

/* ESC [ <final byte>: only cursor up (A) means anything here. Returns
 * whether key belonged to an escape sequence. */
static bool escape_sequence(struct monitor_line *line, char key, char *echo)
{
    if (line->escape == ESCAPE_NONE) {
        line->escape = key == KEY_ESC ? ESCAPE_SEEN : ESCAPE_NONE;
        return key == KEY_ESC;
    }
    if (line->escape == ESCAPE_SEEN) {
        line->escape = key == '[' ? ESCAPE_CSI : ESCAPE_NONE;
        return true;
    }
    if (key >= '@' && key <= '~') { /* the final byte */
        line->escape = ESCAPE_NONE;
        if (key == 'A')
            recall(line, echo);
    }
    return true;
}

enum monitor_key monitor_line_key(struct monitor_line *line, char key, char echo[MONITOR_ECHO_MAX])
{
    bool after_cr = line->after_cr;
    line->after_cr = key == '\r';
    echo[0] = '\0';
    if (escape_sequence(line, key, echo))
        return MONITOR_KEY_PENDING;
    if (key == '\r')
        return end_line(line, echo);
    if (key == '\n')
        return after_cr ? MONITOR_KEY_PENDING : end_line(line, echo);
    if (key == KEY_PREVIOUS) {
        recall(line, echo);
        return MONITOR_KEY_PENDING;
    }
    if (key == '\b' || key == KEY_DEL) {
        if (line->len > 0) {
            line->text[--line->len] = '\0';
            memcpy(echo, "\b \b", 4);
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
