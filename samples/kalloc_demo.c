// SPDX-License-Identifier: GPL-2.0
/*
 * A small kalloc client for `make run`: on every online CPU it allocates a mix
 * of block sizes through its own allocation type, frees part of them at once
 * and keeps the rest until unload, so the statistics have something to show.
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
};

static struct ka_type *demo_type;
static struct demo_cpu *demo_cpus;	/* indexed by CPU number */

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
	pr_info("cpu %d: allocated %d blocks, freed %d, kept %d\n",
		raw_smp_processor_id(), DEMO_BLOCKS_PER_CPU, freed, dc->nr_kept);
	return 0;
}

static void demo_release(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = 0; i < demo_cpus[cpu].nr_kept; i++)
			ka_free(demo_type, demo_cpus[cpu].kept[i]);
	kfree(demo_cpus);
	ka_type_destroy(demo_type);
}

static int __init demo_init(void)
{
	int cpu, err = 0;

	demo_type = ka_type_create("demo", KA_CLASS_STD);
	if (IS_ERR(demo_type))
		return PTR_ERR(demo_type);
	demo_cpus = kcalloc(nr_cpu_ids, sizeof(*demo_cpus), GFP_KERNEL);
	if (!demo_cpus) {
		ka_type_destroy(demo_type);
		return -ENOMEM;
	}

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		err = work_on_cpu(cpu, demo_fill_cpu, &demo_cpus[cpu]);
		if (err)
			break;
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
