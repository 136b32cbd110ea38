/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A depot of magazines (Bonwick & Adams's magazine layer; SLUB's barn):
 * full magazines by block size and empty ones, between the front caches of
 * several CPUs and their instances. The data structure and its trades with a
 * front cache, no locks and no nodes: the per-CPU layer keeps one per NUMA
 * node and class under a spinlock (pcpu/depot.c), the user-space build one
 * per front cache, and both trade through the same code.
 * Documentation/front.rst.
 *
 * Invariants:
 *  - each of @full with a @top is a stack of magazines whose blocks (at
 *    least one each, all cached) are of its @blk bytes, no two stacks of the
 *    same size; @nr_full <= KA_DEPOT_FULL counts them, @blocks and @bytes <=
 *    KA_DEPOT_BYTES their blocks;
 *  - @empty is a stack of @nr_empty <= KA_DEPOT_EMPTY magazines holding no
 *    block.
 */
#ifndef _KALLOC_DEPOT_H
#define _KALLOC_DEPOT_H

#include "front.h"

#define KA_DEPOT_FULL	256		/* full magazines one depot keeps, all sizes together ... */
#define KA_DEPOT_BYTES	(4096 * 1024)	/* ... and the bytes of their blocks */
#define KA_DEPOT_EMPTY	32		/* empty magazines it keeps */
/*
 * Block sizes it holds at once: a front cache has 16 bins, and the CPUs of a
 * node mostly cache the same sizes. A stack per size of every possible size
 * would make a depot 2 KiB, one per node and class, used or not.
 */
#define KA_DEPOT_SIZES	16

struct ka_depot_stack {
	unsigned int blk;		/* meaningful while @top is set */
	struct ka_mag *top;
};

struct ka_mag_depot {
	struct ka_depot_stack full[KA_DEPOT_SIZES];
	struct ka_mag *empty;
	unsigned int nr_full, nr_empty;
	unsigned long blocks, bytes;
};

/* A full magazine of @blk blocks, or NULL. */
/* Where a stack of @blk blocks is looked for first: most depots hold few sizes. */
static inline unsigned int ka_depot_home(unsigned int blk)
{
	return (blk / KA_UNIT) % KA_DEPOT_SIZES;
}

/* The stack of magazines of @blk blocks, or NULL; a racy peek without the depot's lock. */
static inline struct ka_depot_stack *ka_depot_stack_of(struct ka_mag_depot *d, unsigned int blk)
{
	unsigned int i, at;

	for (i = 0, at = ka_depot_home(blk); i < KA_DEPOT_SIZES;
	     i++, at = (at + 1) % KA_DEPOT_SIZES)
		if (READ_ONCE(d->full[at].top) && READ_ONCE(d->full[at].blk) == blk)
			return &d->full[at];
	return NULL;
}

static inline struct ka_mag *ka_depot_take_full(struct ka_mag_depot *d, unsigned int blk)
{
	struct ka_depot_stack *st = ka_depot_stack_of(d, blk);
	struct ka_mag *m = st ? st->top : NULL;

	if (!m)
		return NULL;
	WRITE_ONCE(st->top, m->next);
	d->nr_full--;
	d->blocks -= m->count;
	d->bytes -= (unsigned long)m->count * blk;
	return m;
}

/* Whether a magazine of @bytes of blocks would fit. */
static inline bool ka_depot_fits(const struct ka_mag_depot *d, unsigned long bytes)
{
	return d->nr_full < KA_DEPOT_FULL && d->bytes + bytes <= KA_DEPOT_BYTES;
}

/* Keeps @m, a magazine of m->blk blocks, unless the depot holds its most. */
static inline bool ka_depot_put_full(struct ka_mag_depot *d, struct ka_mag *m)
{
	struct ka_depot_stack *st;
	unsigned int i, at;

	if (!m->count || !ka_depot_fits(d, (unsigned long)m->count * m->blk))
		return false;
	st = ka_depot_stack_of(d, m->blk);
	for (i = 0, at = ka_depot_home(m->blk); !st && i < KA_DEPOT_SIZES;
	     i++, at = (at + 1) % KA_DEPOT_SIZES)
		if (!d->full[at].top)
			st = &d->full[at];
	if (!st)
		return false;		/* KA_DEPOT_SIZES other sizes held */
	WRITE_ONCE(st->blk, m->blk);
	m->next = st->top;
	WRITE_ONCE(st->top, m);
	d->nr_full++;
	d->blocks += m->count;
	d->bytes += (unsigned long)m->count * m->blk;
	return true;
}

/* Any full magazine (the largest blocks first, to give back the most memory), or NULL. */
static inline struct ka_mag *ka_depot_take_any_full(struct ka_mag_depot *d)
{
	unsigned int i, blk = 0;

	if (!d->nr_full)
		return NULL;
	for (i = 0; i < KA_DEPOT_SIZES; i++)
		if (d->full[i].top && d->full[i].blk > blk)
			blk = d->full[i].blk;
	return blk ? ka_depot_take_full(d, blk) : NULL;
}

static inline struct ka_mag *ka_depot_take_empty(struct ka_mag_depot *d)
{
	struct ka_mag *m = d->empty;

	if (m) {
		d->empty = m->next;
		d->nr_empty--;
	}
	return m;
}

/* Keeps @m, an empty magazine, unless the depot holds its most: false, the caller frees it. */
static inline bool ka_depot_put_empty(struct ka_mag_depot *d, struct ka_mag *m)
{
	if (d->nr_empty >= KA_DEPOT_EMPTY)
		return false;
	m->count = 0;
	m->next = d->empty;
	d->empty = m;
	d->nr_empty++;
	return true;
}

/*
 * A trade for a front cache whose magazines of @blk are both empty
 * (ka_front_wants_full()): a full magazine of @d becomes its loaded one.
 * True if it did; *@drop is then an empty magazine @d could not keep, for
 * the caller to free (after letting go of @d's lock).
 */
static inline bool ka_depot_load_into(struct ka_mag_depot *d, struct ka_front *f,
				      unsigned int blk, struct ka_mag **drop)
{
	struct ka_mag *full = ka_depot_take_full(d, blk), *back;

	*drop = NULL;
	if (!full)
		return false;
	back = ka_front_load_full(f, blk, full);
	if (back == full) {		/* the cache's byte bound refused it */
		ka_depot_put_full(d, full);
		return false;
	}
	if (back && !ka_depot_put_empty(d, back))
		*drop = back;
	return true;
}

/*
 * A trade for a front cache whose magazines of @blk are both full
 * (ka_front_both_full()): its loaded magazine goes into @d for an empty one.
 * False if @d has no room or no empty magazine can be had.
 */
static inline bool ka_depot_unload_from(struct ka_mag_depot *d, struct ka_front *f,
					unsigned int blk)
{
	struct ka_mag *empty;

	if (!ka_depot_fits(d, (unsigned long)ka_front_loaded(f, blk)->count * blk))
		return false;
	empty = ka_depot_take_empty(d);
	if (!empty)
		empty = ka_core_mag_alloc(sizeof(*empty));
	if (!empty)
		return false;
	ka_depot_put_full(d, ka_front_unload_full(f, blk, empty));
	return true;
}

#endif /* _KALLOC_DEPOT_H */
