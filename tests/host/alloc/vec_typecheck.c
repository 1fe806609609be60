/* Compile-only check that VEC(T) rejects values and out-pointers of another
 * type: built as is it must compile; with -DWRONG_PUSH or -DWRONG_POP_OUT
 * (and -Werror) it must not (see CMakeLists.txt). */
#include <stdbool.h>
#include <stddef.h>

#include "alloc/vec.h"

struct other {
    int a, b;
};

typedef VEC(int) int_vec;

bool vec_typecheck(int_vec *v);

bool vec_typecheck(int_vec *v)
{
    int x = 0;
#if defined(WRONG_PUSH)
    struct other o = {1, 2};
    vec_push(v, o);
#elif defined(WRONG_POP_OUT)
    long out;
    return vec_pop(v, &out);
#endif
    vec_push(v, 1);
    return vec_pop(v, &x);
}
