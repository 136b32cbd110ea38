// SPDX-License-Identifier: GPL-2.0
/*
 * A small kalloc client for `make run`: on every online CPU it allocates a mix
 * of block sizes through its own allocation types, frees part of them at once,
 * frees a quarter of the previous CPU's blocks from this CPU (cross-CPU frees,
 * which travel home through the owner's queue), and keeps the rest until
 * unload, so the statistics have something to show. Then the seed talk's
 * story: a burst on every CPU, most of it freed, and more load on one CPU
 * only, which takes the other CPUs' abandoned carriers from the pool.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#define DEMO_BLOCKS_PER_CPU	64
#define DEMO_BURST		600	/* blocks per CPU in the burst */

struct demo_cpu {
	void *kept[DEMO_BLOCKS_PER_CPU];
	int nr_kept;
	void *buf;		/* one buffer per CPU, kept until unload */
	void **burst;		/* the burst's survivors, or the one CPU's later load */
	int nr_burst;
};

static struct ka_type *demo_type;	/* std class */
static struct ka_type *demo_buf_type;	/* buffer class: tagged with their origin */
static struct demo_cpu *demo_cpus;	/* indexed by CPU number */

/* The online CPU before @cpu, wrapping around. */
static int demo_prev_cpu(int cpu)
{
	int c, prev = -1, last = -1;

	for_each_online_cpu(c) {
		if (c < cpu)
			prev = c;
		last = c;
	}
	return prev >= 0 ? prev : last;
}

/* Frees every fourth block the previous CPU kept: those are not this CPU's. */
static long demo_free_foreign(void *arg)
{
	struct demo_cpu *prev = arg;
	int i, freed = 0;

	for (i = 0; i < prev->nr_kept; i += 4) {
		ka_free(demo_type, prev->kept[i]);
		prev->kept[i] = NULL;
		freed++;
	}
	pr_info("cpu %d: freed %d blocks of another CPU\n", raw_smp_processor_id(), freed);
	return 0;
}

static long demo_fill_cpu(void *arg)
{
	struct demo_cpu *dc = arg;
	int i, freed = 0;

	for (i = 0; i < DEMO_BLOCKS_PER_CPU; i++) {
		size_t size = 32 << (i % 9);	/* 32 B .. 8 KiB */
		void *block = ka_alloc(demo_type, size, GFP_KERNEL);

		if (!block)
			return -ENOMEM;
		memset(block, i, size);
		if (i % 2) {
			ka_free(demo_type, block);
			freed++;
		} else {
			dc->kept[dc->nr_kept++] = block;
		}
	}
	dc->buf = ka_zalloc(demo_buf_type, 64 * 1024, GFP_KERNEL);
	if (!dc->buf)
		return -ENOMEM;
	pr_info("cpu %d: allocated %d blocks and a buffer, freed %d, kept %d\n",
		raw_smp_processor_id(), DEMO_BLOCKS_PER_CPU, freed, dc->nr_kept);
	return 0;
}

/* Fills @dc->burst up to @n blocks of 256 B .. 1.75 KiB. */
static long demo_burst(void *arg)
{
	struct demo_cpu *dc = arg;
	int n = dc->nr_burst;

	for (dc->nr_burst = 0; dc->nr_burst < n; dc->nr_burst++) {
		dc->burst[dc->nr_burst] = ka_alloc(demo_type, 256 * (dc->nr_burst % 7 + 1),
						   GFP_KERNEL);
		if (!dc->burst[dc->nr_burst])
			return -ENOMEM;
	}
	return 0;
}

/* The load falls: all but every eighth block of the burst go. */
static long demo_burst_ends(void *arg)
{
	struct demo_cpu *dc = arg;
	int i;

	for (i = 0; i < dc->nr_burst; i++)
		if (i % 8) {
			ka_free(demo_type, dc->burst[i]);
			dc->burst[i] = NULL;
		}
	return 0;
}

static int demo_peak_then_one_cpu(void)
{
	int cpu, i, first = cpumask_first(cpu_online_mask), err = 0;
	struct demo_cpu *one;

	for_each_online_cpu(cpu) {
		struct demo_cpu *dc = &demo_cpus[cpu];

		dc->burst = kcalloc(2 * DEMO_BURST, sizeof(*dc->burst), GFP_KERNEL);
		if (!dc->burst)
			return -ENOMEM;
		dc->nr_burst = DEMO_BURST;
		err = work_on_cpu(cpu, demo_burst, dc);
		if (err)
			return err;
	}
	for_each_online_cpu(cpu)
		work_on_cpu(cpu, demo_burst_ends, &demo_cpus[cpu]);
	/* One CPU now needs twice its burst: the pool gives it the others' carriers. */
	one = &demo_cpus[first];
	one->nr_burst = 2 * DEMO_BURST;
	for (i = 0; i < DEMO_BURST; i++)
		ka_free(demo_type, one->burst[i]);	/* its survivors; NULL is fine */
	err = work_on_cpu(first, demo_burst, one);
	pr_info("burst of %d blocks on every CPU, 7 in 8 freed, then %d on cpu %d: %s\n",
		DEMO_BURST, 2 * DEMO_BURST, first, err ? "failed" : "done");
	return err;
}

static void demo_release(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		for (i = 0; i < demo_cpus[cpu].nr_kept; i++)
			ka_free(demo_type, demo_cpus[cpu].kept[i]);
		ka_free(demo_buf_type, demo_cpus[cpu].buf);
		for (i = 0; i < demo_cpus[cpu].nr_burst; i++)
			ka_free(demo_type, demo_cpus[cpu].burst[i]);
		kfree(demo_cpus[cpu].burst);
	}
	kfree(demo_cpus);
	ka_type_destroy(demo_buf_type);
	ka_type_destroy(demo_type);
}

static int __init demo_init(void)
{
	int cpu, err = 0;

	demo_type = ka_type_create("demo", KA_CLASS_STD);
	if (IS_ERR(demo_type))
		return PTR_ERR(demo_type);
	demo_buf_type = ka_type_create("demo_buf", KA_CLASS_BUFFER);
	demo_cpus = kcalloc(nr_cpu_ids, sizeof(*demo_cpus), GFP_KERNEL);
	if (IS_ERR(demo_buf_type) || !demo_cpus) {
		err = IS_ERR(demo_buf_type) ? PTR_ERR(demo_buf_type) : -ENOMEM;
		if (!IS_ERR(demo_buf_type))
			ka_type_destroy(demo_buf_type);
		kfree(demo_cpus);
		ka_type_destroy(demo_type);
		return err;
	}

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		err = work_on_cpu(cpu, demo_fill_cpu, &demo_cpus[cpu]);
		if (err)
			break;
	}
	for_each_online_cpu(cpu) {
		int prev = demo_prev_cpu(cpu);

		if (err || prev == cpu)
			break;
		err = work_on_cpu(cpu, demo_free_foreign, &demo_cpus[prev]);
	}
	if (!err)
		err = demo_peak_then_one_cpu();
	cpus_read_unlock();

	if (err)
		demo_release();
	return err;
}

static void __exit demo_exit(void)
{
	demo_release();
	pr_info("released all blocks\n");
}

module_init(demo_init);
module_exit(demo_exit);

MODULE_DESCRIPTION("kalloc demo client");
MODULE_LICENSE("GPL");
