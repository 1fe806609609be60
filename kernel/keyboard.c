/* Scancode set 1 decoding (portable: no port I/O here). */
#include "kernel/keyboard.h"

/* Make codes 0x00-0x39, without and with shift. 0: no character. */
static const char plain[0x3a] = {
    0,    27,  '1', '2', '3', '4', '5', '6', '7', '8', '9',  '0', '-', '=',  '\b',
    '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p',  '[', ']', '\n', 0,
    'a',  's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0,   '\\', 'z',
    'x',  'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0,   '*',  0,   ' ',
};
static const char shifted[0x3a] = {
    0,    27,  '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',  '\b',
    '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0,
    'A',  'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,   '|',  'Z',
    'X',  'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0,   '*', 0,   ' ',
};

enum {
    SC_EXTENDED_PREFIX = 0xe0,
    SC_RELEASE = 0x80,
    SC_LEFT_CTRL = 0x1d,
    SC_LEFT_SHIFT = 0x2a,
    SC_RIGHT_SHIFT = 0x36,
    SC_CAPS_LOCK = 0x3a,
    SC_CURSOR_UP = 0x48, /* after the 0xe0 prefix; without it keypad 8 */
};

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char keyboard_decode(struct keyboard_state *s, uint8_t scancode)
{
    if (scancode == SC_EXTENDED_PREFIX) {
        s->extended = true;
        return 0;
    }
    bool extended = s->extended;
    s->extended = false;
    bool released = scancode & SC_RELEASE;
    uint8_t code = scancode & ~SC_RELEASE;

    switch (code) {
    case SC_LEFT_SHIFT:
        if (!extended) /* 0xe0 0x2a is a fake shift some keyboards send */
            s->left_shift = !released;
        return 0;
    case SC_RIGHT_SHIFT:
        if (!extended)
            s->right_shift = !released;
        return 0;
    case SC_LEFT_CTRL: /* left and (extended) right ctrl */
        s->ctrl = !released;
        return 0;
    case SC_CAPS_LOCK:
        if (!released)
            s->caps_lock = !s->caps_lock;
        return 0;
    default:
        break;
    }
    if (extended && code == SC_CURSOR_UP && !released)
        return KEYBOARD_CURSOR_UP;
    if (released || extended || code >= sizeof plain)
        return 0; /* releases, cursor keys, function keys */

    bool shift = s->left_shift || s->right_shift;
    char c = plain[code];
    if (is_letter(c) ? shift != s->caps_lock : shift)
        c = shifted[code];
    if (s->ctrl && is_letter(c))
        return (char)(c & 0x1f); /* ctrl-a = 1, ... */
    return c;
}
