/* The build-time choice of allocator (see selected.h). */
#include "mm/heap/selected.h"

#if defined(KEEL_ALLOCATOR_SEGFIT) + defined(KEEL_ALLOCATOR_TLSF) +                                \
        defined(KEEL_ALLOCATOR_LINKED_LIST) + defined(KEEL_ALLOCATOR_FIXED_BLOCK) +                \
        defined(KEEL_ALLOCATOR_BUMP) + defined(KEEL_ALLOCATOR_DUMMY) >                             \
    1
#error "define at most one KEEL_ALLOCATOR_<NAME>"
#endif

#if defined(KEEL_ALLOCATOR_TLSF)
#include "mm/heap/tlsf.h"
static struct tlsf_heap state;
#define SELECTED tlsf
#elif defined(KEEL_ALLOCATOR_LINKED_LIST)
#include "mm/heap/linked_list.h"
static struct linked_list_heap state;
#define SELECTED linked_list
#elif defined(KEEL_ALLOCATOR_FIXED_BLOCK)
#include "mm/heap/fixed_block.h"
static struct fixed_block_heap state;
#define SELECTED fixed_block
#elif defined(KEEL_ALLOCATOR_BUMP)
#include "mm/heap/bump.h"
static struct bump_heap state;
#define SELECTED bump
#elif defined(KEEL_ALLOCATOR_DUMMY)
#include "mm/heap/dummy.h"
static struct dummy_heap state;
#define SELECTED dummy
#else
#include "mm/heap/segfit.h"
static struct segfit_heap state;
#define SELECTED segfit
#endif

#define CONCAT_(a, b) a##b
#define CONCAT(a, b)  CONCAT_(a, b)

struct allocator heap_selected_allocator(void)
{
    return CONCAT(SELECTED, _allocator)(&state);
}

const char *heap_selected_allocator_name(void)
{
    return CONCAT(SELECTED, _ops).name;
}
