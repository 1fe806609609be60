/* alloc/omap.h and alloc/oset.h: exact lookups, orders and ranges; allocation
 * failure leaves the map intact; and a seeded randomized differential test
 * against a sorted array, ending with every node freed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alloc/omap.h"
#include "alloc/oset.h"
#include "lib_expect_panic.h"
#include "lib_test_alloc.h"

#define V(x) ((void *)(uintptr_t)(x))

static void insert_get_replace_remove(void **state)
{
    (void)state;
    struct omap m = OMAP_INIT;
    void *old = V(0xdead);
    assert_false(omap_insert(&m, 5, V(50), &old));
    assert_ptr_equal(old, V(0xdead));
    assert_false(omap_insert(&m, 1, V(10), NULL));
    assert_false(omap_insert(&m, UINT64_MAX, V(99), NULL));
    assert_true(omap_insert(&m, 5, V(55), &old));
    assert_ptr_equal(old, V(50));
    assert_int_equal(omap_len(&m), 3);
    void *v;
    assert_true(omap_get(&m, 5, &v));
    assert_ptr_equal(v, V(55));
    assert_true(omap_get(&m, UINT64_MAX, NULL));
    assert_false(omap_get(&m, 2, &v));
    assert_true(omap_contains(&m, 1));
    assert_false(omap_remove(&m, 2, &v));
    assert_true(omap_remove(&m, 1, &v));
    assert_ptr_equal(v, V(10));
    assert_false(omap_contains(&m, 1));
    assert_int_equal(omap_len(&m), 2);
    omap_check(&m);
    assert_int_equal(lib_test_alloc_live(), 2);
    omap_clear(&m, NULL, NULL);
    assert_true(omap_is_empty(&m));
}

static void iteration_is_in_key_order(void **state)
{
    (void)state;
    struct omap m = OMAP_INIT;
    uint64_t keys[] = {50, 20, 80, 10, 30, 70, 90, 60, 40, 0};
    for (size_t i = 0; i < 10; i++)
        omap_insert(&m, keys[i], V(keys[i] + 1), NULL);
    omap_check(&m);
    struct omap_node *n;
    uint64_t want = 0;
    OMAP_FOR_EACH(n, &m)
    {
        assert_int_equal(n->key, want);
        assert_ptr_equal(n->value, V(want + 1));
        want += 10;
    }
    assert_int_equal(want, 100);
    want = 90;
    for (n = omap_last(&m); n != NULL; n = omap_prev(n), want -= 10)
        assert_int_equal(n->key, want);
    assert_int_equal(omap_first(&m)->key, 0);
    assert_int_equal(omap_lower_bound(&m, 35)->key, 40);
    assert_int_equal(omap_lower_bound(&m, 40)->key, 40);
    assert_int_equal(omap_upper_bound(&m, 40)->key, 50);
    assert_null(omap_lower_bound(&m, 91));
    assert_null(omap_upper_bound(&m, 90));
    /* Removing while iterating (the _SAFE form): drop the multiples of 20. */
    struct omap_node *tmp;
    OMAP_FOR_EACH_SAFE(n, tmp, &m)
    {
        if (n->key % 20 == 0)
            omap_remove_node(&m, n);
    }
    omap_check(&m);
    want = 10;
    OMAP_FOR_EACH(n, &m)
    {
        assert_int_equal(n->key, want);
        want += 20;
    }
    omap_clear(&m, NULL, NULL);
}

struct collect {
    uint64_t keys[32];
    size_t n, stop_after;
};

static bool collect_key(void *ctx, uint64_t key, void *value)
{
    struct collect *c = ctx;
    assert_ptr_equal(value, V(key * 2));
    c->keys[c->n++] = key;
    return c->n != c->stop_after;
}

static void range_visits_lo_inclusive_hi_exclusive(void **state)
{
    (void)state;
    struct omap m = OMAP_INIT;
    for (uint64_t k = 0; k < 20; k++)
        omap_insert(&m, k * 5, V(k * 10), NULL); /* keys 0, 5, ..., 95 */
    struct collect c = {.n = 0};
    assert_int_equal(omap_range(&m, 10, 30, collect_key, &c), 4);
    assert_memory_equal(c.keys, ((uint64_t[]){10, 15, 20, 25}), 4 * sizeof(uint64_t));
    c = (struct collect){.n = 0};
    assert_int_equal(omap_range(&m, 11, 12, collect_key, &c), 0);
    assert_int_equal(omap_range(&m, 50, 50, collect_key, &c), 0);
    assert_int_equal(omap_range(&m, 96, UINT64_MAX, collect_key, &c), 0);
    c = (struct collect){.n = 0, .stop_after = 2};
    assert_int_equal(omap_range(&m, 0, UINT64_MAX, collect_key, &c), 2);
    assert_memory_equal(c.keys, ((uint64_t[]){0, 5}), 2 * sizeof(uint64_t));
    struct omap_node *n;
    uint64_t want = 90;
    OMAP_FOR_EACH_RANGE(n, &m, 87, 1000)
    {
        assert_int_equal(n->key, want);
        want += 5;
    }
    assert_int_equal(want, 100);
    omap_clear(&m, NULL, NULL);
}

static void count_drop(void *ctx, uint64_t key, void *value)
{
    assert_ptr_equal(value, V(key));
    (*(size_t *)ctx)++;
}

static void clear_drops_every_value_once(void **state)
{
    (void)state;
    struct omap m = OMAP_INIT;
    for (uint64_t k = 0; k < 1000; k++)
        omap_insert(&m, k * 7919 % 1000, V(k * 7919 % 1000), NULL);
    assert_int_equal(omap_len(&m), 1000);
    omap_check(&m);
    size_t dropped = 0;
    omap_clear(&m, count_drop, &dropped);
    assert_int_equal(dropped, 1000);
    assert_int_equal(lib_test_alloc_live(), 0);
    assert_null(omap_first(&m));
}

static void sequential_keys_stay_balanced(void **state)
{
    (void)state;
    struct omap m = OMAP_INIT;
    for (uint64_t k = 0; k < 4095; k++)
        omap_insert(&m, k, NULL, NULL);
    omap_check(&m);
    /* A perfect tree would have height 12; AVL allows 1.44x. */
    assert_true(m.root->height <= 17);
    for (uint64_t k = 0; k < 4095; k += 2)
        omap_remove(&m, k, NULL);
    omap_check(&m);
    omap_clear(&m, NULL, NULL);
}

static void try_insert_leaves_the_map_unchanged_on_failure(void **state)
{
    (void)state;
    struct omap m = OMAP_INIT;
    for (uint64_t k = 0; k < 10; k++)
        assert_int_equal(try_omap_insert(&m, k, V(k), NULL), OMAP_INSERTED);
    struct omap_node *root = m.root;
    lib_test_alloc_fail_after(0);
    void *old = NULL;
    assert_int_equal(try_omap_insert(&m, 100, V(1), &old), OMAP_NOMEM);
    assert_null(old);
    assert_int_equal(omap_len(&m), 10);
    assert_ptr_equal(m.root, root);
    assert_false(omap_contains(&m, 100));
    omap_check(&m);
    /* Replacing needs no memory. */
    assert_int_equal(try_omap_insert(&m, 3, V(33), &old), OMAP_REPLACED);
    assert_ptr_equal(old, V(3));
    lib_test_alloc_fail_never();
    assert_int_equal(lib_test_alloc_live(), 10);
    omap_clear(&m, NULL, NULL);
}

static struct omap *panicking_map;

static void insert_new_key(void)
{
    omap_insert(panicking_map, 12345, NULL, NULL);
}

static void aborting_insert_panics_with_the_node_layout(void **state)
{
    (void)state;
    struct omap m = OMAP_INIT;
    omap_insert(&m, 1, NULL, NULL);
    panicking_map = &m;
    lib_test_alloc_fail_after(0);
    EXPECT_PANIC_EXACTLY(insert_new_key(), "allocation error: Layout { size: 48, align: 8 }");
    assert_int_equal(omap_len(&m), 1);
    omap_check(&m);
    omap_clear(&m, NULL, NULL);
}

static void set_operations(void **state)
{
    (void)state;
    struct oset s = OSET_INIT;
    assert_true(oset_insert(&s, 3));
    assert_true(oset_insert(&s, 1));
    assert_false(oset_insert(&s, 3));
    assert_int_equal(try_oset_insert(&s, 2), OMAP_INSERTED);
    assert_int_equal(try_oset_insert(&s, 2), OMAP_REPLACED);
    assert_int_equal(oset_len(&s), 3);
    assert_true(oset_contains(&s, 2));
    assert_true(oset_remove(&s, 2));
    assert_false(oset_remove(&s, 2));
    struct omap_node *n;
    uint64_t want[] = {1, 3}, i = 0;
    OSET_FOR_EACH(n, &s)
    assert_int_equal(n->key, want[i++]);
    i = 0;
    OSET_FOR_EACH_RANGE(n, &s, 2, 10)
    i++;
    assert_int_equal(i, 1);
    lib_test_alloc_fail_after(0);
    assert_int_equal(try_oset_insert(&s, 9), OMAP_NOMEM);
    lib_test_alloc_fail_never();
    oset_clear(&s);
}

/* ---- differential test against a sorted array ---- */

#define KEY_SPACE 3000
#define OPS       300000

static struct {
    uint64_t keys[KEY_SPACE];
    void *values[KEY_SPACE];
    size_t len;
} model;

/* Index of the first model key >= key. */
static size_t model_lower_bound(uint64_t key)
{
    size_t lo = 0, hi = model.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (model.keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool model_find(uint64_t key, size_t *at)
{
    *at = model_lower_bound(key);
    return *at < model.len && model.keys[*at] == key;
}

static void model_insert(uint64_t key, void *value)
{
    size_t i;
    if (model_find(key, &i)) {
        model.values[i] = value;
        return;
    }
    memmove(&model.keys[i + 1], &model.keys[i], (model.len - i) * sizeof(uint64_t));
    memmove(&model.values[i + 1], &model.values[i], (model.len - i) * sizeof(void *));
    model.keys[i] = key;
    model.values[i] = value;
    model.len++;
}

static void model_remove(size_t i)
{
    memmove(&model.keys[i], &model.keys[i + 1], (model.len - i - 1) * sizeof(uint64_t));
    memmove(&model.values[i], &model.values[i + 1], (model.len - i - 1) * sizeof(void *));
    model.len--;
}

static void assert_same_as_model(const struct omap *m)
{
    omap_check(m);
    assert_int_equal(omap_len(m), model.len);
    size_t i = 0;
    struct omap_node *n;
    OMAP_FOR_EACH(n, m)
    {
        assert_int_equal(n->key, model.keys[i]);
        assert_ptr_equal(n->value, model.values[i]);
        i++;
    }
    assert_int_equal(i, model.len);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Keys are spread over a wide range (multiples of a large odd number) so
 * that the tree sees large and small uint64_t values alike. */
static uint64_t key_of(uint64_t k)
{
    return k * 0x9e3779b97f4a7c15ull;
}

static void random_operations_match_a_sorted_array(void **state)
{
    (void)state;
    struct omap m = OMAP_INIT;
    model.len = 0;
    for (int op = 0; op < OPS; op++) {
        uint64_t r = rng();
        uint64_t key = key_of((r >> 8) % KEY_SPACE);
        void *value = V(r >> 16);
        size_t at;
        switch (r % 8) {
        case 0:
        case 1:
        case 2: { /* insert */
            void *old = NULL;
            bool had = model_find(key, &at);
            void *want_old = had ? model.values[at] : NULL;
            assert_int_equal(omap_insert(&m, key, value, &old), had);
            if (had)
                assert_ptr_equal(old, want_old);
            model_insert(key, value);
            break;
        }
        case 3: { /* try_insert, sometimes with no memory */
            bool fail = (r >> 60) == 0;
            if (fail)
                lib_test_alloc_fail_after(0);
            bool had = model_find(key, &at);
            enum omap_insert_result res = try_omap_insert(&m, key, value, NULL);
            lib_test_alloc_fail_never();
            if (had) {
                assert_int_equal(res, OMAP_REPLACED);
                model_insert(key, value);
            } else if (fail) {
                assert_int_equal(res, OMAP_NOMEM);
            } else {
                assert_int_equal(res, OMAP_INSERTED);
                model_insert(key, value);
            }
            break;
        }
        case 4:
        case 5: { /* remove */
            void *got = NULL;
            bool had = model_find(key, &at);
            assert_int_equal(omap_remove(&m, key, &got), had);
            if (had) {
                assert_ptr_equal(got, model.values[at]);
                model_remove(at);
            }
            break;
        }
        case 6: { /* get */
            void *got = NULL;
            bool had = model_find(key, &at);
            assert_int_equal(omap_get(&m, key, &got), had);
            if (had)
                assert_ptr_equal(got, model.values[at]);
            break;
        }
        case 7: { /* range [lo, hi) */
            uint64_t lo = key, hi = key_of((r >> 32) % KEY_SPACE);
            if (hi < lo) {
                uint64_t t = lo;
                lo = hi;
                hi = t;
            }
            size_t i = model_lower_bound(lo);
            struct omap_node *n;
            size_t visited = 0;
            OMAP_FOR_EACH_RANGE(n, &m, lo, hi)
            {
                assert_true(i < model.len && model.keys[i] < hi);
                assert_int_equal(n->key, model.keys[i]);
                i++;
                if (++visited == 50)
                    break;
            }
            if (visited < 50)
                assert_true(i == model.len || model.keys[i] >= hi);
            break;
        }
        }
        assert_int_equal(omap_len(&m), model.len);
        assert_int_equal(lib_test_alloc_live(), model.len);
        if (op % 5000 == 0)
            assert_same_as_model(&m);
    }
    assert_same_as_model(&m);
    omap_clear(&m, NULL, NULL);
    assert_int_equal(lib_test_alloc_live(), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, lib_test_alloc_setup, lib_test_alloc_teardown)
    const struct CMUnitTest tests[] = {
        T(insert_get_replace_remove),
        T(iteration_is_in_key_order),
        T(range_visits_lo_inclusive_hi_exclusive),
        T(clear_drops_every_value_once),
        T(sequential_keys_stay_balanced),
        T(try_insert_leaves_the_map_unchanged_on_failure),
        T(aborting_insert_panics_with_the_node_layout),
        T(set_operations),
        T(random_operations_match_a_sorted_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
