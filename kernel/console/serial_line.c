#include "kernel/console/serial_line.h"

void serial_line_put(struct serial_line *line, unsigned char c)
{
    /* A dead line gets one look per byte: it comes back once it has room. */
    unsigned limit = line->dead ? 1 : SERIAL_POLL_LIMIT;
    for (unsigned polls = 0; polls < limit; polls++) {
        if (line->read_status() & SERIAL_LINE_STATUS_THR_EMPTY) {
            line->dead = false;
            line->write_data(c);
            return;
        }
    }
    line->dead = true;
}
