/*
 * container_of: from a pointer to a member back to the structure holding it.
 *
 * The basis of every intrusive structure (lib/list.h): the structure embeds
 * the node, and the node's owner is found by subtracting the member offset.
 * The member's type is checked: passing a pointer of another type than the
 * member does not compile.
 */
#ifndef KEEL_LIB_CONTAINER_OF_H
#define KEEL_LIB_CONTAINER_OF_H

#include <stddef.h>

#ifndef container_of
#define container_of(ptr, type, member)                                                            \
    ((type *)((char *)(1 ? (ptr) : &((type *)0)->member) - offsetof(type, member)))
#endif

#endif
