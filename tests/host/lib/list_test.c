/* lib/list.h: exact orders after every kind of link and unlink, safe
 * removal during iteration, and container_of back to the owner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/list.h"

struct item {
    int id;
    struct list_node link;
};

static void assert_ids(const struct list_node *head, const int *want, size_t n)
{
    assert_int_equal(list_len(head), n);
    size_t i = 0;
    struct list_node *node;
    LIST_FOR_EACH(node, head)
    {
        assert_int_equal(list_entry(node, struct item, link)->id, want[i]);
        i++;
    }
    LIST_FOR_EACH_REVERSE(node, head)
    {
        i--;
        assert_int_equal(container_of(node, struct item, link)->id, want[i]);
    }
}

static void new_list_is_empty(void **state)
{
    (void)state;
    struct list_node head = LIST_HEAD_INIT(head);
    assert_true(list_empty(&head));
    assert_null(list_first(&head));
    assert_null(list_last(&head));
    assert_null(list_pop_front(&head));
    assert_int_equal(list_len(&head), 0);
    struct list_node other;
    list_init(&other);
    assert_true(list_empty(&other));
}

static void push_front_and_back_order(void **state)
{
    (void)state;
    struct item it[5] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}, {.id = 4}};
    struct list_node head;
    list_init(&head);
    list_push_back(&head, &it[2].link);
    list_push_front(&head, &it[1].link);
    list_push_back(&head, &it[3].link);
    list_push_front(&head, &it[0].link);
    list_insert_after(&it[3].link, &it[4].link);
    assert_ids(&head, (int[]){0, 1, 2, 3, 4}, 5);
    assert_ptr_equal(list_first(&head), &it[0].link);
    assert_ptr_equal(list_last(&head), &it[4].link);
}

static void remove_unlinks_and_self_links(void **state)
{
    (void)state;
    struct item it[4] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}};
    struct list_node head = LIST_HEAD_INIT(head);
    for (int i = 0; i < 4; i++)
        list_push_back(&head, &it[i].link);
    list_remove(&it[2].link);
    assert_false(list_node_linked(&it[2].link));
    assert_true(list_node_linked(&it[1].link));
    list_remove(&it[2].link); /* a second remove is harmless */
    assert_ids(&head, (int[]){0, 1, 3}, 3);
    list_insert_before(&it[3].link, &it[2].link);
    assert_ids(&head, (int[]){0, 1, 2, 3}, 4);
    assert_ptr_equal(list_pop_front(&head), &it[0].link);
    assert_ptr_equal(list_pop_back(&head), &it[3].link);
    assert_ids(&head, (int[]){1, 2}, 2);
    list_remove(&it[1].link);
    list_remove(&it[2].link);
    assert_true(list_empty(&head));
}

static void safe_iteration_may_remove_the_current_node(void **state)
{
    (void)state;
    struct item it[10];
    struct list_node head = LIST_HEAD_INIT(head);
    for (int i = 0; i < 10; i++) {
        it[i].id = i;
        list_push_back(&head, &it[i].link);
    }
    struct list_node *node, *tmp;
    LIST_FOR_EACH_SAFE(node, tmp, &head)
    {
        if (list_entry(node, struct item, link)->id % 2 == 0)
            list_remove(node);
    }
    assert_ids(&head, (int[]){1, 3, 5, 7, 9}, 5);
    LIST_FOR_EACH_SAFE(node, tmp, &head)
    list_remove(node);
    assert_true(list_empty(&head));
}

static void append_moves_all_nodes(void **state)
{
    (void)state;
    struct item it[5] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}, {.id = 4}};
    struct list_node a = LIST_HEAD_INIT(a), b = LIST_HEAD_INIT(b);
    list_push_back(&a, &it[0].link);
    list_push_back(&a, &it[1].link);
    for (int i = 2; i < 5; i++)
        list_push_back(&b, &it[i].link);
    list_append(&a, &b);
    assert_true(list_empty(&b));
    assert_ids(&a, (int[]){0, 1, 2, 3, 4}, 5);
    list_append(&a, &b); /* empty: no change */
    assert_ids(&a, (int[]){0, 1, 2, 3, 4}, 5);
    list_append(&b, &a);
    assert_true(list_empty(&a));
    assert_ids(&b, (int[]){0, 1, 2, 3, 4}, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_list_is_empty),
        cmocka_unit_test(push_front_and_back_order),
        cmocka_unit_test(remove_unlinks_and_self_links),
        cmocka_unit_test(safe_iteration_may_remove_the_current_node),
        cmocka_unit_test(append_moves_all_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
