// SPDX-License-Identifier: GPL-2.0
/*
 * Memory pressure: one shrinker for everything kalloc holds beyond its live
 * blocks. In the order a scan takes them:
 *
 * - the CPUs' front caches, asked to give their blocks back (on their own
 *   CPUs, shortly after: the blocks free into their carriers, which may
 *   empty and go to the segment cache, for the next scan to find);
 * - the segment cache: the only place empty carriers wait (an MBC that
 *   empties goes back at once, the main carrier excepted, which is small and
 *   from kmalloc), oldest segments first;
 * - the whole free pages inside carriers (hole.h), whatever acful says,
 *   instance by instance, oldest carriers first.
 *
 * NUMA-aware: reclaim for a node counts and frees what that node's CPUs'
 * instances and caches hold, and the segments cached on it. A scan frees at
 * most nr_to_scan pages (the front caches' blocks are counted as asked, not
 * as pages). It never sleeps: each instance is locked, interrupts off, for
 * KA_HOLD_WORK of the walk of its carriers' blocks at a time, and instances
 * with an allocation sleeping in a source (whose carriers must stay put)
 * are skipped.
 * Pooled carriers are swept by their owners, each held BUSY meanwhile
 * (pool.c), as a free into one is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "compat.h"
#include "pcpu/cpu_front.h"
#include "core/hole.h"
#include "internal.h"
#include "pool.h"
#include "reclaim.h"

static struct shrinker *ka_shrinker;
static DEFINE_SPINLOCK(ka_reclaim_lock);
static struct ka_reclaim_stats ka_reclaim_st;

static bool on_node(int cpu, int nid)
{
	return nid == NUMA_NO_NODE || cpu_to_node(cpu) == nid;
}

/* Free pages in @pc's segment carriers and own pooled ones: an estimate read without its lock. */
static unsigned long free_estimate(struct ka_pcpu *pc)
{
	const struct ka_carrier_stats *cs = &pc->inst.st.mbc;
	u64 seg = READ_ONCE(cs->src_carriers_size[KA_SRC_SEG]);
	u64 given = READ_ONCE(cs->given_back.cur), all = READ_ONCE(cs->carriers_size.cur);
	u64 used = READ_ONCE(cs->blocks_size.cur), room = 0;
	long pooled = atomic_long_read(&pc->mg.pooled.carriers_size) -
		      atomic_long_read(&pc->mg.pooled.blocks_size) -
		      atomic_long_read(&pc->mg.pooled.given_back);

	if (all >= given + used && seg >= given)
		room = min(all - given - used, seg - given);
	if (pooled > 0)
		room += pooled;
	return room >> PAGE_SHIFT;
}

static unsigned long free_pages_held(int nid)
{
	unsigned long pages = 0;
	enum ka_class cls;
	int cpu;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		struct ka_class_state *cs = &ka_class_states[cls];

		if (!cs->enabled)
			continue;
		for_each_possible_cpu(cpu)
			if (on_node(cpu, nid) && ka_pcpu_peek(cs, cpu))
				pages += free_estimate(cs->pcpu[cpu]);
	}
	return pages;
}

/*
 * Up to @pages free pages of @pc's carriers, then of its own pooled ones,
 * in holds of KA_HOLD_WORK each; none while an allocation sleeps in a
 * source (its carriers must stay put). The pages given.
 */
static unsigned long give_instance_pages(struct ka_pcpu *pc, unsigned long pages)
{
	unsigned long given = 0, got, visits = 0;
	struct ka_carrier cur;
	unsigned int work;
	bool carriers_done = false, done;

	ka_crr_cursor_init(&cur);
	do {
		work = KA_HOLD_WORK;
		ka_pcpu_lock(pc);
		if (pc->pl.sleepers) {
			done = true;
		} else if (!carriers_done) {
			got = ka_hole_sweep(&pc->inst, &cur, false, (pages - given) << PAGE_SHIFT,
					    &work);
			given += got >> PAGE_SHIFT;
			carriers_done = work > 0;
			done = given >= pages;
			/* each pooled carrier it owns once */
			visits = atomic_long_read(&pc->mg.pooled.carriers);
		} else {
			got = ka_pool_give_back(pc, (pages - given) << PAGE_SHIFT, &work, &visits);
			given += got >> PAGE_SHIFT;
			done = work > 0 || !visits || given >= pages;
		}
		if (done || carriers_done)
			ka_crr_cursor_done(&cur);
		ka_pcpu_unlock(pc);
	} while (!done);
	return given;
}

/* Gives back up to @pages free pages of @nid's instances; the pages given. */
static unsigned long give_free_pages(int nid, unsigned long pages)
{
	unsigned long given = 0;
	enum ka_class cls;
	int cpu;

	for (cls = 0; cls < KA_NR_CLASSES && given < pages; cls++) {
		struct ka_class_state *cs = &ka_class_states[cls];

		if (!cs->enabled)
			continue;
		for_each_possible_cpu(cpu) {
			struct ka_pcpu *pc = ka_pcpu_peek(cs, cpu);

			if (given >= pages)
				break;
			if (!on_node(cpu, nid) || !pc || !free_estimate(pc))
				continue;
			given += give_instance_pages(pc, pages - given);
		}
	}
	return given;
}

static unsigned long reclaim_count(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long n = ka_front_reclaimable(sc->nid) +
			  ka_seg_reclaimable(&ka_seg_global, sc->nid) + free_pages_held(sc->nid);

	return n ?: SHRINK_EMPTY;
}

static unsigned long reclaim_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long want = max(sc->nr_to_scan, 1UL), asked, seg, holes = 0, flags;

	asked = ka_front_reclaim(sc->nid, want);
	seg = ka_seg_reclaim(&ka_seg_global, sc->nid, want);
	if (seg < want)
		holes = give_free_pages(sc->nid, want - seg);

	spin_lock_irqsave(&ka_reclaim_lock, flags);
	ka_reclaim_st.scans++;
	ka_reclaim_st.asked += want;
	ka_reclaim_st.front_blocks += asked;
	ka_reclaim_st.seg_pages += seg;
	ka_reclaim_st.free_pages += holes;
	spin_unlock_irqrestore(&ka_reclaim_lock, flags);

	sc->nr_scanned = seg + holes + asked;
	return seg + holes ?: (asked ? 0 : SHRINK_STOP);
}

/**
 * ka_reclaim() - what kalloc's shrinker does for a scan
 * @nid: the node (NUMA_NO_NODE: every node)
 * @nr_to_scan: pages wanted
 *
 * Context: process context; does not sleep.
 * Return: the pages freed now (segments and free pages; front caches give
 * theirs back shortly after).
 */
unsigned long ka_reclaim(int nid, unsigned long nr_to_scan)
{
	struct shrink_control sc = {
		.gfp_mask = GFP_KERNEL, .nid = nid, .nr_to_scan = nr_to_scan,
	};
	unsigned long freed = reclaim_scan(ka_shrinker, &sc);

	return freed == SHRINK_STOP ? 0 : freed;
}

/**
 * ka_reclaim_count() - what kalloc's shrinker counts
 * @nid: the node (NUMA_NO_NODE: every node)
 *
 * Context: any but NMI.
 * Return: front-cache blocks, cached segment pages and free pages in carriers.
 */
unsigned long ka_reclaim_count(int nid)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nid = nid };
	unsigned long n = reclaim_count(ka_shrinker, &sc);

	return n == SHRINK_EMPTY ? 0 : n;
}

void ka_reclaim_stats_read(struct ka_reclaim_stats *out)
{
	unsigned long flags;

	spin_lock_irqsave(&ka_reclaim_lock, flags);
	*out = ka_reclaim_st;
	spin_unlock_irqrestore(&ka_reclaim_lock, flags);
}

int ka_reclaim_init(void)
{
	ka_shrinker = ka_shrinker_create(reclaim_count, reclaim_scan, NULL, "kalloc",
					 SHRINKER_NUMA_AWARE);
	if (!ka_shrinker)
		pr_warn("no shrinker: memory goes back only over time and by acful\n");
	return 0;
}

void ka_reclaim_exit(void)
{
	if (ka_shrinker)
		ka_shrinker_destroy(ka_shrinker);
	ka_shrinker = NULL;
}
