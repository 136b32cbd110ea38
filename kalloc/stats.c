// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots for the statistics views. Each step holds one instance's lock for
 * at most KA_HOLD_WORK blocks and keeps its place with a cursor in the
 * carrier list (instance.h) and an offset in the carrier, so carriers made
 * or released between steps are simply seen or not, never touched after
 * release, and blocks that merged meanwhile are counted as they are found.
 */
#include <linux/hash.h>
#include <linux/log2.h>

#include "internal.h"
#include "pool.h"
#include "pcpu/depot.h"
#include "stats.h"

unsigned int ka_hist_bucket(size_t size, unsigned int first, unsigned int n)
{
	unsigned int b = size ? ilog2(size) : 0;

	if (b <= first)
		return 0;
	return min(b - first, n - 1);
}

#define KA_WALK_DONE	SIZE_MAX

/*
 * Calls @fn on up to @n blocks of MBC @c, from the first block starting at
 * or after offset *@at (from ka_crr_first(); blocks may have merged since
 * the last call). *@at becomes where the next call goes on, KA_WALK_DONE
 * past the last block. Returns the blocks seen.
 */
static unsigned int walk_blocks(struct ka_carrier *c, size_t *at, unsigned int n,
				void (*fn)(struct ka_block *b, void *arg), void *arg)
{
	struct ka_block *b = ka_mbc_start_from(c, *at);
	unsigned int seen = 0;

	if (!b) {
		*at = KA_WALK_DONE;
		return 0;
	}
	while (seen < n) {
		fn(b, arg);
		seen++;
		if (ka_blk_last(b)) {
			*at = KA_WALK_DONE;
			return seen;
		}
		b = ka_blk_next(b);
	}
	*at = (char *)b - (char *)ka_crr_first(c);
	return seen;
}

/*
 * The next carrier of @pc's MBC or SBC list after cursor @cur: @crr_fn on
 * it, then @blk_fn on each of its blocks, at most KA_SCAN_BLOCKS of them
 * (as instrument), @per_hold per hold of the lock; bytes not walked
 * (past the limit, or the carrier left the instance between two holds) go
 * to *@unscanned. False at the list's end, where @cur leaves the list.
 */
static bool walk_next_carrier(struct ka_pcpu *pc, bool sbc, struct ka_carrier *cur,
			      void (*crr_fn)(struct ka_carrier *c, void *arg),
			      void (*blk_fn)(struct ka_block *b, void *arg), void *arg,
			      unsigned int per_hold, size_t *unscanned)
{
	struct list_head *list = sbc ? &pc->inst.sbcs : &pc->inst.mbcs;
	unsigned int scanned = 0;
	struct ka_carrier *c;
	unsigned long flags;
	size_t at = 0, room;

	spin_lock_irqsave(&pc->lock, flags);
	c = ka_crr_cursor_next(list, cur);
	if (!c) {
		ka_crr_cursor_done(cur);
		spin_unlock_irqrestore(&pc->lock, flags);
		return false;
	}
	crr_fn(c, arg);
	if (sbc) {
		blk_fn(ka_crr_first(c), arg);
		spin_unlock_irqrestore(&pc->lock, flags);
		return true;
	}
	room = (char *)ka_crr_end(c) - (char *)ka_crr_first(c);
	for (;;) {
		scanned += walk_blocks(c, &at, min_t(unsigned int, per_hold,
						     KA_SCAN_BLOCKS - scanned), blk_fn, arg);
		if (at == KA_WALK_DONE)
			break;
		if (scanned >= KA_SCAN_BLOCKS) {
			*unscanned += room - at;
			break;
		}
		spin_unlock_irqrestore(&pc->lock, flags);
		cond_resched();
		spin_lock_irqsave(&pc->lock, flags);
		if (ka_crr_cursor_current(list, cur) != c) {
			*unscanned += room - at;
			break;
		}
	}
	spin_unlock_irqrestore(&pc->lock, flags);
	return true;
}

static void count_free_block(struct ka_block *b, void *arg)
{
	struct ka_carrier_info *ci = arg;

	if (ka_blk_free(b))
		ci->free_hist[ka_hist_bucket(ka_blk_size(b), KA_FREE_HIST_FIRST,
					     KA_FREE_HIST)]++;
}

static void scan_header(struct ka_carrier *c, void *arg)
{
	struct ka_carrier_info *ci = arg;

	memset(ci, 0, sizeof(*ci));
	ci->birth = c->birth;
	ci->src = c->src;
	ci->sbc = ka_crr_sbc(c);
	ci->main = ka_crr_main(c);
	ci->size = c->size;
	ci->used_size = c->used_size;
	ci->used_blocks = c->used_blocks;
	ci->given_back = c->given_back;
	ci->strategy = c->ix ? c->ix->strat->name : "-";
}

static void count_nothing(struct ka_block *b, void *arg)
{
}

bool ka_stats_next_carrier(enum ka_class cls, int cpu, bool sbc, struct ka_carrier *cur,
			   struct ka_carrier_info *ci)
{
	struct ka_pcpu *pc = ka_pcpu_peek(&ka_class_states[cls], cpu);
	size_t unscanned = 0;

	if (!pc)
		return false;
	if (!walk_next_carrier(pc, sbc, cur, scan_header, sbc ? count_nothing : count_free_block,
			       ci, KA_HOLD_WORK, &unscanned))
		return false;
	ci->unscanned = unscanned;
	return true;
}

/*
 * A pooled carrier's walk, resumed in each hold of its owner's lock
 * (ka_pool_visit_next()): @per_hold blocks at a time, KA_SCAN_BLOCKS in all.
 */
struct pooled_walk {
	void (*blk_fn)(struct ka_block *b, void *arg);
	void *arg;
	unsigned int per_hold, scanned;
	size_t at, room;
	bool started;
};

static bool pooled_step(struct ka_carrier *c, struct pooled_walk *w)
{
	if (!w->started) {
		w->started = true;
		w->room = (char *)ka_crr_end(c) - (char *)ka_crr_first(c);
	}
	w->scanned += walk_blocks(c, &w->at, min_t(unsigned int, w->per_hold,
						   KA_SCAN_BLOCKS - w->scanned), w->blk_fn, w->arg);
	return w->at == KA_WALK_DONE || w->scanned >= KA_SCAN_BLOCKS;
}

/* Bytes a pooled walk did not reach: past the limit, or the carrier left the pool. */
static size_t pooled_unscanned(const struct pooled_walk *w)
{
	return w->started && w->at != KA_WALK_DONE ? w->room - w->at : 0;
}

struct scan_pooled_arg {
	struct ka_carrier_info *ci;
	struct pooled_walk w;
};

static bool scan_pooled(struct ka_carrier *c, void *arg)
{
	struct scan_pooled_arg *sp = arg;

	if (!sp->w.started) {
		scan_header(c, sp->ci);
		sp->ci->pooled = true;
	}
	return pooled_step(c, &sp->w);
}

unsigned int ka_stats_pooled_carriers(enum ka_class cls, int cpu, u64 *after,
				      struct ka_carrier_info *out, unsigned int n)
{
	struct ka_pcpu *pc = ka_pcpu_peek(&ka_class_states[cls], cpu);
	unsigned int got = 0;

	if (!pc)
		return 0;
	while (got < n) {
		struct scan_pooled_arg sp = {
			.ci = &out[got],
			.w = { .blk_fn = count_free_block, .arg = &out[got],
			       .per_hold = KA_HOLD_WORK },
		};

		out[got].pooled = false;
		if (!ka_pool_visit_next(pc, after, scan_pooled, &sp))
			break;
		/* one fetched between the search and the hold is left out */
		if (out[got].pooled) {
			out[got].unscanned = pooled_unscanned(&sp.w);
			got++;
		}
		cond_resched();
	}
	return got;
}

void ka_stats_instance(enum ka_class cls, int cpu, struct ka_inst_stats *st,
		       struct ka_pcpu_counts *dd)
{
	struct ka_pcpu *pc = ka_pcpu_peek(&ka_class_states[cls], cpu);
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	memset(dd, 0, sizeof(*dd));
	if (!pc)
		return;		/* the CPU never used the class: all zero */
	spin_lock_irqsave(&pc->lock, flags);
	*st = pc->inst.st;
	dd->drained = pc->rq.drained;
	dd->pool = pc->mg.calls;
	/* with the cache's own, read under the same hold: front_free() moves them */
	ka_stats_front(&ka_class_states[cls], cpu, dd);
	ka_front_counts_add(&dd->front, &pc->front_gone);
	spin_unlock_irqrestore(&pc->lock, flags);
	dd->queued = atomic64_read(&pc->rq.queued);
	dd->kicks = atomic64_read(&pc->rq.kicks);
	dd->pooled_blocks = atomic_long_read(&pc->mg.pooled.blocks);
	dd->pooled_blocks_size = atomic_long_read(&pc->mg.pooled.blocks_size);
	dd->pooled_carriers = atomic_long_read(&pc->mg.pooled.carriers);
	dd->pooled_carriers_size = atomic_long_read(&pc->mg.pooled.carriers_size);
	dd->pooled_given_back = atomic_long_read(&pc->mg.pooled.given_back);
}

void ka_stats_last_max_reset(enum ka_class cls)
{
	struct ka_pcpu *pc;
	unsigned long flags;
	int cpu;

	for_each_possible_cpu(cpu) {
		pc = ka_pcpu_peek(&ka_class_states[cls], cpu);
		if (!pc)
			continue;
		spin_lock_irqsave(&pc->lock, flags);
		ka_inst_last_max_reset(&pc->inst);
		spin_unlock_irqrestore(&pc->lock, flags);
	}
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
	/* a cache that emptied is freed after a grace period (cpu_front.c) */
	rcu_read_lock();
	f = READ_ONCE(per_cpu_ptr(cs->front, cpu)->f);
	dd->cached_blocks = READ_ONCE(f->blocks);
	dd->cached_bytes = READ_ONCE(f->bytes);
	dd->front.hits = READ_ONCE(f->n.hits);
	dd->front.swaps = READ_ONCE(f->n.swaps);
	dd->front.refills = READ_ONCE(f->n.refills);
	dd->front.refilled = READ_ONCE(f->n.refilled);
	dd->front.flushes = READ_ONCE(f->n.flushes);
	dd->front.flushed = READ_ONCE(f->n.flushed);
	rcu_read_unlock();
}

/* A CPU's front cache of @cs: whether it has memory, and how many magazines. */
static bool front_own(struct ka_class_state *cs, int cpu, unsigned int *mags)
{
	const struct ka_front *f;
	bool own;
	int i;

	rcu_read_lock();
	f = READ_ONCE(per_cpu_ptr(cs->front, cpu)->f);
	own = f != &ka_front_none;
	for (i = 0; own && i < KA_FRONT_BINS; i++)
		*mags += !!READ_ONCE(f->bin[i].loaded) + !!READ_ONCE(f->bin[i].spare);
	rcu_read_unlock();
	return own;
}

void ka_stats_own(struct ka_own_stats *o)
{
	size_t box = kmalloc_size_roundup(sizeof(struct ka_front_box));
	size_t mag = kmalloc_size_roundup(sizeof(struct ka_mag));
	enum ka_class cls;
	int cpu, node;

	memset(o, 0, sizeof(*o));
	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		struct ka_class_state *cs = &ka_class_states[cls];

		if (!cs->enabled)
			continue;
		o->percpu_bytes += nr_cpu_ids * sizeof(*cs->pcpu);
		if (cs->front)
			o->percpu_bytes += num_possible_cpus() * sizeof(struct ka_pcpu_front);
		for_each_possible_cpu(cpu) {
			struct ka_pcpu *pc = ka_pcpu_peek(cs, cpu);

			if (pc) {
				o->instances++;
				o->instances_bytes += kmem_cache_size(cs->inst_cache);
				/* the indexes of strategies taken since load */
				ka_pcpu_lock(pc);
				o->instances_bytes += ka_inst_index_bytes(&pc->inst);
				ka_pcpu_unlock(pc);
			}
			if (cs->front && front_own(cs, cpu, &o->magazines))
				o->fronts++;
		}
		if (!cs->depot)
			continue;
		o->depots_bytes += nr_node_ids * sizeof(*cs->depot);
		for_each_node(node) {
			struct ka_depot_counts dc;

			if (!READ_ONCE(cs->depot[node]))
				continue;
			o->depots_bytes += kmalloc_size_roundup(sizeof(struct ka_depot));
			ka_depot_counts(cs, node, &dc);
			o->magazines += dc.full + dc.empty;
		}
	}
	o->fronts_bytes = o->fronts * box;
	o->magazines_bytes = o->magazines * mag;
	o->registry_bytes = READ_ONCE(ka_registry_pages) * PAGE_SIZE;
	o->types_bytes = ka_types_own_bytes(&o->types);
	o->total = o->instances_bytes + o->fronts_bytes + o->magazines_bytes + o->types_bytes +
		   o->percpu_bytes + o->depots_bytes + o->registry_bytes;
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
	for (i = 0; i < min(t->slots, KA_ALLOC_PROBE); i++) {
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

/* A block counted is a hash and a probe of the table: a quarter of the blocks per hold. */
#define KA_COUNT_PER_HOLD	(KA_HOLD_WORK / 4)

static void count_nothing_crr(struct ka_carrier *c, void *arg)
{
}

static bool count_pooled(struct ka_carrier *c, void *arg)
{
	return pooled_step(c, arg);
}

/*
 * Walks every instance, KA_HOLD_WORK blocks per hold of its lock, then the
 * pooled carriers it owns.
 */
void ka_stats_allocations(struct ka_alloc_table *t)
{
	struct ka_carrier cur;
	enum ka_class cls;
	size_t unscanned;
	int cpu, sbc;
	u64 after;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		struct count_arg arg = { t, cls };

		if (!ka_class_enabled(cls))
			continue;
		for_each_possible_cpu(cpu) {
			struct ka_pcpu *pc = ka_pcpu_peek(&ka_class_states[cls], cpu);

			if (!pc)
				continue;
			for (sbc = 0; sbc < 2; sbc++) {
				ka_crr_cursor_init(&cur);
				unscanned = 0;
				while (walk_next_carrier(pc, sbc, &cur, count_nothing_crr,
							 count_block, &arg, KA_COUNT_PER_HOLD,
							 &unscanned))
					cond_resched();
				t->unscanned += unscanned;
			}
			after = 0;
			for (;;) {
				struct pooled_walk w = {
					.blk_fn = count_block, .arg = &arg,
					.per_hold = KA_COUNT_PER_HOLD,
				};

				if (!ka_pool_visit_next(pc, &after, count_pooled, &w))
					break;
				t->unscanned += pooled_unscanned(&w);
				cond_resched();
			}
		}
	}
}
