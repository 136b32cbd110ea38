// SPDX-License-Identifier: GPL-2.0
/*
 * The carrier-oriented strategies: aoff, aoffcbf, aoffcaobf, ageffcaoff,
 * ageffcbf and ageffcaobf.
 *
 * Two levels of red-black trees. The instance's carrier tree is ordered by
 * carrier address (aoff*) or by birth (ageff*, oldest first) and augmented
 * with the largest free block in each subtree. Each carrier keeps its own
 * block tree, ordered by address (...aoff), by (size, address) (...aobf) or
 * by size with same-size lists (...cbf), also augmented with the subtree's
 * largest block, so the carrier's largest free block is its root's value.
 * A search descends the carrier tree to the first carrier in order that can
 * serve the request, then picks a block inside it: first fit by address, or
 * best fit. Both steps are O(log N).
 */
#include "strategy.h"
#include "../check.h"

enum aoff_crr_order { CRR_BY_ADDR, CRR_BY_AGE };
enum aoff_blk_order { BLK_BY_ADDR, BLK_BY_SIZE_ADDR, BLK_BY_SIZE };

struct aoff_index {
	struct rb_root carriers;
};

/* Lives in ka_carrier.strat[]. */
struct aoff_crr {
	struct rb_node rb;
	struct rb_root blocks;
	size_t max;		/* largest free block in this carrier */
	size_t subtree_max;	/* largest free block in this carrier subtree */
};

struct aoff_node {
	struct rb_node rb;	/* cleared (RB_EMPTY_NODE) on same-size list members */
	size_t subtree_max;
	struct list_head same;	/* BLK_BY_SIZE only */
};

static inline struct aoff_crr *crr_of(struct ka_carrier *c)
{
	BUILD_BUG_ON(sizeof(struct aoff_crr) > sizeof(c->strat));
	return (struct aoff_crr *)c->strat;
}

static inline struct ka_carrier *crr_carrier(struct aoff_crr *ac)
{
	return (struct ka_carrier *)((char *)ac - offsetof(struct ka_carrier, strat));
}

static inline size_t node_size_of(const struct aoff_node *n)
{
	return ka_blk_size(ka_node_blk(n));
}

static inline size_t crr_max_of(const struct aoff_crr *ac)
{
	return ac->max;
}

RB_DECLARE_CALLBACKS_MAX(static, aoff_blk_cb, struct aoff_node, rb, size_t,
			 subtree_max, node_size_of)
RB_DECLARE_CALLBACKS_MAX(static, aoff_crr_cb, struct aoff_crr, rb, size_t,
			 subtree_max, crr_max_of)

/* Variant descriptors: the ops of each strategy point at one of these. */
struct aoff_variant {
	enum aoff_crr_order crr;
	enum aoff_blk_order blk;
};

static const struct aoff_variant variants[] = {
	[KA_AS_AOFF]       = { CRR_BY_ADDR, BLK_BY_ADDR },
	[KA_AS_AOFFCBF]    = { CRR_BY_ADDR, BLK_BY_SIZE },
	[KA_AS_AOFFCAOBF]  = { CRR_BY_ADDR, BLK_BY_SIZE_ADDR },
	[KA_AS_AGEFFCAOFF] = { CRR_BY_AGE,  BLK_BY_ADDR },
	[KA_AS_AGEFFCBF]   = { CRR_BY_AGE,  BLK_BY_SIZE },
	[KA_AS_AGEFFCAOBF] = { CRR_BY_AGE,  BLK_BY_SIZE_ADDR },
};

/* The index records its variant so shared functions need no per-variant copies. */
struct aoff_state {
	struct aoff_index ix;
	const struct aoff_variant *v;
};

static bool crr_less(const struct aoff_variant *v, struct ka_carrier *a, struct ka_carrier *b)
{
	if (v->crr == CRR_BY_AGE)
		return a->birth < b->birth;
	return a < b;
}

/* Order of blocks inside one carrier; BLK_BY_SIZE ties are listed, not ordered. */
static int blk_cmp(const struct aoff_variant *v, const struct ka_block *a,
		   const struct ka_block *b)
{
	size_t as = ka_blk_size(a), bs = ka_blk_size(b);

	if (v->blk != BLK_BY_ADDR && as != bs)
		return as < bs ? -1 : 1;
	if (v->blk == BLK_BY_SIZE)
		return 0;
	return a < b ? -1 : (a > b ? 1 : 0);
}

/* After a carrier's block tree changed: refresh its max and the carrier tree's. */
static void crr_refresh(struct aoff_crr *ac)
{
	struct rb_node *root = ac->blocks.rb_node;
	size_t max = root ? rb_entry(root, struct aoff_node, rb)->subtree_max : 0;

	if (max == ac->max)
		return;
	ac->max = max;
	/* A detached carrier (in the pool) is in no carrier tree. */
	if (RB_EMPTY_NODE(&ac->rb))
		ac->subtree_max = max;
	else
		aoff_crr_cb_propagate(&ac->rb, NULL);
}

static void aoff_common_init(void *idx, const struct ka_strategy_params *p)
{
	/* the variant is set by the per-strategy init wrappers below */
	((struct aoff_state *)idx)->ix.carriers = RB_ROOT;
}

/* Links @c, whose block tree and max are set, into the carrier tree. */
static void link_carrier(struct aoff_state *st, struct ka_carrier *c)
{
	struct rb_node **link = &st->ix.carriers.rb_node, *parent = NULL;
	struct aoff_crr *ac = crr_of(c);

	ac->subtree_max = ac->max;
	while (*link) {
		struct aoff_crr *p = rb_entry(*link, struct aoff_crr, rb);

		if (p->subtree_max < ac->max)
			p->subtree_max = ac->max;
		parent = *link;
		link = crr_less(st->v, c, crr_carrier(p)) ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&ac->rb, parent, link);
	rb_insert_augmented(&ac->rb, &st->ix.carriers, &aoff_crr_cb);
}

static void aoff_carrier_add(void *idx, struct ka_carrier *c)
{
	struct aoff_crr *ac = crr_of(c);

	ac->blocks = RB_ROOT;
	ac->max = 0;
	link_carrier(idx, c);
}

/* Its block tree stays: the carrier may join another instance with it. */
static void aoff_carrier_remove(void *idx, struct ka_carrier *c)
{
	struct aoff_state *st = idx;

	rb_erase_augmented(&crr_of(c)->rb, &st->ix.carriers, &aoff_crr_cb);
	RB_CLEAR_NODE(&crr_of(c)->rb);
}

static void aoff_carrier_attach(void *idx, struct ka_carrier *c)
{
	struct aoff_crr *ac = crr_of(c);
	struct rb_node *root = ac->blocks.rb_node;

	ac->max = root ? rb_entry(root, struct aoff_node, rb)->subtree_max : 0;
	link_carrier(idx, c);
}

static size_t aoff_carrier_largest(void *idx, struct ka_carrier *c)
{
	return crr_of(c)->max;
}

static void aoff_insert(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct aoff_state *st = idx;
	struct aoff_crr *ac = crr_of(c);
	struct rb_node **link = &ac->blocks.rb_node, *parent = NULL;
	struct aoff_node *new = ka_blk_node(b);
	size_t size = ka_blk_size(b);

	while (*link) {
		struct aoff_node *n = rb_entry(*link, struct aoff_node, rb);
		int cmp = blk_cmp(st->v, b, ka_node_blk(n));

		if (cmp == 0) {		/* BLK_BY_SIZE: join the size's list */
			RB_CLEAR_NODE(&new->rb);
			list_add(&new->same, &n->same);
			return;
		}
		if (n->subtree_max < size)
			n->subtree_max = size;
		parent = *link;
		link = cmp < 0 ? &parent->rb_left : &parent->rb_right;
	}
	new->subtree_max = size;
	if (st->v->blk == BLK_BY_SIZE)
		INIT_LIST_HEAD(&new->same);
	rb_link_node(&new->rb, parent, link);
	rb_insert_augmented(&new->rb, &ac->blocks, &aoff_blk_cb);
	crr_refresh(ac);
}

static void aoff_remove(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct aoff_state *st = idx;
	struct aoff_crr *ac = crr_of(c);
	struct aoff_node *n = ka_blk_node(b), *heir;

	if (st->v->blk == BLK_BY_SIZE) {
		if (RB_EMPTY_NODE(&n->rb)) {
			list_del(&n->same);
			return;
		}
		if (!list_empty(&n->same)) {
			/* Same size, so the subtree maxima stay as they are. */
			heir = list_first_entry(&n->same, struct aoff_node, same);
			list_del(&n->same);
			heir->subtree_max = n->subtree_max;
			rb_replace_node(&n->rb, &heir->rb, &ac->blocks);
			return;
		}
	}
	rb_erase_augmented(&n->rb, &ac->blocks, &aoff_blk_cb);
	crr_refresh(ac);
}

static size_t subtree_max_of(struct rb_node *rb, size_t offset)
{
	return rb ? *(size_t *)((char *)rb + offset) : 0;
}

/* First carrier in tree order whose largest free block is at least @size. */
static struct aoff_crr *find_carrier(struct aoff_state *st, size_t size)
{
	struct rb_node *rb = st->ix.carriers.rb_node;
	const size_t off = offsetof(struct aoff_crr, subtree_max);

	if (subtree_max_of(rb, off) < size)
		return NULL;
	while (rb) {
		struct aoff_crr *ac = rb_entry(rb, struct aoff_crr, rb);

		if (subtree_max_of(rb->rb_left, off) >= size) {
			rb = rb->rb_left;
			continue;
		}
		if (ac->max >= size)
			return ac;
		rb = rb->rb_right;
	}
	return NULL;
}

/* First block by address with at least @size bytes. */
static struct aoff_node *find_first_fit(struct aoff_crr *ac, size_t size)
{
	struct rb_node *rb = ac->blocks.rb_node;
	const size_t off = offsetof(struct aoff_node, subtree_max);

	while (rb) {
		struct aoff_node *n = rb_entry(rb, struct aoff_node, rb);

		if (subtree_max_of(rb->rb_left, off) >= size) {
			rb = rb->rb_left;
			continue;
		}
		if (node_size_of(n) >= size)
			return n;
		rb = rb->rb_right;
	}
	return NULL;
}

/* Smallest block of at least @size bytes (lowest address among equals). */
static struct aoff_node *find_best_fit(struct aoff_crr *ac, size_t size)
{
	struct rb_node *rb = ac->blocks.rb_node;
	struct aoff_node *best = NULL;

	while (rb) {
		struct aoff_node *n = rb_entry(rb, struct aoff_node, rb);

		if (node_size_of(n) >= size) {
			best = n;
			rb = rb->rb_left;
		} else {
			rb = rb->rb_right;
		}
	}
	return best;
}

static struct ka_block *aoff_find(void *idx, size_t size)
{
	struct aoff_state *st = idx;
	struct aoff_crr *ac = find_carrier(st, size);
	struct aoff_node *n;

	if (!ac)
		return NULL;
	if (st->v->blk == BLK_BY_ADDR) {
		n = find_first_fit(ac, size);
	} else {
		n = find_best_fit(ac, size);
		/* bf: take the second of a size's list so the tree stays as it is */
		if (n && st->v->blk == BLK_BY_SIZE && !list_empty(&n->same))
			n = list_first_entry(&n->same, struct aoff_node, same);
	}
	return n ? ka_node_blk(n) : NULL;
}

static size_t check_blk_subtree(struct ka_check *chk, struct rb_node *rb)
{
	struct aoff_node *n;
	size_t max;

	if (!rb)
		return 0;
	n = rb_entry(rb, struct aoff_node, rb);
	max = node_size_of(n);
	max = max_t(size_t, max, check_blk_subtree(chk, rb->rb_left));
	max = max_t(size_t, max, check_blk_subtree(chk, rb->rb_right));
	if (n->subtree_max != max)
		ka_check_fail(chk, "aoff: block subtree max %zu, expected %zu",
			      n->subtree_max, max);
	return max;
}

static size_t check_crr_subtree(struct ka_check *chk, struct rb_node *rb)
{
	struct aoff_crr *ac;
	size_t max;

	if (!rb)
		return 0;
	ac = rb_entry(rb, struct aoff_crr, rb);
	max = ac->max;
	max = max_t(size_t, max, check_crr_subtree(chk, rb->rb_left));
	max = max_t(size_t, max, check_crr_subtree(chk, rb->rb_right));
	if (ac->subtree_max != max)
		ka_check_fail(chk, "aoff: carrier subtree max %zu, expected %zu",
			      ac->subtree_max, max);
	return max;
}

static void check_carrier_blocks(struct aoff_state *st, struct ka_check *chk,
				 struct ka_carrier *c, ka_check_visit_fn visit)
{
	struct aoff_crr *ac = crr_of(c);
	struct ka_block *prev = NULL;
	struct rb_node *rb;
	size_t max = 0;

	ka_check_rb(chk, &ac->blocks, "aoff block tree");
	if (check_blk_subtree(chk, ac->blocks.rb_node) != ac->max)
		ka_check_fail(chk, "aoff: carrier max %zu does not match its blocks", ac->max);
	for (rb = rb_first(&ac->blocks); rb; rb = rb_next(rb)) {
		struct aoff_node *n = rb_entry(rb, struct aoff_node, rb), *m;
		struct ka_block *b = ka_node_blk(n);

		if (prev && blk_cmp(st->v, prev, b) >= 0)
			ka_check_fail(chk, "aoff: block tree out of order");
		prev = b;
		if (ka_blk_carrier(b) != c)
			ka_check_fail(chk, "aoff: block indexed under the wrong carrier");
		max = max_t(size_t, max, ka_blk_size(b));
		visit(chk, b);
		if (st->v->blk != BLK_BY_SIZE)
			continue;
		list_for_each_entry(m, &n->same, same) {
			if (!RB_EMPTY_NODE(&m->rb) || node_size_of(m) != node_size_of(n))
				ka_check_fail(chk, "aoff: bad same-size list member");
			if (ka_blk_carrier(ka_node_blk(m)) != c)
				ka_check_fail(chk, "aoff: listed block in the wrong carrier");
			visit(chk, ka_node_blk(m));
		}
	}
	if (max != ac->max)
		ka_check_fail(chk, "aoff: carrier max %zu, largest block %zu", ac->max, max);
}

static void aoff_check(void *idx, struct ka_check *chk, ka_check_visit_fn visit)
{
	struct aoff_state *st = idx;
	struct ka_carrier *prev = NULL;
	struct rb_node *rb;

	ka_check_rb(chk, &st->ix.carriers, "aoff carrier tree");
	check_crr_subtree(chk, st->ix.carriers.rb_node);
	for (rb = rb_first(&st->ix.carriers); rb; rb = rb_next(rb)) {
		struct ka_carrier *c = crr_carrier(rb_entry(rb, struct aoff_crr, rb));

		if (prev && !crr_less(st->v, prev, c))
			ka_check_fail(chk, "aoff: carrier tree out of order");
		prev = c;
		check_carrier_blocks(st, chk, c, visit);
	}
}

#define AOFF_STRATEGY(as_name, AS, node)					\
static void as_name##_init(void *idx, const struct ka_strategy_params *p)	\
{										\
	aoff_common_init(idx, p);							\
	((struct aoff_state *)idx)->v = &variants[AS];				\
}										\
const struct ka_strategy ka_strategy_##as_name = {				\
	.name = #as_name,							\
	.node_size = node,							\
	.index_size = sizeof(struct aoff_state),				\
	.init = as_name##_init,							\
	.carrier_add = aoff_carrier_add,					\
	.carrier_remove = aoff_carrier_remove,					\
	.carrier_attach = aoff_carrier_attach,					\
	.carrier_largest = aoff_carrier_largest,				\
	.insert = aoff_insert,							\
	.remove = aoff_remove,							\
	.find = aoff_find,							\
	.check = aoff_check,							\
}

/* Only the size-listed variants need the list head in their nodes. */
#define AOFF_NODE	offsetof(struct aoff_node, same)
#define AOFF_NODE_LIST	sizeof(struct aoff_node)

AOFF_STRATEGY(aoff, KA_AS_AOFF, AOFF_NODE);
AOFF_STRATEGY(aoffcbf, KA_AS_AOFFCBF, AOFF_NODE_LIST);
AOFF_STRATEGY(aoffcaobf, KA_AS_AOFFCAOBF, AOFF_NODE);
AOFF_STRATEGY(ageffcaoff, KA_AS_AGEFFCAOFF, AOFF_NODE);
AOFF_STRATEGY(ageffcbf, KA_AS_AGEFFCBF, AOFF_NODE_LIST);
AOFF_STRATEGY(ageffcaobf, KA_AS_AGEFFCAOBF, AOFF_NODE);
