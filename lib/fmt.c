/*
 * keel's printf engine. One pass over the format string; each conversion is
 * parsed into a `struct spec` and rendered by a small function. Numbers are
 * rendered right-to-left into a 64-byte scratch buffer (enough for 64 binary
 * digits), then padded and emitted.
 */
#include "lib/fmt.h"

#include <stdbool.h>
#include <stdint.h>

#include "lib/kstring.h"

struct spec {
    bool left;     /* '-' */
    bool zero;     /* '0' */
    bool plus;     /* '+' */
    bool space;    /* ' ' */
    bool alt;      /* '#' */
    int width;     /* -1: none */
    int precision; /* -1: none */
    int length;    /* 'H' hh, 'h', 0, 'l', 'L' ll, 'z', 't', 'j' */
    char conv;
};

struct out {
    fmt_sink_fn sink;
    void *ctx;
    size_t count;
};

static void emit(struct out *o, const char *s, size_t n)
{
    if (n == 0)
        return;
    o->sink(o->ctx, s, n);
    o->count += n;
}

static void emit_repeat(struct out *o, char c, int n)
{
    char chunk[16];
    memset(chunk, c, sizeof chunk);
    while (n > 0) {
        int k = n < (int)sizeof chunk ? n : (int)sizeof chunk;
        emit(o, chunk, (size_t)k);
        n -= k;
    }
}

/* Emits prefix + zeros + body with the padding the spec asks for. */
static void emit_padded(struct out *o, const struct spec *sp, const char *prefix, const char *body,
                        size_t body_len, int zeros)
{
    size_t prefix_len = strlen(prefix);
    int total = (int)(prefix_len + body_len) + zeros;
    int pad = sp->width > total ? sp->width - total : 0;
    if (!sp->left && !sp->zero)
        emit_repeat(o, ' ', pad);
    emit(o, prefix, prefix_len);
    if (!sp->left && sp->zero)
        emit_repeat(o, '0', pad);
    emit_repeat(o, '0', zeros);
    emit(o, body, body_len);
    if (sp->left)
        emit_repeat(o, ' ', pad);
}

static uintmax_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 'H':
        return (unsigned char)va_arg(*ap, unsigned int);
    case 'h':
        return (unsigned short)va_arg(*ap, unsigned int);
    case 'l':
        return va_arg(*ap, unsigned long);
    case 'L':
        return va_arg(*ap, unsigned long long);
    case 'z':
        return va_arg(*ap, size_t);
    case 't':
        return (uintmax_t)va_arg(*ap, ptrdiff_t);
    case 'j':
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static intmax_t fetch_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 'H':
        return (signed char)va_arg(*ap, int);
    case 'h':
        return (short)va_arg(*ap, int);
    case 'l':
        return va_arg(*ap, long);
    case 'L':
        return va_arg(*ap, long long);
    case 'z':
        return (intmax_t)va_arg(*ap, size_t);
    case 't':
        return va_arg(*ap, ptrdiff_t);
    case 'j':
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static void format_number(struct out *o, struct spec sp, uintmax_t value, bool negative)
{
    static const char lower[] = "0123456789abcdef";
    static const char upper[] = "0123456789ABCDEF";
    unsigned base = 10;
    const char *digits = lower;
    const char *prefix = "";

    switch (sp.conv) {
    case 'x':
        base = 16;
        prefix = sp.alt && value ? "0x" : "";
        break;
    case 'X':
        base = 16;
        digits = upper;
        prefix = sp.alt && value ? "0X" : "";
        break;
    case 'o':
        base = 8;
        break;
    case 'p':
        base = 16;
        prefix = "0x";
        break;
    default:
        if (negative)
            prefix = "-";
        else if (sp.plus)
            prefix = "+";
        else if (sp.space)
            prefix = " ";
        break;
    }

    char buf[64];
    size_t pos = sizeof buf;
    while (value != 0) {
        buf[--pos] = digits[value % base];
        value /= base;
    }
    if (sp.conv == 'o' && sp.alt)
        buf[--pos] = '0';
    size_t len = sizeof buf - pos;
    if (len == 0 && sp.precision != 0)
        buf[--pos] = '0', len = 1;

    int zeros = sp.precision > (int)len ? sp.precision - (int)len : 0;
    if (sp.precision >= 0 && sp.conv != 'p')
        sp.zero = false; /* C: a precision overrides the 0 flag */
    emit_padded(o, &sp, prefix, buf + pos, len, zeros);
}

static void format_string(struct out *o, const struct spec *sp, const char *s)
{
    if (s == NULL)
        s = "(null)";
    size_t len = 0;
    while (s[len] != '\0' && (sp->precision < 0 || len < (size_t)sp->precision))
        len++;
    struct spec plain = *sp;
    plain.zero = false;
    emit_padded(o, &plain, "", s, len, 0);
}

/* Parses flags, width, precision and length after a '%'. Returns the
 * position of the conversion character. */
static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){.width = -1, .precision = -1};
    for (;; p++) {
        if (*p == '-')
            sp->left = true;
        else if (*p == '0')
            sp->zero = true;
        else if (*p == '+')
            sp->plus = true;
        else if (*p == ' ')
            sp->space = true;
        else if (*p == '#')
            sp->alt = true;
        else
            break;
    }
    if (*p == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0)
            sp->left = true, sp->width = -sp->width;
        p++;
    } else {
        for (; *p >= '0' && *p <= '9'; p++)
            sp->width = (sp->width < 0 ? 0 : sp->width * 10) + (*p - '0');
    }
    if (*p == '.') {
        p++;
        sp->precision = 0;
        if (*p == '*') {
            sp->precision = va_arg(*ap, int);
            p++;
        } else {
            for (; *p >= '0' && *p <= '9'; p++)
                sp->precision = sp->precision * 10 + (*p - '0');
        }
    }
    switch (*p) {
    case 'h':
        sp->length = p[1] == 'h' ? (p++, 'H') : 'h';
        p++;
        break;
    case 'l':
        sp->length = p[1] == 'l' ? (p++, 'L') : 'l';
        p++;
        break;
    case 'z':
    case 't':
    case 'j':
        sp->length = *p++;
        break;
    default:
        break;
    }
    sp->conv = *p;
    return p;
}

size_t fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap_in)
{
    struct out o = {.sink = sink, .ctx = ctx};
    va_list ap;
    va_copy(ap, ap_in);

    const char *p = fmt;
    while (*p != '\0') {
        const char *literal = p;
        while (*p != '\0' && *p != '%')
            p++;
        emit(&o, literal, (size_t)(p - literal));
        if (*p == '\0')
            break;

        const char *start = p++;
        struct spec sp;
        p = parse_spec(p, &sp, &ap);
        switch (sp.conv) {
        case 'd':
        case 'i': {
            intmax_t v = fetch_signed(&sp, &ap);
            uintmax_t magnitude = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
            format_number(&o, sp, magnitude, v < 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            format_number(&o, sp, fetch_unsigned(&sp, &ap), false);
            break;
        case 'p':
            format_number(&o, sp, (uintptr_t)va_arg(ap, void *), false);
            break;
        case 's':
            format_string(&o, &sp, va_arg(ap, const char *));
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            struct spec plain = sp;
            plain.zero = false;
            emit_padded(&o, &plain, "", &c, 1, 0);
            break;
        }
        case '%':
            emit(&o, "%", 1);
            break;
        default:
            /* Unknown or truncated conversion: show it as written. */
            if (sp.conv == '\0') {
                emit(&o, start, (size_t)(p - start));
                va_end(ap);
                return o.count;
            }
            emit(&o, start, (size_t)(p - start + 1));
            break;
        }
        p++;
    }
    va_end(ap);
    return o.count;
}

size_t fmt_format(fmt_sink_fn sink, void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vformat(sink, ctx, fmt, ap);
    va_end(ap);
    return n;
}

struct buffer_sink {
    char *buf;
    size_t size; /* capacity including the NUL */
    size_t used;
};

static void buffer_write(void *ctx, const char *s, size_t n)
{
    struct buffer_sink *b = ctx;
    if (b->size == 0)
        return;
    size_t room = b->size - 1 - b->used;
    size_t k = n < room ? n : room;
    memcpy(b->buf + b->used, s, k);
    b->used += k;
}

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer_sink b = {.buf = buf, .size = size};
    size_t n = fmt_vformat(buffer_write, &b, fmt, ap);
    if (size > 0)
        buf[b.used] = '\0';
    return n;
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
