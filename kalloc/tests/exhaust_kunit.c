// SPDX-License-Identifier: GPL-2.0
/*
 * Memory exhaustion with the flags drivers pass.
 * Run in a guest of its own with little memory (scripts/check.sh): each case
 * allocates until kalloc answers NULL, then checks that the failure was
 * counted, every block is intact, and every block goes back. The OOM killer
 * must not run: kmalloc does not call it for these flags, and the harness
 * counts its report as a splat. The same loop over kmalloc is timed and
 * counted beside it for the record (Documentation/api.rst).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/mm.h>

#include "ka_test.h"
#include "../internal.h"
#include "../sources/pages.h"
#include "../reclaim.h"
#include "../sources/seg.h"
#include "../stats.h"

#define EXHAUST_CAP	(4UL << 30)	/* far more than the guest has */

/*
 * Flags that retry hard (__GFP_RETRY_MAYFAIL, which kalloc also adds above
 * the costly order) reclaim for seconds once memory is empty, and any other
 * GFP_KERNEL allocation in the guest meanwhile (kthreadd forking a worker)
 * calls the OOM killer, whoever holds the memory. Those loops stop at
 * @hard_budget, all the memory free when the suite started but 96 MiB (room
 * for kalloc's carriers around the blocks and for the rest of the guest),
 * having taken it without an OOM kill; the others run until NULL.
 */
#define EXHAUST_RESERVE		(96UL << 20)
static size_t hard_budget;

static int exhaust_suite_init(struct kunit_suite *suite)
{
	size_t free = global_zone_page_state(NR_FREE_PAGES) * PAGE_SIZE;

	hard_budget = free > 2 * EXHAUST_RESERVE ? free - EXHAUST_RESERVE : free / 2;
	return 0;
}

struct exhaust_case {
	const char *name;
	gfp_t gfp;
	size_t size;
	bool nofs_scope;	/* GFP_KERNEL inside memalloc_nofs_save() */
};

enum { NORETRY_256K, MAYFAIL_256K, NOWAIT_256K, KERNEL_1M, NOFS_4K, NOIO_64K, NOFS_SCOPE_2000 };

static const struct exhaust_case exhaust_cases[] = {
	[NORETRY_256K] = { "kernel_noretry_256k", GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
			   256 * 1024 },
	[MAYFAIL_256K] = { "kernel_mayfail_256k", GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN,
			   256 * 1024 },
	[NOWAIT_256K] = { "nowait_256k", GFP_NOWAIT | __GFP_NOWARN, 256 * 1024 },
	[KERNEL_1M] = { "kernel_1m", GFP_KERNEL | __GFP_NOWARN, 1024 * 1024 },
	[NOFS_4K] = { "nofs_noretry_4k", GFP_NOFS | __GFP_NORETRY | __GFP_NOWARN, 4096 },
	[NOIO_64K] = { "noio_mayfail_64k", GFP_NOIO | __GFP_RETRY_MAYFAIL | __GFP_NOWARN,
		       64 * 1024 },
	[NOFS_SCOPE_2000] = { "nofs_scope_noretry_2000", GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
			      2000, true },
};

/* Blocks are chained through their first word; the second holds a check value. */
struct chain {
	struct chain *next;
	unsigned long check;
};

struct exhaust_run {
	unsigned long blocks;
	size_t bytes;
	s64 ms;
	bool capped;
	bool reserve;		/* stopped at hard_budget, no NULL */
};

typedef void *(*alloc_fn)(void *arg, size_t size, gfp_t gfp);
typedef void (*free_fn)(void *arg, void *p);

static bool retries_hard(const struct exhaust_case *c)
{
	if (c->gfp & __GFP_RETRY_MAYFAIL)
		return true;
	return gfpflags_allow_blocking(c->gfp) && !(c->gfp & __GFP_NORETRY) &&
	       c->size > (PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER);
}

/* What the last loop freed is back: carriers after their grace period, vfrees done. */
static void settle(void)
{
	rcu_barrier();
	ka_vmem_flush();
	msleep(100);
}

static struct chain *fill(alloc_fn alloc, void *arg, const struct exhaust_case *c,
			  struct exhaust_run *run)
{
	struct chain *head = NULL, *b;
	unsigned int nofs = 0;
	ktime_t t0;

	settle();
	t0 = ktime_get();

	if (c->nofs_scope)
		nofs = memalloc_nofs_save();
	while (run->bytes < EXHAUST_CAP) {
		if (retries_hard(c) && run->bytes + c->size > hard_budget) {
			run->reserve = true;
			break;
		}
		b = alloc(arg, c->size, c->gfp);
		if (!b)
			break;
		b->next = head;
		b->check = (unsigned long)b ^ c->size;
		((u8 *)b)[c->size - 1] = 0x5a;
		head = b;
		run->blocks++;
		run->bytes += c->size;
		if (gfpflags_allow_blocking(c->gfp))
			cond_resched();
	}
	if (c->nofs_scope)
		memalloc_nofs_restore(nofs);
	run->capped = run->bytes >= EXHAUST_CAP;
	run->ms = ktime_ms_delta(ktime_get(), t0);
	return head;
}

/* Frees the chain; the number of blocks found damaged. */
static unsigned long drain_chain(free_fn free, void *arg, const struct exhaust_case *c,
				 struct chain *b)
{
	unsigned long bad = 0;
	struct chain *next;

	for (; b; b = next) {
		next = b->next;
		if (b->check != ((unsigned long)b ^ c->size) || ((u8 *)b)[c->size - 1] != 0x5a)
			bad++;
		free(arg, b);
	}
	return bad;
}

static void *by_kalloc(void *type, size_t size, gfp_t gfp)
{
	return ka_alloc(type, size, gfp);
}

static void free_kalloc(void *type, void *p)
{
	ka_free(type, p);
}

static void *by_kmalloc(void *unused, size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp);
}

static void free_kmalloc(void *unused, void *p)
{
	kfree(p);
}

static void until_null(struct kunit *test, const struct exhaust_case *c)
{
	struct exhaust_run ka = {}, km = {};
	struct ka_type_totals before, after;
	struct ka_type *type;
	struct chain *head;

	type = ka_type_create("kunit_exhaust", KA_CLASS_STD);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(type));

	ka_type_sum(type, &before);
	head = fill(by_kalloc, type, c, &ka);
	KUNIT_EXPECT_FALSE_MSG(test, ka.capped, "no NULL before %lu bytes", EXHAUST_CAP);
	KUNIT_EXPECT_GT(test, ka.blocks, 0UL);
	ka_type_sum(type, &after);
	KUNIT_EXPECT_EQ(test, after.failed - before.failed, ka.reserve ? 0ULL : 1ULL);
	/* With flags that retry hard, vmalloc serves carriers while memory lasts. */
	if (retries_hard(c))
		KUNIT_EXPECT_TRUE_MSG(test, ka.reserve, "NULL after %zu of %zu MiB", ka.bytes >> 20,
				      hard_budget >> 20);
	KUNIT_EXPECT_EQ(test, drain_chain(free_kalloc, type, c, head), 0UL);
	ka_type_sum(type, &after);
	KUNIT_EXPECT_EQ(test, after.allocs, after.frees);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);

	head = fill(by_kmalloc, NULL, c, &km);
	KUNIT_EXPECT_EQ(test, drain_chain(free_kmalloc, NULL, c, head), 0UL);
	/*
	 * Not far short of kmalloc: a class whose usual carriers cannot be had
	 * with these flags falls back to carriers as small as the block.
	 */
	KUNIT_EXPECT_GE_MSG(test, ka.bytes * 4, km.bytes, "kalloc %zu bytes, kmalloc %zu",
			    ka.bytes, km.bytes);
	kunit_info(test, "%s: kalloc %lu blocks (%zu MiB) in %lld ms%s; kmalloc %lu blocks (%zu MiB) in %lld ms%s\n",
		   c->name, ka.blocks, ka.bytes >> 20, ka.ms, ka.reserve ? " (reserve)" : "",
		   km.blocks, km.bytes >> 20, km.ms, km.reserve ? " (reserve)" : "");
}

static void kernel_noretry_256k(struct kunit *test)
{
	until_null(test, &exhaust_cases[NORETRY_256K]);
}

static void kernel_mayfail_256k(struct kunit *test)
{
	until_null(test, &exhaust_cases[MAYFAIL_256K]);
}

static void nowait_256k(struct kunit *test)
{
	until_null(test, &exhaust_cases[NOWAIT_256K]);
}

static void kernel_1m(struct kunit *test)
{
	until_null(test, &exhaust_cases[KERNEL_1M]);
}

static void nofs_noretry_4k(struct kunit *test)
{
	until_null(test, &exhaust_cases[NOFS_4K]);
}

static void noio_mayfail_64k(struct kunit *test)
{
	until_null(test, &exhaust_cases[NOIO_64K]);
}

static void nofs_scope_noretry_2000(struct kunit *test)
{
	until_null(test, &exhaust_cases[NOFS_SCOPE_2000]);
}

/* ---- memory pressure: the shrinker gives back what kalloc holds beyond its blocks ---- */

#define PR_BLOCKS	8000

struct pressure {
	struct ka_type *type;
	void *p[PR_BLOCKS];
	bool freed;
};

static size_t pr_size(unsigned int i)
{
	return 200 + (i * 2654435761U) % (8192 - 200 + 1);
}

/* On CPU 0: the blocks, then every other run of five freed (half: above acful). */
static long pressure_work(void *arg)
{
	struct pressure *pr = arg;
	unsigned int i;

	if (pr->freed) {
		for (i = 0; i < PR_BLOCKS; i++)
			if (pr->p[i])
				ka_free(pr->type, pr->p[i]);
		return 0;
	}
	for (i = 0; i < PR_BLOCKS; i++) {
		pr->p[i] = ka_alloc(pr->type, pr_size(i), GFP_KERNEL);
		if (!pr->p[i])
			return -ENOMEM;
		memset(pr->p[i], (u8)i, pr_size(i));
	}
	for (i = 0; i < PR_BLOCKS; i++)
		if (!((i / 5) % 2)) {
			ka_free(pr->type, pr->p[i]);
			pr->p[i] = NULL;
		}
	pr->freed = true;
	return 0;
}

/*
 * What CPU 0's buffer instance holds beyond its blocks: resident less block
 * bytes, in the carriers it employs and those it owns in the pool.
 */
static u64 held_beyond_blocks(void)
{
	struct ka_inst_stats st;
	struct ka_pcpu_counts dd;

	ka_stats_instance(KA_CLASS_BUFFER, 0, &st, &dd);
	return st.mbc.carriers_size.cur - st.mbc.given_back.cur - st.mbc.blocks_size.cur +
	       dd.pooled_carriers_size - dd.pooled_given_back - dd.pooled_blocks_size;
}

/*
 * A balloon of pages until the page allocator fails (NORETRY: reclaim runs,
 * the OOM killer does not): kalloc's shrinker runs and gives back the free
 * pages of carriers acful left alone (half of the blocks freed, in runs),
 * while every live block keeps its bytes.
 */
static void pressure_gives_back_free_pages(struct kunit *test)
{
	struct pressure *pr = kunit_kzalloc(test, sizeof(*pr), GFP_KERNEL);
	struct ka_reclaim_stats r0, r1;
	struct ka_seg_stats s0, s1;
	struct page *page, *next;
	LIST_HEAD(balloon);
	u64 before, after;
	unsigned long pages = 0;
	unsigned int i, bad = 0, fails = 0;

	KUNIT_ASSERT_NOT_NULL(test, pr);
	pr->type = ka_type_create("kunit_pressure", KA_CLASS_BUFFER);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pr->type));
	ka_seg_stats_read(&ka_seg_global, &s0);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, pressure_work, pr), 0L);
	ka_seg_stats_read(&ka_seg_global, &s1);
	before = held_beyond_blocks();
	ka_reclaim_stats_read(&r0);

	/* each failure is one more round of reclaim: the balloon stops after many */
	while (fails < 64) {
		page = alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
		if (!page) {
			fails++;
			cond_resched();
			continue;
		}
		list_add(&page->lru, &balloon);
		pages++;
	}
	after = held_beyond_blocks();
	ka_reclaim_stats_read(&r1);
	list_for_each_entry_safe(page, next, &balloon, lru)
		__free_page(page);

	kunit_info(test, "carriers made: %llu from the page allocator, %llu from vmalloc\n",
		   s1.page_segments - s0.page_segments, s1.vmalloc_segments - s0.vmalloc_segments);
	kunit_info(test, "balloon %lu MiB; beyond blocks %llu KiB before, %llu KiB after; %llu scans, %llu free pages and %llu segment pages given back\n",
		   pages >> (20 - PAGE_SHIFT), before >> 10, after >> 10, r1.scans - r0.scans,
		   r1.free_pages - r0.free_pages, r1.seg_pages - r0.seg_pages);
	KUNIT_EXPECT_GT(test, r1.scans, r0.scans);
	KUNIT_EXPECT_GT(test, r1.free_pages, r0.free_pages);
	KUNIT_EXPECT_LT(test, after * 100, before * 40);
	for (i = 0; i < PR_BLOCKS; i++)
		bad += pr->p[i] && memchr_inv(pr->p[i], (u8)i, pr_size(i));
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, work_on_cpu(0, pressure_work, pr), 0L);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(pr->type), 0);
}

static struct kunit_case exhaust_kunit_cases[] = {
	/* first: the others leave memory fragmented, and carriers lean (sources.rst) */
	KUNIT_CASE_SLOW(pressure_gives_back_free_pages),
	KUNIT_CASE_SLOW(kernel_noretry_256k),
	KUNIT_CASE_SLOW(kernel_mayfail_256k),
	KUNIT_CASE_SLOW(nowait_256k),
	KUNIT_CASE_SLOW(kernel_1m),
	KUNIT_CASE_SLOW(nofs_noretry_4k),
	KUNIT_CASE_SLOW(noio_mayfail_64k),
	KUNIT_CASE_SLOW(nofs_scope_noretry_2000),
	{}
};

struct kunit_suite ka_test_exhaust_suite = {
	.name = "kalloc_exhaust",
	.suite_init = exhaust_suite_init,
	.test_cases = exhaust_kunit_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_exhaust_suite);
