// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of the per-CPU front caches and the node depots: a free lands
 * in its CPU's cache and the next allocation of that size takes it back;
 * magazines swap and whole ones move through the depot, within their
 * bounds; misuse of a cached block is caught; cached blocks show in the
 * views; and caches and depots give their blocks back under hard-irq use,
 * when a CPU goes offline, to the shrinker, and by decay.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "../../tests/ka_test.h"
#include "../cpu.h"
#include "../cpu_front.h"
#include "../depot.h"
#include "../remote.h"
#include "../../internal.h"
#include "../../report.h"
#include "../../stats.h"

#define FBLK	64	/* blocks a case moves */
#define FBLK_MAX	(8 * KA_MAG_SLOTS)	/* the most one batch holds: eight magazines */

struct fbatch {
	struct ka_type *type;
	size_t size;
	int n;
	void *p[FBLK_MAX];
};

static long fb_alloc(void *arg)
{
	struct fbatch *b = arg;
	int i;

	for (i = 0; i < b->n; i++) {
		b->p[i] = ka_alloc(b->type, b->size, GFP_KERNEL);
		if (!b->p[i])
			return -ENOMEM;
		memset(b->p[i], 0x5a, b->size);
	}
	return 0;
}

static long fb_free(void *arg)
{
	struct fbatch *b = arg;
	int i;

	for (i = 0; i < b->n; i++)
		ka_free(b->type, b->p[i]);
	return 0;
}

static struct ka_pcpu_counts front_of(enum ka_class cls, int cpu)
{
	struct ka_pcpu_counts dd = {};

	ka_stats_front(&ka_class_states[cls], cpu, &dd);
	return dd;
}

static struct ka_depot_counts depot_at(enum ka_class cls, int node)
{
	struct ka_depot_counts dc;

	ka_depot_counts(&ka_class_states[cls], node, &dc);
	return dc;
}

/* The blocks a magazine of @blk-byte blocks holds (core/front.c's rule). */
static unsigned int mag_cap(unsigned int blk)
{
	return clamp_t(unsigned int, KA_FRONT_BIN_BYTES / blk, KA_FRONT_MIN_SLOTS, KA_MAG_SLOTS);
}

static struct fbatch *fbatch_new(struct kunit *test, const char *name, enum ka_class cls,
				 size_t size, int n)
{
	struct fbatch *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	if (!ka_class_enabled(cls) || !ka_class_states[cls].shape.max)
		kunit_skip(test, "needs the %s class with front caches", ka_class_name(cls));
	b->type = ka_test_type(test, name, cls);
	b->size = size;
	b->n = n;
	return b;
}

/* A free goes to its CPU's cache, and the next allocation of that size takes it. */
static void free_then_alloc_reuses(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_reuse", KA_CLASS_STD, 64, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct ka_pcpu_counts before, after;
	void *first;

	ka_test_flush_fronts();
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
	first = b->p[0];
	before = front_of(KA_CLASS_STD, cpu);
	work_on_cpu(cpu, fb_free, b);
	after = front_of(KA_CLASS_STD, cpu);
	KUNIT_EXPECT_EQ(test, after.cached_blocks, before.cached_blocks + 1);
	KUNIT_EXPECT_TRUE(test, ka_test_blk_cached(first));
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
	KUNIT_EXPECT_PTR_EQ(test, b->p[0], first);	/* the newest block first */
	KUNIT_EXPECT_FALSE(test, ka_test_blk_cached(first));
	KUNIT_EXPECT_EQ(test, ka_test_blk_tid(first), b->type->id);
	after = front_of(KA_CLASS_STD, cpu);
	KUNIT_EXPECT_EQ(test, after.cached_blocks, before.cached_blocks);
	work_on_cpu(cpu, fb_free, b);
	ka_test_expect_all_consistent(test);
}

/*
 * A refill takes half a magazine in one trip. Frees fill the loaded
 * magazine, then the spare takes its place, then a full one goes to the
 * node's depot: nothing goes back to the instance, and the cache stays
 * within its bounds.
 */
static void refill_swap_and_depot_within_bounds(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_bounds", KA_CLASS_STD, 100, FBLK);
	int cpu = cpumask_first(cpu_online_mask), node = cpu_to_node(cpu);
	unsigned int cap = mag_cap(112), i;
	struct ka_depot_counts d0, d1;
	struct ka_pcpu_counts before, mid, after;
	struct ka_pcpu_front *pf;

	ka_test_flush_fronts();
	before = front_of(KA_CLASS_STD, cpu);
	d0 = depot_at(KA_CLASS_STD, node);
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
	mid = front_of(KA_CLASS_STD, cpu);
	/* 64 allocations of a 112-byte block: a trip brings cap / 2 (one for the caller) */
	KUNIT_EXPECT_EQ(test, mid.front.refills - before.front.refills,
			(u64)DIV_ROUND_UP(FBLK, cap / 2));
	KUNIT_EXPECT_EQ(test, mid.front.hits - before.front.hits,
			(u64)FBLK - DIV_ROUND_UP(FBLK, cap / 2));
	work_on_cpu(cpu, fb_free, b);
	after = front_of(KA_CLASS_STD, cpu);
	d1 = depot_at(KA_CLASS_STD, node);
	/* both magazines filled, the spare by a swap; the overflow went to the depot whole */
	KUNIT_EXPECT_GE(test, after.front.swaps - mid.front.swaps, 1ULL);
	KUNIT_EXPECT_EQ(test, d1.from_cpus - d0.from_cpus, 1ULL);
	KUNIT_EXPECT_EQ(test, d1.blocks - d0.blocks, (unsigned long)cap);
	KUNIT_EXPECT_EQ(test, after.front.flushed, mid.front.flushed);
	KUNIT_EXPECT_EQ(test, after.cached_blocks + d1.blocks - d0.blocks,
			mid.cached_blocks + FBLK);
	KUNIT_EXPECT_EQ(test, after.cached_bytes, after.cached_blocks * 112);
	pf = per_cpu_ptr(ka_class_states[KA_CLASS_STD].front, cpu);
	for (i = 0; i < KA_FRONT_BINS; i++)
		KUNIT_EXPECT_LE(test, pf->f->bin[i].count, 2 * pf->f->bin[i].cap);
	KUNIT_EXPECT_LE(test, pf->f->bytes, (size_t)KA_FRONT_BYTES);
	ka_test_flush_fronts();
	KUNIT_EXPECT_EQ(test, depot_at(KA_CLASS_STD, node).blocks, 0UL);
	ka_test_expect_all_consistent(test);
}

/* On another CPU of the node: the whole magazines the first CPU left come back. */
static long depot_realloc(void *arg)
{
	struct fbatch *b = arg;

	return fb_alloc(b);
}

/*
 * Magazines a CPU filled with frees serve another CPU of its node: it takes
 * them from the depot whole, with no trip to its instance; a second free of
 * a block held in the depot is refused and changes nothing.
 */
static void depot_serves_the_node(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_depot", KA_CLASS_STD, 64, FBLK);
	int a = cpumask_first(cpu_online_mask), node = cpu_to_node(a), other = -1, cpu;
	unsigned int cap = mag_cap(80);
	struct ka_depot_counts d1, d2;
	struct ka_pcpu_counts before, after;
	struct ka_type_totals sum;
	int *reports;
	void *held;

	for_each_cpu(cpu, cpumask_of_node(node))
		if (cpu != a && cpu_online(cpu))
			other = cpu;
	if (other < 0)
		kunit_skip(test, "needs two CPUs on a node");
	ka_test_flush_fronts();
	KUNIT_ASSERT_EQ(test, work_on_cpu(a, fb_alloc, b), 0L);
	work_on_cpu(a, fb_free, b);
	d1 = depot_at(KA_CLASS_STD, node);
	KUNIT_ASSERT_GE(test, d1.full, 1U);
	/* a block now in a depot magazine: its second free is refused */
	held = NULL;
	for (cpu = 0; cpu < FBLK && !held; cpu++)
		if (ka_test_blk_cached(b->p[cpu]))
			held = b->p[cpu];
	reports = ka_test_expect_reports(test);
	ka_free(b->type, held);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, depot_at(KA_CLASS_STD, node).blocks, d1.blocks);
	ka_type_sum(b->type, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, (u64)FBLK);

	/* the other CPU, with or without a bin of the size, takes a whole magazine */
	b->n = cap;
	before = front_of(KA_CLASS_STD, other);
	KUNIT_ASSERT_EQ(test, work_on_cpu(other, depot_realloc, b), 0L);
	after = front_of(KA_CLASS_STD, other);
	d2 = depot_at(KA_CLASS_STD, node);
	KUNIT_EXPECT_EQ(test, d2.to_cpus - d1.to_cpus, 1ULL);
	KUNIT_EXPECT_EQ(test, after.front.refills, before.front.refills);
	KUNIT_EXPECT_EQ(test, after.front.hits - before.front.hits, (u64)cap);
	KUNIT_EXPECT_EQ(test, d1.blocks - d2.blocks, (unsigned long)cap);
	KUNIT_EXPECT_EQ(test, d2.full, d1.full - 1);
	work_on_cpu(other, fb_free, b);
	ka_test_flush_fronts();
	ka_test_expect_all_consistent(test);
}

struct flush_run {
	struct ka_class_state *cs;
	int node;
};

static long depot_flush_on(void *arg)
{
	struct flush_run *fr = arg;

	return ka_depot_flush(fr->cs, fr->node, ULONG_MAX);
}

/*
 * Blocks one CPU allocates and a CPU of another node frees go home as whole
 * magazines: into the depot of the producer's node, from which the producer
 * takes them back without a trip to its instance. When a depot gives them
 * back to the instance they go grouped, one push per magazine and owner,
 * not one per block.
 */
static void producer_consumer_moves_magazines(struct kunit *test)
{
	struct ka_class_state *cs = &ka_class_states[KA_CLASS_STD];
	int prod = cpumask_first(cpu_online_mask), cons = cpumask_last(cpu_online_mask);
	int home_node = cpu_to_node(prod), far = cpu_to_node(cons);
	struct ka_depot_counts h0, h1, h2, f0, f1;
	struct ka_pcpu_counts p0, p1;
	struct ka_pcpu *home = ka_test_pcpu(cs, prod);
	struct flush_run fr = { cs, home_node };
	u64 batches, queued, blocks;
	struct fbatch *r;

	if (home_node == far)
		kunit_skip(test, "needs two nodes");
	r = fbatch_new(test, "kunit_fc_ring", KA_CLASS_STD, 64, FBLK_MAX);
	ka_test_flush_fronts();
	KUNIT_ASSERT_EQ(test, work_on_cpu(prod, fb_alloc, r), 0L);
	h0 = depot_at(KA_CLASS_STD, home_node);
	f0 = depot_at(KA_CLASS_STD, far);
	work_on_cpu(cons, fb_free, r);
	h1 = depot_at(KA_CLASS_STD, home_node);
	f1 = depot_at(KA_CLASS_STD, far);
	/* 240 frees: two magazines stay on the consumer, the rest went home whole */
	KUNIT_EXPECT_GE(test, h1.from_cpus - h0.from_cpus, (u64)(r->n / KA_MAG_SLOTS - 2));
	KUNIT_EXPECT_EQ(test, h1.blocks - h0.blocks,
			(unsigned long)(h1.from_cpus - h0.from_cpus) * KA_MAG_SLOTS);
	KUNIT_EXPECT_EQ(test, f1.blocks, f0.blocks);

	/* the producer takes them back whole, without its instance */
	p0 = front_of(KA_CLASS_STD, prod);
	r->n = (h1.from_cpus - h0.from_cpus) * KA_MAG_SLOTS;
	KUNIT_ASSERT_EQ(test, work_on_cpu(prod, fb_alloc, r), 0L);
	p1 = front_of(KA_CLASS_STD, prod);
	h2 = depot_at(KA_CLASS_STD, home_node);
	KUNIT_EXPECT_EQ(test, h2.to_cpus - h1.to_cpus, h1.from_cpus - h0.from_cpus);
	KUNIT_EXPECT_EQ(test, p1.front.refills, p0.front.refills);

	/* back to the depot; flushed from the consumer's CPU, they go home grouped */
	work_on_cpu(cons, fb_free, r);
	h1 = depot_at(KA_CLASS_STD, home_node);
	batches = atomic64_read(&home->rq.batches);
	queued = atomic64_read(&home->rq.queued);
	blocks = work_on_cpu(cons, depot_flush_on, &fr);
	KUNIT_EXPECT_EQ(test, blocks, (u64)h1.blocks);
	KUNIT_EXPECT_EQ(test, atomic64_read(&home->rq.queued) - queued, blocks);
	KUNIT_EXPECT_LE(test, atomic64_read(&home->rq.batches) - batches, (u64)h1.full);
	ka_test_flush_fronts();
	ka_test_expect_all_consistent(test);
}

/* Many sizes at once: bins are reused, and the byte bound holds with large blocks. */
static void many_sizes_byte_bound(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_sizes", KA_CLASS_STD, 0, 8);
	int cpu = cpumask_first(cpu_online_mask), round, i;
	struct ka_pcpu_front *pf = per_cpu_ptr(ka_class_states[KA_CLASS_STD].front, cpu);
	unsigned int blocks;
	size_t bytes;

	ka_test_flush_fronts();
	/* 32 sizes of 2-4 KiB, 4 blocks cached of each: 400 KiB if nothing bounded it */
	for (round = 0; round < 2 * KA_FRONT_BINS; round++) {
		b->size = 2048 + 64 * round;
		KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
		work_on_cpu(cpu, fb_free, b);
		KUNIT_EXPECT_LE(test, pf->f->bytes, (size_t)KA_FRONT_BYTES);
	}
	for (i = 0, blocks = 0, bytes = 0; i < KA_FRONT_BINS; i++) {
		KUNIT_EXPECT_LE(test, pf->f->bin[i].count, 2 * pf->f->bin[i].cap);
		blocks += pf->f->bin[i].count;
		bytes += (size_t)pf->f->bin[i].count * pf->f->bin[i].blk;
		if (pf->f->bin[i].blk)
			KUNIT_EXPECT_EQ(test, (int)pf->f->map[pf->f->bin[i].blk / KA_UNIT], i);
	}
	KUNIT_EXPECT_EQ(test, blocks, pf->f->blocks);
	KUNIT_EXPECT_EQ(test, bytes, pf->f->bytes);
	KUNIT_EXPECT_GT(test, pf->f->bytes, (size_t)KA_FRONT_BYTES / 2);
	ka_test_expect_all_consistent(test);
}

/* A second free of a cached block is reported and changes nothing. */
static void double_free_into_cache(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_df", KA_CLASS_STD, 64, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct ka_pcpu_counts mid, after;
	struct ka_type_totals sum;
	int *reports;

	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
	work_on_cpu(cpu, fb_free, b);
	mid = front_of(KA_CLASS_STD, cpu);
	reports = ka_test_expect_reports(test);
	fb_free(b);		/* any CPU: the block's state says it is cached */
	KUNIT_EXPECT_EQ(test, *reports, 1);
	after = front_of(KA_CLASS_STD, cpu);
	KUNIT_EXPECT_EQ(test, after.cached_blocks, mid.cached_blocks);
	KUNIT_EXPECT_NULL(test, ka_realloc(b->type, b->p[0], 128, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, *reports, 2);
	ka_type_sum(b->type, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, 1ULL);
	ka_test_expect_all_consistent(test);
}

/* A free naming the wrong type is reported; the block stays its owner's, uncached. */
static void wrong_type_free_into_cache(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_wt", KA_CLASS_STD, 64, 1);
	struct ka_type *other = ka_test_type(test, "kunit_fc_wt2", KA_CLASS_STD);
	int cpu = cpumask_first(cpu_online_mask);
	struct ka_pcpu_counts before, after;
	int *reports;

	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
	before = front_of(KA_CLASS_STD, cpu);
	reports = ka_test_expect_reports(test);
	ka_free(other, b->p[0]);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	after = front_of(KA_CLASS_STD, cpu);
	KUNIT_EXPECT_EQ(test, after.cached_blocks, before.cached_blocks);
	KUNIT_EXPECT_FALSE(test, ka_test_blk_cached(b->p[0]));
	KUNIT_EXPECT_EQ(test, *(u8 *)b->p[0], 0x5a);
	work_on_cpu(cpu, fb_free, b);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	ka_test_expect_all_consistent(test);
}

/* The [front] section and the memory view show what the caches hold. */
static void cached_blocks_in_views(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_views", KA_CLASS_STD, 200, 8);
	int cpu = cpumask_first(cpu_online_mask);
	char *buf = kunit_kmalloc(test, 64 * 1024, GFP_KERNEL);
	unsigned long long blocks, bytes, cached_size, mem_before, mem_after;
	char row[32];
	const char *line;
	int got;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ka_test_flush_fronts();
	KUNIT_ASSERT_GT(test, ka_test_read_stats("memory", buf, 64 * 1024), 0L);
	line = strstr(buf, "\nstd ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	got = sscanf(line, " std %llu %*u %*u %llu", &mem_before, &cached_size);
	KUNIT_ASSERT_EQ(test, got, 2);
	KUNIT_EXPECT_EQ(test, cached_size, 0ULL);
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
	work_on_cpu(cpu, fb_free, b);

	KUNIT_ASSERT_GT(test, ka_test_read_stats("std/info", buf, 64 * 1024), 0L);
	line = strstr(buf, "\n[front]\n");
	KUNIT_ASSERT_NOT_NULL(test, line);
	snprintf(row, sizeof(row), "\n%d ", cpu);
	line = strstr(line, row);
	KUNIT_ASSERT_NOT_NULL(test, line);
	got = sscanf(line, " %*d %llu %llu", &blocks, &bytes);
	KUNIT_ASSERT_EQ(test, got, 2);
	/* 8 freed, plus what the refill brought beside them: 208-byte blocks */
	KUNIT_EXPECT_GE(test, blocks, 8ULL);
	KUNIT_EXPECT_EQ(test, bytes, blocks * 208);

	KUNIT_ASSERT_GT(test, ka_test_read_stats("memory", buf, 64 * 1024), 0L);
	line = strstr(buf, "\nstd ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	got = sscanf(line, " std %llu %*u %*u %llu", &mem_after, &cached_size);
	KUNIT_ASSERT_EQ(test, got, 2);
	KUNIT_EXPECT_EQ(test, cached_size, bytes);
	/* what users hold did not move: the blocks are in the cache, not in use */
	KUNIT_EXPECT_EQ(test, mem_after, mem_before);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("info", buf, 64 * 1024), 0L);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " front_cache"));
}

struct irq_churn {
	struct hrtimer timer;
	struct ka_type *type;
	void *held[8];
	int rounds, bad;
	struct completion done;
};

/* In hard-irq context: allocate and free through the cache, checking each block. */
static enum hrtimer_restart irq_churn_fn(struct hrtimer *t)
{
	struct irq_churn *c = container_of(t, struct irq_churn, timer);
	int i;

	if (!in_hardirq())
		c->bad++;
	for (i = 0; i < ARRAY_SIZE(c->held); i++) {
		if (c->held[i]) {
			if (*(u32 *)c->held[i] != (u32)(uintptr_t)c->held[i])
				c->bad++;
			ka_free(c->type, c->held[i]);
		}
		c->held[i] = ka_alloc(c->type, 32 + 32 * i, GFP_ATOMIC);
		if (c->held[i])
			*(u32 *)c->held[i] = (u32)(uintptr_t)c->held[i];
	}
	if (++c->rounds == 200) {
		complete(&c->done);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, ns_to_ktime(200 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* Hard-irq allocations interleave with the same CPU's task allocations. */
static void cache_under_hardirq(struct kunit *test)
{
	struct irq_churn *c;
	struct fbatch *b;
	int i, round;

	/* as kmalloc; hardirq_allocation checks the refusal there */
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		kunit_skip(test, "PREEMPT_RT: no allocation in hard-irq context");
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	b = fbatch_new(test, "kunit_fc_task", KA_CLASS_STD, 64, FBLK);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->type = ka_test_type(test, "kunit_fc_irq", KA_CLASS_STD);
	init_completion(&c->done);
	hrtimer_init(&c->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	c->timer.function = irq_churn_fn;
	hrtimer_start(&c->timer, ns_to_ktime(100 * NSEC_PER_USEC), HRTIMER_MODE_REL_HARD);
	for (round = 0; !completion_done(&c->done) && round < 2000; round++) {
		KUNIT_ASSERT_EQ(test, fb_alloc(b), 0L);
		for (i = 0; i < b->n; i++)
			KUNIT_EXPECT_EQ(test, *(u8 *)b->p[i], 0x5a);
		fb_free(b);
	}
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&c->done, 30 * HZ), 0UL);
	hrtimer_cancel(&c->timer);
	for (i = 0; i < ARRAY_SIZE(c->held); i++)
		ka_free(c->type, c->held[i]);
	KUNIT_EXPECT_EQ(test, c->bad, 0);
	ka_test_expect_all_consistent(test);
}

struct irq_inside {
	struct hrtimer timer;
	struct ka_type *type;
	void *kept;
	int bad, reports_before;
	int *reports;
	bool ran;
};

/*
 * In hard-irq context, on a CPU whose task holds its front cache: one block
 * allocated and freed, one kept, and a double free refused.
 */
static enum hrtimer_restart irq_inside_fn(struct hrtimer *t)
{
	struct irq_inside *c = container_of(t, struct irq_inside, timer);
	void *p = ka_alloc(c->type, 64, GFP_ATOMIC);

	if (!in_hardirq() || !p)
		c->bad++;
	if (p) {
		memset(p, 0x3c, 64);
		ka_free(c->type, p);
		c->reports_before = *c->reports;
		ka_free(c->type, p);
		if (*c->reports != c->reports_before + 1)
			c->bad++;
	}
	c->kept = ka_alloc(c->type, 64, GFP_ATOMIC);
	WRITE_ONCE(c->ran, true);
	return HRTIMER_NORESTART;
}

/*
 * An interrupt that comes in while its CPU's task is inside the fast path
 * (the front cache taken) allocates and frees through the instance and
 * leaves the cache alone; so does the task itself if it calls in.
 */
static void hardirq_inside_fast_path(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_inside", KA_CLASS_STD, 64, 1);
	struct ka_class_state *cs = &ka_class_states[KA_CLASS_STD];
	struct ka_pcpu_counts before, after;
	struct ka_type_totals sum;
	struct irq_inside *c;
	u64 deadline;
	int cpu;

	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		kunit_skip(test, "PREEMPT_RT: no allocation in hard-irq context");
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->type = ka_test_type(test, "kunit_fc_inside_irq", KA_CLASS_STD);
	c->reports = ka_test_expect_reports(test);
	hrtimer_init(&c->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	c->timer.function = irq_inside_fn;

	KUNIT_ASSERT_TRUE(test, ka_front_trylock(cs));
	cpu = smp_processor_id();
	before = front_of(KA_CLASS_STD, cpu);
	/* the task itself, inside: the instance serves it */
	b->p[0] = ka_alloc(b->type, b->size, GFP_ATOMIC);
	KUNIT_EXPECT_NOT_NULL(test, b->p[0]);
	ka_free(b->type, b->p[0]);
	hrtimer_start(&c->timer, ns_to_ktime(50 * NSEC_PER_USEC), HRTIMER_MODE_REL_PINNED_HARD);
	deadline = ktime_get_ns() + 10 * NSEC_PER_SEC;
	while (!READ_ONCE(c->ran) && ktime_get_ns() < deadline)
		cpu_relax();
	after = front_of(KA_CLASS_STD, cpu);
	ka_front_unlock(cs);
	hrtimer_cancel(&c->timer);

	KUNIT_ASSERT_TRUE(test, READ_ONCE(c->ran));
	KUNIT_EXPECT_EQ(test, c->bad, 0);
	KUNIT_EXPECT_NOT_NULL(test, c->kept);
	KUNIT_EXPECT_EQ(test, after.front.hits, before.front.hits);
	KUNIT_EXPECT_EQ(test, after.cached_blocks, before.cached_blocks);
	KUNIT_EXPECT_EQ(test, *c->reports, 1);
	ka_type_sum(c->type, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, 2ULL);
	KUNIT_EXPECT_EQ(test, sum.frees, 1ULL);
	ka_free(c->type, c->kept);
	ka_test_expect_all_consistent(test);
}

/* Sum of the blocks of every instance of @cls, once the caches are empty. */
static u64 class_blocks(enum ka_class cls)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += ka_test_pcpu_blocks(ka_test_pcpu(&ka_class_states[cls], cpu));
	return n;
}

/* A CPU taken offline with a full cache gives every block back. */
static void cpu_offline_with_full_cache(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_off", KA_CLASS_STD, 64, FBLK);
	int victim = cpumask_last(cpu_online_mask);
	struct ka_pcpu_counts dd;
	u64 base;

	if (victim == 0 || num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU to take offline");
	base = class_blocks(KA_CLASS_STD);
	KUNIT_ASSERT_EQ(test, work_on_cpu(victim, fb_alloc, b), 0L);
	work_on_cpu(victim, fb_free, b);
	dd = front_of(KA_CLASS_STD, victim);
	KUNIT_ASSERT_GE(test, dd.cached_blocks, (u64)mag_cap(80));	/* full magazines */
	KUNIT_ASSERT_GT(test, depot_at(KA_CLASS_STD, cpu_to_node(victim)).blocks, 0UL);
	KUNIT_ASSERT_EQ(test, remove_cpu(victim), 0);
	dd = front_of(KA_CLASS_STD, victim);
	KUNIT_EXPECT_EQ(test, dd.cached_blocks, 0ULL);
	KUNIT_EXPECT_EQ(test, dd.cached_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, depot_at(KA_CLASS_STD, cpu_to_node(victim)).blocks, 0UL);
	KUNIT_EXPECT_EQ(test, add_cpu(victim), 0);
	KUNIT_EXPECT_EQ(test, class_blocks(KA_CLASS_STD), base);
	/* and the CPU caches again once it is back */
	KUNIT_ASSERT_EQ(test, work_on_cpu(victim, fb_alloc, b), 0L);
	work_on_cpu(victim, fb_free, b);
	KUNIT_EXPECT_GT(test, front_of(KA_CLASS_STD, victim).cached_blocks, 0ULL);
	ka_test_expect_all_consistent(test);
}

static struct ka_type *late_type;

/* On the dying CPU, after kalloc emptied its caches: an interrupt's allocations and frees. */
static void late_refill(unsigned int cpu)
{
	void *p[8];
	int i;

	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = ka_alloc(late_type, 64, GFP_ATOMIC);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		ka_free(late_type, p[i]);
}

/*
 * What a dying CPU's caches got after kalloc emptied them (an interrupt
 * there, played by the suite's hook) is collected once the CPU is dead, as
 * SLUB's slub_cpu_dead() collects its per-CPU slabs.
 */
static void dead_cpu_caches_are_collected(struct kunit *test)
{
	int victim = cpumask_last(cpu_online_mask), err;
	u64 base;

	if (victim == 0 || num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU to take offline");
	late_type = ka_test_type(test, "kunit_late", KA_CLASS_STD);
	base = class_blocks(KA_CLASS_STD);
	WRITE_ONCE(ka_cpu_offline_test_hook, late_refill);
	err = remove_cpu(victim);
	WRITE_ONCE(ka_cpu_offline_test_hook, NULL);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, front_of(KA_CLASS_STD, victim).cached_blocks, 0ULL);
	KUNIT_EXPECT_EQ(test, class_blocks(KA_CLASS_STD), base);
	KUNIT_EXPECT_EQ(test, add_cpu(victim), 0);
	ka_test_expect_all_consistent(test);
}

/*
 * The work that gives memory back runs on a WQ_MEM_RECLAIM workqueue: its
 * rescuer thread, named after it ("kalloc" on 6.1, "kworker/R-kalloc" cut
 * to the task name's 15 characters on 6.12), exists to run it when no
 * worker can be made.
 */
static void reclaim_work_has_a_rescuer(struct kunit *test)
{
	struct task_struct *p;
	bool found = false;

	rcu_read_lock();
	for_each_process(p)
		if ((p->flags & PF_KTHREAD) &&
		    (!strcmp(p->comm, "kalloc") || !strcmp(p->comm, "kworker/R-kallo")))
			found = true;
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, found);
}

/* Blocks in every front cache and depot. */
static u64 all_cached(void)
{
	u64 n = 0;
	int cls, cpu, node;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		if (!ka_class_enabled(cls))
			continue;
		for_each_online_cpu(cpu)
			n += front_of(cls, cpu).cached_blocks;
		for_each_online_node(node)
			n += depot_at(cls, node).blocks;
	}
	return n;
}

static u64 all_depots(void)
{
	u64 n = 0;
	int node;

	for_each_online_node(node)
		n += depot_at(KA_CLASS_STD, node).blocks;
	return n;
}

static bool wait_all_cached_zero(unsigned int ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);

	while (all_cached() && time_before(jiffies, deadline))
		msleep(20);
	return !all_cached();
}

/* Under memory pressure the shrinker has every CPU empty its caches. */
static void shrinker_empties_caches(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_shrink", KA_CLASS_STD, 64, FBLK);
	int cpu;

	for_each_online_cpu(cpu) {
		KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
		work_on_cpu(cpu, fb_free, b);
	}
	KUNIT_ASSERT_GT(test, all_cached(), 0ULL);
	KUNIT_ASSERT_GT(test, all_depots(), 0ULL);
	KUNIT_EXPECT_GT(test, ka_front_reclaim(NUMA_NO_NODE, ULONG_MAX), 0UL);
	KUNIT_EXPECT_EQ(test, all_depots(), 0ULL);	/* the depots at once, by the reclaimer */
	/* the works run at once; well before a decay period could have emptied them */
	KUNIT_EXPECT_TRUE(test, wait_all_cached_zero(KA_FRONT_DECAY_MS / 4));
	ka_test_expect_all_consistent(test);
}

/*
 * Reclaim for one node asks only that node's CPUs, and a small nr_to_scan
 * asks one cache, not all: the shrinker is NUMA-aware and bounded.
 */
static void shrinker_honours_node_and_nr_to_scan(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_shrnode", KA_CLASS_STD, 64, FBLK);
	struct ka_class_state *cs = &ka_class_states[KA_CLASS_STD];
	int cpu, far = cpu_to_node(cpumask_last(cpu_online_mask));
	unsigned long total, one;

	if (num_online_nodes() < 2)
		kunit_skip(test, "needs two nodes");
	for_each_online_cpu(cpu) {
		KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
		work_on_cpu(cpu, fb_free, b);
	}
	KUNIT_EXPECT_GT(test, ka_front_reclaim(far, ULONG_MAX), 0UL);
	/* read at once: the other node's caches were not asked */
	for_each_online_cpu(cpu)
		if (cpu_to_node(cpu) != far)
			KUNIT_EXPECT_FALSE_MSG(test, READ_ONCE(ka_test_pcpu(cs, cpu)->fd.flush_all),
					       "CPU %d of node %d asked", cpu, cpu_to_node(cpu));

	for_each_online_cpu(cpu) {
		KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
		work_on_cpu(cpu, fb_free, b);
	}
	total = all_cached();
	one = ka_front_reclaim(NUMA_NO_NODE, 1);
	KUNIT_EXPECT_GT(test, one, 0UL);
	KUNIT_EXPECT_LT(test, one, total);	/* one CPU's cache of one class, of several */
	ka_front_reclaim(NUMA_NO_NODE, ULONG_MAX);
	KUNIT_EXPECT_TRUE(test, wait_all_cached_zero(KA_FRONT_DECAY_MS / 4));
	ka_test_expect_all_consistent(test);
}

/* Left alone, a cache gives its blocks back by itself, three quarters a period. */
static void decay_empties_idle_cache(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_decay", KA_CLASS_STD, 64, 32);
	int cpu = cpumask_first(cpu_online_mask);
	struct ka_front_shape *sh = kunit_kzalloc(test, sizeof(*sh), GFP_KERNEL);
	struct ka_front *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	void *out[2 * KA_FRONT_SLOTS];
	unsigned int i, bin;

	KUNIT_ASSERT_TRUE(test, f && sh);
	/* the rule itself, on a cache of our own: 30 idle blocks -> 7 -> 1 -> 0 */
	ka_front_init(f);
	KUNIT_ASSERT_EQ(test, ka_front_make_room(f, sh, 80, out), 0U);
	bin = f->map[80 / KA_UNIT];
	KUNIT_ASSERT_EQ(test, mag_cap(80), 30U);
	for (i = 0; i < 30; i++)
		KUNIT_ASSERT_TRUE(test, ka_front_push(f, 80, out + i));
	KUNIT_EXPECT_FALSE(test, ka_front_push(f, 80, out));	/* the magazine is full */
	f->bin[bin].low = f->bin[bin].count;	/* a whole period unused */
	KUNIT_EXPECT_EQ(test, ka_front_take_decayed(f, sh, bin, out), 23U);
	KUNIT_EXPECT_EQ(test, ka_front_take_decayed(f, sh, bin, out), 6U);
	KUNIT_EXPECT_EQ(test, ka_front_take_decayed(f, sh, bin, out), 1U);
	KUNIT_EXPECT_EQ(test, f->blocks, 0U);
	KUNIT_EXPECT_EQ(test, (int)f->map[80 / KA_UNIT], KA_FRONT_NONE);
	/* a bin in use keeps what it used */
	KUNIT_ASSERT_EQ(test, ka_front_make_room(f, sh, 80, out), 0U);
	bin = f->map[80 / KA_UNIT];
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_TRUE(test, ka_front_push(f, 80, out + i));
	f->bin[bin].low = 0;
	KUNIT_EXPECT_EQ(test, ka_front_take_decayed(f, sh, bin, out), 0U);
	KUNIT_EXPECT_EQ(test, f->blocks, 8U);
	/* both magazines full, decay takes at most a magazine's worth a pass */
	for (i = 8; i < 60; i++)
		KUNIT_ASSERT_TRUE(test, ka_front_push(f, 80, out + i) ||
				  ka_front_push_slow(f, 80, out + i));
	KUNIT_EXPECT_FALSE(test, ka_front_push_slow(f, 80, out));
	KUNIT_EXPECT_TRUE(test, ka_front_both_full(f, 80));
	f->bin[bin].low = f->bin[bin].count;
	KUNIT_EXPECT_EQ(test, ka_front_take_decayed(f, sh, bin, out), (unsigned int)KA_FRONT_SLOTS);
	ka_front_exit(f);

	/* and the real caches and depots, with nobody asking */
	ka_test_flush_fronts();
	b->n = FBLK;
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fb_alloc, b), 0L);
	work_on_cpu(cpu, fb_free, b);
	KUNIT_ASSERT_GT(test, front_of(KA_CLASS_STD, cpu).cached_blocks, 0ULL);
	KUNIT_ASSERT_GT(test, all_depots(), 0ULL);
	KUNIT_EXPECT_TRUE(test, wait_all_cached_zero(6 * KA_FRONT_DECAY_MS));
	ka_test_expect_all_consistent(test);
}

/* Blocks of CPU 0 freed on CPU 1 wait in CPU 1's cache, then go home through the queue. */
static void remote_blocks_go_home_from_cache(struct kunit *test)
{
	struct fbatch *b = fbatch_new(test, "kunit_fc_home", KA_CLASS_STD, 64, FBLK);
	struct ka_pcpu *owner = ka_test_pcpu(&ka_class_states[KA_CLASS_STD], 0);
	u64 base, queued, held;

	if (!cpu_online(0) || !cpu_online(1))
		kunit_skip(test, "needs CPUs 0 and 1");
	base = ka_test_pcpu_blocks(owner);
	queued = atomic64_read(&owner->rq.queued);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, fb_alloc, b), 0L);
	work_on_cpu(1, fb_free, b);
	held = front_of(KA_CLASS_STD, 1).cached_blocks;
	KUNIT_EXPECT_GT(test, held, 0ULL);
	ka_test_flush_fronts();
	/* CPU 1's cache sends them through the queue; a depot flushed on CPU 0 frees them there */
	KUNIT_EXPECT_GE(test, atomic64_read(&owner->rq.queued), queued + held);
	ka_cpu_drain(owner);
	KUNIT_EXPECT_EQ(test, ka_test_pcpu_blocks(owner), base);
	ka_test_expect_all_consistent(test);
}

struct fixed_run {
	struct ka_type *type, *other;
	void *p[FBLK];
	int bad;
};

static long fixed_alloc_free(void *arg)
{
	struct fixed_run *r = arg;
	int i, round;

	for (i = 0; i < FBLK; i++) {
		r->p[i] = ka_alloc_fixed(r->type, GFP_KERNEL);
		if (!r->p[i])
			return -ENOMEM;
		if ((unsigned long)r->p[i] % KA_MIN_ALIGN || ka_inst_usable_size(r->p[i]) < 72)
			r->bad++;
		memset(r->p[i], 0x2d, 72);
	}
	for (i = 0; i < FBLK; i++)
		ka_free(r->type, r->p[i]);
	/* many other sizes through the same caches: the fixed size keeps its bin */
	for (round = 0; round < 3 * KA_FRONT_BINS; round++) {
		void *q = ka_alloc(r->other, 200 + 64 * round, GFP_KERNEL);

		if (!q)
			return -ENOMEM;
		ka_free(r->other, q);
	}
	return 0;
}

static void destroy_type(void *t)
{
	ka_type_destroy(t);
}

/* Blocks of many sizes through this CPU's cache: every bin, pinned slots too, in use. */
static long other_sizes(void *arg)
{
	struct fixed_run *r = arg;
	void *q[2 * KA_FRONT_BINS];
	int i;

	for (i = 0; i < ARRAY_SIZE(q); i++) {
		q[i] = ka_alloc(r->other, 200 + 64 * i, GFP_KERNEL);
		if (!q[i])
			return -ENOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(q); i++)
		ka_free(r->other, q[i]);
	return 0;
}

/* Whether every bin in use is named by the map entry of its size, and only by it. */
static bool bins_mapped(const struct ka_front *f)
{
	unsigned int i, named = 0;

	for (i = 0; i < KA_FRONT_SIZES; i++)
		if (f->map[i] != KA_FRONT_NONE) {
			if (f->bin[f->map[i]].blk != i * KA_UNIT)
				return false;
			named++;
		}
	for (i = 0; i < KA_FRONT_BINS; i++)
		named -= !!f->bin[i].blk;
	return !named;
}

/* A type of one object size gets per-CPU free lists of exactly that size. */
static void fixed_size_type(struct kunit *test)
{
	struct ka_class_state *cs = &ka_class_states[KA_CLASS_FIX];
	struct fixed_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int cpu = cpumask_first(cpu_online_mask);
	unsigned int blk, bin, occupant, slot;
	struct ka_type *twin, *wide;
	struct ka_pcpu_front *pf;
	int *reports, notices;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, r);
	if (!ka_class_enabled(KA_CLASS_FIX) || !cs->shape.max)
		kunit_skip(test, "needs the fix class with front caches");
	p = ka_type_create_fixed("kunit_fx_bad", KA_CLASS_FIX, 72, 24);
	KUNIT_EXPECT_EQ(test, PTR_ERR(p), -EINVAL);
	p = ka_type_create_fixed("kunit_fx_bad", KA_CLASS_FIX, 72, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, PTR_ERR(p), -EINVAL);
	p = ka_type_create_fixed("kunit_fx_bad", KA_CLASS_FIX, 0, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(p), -EINVAL);
	p = ka_type_create_fixed("kunit_fx_bad", KA_CLASS_FIX, KA_FIXED_MAX + 1, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(p), -EINVAL);
	r->type = ka_type_create_fixed("kunit_fx", KA_CLASS_FIX, 72, 8);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r->type));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, destroy_type, r->type), 0);
	r->other = ka_test_type(test, "kunit_fx_other", KA_CLASS_FIX);
	blk = ka_front_blk(&cs->shape, 72);
	KUNIT_EXPECT_GT(test, cs->shape.pin[blk / KA_UNIT], 0);
	/* the size has a slot, the bin its types reach without a size lookup */
	KUNIT_ASSERT_LT(test, r->type->front_slot, KA_FRONT_PINNED);
	KUNIT_EXPECT_EQ(test, r->type->front_blk, blk);
	KUNIT_EXPECT_EQ(test, cs->shape.slot_blk[r->type->front_slot], blk);
	twin = ka_type_create_fixed("kunit_fx_twin", KA_CLASS_FIX, 70, 8);
	KUNIT_ASSERT_FALSE(test, IS_ERR(twin));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, destroy_type, twin), 0);
	KUNIT_EXPECT_EQ(test, twin->front_slot, r->type->front_slot);
	wide = ka_type_create_fixed("kunit_fx_wide", KA_CLASS_FIX, 300, 8);
	KUNIT_ASSERT_FALSE(test, IS_ERR(wide));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, destroy_type, wide), 0);
	KUNIT_EXPECT_NE(test, wide->front_slot, r->type->front_slot);

	/* another size in the slot's bin first: it moves out, blocks and all */
	ka_test_flush_fronts();
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, other_sizes, r), 0L);
	pf = per_cpu_ptr(cs->front, cpu);
	occupant = pf->f->bin[r->type->front_slot].blk;
	KUNIT_EXPECT_NE(test, occupant, 0U);
	KUNIT_EXPECT_NE(test, occupant, blk);
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, fixed_alloc_free, r), 0L);
	KUNIT_EXPECT_EQ(test, r->bad, 0);
	bin = pf->f->map[blk / KA_UNIT];
	KUNIT_EXPECT_EQ(test, bin, (unsigned int)r->type->front_slot);
	KUNIT_ASSERT_NE(test, bin, (unsigned int)KA_FRONT_NONE);
	KUNIT_EXPECT_EQ(test, pf->f->bin[bin].blk, blk);
	KUNIT_EXPECT_GE(test, pf->f->bin[bin].count, pf->f->bin[bin].cap);
	KUNIT_EXPECT_TRUE(test, bins_mapped(pf->f));

	/* ka_alloc() gets an object of the type's size, never a larger request */
	p = ka_alloc(r->type, 40, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ka_test_blk_size(p), (size_t)blk);
	ka_free(r->type, p);
	reports = ka_test_expect_reports(test);
	notices = atomic_read(&ka_notices_made);
	KUNIT_EXPECT_NULL(test, ka_alloc(r->type, 73, GFP_KERNEL));	/* legal: a notice */
	KUNIT_EXPECT_NULL(test, ka_alloc_fixed(r->other, GFP_KERNEL));	/* misuse: a report */
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ka_notices_made), notices + 1);

	/* destroy gives the size's bin and slot up and empties the class's caches */
	slot = r->type->front_slot;
	kunit_release_action(test, destroy_type, r->type);
	KUNIT_EXPECT_EQ(test, cs->shape.slot_blk[slot], blk);	/* the twin keeps it */
	kunit_release_action(test, destroy_type, twin);
	KUNIT_EXPECT_EQ(test, cs->shape.slot_blk[slot], 0U);
	KUNIT_EXPECT_EQ(test, cs->shape.pin[blk / KA_UNIT], 0);
	KUNIT_EXPECT_EQ(test, front_of(KA_CLASS_FIX, cpu).cached_blocks, 0ULL);
	ka_test_expect_all_consistent(test);
}

static struct kunit_case front_cases[] = {
	KUNIT_CASE(free_then_alloc_reuses),
	KUNIT_CASE(refill_swap_and_depot_within_bounds),
	KUNIT_CASE(depot_serves_the_node),
	KUNIT_CASE(producer_consumer_moves_magazines),
	KUNIT_CASE(many_sizes_byte_bound),
	KUNIT_CASE(double_free_into_cache),
	KUNIT_CASE(wrong_type_free_into_cache),
	KUNIT_CASE(cached_blocks_in_views),
	KUNIT_CASE(cache_under_hardirq),
	KUNIT_CASE(hardirq_inside_fast_path),
	KUNIT_CASE(cpu_offline_with_full_cache),
	KUNIT_CASE(dead_cpu_caches_are_collected),
	KUNIT_CASE(reclaim_work_has_a_rescuer),
	KUNIT_CASE(shrinker_empties_caches),
	KUNIT_CASE(shrinker_honours_node_and_nr_to_scan),
	KUNIT_CASE_SLOW(decay_empties_idle_cache),
	KUNIT_CASE(remote_blocks_go_home_from_cache),
	KUNIT_CASE(fixed_size_type),
	{}
};

struct kunit_suite ka_test_front_suite = {
	.name = "kalloc_front",
	.test_cases = front_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_front_suite);
