/* The example's two Linux system calls (port.c): write to a file descriptor, exit. */
#ifndef HEAP_FREESTANDING_PORT_H
#define HEAP_FREESTANDING_PORT_H

#include <stddef.h>

void sys_write(int fd, const char *s, size_t n);
_Noreturn void sys_exit(int code);

#endif
