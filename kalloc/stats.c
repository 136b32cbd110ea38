// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots for the statistics views. Each step holds one instance's lock for
 * a bounded amount of work (a few carriers, at most KA_SCAN_BLOCKS blocks of
 * each) and finds its place again by carrier birth, so carriers made or
 * released between steps are simply seen or not, never touched after release.
 */
#include <linux/hash.h>
#include <linux/log2.h>

#include "pool.h"
#include "stats.h"

unsigned int ka_hist_bucket(size_t size, unsigned int first, unsigned int n)
{
	unsigned int b = size ? ilog2(size) : 0;

	if (b <= first)
		return 0;
	return min(b - first, n - 1);
}

/*
 * Calls @fn on each block of MBC @c, at most KA_SCAN_BLOCKS of them, as
 * instrument bounds its scans; returns the bytes left unscanned.
 */
static size_t walk_blocks(struct ka_carrier *c, void (*fn)(struct ka_block *b, void *arg),
			  void *arg)
{
	struct ka_block *b = ka_crr_first(c);
	unsigned int seen;

	for (seen = 1; seen <= KA_SCAN_BLOCKS; seen++) {
		fn(b, arg);
		if (ka_blk_last(b))
			return 0;
		b = ka_blk_next(b);
	}
	return (char *)ka_crr_end(c) - (char *)b;
}

static void count_free_block(struct ka_block *b, void *arg)
{
	struct ka_carrier_info *ci = arg;

	if (ka_blk_free(b))
		ci->free_hist[ka_hist_bucket(ka_blk_size(b), KA_FREE_HIST_FIRST,
					     KA_FREE_HIST)]++;
}

static void scan_carrier(struct ka_carrier *c, struct ka_carrier_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->birth = c->birth;
	ci->src = c->src;
	ci->sbc = ka_crr_sbc(c);
	ci->main = ka_crr_main(c);
	ci->size = c->size;
	ci->used_size = c->used_size;
	ci->used_blocks = c->used_blocks;
	ci->given_back = c->given_back;
	if (!ci->sbc)
		ci->unscanned = walk_blocks(c, count_free_block, ci);
}

unsigned int ka_stats_carriers(enum ka_class cls, int cpu, bool sbc, u64 *after,
			       struct ka_carrier_info *out, unsigned int n)
{
	struct ka_pcpu *pc = ka_class_states[cls].pcpu[cpu];
	unsigned int got = 0;
	struct ka_carrier *c;
	unsigned long flags;

	spin_lock_irqsave(&pc->lock, flags);
	/* Each list is in birth order: carriers are added at its tail. */
	list_for_each_entry(c, sbc ? &pc->inst.sbcs : &pc->inst.mbcs, link) {
		if (c->birth <= *after)
			continue;
		if (got == n)
			break;
		scan_carrier(c, &out[got++]);
		*after = c->birth;
	}
	spin_unlock_irqrestore(&pc->lock, flags);
	return got;
}

static void scan_pooled(struct ka_carrier *c, void *arg)
{
	struct ka_carrier_info *ci = arg;

	scan_carrier(c, ci);
	ci->pooled = true;
}

unsigned int ka_stats_pooled_carriers(enum ka_class cls, int cpu, u64 *after,
				      struct ka_carrier_info *out, unsigned int n)
{
	struct ka_pcpu *pc = ka_class_states[cls].pcpu[cpu];
	unsigned int got = 0;

	while (got < n) {
		out[got].pooled = false;
		if (!ka_pool_visit_next(pc, after, scan_pooled, &out[got]))
			break;
		/* one fetched between the search and the hold is left out */
		if (out[got].pooled)
			got++;
	}
	return got;
}

void ka_stats_instance(enum ka_class cls, int cpu, struct ka_inst_stats *st,
		       struct ka_pcpu_counts *dd, bool reset)
{
	struct ka_pcpu *pc = ka_class_states[cls].pcpu[cpu];
	unsigned long flags;

	spin_lock_irqsave(&pc->lock, flags);
	if (reset)
		ka_inst_stats_read(&pc->inst, st);
	else
		*st = pc->inst.st;
	dd->drained = pc->rq.drained;
	dd->pool = pc->mg.calls;
	spin_unlock_irqrestore(&pc->lock, flags);
	dd->queued = atomic64_read(&pc->rq.queued);
	dd->kicks = atomic64_read(&pc->rq.kicks);
	dd->pooled_blocks = atomic_long_read(&pc->mg.pooled.blocks);
	dd->pooled_blocks_size = atomic_long_read(&pc->mg.pooled.blocks_size);
	dd->pooled_carriers = atomic_long_read(&pc->mg.pooled.carriers);
	dd->pooled_carriers_size = atomic_long_read(&pc->mg.pooled.carriers_size);
	dd->pooled_given_back = atomic_long_read(&pc->mg.pooled.given_back);
	ka_stats_front(&ka_class_states[cls], cpu, dd);
}

/*
 * The front cache of @cpu for @cs, read without its lock (only its CPU may
 * take it): each figure is one the cache had, the set may be a moment apart.
 */
void ka_stats_front(struct ka_class_state *cs, int cpu, struct ka_pcpu_counts *dd)
{
	const struct ka_front *f;

	dd->cached_blocks = 0;
	dd->cached_bytes = 0;
	memset(&dd->front, 0, sizeof(dd->front));
	if (!cs->front)
		return;
	f = &per_cpu_ptr(cs->front, cpu)->f;
	dd->cached_blocks = READ_ONCE(f->blocks);
	dd->cached_bytes = READ_ONCE(f->bytes);
	dd->front.hits = READ_ONCE(f->n.hits);
	dd->front.swaps = READ_ONCE(f->n.swaps);
	dd->front.refills = READ_ONCE(f->n.refills);
	dd->front.refilled = READ_ONCE(f->n.refilled);
	dd->front.flushes = READ_ONCE(f->n.flushes);
	dd->front.flushed = READ_ONCE(f->n.flushed);
}

struct count_arg {
	struct ka_alloc_table *t;
	enum ka_class cls;
};

static void count_block(struct ka_block *b, void *arg)
{
	struct ka_alloc_table *t = ((struct count_arg *)arg)->t;
	enum ka_class cls = ((struct count_arg *)arg)->cls;
	unsigned int tid, i, slot;
	unsigned long origin;
	struct ka_alloc_entry *e;

	/* a cached block is in no user's hands: its type id is a former user's */
	if (ka_blk_free(b) || ka_blk_cached(b))
		return;
	tid = ka_blk_tid(b);
	if (!tid)
		return;		/* untyped blocks are the tests' own */
	origin = ka_inst_block_origin(ka_blk_payload(b));
	slot = hash_long(origin ^ ((unsigned long)tid << 7), 32) % t->slots;
	for (i = 0; i < t->slots; i++) {
		e = &t->e[(slot + i) % t->slots];
		if (!e->tid) {
			e->tid = tid;
			e->origin = origin;
			e->cls = cls;
		}
		if (e->tid == tid && e->origin == origin) {
			e->count++;
			e->size += ka_blk_size(b);
			e->hist[ka_hist_bucket(ka_blk_size(b), KA_ALLOC_HIST_FIRST,
					       KA_ALLOC_HIST)]++;
			return;
		}
	}
	t->dropped++;
}

/* Counts the allocated blocks of the first carrier born after *@after; false when none is left. */
static bool count_next_carrier(struct ka_alloc_table *t, enum ka_class cls, int cpu, bool sbc,
			       u64 *after)
{
	struct ka_pcpu *pc = ka_class_states[cls].pcpu[cpu];
	struct count_arg arg = { t, cls };
	struct ka_carrier *c, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&pc->lock, flags);
	list_for_each_entry(c, sbc ? &pc->inst.sbcs : &pc->inst.mbcs, link) {
		if (c->birth > *after) {
			found = c;
			break;
		}
	}
	if (found) {
		*after = found->birth;
		if (sbc)
			count_block(ka_crr_first(found), &arg);
		else
			t->unscanned += walk_blocks(found, count_block, &arg);
	}
	spin_unlock_irqrestore(&pc->lock, flags);
	return found;
}

static void count_pooled(struct ka_carrier *c, void *arg)
{
	struct count_arg *ca = arg;

	ca->t->unscanned += walk_blocks(c, count_block, ca);
}

/* Walks every instance, one carrier per hold of its lock, then the pooled carriers it owns. */
void ka_stats_allocations(struct ka_alloc_table *t)
{
	enum ka_class cls;
	int cpu, sbc;
	u64 after;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		struct count_arg arg = { t, cls };

		if (!ka_class_enabled(cls))
			continue;
		for_each_possible_cpu(cpu) {
			for (sbc = 0; sbc < 2; sbc++) {
				after = 0;
				while (count_next_carrier(t, cls, cpu, sbc, &after))
					cond_resched();
			}
			after = 0;
			while (ka_pool_visit_next(ka_class_states[cls].pcpu[cpu], &after,
						  count_pooled, &arg))
				cond_resched();
		}
	}
}
