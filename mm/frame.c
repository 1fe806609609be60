/*
 * frame: bitmap frame allocator. Design and costs in frame.h.
 */
#include "mm/frame.h"

#include "lib/kstring.h"
#include "lib/panic.h"

#define BITS_PER_WORD 64u

/* Portable popcount: __builtin_popcountll would call libgcc without POPCNT. */
static unsigned popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

static size_t words_for(frame_number_t frames)
{
    return (size_t)((frames + BITS_PER_WORD - 1) / BITS_PER_WORD);
}

/* The bits of word w that lie in the frame range [f0, f1), f0 < f1. */
static uint64_t range_mask(frame_number_t f0, frame_number_t f1, size_t w)
{
    frame_number_t lo = (frame_number_t)w * BITS_PER_WORD;
    uint64_t mask = ~0ull;
    if (f0 > lo)
        mask &= ~0ull << (f0 - lo);
    if (f1 < lo + BITS_PER_WORD)
        mask &= (1ull << (f1 - lo)) - 1;
    return mask;
}

size_t frame_bitmap_bytes(phys_addr_t limit)
{
    return 2 * words_for(phys_to_frame(limit)) * sizeof(uint64_t);
}

enum frame_error frame_allocator_init(struct frame_allocator *fa, phys_addr_t limit, void *storage,
                                      size_t bytes)
{
    if ((uintptr_t)storage % sizeof(uint64_t) != 0)
        return FRAME_ERR_BITMAP_MISALIGNED;
    if (bytes < frame_bitmap_bytes(limit))
        return FRAME_ERR_BITMAP_TOO_SMALL;
    fa->frames = phys_to_frame(limit);
    fa->words = words_for(fa->frames);
    fa->used = storage;
    fa->usable = fa->used + fa->words;
    memset(fa->used, 0xff, fa->words * sizeof(uint64_t));
    memset(fa->usable, 0, fa->words * sizeof(uint64_t));
    fa->hint = fa->words;
    fa->total = 0;
    fa->free = 0;
    return FRAME_OK;
}

void frame_add_usable(struct frame_allocator *fa, phys_addr_t start, phys_addr_t end)
{
    if (start < FRAME_LOW_MEMORY_END)
        start = FRAME_LOW_MEMORY_END;
    if (!addr_align_up(start, PAGE_SIZE, &start))
        return;
    frame_number_t f0 = phys_to_frame(start), f1 = phys_to_frame(end);
    if (f1 > fa->frames)
        f1 = fa->frames;
    if (f0 >= f1)
        return;
    for (size_t w = (size_t)(f0 / BITS_PER_WORD); w <= (f1 - 1) / BITS_PER_WORD; w++) {
        uint64_t added = range_mask(f0, f1, w) & ~fa->usable[w];
        if (added == 0)
            continue;
        fa->usable[w] |= added;
        fa->used[w] &= ~added;
        fa->total += popcount64(added);
        fa->free += popcount64(added);
        if (w < fa->hint)
            fa->hint = w;
    }
}

enum frame_error frame_reserve(struct frame_allocator *fa, phys_addr_t start, phys_addr_t end)
{
    frame_number_t f0 = phys_to_frame(start);
    frame_number_t f1 = phys_to_frame(end) + (addr_is_aligned(end, PAGE_SIZE) ? 0 : 1);
    if (f1 > fa->frames)
        f1 = fa->frames;
    if (f0 >= f1)
        return FRAME_OK;
    size_t w0 = (size_t)(f0 / BITS_PER_WORD), w1 = (size_t)((f1 - 1) / BITS_PER_WORD);
    for (size_t w = w0; w <= w1; w++)
        if (range_mask(f0, f1, w) & fa->usable[w] & fa->used[w])
            return FRAME_ERR_RESERVE_ALLOCATED;
    for (size_t w = w0; w <= w1; w++) {
        uint64_t removed = range_mask(f0, f1, w) & fa->usable[w]; /* all free, see above */
        fa->usable[w] &= ~removed;
        fa->used[w] |= removed;
        fa->total -= popcount64(removed);
        fa->free -= popcount64(removed);
    }
    return FRAME_OK;
}

enum frame_error frame_alloc(struct frame_allocator *fa, phys_addr_t *out)
{
    for (size_t w = fa->hint; w < fa->words; w++) {
        if (fa->used[w] == ~0ull)
            continue;
        unsigned bit = (unsigned)__builtin_ctzll(~fa->used[w]);
        /* Bits past the last frame are never cleared, so this is a frame. */
        KASSERT((frame_number_t)w * BITS_PER_WORD + bit < fa->frames);
        fa->used[w] |= 1ull << bit;
        fa->free--;
        fa->hint = w;
        *out = frame_to_phys((frame_number_t)w * BITS_PER_WORD + bit);
        return FRAME_OK;
    }
    fa->hint = fa->words;
    return FRAME_ERR_EXHAUSTED;
}

enum frame_error frame_free(struct frame_allocator *fa, phys_addr_t phys)
{
    if (!addr_is_aligned(phys, PAGE_SIZE))
        return FRAME_ERR_MISALIGNED;
    frame_number_t frame = phys_to_frame(phys);
    if (frame >= fa->frames)
        return FRAME_ERR_OUT_OF_RANGE;
    size_t w = (size_t)(frame / BITS_PER_WORD);
    uint64_t bit = 1ull << (frame % BITS_PER_WORD);
    if (!(fa->usable[w] & bit))
        return FRAME_ERR_NOT_USABLE;
    if (!(fa->used[w] & bit))
        return FRAME_ERR_DOUBLE_FREE;
    fa->used[w] &= ~bit;
    fa->free++;
    if (w < fa->hint)
        fa->hint = w;
    return FRAME_OK;
}

bool frame_is_allocated(const struct frame_allocator *fa, phys_addr_t phys)
{
    if (!addr_is_aligned(phys, PAGE_SIZE) || phys_to_frame(phys) >= fa->frames)
        return false;
    frame_number_t frame = phys_to_frame(phys);
    size_t w = (size_t)(frame / BITS_PER_WORD);
    uint64_t bit = 1ull << (frame % BITS_PER_WORD);
    return (fa->usable[w] & fa->used[w] & bit) != 0;
}

/* The first frame at or above f whose free bit equals `free`; fa->frames
 * when there is none. A word at a time where the whole word differs. */
static frame_number_t find_frame(const struct frame_allocator *fa, frame_number_t f, bool free)
{
    while (f < fa->frames) {
        size_t w = (size_t)(f / BITS_PER_WORD);
        uint64_t free_bits = fa->usable[w] & ~fa->used[w];
        uint64_t wanted = (free ? free_bits : ~free_bits) >> (f % BITS_PER_WORD);
        if (wanted != 0) {
            f += (frame_number_t)__builtin_ctzll(wanted);
            return f < fa->frames ? f : fa->frames;
        }
        f = (frame_number_t)(w + 1) * BITS_PER_WORD;
    }
    return fa->frames;
}

bool frame_next_free_range(const struct frame_allocator *fa, phys_addr_t from, phys_addr_t *start,
                           phys_addr_t *end)
{
    phys_addr_t aligned;
    if (!addr_align_up(from, PAGE_SIZE, &aligned))
        return false;
    frame_number_t first = find_frame(fa, phys_to_frame(aligned), true);
    if (first >= fa->frames)
        return false;
    *start = frame_to_phys(first);
    *end = frame_to_phys(find_frame(fa, first, false));
    return true;
}

uint64_t frame_count_total(const struct frame_allocator *fa)
{
    return fa->total;
}

uint64_t frame_count_free(const struct frame_allocator *fa)
{
    return fa->free;
}

uint64_t frame_count_used(const struct frame_allocator *fa)
{
    return fa->total - fa->free;
}

const char *frame_strerror(enum frame_error err)
{
    switch (err) {
    case FRAME_OK:
        return "no error";
    case FRAME_ERR_EXHAUSTED:
        return "Out of physical memory: no free frame is left.";
    case FRAME_ERR_MISALIGNED:
        return "The frame address is not a multiple of 4 KiB.";
    case FRAME_ERR_OUT_OF_RANGE:
        return "The frame address is beyond the memory the frame allocator covers.";
    case FRAME_ERR_NOT_USABLE:
        return "The frame is reserved and was never handed out: refusing to free it.";
    case FRAME_ERR_DOUBLE_FREE:
        return "The frame is already free (double free).";
    case FRAME_ERR_BITMAP_TOO_SMALL:
        return "The frame bitmap storage is smaller than frame_bitmap_bytes(limit).";
    case FRAME_ERR_BITMAP_MISALIGNED:
        return "The frame bitmap storage is not 8-byte aligned.";
    case FRAME_ERR_RESERVE_ALLOCATED:
        return "The range to reserve contains frames that are currently allocated.";
    case FRAME_ERR_NO_USABLE_MEMORY:
        return "The memory map leaves no usable frame at or above 1 MiB.";
    }
    return "Unknown frame allocator error.";
}
