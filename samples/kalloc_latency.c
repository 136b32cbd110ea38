// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of `make bench`'s interrupts-off measurement
 * (scripts/guest-latency.sh, Documentation/locking.rst): loaded, it makes
 * kalloc hold a lot and keeps every CPU busy, so that the views, CPU
 * hotplug, reclaim and the frees the guest script drives meet large data:
 *
 *  - @blocks live blocks of 64 B in the driver class (which keeps allocation
 *    tags), from @sites distinct call sites, all on one CPU's instance;
 *  - one block of @big_mib MiB in the buffer class (a singleblock carrier
 *    of as many registry granules);
 *  - a thread per online CPU allocating and freeing blocks of 16 B to
 *    64 KiB, a quarter of them freed by the next CPU's thread, until unload
 *    (@stress);
 *
 * the live blocks and the large one on @live_cpu's instances if it is
 * given, so that taking that CPU offline retires an instance holding them.
 *
 * Unloading frees everything. Nothing here is timed: the kernel's irqsoff
 * tracer measures.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <kalloc.h>

static unsigned int blocks = 1000000;
module_param(blocks, uint, 0444);
MODULE_PARM_DESC(blocks, "live 64 B blocks held while loaded");

static unsigned int sites = 1000;
module_param(sites, uint, 0444);
MODULE_PARM_DESC(sites, "distinct call sites the live blocks are tagged with");

static unsigned int big_mib = 512;
module_param(big_mib, uint, 0444);
MODULE_PARM_DESC(big_mib, "size of the one large block, MiB");

static int live_cpu = -1;
module_param(live_cpu, int, 0444);
MODULE_PARM_DESC(live_cpu, "CPU whose instances hold the live blocks (-1: the loading CPU)");

static bool stress = true;
module_param(stress, bool, 0444);
MODULE_PARM_DESC(stress, "a thread per CPU allocating and freeing while loaded");

#define SLOTS		1024	/* blocks each stress thread holds */
#define HANDOFF		256	/* blocks in flight from one thread to the next */

struct stresser {
	struct task_struct *task;
	void *held[SLOTS];
	void *handoff[HANDOFF];	/* filled by the previous CPU's thread, emptied by this one */
	spinlock_t lock;
	struct stresser *next;
	unsigned long ops;
};

static struct ka_type *live_type, *big_type, *stress_type;
static void **live;
static void *big;
static struct stresser *stressers;
static unsigned int nr_stressers;

/* A code address inside this module for call site @i: distinct and in kallsyms' range. */
static unsigned long site(unsigned int i)
{
	return (unsigned long)site + 4 * (i % 64) + 256 * (i / 64);
}

static int stress_fn(void *arg)
{
	struct stresser *s = arg;
	unsigned int i;
	void *p;

	while (!kthread_should_stop()) {
		i = get_random_u32_below(SLOTS);
		if (s->held[i]) {
			p = s->held[i];
			s->held[i] = NULL;
			if (get_random_u32_below(4)) {
				ka_free(stress_type, p);
				continue;
			}
			/* a cross-CPU free: the next thread frees it */
			spin_lock(&s->next->lock);
			i = get_random_u32_below(HANDOFF);
			swap(p, s->next->handoff[i]);
			spin_unlock(&s->next->lock);
			/* NULL, or the block that was in the slot */
			ka_free(stress_type, p);
		} else {
			s->held[i] = ka_alloc(stress_type, 16 << get_random_u32_below(13),
					      GFP_KERNEL);
		}
		s->ops++;
		if (!(s->ops % 64))
			cond_resched();
	}
	return 0;
}

static void stop_stress(void)
{
	unsigned int n, i;

	if (!stressers)
		return;
	for (n = 0; n < nr_stressers; n++)
		if (stressers[n].task)
			kthread_stop(stressers[n].task);
	for (n = 0; n < nr_stressers; n++) {
		for (i = 0; i < SLOTS; i++)
			ka_free(stress_type, stressers[n].held[i]);
		for (i = 0; i < HANDOFF; i++)
			ka_free(stress_type, stressers[n].handoff[i]);
		pr_info("stress thread %u: %lu operations\n", n, stressers[n].ops);
	}
	kvfree(stressers);
}

static int start_stress(void)
{
	unsigned int n = 0;
	int cpu;

	nr_stressers = num_online_cpus();
	stressers = kvcalloc(nr_stressers, sizeof(*stressers), GFP_KERNEL);
	if (!stressers)
		return -ENOMEM;
	for (n = 0; n < nr_stressers; n++) {
		spin_lock_init(&stressers[n].lock);
		stressers[n].next = &stressers[(n + 1) % nr_stressers];
	}
	n = 0;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (n == nr_stressers)
			break;
		/* not bound: a CPU going offline takes its thread elsewhere */
		t = kthread_create(stress_fn, &stressers[n], "ka_latency/%d", cpu);
		if (IS_ERR(t))
			return PTR_ERR(t);
		stressers[n++].task = t;
		wake_up_process(t);
	}
	return 0;
}

static void free_live(void)
{
	unsigned int i;

	for (i = 0; live && i < blocks; i++)
		ka_free(live_type, live[i]);
	kvfree(live);
	ka_free(big_type, big);
}

static long fill_live(void *arg)
{
	unsigned int i, got = 0;

	for (i = 0; i < blocks; i++) {
		live[i] = ka_alloc_caller(live_type, 64, GFP_KERNEL, site(i % sites));
		got += !!live[i];
		if (!(i % 4096))
			cond_resched();
	}
	big = ka_alloc(big_type, (size_t)big_mib << 20, GFP_KERNEL);
	pr_info("%u of %u live blocks from %u sites on CPU %d, a %u MiB block %s\n", got, blocks,
		sites, raw_smp_processor_id(), big_mib, big ? "made" : "refused");
	return 0;
}

static int __init latency_init(void)
{
	int ret = -ENOMEM;

	live_type = ka_type_create("latency_live", KA_CLASS_DRIVER);
	big_type = ka_type_create("latency_big", KA_CLASS_BUFFER);
	stress_type = ka_type_create("latency_stress", KA_CLASS_STD);
	if (IS_ERR(live_type) || IS_ERR(big_type) || IS_ERR(stress_type))
		goto out_types;
	live = kvcalloc(blocks, sizeof(*live), GFP_KERNEL);
	if (!live)
		goto out_types;
	if (live_cpu >= 0 && cpu_online(live_cpu))
		work_on_cpu(live_cpu, fill_live, NULL);
	else
		fill_live(NULL);
	ret = stress ? start_stress() : 0;
	if (ret) {
		stop_stress();
		free_live();
		goto out_types;
	}
	return 0;

out_types:
	if (!IS_ERR_OR_NULL(stress_type))
		ka_type_destroy(stress_type);
	if (!IS_ERR_OR_NULL(big_type))
		ka_type_destroy(big_type);
	if (!IS_ERR_OR_NULL(live_type))
		ka_type_destroy(live_type);
	return ret;
}

static void __exit latency_exit(void)
{
	stop_stress();
	free_live();
	ka_type_destroy(stress_type);
	ka_type_destroy(big_type);
	ka_type_destroy(live_type);
}

module_init(latency_init);
module_exit(latency_exit);
MODULE_DESCRIPTION("kalloc: the workload of the interrupts-off measurement");
MODULE_LICENSE("GPL");
