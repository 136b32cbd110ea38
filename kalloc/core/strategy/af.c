// SPDX-License-Identifier: GPL-2.0
/*
 * A fit (af), for temporary allocations: one free list and no search. Only
 * the head is inspected; if it is too small a new carrier is made. A freed
 * block goes to the head, or second when the head is larger, so the largest
 * recent block stays in front. Constant time.
 */
#include "strategy.h"
#include "../check.h"

struct af_index {
	struct list_head list;
};

struct af_node {
	struct list_head link;
};

static void af_init(void *idx, const struct ka_strategy_params *p)
{
	INIT_LIST_HEAD(&((struct af_index *)idx)->list);
}

static void af_insert(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct list_head *list = &((struct af_index *)idx)->list;
	struct af_node *n = ka_blk_node(b), *head;

	if (!list_empty(list)) {
		head = list_first_entry(list, struct af_node, link);
		if (ka_blk_size(ka_node_blk(head)) > ka_blk_size(b)) {
			list_add(&n->link, &head->link);
			return;
		}
	}
	list_add(&n->link, list);
}

static void af_remove(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	list_del(&((struct af_node *)ka_blk_node(b))->link);
}

static struct ka_block *af_find(void *idx, size_t size)
{
	struct list_head *list = &((struct af_index *)idx)->list;
	struct ka_block *head;

	if (list_empty(list))
		return NULL;
	head = ka_node_blk(list_first_entry(list, struct af_node, link));
	return ka_blk_size(head) >= size ? head : NULL;
}

static void af_check(void *idx, struct ka_check *chk, ka_check_visit_fn visit)
{
	struct af_node *n;

	list_for_each_entry(n, &((struct af_index *)idx)->list, link)
		visit(chk, ka_node_blk(n));
}

const struct ka_strategy ka_strategy_af = {
	.name = "af",
	.node_size = sizeof(struct af_node),
	.index_size = sizeof(struct af_index),
	.init = af_init,
	.carrier_add = ka_strategy_carrier_noop,
	.carrier_remove = ka_strategy_carrier_noop,
	.insert = af_insert,
	.remove = af_remove,
	.find = af_find,
	.check = af_check,
};
