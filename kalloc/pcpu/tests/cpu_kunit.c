// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of the per-CPU layer and the public API: frees from other CPUs
 * come home, foreign reallocs, misuse reports, allocation in hard-irq
 * context, and a concurrent stress over every CPU with a CPU taken offline
 * and back in the middle.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "../../tests/ka_test.h"
#include "stress.h"
#include "../cpu.h"
#include "../registry.h"
#include "../remote.h"
#include "../../internal.h"
#include "../../report.h"
#include "../../stats.h"

static struct ka_pcpu *pcpu_of(enum ka_class cls, int cpu)
{
	return ka_test_pcpu(&ka_class_states[cls], cpu);
}

#define NBLK 48

struct batch {
	struct ka_type *type;
	void *p[NBLK];
	size_t size;
	int cpu;
};

static long alloc_batch(void *arg)
{
	struct batch *b = arg;
	int i;

	b->cpu = raw_smp_processor_id();
	for (i = 0; i < NBLK; i++) {
		b->p[i] = ka_alloc(b->type, b->size, GFP_KERNEL);
		if (!b->p[i])
			return -ENOMEM;
		memset(b->p[i], i, b->size);
	}
	return 0;
}

static long free_batch(void *arg)
{
	struct batch *b = arg;
	int i;

	for (i = 0; i < NBLK; i++)
		ka_free(b->type, b->p[i]);
	return 0;
}

static bool wait_drained(struct ka_pcpu *pc, u64 target)
{
	unsigned long deadline = jiffies + 20 * HZ;

	while (time_before(jiffies, deadline)) {
		unsigned long flags;
		u64 done;

		spin_lock_irqsave(&pc->lock, flags);
		done = pc->rq.drained;
		spin_unlock_irqrestore(&pc->lock, flags);
		if (done >= target)
			return true;
		msleep(20);
	}
	return false;
}

/* Blocks of CPU 0 freed on CPU 1 are queued to CPU 0 and come home by themselves. */
static void cross_cpu_free_comes_home(struct kunit *test)
{
	struct batch *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct ka_pcpu *owner = pcpu_of(KA_CLASS_STD, 0);
	u64 base, queued, drained;

	KUNIT_ASSERT_NOT_NULL(test, b);
	if (!cpu_online(0) || !cpu_online(1))
		kunit_skip(test, "needs CPUs 0 and 1");
	b->type = ka_test_type(test, "kunit_home", KA_CLASS_STD);
	b->size = 2 * KA_FRONT_MAX;	/* past the front caches: straight to the queue */
	base = ka_test_pcpu_blocks(owner);
	queued = atomic64_read(&owner->rq.queued);
	drained = owner->rq.drained;

	KUNIT_ASSERT_EQ(test, work_on_cpu(0, alloc_batch, b), 0L);
	KUNIT_ASSERT_EQ(test, b->cpu, 0);
	KUNIT_EXPECT_EQ(test, ka_test_pcpu_blocks(owner), base + NBLK);
	KUNIT_EXPECT_PTR_EQ(test, ka_cpu_owner(b->p[0], &(const char *){ NULL }), owner);
	work_on_cpu(1, free_batch, b);

	KUNIT_EXPECT_EQ(test, atomic64_read(&owner->rq.queued), queued + NBLK);
	KUNIT_EXPECT_TRUE(test, wait_drained(owner, drained + NBLK));
	KUNIT_EXPECT_EQ(test, ka_test_pcpu_blocks(owner), base);
	KUNIT_EXPECT_GT(test, atomic64_read(&owner->rq.kicks), 0LL);
	ka_test_expect_all_consistent(test);
}

struct realloc_arg {
	struct ka_type *type;
	void *p;
};

static long realloc_on(void *arg)
{
	struct realloc_arg *r = arg;

	r->p = ka_realloc(r->type, r->p, 5000, GFP_KERNEL);
	return r->p ? 0 : -ENOMEM;
}

/* realloc of a foreign block moves it to this CPU and sends the old one home. */
static void foreign_realloc(struct kunit *test)
{
	struct batch *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct realloc_arg r;
	const char *why = NULL;
	struct ka_pcpu *owner;
	u64 queued;

	KUNIT_ASSERT_NOT_NULL(test, b);
	if (!cpu_online(0) || !cpu_online(1))
		kunit_skip(test, "needs CPUs 0 and 1");
	b->type = ka_test_type(test, "kunit_frealloc", KA_CLASS_SL);
	b->size = 300;
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, alloc_batch, b), 0L);
	owner = pcpu_of(KA_CLASS_SL, 0);
	queued = atomic64_read(&owner->rq.queued);

	r.type = b->type;
	r.p = b->p[0];
	KUNIT_ASSERT_EQ(test, work_on_cpu(1, realloc_on, &r), 0L);
	KUNIT_EXPECT_PTR_EQ(test, ka_cpu_owner(r.p, &why), pcpu_of(KA_CLASS_SL, 1));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(r.p, 0, 300));	/* block 0 was filled with 0 */
	KUNIT_EXPECT_EQ(test, atomic64_read(&owner->rq.queued), queued + 1);
	b->p[0] = r.p;
	work_on_cpu(0, free_batch, b);
	ka_test_expect_all_consistent(test);
}

struct misuse {
	struct ka_type *a, *b;
	int *reports;
	long step[6];
};

static long misuse_on_one_cpu(void *arg)
{
	struct misuse *m = arg;
	void *p = ka_alloc(m->a, 100, GFP_KERNEL);
	void *k = kmalloc(64, GFP_KERNEL);

	if (!p || !k) {
		kfree(k);
		ka_free(m->a, p);
		return -ENOMEM;
	}
	ka_free(m->b, p);			/* wrong type */
	m->step[0] = *m->reports;
	ka_free(m->a, k);			/* never given out by kalloc */
	m->step[1] = *m->reports;
	ka_free(m->a, (char *)p + 16);		/* inside a block */
	m->step[2] = *m->reports;
	m->step[3] = ka_realloc(m->b, p, 500, GFP_KERNEL) ? -1 : *m->reports;
	ka_free(m->a, p);			/* the right one: freed */
	ka_free(m->a, p);			/* double free */
	m->step[4] = *m->reports;
	kfree(k);
	return 0;
}

/* Misuse is reported (counted here instead of WARNed) and changes nothing. */
static void misuse_is_reported(struct kunit *test)
{
	struct misuse *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct ka_type_totals sum;

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->a = ka_test_type(test, "kunit_misuse_a", KA_CLASS_DRIVER);
	m->b = ka_test_type(test, "kunit_misuse_b", KA_CLASS_DRIVER);
	m->reports = ka_test_expect_reports(test);
	/* In the test's own thread, where reports are counted; one CPU: frees are local. */
	migrate_disable();
	KUNIT_EXPECT_EQ(test, misuse_on_one_cpu(m), 0L);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, m->step[0], 1L);
	KUNIT_EXPECT_EQ(test, m->step[1], 2L);
	KUNIT_EXPECT_EQ(test, m->step[2], 3L);
	KUNIT_EXPECT_EQ(test, m->step[3], 4L);
	KUNIT_EXPECT_EQ(test, m->step[4], 5L);
	ka_type_sum(m->a, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, sum.frees);	/* the refused frees were not counted */
	ka_test_expect_all_consistent(test);
}

struct irq_arg {
	struct hrtimer timer;
	struct ka_type *type;
	struct completion done;
	bool in_irq, ok;
	void *kept, *given;	/* given: allocated by the task, freed in the irq */
};

static enum hrtimer_restart irq_alloc(struct hrtimer *t)
{
	struct irq_arg *a = container_of(t, struct irq_arg, timer);
	void *p = ka_alloc(a->type, 700, GFP_ATOMIC);

	ka_free(a->type, a->given);
	a->in_irq = in_hardirq();
	a->kept = ka_zalloc(a->type, 90000, GFP_ATOMIC);
	a->ok = p && a->kept;
	if (p) {
		memset(p, 0x5a, 700);
		ka_free(a->type, p);
	}
	complete(&a->done);
	return HRTIMER_NORESTART;
}

/* Buffer and driver classes tag blocks with their origin by default. */
static void atags_record_the_caller(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_atags", KA_CLASS_DRIVER);
	struct ka_type *u = ka_test_type(test, "kunit_noatags", KA_CLASS_STD);
	void *p = ka_alloc(t, 100, GFP_KERNEL);
	void *q = ka_alloc(u, 100, GFP_KERNEL);
	char who[KSYM_SYMBOL_LEN], me[KSYM_SYMBOL_LEN];

	KUNIT_ASSERT_TRUE(test, p && q);
	snprintf(who, sizeof(who), "%ps", (void *)ka_inst_block_origin(p));
	snprintf(me, sizeof(me), "%s [%s]", __func__, KBUILD_MODNAME);
	KUNIT_EXPECT_STREQ(test, who, me);
	KUNIT_EXPECT_EQ(test, ka_inst_block_origin(q), 0UL);
	ka_free(t, p);
	ka_free(u, q);
}

/*
 * From an hrtimer callback, in hard-irq context: allocations work, and a
 * free of a block the task allocated. On PREEMPT_RT, where kalloc's locks
 * sleep, the allocations are refused with a report, as kmalloc may not be
 * called there, and the free goes through the block's queue.
 */
static void hardirq_allocation(struct kunit *test)
{
	struct irq_arg *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	bool rt = IS_ENABLED(CONFIG_PREEMPT_RT);
	struct ka_type_totals sum;
	static atomic_t reports;

	KUNIT_ASSERT_NOT_NULL(test, a);
	a->type = ka_test_type(test, "kunit_irq", KA_CLASS_TEMP);
	a->given = ka_alloc(a->type, 300, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a->given);
	init_completion(&a->done);
	atomic_set(&reports, 0);
	ka_report_sink_set(&reports);
	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	a->timer.function = irq_alloc;
	hrtimer_start(&a->timer, ns_to_ktime(100 * NSEC_PER_USEC), HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&a->done, 20 * HZ), 0UL);
	hrtimer_cancel(&a->timer);
	ka_report_sink_set(NULL);
	KUNIT_EXPECT_TRUE(test, a->in_irq);
	KUNIT_EXPECT_EQ(test, a->ok, !rt);
	KUNIT_EXPECT_EQ(test, atomic_read(&reports), rt ? 2 : 0);
	if (a->kept)
		KUNIT_EXPECT_TRUE(test, !memchr_inv(a->kept, 0, 90000));
	ka_free(a->type, a->kept);
	ka_type_sum(a->type, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, rt ? 1ULL : 3ULL);
	msleep(100);	/* the queued free lands */
	ka_test_expect_all_consistent(test);
}

static int nid_of(const void *p)
{
	return page_to_nid(is_vmalloc_addr(p) ? vmalloc_to_page(p) : virt_to_page(p));
}

/*
 * ka_alloc_node(): a small block and a singleblock carrier's from each
 * online node's memory, freed from this CPU (their employers are another
 * CPU's instances); a node that is not online is refused with a report.
 */
static void alloc_on_each_node(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_node", KA_CLASS_STD);
	int *reports = ka_test_expect_reports(test), notices;
	size_t sizes[] = { 100, 3000, 300000 };
	int nid, i, nodes = 0;
	void *any;

	for_each_online_node(nid) {
		nodes++;
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			u8 *p = ka_alloc_node(t, sizes[i], GFP_KERNEL | __GFP_ZERO, nid);

			KUNIT_ASSERT_NOT_NULL(test, p);
			KUNIT_EXPECT_EQ_MSG(test, nid_of(p), nid, "%zu bytes", sizes[i]);
			KUNIT_EXPECT_EQ(test, p[sizes[i] - 1], 0);
			memset(p, 0x4e, sizes[i]);
			ka_free(t, p);
		}
	}
	kunit_info(test, "%d online nodes\n", nodes);
	any = ka_alloc_node(t, 64, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_NOT_NULL(test, any);
	ka_free(t, any);
	/* a node that is not online: legal, refused with a notice, not a report */
	notices = atomic_read(&ka_notices_made);
	KUNIT_EXPECT_NULL(test, ka_alloc_node(t, 64, GFP_KERNEL, MAX_NUMNODES));
	KUNIT_EXPECT_NULL(test, ka_alloc_node(t, 64, GFP_KERNEL, -7));
	KUNIT_EXPECT_EQ(test, atomic_read(&ka_notices_made), notices + 2);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	msleep(100);	/* the frees sent home land */
	ka_test_expect_all_consistent(test);
}

/* ---- the concurrent stress (stress.c) ---- */

static long alloc_one(void *arg)
{
	struct ka_type *type = arg;

	return (long)ka_alloc(type, 100, GFP_KERNEL);
}

/*
 * Threads on every CPU allocate, reallocate and free blocks of six types in
 * four classes, most of them freed by another CPU than the one that made
 * them, while the last CPU goes offline and comes back. Every block is
 * checked before it is freed or moved; at the end nothing is left queued,
 * every instance is consistent and every type balances.
 */
static void concurrent_stress_with_hotplug(struct kunit *test)
{
	const enum ka_class *cls = ka_stress_cls;
	int victim = nr_cpu_ids - 1;
	struct stress *s;
	void *back;

	s = ka_stress_run(test, 3000, false);

	/* the CPU that came back serves its instance again */
	if (victim > 0 && cpu_online(victim)) {
		/* from its own instance, not a block another CPU's free left in its cache */
		ka_test_flush_fronts();
		back = (void *)work_on_cpu(victim, alloc_one, s->types[0]);
		KUNIT_ASSERT_NOT_NULL(test, back);
		KUNIT_EXPECT_PTR_EQ(test, ka_cpu_owner(back, &(const char *){ NULL }),
				    pcpu_of(cls[0], victim));
		ka_free(s->types[0], back);
	}
	ka_stress_expect_balanced(test, s, false);
}

/*
 * Long copies and zeroing run with interrupts on: a timer due 1 ms into a
 * call that copies or zeroes 32 MiB (the carrier itself from the segment
 * cache, so nothing else in the call takes long) fires about when it is
 * due, not when the copy is over.
 */
struct irq_window {
	struct hrtimer timer;
	struct ka_type *type;
	ktime_t start, due, fired, end;
	bool zero;
	void *p;
};

static enum hrtimer_restart window_fn(struct hrtimer *t)
{
	struct irq_window *w = container_of(t, struct irq_window, timer);

	w->fired = ktime_get();
	return HRTIMER_NORESTART;
}

#define BIG	(32UL << 20)

static long long_call(void *arg)
{
	struct irq_window *w = arg;
	void *warm;

	/* the target size once, so its segment is cached for the timed call */
	warm = ka_alloc(w->type, w->zero ? BIG : BIG + BIG / 2, GFP_KERNEL);
	if (!warm)
		return -ENOMEM;
	ka_free(w->type, warm);
	rcu_barrier();		/* however the segment reaches the cache, it is there */
	if (!w->zero) {
		w->p = ka_alloc(w->type, BIG, GFP_KERNEL);
		if (!w->p)
			return -ENOMEM;
		memset(w->p, 0x6b, BIG);
	}
	w->fired = 0;
	w->start = ktime_get();
	w->due = ktime_add_ms(w->start, 1);
	hrtimer_start(&w->timer, w->due, HRTIMER_MODE_ABS_PINNED_HARD);
	if (w->zero)
		w->p = ka_alloc(w->type, BIG, GFP_KERNEL | __GFP_ZERO);
	else
		w->p = ka_realloc(w->type, w->p, BIG + BIG / 2, GFP_KERNEL);
	w->end = ktime_get();
	hrtimer_cancel(&w->timer);
	return w->p ? 0 : -ENOMEM;
}

static void long_copies_run_with_interrupts_on(struct kunit *test)
{
	struct irq_window *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	int round;

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->type = ka_test_type(test, "kunit_irqwin", KA_CLASS_STD);
	hrtimer_init(&w->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	w->timer.function = window_fn;
	for (round = 0; round < 2; round++) {
		w->zero = round == 0;
		KUNIT_ASSERT_EQ(test, work_on_cpu(cpumask_first(cpu_online_mask), long_call, w),
				0L);
		kunit_info(test, "%s: call %lld us, timer late by %lld us\n",
			   w->zero ? "__GFP_ZERO of 32 MiB" : "realloc copying 32 MiB",
			   ktime_us_delta(w->end, w->start), ktime_us_delta(w->fired, w->due));
		KUNIT_EXPECT_NE(test, w->fired, 0);
		/*
		 * Late by half the call at most: not held off by the copy, which
		 * is most of the call, nor by the carrier's registry slots and
		 * KASAN shadow, done after the instance's lock is dropped.
		 */
		KUNIT_EXPECT_LT(test, 2 * ktime_us_delta(w->fired, w->due),
				ktime_us_delta(w->end, w->start));
		KUNIT_EXPECT_EQ(test, *(u8 *)w->p, w->zero ? 0 : 0x6b);
		KUNIT_EXPECT_EQ(test, ((u8 *)w->p)[BIG - 1], w->zero ? 0 : 0x6b);
		ka_free(w->type, w->p);
	}
	ka_test_expect_all_consistent(test);
}

/*
 * A carrier of 64 MiB is 4,096 registry slots: they are written after the
 * instance's lock is dropped, KA_REG_HOLD_SLOTS per hold of the registry
 * lock, and the block is found from its first byte to its last, then not
 * at all once freed.
 */
struct large_carrier {
	struct ka_type *type;
	size_t size;
	bool found_first, found_last, usable, gone_first, gone_last;
};

/* On one CPU, so that the free is this CPU's own and done when it returns. */
static long large_carrier_round(void *arg)
{
	struct large_carrier *lc = arg;
	char *p = ka_alloc(lc->type, lc->size, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	lc->found_first = ka_registry_has(p);
	lc->found_last = ka_registry_has(p + lc->size - 1);
	lc->usable = ka_size(lc->type, p) >= lc->size;
	ka_free(lc->type, p);
	lc->gone_first = !ka_registry_has(p);
	lc->gone_last = !ka_registry_has(p + lc->size - 1);
	return 0;
}

static void large_carrier_registered_with_interrupts_on(struct kunit *test)
{
	struct large_carrier lc = {
		.type = ka_test_type(test, "kunit_regholds", KA_CLASS_BUFFER),
		.size = 64UL << 20,
	};
	unsigned int longest;

	WRITE_ONCE(ka_registry_longest_irqsoff, 0);
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpumask_first(cpu_online_mask), large_carrier_round,
					  &lc), 0L);
	KUNIT_EXPECT_TRUE(test, lc.found_first);
	KUNIT_EXPECT_TRUE(test, lc.found_last);
	KUNIT_EXPECT_TRUE(test, lc.usable);
	KUNIT_EXPECT_TRUE(test, lc.gone_first);
	KUNIT_EXPECT_TRUE(test, lc.gone_last);
	longest = READ_ONCE(ka_registry_longest_irqsoff);
	KUNIT_EXPECT_LE(test, longest, KA_REG_HOLD_SLOTS);
	ka_test_expect_all_consistent(test);
}

/* ---- a CPU going offline ---- */

#define OFFLINE_BLOCKS	600

struct offline_fill {
	struct ka_type *type;
	void *p[OFFLINE_BLOCKS];
};

/* Carriers beyond the main one, a quarter of their blocks kept, and small blocks cached. */
static long offline_fill(void *arg)
{
	struct offline_fill *f = arg;
	void *small[32];
	int i;

	for (i = 0; i < OFFLINE_BLOCKS; i++) {
		f->p[i] = ka_alloc(f->type, 700, GFP_KERNEL);
		if (!f->p[i])
			return -ENOMEM;
		memset(f->p[i], i, 700);
	}
	for (i = 0; i < OFFLINE_BLOCKS; i++)
		if (i % 4) {
			ka_free(f->type, f->p[i]);
			f->p[i] = NULL;
		}
	for (i = 0; i < ARRAY_SIZE(small); i++)
		small[i] = ka_alloc(f->type, 64, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(small); i++)
		ka_free(f->type, small[i]);
	return 0;
}

/*
 * Multiblock carriers @pc employs, those of them that are not a main
 * carrier with blocks, and the carriers it has abandoned to the pool.
 */
static int offline_mbcs(struct ka_pcpu *pc, int *others, u64 *abandoned)
{
	struct ka_carrier *c;
	int n = 0;

	*others = 0;
	ka_pcpu_lock(pc);
	list_for_each_entry(c, &pc->inst.mbcs, link) {
		n++;
		*others += !ka_crr_main(c) || !c->used_blocks;
	}
	*abandoned = pc->mg.calls.abandoned;
	ka_pcpu_unlock(pc);
	return n;
}

/*
 * The CPU going down keeps nothing it need not: its cache is emptied, its
 * carriers other than a main one with live blocks go to the pool (sl, with
 * migration on by default), and the blocks in them stay intact and free.
 */
static void offline_cpu_gives_up_carriers_and_cache(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_offline", KA_CLASS_SL);
	struct offline_fill *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	int victim = cpumask_last(cpu_online_mask), before, after, others, i, j;
	struct ka_pcpu *pc = pcpu_of(KA_CLASS_SL, victim);
	struct ka_pcpu_counts dd;
	u64 abandoned, abandoned_after;

	if (num_online_cpus() < 2 || !victim)
		kunit_skip(test, "needs a second CPU to take offline");
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->type = t;
	KUNIT_ASSERT_EQ(test, work_on_cpu(victim, offline_fill, f), 0L);
	before = offline_mbcs(pc, &others, &abandoned);
	KUNIT_EXPECT_GE_MSG(test, others, 1, "no carrier beyond the main one (of %d)", before);
	ka_stats_front(&ka_class_states[KA_CLASS_SL], victim, &dd);
	KUNIT_EXPECT_GT(test, dd.cached_blocks, 0ULL);
	/* a carrier back from the pool may be pooled again only after a grace period */
	synchronize_rcu();

	KUNIT_ASSERT_EQ(test, remove_cpu(victim), 0);
	after = offline_mbcs(pc, &others, &abandoned_after);
	ka_stats_front(&ka_class_states[KA_CLASS_SL], victim, &dd);
	KUNIT_EXPECT_EQ(test, dd.cached_blocks, 0ULL);
	KUNIT_EXPECT_EQ_MSG(test, others, 0, "of %d carriers still employed (%d before)", after,
			    before);
	KUNIT_EXPECT_GE(test, abandoned_after, abandoned + before - 1);

	for (i = 0; i < OFFLINE_BLOCKS; i++) {
		u8 *b = f->p[i];

		if (!b)
			continue;
		for (j = 0; j < 700; j++)
			if (b[j] != (u8)i)
				break;
		KUNIT_EXPECT_EQ_MSG(test, j, 700, "block %d damaged", i);
		ka_free(t, b);		/* from a CPU that is not its employer's */
	}
	KUNIT_ASSERT_EQ(test, add_cpu(victim), 0);
	/* it serves again */
	KUNIT_EXPECT_EQ(test, work_on_cpu(victim, offline_fill, f), 0L);
	for (i = 0; i < OFFLINE_BLOCKS; i++)
		ka_free(t, f->p[i]);
	msleep(100);	/* the frees sent home land */
	ka_test_expect_all_consistent(test);
}

static struct kunit_case cpu_cases[] = {
	KUNIT_CASE(long_copies_run_with_interrupts_on),
	KUNIT_CASE(large_carrier_registered_with_interrupts_on),
	KUNIT_CASE(cross_cpu_free_comes_home),
	KUNIT_CASE(foreign_realloc),
	KUNIT_CASE(misuse_is_reported),
	KUNIT_CASE(atags_record_the_caller),
	KUNIT_CASE(hardirq_allocation),
	KUNIT_CASE(alloc_on_each_node),
	KUNIT_CASE(offline_cpu_gives_up_carriers_and_cache),
	KUNIT_CASE_SLOW(concurrent_stress_with_hotplug),
	{}
};

struct kunit_suite ka_test_cpu_suite = {
	.name = "kalloc_cpu",
	.test_cases = cpu_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_cpu_suite);
