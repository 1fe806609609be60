/*
 * kstr: a growable, always NUL-terminated byte string, the C counterpart of
 * Rust's String; kasprintf is its format!.
 *
 *     struct kstr s = KSTR_INIT;
 *     kstr_push_str(&s, "heap_value at ");
 *     kstr_appendf(&s, "%p", (void *)p);
 *     kprintf("%s\n", kstr_cstr(&s));
 *     kstr_free(&s);
 *
 *     char *msg = kasprintf("%zu blocks", n);      // free with kfree(msg)
 *
 * The buffer holds len bytes and a NUL (bytes pushed may themselves contain
 * NULs; kstr_len counts them, C string functions stop at them). It is
 * allocated with the layout (cap, 1) and grows by doubling; an empty string
 * owns no memory and kstr_cstr() returns a static "".
 *
 * Failure: aborting forms panic through the kalloc error handler (or with
 * "capacity overflow"); try_ forms return false and leave the string exactly
 * as it was, also for kstr_appendf (the output is measured first).
 */
#ifndef KEEL_ALLOC_KSTR_H
#define KEEL_ALLOC_KSTR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct kstr {
    char *buf;  /* NULL iff cap == 0; else buf[len] == '\0' */
    size_t len; /* bytes, not counting the NUL */
    size_t cap; /* bytes allocated, including the NUL; 0 or > len */
};

#define KSTR_INIT                                                                                  \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

static inline size_t kstr_len(const struct kstr *s)
{
    return s->len;
}

/* The contents as a C string; valid until the string next changes. */
static inline const char *kstr_cstr(const struct kstr *s)
{
    return s->cap != 0 ? s->buf : "";
}

/* Room for `additional` more bytes (and the NUL) without reallocating. */
void kstr_reserve(struct kstr *s, size_t additional);
bool try_kstr_reserve(struct kstr *s, size_t additional);

void kstr_push_bytes(struct kstr *s, const void *bytes, size_t n);
bool try_kstr_push_bytes(struct kstr *s, const void *bytes, size_t n);
void kstr_push_str(struct kstr *s, const char *str);
bool try_kstr_push_str(struct kstr *s, const char *str);
void kstr_push_char(struct kstr *s, char c);
bool try_kstr_push_char(struct kstr *s, char c);

/* Appends formatted output (lib/fmt.h conversions). */
void kstr_appendf(struct kstr *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool try_kstr_appendf(struct kstr *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kstr_vappendf(struct kstr *s, const char *fmt, va_list ap);
bool try_kstr_vappendf(struct kstr *s, const char *fmt, va_list ap);

/* Keeps the first min(len, n) bytes; capacity unchanged. */
void kstr_truncate(struct kstr *s, size_t n);
void kstr_clear(struct kstr *s);
/* Frees the buffer; the string is empty (KSTR_INIT) and reusable. */
void kstr_free(struct kstr *s);

/* Takes the buffer out as a C string of exactly len + 1 bytes allocated by
 * kmalloc (free it with kfree); the kstr is left empty. Aborting on
 * failure; try_ returns NULL and leaves the kstr unchanged. */
char *kstr_into_cstr(struct kstr *s);
char *try_kstr_into_cstr(struct kstr *s);

/* Formats into a new kmalloc'd C string; free it with kfree. kasprintf never
 * returns NULL; try_kasprintf returns NULL when out of memory. */
char *kasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *try_kasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *kvasprintf(const char *fmt, va_list ap);
char *try_kvasprintf(const char *fmt, va_list ap);

#endif
