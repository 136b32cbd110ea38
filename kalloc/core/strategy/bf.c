// SPDX-License-Identifier: GPL-2.0
/*
 * Best fit (bf) and address order best fit (aobf).
 *
 * bf: a red-black tree keyed by size with one node per distinct size; blocks
 * of a size already in the tree hang in a list off its node, and the second
 * block of a list is handed out first so the tree need not change. Search is
 * O(log N), N the number of distinct free sizes.
 *
 * aobf: a red-black tree keyed by (size, address); the leftmost node of at
 * least the requested size is the smallest fit at the lowest address.
 * O(log N), N the number of free blocks.
 */
#include "strategy.h"
#include "../check.h"

struct bf_index {
	struct rb_root root;
};

struct bf_node {
	struct rb_node rb;	/* cleared (RB_EMPTY_NODE) on list members */
	struct list_head same;	/* circle of the free blocks of this size */
};

struct aobf_node {
	struct rb_node rb;
};

static size_t node_size_of(const void *node)
{
	return ka_blk_size(ka_node_blk(node));
}

static void bf_init(void *idx, const struct ka_strategy_params *p)
{
	((struct bf_index *)idx)->root = RB_ROOT;
}

static void bf_insert(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct rb_root *root = &((struct bf_index *)idx)->root;
	struct rb_node **link = &root->rb_node, *parent = NULL;
	struct bf_node *new = ka_blk_node(b);
	size_t size = ka_blk_size(b);

	while (*link) {
		struct bf_node *n = rb_entry(*link, struct bf_node, rb);
		size_t nsize = node_size_of(n);

		if (size == nsize) {
			RB_CLEAR_NODE(&new->rb);
			list_add(&new->same, &n->same);
			return;
		}
		parent = *link;
		link = size < nsize ? &parent->rb_left : &parent->rb_right;
	}
	INIT_LIST_HEAD(&new->same);
	rb_link_node(&new->rb, parent, link);
	rb_insert_color(&new->rb, root);
}

static void bf_remove(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct rb_root *root = &((struct bf_index *)idx)->root;
	struct bf_node *n = ka_blk_node(b), *heir;

	if (RB_EMPTY_NODE(&n->rb)) {
		list_del(&n->same);
		return;
	}
	if (list_empty(&n->same)) {
		rb_erase(&n->rb, root);
		return;
	}
	heir = list_first_entry(&n->same, struct bf_node, same);
	list_del(&n->same);
	rb_replace_node(&n->rb, &heir->rb, root);
}

static struct ka_block *bf_find(void *idx, size_t size)
{
	struct rb_node *rb = ((struct bf_index *)idx)->root.rb_node;
	struct bf_node *best = NULL;

	while (rb) {
		struct bf_node *n = rb_entry(rb, struct bf_node, rb);
		size_t nsize = node_size_of(n);

		if (nsize == size) {
			best = n;
			break;
		}
		if (nsize > size) {
			best = n;
			rb = rb->rb_left;
		} else {
			rb = rb->rb_right;
		}
	}
	if (!best)
		return NULL;
	if (!list_empty(&best->same))
		best = list_first_entry(&best->same, struct bf_node, same);
	return ka_node_blk(best);
}

static void bf_check(void *idx, struct ka_check *chk, ka_check_visit_fn visit)
{
	struct rb_root *root = &((struct bf_index *)idx)->root;
	struct rb_node *rb;
	size_t prev = 0;

	ka_check_rb(chk, root, "bf tree");
	for (rb = rb_first(root); rb; rb = rb_next(rb)) {
		struct bf_node *n = rb_entry(rb, struct bf_node, rb), *m;
		size_t size = node_size_of(n);

		if (size <= prev)
			ka_check_fail(chk, "bf: tree sizes not increasing (%zu after %zu)",
				      size, prev);
		prev = size;
		visit(chk, ka_node_blk(n));
		list_for_each_entry(m, &n->same, same) {
			if (!RB_EMPTY_NODE(&m->rb))
				ka_check_fail(chk, "bf: list member of size %zu is in the tree",
					      size);
			if (node_size_of(m) != size)
				ka_check_fail(chk, "bf: size %zu in the list of size %zu",
					      node_size_of(m), size);
			visit(chk, ka_node_blk(m));
		}
	}
}

const struct ka_strategy ka_strategy_bf = {
	.name = "bf",
	.node_size = sizeof(struct bf_node),
	.index_size = sizeof(struct bf_index),
	.init = bf_init,
	.carrier_add = ka_strategy_carrier_noop,
	.carrier_remove = ka_strategy_carrier_noop,
	.insert = bf_insert,
	.remove = bf_remove,
	.find = bf_find,
	.check = bf_check,
};

/* (size, address) order */
static bool aobf_less(const struct ka_block *a, const struct ka_block *b)
{
	size_t as = ka_blk_size(a), bs = ka_blk_size(b);

	return as < bs || (as == bs && a < b);
}

static void aobf_insert(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct rb_root *root = &((struct bf_index *)idx)->root;
	struct rb_node **link = &root->rb_node, *parent = NULL;
	struct aobf_node *new = ka_blk_node(b);

	while (*link) {
		parent = *link;
		if (aobf_less(b, ka_node_blk(parent)))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&new->rb, parent, link);
	rb_insert_color(&new->rb, root);
}

static void aobf_remove(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct aobf_node *n = ka_blk_node(b);

	rb_erase(&n->rb, &((struct bf_index *)idx)->root);
}

static struct ka_block *aobf_find(void *idx, size_t size)
{
	struct rb_node *rb = ((struct bf_index *)idx)->root.rb_node;
	struct rb_node *best = NULL;

	while (rb) {
		if (node_size_of(rb) >= size) {
			best = rb;
			rb = rb->rb_left;
		} else {
			rb = rb->rb_right;
		}
	}
	return best ? ka_node_blk(best) : NULL;
}

static void aobf_check(void *idx, struct ka_check *chk, ka_check_visit_fn visit)
{
	struct rb_root *root = &((struct bf_index *)idx)->root;
	struct ka_block *prev = NULL;
	struct rb_node *rb;

	ka_check_rb(chk, root, "aobf tree");
	for (rb = rb_first(root); rb; rb = rb_next(rb)) {
		struct ka_block *b = ka_node_blk(rb);

		if (prev && !aobf_less(prev, b))
			ka_check_fail(chk, "aobf: tree not in (size, address) order");
		prev = b;
		visit(chk, b);
	}
}

const struct ka_strategy ka_strategy_aobf = {
	.name = "aobf",
	.node_size = sizeof(struct aobf_node),
	.index_size = sizeof(struct bf_index),
	.init = bf_init,
	.carrier_add = ka_strategy_carrier_noop,
	.carrier_remove = ka_strategy_carrier_noop,
	.insert = aobf_insert,
	.remove = aobf_remove,
	.find = aobf_find,
	.check = aobf_check,
};
