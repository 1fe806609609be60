/*
 * omap: an ordered map from uint64_t keys to void * values, the C
 * counterpart of Rust's BTreeMap<u64, V> (the set is in oset.h).
 *
 * It is an AVL tree: every node's two subtrees differ in height by at most
 * one, so the height stays below 1.45 log2(n + 2) and lookups, inserts and
 * removes are O(log n) in the worst case, with no randomness. Nodes keep a
 * parent pointer, which makes iteration (omap_next) need no stack and no
 * allocation: a whole in-order walk is O(n), one step O(log n) worst case.
 *
 *     struct omap m = OMAP_INIT;
 *     omap_insert(&m, 42, task, NULL);
 *     void *t;
 *     if (omap_get(&m, 42, &t)) ...
 *     struct omap_node *n;
 *     OMAP_FOR_EACH(n, &m)                       // ascending keys
 *         kprintf("%lu\n", (unsigned long)n->key);
 *     OMAP_FOR_EACH_RANGE(n, &m, 10, 20) ...     // keys in [10, 20)
 *     omap_clear(&m, NULL, NULL);
 *
 * Each entry is one node allocated with LAYOUT_OF(struct omap_node).
 * Iterators (node pointers) stay valid until that node's entry is removed;
 * inserting or removing other keys does not move nodes. Callers may read
 * n->key and read or write n->value; the other fields are the tree's.
 *
 * Failure: omap_insert panics through the kalloc error handler; try_omap_insert
 * returns OMAP_NOMEM and leaves the map unchanged. Nothing else allocates.
 */
#ifndef KEEL_ALLOC_OMAP_H
#define KEEL_ALLOC_OMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct omap_node {
    uint64_t key;
    void *value;
    struct omap_node *left, *right, *parent;
    int height; /* of the subtree rooted here; a leaf is 1 */
};

struct omap {
    struct omap_node *root;
    size_t len;
};

#define OMAP_INIT                                                                                  \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

enum omap_insert_result {
    OMAP_INSERTED, /* the key was new */
    OMAP_REPLACED, /* the key was present; its value was replaced */
    OMAP_NOMEM,    /* try_ only: no node could be allocated; map unchanged */
};

static inline size_t omap_len(const struct omap *m)
{
    return m->len;
}

static inline bool omap_is_empty(const struct omap *m)
{
    return m->len == 0;
}

/* Sets key -> value. Returns true if the key was already present, and then
 * stores its previous value in *old (if old is not NULL). */
bool omap_insert(struct omap *m, uint64_t key, void *value, void **old);
/* As omap_insert, but reports allocation failure instead of panicking. *old
 * is written only for OMAP_REPLACED. */
enum omap_insert_result try_omap_insert(struct omap *m, uint64_t key, void *value, void **old);

/* True if present; the value goes to *value (if not NULL). */
bool omap_get(const struct omap *m, uint64_t key, void **value);
bool omap_contains(const struct omap *m, uint64_t key);
/* The node holding key, or NULL. */
struct omap_node *omap_find(const struct omap *m, uint64_t key);

/* Removes key; true if it was present, its value then in *value (if not
 * NULL). */
bool omap_remove(struct omap *m, uint64_t key, void **value);
/* Removes the entry of a node of this map; returns its value. */
void *omap_remove_node(struct omap *m, struct omap_node *node);

/* Ordered traversal: NULL past either end. */
struct omap_node *omap_first(const struct omap *m);
struct omap_node *omap_last(const struct omap *m);
struct omap_node *omap_next(const struct omap_node *node);
struct omap_node *omap_prev(const struct omap_node *node);
/* The first node with key >= key (lower bound) / key > key (upper bound). */
struct omap_node *omap_lower_bound(const struct omap *m, uint64_t key);
struct omap_node *omap_upper_bound(const struct omap *m, uint64_t key);

/* Calls fn on every entry with lo <= key < hi in ascending order; stops
 * early when fn returns false. Returns the number of calls made. fn must
 * not insert into or remove from the map. */
typedef bool (*omap_visit_fn)(void *ctx, uint64_t key, void *value);
size_t omap_range(const struct omap *m, uint64_t lo, uint64_t hi, omap_visit_fn fn, void *ctx);

/* Removes every entry, calling drop(ctx, key, value) on each in no
 * particular order (drop may be NULL); the map is empty and reusable. O(n),
 * no recursion. */
typedef void (*omap_drop_fn)(void *ctx, uint64_t key, void *value);
void omap_clear(struct omap *m, omap_drop_fn drop, void *ctx);

/* Walks the whole tree and panics ("omap_check: ...") if any invariant is
 * broken: key order, parent links, heights, AVL balance, the entry count.
 * O(n); for tests and debugging. */
void omap_check(const struct omap *m);

/* Ascending over every entry; the body must not remove `node` (use
 * OMAP_FOR_EACH_SAFE, which may remove `node` but no other entry). */
#define OMAP_FOR_EACH(node, m)                                                                     \
    for ((node) = omap_first(m); (node) != NULL; (node) = omap_next(node))
#define OMAP_FOR_EACH_SAFE(node, tmp, m)                                                           \
    for ((node) = omap_first(m), (tmp) = (node) ? omap_next(node) : NULL; (node) != NULL;          \
         (node) = (tmp), (tmp) = (node) ? omap_next(node) : NULL)
/* Ascending over the entries with lo <= key < hi. */
#define OMAP_FOR_EACH_RANGE(node, m, lo, hi)                                                       \
    for ((node) = omap_lower_bound((m), (lo)); (node) != NULL && (node)->key < (hi);               \
         (node) = omap_next(node))

#endif
