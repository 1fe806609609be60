/*
 * The C library's memory and string functions, for freestanding code.
 *
 * The kernel links lib/kstring.c and, for memcpy and memset, the
 * architecture's string instructions (kernel/arch/x86_64/string.c); host
 * builds resolve the same names to the host C library (and its sanitizer
 * interceptors), so portable code includes this header instead of
 * <string.h>.
 */
#ifndef KEEL_LIB_KSTRING_H
#define KEEL_LIB_KSTRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);

#endif
