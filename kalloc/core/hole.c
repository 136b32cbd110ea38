// SPDX-License-Identifier: GPL-2.0
/*
 * Giving free pages of multiblock carriers back (erts's acful): the whole
 * pages inside a free block of a carrier used below acful go back to the
 * system through the carrier's source, and the block becomes a hole between
 * two smaller free blocks (hole.h has the layout and its invariants).
 *
 * A free block is holed when it is freed into such a carrier; and when a
 * carrier drops below acful the free blocks it already had are holed too, in
 * one walk (a sweep). A sweep costs a walk of the carrier's blocks, so a
 * carrier is swept again only after another eighth of it has been freed:
 * a carrier going up and down around acful does not walk itself on every
 * free.
 */
#include "hole.h"
#include "instance.h"

/*
 * Not while allocation ramps up (erts's abandon hold-off, instance.c): a
 * carrier being filled is below acful with its free end still to be used,
 * and a page given back is never had again at its address.
 */
static bool may_give_back(const struct ka_instance *inst, const struct ka_carrier *c)
{
	return inst->p.acful && !inst->abandon_holdoff &&
	       !(c->flags & (KA_CRR_KEEPS | KA_CRR_MAIN | KA_CRR_SBC)) &&
	       inst->src[c->src]->give_back;
}

static bool below_acful(const struct ka_instance *inst, const struct ka_carrier *c)
{
	return (u64)c->used_size * 100 < (u64)inst->p.acful * ka_crr_resident(c);
}

static void make_free(struct ka_block *b, const struct ka_carrier *c, size_t size,
		      unsigned long flags)
{
	ka_blk_set(b, c, size, KA_F_FREE | flags);
	*ka_blk_footer(b) = size;
}

/* The hole that ends where @b starts, if any: found through the block-start map. */
static struct ka_block *hole_before(struct ka_carrier *c, struct ka_block *b)
{
	size_t bit = ka_mbc_bit(c, b), prev;
	struct ka_block *h;

	/* a hole ends one word past a page boundary */
	if (b == ka_crr_first(c) || !PAGE_ALIGNED((unsigned long)b - KA_HDR_SIZE))
		return NULL;
	prev = ka_find_last_bit(ka_mbc_map(c), bit);
	if (prev >= bit)
		return NULL;
	h = (struct ka_block *)((char *)ka_crr_first(c) + prev * KA_UNIT);
	return ka_blk_hole(h) && ka_blk_next(h) == b ? h : NULL;
}

/*
 * What free, unindexed block @b becomes: with a hole on either side it
 * joins them, else it is free space before (if any), the hole, and free
 * space after (if any); free parts are indexed. Pages go back only where no
 * hole was: [give, until), at most @max bytes of them (a multiple of
 * PAGE_SIZE: the hole then ends there). Returns the block after the result, NULL at the
 * carrier's end; ERR_PTR(-ENOSPC) if there is no page to give, and
 * ERR_PTR(-EOPNOTSUPP) if the source cannot give @c's pages back, in which
 * cases nothing changed and @b is still unindexed.
 */
static struct ka_block *punch(struct ka_instance *inst, struct ka_carrier *c, struct ka_block *b,
			      unsigned long max)
{
	struct ka_source *src = inst->src[c->src];
	unsigned long was = b->hdr & (KA_F_PREV_FREE | KA_F_LAST), flags = KA_F_HOLE;
	unsigned long start = (unsigned long)b, stop = start + ka_blk_size(b);
	struct ka_block *left = hole_before(c, b), *right = NULL, *h, *tail = NULL;
	unsigned long first, end, give, until;
	size_t head_size = 0, tail_size = 0;

	if (!(was & KA_F_LAST) && ka_blk_hole(ka_blk_next(b)))
		right = ka_blk_next(b);
	if (!left && !right) {
		if (!ka_hole_fit(b, stop - start, inst->min_block, &first, &end))
			return ERR_PTR(-ENOSPC);
	} else {
		/* the side without a hole keeps a free block of at least min_block, or none */
		unsigned long lone_first, lone_end;

		if (!ka_hole_fit(b, stop - start, inst->min_block, &lone_first, &lone_end)) {
			lone_first = ALIGN(start + KA_HDR_SIZE, PAGE_SIZE);
			lone_end = ALIGN_DOWN(stop - KA_HDR_SIZE, PAGE_SIZE);
		}
		first = left ? ka_hole_first(left) : lone_first;
		end = right ? ka_hole_end(right) : lone_end;
	}
	give = left ? ka_hole_end(left) : first;
	until = right ? ka_hole_first(right) : end;
	if (until > give && until - give > max) {
		right = NULL;
		end = give + max;
		until = end;
	}
	if (until <= give || (!left && first - KA_HDR_SIZE < start) ||
	    (!right && end + KA_HDR_SIZE > stop))
		return ERR_PTR(-ENOSPC);
	if (!left && first - KA_HDR_SIZE != start)
		head_size = first - KA_HDR_SIZE - start;
	if (!right && end + KA_HDR_SIZE != stop) {
		tail = (struct ka_block *)(end + KA_HDR_SIZE);
		tail_size = stop - (unsigned long)tail;
	}
	if ((head_size && head_size < inst->min_block) ||
	    (tail_size && tail_size < inst->min_block))
		return ERR_PTR(-ENOSPC);

	h = left ? left : (struct ka_block *)(first - KA_HDR_SIZE);
	if (left)
		flags |= left->hdr & KA_F_PREV_FREE;
	else if (head_size)
		flags |= KA_F_PREV_FREE;
	else
		flags |= was & KA_F_PREV_FREE;
	if (right)
		flags |= right->hdr & KA_F_LAST;
	else if (!tail_size)
		flags |= was & KA_F_LAST;

	/*
	 * From here on nothing reads the pages given back: @b's header, and a
	 * right hole's, may lie in them; what the result needs was read above.
	 */
	if (!src->give_back(src, c, give, until)) {
		c->flags |= KA_CRR_KEEPS;
		return ERR_PTR(-EOPNOTSUPP);
	}

	if (left)
		ka_mbc_clear_start(c, b);
	if (right)
		ka_mbc_clear_start(c, right);
	if (tail_size) {
		make_free(tail, c, tail_size, was & KA_F_LAST);
		ka_mbc_mark_start(c, tail);
	}
	if (head_size)
		make_free(b, c, head_size, was & KA_F_PREV_FREE);
	ka_blk_set(h, c, end - first + 2 * KA_HDR_SIZE, flags);
	if (!left && h != b)
		ka_mbc_mark_start(c, h);
	if (!right && !tail_size && !(was & KA_F_LAST))
		/* the block after @b had PREV_FREE, and a hole is not free */
		ka_blk_clear_flag((struct ka_block *)stop, KA_F_PREV_FREE);
	if (head_size)
		ka_ix_insert(c, b);
	if (tail_size)
		ka_ix_insert(c, tail);

	c->given_back += until - give;
	if (!ka_crr_detached(c))
		ka_stat_add(&inst->st.mbc.given_back, until - give);
	inst->st.holes_made += !left && !right;
	inst->st.holes_bytes += until - give;
	return ka_blk_last(h) ? NULL : ka_blk_next(h);
}

/*
 * Holes every free block of @c that has a whole page to give, until *@budget
 * bytes went or *@work ran out (a block visited is one unit, a page given
 * back KA_PAGE_WORK); a sweep that stops for the work goes on from there
 * next time (@c->sweep_at, which counts from the carrier's start).
 */
static void sweep(struct ka_instance *inst, struct ka_carrier *c, unsigned long *budget,
		  unsigned int *work)
{
	unsigned long cap, given;
	struct ka_block *b, *next;
	u64 before;

	if (!c->sweep_at)
		c->swept_used = c->used_size;
	b = c->sweep_at ? ka_mbc_start_from(c, c->sweep_at - KA_CRR_HDR_SIZE) : ka_crr_first(c);
	c->sweep_at = 0;
	for (; b && *budget >= PAGE_SIZE; b = next) {
		if (!*work) {
			c->sweep_at = (char *)b - (char *)c;	/* never 0 */
			return;
		}
		(*work)--;
		inst->st.sweep_steps++;
		next = ka_blk_last(b) ? NULL : ka_blk_next(b);
		if (!ka_blk_free(b) || ka_blk_size(b) < PAGE_SIZE)
			continue;
		/* no more pages than work left */
		cap = (unsigned long)(*work / KA_PAGE_WORK) * PAGE_SIZE;
		if (cap > *budget)
			cap = *budget;
		ka_ix_remove(c, b);
		before = inst->st.holes_bytes;
		next = punch(inst, c, b, cap);
		if (!IS_ERR(next)) {
			given = (inst->st.holes_bytes - before) / PAGE_SIZE;
			*budget -= given * PAGE_SIZE;
			given *= KA_PAGE_WORK;
			*work = given < *work ? *work - given : 0;
			continue;
		}
		ka_ix_insert(c, b);
		if (PTR_ERR(next) == -EOPNOTSUPP)
			return;
		next = ka_blk_last(b) ? NULL : ka_blk_next(b);
	}
}

/**
 * ka_hole_freed() - index free block @b of MBC @c, holing what acful says
 * @inst: the instance employing @c
 * @c: the carrier, with live blocks in it
 * @b: a free block just made by a free or a shrink, not yet indexed
 *
 * A sweep it starts, or one under way in @c, goes on for at most
 * KA_HOLD_WORK; the next free into @c, or a decay or reclaim pass, goes on
 * with it.
 */
void ka_hole_freed(struct ka_instance *inst, struct ka_carrier *c, struct ka_block *b)
{
	if (likely(!may_give_back(inst, c) || !below_acful(inst, c))) {
		ka_ix_insert(c, b);
		return;
	}
	if (c->sweep_at || c->used_size + c->size / 8 <= c->swept_used) {
		unsigned long all = ULONG_MAX;
		unsigned int work = KA_HOLD_WORK;

		ka_ix_insert(c, b);
		sweep(inst, c, &all, &work);
		return;
	}
	if (IS_ERR(punch(inst, c, b, ULONG_MAX)))
		ka_ix_insert(c, b);
}

/**
 * ka_hole_sweep() - give back the whole free pages of @inst's carriers
 * @inst: the instance, locked by its owner
 * @cur: the walk's cursor (ka_crr_cursor_init(); ka_crr_cursor_done() after)
 * @acful_only: only in carriers used below acful (else in every carrier
 *	whose source can give pages back, whatever acful says: memory pressure)
 * @budget: bytes wanted; it stops once they went
 * @work: what this hold may do (KA_HOLD_WORK), less what it did
 *
 * Oldest carriers first, from where @cur is.
 *
 * Return: bytes given back, at most @budget rounded down to pages. The walk
 * is over when @work is left over, or @budget went.
 */
size_t ka_hole_sweep(struct ka_instance *inst, struct ka_carrier *cur, bool acful_only,
		     unsigned long budget, unsigned int *work)
{
	u64 before = inst->st.holes_bytes;
	struct ka_carrier *c = ka_crr_cursor_current(&inst->mbcs, cur);

	if (!c || !c->sweep_at)
		c = ka_crr_cursor_next(&inst->mbcs, cur);
	for (; c && *work; c = ka_crr_cursor_next(&inst->mbcs, cur)) {
		if (inst->st.holes_bytes - before + PAGE_SIZE > budget)
			break;
		(*work)--;
		if (acful_only && (!inst->p.acful || !below_acful(inst, c)))
			continue;
		ka_hole_sweep_carrier(inst, c, budget - (inst->st.holes_bytes - before), work);
		if (c->sweep_at)
			break;
	}
	return inst->st.holes_bytes - before;
}

/**
 * ka_hole_sweep_carrier() - give back the whole free pages of one carrier
 * @inst: the instance employing @c, or its owner holding it in a pool
 * @c: a multiblock carrier nobody else allocates from or frees into now
 * @budget: bytes wanted; it stops once they went
 * @work: what this hold may do, less what it did; the sweep goes on from
 *	where it stopped next time
 *
 * Return: bytes given back, at most @budget rounded down to pages.
 */
size_t ka_hole_sweep_carrier(struct ka_instance *inst, struct ka_carrier *c, unsigned long budget,
			     unsigned int *work)
{
	u64 before = inst->st.holes_bytes;

	budget = ALIGN_DOWN(budget, PAGE_SIZE);
	if (budget < PAGE_SIZE || (c->flags & (KA_CRR_KEEPS | KA_CRR_MAIN | KA_CRR_SBC)) ||
	    !inst->src[c->src]->give_back)
		return 0;
	sweep(inst, c, &budget, work);
	return inst->st.holes_bytes - before;
}

/**
 * ka_hole_unindex() - take the free blocks of empty holed MBC @c out of the index
 * @inst: the instance employing @c
 * @c: the carrier, about to be released
 * @skip: the one free block that is not indexed
 *
 * An empty carrier without holes is one free block; with holes, the free
 * blocks between them are indexed and must leave the index with it.
 */
void ka_hole_unindex(struct ka_instance *inst, struct ka_carrier *c, struct ka_block *skip)
{
	struct ka_block *b;

	for (b = ka_crr_first(c); b; b = ka_blk_last(b) ? NULL : ka_blk_next(b))
		if (b != skip && ka_blk_free(b))
			ka_ix_remove(c, b);
}
