/*
 * The heap's port (mm/heap/heap_port.h) for a program without a C library:
 * exactly the symbols HEAP_PORT_SYMBOLS names, and the two system calls
 * they and main.c need. x86_64 Linux; in a kernel, the console and halt
 * take the system calls' place.
 */
#include "port.h"

#include <stdarg.h>
#include <stdint.h>

#include "lib/fmt.h"
#include "mm/heap/heap_port.h"

void sys_write(int fd, const char *s, size_t n)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(1), "D"(fd), "S"(s), "d"(n)
                     : "rcx", "r11", "memory");
    (void)ret;
}

_Noreturn void sys_exit(int code)
{
    __asm__ volatile("syscall" : : "a"(231), "D"(code) : "rcx", "r11", "memory");
    __builtin_unreachable();
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    size_t n = kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sys_write(2, buf, n < sizeof buf ? n : sizeof buf - 1);
    n = ksnprintf(buf, sizeof buf, " (%s:%d)\n", file, line);
    sys_write(2, buf, n < sizeof buf ? n : sizeof buf - 1);
    sys_exit(134);
}

/* The string instructions: no loop the compiler could turn back into a
 * call to the function being defined. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    void *ret = dst;
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    if ((uintptr_t)dst - (uintptr_t)src >= n)
        return memcpy(dst, src, n); /* no overlap that a forward copy breaks */
    void *ret = dst;
    dst = (char *)dst + n - 1;
    src = (const char *)src + n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return ret;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

/* One thread, no signal handler that allocates: nothing to mask. */
irq_flags_t irq_save(void)
{
    return 0;
}

void irq_restore(irq_flags_t flags)
{
    (void)flags;
}

void cpu_relax(void) {}
