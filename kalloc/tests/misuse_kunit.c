// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of misuse that used to take the machine down: second frees of
 * a block whose first free is still queued for its owner, two CPUs freeing
 * one block at once, forged interior pointers, frees across a disabled class,
 * sleeping flags in hard-irq context, and names and origins that would forge
 * rows in the views. Every report here is counted, never WARNed, and each
 * case checks that nothing changed: blocks intact, counts even, instances
 * consistent.
 */
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>

#include "ka_test.h"
#include "../pcpu/cpu.h"
#include "../pcpu/remote.h"
#include "../internal.h"
#include "../sources/pages.h"
#include "../pcpu/registry.h"
#include "../report.h"

static void misuse_need_cpus(struct kunit *test, int n)
{
	int cpu;

	for (cpu = 0; cpu < n; cpu++)
		if (!cpu_online(cpu))
			kunit_skip(test, "needs CPUs 0 to %d online", n - 1);
}

struct one_block {
	struct ka_type *type;
	size_t size;
	void *p;
	atomic_t *reports;
	bool by_realloc;	/* the owner's second call is a realloc, not a free */
	long seen;		/* reports counted right at the second call */
	void *again;		/* what a second realloc returned */
};

static long alloc_one(void *arg)
{
	struct one_block *o = arg;

	o->p = ka_alloc(o->type, o->size, GFP_KERNEL);
	if (!o->p)
		return -ENOMEM;
	memset(o->p, 0x3c, o->size);
	return 0;
}

static void free_one_ipi(void *arg)
{
	struct one_block *o = arg;

	ka_free(o->type, o->p);
}

static void free_twice_ipi(void *arg)
{
	struct one_block *o = arg;

	ka_free(o->type, o->p);
	ka_free(o->type, o->p);
	o->seen = atomic_read(o->reports);
}

/*
 * On CPU 0 with preemption off, so its queue cannot drain (its kick work
 * cannot run): CPU 1 frees the block twice, from an IPI.
 */
static long free_twice_while_queued(void *arg)
{
	preempt_disable();
	smp_call_function_single(1, free_twice_ipi, arg, 1);
	preempt_enable();
	return 0;
}

static struct one_block *one_block_on_cpu0(struct kunit *test, const char *name)
{
	struct one_block *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	static atomic_t reports;

	KUNIT_ASSERT_NOT_NULL(test, o);
	misuse_need_cpus(test, 2);
	o->type = ka_test_type(test, name, KA_CLASS_SL);
	o->size = 2 * KA_FRONT_MAX;	/* no front cache: these cases are about the queue */
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, alloc_one, o), 0L);
	atomic_set(&reports, 0);
	o->reports = &reports;
	return o;
}

static void sink_off(void *unused)
{
	ka_report_sink_set(NULL);
}

/* From here on, reports from any context count in @o->reports. */
static void count_reports_anywhere(struct kunit *test, struct one_block *o)
{
	ka_report_sink_set(o->reports);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sink_off, NULL), 0);
}

/* Drains the owner and checks that the block came back exactly once. */
static void expect_freed_once(struct kunit *test, struct one_block *o, u64 base)
{
	struct ka_pcpu *owner = ka_test_pcpu(&ka_class_states[o->type->class], 0);
	struct ka_type_totals sum;

	ka_cpu_drain(owner);
	KUNIT_EXPECT_EQ(test, ka_test_pcpu_blocks(owner), base);
	ka_type_sum(o->type, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, 1ULL);
	KUNIT_EXPECT_EQ(test, sum.allocs, sum.frees);
	ka_test_expect_all_consistent(test);
}

/* Freed twice from another CPU while the first free waits in the owner's queue. */
static void double_free_while_queued(struct kunit *test)
{
	struct one_block *o = one_block_on_cpu0(test, "kunit_dfq");
	u64 base = ka_test_pcpu_blocks(ka_test_pcpu(&ka_class_states[KA_CLASS_SL], 0)) - 1;

	count_reports_anywhere(test, o);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, free_twice_while_queued, o), 0L);
	KUNIT_EXPECT_EQ(test, o->seen, 1L);
	expect_freed_once(test, o, base);
	KUNIT_EXPECT_EQ(test, atomic_read(o->reports), 1);
}

/*
 * On CPU 0 with preemption off, so the owner's queue cannot drain: CPU 1
 * frees the block (an IPI), then the owner frees or reallocs it again.
 */
static long owner_after_remote_free(void *arg)
{
	struct one_block *o = arg;

	preempt_disable();
	smp_call_function_single(1, free_one_ipi, o, 1);
	if (o->by_realloc)
		o->again = ka_realloc(o->type, o->p, 500, GFP_ATOMIC);
	else
		ka_free(o->type, o->p);
	o->seen = atomic_read(o->reports);
	preempt_enable();
	return 0;
}

static void owner_free_after_remote_free(struct kunit *test)
{
	struct one_block *o = one_block_on_cpu0(test, "kunit_dfo");
	u64 base = ka_test_pcpu_blocks(ka_test_pcpu(&ka_class_states[KA_CLASS_SL], 0)) - 1;

	count_reports_anywhere(test, o);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, owner_after_remote_free, o), 0L);
	KUNIT_EXPECT_EQ(test, o->seen, 1L);	/* at the call, not at the drain */
	expect_freed_once(test, o, base);
	KUNIT_EXPECT_EQ(test, atomic_read(o->reports), 1);
}

static void owner_realloc_after_remote_free(struct kunit *test)
{
	struct one_block *o = one_block_on_cpu0(test, "kunit_dfr");
	u64 base = ka_test_pcpu_blocks(ka_test_pcpu(&ka_class_states[KA_CLASS_SL], 0)) - 1;

	o->by_realloc = true;
	count_reports_anywhere(test, o);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, owner_after_remote_free, o), 0L);
	KUNIT_EXPECT_EQ(test, o->seen, 1L);
	KUNIT_EXPECT_NULL(test, o->again);
	expect_freed_once(test, o, base);
	KUNIT_EXPECT_EQ(test, atomic_read(o->reports), 1);
}

/* A realloc and a free of a block already freed on its own CPU. */
static void realloc_after_free(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_raf", KA_CLASS_STD);
	int *reports = ka_test_expect_reports(test);
	void *p = ka_alloc(t, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	ka_free(t, p);
	KUNIT_EXPECT_NULL(test, ka_realloc(t, p, 128, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, *reports, 1);
	ka_free(t, p);
	KUNIT_EXPECT_EQ(test, *reports, 2);
	ka_test_expect_all_consistent(test);
}

#define RACE_BLOCKS 200

struct free_race {
	struct ka_type *type;
	void *p[RACE_BLOCKS];
	atomic_t ready, go_ahead, done;
	struct completion finished;
};

static int race_freer(void *arg)
{
	struct free_race *r = arg;
	int i;

	atomic_inc(&r->ready);
	while (!atomic_read(&r->go_ahead))
		cpu_relax();
	for (i = 0; i < RACE_BLOCKS; i++)
		ka_free(r->type, r->p[i]);
	if (atomic_inc_return(&r->done) == 2)
		complete(&r->finished);
	return 0;
}

static long alloc_race_blocks(void *arg)
{
	struct free_race *r = arg;
	int i;

	for (i = 0; i < RACE_BLOCKS; i++) {
		r->p[i] = ka_alloc(r->type, 32 + 16 * (i % 8), GFP_KERNEL);
		if (!r->p[i])
			return -ENOMEM;
	}
	return 0;
}

/* CPUs 1 and 2 free the same blocks of CPU 0 at once: exactly one wins each. */
static void two_cpus_free_one_block(struct kunit *test)
{
	struct free_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct ka_pcpu *owner = ka_test_pcpu(&ka_class_states[KA_CLASS_STD], 0);
	struct ka_type_totals sum;
	static atomic_t reports;
	struct task_struct *t[2];
	u64 base;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	misuse_need_cpus(test, 3);
	r->type = ka_test_type(test, "kunit_race2", KA_CLASS_STD);
	init_completion(&r->finished);
	base = ka_test_pcpu_blocks(owner);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, alloc_race_blocks, r), 0L);
	atomic_set(&reports, 0);
	ka_report_sink_set(&reports);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sink_off, NULL), 0);
	for (i = 0; i < 2; i++) {
		t[i] = kthread_create_on_cpu(race_freer, r, i + 1, "ka_race2/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		wake_up_process(t[i]);
	}
	while (atomic_read(&r->ready) < 2)
		usleep_range(1000, 2000);
	atomic_set(&r->go_ahead, 1);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&r->finished, 60 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&reports), RACE_BLOCKS);
	ka_type_sum(r->type, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, (u64)RACE_BLOCKS);
	ka_cpu_drain(owner);
	KUNIT_EXPECT_EQ(test, ka_test_pcpu_blocks(owner), base);
	ka_test_expect_all_consistent(test);
}

/* An interior pointer whose 8 bytes before it are a copy of the real header. */
static void forged_interior_pointer(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_forge", KA_CLASS_STD);
	int *reports = ka_test_expect_reports(test);
	unsigned long *p = NULL, *held[16];
	int n = 0, i;

	/* The forged header must sit in the real one's 16 KiB window to look right. */
	while (n < ARRAY_SIZE(held)) {
		p = ka_alloc(t, 256, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		if (((unsigned long)(p - 1) ^ (unsigned long)(p + 1)) < 16 * 1024)
			break;
		held[n++] = p;
	}
	KUNIT_ASSERT_LT(test, n, (int)ARRAY_SIZE(held));
	memset(p, 0x77, 256);
	p[1] = ka_test_peek(p - 1);	/* a copy of the block's header word */
	ka_free(t, p + 2);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_NULL(test, ka_realloc(t, p + 2, 64, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, *reports, 2);
	/* Nothing changed: the block is whole and still ours. */
	KUNIT_EXPECT_EQ(test, p[0], 0x7777777777777777UL);
	KUNIT_EXPECT_EQ(test, p[31], 0x7777777777777777UL);
	ka_test_expect_all_consistent(test);
	ka_free(t, p);
	for (i = 0; i < n; i++)
		ka_free(t, held[i]);
	KUNIT_EXPECT_EQ(test, *reports, 2);
	ka_test_expect_all_consistent(test);
}

/*
 * A page the system gave someone else, inside a 2 MiB granule where kalloc
 * has carriers: the bitmap lets the lookup read its struct page, whose
 * words name no carrier, so the pointer is refused as foreign and nothing
 * it points at is read or written. Its neighbours in kalloc's own pages are
 * found by their struct pages.
 */
static void foreign_page_beside_carriers(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_foreign_page", KA_CLASS_STD);
	unsigned long *q, *own = ka_alloc(t, 100, GFP_KERNEL);
	int *reports = ka_test_expect_reports(test);
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long g;

	KUNIT_ASSERT_NOT_NULL(test, own);
	KUNIT_ASSERT_NOT_NULL(test, page);
	q = page_address(page);
	KUNIT_ASSERT_TRUE(test, ka_pagemap_covers(q));
	/* a granule kalloc shares with others, as if it had a carrier there */
	g = ((unsigned long)q - PAGE_OFFSET) >> KA_PAGEMAP_SHIFT;
	set_bit(g, ka_pagemap);
	q[0] = 0x5a5a5a5a5a5a5a5aUL;
	q[2] = 0x5a5a5a5a5a5a5a5aUL;
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, ka_page_carrier(q + 2));
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, ka_test_page_names_block(own));
	ka_free(t, q + 2);
	ka_free_any(q + 2);
	KUNIT_EXPECT_EQ(test, *reports, 2);
	KUNIT_EXPECT_EQ(test, q[0], 0x5a5a5a5a5a5a5a5aUL);
	KUNIT_EXPECT_EQ(test, q[2], 0x5a5a5a5a5a5a5a5aUL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	__free_page(page);
	ka_free(t, own);
	KUNIT_EXPECT_EQ(test, *reports, 2);
	ka_test_expect_all_consistent(test);
}

/*
 * Outside a test's count a misuse is reported as SLUB reports a bad object:
 * the BUG banner and the caller's stack, printed by a work item, the kernel
 * tainted TAINT_BAD_PAGE, and no WARN(), so a machine booted with
 * panic_on_warn=1 (as this guest is) keeps running. The harness excuses the
 * report between the markers and fails the run if none is printed there.
 */
static void misuse_is_reported_not_warned(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_not_warned", KA_CLASS_STD);
	int made = atomic_read(&ka_reports_made);
	void *p = ka_alloc(t, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	if (test_taint(TAINT_WARN))
		kunit_skip(test, "the kernel warned before this case: the taint tells nothing");
	ka_free(t, p);
	pr_info("KALLOC-EXPECT-REPORT: begin kalloc\n");
	ka_free(t, p);		/* a double free, no test counting it */
	ka_report_flush();
	pr_info("KALLOC-EXPECT-REPORT: end kalloc\n");
	KUNIT_EXPECT_EQ(test, atomic_read(&ka_reports_made), made + 1);
	KUNIT_EXPECT_FALSE(test, test_taint(TAINT_WARN));
	KUNIT_EXPECT_TRUE(test, test_taint(TAINT_BAD_PAGE));
	ka_test_expect_all_consistent(test);
}

/*
 * A carrier the registry's table could not take (a node it needed not had:
 * fail_kalloc fails every one this thread asks for) sends lookups that miss
 * the table to the tree while it lives, and only while it lives.
 */
static void table_misses_end_with_their_carrier(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	const size_t size = 64UL << 20;
	struct ka_carrier *c;
	bool unmapped;

	if (READ_ONCE(ka_registry_slow))
		kunit_skip(test, "lookups already ask the tree (verify_pointers, or a table miss)");
	c = ka_vmem_alloc(size, NUMA_NO_NODE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	memset(c, 0, sizeof(*c));
	c->size = size;
	c->flags = KA_CRR_SBC;
	ka_crr_layout(c);

	ka_test_fail_this_task(true);
	ka_registry_add(c);
	ka_test_fail_this_task(false);
	unmapped = c->flags & KA_CRR_LAYER;

	if (unmapped) {
		KUNIT_EXPECT_TRUE(test, READ_ONCE(ka_registry_slow));
		KUNIT_EXPECT_TRUE(test, ka_test_is_kalloc((char *)c + size / 2));
	}
	ka_registry_del(c);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(ka_registry_slow));
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc((char *)c + size / 2));
	synchronize_rcu();
	ka_vmem_free(c);
	ka_vmem_flush();
	if (!unmapped)
		kunit_skip(test, "every table node the carrier needed was there already");
#else
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
#endif
}

static void verify_off(void *unused)
{
	ka_registry_set_verify(false);
}

/*
 * With verify_pointers, every lookup also asks the carrier tree: over blocks
 * of every size kind (front-cached, multiblock, singleblock) and pointers
 * kalloc never gave out, the O(1) table and the tree agree, and only the
 * misuse is reported.
 */
static void verify_pointers_agrees(struct kunit *test)
{
	static const size_t sizes[] = { 24, 700, 3000, 20000, 600 * 1024 };
	struct ka_type *t = ka_test_type(test, "kunit_verify", KA_CLASS_STD);
	void *p[ARRAY_SIZE(sizes)], *k = kmalloc(64, GFP_KERNEL);
	int *reports;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, k);
	ka_registry_set_verify(true);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, verify_off, NULL), 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = ka_alloc(t, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	reports = ka_test_expect_reports(test);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ka_free(t, (char *)p[i] + 16);	/* inside the block */
		ka_free(t, p[i]);
	}
	ka_free(t, k);
	KUNIT_EXPECT_EQ(test, *reports, (int)ARRAY_SIZE(sizes) + 1);
	kfree(k);
	ka_test_expect_all_consistent(test);
}

/*
 * As kmalloc users expect: flags kalloc cannot honour (DMA zones, memory
 * cgroup accounting) are refused with a report, and a failure is told in
 * the log unless __GFP_NOWARN, while invalid sizes stay silent.
 */
static void gfp_as_kmalloc_users_expect(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_gfp", KA_CLASS_STD);
	int *reports = ka_test_expect_reports(test);
	int notices = atomic_read(&ka_notices_made);
	struct ka_type_totals sum;
	int warned, i;

	/* legal, refused: a notice, once per type and caller, and no report */
	KUNIT_EXPECT_NULL(test, ka_alloc(t, 64, GFP_KERNEL | __GFP_DMA));
	KUNIT_EXPECT_NULL(test, ka_alloc(t, 64, GFP_KERNEL | __GFP_DMA32));
	KUNIT_EXPECT_NULL(test, ka_alloc(t, 64, GFP_KERNEL_ACCOUNT));
	KUNIT_EXPECT_EQ(test, atomic_read(&ka_notices_made), notices + 3);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_NULL(test, ka_alloc(t, 64, GFP_KERNEL_ACCOUNT));
	KUNIT_EXPECT_EQ(test, atomic_read(&ka_notices_made), notices + 4);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	ka_type_sum(t, &sum);
	KUNIT_EXPECT_EQ(test, sum.failed, 8ULL);
	KUNIT_EXPECT_EQ(test, sum.allocs, 0ULL);

	/* 256 MiB without sleeping: neither the page allocator nor kmalloc has it */
	warned = atomic_read(&ka_alloc_failure_warnings);
	KUNIT_EXPECT_NULL(test, ka_alloc(t, 256UL << 20, GFP_ATOMIC | __GFP_NOWARN));
	KUNIT_EXPECT_EQ(test, atomic_read(&ka_alloc_failure_warnings), warned);
	KUNIT_EXPECT_NULL(test, ka_alloc(t, 256UL << 20, GFP_ATOMIC));
	KUNIT_EXPECT_EQ(test, atomic_read(&ka_alloc_failure_warnings), warned + 1);
	KUNIT_EXPECT_NULL(test, ka_alloc(t, KA_MAX_SIZE + 1, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, atomic_read(&ka_alloc_failure_warnings), warned + 1);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	ka_test_expect_all_consistent(test);
}

/*
 * 0 bytes, as kmalloc users expect: ZERO_SIZE_PTR from every allocation
 * call, taken by every free, ka_size() and ka_realloc() without a word, and
 * what ka_realloc() to 0 bytes gives back.
 */
static void zero_size_as_kmalloc(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_zero", KA_CLASS_STD);
	int *reports = ka_test_expect_reports(test);
	struct ka_type_totals sum;
	void *p;

	KUNIT_EXPECT_PTR_EQ(test, ka_alloc(t, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_PTR_EQ(test, ka_alloc(t, 0, GFP_ATOMIC | __GFP_ZERO), ZERO_SIZE_PTR);
	KUNIT_EXPECT_PTR_EQ(test, ka_alloc_node(t, 0, GFP_KERNEL, first_online_node),
			    ZERO_SIZE_PTR);
	ka_free(t, ZERO_SIZE_PTR);
	ka_free_any(ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, ka_size(t, ZERO_SIZE_PTR), (size_t)0);
	p = ka_realloc(t, ZERO_SIZE_PTR, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_GE(test, ka_size(t, p), (size_t)64);
	KUNIT_EXPECT_PTR_EQ(test, ka_realloc(t, p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	ka_type_sum(t, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, 1ULL);
	KUNIT_EXPECT_EQ(test, sum.frees, 1ULL);
	KUNIT_EXPECT_EQ(test, sum.failed, 0ULL);
	ka_test_expect_all_consistent(test);
}

/*
 * __GFP_NOFAIL as kmalloc users expect: memory every time, from a fresh
 * carrier too, and never a page-allocator request above order 1 with the
 * flag (6.1's page allocator warns at the first, and the guests boot with
 * panic_on_warn=1).
 */
static void nofail_as_kmalloc(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_nofail", KA_CLASS_STD);
	int *reports = ka_test_expect_reports(test);
	void *p, *q, *r;

	p = ka_alloc(t, 64, GFP_KERNEL | __GFP_NOFAIL);
	q = ka_alloc(t, 600 * 1024, GFP_KERNEL | __GFP_NOFAIL);	/* a singleblock carrier */
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	memset(q, 0x3c, 600 * 1024);
	r = ka_realloc(t, p, 200 * 1024, GFP_KERNEL | __GFP_NOFAIL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	ka_free(t, r);
	ka_free(t, q);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	ka_test_expect_all_consistent(test);
}

struct grow_run {
	struct ka_type *t;
	gfp_t gfp;
	bool in_place, moved;
	unsigned int stale_in_place, stale_moved;
};

/* Bytes of [@from, @to) of @p that are not zero. */
static unsigned int nonzero(const u8 *p, size_t from, size_t to)
{
	unsigned int n = 0;

	for (; from < to; from++)
		n += p[from] != 0;
	return n;
}

/*
 * On one CPU: a 5,000 B block grows to 12,000 B in place over a freed
 * neighbour full of 0xaa, then another grows by moving into space a freed
 * block of 0xaa left; with @gfp the gained bytes must be zero.
 */
static long grow_zeroed(void *arg)
{
	struct grow_run *r = arg;
	u8 *a, *b, *c, *x, *n, *held[16];
	unsigned int i, tries;
	size_t had;

	/* a pair side by side: earlier frees may have left holes that fit one */
	for (tries = 0; tries < ARRAY_SIZE(held) / 2; tries++) {
		a = ka_alloc(r->t, 5000, GFP_KERNEL);
		b = ka_alloc(r->t, 7500, GFP_KERNEL);
		if (!a || !b)
			return -ENOMEM;
		if (b == a + ka_test_blk_size(a))
			break;
		held[2 * tries] = a;
		held[2 * tries + 1] = b;
	}
	for (i = 0; i < 2 * tries; i++)
		ka_free(r->t, held[i]);
	memset(a, 0x11, 5000);
	memset(b, 0xaa, 7500);
	r->in_place = b == a + ka_test_blk_size(a);
	had = ka_size(r->t, a);
	ka_free(r->t, b);
	n = ka_realloc(r->t, a, 12000, r->gfp);
	if (!n)
		return -ENOMEM;
	r->in_place = r->in_place && n == a;
	r->stale_in_place = nonzero(n, had, 12000);
	ka_free(r->t, n);

	x = ka_alloc(r->t, 12000, GFP_KERNEL);
	a = ka_alloc(r->t, 5000, GFP_KERNEL);
	c = ka_alloc(r->t, 5000, GFP_KERNEL);	/* keeps @a from growing in place */
	if (!x || !a || !c)
		return -ENOMEM;
	memset(x, 0xaa, 12000);
	ka_free(r->t, x);
	had = ka_size(r->t, a);
	n = ka_realloc(r->t, a, 12000, r->gfp);
	if (!n)
		return -ENOMEM;
	r->moved = n != a;
	r->stale_moved = nonzero(n, had, 12000);
	ka_free(r->t, n);
	ka_free(r->t, c);
	return 0;
}

/*
 * krealloc()'s rule: what a block gains is zeroed under __GFP_ZERO, and
 * under plain flags too when the kernel boots with init_on_alloc=1.
 */
static void realloc_zeroes_what_it_gains(struct kunit *test)
{
	struct grow_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int cpu = cpumask_first(cpu_online_mask);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->t = ka_test_type(test, "kunit_grow", KA_CLASS_STD);
	r->gfp = GFP_KERNEL | __GFP_ZERO;
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, grow_zeroed, r), 0L);
	KUNIT_EXPECT_TRUE(test, r->in_place);
	KUNIT_EXPECT_TRUE(test, r->moved);
	KUNIT_EXPECT_EQ(test, r->stale_in_place, 0U);
	KUNIT_EXPECT_EQ(test, r->stale_moved, 0U);
	if (want_init_on_alloc(GFP_KERNEL)) {
		r->gfp = GFP_KERNEL;
		KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, grow_zeroed, r), 0L);
		KUNIT_EXPECT_EQ(test, r->stale_in_place, 0U);
		KUNIT_EXPECT_EQ(test, r->stale_moved, 0U);
	} else {
		kunit_info(test, "init_on_alloc=0: plain flags not checked in this boot\n");
	}
	ka_test_expect_all_consistent(test);
}

/* init_on_free=1: a freed block's bytes are wiped as a kmalloc object's are. */
static long free_wipes(void *arg)
{
	struct grow_run *r = arg;
	unsigned long *p = ka_alloc(r->t, 200, GFP_KERNEL);
	unsigned int i;

	if (!p)
		return -ENOMEM;
	memset(p, 0x5c, 200);
	ka_free(r->t, p);	/* into this CPU's cache, where nothing writes it */
	for (i = 0; i < 200 / sizeof(long); i++)
		r->stale_in_place += ka_test_peek(p + i) != 0;
	return 0;
}

static void init_on_free_wipes(struct kunit *test)
{
	struct grow_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	if (!want_init_on_free())
		kunit_skip(test, "needs init_on_free=1 (the PREEMPT_RT guest boots with it)");
	r->t = ka_test_type(test, "kunit_wipe", KA_CLASS_STD);
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpumask_first(cpu_online_mask), free_wipes, r), 0L);
	KUNIT_EXPECT_EQ(test, r->stale_in_place, 0U);
}

static void class_enable(void *cls)
{
	WRITE_ONCE(ka_class_states[(uintptr_t)cls].enabled, true);
}

/* The driver class switched off for this test, as +MRe false would. */
static void disable_driver_class(struct kunit *test)
{
	KUNIT_ASSERT_TRUE(test, ka_class_enabled(KA_CLASS_DRIVER));
	WRITE_ONCE(ka_class_states[KA_CLASS_DRIVER].enabled, false);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, class_enable,
							(void *)(uintptr_t)KA_CLASS_DRIVER), 0);
}

/* Neither allocator is handed the other's block. */
static void disabled_class_frees(struct kunit *test)
{
	struct ka_type *std = ka_test_type(test, "kunit_dis_std", KA_CLASS_STD);
	struct ka_type *drv = ka_test_type(test, "kunit_dis_drv", KA_CLASS_DRIVER);
	int *reports = ka_test_expect_reports(test);
	void *kept, *k;
	u8 *s;

	s = ka_alloc(std, 300, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	memset(s, 0x42, 300);
	disable_driver_class(test);
	k = ka_alloc(drv, 100, GFP_KERNEL);		/* from kmalloc now */
	KUNIT_ASSERT_NOT_NULL(test, k);

	ka_free(drv, s);		/* a live kalloc block: not for kfree() */
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_NULL(test, ka_realloc(drv, s, 600, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, *reports, 2);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(s, 0x42, 300));
	ka_free(std, k);		/* kmalloc'd: not a kalloc block */
	KUNIT_EXPECT_EQ(test, *reports, 3);

	ka_free(drv, k);
	ka_free(std, s);
	KUNIT_EXPECT_EQ(test, *reports, 3);
	ka_test_expect_all_consistent(test);

	/* kalloc.h promises up to KA_MAX_SIZE whatever serves the class. */
	kept = ka_alloc(drv, KA_MAX_SIZE, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NOT_NULL(test, kept);
	if (kept) {
		((u8 *)kept)[0] = 1;
		((u8 *)kept)[KA_MAX_SIZE - 1] = 2;
		ka_free(drv, kept);
	}
	KUNIT_EXPECT_NULL(test, ka_alloc(drv, KA_MAX_SIZE + 1, GFP_KERNEL));
	ka_vmem_flush();
}

struct sleepy_irq {
	struct hrtimer timer;
	struct ka_type *type;
	struct completion done;
	void *got, *got_atomic;
	bool in_irq;
};

static enum hrtimer_restart sleepy_alloc(struct hrtimer *t)
{
	struct sleepy_irq *a = container_of(t, struct sleepy_irq, timer);

	a->in_irq = in_hardirq();
	a->got = ka_alloc(a->type, 100, GFP_KERNEL);
	a->got_atomic = ka_alloc(a->type, 100, GFP_ATOMIC);
	complete(&a->done);
	return HRTIMER_NORESTART;
}

/*
 * GFP_KERNEL from hard-irq context is refused with a report, before any
 * lock; on PREEMPT_RT GFP_ATOMIC is too (kalloc's locks sleep there).
 */
static void sleeping_gfp_in_hardirq(struct kunit *test)
{
	struct sleepy_irq *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	static atomic_t reports;
	struct ka_type_totals sum;

	KUNIT_ASSERT_NOT_NULL(test, a);
	a->type = ka_test_type(test, "kunit_sleepy", KA_CLASS_STD);
	init_completion(&a->done);
	atomic_set(&reports, 0);
	ka_report_sink_set(&reports);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sink_off, NULL), 0);
	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	a->timer.function = sleepy_alloc;
	hrtimer_start(&a->timer, ns_to_ktime(100 * NSEC_PER_USEC), HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&a->done, 20 * HZ), 0UL);
	hrtimer_cancel(&a->timer);
	ka_report_sink_set(NULL);
	KUNIT_EXPECT_TRUE(test, a->in_irq);
	KUNIT_EXPECT_NULL(test, a->got);
	KUNIT_EXPECT_EQ(test, !a->got_atomic, IS_ENABLED(CONFIG_PREEMPT_RT));
	KUNIT_EXPECT_EQ(test, atomic_read(&reports), IS_ENABLED(CONFIG_PREEMPT_RT) ? 2 : 1);
	ka_type_sum(a->type, &sum);
	KUNIT_EXPECT_EQ(test, sum.failed, IS_ENABLED(CONFIG_PREEMPT_RT) ? 2ULL : 1ULL);
	ka_free(a->type, a->got);
	ka_free(a->type, a->got_atomic);
}

/* Names are one safe word: nothing a view prints can be forged by one. */
static void type_names_are_checked(struct kunit *test)
{
	static const char *const bad[] = {
		"adv\nfake std 1 0 0 1", "two words", "tab\there", "semi;colon", "slash/x",
		"[brackets]", "quote\"", "back\\slash", "ümlaut",
	};
	struct ka_type *t;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_PTR_EQ_MSG(test, ka_type_create(bad[i], KA_CLASS_STD),
					ERR_PTR(-EINVAL), "name %d", i);
	t = ka_type_create("Ok_name-1.2", KA_CLASS_STD);
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(t));
	if (!IS_ERR_OR_NULL(t))
		KUNIT_EXPECT_EQ(test, ka_type_destroy(t), 0);
}

/* A block whose origin no symbol covers (its module is gone) shows no address. */
static void unloaded_origin_has_no_address(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_gone", KA_CLASS_DRIVER);
	char *buf = kunit_kzalloc(test, 256 * 1024, GFP_KERNEL);
	/* A heap address: kallsyms finds no symbol there, as for unloaded code. */
	unsigned long gone = (unsigned long)buf + 64;
	char *row;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	p = ka_cpu_alloc_in(&ka_class_states[KA_CLASS_DRIVER], 100, t->id, gone, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ka_inst_block_origin(p), gone);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("allocations", buf, 256 * 1024), 0L);
	row = strstr(buf, "kunit_gone ");
	KUNIT_EXPECT_NOT_NULL(test, row);
	if (row) {
		row[strcspn(row, "\n")] = '\0';
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(row, " [unloaded] [unloaded] "), "%s", row);
		KUNIT_EXPECT_NULL_MSG(test, strstr(row, "0x"), "%s", row);
	}
	ka_cpu_free(p);
}

static struct kunit_case misuse_cases[] = {
	KUNIT_CASE(verify_pointers_agrees),
	KUNIT_CASE(table_misses_end_with_their_carrier),
	KUNIT_CASE(gfp_as_kmalloc_users_expect),
	KUNIT_CASE(zero_size_as_kmalloc),
	KUNIT_CASE(nofail_as_kmalloc),
	KUNIT_CASE(realloc_zeroes_what_it_gains),
	KUNIT_CASE(init_on_free_wipes),
	KUNIT_CASE(double_free_while_queued),
	KUNIT_CASE(owner_free_after_remote_free),
	KUNIT_CASE(owner_realloc_after_remote_free),
	KUNIT_CASE(realloc_after_free),
	KUNIT_CASE(two_cpus_free_one_block),
	KUNIT_CASE(forged_interior_pointer),
	KUNIT_CASE(foreign_page_beside_carriers),
	KUNIT_CASE(misuse_is_reported_not_warned),
	KUNIT_CASE(disabled_class_frees),
	KUNIT_CASE(sleeping_gfp_in_hardirq),
	KUNIT_CASE(type_names_are_checked),
	KUNIT_CASE(unloaded_origin_has_no_address),
	{}
};

struct kunit_suite ka_test_misuse_suite = {
	.name = "kalloc_misuse",
	.test_cases = misuse_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_misuse_suite);
