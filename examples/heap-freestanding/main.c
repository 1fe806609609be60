/*
 * keel's heap with nothing under it but port.c: segfit over a static
 * array, every block checked, the result written with the library's own
 * formatter. Exits 0 when every check held, 1 otherwise.
 */
#include <stdint.h>

#include "lib/fmt.h"
#include "mm/heap/segfit.h"
#include "port.h"

#define BLOCKS 64

static _Alignas(16) unsigned char arena[256 * 1024];

static int check_blocks(const struct allocator *a)
{
    unsigned char *blocks[BLOCKS];
    struct layout layouts[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        if (layout_new(8 + (size_t)i * 61 % 2000, 16, &layouts[i]) != LAYOUT_OK)
            return 0;
        blocks[i] = allocator_alloc(a, layouts[i]);
        if (blocks[i] == NULL || (uintptr_t)blocks[i] % 16 != 0)
            return 0;
        for (size_t j = 0; j < layouts[i].size; j++)
            blocks[i][j] = (unsigned char)i;
    }
    for (int i = 0; i < BLOCKS; i++) {
        for (size_t j = 0; j < layouts[i].size; j++)
            if (blocks[i][j] != (unsigned char)i)
                return 0;
        allocator_dealloc(a, blocks[i], layouts[i]);
    }
    allocator_check(a);
    return 1;
}

int main(void);

int main(void)
{
    static struct segfit_heap state;
    struct allocator a = segfit_allocator(&state);
    int ok = allocator_init(&a, arena, sizeof arena) == ALLOCATOR_INIT_OK && check_blocks(&a);
    struct heap_stats st;
    allocator_stats(&a, &st);
    ok = ok && st.live_allocations == 0;

    char line[128];
    size_t n = ksnprintf(line, sizeof line, "heap_freestanding: %s, %d blocks, peak %zu B\n",
                         ok ? "ok" : "FAILED", BLOCKS, st.peak_bytes_in_use);
    sys_write(1, line, n < sizeof line ? n : sizeof line - 1);
    return ok ? 0 : 1;
}

/* The entry point, without start files: a 16-byte aligned stack, then
 * exit with main's status. */
void start_c(void);
void start_c(void)
{
    sys_exit(main());
}
__asm__(".globl _start\n"
        "_start:\n"
        "  xor %ebp, %ebp\n"
        "  and $-16, %rsp\n"
        "  call start_c\n");
