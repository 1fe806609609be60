/*
 * oset: an ordered set of uint64_t keys, the C counterpart of Rust's
 * BTreeSet<u64>: an omap (omap.h) whose values are all NULL.
 *
 *     struct oset s = OSET_INIT;
 *     oset_insert(&s, 7);                  // true: newly added
 *     if (oset_contains(&s, 7)) ...
 *     struct omap_node *n;
 *     OSET_FOR_EACH(n, &s) use(n->key);    // ascending
 *     oset_clear(&s);
 *
 * Same complexity, iteration and failure rules as omap.
 */
#ifndef KEEL_ALLOC_OSET_H
#define KEEL_ALLOC_OSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/omap.h"

struct oset {
    struct omap map;
};

#define OSET_INIT                                                                                  \
    {                                                                                              \
        OMAP_INIT                                                                                  \
    }

/* Adds key; true if it was not present. */
static inline bool oset_insert(struct oset *s, uint64_t key)
{
    return !omap_insert(&s->map, key, NULL, NULL);
}

/* OMAP_INSERTED, OMAP_REPLACED (already present) or OMAP_NOMEM (set
 * unchanged). */
static inline enum omap_insert_result try_oset_insert(struct oset *s, uint64_t key)
{
    return try_omap_insert(&s->map, key, NULL, NULL);
}

static inline bool oset_contains(const struct oset *s, uint64_t key)
{
    return omap_contains(&s->map, key);
}

/* Removes key; true if it was present. */
static inline bool oset_remove(struct oset *s, uint64_t key)
{
    return omap_remove(&s->map, key, NULL);
}

static inline size_t oset_len(const struct oset *s)
{
    return omap_len(&s->map);
}

static inline void oset_clear(struct oset *s)
{
    omap_clear(&s->map, NULL, NULL);
}

#define OSET_FOR_EACH(node, s)               OMAP_FOR_EACH(node, &(s)->map)
#define OSET_FOR_EACH_RANGE(node, s, lo, hi) OMAP_FOR_EACH_RANGE(node, &(s)->map, lo, hi)

#endif
