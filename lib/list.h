/*
 * list: an intrusive, circular, doubly linked list (the kernel's
 * LinkedList). It never allocates: the elements embed a struct list_node
 * and the caller owns their memory.
 *
 *     struct task { int id; struct list_node link; };
 *     struct list_node run_queue = LIST_HEAD_INIT(run_queue);
 *     list_push_back(&run_queue, &t->link);
 *     struct list_node *n, *tmp;
 *     LIST_FOR_EACH_SAFE(n, tmp, &run_queue) {
 *         struct task *t = container_of(n, struct task, link);
 *         if (t->id == 3)
 *             list_remove(n);      // allowed in the _SAFE form only
 *     }
 *
 * The list head is a node with no owner: an empty list is a head pointing at
 * itself. A removed node points at itself too, so list_remove twice and
 * list_node_linked() are well defined. Every operation is O(1) except
 * list_len.
 */
#ifndef KEEL_LIB_LIST_H
#define KEEL_LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/container_of.h"

struct list_node {
    struct list_node *next;
    struct list_node *prev;
};

#define LIST_HEAD_INIT(name)                                                                       \
    {                                                                                              \
        &(name), &(name)                                                                           \
    }

/* An empty list head, or an unlinked node. */
static inline void list_init(struct list_node *node)
{
    node->next = node;
    node->prev = node;
}

static inline bool list_empty(const struct list_node *head)
{
    return head->next == head;
}

/* True if the node is in some list (false after list_init/list_remove). */
static inline bool list_node_linked(const struct list_node *node)
{
    return node->next != node;
}

/* Links `node` between two adjacent nodes. */
static inline void list_link_between_(struct list_node *node, struct list_node *prev,
                                      struct list_node *next)
{
    node->prev = prev;
    node->next = next;
    prev->next = node;
    next->prev = node;
}

/* Inserts node after `pos` / before `pos` (pos may be the head). */
static inline void list_insert_after(struct list_node *pos, struct list_node *node)
{
    list_link_between_(node, pos, pos->next);
}

static inline void list_insert_before(struct list_node *pos, struct list_node *node)
{
    list_link_between_(node, pos->prev, pos);
}

static inline void list_push_front(struct list_node *head, struct list_node *node)
{
    list_insert_after(head, node);
}

static inline void list_push_back(struct list_node *head, struct list_node *node)
{
    list_insert_before(head, node);
}

/* Unlinks the node from its list and leaves it unlinked (self-pointing). */
static inline void list_remove(struct list_node *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    list_init(node);
}

/* First/last node, or NULL if the list is empty. */
static inline struct list_node *list_first(const struct list_node *head)
{
    return list_empty(head) ? NULL : head->next;
}

static inline struct list_node *list_last(const struct list_node *head)
{
    return list_empty(head) ? NULL : head->prev;
}

/* Unlinks and returns the first/last node, or NULL if the list is empty. */
static inline struct list_node *list_pop_front(struct list_node *head)
{
    struct list_node *node = list_first(head);
    if (node != NULL)
        list_remove(node);
    return node;
}

static inline struct list_node *list_pop_back(struct list_node *head)
{
    struct list_node *node = list_last(head);
    if (node != NULL)
        list_remove(node);
    return node;
}

/* Number of nodes (O(n)). */
static inline size_t list_len(const struct list_node *head)
{
    size_t n = 0;
    for (const struct list_node *it = head->next; it != head; it = it->next)
        n++;
    return n;
}

/* Moves every node of `from` to the end of `to`; `from` becomes empty. */
static inline void list_append(struct list_node *to, struct list_node *from)
{
    if (list_empty(from))
        return;
    struct list_node *first = from->next, *last = from->prev;
    first->prev = to->prev;
    to->prev->next = first;
    last->next = to;
    to->prev = last;
    list_init(from);
}

/* Visits every node front to back; the body must not unlink `node`. */
#define LIST_FOR_EACH(node, head)                                                                  \
    for ((node) = (head)->next; (node) != (head); (node) = (node)->next)
/* Back to front. */
#define LIST_FOR_EACH_REVERSE(node, head)                                                          \
    for ((node) = (head)->prev; (node) != (head); (node) = (node)->prev)
/* Front to back; the body may unlink (and free) `node`. `tmp` is scratch. */
#define LIST_FOR_EACH_SAFE(node, tmp, head)                                                        \
    for ((node) = (head)->next, (tmp) = (node)->next; (node) != (head);                            \
         (node) = (tmp), (tmp) = (node)->next)

/* The structure of type `type` whose `member` is `node`. */
#define list_entry(node, type, member) container_of(node, type, member)

#endif
