// SPDX-License-Identifier: GPL-2.0
/*
 * The segment source (erts's mseg_alloc).
 *
 * A segment is taken, in order, from the segment cache (a freed segment that
 * fits within amcbf and rmcbf, best fit, on the asking node), from the super
 * carrier when there is one, and, unless sco says the super carrier only, from
 * the page allocator, or vmalloc when the page allocator cannot serve the
 * size and the caller's flags allow it: it may sleep and did not pass
 * __GFP_NORETRY (ka_vmem_allowed()). Freed segments go to the cache (the oldest
 * is evicted when it is full); a delayed work releases cached segments that
 * stayed unused for trim_ms, one per period as erts does, and kalloc's
 * shrinker (reclaim.c) releases them, oldest first, under memory pressure.
 * A segment leaves the cache for good only after the grace period that
 * began when it was cached.
 *
 * One spinlock, taken with interrupts off, covers the cache, the super carrier
 * and the statistics; memory is never allocated or freed under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/vmalloc.h>

#include "../compat.h"
#include "../core/hole.h"
#include "pages.h"
#include "seg.h"

void ka_seg_params_default(struct ka_seg_params *p)
{
	*p = (struct ka_seg_params) {
		.mcs = 10,
		.amcbf = 4096 * 1024,
		.rmcbf = 20,
		.scs = 0,
		.sco = true,
		.trim_ms = 1000,
	};
}

static int seg_node(void *mem)
{
	return is_vmalloc_addr(mem) ? page_to_nid(vmalloc_to_page(mem))
				    : page_to_nid(virt_to_page(mem));
}

/* Give memory of a segment back to where it came from (not under the lock). */
static void seg_release(void *mem, size_t size)
{
	if (is_vmalloc_addr(mem))
		ka_vmem_free(mem);
	else
		ka_pages_free(mem, size);
}

static bool cache_fits(const struct ka_seg *seg, size_t have, size_t want)
{
	size_t over = have - want;

	return have >= want && over <= seg->p.amcbf && over * 100 <= (size_t)seg->p.rmcbf * want;
}

/* Takes entry @i out of the cache into *@out. */
static void cache_remove(struct ka_seg *seg, unsigned int i, struct ka_seg_cached *out)
{
	lockdep_assert_held(&seg->lock);
	*out = seg->cache[i];
	memmove(&seg->cache[i], &seg->cache[i + 1],
		(seg->ncached - i - 1) * sizeof(seg->cache[0]));
	seg->ncached--;
	seg->st.cached--;
	seg->st.cached_size -= out->size;
}

/* Best-fitting cached segment for @size on @node, removed from the cache. */
static bool cache_take(struct ka_seg *seg, size_t size, int node, bool direct,
		       struct ka_seg_cached *out)
{
	unsigned int i, best = KA_MCS_MAX;

	lockdep_assert_held(&seg->lock);
	for (i = 0; i < seg->ncached; i++) {
		const struct ka_seg_cached *cs = &seg->cache[i];

		if (node != NUMA_NO_NODE && cs->node != node)
			continue;
		if (direct && is_vmalloc_addr(cs->mem))
			continue;
		if (cache_fits(seg, cs->size, size) &&
		    (best == KA_MCS_MAX || cs->size < seg->cache[best].size))
			best = i;
	}
	if (best == KA_MCS_MAX)
		return false;
	cache_remove(seg, best, out);
	return true;
}

/* Whether cached segment @cs may go back to the page allocator or vmalloc. */
static bool may_release(const struct ka_seg_cached *cs)
{
	return !cs->wait || poll_state_synchronize_rcu(cs->gp);
}

/* @wait: lookups may still read the segment until a grace period ends */
static void cache_add(struct ka_seg *seg, void *mem, size_t size, bool wait)
{
	lockdep_assert_held(&seg->lock);
	seg->cache[seg->ncached++] = (struct ka_seg_cached){
		.mem = mem, .size = size, .node = seg_node(mem), .since = jiffies,
		.wait = wait, .gp = wait ? get_state_synchronize_rcu() : 0,
	};
	seg->st.cached++;
	seg->st.cached_size += size;
}

static void count_out(struct ka_seg *seg, size_t size)
{
	struct ka_seg_stats *st = &seg->st;

	st->segments++;
	st->segments_size += size;
	st->segments_max = max(st->segments_max, st->segments);
	st->segments_size_max = max(st->segments_size_max, st->segments_size);
}

static void *seg_alloc(struct ka_source *src, size_t *sizep, unsigned int how, gfp_t gfp)
{
	struct ka_seg_handle *h = container_of(src, struct ka_seg_handle, src);
	struct ka_seg *seg = h->seg;
	size_t size = ALIGN(max_t(size_t, *sizep, KA_CARRIER_ALIGN), PAGE_SIZE);
	/* the direct map's memory only: no vmalloc, new, cached or super carrier */
	bool direct = how & KA_SRC_DIRECT;
	struct ka_seg_cached cs;
	unsigned long flags;
	void *mem = NULL;
	bool fallback = true;

	spin_lock_irqsave(&seg->lock, flags);
	seg->st.alloc_calls++;
	if (seg->p.mcs) {
		if (cache_take(seg, size, h->node, direct, &cs)) {
			seg->st.cache_hits++;
			size = cs.size;
			mem = cs.mem;
		} else {
			seg->st.cache_misses++;
		}
	}
	if (!mem && seg->sc.size && !direct) {
		mem = ka_sc_alloc(&seg->sc, size, how & KA_SRC_SBC);
		if (mem) {
			size = ALIGN(size, KA_SC_UNIT);
			seg->st.sc_segments++;
		}
		fallback = !seg->p.sco;
	}
	if (mem)
		count_out(seg, size);
	spin_unlock_irqrestore(&seg->lock, flags);
	if (mem) {
		*sizep = size;
		return mem;
	}
	if (!fallback)
		goto fail;

	if (size <= KA_PAGES_MAX) {
		gfp_t try = gfp;

		/* With vmalloc behind it, a large order need not work hard. */
		if (!direct && ka_vmem_allowed(gfp) && get_order(size) > PAGE_ALLOC_COSTLY_ORDER)
			try |= __GFP_NORETRY;
		mem = ka_pages_alloc(size, h->node, try);
	}
	if (!mem && !direct)
		mem = ka_vmem_alloc(size, h->node, gfp);
	if (!mem)
		goto fail;

	spin_lock_irqsave(&seg->lock, flags);
	count_out(seg, size);
	if (is_vmalloc_addr(mem))
		seg->st.vmalloc_segments++;
	else
		seg->st.page_segments++;
	spin_unlock_irqrestore(&seg->lock, flags);
	*sizep = size;
	return mem;

fail:
	spin_lock_irqsave(&seg->lock, flags);
	seg->st.failed++;
	spin_unlock_irqrestore(&seg->lock, flags);
	return NULL;
}

static void count_back(struct ka_seg *seg, size_t size)
{
	seg->st.free_calls++;
	seg->st.segments--;
	seg->st.segments_size -= size;
}

/* Caches @mem, evicting the oldest entry into *@victim if the cache is full. */
static void cache_put(struct ka_seg *seg, void *mem, size_t size, bool wait,
		      struct ka_seg_cached *victim)
{
	victim->mem = NULL;
	if (seg->ncached == seg->p.mcs)
		cache_remove(seg, 0, victim);
	cache_add(seg, mem, size, wait);
}

static void seg_free(struct ka_source *src, void *mem, size_t size)
{
	struct ka_seg *seg = container_of(src, struct ka_seg_handle, src)->seg;
	struct ka_seg_cached victim;
	unsigned long flags;

	spin_lock_irqsave(&seg->lock, flags);
	count_back(seg, size);
	if (ka_sc_owns(&seg->sc, mem)) {
		ka_sc_free(&seg->sc, mem, size);
		spin_unlock_irqrestore(&seg->lock, flags);
		return;
	}
	if (!seg->p.mcs || seg->dying) {
		spin_unlock_irqrestore(&seg->lock, flags);
		seg_release(mem, size);
		return;
	}
	/* The caller waited for a grace period, or (tests) nobody looks it up. */
	if (seg->ncached == seg->p.mcs && !may_release(&seg->cache[0])) {
		spin_unlock_irqrestore(&seg->lock, flags);
		seg_release(mem, size);		/* the oldest may not leave yet */
		return;
	}
	cache_put(seg, mem, size, false, &victim);
	spin_unlock_irqrestore(&seg->lock, flags);
	schedule_delayed_work(&seg->trim_work, msecs_to_jiffies(seg->p.trim_ms));
	if (victim.mem)
		seg_release(victim.mem, victim.size);
}

/*
 * A segment whose carrier was just released, while registry lookups may
 * still read its header: cached at once, left untouched, if the cache takes
 * it and no segment must leave the cache before its grace period ends to
 * make room. False: the caller gives it back after a grace period instead.
 * This is what lets a loop of large allocations reuse one segment.
 */
bool ka_seg_cache_now(struct ka_source *src, void *mem, size_t size)
{
	struct ka_seg *seg = container_of(src, struct ka_seg_handle, src)->seg;
	struct ka_seg_cached victim = {};
	unsigned long flags;
	bool cached = false;

	spin_lock_irqsave(&seg->lock, flags);
	if (seg->p.mcs && !seg->dying && !ka_sc_owns(&seg->sc, mem) &&
	    (seg->ncached < seg->p.mcs || may_release(&seg->cache[0]))) {
		count_back(seg, size);
		cache_put(seg, mem, size, true, &victim);
		cached = true;
	}
	spin_unlock_irqrestore(&seg->lock, flags);
	if (cached)
		schedule_delayed_work(&seg->trim_work, msecs_to_jiffies(seg->p.trim_ms));
	if (victim.mem)
		seg_release(victim.mem, victim.size);
	return cached;
}

/* The oldest cached segment on @nid (any: NUMA_NO_NODE) that may go now; ncached if none. */
static unsigned int oldest_releasable(const struct ka_seg *seg, int nid)
{
	unsigned int i;

	for (i = 0; i < seg->ncached; i++)
		if ((nid == NUMA_NO_NODE || seg->cache[i].node == nid) &&
		    may_release(&seg->cache[i]))
			break;
	return i;
}

/*
 * Releases up to @nr cached segments of node @nid, oldest first; with
 * @idle_ms, only those cached at least that long; with @pages_max, stops
 * once that many pages went. Returns the pages released.
 */
static unsigned long release_cached(struct ka_seg *seg, int nid, unsigned long nr,
				    unsigned int idle_ms, unsigned long pages_max)
{
	unsigned long pages = 0, flags;
	struct ka_seg_cached cs;
	unsigned int i;
	bool got;

	while (nr-- && pages < pages_max) {
		spin_lock_irqsave(&seg->lock, flags);
		i = oldest_releasable(seg, nid);
		got = i < seg->ncached &&
		      (!idle_ms || !time_before(jiffies, seg->cache[i].since +
						 msecs_to_jiffies(idle_ms)));
		if (got)
			cache_remove(seg, i, &cs);
		spin_unlock_irqrestore(&seg->lock, flags);
		if (!got)
			break;
		pages += cs.size >> PAGE_SHIFT;
		seg_release(cs.mem, cs.size);
	}
	return pages;
}

unsigned long ka_seg_release_cached(struct ka_seg *seg, unsigned long nr)
{
	return release_cached(seg, NUMA_NO_NODE, nr, 0, ULONG_MAX);
}

/* One unused segment per period, as erts's cache check does. */
static void seg_trim_work(struct work_struct *work)
{
	struct ka_seg *seg = container_of(to_delayed_work(work), struct ka_seg, trim_work);

	release_cached(seg, NUMA_NO_NODE, 1, seg->p.trim_ms, ULONG_MAX);
	if (READ_ONCE(seg->st.cached))
		schedule_delayed_work(&seg->trim_work, msecs_to_jiffies(seg->p.trim_ms));
}

/**
 * ka_seg_reclaimable() - pages the segment cache holds on a node
 * @seg: the segment source
 * @nid: the node, or NUMA_NO_NODE for all
 *
 * Context: any; a racy estimate, as a shrinker's count is.
 * Return: the pages of cached segments on @nid.
 */
unsigned long ka_seg_reclaimable(struct ka_seg *seg, int nid)
{
	unsigned long pages = 0, flags;
	unsigned int i;

	spin_lock_irqsave(&seg->lock, flags);
	for (i = 0; i < seg->ncached; i++)
		if (nid == NUMA_NO_NODE || seg->cache[i].node == nid)
			pages += seg->cache[i].size >> PAGE_SHIFT;
	spin_unlock_irqrestore(&seg->lock, flags);
	return pages;
}

/**
 * ka_seg_reclaim() - release cached segments under memory pressure
 * @seg: the segment source
 * @nid: the node whose segments go, or NUMA_NO_NODE for any
 * @nr: pages wanted
 *
 * Oldest segments first, one at a time, until @nr pages are freed: a
 * reclaimer asking for a little is not given the whole cache.
 *
 * Context: process context, may not sleep (vmalloc frees are deferred).
 * Return: the pages released.
 */
unsigned long ka_seg_reclaim(struct ka_seg *seg, int nid, unsigned long nr)
{
	return release_cached(seg, nid, KA_MCS_MAX, 0, nr);
}

int ka_seg_init(struct ka_seg *seg, const struct ka_seg_params *p)
{
	if (p->mcs > KA_MCS_MAX || p->rmcbf > 100000 || !p->trim_ms)
		return -EINVAL;
	memset(seg, 0, sizeof(*seg));
	seg->p = *p;
	spin_lock_init(&seg->lock);
	INIT_DELAYED_WORK(&seg->trim_work, seg_trim_work);
	if (p->scs) {
		seg->sc_mem = ka_vmem_alloc(ALIGN(p->scs, KA_SC_UNIT), NUMA_NO_NODE, GFP_KERNEL);
		if (!seg->sc_mem)
			return -ENOMEM;
		ka_sc_init(&seg->sc, seg->sc_mem, p->scs);
	}
	return 0;
}

/* Every segment must have come back; cached ones are released. */
void ka_seg_destroy(struct ka_seg *seg)
{
	unsigned long flags;

	spin_lock_irqsave(&seg->lock, flags);
	seg->dying = true;
	spin_unlock_irqrestore(&seg->lock, flags);
	cancel_delayed_work_sync(&seg->trim_work);
	synchronize_rcu();	/* every cached segment's grace period is over */
	rcu_barrier();		/* every given-back page gone (ka_pages_free_rcu()) */
	release_cached(seg, NUMA_NO_NODE, KA_MCS_MAX + 1, 0, ULONG_MAX);
	WARN(seg->st.segments, "kalloc: segment source destroyed with %llu segments out\n",
	     seg->st.segments);
	if (seg->sc_mem && !seg->st.segments)
		ka_vmem_free(seg->sc_mem);
	ka_vmem_flush();
}

/*
 * Pages of a page-allocator segment go back one by one (split_page() made
 * them order-0 pages); vmalloc and super carrier memory keep theirs until
 * the whole segment goes (Documentation/sources.rst). Any context but NMI.
 */
static bool seg_give_back(struct ka_source *src, struct ka_carrier *c, unsigned long start,
			  unsigned long end)
{
	struct ka_seg *seg = container_of(src, struct ka_seg_handle, src)->seg;
	unsigned long flags;

	if (is_vmalloc_addr(c) || ka_sc_owns(&seg->sc, c))
		return false;
	ka_pages_free_rcu((void *)start, end - start);
	spin_lock_irqsave(&seg->lock, flags);
	seg->st.given_back += end - start;
	spin_unlock_irqrestore(&seg->lock, flags);
	return true;
}

/* An empty carrier with holes: its remaining pages go back, never to the cache. */
static void seg_free_holed(struct ka_source *src, struct ka_carrier *c)
{
	struct ka_seg *seg = container_of(src, struct ka_seg_handle, src)->seg;
	unsigned long flags, start, end;
	size_t size = c->size, given = c->given_back;
	struct ka_hole_walk w;

	spin_lock_irqsave(&seg->lock, flags);
	count_back(seg, size);
	seg->st.given_back -= given;
	spin_unlock_irqrestore(&seg->lock, flags);
	ka_hole_walk_init(&w, c);
	while (ka_hole_kept_next(&w, &start, &end))
		ka_pages_free((void *)start, end - start);
}

void ka_seg_handle_init(struct ka_seg_handle *h, struct ka_seg *seg, int node)
{
	h->src.name = "seg";
	h->src.alloc = seg_alloc;
	h->src.free = seg_free;
	h->src.give_back = seg_give_back;
	h->src.free_holed = seg_free_holed;
	h->seg = seg;
	h->node = node;
}

void ka_seg_stats_read(struct ka_seg *seg, struct ka_seg_stats *out)
{
	unsigned long flags;

	spin_lock_irqsave(&seg->lock, flags);
	*out = seg->st;
	out->sc_size = seg->sc.size;
	out->sc_used = seg->sc.used;
	out->sc_free_segments = seg->sc.nr_free;
	out->sc_largest_free = ka_sc_largest_free(&seg->sc);
	spin_unlock_irqrestore(&seg->lock, flags);
}
