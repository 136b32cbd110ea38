// SPDX-License-Identifier: GPL-2.0
/*
 * P5 of `make bench`: memory after a peak (seed 000's Logplex case, issue
 * 17). Every online CPU (up to four) allocates its share of 20,000 blocks
 * of 200 B to 8 KiB; 80 % are freed, one free in ten from another CPU than
 * the allocating one; then 5,000 blocks of a second type of the same class
 * come. After each phase the footprint is printed for kalloc's buffer class
 * and for kmalloc doing the same, in the same boot:
 *
 *	R P5.resident <phase> <who> <KiB>	memory held for the blocks
 *	R P5.used <phase> <who> <KiB>		bytes asked for by live blocks
 *
 * Phases: 1 the peak, 2 after the 80 % free, 3 after the second type's
 * blocks. kalloc's resident memory is its buffer class's carriers plus the
 * segment cache (both from its debugfs views, as a user reads them;
 * resident_size: carriers less the pages they gave back); SLUB's
 * is the growth of the slab counters (as /proc/meminfo's Slab), which also
 * counts other slab users of the moment, and large kmalloc pages, which
 * these sizes do not reach.
 */
#define pr_fmt(fmt) "kalloc_bench: " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#include "kalloc_bench.h"

#define FP_BLOCKS	20000
#define FP_REFILL	5000
#define FP_CPUS		4

struct footprint {
	enum who w;
	struct ka_type *second;
	unsigned int n, refill, ncpu, cpu_of[FP_CPUS];
	void **p;			/* n + refill blocks */
	u64 used;			/* bytes asked for by live blocks */
	bool failed;
};

/* A fixed pseudo-random stream, so both allocators see the same blocks. */
static u32 fp_hash(u32 i)
{
	i ^= i >> 16;
	i *= 0x7feb352d;
	i ^= i >> 15;
	i *= 0x846ca68b;
	return i ^ (i >> 16);
}

static size_t fp_size(unsigned int i)
{
	return 200 + fp_hash(i) % (8192 - 200 + 1);
}

struct fp_job {
	struct footprint *fp;
	unsigned int slot;		/* which of the CPUs runs it */
	int phase;
};

/* Four blocks in five are freed in phase 2, one free in ten from the next CPU. */
static bool fp_freed(unsigned int i)
{
	return fp_hash(i + FP_BLOCKS) % 5;
}

static unsigned int fp_freer(const struct footprint *fp, unsigned int i)
{
	return i % 10 ? i % fp->ncpu : (i + 1) % fp->ncpu;
}

static long fp_work(void *arg)
{
	struct fp_job *j = arg;
	struct footprint *fp = j->fp;
	unsigned int i;

	if (j->phase == 2) {
		for (i = 0; i < fp->n; i++)
			if (fp_freer(fp, i) == j->slot && fp_freed(i) && fp->p[i]) {
				put(fp->w, fp->p[i]);
				fp->p[i] = NULL;
			}
		return 0;
	}
	for (i = j->phase == 3 ? fp->n : 0; i < (j->phase == 3 ? fp->n + fp->refill : fp->n); i++) {
		if (i % fp->ncpu != j->slot)
			continue;
		fp->p[i] = j->phase == 3 && fp->w >= KA_FIRST ?
			   ka_alloc(fp->second, fp_size(i), GFP_KERNEL) : get(fp->w, fp_size(i));
		if (!fp->p[i])
			fp->failed = true;
	}
	return 0;
}

/* Phase @phase's work on each CPU in turn: CPU slot c allocates or frees its share. */
static void fp_phase(struct footprint *fp, int phase)
{
	struct fp_job j = { fp, 0, phase };
	unsigned int c;

	for (c = 0; c < fp->ncpu; c++) {
		j.slot = c;
		work_on_cpu(fp->cpu_of[c], fp_work, &j);
	}
}

/* A "key value" or "class blocks carriers ..." figure from a kalloc view. */
u64 bench_view_figure(const char *file, const char *key, int column)
{
	char path[64], *buf, *line, *p;
	struct file *f;
	loff_t pos = 0;
	ssize_t n, got = 0;
	u64 v = 0;

	buf = kvzalloc(PAGE_SIZE * 4, GFP_KERNEL);
	if (!buf)
		return 0;
	snprintf(path, sizeof(path), "/sys/kernel/debug/kalloc/%s", file);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		goto out;
	while (got < PAGE_SIZE * 4 - 1 &&
	       (n = kernel_read(f, buf + got, PAGE_SIZE * 4 - 1 - got, &pos)) > 0)
		got += n;
	filp_close(f, NULL);
	for (p = buf; (line = strsep(&p, "\n"));) {
		char word[32];
		u64 cols[5];

		if (sscanf(line, "%31s %llu %llu %llu %llu %llu", word, &cols[0], &cols[1],
			   &cols[2], &cols[3], &cols[4]) >= column + 2 && !strcmp(word, key)) {
			v = cols[column];
			break;
		}
	}
out:
	kvfree(buf);
	return v;
}

/* What the buffer class's carriers hold in memory (pages given back are not), and the cache. */
static u64 kalloc_resident(void)
{
	return bench_view_figure("memory", "buffer", 4) +
	       bench_view_figure("segments", "cached_size", 0);
}

static u64 slab_bytes(void)
{
	return (global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) +
		global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B)) << PAGE_SHIFT;
}

static void fp_report(struct footprint *fp, int phase, u64 base)
{
	unsigned int i;
	u64 used = 0, now;

	settle();
	for (i = 0; i < fp->n + fp->refill; i++)
		if (fp->p[i])
			used += fp_size(i);
	now = fp->w >= KA_FIRST ? kalloc_resident() : slab_bytes();
	result("P5.resident", phase, fp->w, (now > base ? now - base : 0) >> 10);
	result("P5.used", phase, fp->w, used >> 10);
}

static int fp_run(enum who w, struct ka_type *second)
{
	struct footprint *fp = kzalloc(sizeof(*fp), GFP_KERNEL);
	unsigned int i, cpu;
	int err = 0;
	u64 base;

	if (!fp)
		return -ENOMEM;
	fp->w = w;
	fp->second = second;
	fp->n = bench_count(FP_BLOCKS);
	fp->refill = bench_count(FP_REFILL);
	for_each_online_cpu(cpu) {
		if (fp->ncpu == FP_CPUS)
			break;
		fp->cpu_of[fp->ncpu++] = cpu;
	}
	fp->p = vzalloc(array_size(fp->n + fp->refill, sizeof(void *)));
	if (!fp->p) {
		kfree(fp);
		return -ENOMEM;
	}
	settle();
	base = w >= KA_FIRST ? kalloc_resident() : slab_bytes();
	fp_phase(fp, 1);
	fp_report(fp, 1, base);
	fp_phase(fp, 2);
	fp_report(fp, 2, base);
	fp_phase(fp, 3);
	fp_report(fp, 3, base);
	if (fp->failed)
		err = -ENOMEM;
	for (i = 0; i < fp->n + fp->refill; i++) {
		if (i >= fp->n && w >= KA_FIRST)
			ka_free(second, fp->p[i]);
		else if (fp->p[i])
			put(w, fp->p[i]);
	}
	vfree(fp->p);
	kfree(fp);
	return err;
}

int bench_footprint(void)
{
	struct ka_type *second = ka_type_create("bench_buffer2", KA_CLASS_BUFFER);
	int err;

	if (IS_ERR(second))
		return PTR_ERR(second);
	err = fp_run(KMALLOC, NULL);
	if (!err)
		err = fp_run(KA_FIRST + KA_CLASS_BUFFER, second);
	ka_type_destroy(second);
	return err;
}
