/* kstr: growable strings and formatted allocation (see kstr.h). */
#include "alloc/kstr.h"

#include <stdint.h>

#include "alloc/raw_array.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/panic.h"
#include "mm/heap/kalloc.h"

/* Ensures cap >= len + additional + 1. False (string unchanged) only in
 * RAW_ARRAY_TRY mode. */
static bool grow(struct kstr *s, size_t additional, enum raw_array_mode mode)
{
    if (additional == 0 || (s->cap != 0 && s->cap - s->len - 1 >= additional))
        return true;
    if (additional >= SIZE_MAX - s->len) {
        if (mode == RAW_ARRAY_TRY)
            return false;
        panic("capacity overflow");
    }
    size_t new_cap = raw_array_grow_cap(s->cap, s->len + additional + 1, 1);
    char *buf = raw_array_resize(s->buf, s->cap, new_cap, 1, 1, mode);
    if (buf == NULL)
        return false;
    if (s->cap == 0)
        buf[0] = '\0';
    s->buf = buf;
    s->cap = new_cap;
    return true;
}

void kstr_reserve(struct kstr *s, size_t additional)
{
    grow(s, additional, RAW_ARRAY_ABORT);
}

bool try_kstr_reserve(struct kstr *s, size_t additional)
{
    return grow(s, additional, RAW_ARRAY_TRY);
}

/* Appends into reserved room. */
static void append(struct kstr *s, const void *bytes, size_t n)
{
    if (n == 0)
        return;
    memcpy(s->buf + s->len, bytes, n);
    s->len += n;
    s->buf[s->len] = '\0';
}

void kstr_push_bytes(struct kstr *s, const void *bytes, size_t n)
{
    grow(s, n, RAW_ARRAY_ABORT);
    append(s, bytes, n);
}

bool try_kstr_push_bytes(struct kstr *s, const void *bytes, size_t n)
{
    if (!grow(s, n, RAW_ARRAY_TRY))
        return false;
    append(s, bytes, n);
    return true;
}

void kstr_push_str(struct kstr *s, const char *str)
{
    kstr_push_bytes(s, str, strlen(str));
}

bool try_kstr_push_str(struct kstr *s, const char *str)
{
    return try_kstr_push_bytes(s, str, strlen(str));
}

void kstr_push_char(struct kstr *s, char c)
{
    kstr_push_bytes(s, &c, 1);
}

bool try_kstr_push_char(struct kstr *s, char c)
{
    return try_kstr_push_bytes(s, &c, 1);
}

static void count_sink(void *ctx, const char *str, size_t n)
{
    (void)str;
    *(size_t *)ctx += n;
}

/* Appends into room reserved beforehand (the NUL is rewritten at the end). */
static void append_sink(void *ctx, const char *str, size_t n)
{
    struct kstr *s = ctx;
    memcpy(s->buf + s->len, str, n);
    s->len += n;
}

/* Measures the output, reserves exactly enough, then formats into it: a
 * failure leaves the string unchanged. */
static bool vappendf(struct kstr *s, enum raw_array_mode mode, const char *fmt, va_list ap)
{
    size_t n = 0;
    va_list measure;
    va_copy(measure, ap);
    fmt_vformat(count_sink, &n, fmt, measure);
    va_end(measure);
    if (n == 0)
        return true;
    if (!grow(s, n, mode))
        return false;
    size_t expected = s->len + n;
    fmt_vformat(append_sink, s, fmt, ap);
    KASSERT(s->len == expected);
    s->buf[s->len] = '\0';
    return true;
}

void kstr_vappendf(struct kstr *s, const char *fmt, va_list ap)
{
    vappendf(s, RAW_ARRAY_ABORT, fmt, ap);
}

bool try_kstr_vappendf(struct kstr *s, const char *fmt, va_list ap)
{
    return vappendf(s, RAW_ARRAY_TRY, fmt, ap);
}

void kstr_appendf(struct kstr *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kstr_vappendf(s, fmt, ap);
    va_end(ap);
}

bool try_kstr_appendf(struct kstr *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = try_kstr_vappendf(s, fmt, ap);
    va_end(ap);
    return ok;
}

void kstr_truncate(struct kstr *s, size_t n)
{
    if (n < s->len) {
        s->len = n;
        s->buf[n] = '\0';
    }
}

void kstr_clear(struct kstr *s)
{
    kstr_truncate(s, 0);
}

void kstr_free(struct kstr *s)
{
    raw_array_free(s->buf, s->cap, 1, 1);
    *s = (struct kstr)KSTR_INIT;
}

static char *into_cstr(struct kstr *s, enum raw_array_mode mode)
{
    char *out = mode == RAW_ARRAY_TRY ? try_kmalloc(s->len + 1) : kmalloc(s->len + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, kstr_cstr(s), s->len + 1);
    kstr_free(s);
    return out;
}

char *kstr_into_cstr(struct kstr *s)
{
    return into_cstr(s, RAW_ARRAY_ABORT);
}

char *try_kstr_into_cstr(struct kstr *s)
{
    return into_cstr(s, RAW_ARRAY_TRY);
}

/* Formats straight into a kmalloc'd block of the measured size. */
static char *vasprintf_mode(enum raw_array_mode mode, const char *fmt, va_list ap)
{
    size_t n = 0;
    va_list measure;
    va_copy(measure, ap);
    fmt_vformat(count_sink, &n, fmt, measure);
    va_end(measure);
    if (n == SIZE_MAX) {
        if (mode == RAW_ARRAY_TRY)
            return NULL;
        panic("capacity overflow");
    }
    char *out = mode == RAW_ARRAY_TRY ? try_kmalloc(n + 1) : kmalloc(n + 1);
    if (out == NULL)
        return NULL;
    struct kstr view = {.buf = out, .len = 0, .cap = n + 1};
    fmt_vformat(append_sink, &view, fmt, ap);
    KASSERT(view.len == n);
    out[n] = '\0';
    return out;
}

char *kvasprintf(const char *fmt, va_list ap)
{
    return vasprintf_mode(RAW_ARRAY_ABORT, fmt, ap);
}

char *try_kvasprintf(const char *fmt, va_list ap)
{
    return vasprintf_mode(RAW_ARRAY_TRY, fmt, ap);
}

char *kasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = kvasprintf(fmt, ap);
    va_end(ap);
    return out;
}

char *try_kasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = try_kvasprintf(fmt, ap);
    va_end(ap);
    return out;
}
