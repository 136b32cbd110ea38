// SPDX-License-Identifier: GPL-2.0
/*
 * A small kalloc client for `make run`: on every online CPU it allocates a mix
 * of block sizes through its own allocation types, frees part of them at once,
 * frees a quarter of the previous CPU's blocks from this CPU (cross-CPU frees,
 * which travel home through the owner's queue), and keeps the rest until
 * unload, so the statistics have something to show.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#define DEMO_BLOCKS_PER_CPU	64

struct demo_cpu {
	void *kept[DEMO_BLOCKS_PER_CPU];
	int nr_kept;
	void *buf;		/* one buffer per CPU, kept until unload */
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

static void demo_release(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		for (i = 0; i < demo_cpus[cpu].nr_kept; i++)
			ka_free(demo_type, demo_cpus[cpu].kept[i]);
		ka_free(demo_buf_type, demo_cpus[cpu].buf);
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
