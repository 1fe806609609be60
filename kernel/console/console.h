/*
 * The console: every output device the kernel prints to. Drivers (serial,
 * VGA text, framebuffer) register once; console_write() sends the same text
 * to all of them, under one lock so that lines from an interrupt handler and
 * the code it interrupted do not interleave.
 */
#ifndef KEEL_CONSOLE_CONSOLE_H
#define KEEL_CONSOLE_CONSOLE_H

#include <stddef.h>

enum console_color {
    COLOR_BLACK,
    COLOR_BLUE,
    COLOR_GREEN,
    COLOR_CYAN,
    COLOR_RED,
    COLOR_MAGENTA,
    COLOR_BROWN,
    COLOR_LIGHT_GREY,
    COLOR_DARK_GREY,
    COLOR_LIGHT_BLUE,
    COLOR_LIGHT_GREEN,
    COLOR_LIGHT_CYAN,
    COLOR_LIGHT_RED,
    COLOR_PINK,
    COLOR_YELLOW,
    COLOR_WHITE,
};

struct console_driver {
    const char *name;
    void (*write)(const char *s, size_t n);
    /* NULL for devices without colour (serial). */
    void (*set_color)(enum console_color fg, enum console_color bg);
};

/* Adds a driver (at most CONSOLE_MAX_DRIVERS); later output goes to it too. */
void console_register(const struct console_driver *driver);
void console_write(const char *s, size_t n);
void console_set_color(enum console_color fg, enum console_color bg);

/* For the panic path: takes the console lock away from whoever holds it,
 * since that code will never run again. */
void console_break_lock(void);

/* Used by kprintf to hold the lock across one formatted message. */
unsigned long console_lock(void);
void console_unlock(unsigned long flags);
void console_write_locked(const char *s, size_t n);

#define CONSOLE_MAX_DRIVERS 4

#endif
