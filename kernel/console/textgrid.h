/*
 * textgrid: the terminal logic shared by the VGA text console and the
 * framebuffer console — a grid of character cells with a cursor, colours,
 * line wrap, scrolling, and the control characters \n \r \t \b. A backend
 * only draws a cell, scrolls by one row and (optionally) moves a hardware
 * cursor, so both consoles show exactly the same text.
 *
 * Colours are a VGA attribute byte: foreground | background << 4, with the
 * 16 colours of enum console_color. Portable: host-tested.
 */
#ifndef KEEL_CONSOLE_TEXTGRID_H
#define KEEL_CONSOLE_TEXTGRID_H

#include <stddef.h>
#include <stdint.h>

struct textgrid_ops {
    /* Draws character c with attribute attr at (row, col). */
    void (*draw)(void *ctx, int row, int col, char c, uint8_t attr);
    /* Moves every row up by one and clears the last row with attr. */
    void (*scroll)(void *ctx, uint8_t attr);
    /* Shows the cursor at (row, col); may be NULL. */
    void (*cursor)(void *ctx, int row, int col);
};

struct textgrid {
    int rows, cols;
    int row, col; /* where the next character goes */
    uint8_t attr;
    const struct textgrid_ops *ops;
    void *ctx;
};

#define TEXTGRID_DEFAULT_ATTR 0x07 /* light grey on black */

/* Sets up the grid and clears every cell. */
void textgrid_init(struct textgrid *g, int rows, int cols, const struct textgrid_ops *ops,
                   void *ctx);
void textgrid_write(struct textgrid *g, const char *s, size_t n);
void textgrid_set_color(struct textgrid *g, unsigned fg, unsigned bg);

#endif
