// keel's heap from C++: the headers' extern "C" linkage, the vtable and a
// layout, over a static array. Exits 1 on any mismatch.
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "mm/heap/segfit.h"

alignas(16) static unsigned char arena[64 * 1024];

int main()
{
    static segfit_heap state;
    const allocator a = segfit_allocator(&state);
    layout l;
    if (allocator_init(&a, arena, sizeof arena) != ALLOCATOR_INIT_OK ||
        layout_new(100, 32, &l) != LAYOUT_OK)
        return 1;
    auto *p = static_cast<unsigned char *>(allocator_alloc_zeroed(&a, l));
    if (p == nullptr || reinterpret_cast<std::uintptr_t>(p) % 32 != 0 || p[99] != 0)
        return 1;
    std::memset(p, 0x5a, l.size);
    allocator_dealloc(&a, p, l);
    allocator_check(&a);
    heap_stats st;
    allocator_stats(&a, &st);
    std::printf("heap_hosted_cxx: %s, %zu live, peak %zu B\n", a.ops->name, st.live_allocations,
                st.peak_bytes_in_use);
    return st.live_allocations == 0 ? 0 : 1;
}
