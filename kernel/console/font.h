/* The framebuffer console's 8x16 bitmap font (font8x16.c), printable ASCII. */
#ifndef KEEL_CONSOLE_FONT_H
#define KEEL_CONSOLE_FONT_H

#include <stdint.h>

#define FONT_WIDTH  8
#define FONT_HEIGHT 16
#define FONT_FIRST  0x20
#define FONT_GLYPHS 95

extern const uint8_t font8x16[FONT_GLYPHS][FONT_HEIGHT];

/* The glyph of c: FONT_HEIGHT rows, bit 7 leftmost; '?' for characters
 * outside printable ASCII. */
const uint8_t *font_glyph(char c);

#endif
