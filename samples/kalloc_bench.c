// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: kalloc against the kernel's own allocators, measured in the
 * same boot on the same CPU, printed as ns per operation and as ratios to
 * kmalloc. Run it in the VM runner (see README.md); under TCG and with the
 * test kernel's KASAN and lockdep the absolute numbers are far from native
 * ones, so read the ratios, and the user-space benchmark for the core.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#define PAIRS	20000
#define BATCH	512

static struct ka_type *bench_types[3];
static struct kmem_cache *bench_cache;
static void *batch[BATCH];
static DEFINE_SPINLOCK(bench_lock);

enum what { KMALLOC, KMEM_CACHE, KA_STD, KA_SL, KA_TEMP, NR_WHAT };
static const char *const names[NR_WHAT] = {
	"kmalloc", "kmem_cache", "ka std", "ka sl", "ka temp",
};

static void *get(enum what w, size_t size)
{
	switch (w) {
	case KMALLOC:
		return kmalloc(size, GFP_KERNEL);
	case KMEM_CACHE:
		return kmem_cache_alloc(bench_cache, GFP_KERNEL);
	default:
		return ka_alloc(bench_types[w - KA_STD], size, GFP_KERNEL);
	}
}

static void put(enum what w, void *p)
{
	switch (w) {
	case KMALLOC:
		kfree(p);
		break;
	case KMEM_CACHE:
		kmem_cache_free(bench_cache, p);
		break;
	default:
		ka_free(bench_types[w - KA_STD], p);
	}
}

/* ns per alloc+free pair, and per operation of a batch of BATCH then BATCH frees */
static void measure(enum what w, size_t size, u64 *pair, u64 *batched)
{
	u64 t0;
	int i, j;

	for (i = 0; i < 100; i++)	/* warm up: carriers, slabs */
		put(w, get(w, size));
	t0 = ktime_get_ns();
	for (i = 0; i < PAIRS; i++)
		put(w, get(w, size));
	*pair = (ktime_get_ns() - t0) / PAIRS;

	t0 = ktime_get_ns();
	for (j = 0; j < 8; j++) {
		for (i = 0; i < BATCH; i++)
			batch[i] = get(w, size);
		for (i = 0; i < BATCH; i++)
			put(w, batch[i]);
	}
	*batched = (ktime_get_ns() - t0) / (8 * 2 * BATCH);
}

static long bench_run(void *unused)
{
	static const size_t sizes[] = { 64, 256, 2048 };
	u64 pair[NR_WHAT], batched[NR_WHAT], t0, lock_ns, kp, kb;
	unsigned long flags;
	int s, w, i;

	t0 = ktime_get_ns();
	for (i = 0; i < PAIRS; i++) {
		local_irq_save(flags);
		spin_lock(&bench_lock);
		spin_unlock(&bench_lock);
		local_irq_restore(flags);
	}
	lock_ns = (ktime_get_ns() - t0) / PAIRS;
	pr_info("instance protection (irq save + spin lock, and back): %llu ns\n", lock_ns);

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (w = 0; w < NR_WHAT; w++) {
			if (w == KMEM_CACHE && sizes[s] != 64)
				continue;
			measure(w, sizes[s], &pair[w], &batched[w]);
			kp = max_t(u64, pair[KMALLOC], 1);
			kb = max_t(u64, batched[KMALLOC], 1);
			pr_info("size %4zu %-11s pair %5llu ns (x%llu.%02llu kmalloc)  batch %5llu ns/op (x%llu.%02llu)\n",
				sizes[s], names[w], pair[w], pair[w] / kp, pair[w] * 100 / kp % 100,
				batched[w], batched[w] / kb, batched[w] * 100 / kb % 100);
		}
	}
	return 0;
}

static int __init bench_init(void)
{
	static const enum ka_class cls[3] = { KA_CLASS_STD, KA_CLASS_SL, KA_CLASS_TEMP };
	static const char *const tn[3] = { "bench_std", "bench_sl", "bench_temp" };
	int i, err = 0;

	bench_cache = kmem_cache_create("kalloc_bench", 64, 0, 0, NULL);
	if (!bench_cache)
		return -ENOMEM;
	for (i = 0; i < 3; i++) {
		bench_types[i] = ka_type_create(tn[i], cls[i]);
		if (IS_ERR(bench_types[i])) {
			err = PTR_ERR(bench_types[i]);
			bench_types[i] = NULL;
		}
	}
	if (!err)
		err = work_on_cpu(cpumask_first(cpu_online_mask), bench_run, NULL);
	for (i = 0; i < 3; i++)
		ka_type_destroy(bench_types[i]);
	kmem_cache_destroy(bench_cache);
	return err;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("kalloc benchmark against kmalloc and kmem_cache");
MODULE_LICENSE("GPL");
