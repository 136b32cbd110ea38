// SPDX-License-Identifier: GPL-2.0
/*
 * The consistency checker. It walks every carrier of an instance block by
 * block and cross-checks the walk with the strategy's index and with the
 * instance's statistics. It is for tests and debugging: it takes time
 * proportional to the instance's size and must not race with its users.
 */
#include "check.h"
#include "hole.h"
#include "instance.h"

void ka_check_fail(struct ka_check *chk, const char *fmt, ...)
{
	va_list args;

	if (!chk->errors++) {
		va_start(args, fmt);
		vsnprintf(chk->first, sizeof(chk->first), fmt, args);
		va_end(args);
	}
}

static int rb_black_height(struct ka_check *chk, const struct rb_node *node,
			   const struct rb_node *parent, const char *what)
{
	int left, right;

	if (!node)
		return 1;
	if (rb_parent(node) != parent)
		ka_check_fail(chk, "%s: wrong parent link", what);
	if (rb_is_red(node) && ((node->rb_left && rb_is_red(node->rb_left)) ||
				(node->rb_right && rb_is_red(node->rb_right))))
		ka_check_fail(chk, "%s: red node with a red child", what);
	left = rb_black_height(chk, node->rb_left, node, what);
	right = rb_black_height(chk, node->rb_right, node, what);
	if (left != right)
		ka_check_fail(chk, "%s: black heights %d and %d differ", what, left, right);
	return left + (rb_is_black(node) ? 1 : 0);
}

int ka_check_rb(struct ka_check *chk, const struct rb_root *root, const char *what)
{
	if (root->rb_node && rb_is_red(root->rb_node))
		ka_check_fail(chk, "%s: red root", what);
	return rb_black_height(chk, root->rb_node, NULL, what);
}

/* Called by the strategy for each block in its index: marks it as seen. */
static void visit_indexed(struct ka_check *chk, struct ka_block *b)
{
	struct ka_carrier *c = ka_blk_carrier(b);

	chk->indexed++;
	if (ka_crr_inst(c) != chk->inst || ka_crr_sbc(c) || ka_crr_detached(c)) {
		ka_check_fail(chk, "indexed block not in one of this instance's MBCs");
		return;
	}
	if (c->ix != chk->ix)
		ka_check_fail(chk, "block of a %s carrier indexed by %s", c->ix->strat->name,
			      chk->ix->strat->name);
	if (!ka_blk_free(b))
		ka_check_fail(chk, "allocated block of %zu bytes is indexed as free",
			      ka_blk_size(b));
	else if (*ka_blk_footer(b) != ka_blk_size(b))
		ka_check_fail(chk, "indexed block's footer %lu differs from its size %zu",
			      *ka_blk_footer(b), ka_blk_size(b));
	if (b->hdr & KA_F_MARK)
		ka_check_fail(chk, "block indexed twice");
	ka_blk_set_flag(b, KA_F_MARK);
}

struct walk_totals {
	u64 blocks, size, carriers, carriers_size, given_back;
	u64 src_carriers[KA_NR_SRC], src_size[KA_NR_SRC];
	bool main_seen;
};

static size_t map_weight(const struct ka_carrier *c)
{
	const unsigned long *map = ka_mbc_map(c);
	size_t i, n = 0;

	for (i = 0; i < ka_mbc_map_bytes(c->size) / sizeof(long); i++)
		n += ka_popcount(map[i]);
	return n;
}

static void walk_mbc(struct ka_check *chk, struct ka_carrier *c, struct walk_totals *t)
{
	struct ka_instance *inst = chk->inst;
	struct ka_block *b = ka_crr_first(c);
	void *end = ka_crr_end(c);
	size_t used = 0, used_size = 0, starts = 0, holes = 0, min;
	bool prev_free = false;

	if (!c->ix || ka_inst_index_of(inst, c->ix->strat) != c->ix) {
		ka_check_fail(chk, "MBC's index is not one of its instance's");
		return;
	}
	/* a carrier from the pool may hold blocks as small as its strategy allows */
	min = ka_strategy_min_block(c->ix->strat);
	for (;;) {
		size_t size = ka_blk_size(b);

		if (size < min || size % KA_UNIT || (char *)b + size > (char *)end) {
			ka_check_fail(chk, "block of bad size %zu in an MBC", size);
			return;
		}
		if (ka_blk_carrier(b) != c)
			ka_check_fail(chk, "block header points at another carrier");
		if (!ka_mbc_is_start(c, b))
			ka_check_fail(chk, "block of %zu bytes missing from the block-start map",
				      size);
		if (ka_popcount(b->hdr & KA_STATE_MASK) > 1 &&
		    (b->hdr & KA_STATE_MASK) != KA_F_HOLE)
			ka_check_fail(chk, "block in two states (free, queued, cached): %#lx",
				      b->hdr & KA_STATE_MASK);
		starts++;
		if (ka_blk_prev_free(b) != prev_free)
			ka_check_fail(chk, "PREV_FREE flag %d, previous block free %d",
				      ka_blk_prev_free(b), prev_free);
		if (ka_blk_free(b)) {
			chk->walked_free++;
			if (prev_free)
				ka_check_fail(chk, "two neighbouring free blocks");
			if (*ka_blk_footer(b) != size)
				ka_check_fail(chk, "free block footer %lu, size %zu",
					      *ka_blk_footer(b), size);
			if (!(b->hdr & KA_F_MARK))
				ka_check_fail(chk, "free block of %zu bytes missing from the index",
					      size);
			ka_blk_clear_flag(b, KA_F_MARK);
		} else if (ka_blk_hole(b)) {
			if (!PAGE_ALIGNED(ka_hole_first(b)) || !PAGE_ALIGNED(ka_hole_end(b)) ||
			    ka_hole_end(b) <= ka_hole_first(b))
				ka_check_fail(chk, "hole of %zu bytes does not end at pages", size);
			if (b->hdr & KA_F_MARK)
				ka_check_fail(chk, "hole of %zu bytes in the index", size);
			holes += ka_hole_end(b) - ka_hole_first(b);
		} else {
			used++;
			used_size += size;
		}
		prev_free = ka_blk_free(b);
		if (ka_blk_last(b)) {
			if ((char *)b + size != (char *)end)
				ka_check_fail(chk, "last block ends before its carrier");
			break;
		}
		b = ka_blk_next(b);
		if ((void *)b >= end) {
			ka_check_fail(chk, "blocks run past their carrier without a LAST flag");
			return;
		}
	}
	if (map_weight(c) != starts)
		ka_check_fail(chk, "block-start map has %zu bits for %zu blocks", map_weight(c),
			      starts);
	if (used != c->used_blocks || used_size != c->used_size)
		ka_check_fail(chk, "carrier counts %zu blocks/%zu bytes, walk found %zu/%zu",
			      c->used_blocks, c->used_size, used, used_size);
	if (!used && !ka_crr_main(c))
		ka_check_fail(chk, "an empty MBC was kept");
	if (holes != c->given_back)
		ka_check_fail(chk, "carrier counts %zu bytes given back, its holes %zu",
			      c->given_back, holes);
	if (holes && (ka_crr_main(c) || (c->flags & KA_CRR_KEEPS)))
		ka_check_fail(chk, "holes in a carrier that cannot give pages back");
	t->blocks += used;
	t->size += used_size;
	t->given_back += holes;
}

static void walk_carriers(struct ka_check *chk, struct list_head *list, bool sbc,
			  struct walk_totals *t)
{
	struct ka_instance *inst = chk->inst;
	struct ka_carrier *c;
	bool is_main;

	list_for_each_entry(c, list, link) {
		if (ka_crr_cursor(c))
			continue;
		if ((unsigned long)c % KA_CARRIER_ALIGN)
			ka_check_fail(chk, "carrier not aligned to %lu", KA_CARRIER_ALIGN);
		if (ka_crr_inst(c) != inst || ka_crr_sbc(c) != sbc || c->src >= KA_NR_SRC ||
		    ka_crr_detached(c)) {
			ka_check_fail(chk, "carrier header damaged or on the wrong list");
			return;
		}
		is_main = c == inst->main;
		t->main_seen |= is_main;
		if (ka_crr_main(c) != is_main)
			ka_check_fail(chk, "%s carrier (birth %llu, flags %#x, %zu blocks) %s",
				      is_main ? "the main" : "a", (unsigned long long)c->birth,
				      c->flags, c->used_blocks,
				      is_main ? "lacks the main flag" : "has the main flag");
		t->carriers++;
		t->carriers_size += c->size;
		t->src_carriers[c->src]++;
		t->src_size[c->src] += c->size;
		if (!sbc) {
			walk_mbc(chk, c, t);
			continue;
		}
		if (ka_blk_free(ka_crr_first(c)) || !ka_blk_last(ka_crr_first(c)) ||
		    ka_blk_size(ka_crr_first(c)) != ka_sbc_room(c->size) || c->used_blocks != 1)
			ka_check_fail(chk, "singleblock carrier's block is damaged");
		t->blocks++;
		t->size += ka_blk_size(ka_crr_first(c));
	}
}

static void check_stat(struct ka_check *chk, const char *what, const struct ka_stat *s,
		       u64 walked)
{
	if (s->cur != walked)
		ka_check_fail(chk, "statistics: %s is %llu, the walk counts %llu", what,
			      (unsigned long long)s->cur, (unsigned long long)walked);
	if (s->last_max < s->cur || s->max < s->last_max)
		ka_check_fail(chk, "statistics: %s maxima below current", what);
}

static void check_totals(struct ka_check *chk, const char *kind,
			 const struct ka_carrier_stats *cs, const struct walk_totals *t)
{
	int src;

	check_stat(chk, kind, &cs->blocks, t->blocks);
	check_stat(chk, kind, &cs->blocks_size, t->size);
	check_stat(chk, kind, &cs->carriers, t->carriers);
	check_stat(chk, kind, &cs->carriers_size, t->carriers_size);
	check_stat(chk, kind, &cs->given_back, t->given_back);
	for (src = 0; src < KA_NR_SRC; src++)
		if (cs->src_carriers[src] != t->src_carriers[src] ||
		    cs->src_carriers_size[src] != t->src_size[src])
			ka_check_fail(chk, "statistics: %s carriers of source %d disagree",
				      kind, src);
}

unsigned int ka_check_instance(struct ka_instance *inst, struct ka_check *chk)
{
	struct walk_totals mbc = {}, sbc = {};

	memset(chk, 0, sizeof(*chk));
	chk->inst = inst;
	for (chk->ix = inst->ix; chk->ix; chk->ix = chk->ix->older) {
		if (ka_strategy_min_block(chk->ix->strat) > inst->min_block)
			ka_check_fail(chk, "%s indexes no block of %zu bytes",
				      chk->ix->strat->name, inst->min_block);
		chk->ix->strat->check(chk->ix->mem, chk, visit_indexed);
	}
	walk_carriers(chk, &inst->mbcs, false, &mbc);
	walk_carriers(chk, &inst->sbcs, true, &sbc);
	if (inst->main && !mbc.main_seen)
		ka_check_fail(chk, "the main carrier is not on the MBC list");
	if (chk->indexed != chk->walked_free)
		ka_check_fail(chk, "index holds %zu blocks, carriers have %zu free",
			      chk->indexed, chk->walked_free);
	check_totals(chk, "mbc", &inst->st.mbc, &mbc);
	check_totals(chk, "sbc", &inst->st.sbc, &sbc);
	return chk->errors;
}
