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
 *  - full[blk / KA_UNIT] is a stack of magazines whose blocks (at least one
 *    each, all cached) are of @blk bytes; @nr_full <= KA_DEPOT_FULL counts
 *    them, @blocks and @bytes <= KA_DEPOT_BYTES their blocks;
 *  - @empty is a stack of @nr_empty <= KA_DEPOT_EMPTY magazines holding no
 *    block.
 */
#ifndef _KALLOC_DEPOT_H
#define _KALLOC_DEPOT_H

#include "front.h"

#define KA_DEPOT_FULL	256		/* full magazines one depot keeps, all sizes together ... */
#define KA_DEPOT_BYTES	(4096 * 1024)	/* ... and the bytes of their blocks */
#define KA_DEPOT_EMPTY	32		/* empty magazines it keeps */

struct ka_mag_depot {
	struct ka_mag *full[KA_FRONT_SIZES];
	struct ka_mag *empty;
	unsigned int nr_full, nr_empty;
	unsigned long blocks, bytes;
};

/* A full magazine of @blk blocks, or NULL. */
static inline struct ka_mag *ka_depot_take_full(struct ka_mag_depot *d, unsigned int blk)
{
	struct ka_mag *m = d->full[blk / KA_UNIT];

	if (!m)
		return NULL;
	d->full[blk / KA_UNIT] = m->next;
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
	if (!m->count || !ka_depot_fits(d, (unsigned long)m->count * m->blk))
		return false;
	m->next = d->full[m->blk / KA_UNIT];
	d->full[m->blk / KA_UNIT] = m;
	d->nr_full++;
	d->blocks += m->count;
	d->bytes += (unsigned long)m->count * m->blk;
	return true;
}

/* Any full magazine (the largest blocks first, to give back the most memory), or NULL. */
static inline struct ka_mag *ka_depot_take_any_full(struct ka_mag_depot *d)
{
	unsigned int i;

	if (!d->nr_full)
		return NULL;
	for (i = KA_FRONT_SIZES; i-- > 0;)
		if (d->full[i])
			return ka_depot_take_full(d, i * KA_UNIT);
	return NULL;
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
