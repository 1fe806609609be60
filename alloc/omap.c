/* omap: an AVL tree with parent pointers (see omap.h). */
#include "alloc/omap.h"

#include "lib/panic.h"
#include "mm/heap/kalloc.h"

/* ---- heights and rotations ---- */

static int height(const struct omap_node *n)
{
    return n != NULL ? n->height : 0;
}

static void update_height(struct omap_node *n)
{
    int l = height(n->left), r = height(n->right);
    n->height = 1 + (l > r ? l : r);
}

/* Left height minus right height. */
static int balance_of(const struct omap_node *n)
{
    return height(n->left) - height(n->right);
}

/* Makes `new` (may be NULL) the child of `parent` where `old` was, or the
 * root if parent is NULL. */
static void replace_child(struct omap *m, struct omap_node *parent, struct omap_node *old,
                          struct omap_node *new)
{
    if (parent == NULL)
        m->root = new;
    else if (parent->left == old)
        parent->left = new;
    else
        parent->right = new;
    if (new != NULL)
        new->parent = parent;
}

/*     x                y
 *    / \              / \
 *   a   y     ->     x   c
 *      / \          / \
 *     b   c        a   b       Returns y.  */
static struct omap_node *rotate_left(struct omap *m, struct omap_node *x)
{
    struct omap_node *y = x->right;
    x->right = y->left;
    if (y->left != NULL)
        y->left->parent = x;
    replace_child(m, x->parent, x, y);
    y->left = x;
    x->parent = y;
    update_height(x);
    update_height(y);
    return y;
}

/* The mirror image of rotate_left. Returns the new subtree root. */
static struct omap_node *rotate_right(struct omap *m, struct omap_node *y)
{
    struct omap_node *x = y->left;
    y->left = x->right;
    if (x->right != NULL)
        x->right->parent = y;
    replace_child(m, y->parent, y, x);
    x->right = y;
    y->parent = x;
    update_height(y);
    update_height(x);
    return x;
}

/* Restores the AVL property at n, whose subtrees are AVL trees differing in
 * height by at most 2; returns the subtree's (possibly new) root. */
static struct omap_node *rebalance(struct omap *m, struct omap_node *n)
{
    int b = balance_of(n);
    if (b > 1) {
        if (balance_of(n->left) < 0)
            rotate_left(m, n->left);
        return rotate_right(m, n);
    }
    if (b < -1) {
        if (balance_of(n->right) > 0)
            rotate_right(m, n->right);
        return rotate_left(m, n);
    }
    update_height(n);
    return n;
}

/* After a change below n, fixes heights and balance from n to the root. */
static void fix_upward(struct omap *m, struct omap_node *n)
{
    while (n != NULL)
        n = rebalance(m, n)->parent;
}

/* ---- lookup and insertion ---- */

struct omap_node *omap_find(const struct omap *m, uint64_t key)
{
    struct omap_node *n = m->root;
    while (n != NULL && n->key != key)
        n = key < n->key ? n->left : n->right;
    return n;
}

bool omap_get(const struct omap *m, uint64_t key, void **value)
{
    struct omap_node *n = omap_find(m, key);
    if (n != NULL && value != NULL)
        *value = n->value;
    return n != NULL;
}

bool omap_contains(const struct omap *m, uint64_t key)
{
    return omap_find(m, key) != NULL;
}

/* Inserts or replaces; allocates the node with kalloc (aborting) or
 * try_kalloc. The tree is searched before anything is allocated, so a
 * failed allocation leaves it untouched. */
static enum omap_insert_result insert(struct omap *m, uint64_t key, void *value, void **old,
                                      bool fallible)
{
    struct omap_node **link = &m->root, *parent = NULL;
    while (*link != NULL) {
        parent = *link;
        if (key == parent->key) {
            if (old != NULL)
                *old = parent->value;
            parent->value = value;
            return OMAP_REPLACED;
        }
        link = key < parent->key ? &parent->left : &parent->right;
    }
    struct layout layout = LAYOUT_OF(struct omap_node);
    struct omap_node *n = fallible ? try_kalloc(layout) : kalloc(layout);
    if (n == NULL)
        return OMAP_NOMEM;
    *n = (struct omap_node){.key = key, .value = value, .parent = parent, .height = 1};
    *link = n;
    m->len++;
    fix_upward(m, parent);
    return OMAP_INSERTED;
}

bool omap_insert(struct omap *m, uint64_t key, void *value, void **old)
{
    return insert(m, key, value, old, false) == OMAP_REPLACED;
}

enum omap_insert_result try_omap_insert(struct omap *m, uint64_t key, void *value, void **old)
{
    return insert(m, key, value, old, true);
}

/* ---- removal ---- */

static struct omap_node *leftmost(struct omap_node *n)
{
    while (n->left != NULL)
        n = n->left;
    return n;
}

static struct omap_node *rightmost(struct omap_node *n)
{
    while (n->right != NULL)
        n = n->right;
    return n;
}

/* Unlinks z from the tree and rebalances. A node with two children is
 * replaced by its successor y (the leftmost node of its right subtree),
 * relinked in z's place, so no other entry changes node. */
static void unlink_node(struct omap *m, struct omap_node *z)
{
    if (z->left == NULL || z->right == NULL) {
        struct omap_node *child = z->left != NULL ? z->left : z->right;
        replace_child(m, z->parent, z, child);
        fix_upward(m, z->parent);
        return;
    }
    struct omap_node *y = leftmost(z->right);
    struct omap_node *fix_from;
    if (y->parent == z) {
        fix_from = y; /* y keeps its right subtree */
    } else {
        fix_from = y->parent;
        y->parent->left = y->right;
        if (y->right != NULL)
            y->right->parent = y->parent;
        y->right = z->right;
        z->right->parent = y;
    }
    y->left = z->left;
    z->left->parent = y;
    replace_child(m, z->parent, z, y);
    fix_upward(m, fix_from);
}

void *omap_remove_node(struct omap *m, struct omap_node *node)
{
    void *value = node->value;
    unlink_node(m, node);
    m->len--;
    kdealloc(node, LAYOUT_OF(struct omap_node));
    return value;
}

bool omap_remove(struct omap *m, uint64_t key, void **value)
{
    struct omap_node *n = omap_find(m, key);
    if (n == NULL)
        return false;
    void *v = omap_remove_node(m, n);
    if (value != NULL)
        *value = v;
    return true;
}

/* ---- ordered traversal ---- */

struct omap_node *omap_first(const struct omap *m)
{
    return m->root != NULL ? leftmost(m->root) : NULL;
}

struct omap_node *omap_last(const struct omap *m)
{
    return m->root != NULL ? rightmost(m->root) : NULL;
}

struct omap_node *omap_next(const struct omap_node *node)
{
    if (node->right != NULL)
        return leftmost(node->right);
    while (node->parent != NULL && node->parent->right == node)
        node = node->parent;
    return node->parent;
}

struct omap_node *omap_prev(const struct omap_node *node)
{
    if (node->left != NULL)
        return rightmost(node->left);
    while (node->parent != NULL && node->parent->left == node)
        node = node->parent;
    return node->parent;
}

/* The first node whose key is >= key (strict: > key). */
static struct omap_node *bound(const struct omap *m, uint64_t key, bool strict)
{
    struct omap_node *n = m->root, *best = NULL;
    while (n != NULL) {
        if (n->key > key || (!strict && n->key == key)) {
            best = n;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

struct omap_node *omap_lower_bound(const struct omap *m, uint64_t key)
{
    return bound(m, key, false);
}

struct omap_node *omap_upper_bound(const struct omap *m, uint64_t key)
{
    return bound(m, key, true);
}

size_t omap_range(const struct omap *m, uint64_t lo, uint64_t hi, omap_visit_fn fn, void *ctx)
{
    size_t calls = 0;
    struct omap_node *n;
    OMAP_FOR_EACH_RANGE(n, m, lo, hi)
    {
        calls++;
        if (!fn(ctx, n->key, n->value))
            break;
    }
    return calls;
}

/* Post-order without a stack: descend to a leaf, free it, climb. */
void omap_clear(struct omap *m, omap_drop_fn drop, void *ctx)
{
    struct omap_node *n = m->root;
    while (n != NULL) {
        if (n->left != NULL) {
            n = n->left;
        } else if (n->right != NULL) {
            n = n->right;
        } else {
            struct omap_node *parent = n->parent;
            replace_child(m, parent, n, NULL);
            if (drop != NULL)
                drop(ctx, n->key, n->value);
            kdealloc(n, LAYOUT_OF(struct omap_node));
            n = parent;
        }
    }
    *m = (struct omap)OMAP_INIT;
}

/* ---- consistency walk ---- */

/* Checks the subtree at n (keys strictly inside (lo, hi), bounds optional)
 * and returns its node count. */
static size_t check_subtree(const struct omap_node *n, const struct omap_node *parent,
                            const uint64_t *lo, const uint64_t *hi)
{
    if (n == NULL)
        return 0;
    if (n->parent != parent)
        panic("omap_check: key %llu has a wrong parent link", (unsigned long long)n->key);
    if ((lo != NULL && n->key <= *lo) || (hi != NULL && n->key >= *hi))
        panic("omap_check: key %llu out of order", (unsigned long long)n->key);
    size_t count =
        1 + check_subtree(n->left, n, lo, &n->key) + check_subtree(n->right, n, &n->key, hi);
    int l = height(n->left), r = height(n->right);
    if (n->height != 1 + (l > r ? l : r))
        panic("omap_check: key %llu has a stale height", (unsigned long long)n->key);
    if (l - r > 1 || r - l > 1)
        panic("omap_check: key %llu is unbalanced (%d vs %d)", (unsigned long long)n->key, l, r);
    return count;
}

void omap_check(const struct omap *m)
{
    size_t count = check_subtree(m->root, NULL, NULL, NULL);
    if (count != m->len)
        panic("omap_check: %zu nodes but len is %zu", count, m->len);
}
