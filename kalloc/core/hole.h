/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Holes: free space of a multiblock carrier whose inner pages went back to
 * the system (erts's acful; Documentation/sources.rst). A page-allocator
 * carrier lives in the direct map, where an address is its page: a page
 * given back cannot be had again at the same address, so a hole is for good
 * and the carrier's capacity shrinks by it until the carrier goes.
 *
 * Invariants:
 * - A hole is a block in state KA_F_HOLE, of size (pages given back) + 16:
 *   its header is the last word of the page before the first page given
 *   back, and the next block's header the first word after the last one.
 *   So every header, footer and boundary tag lies in a page the carrier
 *   keeps, and the pages given back are exactly
 *   [ka_hole_first(h), ka_hole_end(h)).
 * - Nothing reads or writes a hole past its header: it is in no index, it is
 *   never free (its neighbours do not merge into it, the block after it has
 *   no PREV_FREE), and the block-start map has no bit inside it, so no
 *   pointer into it passes for a block (registry.h tells such a pointer
 *   from one into a page the system now uses for someone else).
 * - c->given_back is the sum of its holes' pages; c->used_blocks counts no
 *   hole, so a carrier whose blocks are all free is empty, holes and all,
 *   and the source gives back the pages it still has (ka_hole_kept_next()).
 */
#ifndef _KALLOC_HOLE_H
#define _KALLOC_HOLE_H

#include "carrier.h"

struct ka_instance;

void ka_hole_freed(struct ka_instance *inst, struct ka_carrier *c, struct ka_block *b);
size_t ka_hole_sweep(struct ka_instance *inst, struct ka_carrier *cur, bool acful_only,
		     unsigned long budget, unsigned int *work);
size_t ka_hole_sweep_carrier(struct ka_instance *inst, struct ka_carrier *c, unsigned long budget,
			     unsigned int *work);
void ka_hole_unindex(struct ka_instance *inst, struct ka_carrier *c, struct ka_block *skip);

/* First page hole @h gave back. */
static inline unsigned long ka_hole_first(const struct ka_block *h)
{
	return (unsigned long)h + KA_HDR_SIZE;
}

/* End of the pages hole @h gave back. */
static inline unsigned long ka_hole_end(const struct ka_block *h)
{
	return (unsigned long)h + ka_blk_size(h) - KA_HDR_SIZE;
}

/*
 * The pages free block @b of @size bytes can give back while the free
 * space before and after them stays a block of at least @min bytes or
 * none: [*@first, *@end). False if not one whole page.
 */
static inline bool ka_hole_fit(const struct ka_block *b, size_t size, size_t min,
			       unsigned long *first, unsigned long *end)
{
	unsigned long start = (unsigned long)b, stop = start + size;
	unsigned long p0 = ALIGN(start + KA_HDR_SIZE, PAGE_SIZE);
	unsigned long p1 = ALIGN_DOWN(stop - KA_HDR_SIZE, PAGE_SIZE);

	if (p0 - KA_HDR_SIZE != start && p0 - KA_HDR_SIZE - start < min)
		p0 += PAGE_SIZE;
	if (p1 + KA_HDR_SIZE != stop && stop - p1 - KA_HDR_SIZE < min)
		p1 -= PAGE_SIZE;
	if (p1 < p0 + PAGE_SIZE)
		return false;
	*first = p0;
	*end = p1;
	return true;
}

/*
 * Walks the pages an empty carrier with holes still has, in address order,
 * a run at a time. Each run is worked out before it is returned, so the
 * caller may give a run back before asking for the next one.
 */
struct ka_hole_walk {
	const struct ka_block *next;	/* next block to read; NULL: none */
	unsigned long from, stop;	/* start of the current run; carrier end */
};

static inline void ka_hole_walk_init(struct ka_hole_walk *w, const struct ka_carrier *c)
{
	w->next = ka_crr_first(c);
	w->from = (unsigned long)c;
	w->stop = (unsigned long)c + c->size;
}

/* The next run the carrier kept, [*@start, *@end); false when there is none. */
static inline bool ka_hole_kept_next(struct ka_hole_walk *w, unsigned long *start,
				     unsigned long *end)
{
	const struct ka_block *b = w->next;

	while (b) {
		bool last = ka_blk_last(b);

		if (ka_blk_hole(b)) {
			*start = w->from;
			*end = ka_hole_first(b);
			w->from = ka_hole_end(b);
			w->next = last ? NULL : ka_blk_next(b);
			return true;
		}
		b = last ? NULL : ka_blk_next(b);
	}
	w->next = NULL;
	if (w->from >= w->stop)
		return false;
	*start = w->from;
	*end = w->stop;
	w->from = w->stop;
	return true;
}

#endif /* _KALLOC_HOLE_H */
