#include "kernel/console/textgrid.h"

void textgrid_init(struct textgrid *g, int rows, int cols, const struct textgrid_ops *ops,
                   void *ctx)
{
    *g = (struct textgrid){
        .rows = rows, .cols = cols, .attr = TEXTGRID_DEFAULT_ATTR, .ops = ops, .ctx = ctx};
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            ops->draw(ctx, r, c, ' ', g->attr);
    if (ops->cursor != NULL)
        ops->cursor(ctx, 0, 0);
}

void textgrid_set_color(struct textgrid *g, unsigned fg, unsigned bg)
{
    g->attr = (uint8_t)((fg & 0xf) | (bg & 0xf) << 4);
}

static void new_line(struct textgrid *g)
{
    g->col = 0;
    if (g->row < g->rows - 1)
        g->row++;
    else
        g->ops->scroll(g->ctx, g->attr);
}

static void put_char(struct textgrid *g, char c)
{
    switch (c) {
    case '\n':
        new_line(g);
        return;
    case '\r':
        g->col = 0;
        return;
    case '\b':
        if (g->col > 0)
            g->ops->draw(g->ctx, g->row, --g->col, ' ', g->attr);
        return;
    case '\t':
        do
            put_char(g, ' ');
        while (g->col % 8 != 0 && g->col < g->cols);
        return;
    default:
        break;
    }
    if (g->col == g->cols)
        new_line(g);
    g->ops->draw(g->ctx, g->row, g->col++, c, g->attr);
}

void textgrid_write(struct textgrid *g, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_char(g, s[i]);
    if (g->ops->cursor != NULL)
        g->ops->cursor(g->ctx, g->row, g->col < g->cols ? g->col : g->cols - 1);
}
