// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc_cpu_scale: what kalloc costs a machine per possible CPU
 * (Documentation/cpu.rst, "Memory only where used"). An instance, its
 * front cache and its main carrier exist only on a CPU that uses the
 * class, and go again once it has left them idle for a decay period, so
 * that after every CPU allocated and freed one block of each class the
 * structures kalloc keeps per CPU stay within twice the 8 KiB per possible
 * CPU that loading it costs.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/workqueue.h>

#include "../../tests/ka_test.h"
#include "../../internal.h"
#include "../../pool.h"
#include "../../stats.h"
#include "../cpu.h"
#include "../cpu_front.h"

#define WARM_PER_CPU	(16 * 1024)	/* twice the 8 KiB per possible CPU of a load */
#define DECAY_WAIT_MS	(30 * KA_FRONT_DECAY_MS)

/* Whether @cs's cache on @cpu has memory of its own (not &ka_front_none). */
static bool front_alive(struct ka_class_state *cs, int cpu)
{
	bool alive;

	rcu_read_lock();
	alive = READ_ONCE(per_cpu_ptr(cs->front, cpu)->f) != &ka_front_none;
	rcu_read_unlock();
	return alive;
}

/*
 * What the decay has still to give back on @cs: front caches with memory,
 * and main carriers of instances that hold no block.
 */
static unsigned int idle_left(struct ka_class_state *cs)
{
	unsigned int left = 0;
	unsigned long flags;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct ka_pcpu *pc = ka_pcpu_peek(cs, cpu);

		if (!pc)
			continue;
		left += front_alive(cs, cpu);
		spin_lock_irqsave(&pc->lock, flags);
		left += pc->inst.main && !pc->inst.st.mbc.blocks.cur && !pc->inst.st.sbc.blocks.cur;
		spin_unlock_irqrestore(&pc->lock, flags);
	}
	return left;
}

/* Waits up to DECAY_WAIT_MS for idle_left() of every class in @cs to reach 0; what is left. */
static unsigned int wait_for_decay(struct ka_class_state **cs, int n)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(DECAY_WAIT_MS);
	unsigned int left;
	int i;

	for (;;) {
		for (i = 0, left = 0; i < n; i++)
			left += idle_left(cs[i]);
		if (!left || time_after(jiffies, deadline))
			return left;
		msleep(100);
	}
}

struct group {
	struct ka_class_state cs;
	struct ka_pool pool;
};

static void group_exit_action(void *g)
{
	ka_cpu_group_exit(&((struct group *)g)->cs);
}

static long alloc_free_front(void *arg)
{
	struct ka_class_state *cs = arg;
	void *p = ka_test_front_alloc(cs, 64);

	if (!p)
		return -ENOMEM;
	if (ka_test_claim_cached(cs, p))
		ka_front_free(cs, p);
	else
		ka_cpu_free(p);
	return 0;
}

/*
 * A class set up on a machine: no CPU has an instance of it. The first
 * block on one CPU makes that CPU's instance, its main carrier and its
 * front cache, and no other CPU's; once the block is back, the decay gives
 * the cache and the main carrier back, and the instance stays, empty.
 */
static void instances_made_on_first_use(struct kunit *test)
{
	struct group *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	struct ka_class_state *cs;
	int a = cpumask_first(cpu_online_mask), cpu;
	struct ka_params p;
	struct ka_pcpu *pc;

	KUNIT_ASSERT_NOT_NULL(test, g);
	cs = &g->cs;
	ka_params_default(&p);
	p.as = KA_AS_AOFFCBF;
	p.mmbcs = 32 * 1024;
	p.acul = 60;
	ka_pool_init(&g->pool, 't');
	KUNIT_ASSERT_EQ(test, ka_cpu_group_init(cs, KA_CLASS_STD, &p, &g->pool), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, group_exit_action, g), 0);
	KUNIT_ASSERT_GT(test, cs->shape.max, (size_t)64);

	for_each_possible_cpu(cpu) {
		KUNIT_EXPECT_NULL_MSG(test, ka_pcpu_peek(cs, cpu), "CPU %d", cpu);
		KUNIT_EXPECT_FALSE_MSG(test, front_alive(cs, cpu), "CPU %d", cpu);
	}

	KUNIT_ASSERT_EQ(test, work_on_cpu(a, alloc_free_front, cs), 0L);
	for_each_possible_cpu(cpu) {
		if (cpu == a)
			continue;
		KUNIT_EXPECT_NULL_MSG(test, ka_pcpu_peek(cs, cpu), "CPU %d", cpu);
		KUNIT_EXPECT_FALSE_MSG(test, front_alive(cs, cpu), "CPU %d", cpu);
	}
	pc = ka_pcpu_peek(cs, a);
	KUNIT_ASSERT_NOT_NULL(test, pc);
	KUNIT_EXPECT_TRUE(test, front_alive(cs, a));
	KUNIT_EXPECT_NOT_NULL(test, READ_ONCE(pc->inst.main));

	KUNIT_EXPECT_EQ_MSG(test, wait_for_decay(&cs, 1), 0U,
			    "front cache or empty main carrier left after %u ms", DECAY_WAIT_MS);
	KUNIT_EXPECT_PTR_EQ(test, ka_pcpu_peek(cs, a), pc);
	KUNIT_EXPECT_NULL(test, READ_ONCE(pc->inst.main));
	KUNIT_EXPECT_EQ(test, READ_ONCE(pc->inst.st.mbc.carriers.cur), 0ULL);

	/* and the next block brings both back */
	KUNIT_ASSERT_EQ(test, work_on_cpu(a, alloc_free_front, cs), 0L);
	KUNIT_EXPECT_TRUE(test, front_alive(cs, a));
	KUNIT_EXPECT_NOT_NULL(test, READ_ONCE(pc->inst.main));
}

struct pass {
	struct ka_type *types[KA_NR_CLASSES];
};

static long one_of_each(void *arg)
{
	struct pass *p = arg;
	int cls;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		void *b;

		if (!p->types[cls])
			continue;
		b = ka_alloc(p->types[cls], 64, GFP_KERNEL);
		if (!b)
			return -ENOMEM;
		ka_free(p->types[cls], b);
	}
	return 0;
}

/* The structures kalloc keeps by CPU: instances, caches, magazines, per-CPU words, depots. */
static size_t by_cpu(const struct ka_own_stats *o)
{
	return o->instances_bytes + o->fronts_bytes + o->magazines_bytes + o->percpu_bytes +
	       o->depots_bytes;
}

/*
 * Every online CPU allocates and frees a block of each class, then the
 * decay runs: the module's classes keep at most WARM_PER_CPU bytes of
 * structures per possible CPU. The guest script of the scale guests
 * (scripts/guest-scale.sh) checks every byte kalloc took, from the memory
 * view, in a boot where this suite runs alone.
 */
static void memory_per_cpu_after_one_pass(struct kunit *test)
{
	struct ka_class_state *classes[KA_NR_CLASSES];
	unsigned int possible = num_possible_cpus(), online = 0, left;
	struct ka_own_stats start, warm, after;
	struct pass p = {};
	int cls, n = 0, cpu;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		char name[32];

		if (!ka_class_enabled(cls))
			continue;
		snprintf(name, sizeof(name), "kunit_scale_%s", ka_class_name(cls));
		p.types[cls] = ka_test_type(test, name, cls);
		classes[n++] = &ka_class_states[cls];
	}
	ka_stats_own(&start);
	for_each_online_cpu(cpu) {
		KUNIT_ASSERT_EQ_MSG(test, work_on_cpu(cpu, one_of_each, &p), 0L, "CPU %d", cpu);
		online++;
	}
	ka_stats_own(&warm);
	KUNIT_EXPECT_GE(test, warm.instances, n * online);
	left = wait_for_decay(classes, n);
	KUNIT_EXPECT_EQ_MSG(test, left, 0U,
			    "front caches or empty main carriers left after %u ms", DECAY_WAIT_MS);
	ka_stats_own(&after);
	kunit_info(test, "%u possible CPUs, %u online, %d classes: structures by CPU %zu B per possible CPU at the start, %zu with every CPU's caches, %zu after the decay (%u instances, %u caches, %u magazines)\n",
		   possible, online, n, by_cpu(&start) / possible, by_cpu(&warm) / possible,
		   by_cpu(&after) / possible, after.instances, after.fronts, after.magazines);
	KUNIT_EXPECT_LE(test, by_cpu(&after) / possible, (size_t)WARM_PER_CPU);
}

static struct kunit_case scale_cases[] = {
	KUNIT_CASE_SLOW(instances_made_on_first_use),
	KUNIT_CASE_SLOW(memory_per_cpu_after_one_pass),
	{}
};

struct kunit_suite ka_test_scale_suite = {
	.name = "kalloc_cpu_scale",
	.test_cases = scale_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_scale_suite);
