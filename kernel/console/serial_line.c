#include "kernel/console/serial_line.h"

void serial_line_put(struct serial_line *line, unsigned char c)
{
    if (line->dead)
        return;
    for (unsigned polls = 0; polls < SERIAL_POLL_LIMIT; polls++) {
        if (line->read_status() & SERIAL_LINE_STATUS_THR_EMPTY) {
            line->write_data(c);
            return;
        }
    }
    line->dead = true;
}
