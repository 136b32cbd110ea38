// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of the carrier sources: the segment cache and its bad-fit
 * rules, trimming over time and by the shrinker, the super carrier, NUMA
 * placement, non-sleeping allocation, injected failures, a concurrent stress
 * of instances sharing the real sources, and the cache hit rate.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/vmalloc.h>

#include "../../tests/ka_test.h"
#include "../pages.h"
#include "../seg.h"

#define KB(x)	((size_t)(x) * 1024)

static void seg_destroy_action(void *arg)
{
	ka_seg_destroy(arg);
}

static struct ka_seg *new_seg(struct kunit *test, unsigned int mcs, size_t scs, bool sco)
{
	struct ka_seg *seg = kunit_kzalloc(test, sizeof(*seg), GFP_KERNEL);
	struct ka_seg_params p;

	KUNIT_ASSERT_NOT_NULL(test, seg);
	ka_seg_params_default(&p);
	p.mcs = mcs;
	p.scs = scs;
	p.sco = sco;
	KUNIT_ASSERT_EQ(test, ka_seg_init(seg, &p), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, seg_destroy_action, seg), 0);
	return seg;
}

static struct ka_source *new_handle(struct kunit *test, struct ka_seg *seg, int node)
{
	struct ka_seg_handle *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	ka_seg_handle_init(h, seg, node);
	return &h->src;
}

static void *seg_get(struct ka_source *src, size_t size, bool sbc, gfp_t gfp)
{
	return src->alloc(src, &size, sbc, gfp);
}

static u64 cached(struct ka_seg *seg)
{
	struct ka_seg_stats st;

	ka_seg_stats_read(seg, &st);
	return st.cached;
}

static void seg_cache_reuse(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 10, 0, true);
	struct ka_source *src = new_handle(test, seg, 0);
	struct ka_seg_stats st;
	void *a, *b;

	a = seg_get(src, KB(64), true, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)a, KA_CARRIER_ALIGN));
	src->free(src, a, KB(64));
	KUNIT_EXPECT_EQ(test, cached(seg), 1ULL);
	b = seg_get(src, KB(64), true, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, b, a);
	ka_seg_stats_read(seg, &st);
	KUNIT_EXPECT_EQ(test, st.cache_hits, 1ULL);
	KUNIT_EXPECT_EQ(test, st.cache_misses, 1ULL);
	KUNIT_EXPECT_EQ(test, st.cached, 0ULL);
	KUNIT_EXPECT_EQ(test, st.segments, 1ULL);
	src->free(src, b, KB(64));
}

/* A cached segment too much larger than the request, by rmcbf or amcbf, stays cached. */
static void seg_cache_bad_fit(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 10, 0, true);
	struct ka_source *src = new_handle(test, seg, 0);
	size_t got;
	void *a, *b, *c;

	/* rmcbf 20 %: 64 KiB over a 64 KiB request is too much, 16 KiB over 112 KiB is not */
	a = seg_get(src, KB(128), false, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	src->free(src, a, KB(128));
	b = seg_get(src, KB(64), false, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_NE(test, b, a);
	KUNIT_EXPECT_EQ(test, cached(seg), 1ULL);
	got = KB(112);
	c = src->alloc(src, &got, false, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, c, a);
	KUNIT_EXPECT_EQ(test, got, KB(128));	/* the caller learns the real size */
	src->free(src, b, KB(64));
	src->free(src, c, got);
	ka_seg_release_cached(seg, 10);

	/* amcbf: an absolute limit as well, here 8 KiB */
	seg->p.amcbf = KB(8);
	seg->p.rmcbf = 100;
	a = seg_get(src, KB(128), false, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	src->free(src, a, KB(128));
	b = seg_get(src, KB(112), false, GFP_KERNEL);	/* 16 KiB over: refused */
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_NE(test, b, a);
	got = KB(124);
	c = src->alloc(src, &got, false, GFP_KERNEL);	/* 4 KiB over: reused */
	KUNIT_EXPECT_PTR_EQ(test, c, a);
	KUNIT_EXPECT_EQ(test, got, KB(128));
	src->free(src, b, KB(112));
	src->free(src, c, got);
}

/* When the cache is full the oldest segment goes. */
static void seg_cache_evicts_oldest(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 2, 0, true);
	struct ka_source *src = new_handle(test, seg, 0);
	size_t sizes[3] = { KB(64), KB(80), KB(96) };
	void *m[3], *again[3];
	struct ka_seg_stats st;
	int i;

	seg->p.amcbf = 0;			/* exact fits only */
	for (i = 0; i < 3; i++)
		m[i] = seg_get(src, sizes[i], false, GFP_KERNEL);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_NOT_NULL(test, m[i]);
		src->free(src, m[i], sizes[i]);
	}
	KUNIT_EXPECT_EQ(test, cached(seg), 2ULL);
	for (i = 0; i < 3; i++)
		again[i] = seg_get(src, sizes[i], false, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, again[1], m[1]);
	KUNIT_EXPECT_PTR_EQ(test, again[2], m[2]);
	ka_seg_stats_read(seg, &st);
	KUNIT_EXPECT_EQ(test, st.cache_hits, 2ULL);	/* the oldest, m[0], was evicted */
	KUNIT_EXPECT_EQ(test, st.cache_misses, 4ULL);
	for (i = 0; i < 3; i++)
		src->free(src, again[i], sizes[i]);
}

/*
 * A segment cached at once (its carrier just released, lookups may still
 * read it) is reused by the next request at once, but leaves the cache for
 * the page allocator only after a grace period; when the cache is full of
 * such segments, a further one is refused (the caller waits the grace period).
 */
static void seg_cache_now_waits_to_release(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 2, 0, true);
	struct ka_source *src = new_handle(test, seg, 0);
	void *m[3], *again;
	bool refused;
	int i;

	for (i = 0; i < 3; i++) {
		m[i] = seg_get(src, KB(256), false, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, m[i]);
	}
	/*
	 * No grace period that starts after a cookie taken in here can end
	 * before the section does: the cached segments' are certainly not over.
	 */
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, ka_seg_cache_now(src, m[0], KB(256)));
	again = seg_get(src, KB(256), false, GFP_ATOMIC);	/* from the cache */
	KUNIT_EXPECT_PTR_EQ(test, again, m[0]);		/* no grace period in between */
	KUNIT_EXPECT_TRUE(test, ka_seg_cache_now(src, again, KB(256)));
	KUNIT_EXPECT_TRUE(test, ka_seg_cache_now(src, m[1], KB(256)));
	/* full, and the oldest's grace period is not over: refused */
	refused = !ka_seg_cache_now(src, m[2], KB(256));
	KUNIT_EXPECT_EQ(test, cached(seg), 2ULL);
	KUNIT_EXPECT_EQ(test, ka_seg_reclaim(seg, NUMA_NO_NODE, 128), 0UL);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, refused);
	if (refused)
		src->free(src, m[2], KB(256));
	synchronize_rcu();
	KUNIT_EXPECT_EQ(test, ka_seg_reclaim(seg, NUMA_NO_NODE, 128), 2 * KB(256) / PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, cached(seg), 0ULL);
}

static void seg_cache_trims_over_time(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 10, 0, true);
	struct ka_source *src = new_handle(test, seg, 0);
	unsigned long deadline;
	void *m[3];
	int i;

	seg->p.trim_ms = 50;
	for (i = 0; i < 3; i++)
		m[i] = seg_get(src, KB(64), false, GFP_KERNEL);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_NOT_NULL(test, m[i]);
		src->free(src, m[i], KB(64));
	}
	KUNIT_EXPECT_EQ(test, cached(seg), 3ULL);
	/* one per period: all gone within a generous bound, even under TCG */
	deadline = jiffies + 20 * HZ;
	while (cached(seg) && time_before(jiffies, deadline))
		msleep(20);
	KUNIT_EXPECT_EQ(test, cached(seg), 0ULL);
}

static void seg_cache_shrinker(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 10, 0, true);
	struct ka_source *src = new_handle(test, seg, 0);
	void *m[3];
	int i;

	for (i = 0; i < 3; i++)
		m[i] = seg_get(src, KB(64), false, GFP_KERNEL);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_NOT_NULL(test, m[i]);
		src->free(src, m[i], KB(64));
	}
	/* what kalloc's shrinker (reclaim.c) counts and frees of the cache */
	KUNIT_EXPECT_EQ(test, ka_seg_reclaimable(seg, NUMA_NO_NODE), 3 * KB(64) / PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ka_seg_reclaimable(seg, page_to_nid(virt_to_page(m[0]))),
			3 * KB(64) / PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ka_seg_reclaim(seg, NUMA_NO_NODE, 128), 3 * KB(64) / PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, cached(seg), 0ULL);
	KUNIT_EXPECT_EQ(test, ka_seg_reclaim(seg, NUMA_NO_NODE, 128), 0UL);
}

/* The shrinker frees what nr_to_scan asks for, oldest segment first, not the whole cache. */
static void seg_cache_shrinker_honours_nr_to_scan(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 10, 0, true);
	struct ka_source *src = new_handle(test, seg, 0);
	unsigned long seg_pages = KB(64) / PAGE_SIZE;
	void *m[4], *again;
	int i;

	seg->p.amcbf = 0;			/* exact fits only */
	for (i = 0; i < 4; i++)
		m[i] = seg_get(src, KB(64), false, GFP_KERNEL);
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_NOT_NULL(test, m[i]);
		src->free(src, m[i], KB(64));
	}
	KUNIT_ASSERT_EQ(test, cached(seg), 4ULL);
	/* less than a segment: one goes */
	KUNIT_EXPECT_EQ(test, ka_seg_reclaim(seg, NUMA_NO_NODE, 1), seg_pages);
	KUNIT_EXPECT_EQ(test, cached(seg), 3ULL);
	/* a segment and a page: two go */
	KUNIT_EXPECT_EQ(test, ka_seg_reclaim(seg, NUMA_NO_NODE, seg_pages + 1), 2 * seg_pages);
	KUNIT_EXPECT_EQ(test, cached(seg), 1ULL);
	/* the one left is the newest: the next request gets it back */
	again = seg_get(src, KB(64), false, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, again, m[3]);
	src->free(src, again, KB(64));
	KUNIT_EXPECT_EQ(test, ka_seg_reclaim(seg, NUMA_NO_NODE, ULONG_MAX), seg_pages);
	KUNIT_EXPECT_EQ(test, cached(seg), 0ULL);
}

/* MBCs from the bottom, SBCs from the top, coalescing, and full with sco. */
static void super_carrier_carving(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 0, KB(1024), true);
	struct ka_source *src = new_handle(test, seg, NUMA_NO_NODE);
	char *base = seg->sc.base;
	struct ka_seg_stats st;
	void *a, *b, *c, *s, *m[64];
	int i, n;

	a = seg_get(src, KB(64), false, GFP_KERNEL);
	s = seg_get(src, KB(64), true, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, a, (void *)base);
	KUNIT_EXPECT_PTR_EQ(test, s, (void *)(base + seg->sc.size - KB(64)));
	b = seg_get(src, KB(32), false, GFP_KERNEL);
	c = seg_get(src, KB(32), false, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, b, (void *)(base + KB(64)));
	KUNIT_EXPECT_PTR_EQ(test, c, (void *)(base + KB(96)));
	KUNIT_EXPECT_EQ(test, ka_sc_check(&seg->sc), 0U);

	/* a freed hole is reused best fit; then neighbours coalesce */
	src->free(src, b, KB(32));
	KUNIT_EXPECT_PTR_EQ(test, seg_get(src, KB(32), false, GFP_KERNEL), b);
	src->free(src, a, KB(64));
	src->free(src, b, KB(32));
	KUNIT_EXPECT_EQ(test, seg->sc.nr_free, 2U);	/* a+b joined, and the big middle */
	src->free(src, c, KB(32));
	src->free(src, s, KB(64));
	KUNIT_EXPECT_EQ(test, seg->sc.nr_free, 1U);
	KUNIT_EXPECT_EQ(test, ka_sc_largest_free(&seg->sc), seg->sc.size);
	KUNIT_EXPECT_EQ(test, ka_sc_check(&seg->sc), 0U);

	/* full: with sco nothing comes from elsewhere */
	for (n = 0; n < ARRAY_SIZE(m); n++) {
		m[n] = seg_get(src, KB(64), false, GFP_KERNEL);
		if (!m[n])
			break;
		KUNIT_EXPECT_TRUE(test, ka_sc_owns(&seg->sc, m[n]));
	}
	KUNIT_EXPECT_EQ(test, n, (int)(seg->sc.size / KB(64)));
	ka_seg_stats_read(seg, &st);
	KUNIT_EXPECT_EQ(test, st.failed, 1ULL);
	KUNIT_EXPECT_EQ(test, st.sc_used, (u64)seg->sc.size);
	for (i = 0; i < n; i++)
		src->free(src, m[i], KB(64));
	KUNIT_EXPECT_EQ(test, ka_sc_check(&seg->sc), 0U);
}

/* Without sco a full super carrier falls back to ordinary segments. */
static void super_carrier_fallback(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 0, KB(256), false);
	struct ka_source *src = new_handle(test, seg, NUMA_NO_NODE);
	void *in, *out;

	in = seg_get(src, KB(256), false, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_EXPECT_TRUE(test, ka_sc_owns(&seg->sc, in));
	out = seg_get(src, KB(64), false, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_EXPECT_FALSE(test, ka_sc_owns(&seg->sc, out));
	src->free(src, out, KB(64));
	src->free(src, in, KB(256));
}

static int nid_of(void *mem)
{
	return page_to_nid(is_vmalloc_addr(mem) ? vmalloc_to_page(mem) : virt_to_page(mem));
}

/* Carriers land on the node the instance asks for (the VM has two). */
static void node_placement(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 0, 0, true);
	struct ka_sys *sys = kunit_kzalloc(test, sizeof(*sys), GFP_KERNEL);
	struct ka_sys_handle *sh = kunit_kzalloc(test, sizeof(*sh), GFP_KERNEL);
	size_t sizes[] = { KB(64), KB(1024), 2 * KA_PAGES_MAX };
	int node, i;

	KUNIT_ASSERT_TRUE(test, sys && sh);
	if (num_online_nodes() < 2)
		kunit_skip(test, "needs two NUMA nodes");
	ka_sys_init(sys);
	for_each_online_node(node) {
		struct ka_source *src = new_handle(test, seg, node);

		ka_sys_handle_init(sh, sys, node);
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			void *m = seg_get(src, sizes[i], false, GFP_KERNEL);
			void *y = seg_get(&sh->src, sizes[i], false, GFP_KERNEL);

			KUNIT_ASSERT_TRUE(test, m && y);
			KUNIT_EXPECT_EQ_MSG(test, nid_of(m), node, "segment of %zu", sizes[i]);
			KUNIT_EXPECT_EQ_MSG(test, nid_of(y), node, "sys carrier of %zu", sizes[i]);
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)m, KA_CARRIER_ALIGN));
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)y, KA_CARRIER_ALIGN));
			src->free(src, m, sizes[i]);
			sh->src.free(&sh->src, y, sizes[i]);
		}
	}
	ka_vmem_flush();
}

struct real_inst {
	struct ka_instance inst;
	struct ka_seg_handle seg;
	struct ka_sys_handle sys;
};

static struct ka_sys test_sys;

static void real_inst_destroy(void *arg)
{
	ka_inst_destroy(arg);
}

static struct real_inst *new_real_inst(struct kunit *test, struct ka_seg *seg, int node,
				       enum ka_as as, gfp_t gfp)
{
	struct real_inst *ri = kunit_kzalloc(test, sizeof(*ri), GFP_KERNEL);
	struct ka_params p;

	KUNIT_ASSERT_NOT_NULL(test, ri);
	ka_test_params(&p, as);
	ka_seg_handle_init(&ri->seg, seg, node);
	ka_sys_handle_init(&ri->sys, &test_sys, node);
	KUNIT_ASSERT_EQ(test, ka_inst_init(&ri->inst, &p, &ri->seg.src, &ri->sys.src, gfp), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, real_inst_destroy, &ri->inst), 0);
	return ri;
}

/* GFP_ATOMIC under a spinlock: carriers come without sleeping, or NULL. */
static void atomic_allocation(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 0, 0, true);	/* no cache: frees release at once */
	struct real_inst *ri = new_real_inst(test, seg, NUMA_NO_NODE, KA_AS_AOFFCBF, GFP_KERNEL);
	struct ka_instance *inst = &ri->inst;
	void *p[40], *huge;
	spinlock_t lock;	/* only to make the section atomic */
	int i;

	spin_lock_init(&lock);
	spin_lock(&lock);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = ka_inst_alloc(inst, i % 4 ? 4000 + i * 500 : inst->p.sbct + i * 4096,
				     GFP_ATOMIC);
	huge = ka_inst_alloc(inst, 3 * KA_PAGES_MAX, GFP_ATOMIC);	/* would need vmalloc */
	for (i = 0; i < ARRAY_SIZE(p); i++)
		ka_inst_free(inst, p[i]);
	spin_unlock(&lock);

	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_NOT_NULL(test, p[i]);
	KUNIT_EXPECT_NULL(test, huge);
	KA_EXPECT_CONSISTENT(test, inst);

	/* a vmalloc carrier made where sleeping is fine may be freed atomically */
	huge = ka_inst_alloc(inst, 3 * KA_PAGES_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, huge);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(huge));
	spin_lock(&lock);
	ka_inst_free(inst, huge);
	spin_unlock(&lock);
	ka_vmem_flush();
	KA_EXPECT_CONSISTENT(test, inst);
}

/* A source that fails on request, in front of the real one. */
struct flaky_src {
	struct ka_source src;
	struct ka_source *real;
	bool fail;
};

static void *flaky_alloc(struct ka_source *s, size_t *size, unsigned int how, gfp_t gfp)
{
	struct flaky_src *f = container_of(s, struct flaky_src, src);

	return f->fail ? NULL : f->real->alloc(f->real, size, how, gfp);
}

static void flaky_free(struct ka_source *s, void *mem, size_t size)
{
	struct flaky_src *f = container_of(s, struct flaky_src, src);

	f->real->free(f->real, mem, size);
}

static void injected_failures(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 10, 0, true);
	struct ka_seg_handle sh;
	struct ka_sys_handle yh;
	struct flaky_src fseg = { { "flaky-seg", flaky_alloc, flaky_free }, &sh.src };
	struct flaky_src fsys = { { "flaky-sys", flaky_alloc, flaky_free }, &yh.src };
	struct ka_instance inst;
	struct ka_seg_stats st;
	struct ka_params p;
	void *a, *b;

	ka_seg_handle_init(&sh, seg, NUMA_NO_NODE);
	ka_sys_handle_init(&yh, &test_sys, NUMA_NO_NODE);
	ka_test_params(&p, KA_AS_GF);
	KUNIT_ASSERT_EQ(test, ka_inst_init(&inst, &p, &fseg.src, &fsys.src, GFP_KERNEL), 0);

	a = ka_inst_alloc(&inst, 1000, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, a);
	fseg.fail = true;
	fsys.fail = true;
	KUNIT_EXPECT_NULL(test, ka_inst_alloc(&inst, p.sbct, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, ka_inst_alloc(&inst, 63 * 1024, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, ka_inst_realloc(&inst, a, 2 * p.sbct, GFP_KERNEL));
	KA_EXPECT_CONSISTENT(test, &inst);
	fseg.fail = false;			/* segments again, sys still failing */
	b = ka_inst_alloc(&inst, p.sbct, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, b);
	ka_inst_free(&inst, a);
	ka_inst_free(&inst, b);
	KA_EXPECT_CONSISTENT(test, &inst);
	KUNIT_EXPECT_EQ(test, ka_inst_destroy(&inst), 0UL);
	ka_seg_stats_read(seg, &st);
	KUNIT_EXPECT_EQ(test, st.segments, 0ULL);	/* nothing leaked */
}

struct stress_slot {
	u8 *p;
	size_t n;
	u8 seed;
};

struct stress_arg {
	struct ka_instance *inst;
	struct completion done;
	unsigned int ops, bad;
};

static int stress_thread(void *data)
{
	struct stress_arg *sa = data;
	struct stress_slot slot[64] = {};
	unsigned int i, j;

	for (i = 0; i < sa->ops; i++) {
		struct stress_slot *s = &slot[get_random_u32_below(ARRAY_SIZE(slot))];

		if (s->p) {
			if (memchr_inv(s->p, s->seed, s->n))
				sa->bad++;
			ka_inst_free(sa->inst, s->p);
			s->p = NULL;
			continue;
		}
		s->n = 1 + get_random_u32_below(get_random_u32_below(4) ? 4096 : 160 * 1024);
		s->p = ka_inst_alloc(sa->inst, s->n, GFP_KERNEL);
		if (!s->p) {
			sa->bad++;
			continue;
		}
		s->seed = get_random_u32();
		memset(s->p, s->seed, s->n);
		if (i % 64 == 0)
			cond_resched();
	}
	for (j = 0; j < ARRAY_SIZE(slot); j++)
		ka_inst_free(sa->inst, slot[j].p);
	complete(&sa->done);
	return 0;
}

/* Instances on every CPU share the real sources; each stays consistent. */
static void concurrent_stress(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 10, KB(2048), false);
	struct stress_arg *args;
	struct real_inst **ri;
	struct ka_seg_stats st;
	int cpu, n = 0;

	args = kunit_kcalloc(test, nr_cpu_ids, sizeof(*args), GFP_KERNEL);
	ri = kunit_kcalloc(test, nr_cpu_ids, sizeof(*ri), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, args && ri);
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		ri[cpu] = new_real_inst(test, seg, cpu_to_node(cpu), cpu % KA_NR_AS, GFP_KERNEL);
		args[cpu].inst = &ri[cpu]->inst;
		args[cpu].ops = 3000;
		init_completion(&args[cpu].done);
		t = kthread_create_on_cpu(stress_thread, &args[cpu], cpu, "ka_stress/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		wake_up_process(t);
		n++;
	}
	for_each_online_cpu(cpu) {
		wait_for_completion(&args[cpu].done);
		KUNIT_EXPECT_EQ_MSG(test, args[cpu].bad, 0U, "cpu %d", cpu);
		KA_EXPECT_CONSISTENT(test, &ri[cpu]->inst);
		KUNIT_EXPECT_EQ(test, ri[cpu]->inst.st.mbc.blocks.cur, 0ULL);
		KUNIT_EXPECT_EQ(test, ri[cpu]->inst.st.sbc.carriers.cur, 0ULL);
	}
	ka_seg_stats_read(seg, &st);
	kunit_info(test, "%d CPUs: %llu segments asked, %llu cache hits, %llu super carrier\n",
		   n, st.alloc_calls, st.cache_hits, st.sc_segments);
	KUNIT_EXPECT_GE(test, n, 2);
	KUNIT_EXPECT_GT(test, st.sc_segments, 0ULL);
	KUNIT_EXPECT_EQ(test, st.segments, 0ULL);	/* every segment came back */
}

/* Blocks above sbct, allocated and freed over and over, reuse cached segments. */
static void cache_hit_rate(struct kunit *test)
{
	struct ka_seg *seg = new_seg(test, 10, 0, true);
	struct real_inst *ri = new_real_inst(test, seg, NUMA_NO_NODE, KA_AS_BF, GFP_KERNEL);
	struct ka_seg_stats st;
	u64 permille;
	int i;

	for (i = 0; i < 500; i++) {
		void *p = ka_inst_alloc(&ri->inst, ri->inst.p.sbct + (i % 7) * 1000, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, p);
		ka_inst_free(&ri->inst, p);
	}
	ka_seg_stats_read(seg, &st);
	permille = st.cache_hits * 1000 / (st.cache_hits + st.cache_misses);
	kunit_info(test, "segment cache hit rate: %llu.%llu %% (%llu hits, %llu misses)\n",
		   permille / 10, permille % 10, st.cache_hits, st.cache_misses);
	KUNIT_EXPECT_GT(test, permille, 900ULL);
}

static int source_suite_init(struct kunit_suite *suite)
{
	ka_sys_init(&test_sys);
	return 0;
}

static struct kunit_case source_cases[] = {
	KUNIT_CASE(seg_cache_reuse),
	KUNIT_CASE(seg_cache_bad_fit),
	KUNIT_CASE(seg_cache_evicts_oldest),
	KUNIT_CASE(seg_cache_now_waits_to_release),
	KUNIT_CASE(seg_cache_trims_over_time),
	KUNIT_CASE(seg_cache_shrinker),
	KUNIT_CASE(seg_cache_shrinker_honours_nr_to_scan),
	KUNIT_CASE(super_carrier_carving),
	KUNIT_CASE(super_carrier_fallback),
	KUNIT_CASE(node_placement),
	KUNIT_CASE(atomic_allocation),
	KUNIT_CASE(injected_failures),
	KUNIT_CASE_SLOW(concurrent_stress),
	KUNIT_CASE(cache_hit_rate),
	{}
};

struct kunit_suite ka_test_sources_suite = {
	.name = "kalloc_sources",
	.suite_init = source_suite_init,
	.test_cases = source_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_sources_suite);
