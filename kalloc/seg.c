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
 * stayed unused for trim_ms, one per period as erts does, and the shrinker
 * releases them all under memory pressure.
 *
 * One spinlock, taken with interrupts off, covers the cache, the super carrier
 * and the statistics; memory is never allocated or freed under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "pages.h"
#include "seg.h"

/* Written at the start of a cached segment. */
struct cached_seg {
	struct list_head link;
	size_t size;
	int node;
	unsigned long since;	/* jiffies when it was cached */
};

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
EXPORT_SYMBOL_IF_KUNIT(ka_seg_params_default);

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

/* Best-fitting cached segment for @size on @node, removed from the cache. */
static struct cached_seg *cache_take(struct ka_seg *seg, size_t size, int node)
{
	struct cached_seg *cs, *best = NULL;

	lockdep_assert_held(&seg->lock);
	list_for_each_entry(cs, &seg->cache, link) {
		if (node != NUMA_NO_NODE && cs->node != node)
			continue;
		if (cache_fits(seg, cs->size, size) && (!best || cs->size < best->size))
			best = cs;
	}
	if (best) {
		list_del(&best->link);
		seg->st.cached--;
		seg->st.cached_size -= best->size;
	}
	return best;
}

static void count_out(struct ka_seg *seg, size_t size)
{
	struct ka_seg_stats *st = &seg->st;

	st->segments++;
	st->segments_size += size;
	st->segments_max = max(st->segments_max, st->segments);
	st->segments_size_max = max(st->segments_size_max, st->segments_size);
}

static void *seg_alloc(struct ka_source *src, size_t *sizep, bool sbc, gfp_t gfp)
{
	struct ka_seg_handle *h = container_of(src, struct ka_seg_handle, src);
	struct ka_seg *seg = h->seg;
	size_t size = ALIGN(max_t(size_t, *sizep, KA_CARRIER_ALIGN), PAGE_SIZE);
	struct cached_seg *cs = NULL;
	unsigned long flags;
	void *mem = NULL;
	bool fallback = true;

	spin_lock_irqsave(&seg->lock, flags);
	seg->st.alloc_calls++;
	if (seg->p.mcs) {
		cs = cache_take(seg, size, h->node);
		if (cs) {
			seg->st.cache_hits++;
			size = cs->size;
			mem = cs;
		} else {
			seg->st.cache_misses++;
		}
	}
	if (!mem && seg->sc.size) {
		mem = ka_sc_alloc(&seg->sc, size, sbc);
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
		if (ka_vmem_allowed(gfp) && get_order(size) > PAGE_ALLOC_COSTLY_ORDER)
			try |= __GFP_NORETRY;
		mem = ka_pages_alloc(size, h->node, try);
	}
	if (!mem)
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

static void seg_free(struct ka_source *src, void *mem, size_t size)
{
	struct ka_seg *seg = container_of(src, struct ka_seg_handle, src)->seg;
	struct cached_seg *cs, *victim = NULL;
	unsigned long flags;

	spin_lock_irqsave(&seg->lock, flags);
	seg->st.free_calls++;
	seg->st.segments--;
	seg->st.segments_size -= size;
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
	cs = mem;
	cs->size = size;
	cs->node = seg_node(mem);
	cs->since = jiffies;
	list_add_tail(&cs->link, &seg->cache);
	seg->st.cached++;
	seg->st.cached_size += size;
	if (seg->st.cached > seg->p.mcs) {
		victim = list_first_entry(&seg->cache, struct cached_seg, link);
		list_del(&victim->link);
		seg->st.cached--;
		seg->st.cached_size -= victim->size;
	}
	spin_unlock_irqrestore(&seg->lock, flags);
	schedule_delayed_work(&seg->trim_work, msecs_to_jiffies(seg->p.trim_ms));
	if (victim)
		seg_release(victim, victim->size);
}

/*
 * Releases up to @nr cached segments, oldest first; with @idle_ms, only those
 * cached at least that long. Returns the pages released.
 */
static unsigned long release_cached(struct ka_seg *seg, unsigned long nr, unsigned int idle_ms)
{
	unsigned long pages = 0, flags;
	struct cached_seg *cs;

	while (nr--) {
		spin_lock_irqsave(&seg->lock, flags);
		cs = list_first_entry_or_null(&seg->cache, struct cached_seg, link);
		if (cs && idle_ms && time_before(jiffies, cs->since + msecs_to_jiffies(idle_ms)))
			cs = NULL;
		if (cs) {
			list_del(&cs->link);
			seg->st.cached--;
			seg->st.cached_size -= cs->size;
		}
		spin_unlock_irqrestore(&seg->lock, flags);
		if (!cs)
			break;
		pages += cs->size >> PAGE_SHIFT;
		seg_release(cs, cs->size);
	}
	return pages;
}

unsigned long ka_seg_release_cached(struct ka_seg *seg, unsigned long nr)
{
	return release_cached(seg, nr, 0);
}
EXPORT_SYMBOL_IF_KUNIT(ka_seg_release_cached);

/* One unused segment per period, as erts's cache check does. */
static void seg_trim_work(struct work_struct *work)
{
	struct ka_seg *seg = container_of(to_delayed_work(work), struct ka_seg, trim_work);

	release_cached(seg, 1, seg->p.trim_ms);
	if (READ_ONCE(seg->st.cached))
		schedule_delayed_work(&seg->trim_work, msecs_to_jiffies(seg->p.trim_ms));
}

static unsigned long seg_shrink_count(struct shrinker *s, struct shrink_control *sc)
{
	struct ka_seg *seg = ka_shrinker_priv(s);

	return READ_ONCE(seg->st.cached_size) >> PAGE_SHIFT;
}

static unsigned long seg_shrink_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct ka_seg *seg = ka_shrinker_priv(s);
	unsigned long pages = release_cached(seg, KA_MCS_MAX + 1, 0);

	return pages ? pages : SHRINK_STOP;
}

int ka_seg_init(struct ka_seg *seg, const struct ka_seg_params *p)
{
	if (p->mcs > KA_MCS_MAX || p->rmcbf > 100000 || !p->trim_ms)
		return -EINVAL;
	memset(seg, 0, sizeof(*seg));
	seg->p = *p;
	spin_lock_init(&seg->lock);
	INIT_LIST_HEAD(&seg->cache);
	INIT_DELAYED_WORK(&seg->trim_work, seg_trim_work);
	if (p->scs) {
		seg->sc_mem = ka_vmem_alloc(ALIGN(p->scs, KA_SC_UNIT), NUMA_NO_NODE, GFP_KERNEL);
		if (!seg->sc_mem)
			return -ENOMEM;
		ka_sc_init(&seg->sc, seg->sc_mem, p->scs);
	}
	seg->shrinker = ka_shrinker_create(seg_shrink_count, seg_shrink_scan, seg, "kalloc-seg");
	if (!seg->shrinker)
		pr_warn("no shrinker: cached segments are only released over time\n");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ka_seg_init);

/* Every segment must have come back; cached ones are released. */
void ka_seg_destroy(struct ka_seg *seg)
{
	unsigned long flags;

	if (seg->shrinker)
		ka_shrinker_destroy(seg->shrinker);
	spin_lock_irqsave(&seg->lock, flags);
	seg->dying = true;
	spin_unlock_irqrestore(&seg->lock, flags);
	cancel_delayed_work_sync(&seg->trim_work);
	release_cached(seg, KA_MCS_MAX + 1, 0);
	WARN(seg->st.segments, "kalloc: segment source destroyed with %llu segments out\n",
	     seg->st.segments);
	if (seg->sc_mem && !seg->st.segments)
		ka_vmem_free(seg->sc_mem);
	ka_vmem_flush();
}
EXPORT_SYMBOL_IF_KUNIT(ka_seg_destroy);

void ka_seg_handle_init(struct ka_seg_handle *h, struct ka_seg *seg, int node)
{
	h->src.name = "seg";
	h->src.alloc = seg_alloc;
	h->src.free = seg_free;
	h->seg = seg;
	h->node = node;
}
EXPORT_SYMBOL_IF_KUNIT(ka_seg_handle_init);

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
EXPORT_SYMBOL_IF_KUNIT(ka_seg_stats_read);
