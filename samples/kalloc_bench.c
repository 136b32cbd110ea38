// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: kalloc against the kernel's own allocators, measured in the
 * same boot. Every figure is printed as one raw line,
 *
 *	kalloc_bench: R <measure> <param> <who> <value>
 *
 * which scripts/bench-report.py turns into tables of kalloc's cost and its
 * ratio to the kernel's allocator of the same line. The measures:
 *
 *	P1.pair  P1.batch  same-CPU alloc+free pairs, and batches (BATCH allocs,
 *			   then BATCH frees), per size, every class against
 *			   kmalloc and a kmem_cache of that size: ns per pair
 *			   and per op, the least of several runs
 *	P2		   one CPU allocates, a CPU of the other NUMA node frees,
 *			   through a ring: objects per second
 *	P3		   every online CPU doing same-CPU pairs at once: ns per
 *			   pair of the whole machine (total time / all pairs)
 *	P4.cold P4.warm	   1 and 4 MiB alloc+free: the first pair, then the mean
 *			   of a loop (the segment cache warm), against vmalloc
 *			   and kvmalloc: ns per pair
 *	P5.resident P5.used memory after a peak, kalloc's buffer class against
 *			   kmalloc (samples/kalloc_bench_footprint.c): KiB
 *
 * scale=N divides every count by N (make check loads the module with a
 * large one so the code keeps working, and times nothing).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#include "kalloc_bench.h"

static unsigned int scale = 1;
module_param(scale, uint, 0444);
MODULE_PARM_DESC(scale, "divide every iteration count by this (1: full run)");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only,
		 "run only these measures, comma-separated: P1, P2, P3, P4, P5, REPLAY (default: all but REPLAY)");

/* @measure is asked for: one of the comma-separated names of @only, or all but REPLAY. */
static bool wanted(const char *measure)
{
	size_t len = strlen(measure);
	const char *at;

	if (!only)
		return strcmp(measure, "REPLAY");
	for (at = only; at; at = strchr(at, ',') ? strchr(at, ',') + 1 : NULL)
		if (!strncmp(at, measure, len) && (at[len] == ',' || !at[len]))
			return true;
	return false;
}

#define PAIRS		20000
#define BATCH		512
#define BATCH_ROUNDS	16
#define HANDOFFS	20000
#define RING		256
#define BIG_ROUNDS	200

static const size_t p1_sizes[] = { 16, 64, 256, 1024, 4096 };

static const char *const class_names[KA_NR_CLASSES] = {
	"temp", "sl", "std", "ll", "fix", "buffer", "driver",
};

static struct ka_type *types[KA_NR_CLASSES];
static struct kmem_cache *cache;	/* of the size being measured */
static struct ka_type *fixed;		/* kalloc's counterpart: a fixed-size type of it */
static void *batch[BATCH];

unsigned int bench_count(unsigned int n)
{
	return max(n / max(scale, 1U), 1U);
}

static const char *who_name(enum who w)
{
	static const char *const kernel[KA_FIRST] = {
		"kmalloc", "kmem_cache", "vmalloc", "kvmalloc",
	};

	if (w == KA_FIXED)
		return "fixed";
	return w < KA_FIRST ? kernel[w] : class_names[w - KA_FIRST];
}

void *get(enum who w, size_t size)
{
	switch (w) {
	case KMALLOC:
		return kmalloc(size, GFP_KERNEL);
	case KMEM_CACHE:
		return kmem_cache_alloc(cache, GFP_KERNEL);
	case VMALLOC:
		return vmalloc(size);
	case KVMALLOC:
		return kvmalloc(size, GFP_KERNEL);
	case KA_FIXED:
		return ka_alloc_fixed(fixed, GFP_KERNEL);
	default:
		return ka_alloc(types[w - KA_FIRST], size, GFP_KERNEL);
	}
}

void put(enum who w, void *p)
{
	switch (w) {
	case KMALLOC:
		kfree(p);
		break;
	case KMEM_CACHE:
		kmem_cache_free(cache, p);
		break;
	case VMALLOC:
		vfree(p);
		break;
	case KVMALLOC:
		kvfree(p);
		break;
	case KA_FIXED:
		ka_free(fixed, p);
		break;
	default:
		ka_free(types[w - KA_FIRST], p);
	}
}

void result(const char *measure, size_t param, enum who w, u64 value)
{
	pr_info("R %s %zu %s %llu\n", measure, param, who_name(w), value);
}

/*
 * Between figures: carriers released through call_rcu() and deferred vfrees
 * of one figure must not run inside the next one's timing.
 */
void settle(void)
{
	rcu_barrier();
	msleep(20);
}

/*
 * P1: ns per alloc+free pair, and per operation of a batch. The least of
 * several runs counts: other CPUs' work (RCU, timers, kworkers) lands in a
 * run now and then, above all in instruction-count mode, where the vCPUs
 * take turns on one clock.
 */
#define PAIR_RUNS	3

static bool p1_one(enum who w, size_t size)
{
	unsigned int pairs = bench_count(PAIRS), rounds = bench_count(BATCH_ROUNDS), i, j;
	u64 t0, ns, best = U64_MAX;

	for (i = 0; i < 100; i++) {	/* warm up: carriers, slabs */
		void *p = get(w, size);

		if (!p)
			return false;
		put(w, p);
	}
	for (j = 0; j < PAIR_RUNS; j++) {
		t0 = ktime_get_ns();
		for (i = 0; i < pairs; i++)
			put(w, get(w, size));
		best = min(best, ktime_get_ns() - t0);
	}
	result("P1.pair", size, w, best / pairs);

	/*
	 * Each round from the same state: what the last one released has
	 * settled. Round 0 is not timed: it fills slabs and carriers.
	 */
	for (best = U64_MAX, j = 0; j <= rounds; j++) {
		settle();
		t0 = ktime_get_ns();
		for (i = 0; i < BATCH; i++)
			batch[i] = get(w, size);
		for (i = 0; i < BATCH; i++)
			put(w, batch[i]);
		ns = ktime_get_ns() - t0;
		if (j)
			best = min(best, ns);
	}
	result("P1.batch", size, w, best / (2 * BATCH));
	return true;
}

/*
 * The kernel's figures first, every size, then kalloc's: a SLUB batch costs
 * what the page allocator's state makes it, and kalloc's runs in between
 * would leave a state that changes with kalloc's code, moving the reference
 * from one commit to the next.
 */
static int p1(void)
{
	unsigned int s, w;
	bool ok;

	for (s = 0; s < ARRAY_SIZE(p1_sizes); s++) {
		cache = kmem_cache_create("kalloc_bench", p1_sizes[s], 0, 0, NULL);
		if (!cache)
			return -ENOMEM;
		settle();
		ok = p1_one(KMALLOC, p1_sizes[s]);
		settle();
		ok = ok && p1_one(KMEM_CACHE, p1_sizes[s]);
		kmem_cache_destroy(cache);
		if (!ok)
			return -ENOMEM;
	}
	for (s = 0; s < ARRAY_SIZE(p1_sizes); s++) {
		for (w = KA_FIRST; w < NR_WHO; w++) {
			settle();
			if (!p1_one(w, p1_sizes[s]))
				return -ENOMEM;
		}
		/* the kmem_cache's counterpart: a fixed-size type of the size */
		fixed = ka_type_create_fixed("kalloc_bench_fixed", KA_CLASS_FIX, p1_sizes[s], 0);
		if (IS_ERR(fixed))
			return PTR_ERR(fixed);
		settle();
		ok = p1_one(KA_FIXED, p1_sizes[s]);
		ka_type_destroy(fixed);
		if (!ok)
			return -ENOMEM;
	}
	return 0;
}

/* P2: a producer on one CPU, a consumer on a CPU of another node, one ring. */
struct handoff {
	enum who w;
	size_t size;
	unsigned int n;
	void *ring[RING];
	unsigned int head, tail;	/* head: producer's, tail: consumer's */
	atomic_t ready;
	bool failed;
	struct completion done;
};

/* Both threads are in place; the third count is the timer's go. */
static void start_line(struct handoff *h)
{
	atomic_inc(&h->ready);
	while (atomic_read(&h->ready) < 3)
		cpu_relax();
}

static int producer(void *arg)
{
	struct handoff *h = arg;
	unsigned int i;

	start_line(h);
	for (i = 0; i < h->n; i++) {
		void *p = get(h->w, h->size);

		if (!p)
			h->failed = true;
		/* The consumer is done with the slot once @tail has passed it. */
		while (h->head - smp_load_acquire(&h->tail) == RING)
			cpu_relax();
		h->ring[h->head % RING] = p;
		/* The slot is written before the consumer sees @head move. */
		smp_store_release(&h->head, h->head + 1);
	}
	return 0;
}

static int consumer(void *arg)
{
	struct handoff *h = arg;
	unsigned int i;

	start_line(h);
	for (i = 0; i < h->n; i++) {
		/* Pairs with the producer's release: the slot is filled. */
		while (smp_load_acquire(&h->head) == h->tail)
			cpu_relax();
		put(h->w, h->ring[h->tail % RING]);
		/* The slot is read before the producer may refill it. */
		smp_store_release(&h->tail, h->tail + 1);
	}
	complete(&h->done);
	return 0;
}

static int p2_one(enum who w, size_t size, int from, int to)
{
	struct handoff *h = kzalloc(sizeof(*h), GFP_KERNEL);
	struct task_struct *tp, *tc;
	u64 t0, ns;

	if (!h)
		return -ENOMEM;
	h->w = w;
	h->size = size;
	h->n = bench_count(HANDOFFS);
	init_completion(&h->done);
	tp = kthread_create_on_cpu(producer, h, from, "ka_bench_p/%u");
	tc = kthread_create_on_cpu(consumer, h, to, "ka_bench_c/%u");
	if (IS_ERR(tp) || IS_ERR(tc)) {
		/* Neither runs before it is woken; a created one is stopped unrun. */
		if (!IS_ERR(tp))
			kthread_stop(tp);
		if (!IS_ERR(tc))
			kthread_stop(tc);
		kfree(h);
		return -ENOMEM;
	}
	wake_up_process(tp);
	wake_up_process(tc);
	while (atomic_read(&h->ready) < 2)
		schedule_timeout_uninterruptible(1);
	t0 = ktime_get_ns();
	atomic_inc(&h->ready);
	wait_for_completion(&h->done);
	ns = max_t(u64, ktime_get_ns() - t0, 1);
	result("P2", size, w, div64_u64((u64)h->n * NSEC_PER_SEC, ns));
	kfree(h);
	return 0;
}

/* Another node's first CPU, or any other CPU when there is one node. */
static int far_cpu(int from)
{
	int cpu;

	for_each_online_cpu(cpu)
		if (cpu_to_node(cpu) != cpu_to_node(from))
			return cpu;
	for_each_online_cpu(cpu)
		if (cpu != from)
			return cpu;
	return -1;
}

static int p2(void)
{
	static const size_t sizes[] = { 64, 1024 };
	int from = cpumask_first(cpu_online_mask), to = far_cpu(from), s, err = 0;

	if (to < 0) {
		pr_info("P2 skipped: one CPU online\n");
		return 0;
	}
	for (s = 0; s < ARRAY_SIZE(sizes) && !err; s++) {
		settle();
		err = p2_one(KMALLOC, sizes[s], from, to);
		settle();
		if (!err)
			err = p2_one(KA_FIRST + KA_CLASS_STD, sizes[s], from, to);
	}
	return err;
}

/* P3: same-CPU pairs on every online CPU at once. */
struct all_cpus {
	enum who w;
	size_t size;
	unsigned int pairs;
	atomic_t ready, running;
	bool go;
	struct completion done;
};

static int all_cpus_thread(void *arg)
{
	struct all_cpus *a = arg;
	unsigned int i;

	atomic_inc(&a->ready);
	while (!READ_ONCE(a->go))
		cpu_relax();
	for (i = 0; i < a->pairs; i++)
		put(a->w, get(a->w, a->size));
	if (atomic_dec_and_test(&a->running))
		complete(&a->done);
	return 0;
}

static int p3_one(enum who w, size_t size)
{
	struct all_cpus *a = kzalloc(sizeof(*a), GFP_KERNEL);
	unsigned int made = 0;
	u64 t0, ns;
	int cpu;

	if (!a)
		return -ENOMEM;
	a->w = w;
	a->size = size;
	a->pairs = bench_count(PAIRS);
	atomic_set(&a->running, num_online_cpus());
	init_completion(&a->done);
	for_each_online_cpu(cpu) {
		struct task_struct *t = kthread_create_on_cpu(all_cpus_thread, a, cpu,
							      "ka_bench_all/%u");

		if (IS_ERR(t))
			break;
		wake_up_process(t);
		made++;
	}
	/* Those made run to the end whatever happens, so @a outlives them. */
	if (made < num_online_cpus() && atomic_sub_and_test(num_online_cpus() - made,
							    &a->running))
		complete(&a->done);
	while (atomic_read(&a->ready) < made)
		schedule_timeout_uninterruptible(1);
	t0 = ktime_get_ns();
	WRITE_ONCE(a->go, true);
	wait_for_completion(&a->done);
	ns = ktime_get_ns() - t0;
	if (made == num_online_cpus())
		result("P3", size, w, div64_u64(ns, (u64)made * a->pairs));
	kfree(a);
	return made == num_online_cpus() ? 0 : -ENOMEM;
}

static int p3(void)
{
	int err;

	settle();
	err = p3_one(KMALLOC, 64);
	settle();
	return err ? err : p3_one(KA_FIRST + KA_CLASS_STD, 64);
}

/* P4: large blocks, the first pair and then a loop. */
static int p4_one(enum who w, size_t size)
{
	unsigned int rounds = bench_count(BIG_ROUNDS), i;
	u64 t0;
	void *p;

	t0 = ktime_get_ns();
	p = get(w, size);
	if (!p)
		return -ENOMEM;
	put(w, p);
	result("P4.cold", size >> 10, w, ktime_get_ns() - t0);
	t0 = ktime_get_ns();
	for (i = 0; i < rounds; i++) {
		p = get(w, size);
		if (!p)
			return -ENOMEM;
		put(w, p);
	}
	result("P4.warm", size >> 10, w, (ktime_get_ns() - t0) / rounds);
	return 0;
}

static int p4(void)
{
	static const size_t sizes[] = { 1 << 20, 4 << 20 };
	static const enum who whos[] = { VMALLOC, KVMALLOC, KA_FIRST + KA_CLASS_BUFFER,
					 KA_FIRST + KA_CLASS_STD };
	int s, w, err = 0;

	for (s = 0; s < ARRAY_SIZE(sizes); s++)
		for (w = 0; w < ARRAY_SIZE(whos) && !err; w++) {
			settle();
			err = p4_one(whos[w], sizes[s]);
		}
	return err;
}

static long bench_run(void *unused)
{
	int err = wanted("P1") ? p1() : 0;

	if (!err && wanted("P4"))
		err = p4();
	return err;
}

static int __init bench_init(void)
{
	int c, err = 0;
	char name[24];

	for (c = 0; c < KA_NR_CLASSES; c++) {
		snprintf(name, sizeof(name), "bench_%s", class_names[c]);
		types[c] = ka_type_create(name, c);
		if (IS_ERR(types[c])) {
			err = PTR_ERR(types[c]);
			types[c] = NULL;
		}
	}
	pr_info("begin: %u CPUs online, scale %u\n", num_online_cpus(), scale);
	/* Same-CPU measures on one CPU; P2 and P3 place their own threads. */
	if (!err)
		err = work_on_cpu(cpumask_first(cpu_online_mask), bench_run, NULL);
	if (!err && wanted("P2"))
		err = p2();
	if (!err && wanted("P3"))
		err = p3();
	if (!err && wanted("P5"))
		err = bench_footprint();
	if (!err && wanted("REPLAY"))
		err = work_on_cpu(cpumask_first(cpu_online_mask), bench_replay, NULL);
	pr_info("end: %d\n", err);
	for (c = 0; c < KA_NR_CLASSES; c++)
		ka_type_destroy(types[c]);
	return err;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("kalloc benchmark against kmalloc, kmem_cache, vmalloc and kvmalloc");
MODULE_LICENSE("GPL");
