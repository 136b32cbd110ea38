// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of the carrier pool and carrier migration, on classes of their
 * own (own parameters, own pool) run on every CPU: the seed talk's
 * peak-then-one-CPU story measured with and without migration, concurrent
 * pool insertion and fetching, random grow and shrink phases, frees from a
 * third CPU racing with the migration of their carriers, and allocations
 * sleeping in a source while the CPU's other tasks use the instance.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "ka_test.h"
#include "../pcpu/cpu.h"
#include "../pcpu/cpu_front.h"
#include "../pcpu/plumbing.h"
#include "../pcpu/remote.h"
#include "../internal.h"
#include "../pool.h"
#include "../stats.h"

struct group {
	struct ka_class_state cs;
	struct ka_pool pool;
	bool front;		/* allocations and frees through its front caches */
};

static void group_exit_action(void *g)
{
	ka_cpu_group_exit(&((struct group *)g)->cs);
}

/* A class of small carriers, so that a few thousand blocks make many. */
static struct group *new_group_front(struct kunit *test, unsigned int acul, bool front)
{
	struct group *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	struct ka_params p;

	KUNIT_ASSERT_NOT_NULL(test, g);
	ka_params_default(&p);
	p.as = KA_AS_AOFFCBF;
	p.mmbcs = 32 * 1024;
	p.smbcs = 64 * 1024;
	p.lmbcs = 256 * 1024;
	p.mbcgs = 4;
	p.acul = acul;
	ka_pool_init(&g->pool, 't');
	KUNIT_ASSERT_EQ(test, ka_cpu_group_init(&g->cs, KA_CLASS_STD, &p, &g->pool), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, group_exit_action, g), 0);
	g->front = front;
	return g;
}

static struct group *new_group(struct kunit *test, unsigned int acul)
{
	return new_group_front(test, acul, false);
}

static void *g_alloc(struct group *g, size_t size)
{
	if (g->front)
		return ka_test_front_alloc(&g->cs, size);
	return ka_cpu_alloc_in(&g->cs, size, 0, 0, GFP_KERNEL);
}

/* As ka_free() does: claim the block, then into this CPU's cache or to its employer. */
static void g_free(struct group *g, void *p)
{
	if (g->front && ka_test_claim_cached(&g->cs, p))
		ka_front_free(&g->cs, p);
	else
		ka_cpu_free(p);
}

static u64 group_cached(struct group *g)
{
	struct ka_pcpu_counts dd;
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		ka_stats_front(&g->cs, cpu, &dd);
		n += dd.cached_blocks;
	}
	return n;
}

/* Until decay has emptied every front cache of @g, as it does by itself. */
static bool wait_decayed(struct group *g)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(10 * KA_FRONT_DECAY_MS);

	while (group_cached(g) && time_before(jiffies, deadline))
		msleep(50);
	return !group_cached(g);
}

/*
 * Everything in flight delivered: frees, forwards and homecomings. A block
 * forwarded from a queue not yet looked at to one already passed escapes one
 * sweep, not two in a row.
 */
static void quiesce(struct group *g)
{
	int cpu, clean = 0;
	bool busy;

	do {
		busy = false;
		for_each_possible_cpu(cpu) {
			struct ka_pcpu *pc = ka_test_pcpu(&g->cs, cpu);

			if (ka_cpu_queued(pc)) {
				ka_cpu_drain(pc);
				busy = true;
			}
		}
		clean = busy ? 0 : clean + 1;
	} while (clean < 2);
}

/* Carriers that exist: made and not given back, whoever employs them. */
static long carriers_alive(struct group *g)
{
	unsigned long flags;
	long n = 0;
	int cpu, s;

	for_each_possible_cpu(cpu) {
		struct ka_pcpu *pc = ka_test_pcpu(&g->cs, cpu);

		spin_lock_irqsave(&pc->lock, flags);
		for (s = 0; s < KA_NR_SRC; s++)
			n += pc->inst.st.src_creates[s] - pc->inst.st.src_destroys[s];
		spin_unlock_irqrestore(&pc->lock, flags);
	}
	return n;
}

static void expect_group_consistent(struct kunit *test, struct group *g)
{
	struct ka_check chk;
	unsigned int bad;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct ka_pcpu *pc = ka_test_pcpu(&g->cs, cpu);

		struct ka_carrier *c;
		int far = 0;

		ka_pcpu_lock(pc);	/* with kalloc's own view of its blocks */
		bad = ka_check_instance(&pc->inst, &chk);
		/* migration keeps a carrier on its node (pool.c, compatible()) */
		list_for_each_entry(c, &pc->inst.mbcs, link)
			far += cpu_to_node(ka_pcpu_of(c->home)->cpu) != cpu_to_node(cpu);
		ka_pcpu_unlock(pc);
		KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "CPU %d: %s", cpu, chk.first);
		KUNIT_EXPECT_EQ_MSG(test, far, 0, "CPU %d employs another node's carriers", cpu);
		KUNIT_EXPECT_EQ_MSG(test, pc->released_nonempty, 0ULL, "CPU %d", cpu);
	}
}

/*
 * After everything was freed: no block anywhere, the pool empty, only main
 * carriers (which the decay may already have given back).
 */
static void expect_group_empty(struct kunit *test, struct group *g)
{
	u64 queued = 0, drained = 0, homecomings = 0;
	char why[96] = "";
	unsigned long flags;
	long mains = 0;
	int cpu;

	quiesce(g);
	KUNIT_EXPECT_EQ_MSG(test, ka_pool_check(&g->pool, why, sizeof(why)), 0L, "%s", why);
	for_each_possible_cpu(cpu) {
		struct ka_pcpu *pc = ka_test_pcpu(&g->cs, cpu);
		u64 blocks, carriers, main;

		spin_lock_irqsave(&pc->lock, flags);
		blocks = pc->inst.st.mbc.blocks.cur;
		carriers = pc->inst.st.mbc.carriers.cur;
		main = !!pc->inst.main;
		drained += pc->rq.drained;
		homecomings += pc->mg.calls.homecomings;
		spin_unlock_irqrestore(&pc->lock, flags);
		queued += atomic64_read(&pc->rq.queued);
		KUNIT_EXPECT_EQ_MSG(test, blocks, 0ULL, "CPU %d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, carriers, main, "CPU %d", cpu);
		mains += main;
		KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&pc->mg.pooled.carriers), 0L, "%d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&pc->mg.pooled.blocks), 0L, "%d", cpu);
	}
	KUNIT_EXPECT_EQ(test, carriers_alive(g), mains);
	/* Each queued block was drained once; homecoming carriers are not blocks. */
	KUNIT_EXPECT_EQ_MSG(test, drained, queued, "%llu homecomings", homecomings);
	expect_group_consistent(test, g);
}

/* ---- the peak, then one CPU ---- */

#define PEAK_BLOCKS 1500

struct peak_cpu {
	struct group *g;
	void *p[PEAK_BLOCKS];
	void *more[2 * PEAK_BLOCKS];	/* the one-CPU phase's */
};

static size_t peak_size(unsigned int i)
{
	return 256 * (i % 7 + 1);
}

static long fill(struct group *g, void **p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		p[i] = g_alloc(g, peak_size(i));
		if (!p[i])
			return -ENOMEM;
	}
	return 0;
}

static long peak_alloc(void *arg)
{
	struct peak_cpu *pcs = arg;

	return fill(pcs->g, pcs->p, PEAK_BLOCKS);
}

static long peak_more(void *arg)
{
	struct peak_cpu *pcs = arg;

	return fill(pcs->g, pcs->more, 2 * PEAK_BLOCKS);
}

/* Half, then the rest but every eighth block: every carrier is freed into at low use. */
static long peak_shrink(void *arg)
{
	struct peak_cpu *pcs = arg;
	unsigned int i;

	for (i = 0; i < PEAK_BLOCKS; i++)
		if (i % 8 >= 1 && i % 8 <= 4) {
			g_free(pcs->g, pcs->p[i]);
			pcs->p[i] = NULL;
		}
	for (i = 0; i < PEAK_BLOCKS; i++)
		if (i % 8 >= 5) {
			g_free(pcs->g, pcs->p[i]);
			pcs->p[i] = NULL;
		}
	return 0;
}

/* Every online CPU allocates its peak. */
static struct peak_cpu *peak_start(struct kunit *test, struct group *g)
{
	struct peak_cpu *pcs = kunit_kcalloc(test, nr_cpu_ids, sizeof(*pcs), GFP_KERNEL);
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, pcs);
	for_each_online_cpu(cpu) {
		pcs[cpu].g = g;
		KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, peak_alloc, &pcs[cpu]), 0L);
	}
	return pcs;
}

/*
 * Returns the carriers alive at the peak and after the one-CPU phase. With
 * front caches, each phase ends when decay has given the cached blocks
 * back, as it does by itself within a few periods.
 */
static void peak_then_one_cpu(struct kunit *test, unsigned int acul, bool front, long *peak,
			      long *after)
{
	struct group *g = new_group_front(test, acul, front);
	int cpu, first = cpumask_first(cpu_online_mask);
	struct peak_cpu *pcs = peak_start(test, g);
	unsigned int i;

	*peak = carriers_alive(g);
	for_each_online_cpu(cpu)
		work_on_cpu(cpu, peak_shrink, &pcs[cpu]);
	KUNIT_EXPECT_TRUE(test, wait_decayed(g));
	/* The load is gone from all CPUs but one, which now needs more than it had. */
	KUNIT_ASSERT_EQ(test, work_on_cpu(first, peak_more, &pcs[first]), 0L);
	KUNIT_EXPECT_TRUE(test, wait_decayed(g));
	*after = carriers_alive(g);
	expect_group_consistent(test, g);

	for_each_online_cpu(cpu) {
		for (i = 0; i < PEAK_BLOCKS; i++)
			if (pcs[cpu].p[i])
				g_free(g, pcs[cpu].p[i]);
		for (i = 0; i < 2 * PEAK_BLOCKS; i++)
			if (pcs[cpu].more[i])
				g_free(g, pcs[cpu].more[i]);
	}
	ka_front_flush_everywhere(&g->cs);
	expect_group_empty(test, g);
}

static void migration_after_a_peak(struct kunit *test)
{
	long peak_on, after_on, peak_off, after_off, peak_fc, after_fc;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	peak_then_one_cpu(test, 60, false, &peak_on, &after_on);
	peak_then_one_cpu(test, 0, false, &peak_off, &after_off);
	peak_then_one_cpu(test, 60, true, &peak_fc, &after_fc);
	kunit_info(test, "migration on (acul 60): peak %ld carriers, after the one-CPU phase %ld\n",
		   peak_on, after_on);
	kunit_info(test, "migration off (acul 0): peak %ld carriers, after the one-CPU phase %ld\n",
		   peak_off, after_off);
	kunit_info(test, "migration on, front caches on: peak %ld carriers, after %ld\n",
		   peak_fc, after_fc);
	/*
	 * Migration saves carriers: the CPU reuses what the others of its
	 * node abandoned. (It cannot reuse the other node's: carriers stay on
	 * their node, which expect_group_consistent() checked.)
	 */
	KUNIT_EXPECT_LT(test, after_on, after_off);
	KUNIT_EXPECT_GT(test, after_off, peak_off);
	/* the caches cost no carrier once decay has given their blocks back */
	KUNIT_EXPECT_LE(test, after_fc, after_on);
}

/*
 * Logplex's pattern (seed 000): every CPU's load peaks, then shrinks to a
 * few long-lived blocks spread over the carriers. Once decay has emptied the
 * front caches, as many carriers go back with them as without them, and the
 * survivors' carriers are used no worse.
 */
static long peak_keep_eighth(void *arg)
{
	struct peak_cpu *pcs = arg;
	unsigned int i;

	for (i = 0; i < PEAK_BLOCKS; i++)
		if (i % 8) {
			g_free(pcs->g, pcs->p[i]);
			pcs->p[i] = NULL;
		}
	return 0;
}

static void peak_and_shrink(struct kunit *test, bool front, long *after, u64 *used_pct)
{
	struct group *g = new_group_front(test, 60, front);
	u64 used = 0, size = 0;
	struct peak_cpu *pcs = peak_start(test, g);
	unsigned long flags;
	unsigned int i;
	int cpu;

	for_each_online_cpu(cpu)
		work_on_cpu(cpu, peak_keep_eighth, &pcs[cpu]);
	KUNIT_EXPECT_TRUE(test, wait_decayed(g));
	quiesce(g);
	*after = carriers_alive(g);
	for_each_possible_cpu(cpu) {
		struct ka_pcpu *pc = ka_test_pcpu(&g->cs, cpu);

		spin_lock_irqsave(&pc->lock, flags);
		used += pc->inst.st.mbc.blocks_size.cur;
		size += pc->inst.st.mbc.carriers_size.cur;
		spin_unlock_irqrestore(&pc->lock, flags);
		/* pooled carriers count with their owner, as in the views */
		used += atomic_long_read(&pc->mg.pooled.blocks_size);
		size += atomic_long_read(&pc->mg.pooled.carriers_size);
	}
	*used_pct = size ? used * 100 / size : 0;
	for_each_online_cpu(cpu)
		for (i = 0; i < PEAK_BLOCKS; i++)
			if (pcs[cpu].p[i])
				g_free(g, pcs[cpu].p[i]);
	ka_front_flush_everywhere(&g->cs);
	expect_group_empty(test, g);
}

static void peak_and_shrink_with_caches(struct kunit *test)
{
	long after_off, after_on;
	u64 use_off, use_on;

	peak_and_shrink(test, false, &after_off, &use_off);
	peak_and_shrink(test, true, &after_on, &use_on);
	kunit_info(test, "after the shrink: %ld carriers, %llu %% used without front caches; %ld, %llu %% with\n",
		   after_off, use_off, after_on, use_on);
	KUNIT_EXPECT_LE(test, after_on, after_off);
	KUNIT_EXPECT_GE(test, use_on, use_off);
}

/* ---- concurrent work on every CPU ---- */

#define SLOTS 256		/* blocks passed between CPUs */
#define LOCAL 512		/* blocks a thread keeps to itself */
#define BATCH 48

struct churn {
	struct group *g;
	atomic_long_t slot[SLOTS];
	atomic_t running, bad;
	atomic_long_t steps;
	struct completion done;
	unsigned long until;		/* jiffies */
	unsigned int mode;
};

enum { CHURN_POOL, CHURN_PHASES };

struct churn_thread {
	struct churn *ch;
	void *local[LOCAL];
	unsigned int n;
};

struct churn_hdr {
	u32 size, seed;
};

/* A block of @size bytes of @g, filled from a seed its header keeps; NULL counted bad. */
static struct churn_hdr *marked_alloc(struct group *g, size_t size, atomic_t *bad)
{
	struct churn_hdr *h = g_alloc(g, size);

	if (!h) {
		atomic_inc(bad);
		return NULL;
	}
	h->size = size;
	h->seed = get_random_u32();
	memset(h + 1, h->seed, size - sizeof(*h));
	return h;
}

/*
 * The ends of a block are where a neighbour's overrun or a wrong coalesce
 * shows; checking every byte under KASAN in the emulated guest costs a
 * millisecond per block.
 */
static void marked_free(struct churn_hdr *h, atomic_t *bad)
{
	size_t len = h->size - sizeof(*h), edge = min_t(size_t, len, 32);

	if (memchr_inv(h + 1, h->seed, edge) ||
	    memchr_inv((char *)(h + 1) + len - edge, h->seed, edge))
		atomic_inc(bad);
	ka_cpu_free(h);
}

static void *churn_alloc(struct churn *ch)
{
	u32 limit = get_random_u32_below(8) ? 3000 : 9000;

	return marked_alloc(ch->g, sizeof(struct churn_hdr) + get_random_u32_below(limit),
			    &ch->bad);
}

static void churn_free(struct churn *ch, struct churn_hdr *h)
{
	marked_free(h, &ch->bad);
}

/* Passes @h to another CPU's thread, freeing (on this CPU) what was there. */
static void pass_on(struct churn *ch, void *h)
{
	h = (void *)atomic_long_xchg(&ch->slot[get_random_u32_below(SLOTS)], (long)h);
	if (h)
		churn_free(ch, h);
}

static void grow(struct churn_thread *t)
{
	unsigned int i;

	for (i = 0; i < BATCH && t->n < LOCAL; i++) {
		void *h = churn_alloc(t->ch);

		if (h)
			t->local[t->n++] = h;
	}
}

/* Frees all but @keep_one_in of the thread's blocks, at random; some survivors travel. */
static void shrink(struct churn_thread *t, unsigned int count, unsigned int keep_one_in)
{
	while (count-- && t->n) {
		unsigned int i = get_random_u32_below(t->n);
		void *h = t->local[i];

		t->local[i] = t->local[--t->n];
		if (keep_one_in && get_random_u32_below(keep_one_in) == 0)
			pass_on(t->ch, h);
		else
			churn_free(t->ch, h);
	}
}

/*
 * CHURN_POOL: rounds of growing to half the thread's room, then freeing all
 * but a few scattered survivors that go to other CPUs: the frees end the
 * ramp-up and abandon carriers, the next growth fetches them, from this CPU
 * or another, while survivors are freed into them from elsewhere.
 * CHURN_PHASES: random phases of growth and of shrinking on each CPU.
 */
static int churn_thread(void *arg)
{
	struct churn_thread *t = arg;
	struct churn *ch = t->ch;
	unsigned long steps = 0;

	while (time_before(jiffies, READ_ONCE(ch->until))) {
		if (ch->mode == CHURN_POOL) {
			while (t->n < LOCAL / 2 && time_before(jiffies, READ_ONCE(ch->until)))
				grow(t);
			shrink(t, t->n, 8);
		} else if (get_random_u32_below(2)) {
			grow(t);
		} else {
			shrink(t, get_random_u32_below(2 * BATCH), 16);
		}
		steps++;
		cond_resched();
	}
	shrink(t, t->n, 0);
	atomic_long_add(steps, &ch->steps);
	if (atomic_dec_and_test(&ch->running))
		complete(&ch->done);
	return 0;
}

/* Carriers taken from the pool so far, by every CPU (read without the locks). */
static u64 group_fetched(struct group *g)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(ka_test_pcpu(&g->cs, cpu)->mg.calls.fetched);
	return n;
}

static void run_churn(struct kunit *test, struct group *g, unsigned int mode,
		      unsigned int seconds)
{
	struct churn *ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);
	char why[96] = "";
	u64 fetched = 0, abandoned = 0, homecomings = 0, busy = 0;
	long checks = 0;
	int cpu, i, extended = 0;

	KUNIT_ASSERT_NOT_NULL(test, ch);
	ch->g = g;
	ch->mode = mode;
	ch->until = jiffies + seconds * HZ;
	init_completion(&ch->done);
	atomic_set(&ch->running, num_online_cpus());
	for_each_online_cpu(cpu) {
		struct churn_thread *ct = kunit_kzalloc(test, sizeof(*ct), GFP_KERNEL);
		struct task_struct *t;

		KUNIT_ASSERT_NOT_NULL(test, ct);
		ct->ch = ch;
		t = kthread_create_on_cpu(churn_thread, ct, cpu, "ka_churn/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		wake_up_process(t);
	}
	/* The pool stays consistent while it is used, and so does every instance. */
	while (!completion_done(&ch->done)) {
		long n = ka_pool_check(&g->pool, why, sizeof(why));

		/*
		 * On a slow host a run may end before any CPU needed a carrier
		 * its node's other CPU abandoned (carriers stay on their node):
		 * up to three more periods are given for the first fetch.
		 */
		if (extended < 3 && time_after(jiffies, READ_ONCE(ch->until) - HZ / 4) &&
		    !group_fetched(g)) {
			WRITE_ONCE(ch->until, ch->until + seconds * HZ);
			extended++;
		}

		KUNIT_EXPECT_GE_MSG(test, n, 0L, "%s", why);
		if (mode == CHURN_PHASES)
			expect_group_consistent(test, g);
		checks++;
		msleep(20);
	}
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&ch->done, 300 * HZ), 0UL);
	for (i = 0; i < SLOTS; i++) {
		struct churn_hdr *h = (void *)atomic_long_xchg(&ch->slot[i], 0);

		if (h)
			churn_free(ch, h);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ch->bad), 0);
	for_each_possible_cpu(cpu) {
		struct ka_pcpu *pc = ka_test_pcpu(&g->cs, cpu);

		fetched += pc->mg.calls.fetched;
		abandoned += pc->mg.calls.abandoned;
		homecomings += pc->mg.calls.homecomings;
		busy += pc->mg.calls.skip_busy;
		kunit_info(test, "CPU %d: %llu failed fetches, %llu size skips, %llu carriers\n",
			   cpu, pc->mg.calls.fetch_failed, pc->mg.calls.skip_size,
			   pc->inst.st.src_creates[KA_SRC_SEG] +
			   pc->inst.st.src_creates[KA_SRC_SYS]);
	}
	kunit_info(test,
		   "%u s, %u CPUs, %ld rounds: %llu abandoned, %llu fetched, %llu sent home, %llu busy, %ld checks\n",
		   seconds * (1 + extended), num_online_cpus(), atomic_long_read(&ch->steps),
		   abandoned, fetched, homecomings, busy, checks);
	KUNIT_EXPECT_GT(test, abandoned, 0ULL);
	KUNIT_EXPECT_GT(test, fetched, 0ULL);
	expect_group_empty(test, g);
}

/* erts's cpool case: carriers go in and out of one pool from every CPU at once. */
static void concurrent_pool_insert_fetch(struct kunit *test)
{
	/* acul 100: once the ramp-up ends, a carrier may be abandoned at any free */
	run_churn(test, new_group(test, 100), CHURN_POOL, 5);
}

/* erts's migration case: grow and shrink at random on every CPU. */
static void migration_grow_shrink(struct kunit *test)
{
	run_churn(test, new_group(test, 60), CHURN_PHASES, 4);
}

/* ---- frees racing with migration ---- */

#define RACE_BLOCKS 3000

struct race {
	struct group *g;
	void *p[RACE_BLOCKS];
	atomic_t go;
};

static long race_alloc(void *arg)
{
	struct race *r = arg;
	unsigned int i;

	for (i = 0; i < RACE_BLOCKS; i++) {
		r->p[i] = g_alloc(r->g, 64 + (i % 13) * 48);
		if (!r->p[i])
			return -ENOMEM;
	}
	return 0;
}

/* The owner frees most blocks, so its carriers go to the pool ... */
static long race_shrink(void *arg)
{
	struct race *r = arg;
	unsigned int i;

	for (i = 0; i < RACE_BLOCKS; i++)
		if (i % 4) {
			ka_cpu_free(r->p[i]);
			r->p[i] = NULL;
		}
	return 0;
}

/* ... another CPU fills them, fetching them from the pool ... */
static long race_fetch(void *arg)
{
	struct race *r = arg;
	void **fill = kcalloc(RACE_BLOCKS, sizeof(*fill), GFP_KERNEL);
	unsigned int i;

	if (!fill)
		return -ENOMEM;
	atomic_inc(&r->go);
	for (i = 0; i < RACE_BLOCKS; i++)
		fill[i] = g_alloc(r->g, 64 + (i % 13) * 48);
	for (i = 0; i < RACE_BLOCKS; i++)
		if (fill[i])
			ka_cpu_free(fill[i]);
	kfree(fill);
	return 0;
}

/* ... while a third frees the survivors, whose carriers are on the move. */
static int race_free_thread(void *arg)
{
	struct race *r = arg;
	unsigned int i;

	while (!atomic_read(&r->go))
		cpu_relax();
	for (i = 0; i < RACE_BLOCKS; i += 4) {
		ka_cpu_free(r->p[i]);
		r->p[i] = NULL;
	}
	atomic_inc(&r->go);
	return 0;
}

static void frees_racing_with_migration(struct kunit *test)
{
	int owner = cpumask_first(cpu_online_mask), fetcher, freer;
	struct task_struct *t;
	struct group *g;
	struct race *r;
	u64 fetched = 0;
	int round, cpu;

	if (num_online_cpus() < 3)
		kunit_skip(test, "needs three CPUs");
	g = new_group(test, 60);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	fetcher = cpumask_next(owner, cpu_online_mask);
	freer = cpumask_next(fetcher, cpu_online_mask);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->g = g;
	for (round = 0; round < 5; round++) {
		atomic_set(&r->go, 0);
		KUNIT_ASSERT_EQ(test, work_on_cpu(owner, race_alloc, r), 0L);
		work_on_cpu(owner, race_shrink, r);
		t = kthread_create_on_cpu(race_free_thread, r, freer, "ka_race/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		wake_up_process(t);
		KUNIT_ASSERT_EQ(test, work_on_cpu(fetcher, race_fetch, r), 0L);
		while (atomic_read(&r->go) < 2)
			msleep(20);
		quiesce(g);
		expect_group_consistent(test, g);
	}
	for_each_possible_cpu(cpu)
		fetched += ka_test_pcpu(&g->cs, cpu)->mg.calls.fetched;
	kunit_info(test, "%llu carriers fetched while their blocks were being freed\n", fetched);
	KUNIT_EXPECT_GT(test, fetched, 0ULL);
	expect_group_empty(test, g);
}

/*
 * Issue 17's scenario (make bench P5 measures its footprint): every CPU up
 * to four allocates its share of buffer blocks of 200 B to 8 KiB, four in
 * five are freed, one free in ten from another CPU, then a second type of
 * the class allocates. Every live block keeps its contents through each
 * phase, the instances stay consistent, and all goes back at the end.
 */
#define SC_BLOCKS	4000
#define SC_REFILL	1000

struct scenario {
	struct ka_type *t[2];
	void *p[SC_BLOCKS + SC_REFILL];
	unsigned int ncpu, slot;
	int phase;
	bool failed;
	u64 resident[3];	/* the buffer class's resident bytes after each phase */
};

static size_t sc_size(unsigned int i)
{
	return 200 + (i * 2654435761U) % (8192 - 200 + 1);
}

static bool sc_freed(unsigned int i)
{
	return (i * 40503U) % 5;
}

static void sc_fill(void *p, unsigned int i)
{
	memset(p, (u8)i, sc_size(i));
}

static bool sc_intact(const u8 *p, unsigned int i)
{
	return !memchr_inv(p, (u8)i, sc_size(i));
}

static long sc_work(void *arg)
{
	struct scenario *sc = arg;
	unsigned int i, owner;

	for (i = 0; i < SC_BLOCKS + SC_REFILL; i++) {
		owner = i % sc->ncpu;
		if (sc->phase == 2) {
			/* one free in ten from the next CPU */
			if (i < SC_BLOCKS && sc_freed(i) && sc->p[i] &&
			    (i % 10 ? owner : (owner + 1) % sc->ncpu) == sc->slot) {
				ka_free(sc->t[0], sc->p[i]);
				sc->p[i] = NULL;
			}
			continue;
		}
		/* phase 1 allocates the first type's blocks, phase 3 the second's */
		if (owner != sc->slot || (sc->phase == 1 ? i >= SC_BLOCKS : i < SC_BLOCKS))
			continue;
		sc->p[i] = ka_alloc(sc->t[i >= SC_BLOCKS], sc_size(i), GFP_KERNEL);
		if (!sc->p[i])
			sc->failed = true;
		else
			sc_fill(sc->p[i], i);
	}
	return 0;
}

static void sc_phase(struct kunit *test, struct scenario *sc, int phase)
{
	char *buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	unsigned int i, bad = 0, cpu;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	sc->phase = phase;
	sc->slot = 0;
	for_each_online_cpu(cpu) {
		if (sc->slot == sc->ncpu)
			break;
		work_on_cpu(cpu, sc_work, sc);
		sc->slot++;
	}
	KUNIT_EXPECT_FALSE(test, sc->failed);
	for (i = 0; i < SC_BLOCKS + SC_REFILL; i++)
		bad += sc->p[i] && !sc_intact(sc->p[i], i);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "phase %d: live blocks changed", phase);
	ka_test_expect_all_consistent(test);
	if (ka_test_read_stats("memory", buf, 4096) > 0) {
		char *line = strstr(buf, "\nbuffer ");
		u64 blocks, carriers, pct, cached, resident;
		int got;

		/* "buffer blocks_size carriers_size usage_percent cached_size resident_size" */
		KUNIT_ASSERT_NOT_NULL(test, line);
		got = sscanf(line + 8, "%llu %llu %llu %llu %llu", &blocks, &carriers, &pct,
			     &cached, &resident);
		KUNIT_ASSERT_EQ(test, got, 5);
		line++;
		kunit_info(test, "phase %d: %s\n", phase, strsep(&line, "\n"));
		/* four in five freed: the pages inside the free space went back */
		if (phase == 2)
			KUNIT_EXPECT_LT(test, resident * 2, carriers);
		sc->resident[phase - 1] = resident;
	}
}

static void peak_scenario_keeps_every_live_block(struct kunit *test)
{
	struct scenario *sc = kunit_kzalloc(test, sizeof(*sc), GFP_KERNEL);
	unsigned int i;
	int phase;

	KUNIT_ASSERT_NOT_NULL(test, sc);
	sc->t[0] = ka_test_type(test, "kunit_scen_a", KA_CLASS_BUFFER);
	sc->t[1] = ka_test_type(test, "kunit_scen_b", KA_CLASS_BUFFER);
	sc->ncpu = min(num_online_cpus(), 4U);
	for (phase = 1; phase <= 3; phase++)
		sc_phase(test, sc, phase);
	for (i = 0; i < SC_BLOCKS + SC_REFILL; i++)
		ka_free(sc->t[i >= SC_BLOCKS], sc->p[i]);
	msleep(100);	/* the frees sent home land */
	ka_test_expect_all_consistent(test);
}

/* ---- allocations that sleep in a source while others run ---- */

#define SLEEPERS_PER_CPU	3
#define SLEEPER_BLOCKS		48

static struct ka_class_state *sleepy_cs;
static atomic_t sleeps;

static void sleep_in_source(struct ka_pcpu *pc)
{
	if (pc->cs != READ_ONCE(sleepy_cs))
		return;
	atomic_inc(&sleeps);
	usleep_range(200, 400);
}

static void sleepy_hook_off(void *unused)
{
	WRITE_ONCE(ka_src_unlocked_test_hook, NULL);
	WRITE_ONCE(sleepy_cs, NULL);
}

struct sleeper {
	struct group *g;
	struct churn_hdr *held[SLEEPER_BLOCKS];
	atomic_t *bad;
	unsigned long until;
	struct completion done;
};

/* Blocks up to 40 KiB: carriers made often, and emptied and released. */
static int sleeper_fn(void *arg)
{
	struct sleeper *sl = arg;
	unsigned int i;

	while (time_before(jiffies, sl->until)) {
		i = get_random_u32_below(SLEEPER_BLOCKS);
		if (sl->held[i]) {
			marked_free(sl->held[i], sl->bad);
			sl->held[i] = NULL;
			continue;
		}
		sl->held[i] = marked_alloc(sl->g, sizeof(struct churn_hdr) +
					   get_random_u32_below(get_random_u32_below(4) ?
								2000 : 40960), sl->bad);
		cond_resched();
	}
	for (i = 0; i < SLEEPER_BLOCKS; i++)
		if (sl->held[i])
			marked_free(sl->held[i], sl->bad);
	complete(&sl->done);
	return 0;
}

/*
 * A source that may sleep is called with the instance unlocked; here it
 * sleeps every time, while other tasks of the same CPU allocate and free
 * in the instance (its first main carrier included: each instance is new).
 * Every block stays intact and every instance consistent.
 */
static void sleeping_sources_let_others_in(struct kunit *test)
{
	struct group *g = new_group(test, 60);
	struct sleeper *sl;
	atomic_t bad = ATOMIC_INIT(0);
	int cpus = min_t(int, num_online_cpus(), 2), n = cpus * SLEEPERS_PER_CPU;
	int i, cpu = cpumask_first(cpu_online_mask);

	sl = kunit_kcalloc(test, n, sizeof(*sl), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sl);
	atomic_set(&sleeps, 0);
	WRITE_ONCE(sleepy_cs, &g->cs);
	WRITE_ONCE(ka_src_unlocked_test_hook, sleep_in_source);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sleepy_hook_off, NULL), 0);
	for (i = 0; i < n; i++) {
		struct task_struct *t;

		if (i && !(i % SLEEPERS_PER_CPU))
			cpu = cpumask_next(cpu, cpu_online_mask);
		sl[i].g = g;
		sl[i].bad = &bad;
		sl[i].until = jiffies + 2 * HZ;
		init_completion(&sl[i].done);
		t = kthread_create_on_cpu(sleeper_fn, &sl[i], cpu, "ka_sleeper/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		wake_up_process(t);
	}
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&sl[i].done, 120 * HZ), 0UL);
	sleepy_hook_off(NULL);
	kunit_info(test, "%d tasks on %d CPUs, %d sleeps in a source\n", n, cpus,
		   atomic_read(&sleeps));
	KUNIT_EXPECT_GT(test, atomic_read(&sleeps), n);
	KUNIT_EXPECT_EQ(test, atomic_read(&bad), 0);
	expect_group_empty(test, g);
}

static struct kunit_case pool_cases[] = {
	KUNIT_CASE_SLOW(migration_after_a_peak),
	KUNIT_CASE_SLOW(peak_and_shrink_with_caches),
	KUNIT_CASE_SLOW(concurrent_pool_insert_fetch),
	KUNIT_CASE_SLOW(migration_grow_shrink),
	KUNIT_CASE_SLOW(frees_racing_with_migration),
	KUNIT_CASE_SLOW(peak_scenario_keeps_every_live_block),
	KUNIT_CASE_SLOW(sleeping_sources_let_others_in),
	{}
};

struct kunit_suite ka_test_pool_suite = {
	.name = "kalloc_pool",
	.test_cases = pool_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_pool_suite);
