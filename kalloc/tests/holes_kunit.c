// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of free pages going back (kalloc/core/hole.h): pages inside the
 * free blocks of a carrier used below acful go back to the page allocator
 * while every live block keeps its bytes, the carrier takes blocks again
 * around its holes, a carrier dropping below acful gives back what it
 * already had free, a vmalloc carrier keeps its pages, an empty carrier
 * with holes goes back whole, a page goes only after the grace period of
 * the lookups that may read its struct page, and a pointer into a page
 * given back is not kalloc's any more.
 */
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include "ka_test.h"
#include "../pcpu/pcpu.h"
#include "../core/hole.h"
#include "../internal.h"
#include "../sources/pages.h"
#include "../reclaim.h"
#include "../pcpu/registry.h"
#include "../sources/seg.h"

#define NBLK	240

struct hole_inst {
	struct ka_instance inst;
	struct ka_seg seg;
	struct ka_seg_handle segh;
	struct ka_sys sys;
	struct ka_sys_handle sysh;
};

static void hole_inst_destroy(void *arg)
{
	struct hole_inst *hi = arg;

	ka_inst_destroy(&hi->inst);
	synchronize_rcu();
	ka_seg_destroy(&hi->seg);
}

/* An instance on the real segment source (page-allocator carriers, no cache) with @acful. */
static struct hole_inst *hole_inst_new(struct kunit *test, unsigned int acful, size_t mbcs)
{
	struct hole_inst *hi = kunit_kzalloc(test, sizeof(*hi), GFP_KERNEL);
	struct ka_seg_params sp;
	struct ka_params p;

	KUNIT_ASSERT_NOT_NULL(test, hi);
	ka_seg_params_default(&sp);
	sp.mcs = 0;
	KUNIT_ASSERT_EQ(test, ka_seg_init(&hi->seg, &sp), 0);
	ka_seg_handle_init(&hi->segh, &hi->seg, NUMA_NO_NODE);
	ka_sys_init(&hi->sys);
	ka_sys_handle_init(&hi->sysh, &hi->sys, NUMA_NO_NODE);
	ka_test_params(&p, KA_AS_BF);
	p.mmbcs = 0;
	p.smbcs = mbcs;
	p.lmbcs = mbcs;
	p.acul = 0;
	p.acful = acful;
	KUNIT_ASSERT_EQ(test, ka_inst_init(&hi->inst, &p, &hi->segh.src, &hi->sysh.src,
					   GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, hole_inst_destroy, hi), 0);
	return hi;
}

static size_t blk_size(unsigned int i)
{
	return 2048 + (i * 2654435761U) % (12 * 1024);
}

static void fill(void *p, unsigned int i)
{
	memset(p, (u8)(i * 7 + 1), blk_size(i));
}

static bool intact(const void *p, unsigned int i)
{
	return !memchr_inv(p, (u8)(i * 7 + 1), blk_size(i));
}

/* Calls @fn on every hole of @inst's multiblock carriers; returns their bytes. */
static size_t walk_holes(struct ka_instance *inst,
			 void (*fn)(const struct ka_block *h, void *arg), void *arg)
{
	const struct ka_block *b;
	struct ka_carrier *c;
	size_t bytes = 0;

	list_for_each_entry(c, &inst->mbcs, link)
		for (b = ka_crr_first(c); b; b = ka_blk_last(b) ? NULL : ka_blk_next(b))
			if (ka_blk_hole(b)) {
				bytes += ka_hole_end(b) - ka_hole_first(b);
				if (fn)
					fn(b, arg);
			}
	return bytes;
}

struct page_count {
	unsigned long pages, free;
};

/* A page given back has no user left: the page allocator holds it, or someone new does. */
static void count_free_pages(const struct ka_block *h, void *arg)
{
	struct page_count *pc = arg;
	unsigned long a;

	for (a = ka_hole_first(h); a < ka_hole_end(h); a += PAGE_SIZE) {
		pc->pages++;
		pc->free += !page_ref_count(virt_to_page((void *)a));
	}
}

struct overlap {
	void **p;
	unsigned int n;
	unsigned int hits;
};

static void count_overlaps(const struct ka_block *h, void *arg)
{
	struct overlap *o = arg;
	unsigned int i;

	for (i = 0; i < o->n; i++) {
		unsigned long s = (unsigned long)o->p[i], e = s + blk_size(i);

		if (o->p[i] && s < ka_hole_end(h) && e > ka_hole_first(h))
			o->hits++;
	}
}

static u64 seg_segments(struct ka_seg *seg, u64 *given)
{
	struct ka_seg_stats st;

	ka_seg_stats_read(seg, &st);
	*given = st.given_back;
	return st.segments;
}

/*
 * Four in five blocks freed: the pages inside the free space go back, the
 * live blocks keep every byte, and the carrier's resident size follows.
 * Allocating again fills the space around the holes and new carriers, never
 * a hole; freeing everything gives every carrier back.
 */
static void pages_go_back_and_blocks_stay(struct kunit *test)
{
	struct hole_inst *hi = hole_inst_new(test, 50, 1024 * 1024);
	struct ka_instance *inst = &hi->inst;
	void **p = kunit_kcalloc(test, 2 * NBLK, sizeof(void *), GFP_KERNEL);
	struct ka_carrier_stats *cs = &inst->st.mbc;
	struct page_count pc = {};
	struct overlap ov = {};
	u64 free_bytes, given, seg_given;
	unsigned int i, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < NBLK; i++) {
		p[i] = ka_inst_alloc(inst, blk_size(i), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		fill(p[i], i);
	}
	KUNIT_EXPECT_EQ(test, cs->given_back.cur, 0ULL);
	/* a lookup may be reading their struct pages: none goes before it ends */
	rcu_read_lock();
	for (i = 0; i < NBLK; i++)
		if ((i * 40503U) % 5) {
			ka_inst_free(inst, p[i]);
			p[i] = NULL;
		}
	walk_holes(inst, count_free_pages, &pc);
	rcu_read_unlock();
	KUNIT_EXPECT_GT(test, pc.pages, 0UL);
	KUNIT_EXPECT_EQ(test, pc.free, 0UL);
	rcu_barrier();
	pc = (struct page_count){};
	KA_EXPECT_CONSISTENT(test, inst);
	for (i = 0; i < NBLK; i++)
		bad += p[i] && !intact(p[i], i);
	KUNIT_EXPECT_EQ(test, bad, 0U);

	given = cs->given_back.cur;
	free_bytes = cs->carriers_size.cur - cs->blocks_size.cur;
	KUNIT_EXPECT_EQ(test, walk_holes(inst, count_free_pages, &pc), given);
	/* runs of 2-14 KiB blocks, a fifth of them live: most free bytes are whole pages */
	KUNIT_EXPECT_GT_MSG(test, given * 100, free_bytes * 60,
			    "given back %llu of %llu free bytes", given, free_bytes);
	KUNIT_EXPECT_EQ(test, inst->st.holes_bytes, given);
	KUNIT_EXPECT_GE(test, pc.free * 10, pc.pages * 9);
	KUNIT_EXPECT_EQ(test, seg_segments(&hi->seg, &seg_given), cs->carriers.cur);
	KUNIT_EXPECT_EQ(test, seg_given, given);
	kunit_info(test, "%llu KiB carriers, %llu KiB given back, %llu KiB live, %llu holes\n",
		   cs->carriers_size.cur >> 10, given >> 10, cs->blocks_size.cur >> 10,
		   inst->st.holes_made);

	/* a second round of blocks: never in a hole, contents of all intact */
	for (i = NBLK; i < 2 * NBLK; i++) {
		p[i] = ka_inst_alloc(inst, blk_size(i), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		fill(p[i], i);
	}
	ov.p = p;
	ov.n = 2 * NBLK;
	walk_holes(inst, count_overlaps, &ov);
	KUNIT_EXPECT_EQ(test, ov.hits, 0U);
	for (i = 0, bad = 0; i < 2 * NBLK; i++)
		bad += p[i] && !intact(p[i], i);
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KA_EXPECT_CONSISTENT(test, inst);

	for (i = 0; i < 2 * NBLK; i++)
		if (p[i])
			ka_inst_free(inst, p[i]);
	KA_EXPECT_CONSISTENT(test, inst);
	KUNIT_EXPECT_EQ(test, cs->carriers.cur, 0ULL);
	KUNIT_EXPECT_EQ(test, cs->given_back.cur, 0ULL);
	synchronize_rcu();
	KUNIT_EXPECT_EQ(test, seg_segments(&hi->seg, &seg_given), 0ULL);
	KUNIT_EXPECT_EQ(test, seg_given, 0ULL);
}

/*
 * Large blocks freed while the carrier is still well used keep their pages;
 * the free that takes it below acful gives them back too, in one sweep.
 */
static void crossing_acful_sweeps_older_free_blocks(struct kunit *test)
{
	struct hole_inst *hi = hole_inst_new(test, 40, 512 * 1024);
	struct ka_instance *inst = &hi->inst;
	void *p[48];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = ka_inst_alloc(inst, 8000, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_ASSERT_EQ(test, inst->st.mbc.carriers.cur, 1ULL);
	inst->abandon_holdoff = 0;	/* allocation is not ramping up */
	/* every third block: isolated free blocks of a page and more, 2/3 still used */
	for (i = 0; i < ARRAY_SIZE(p); i += 3) {
		ka_inst_free(inst, p[i]);
		p[i] = NULL;
	}
	KUNIT_EXPECT_EQ(test, inst->st.mbc.given_back.cur, 0ULL);
	/* the rest of the last two thirds, until below 40 % of the carrier */
	for (i = 1; i < ARRAY_SIZE(p) && inst->st.mbc.given_back.cur == 0; i += 3) {
		ka_inst_free(inst, p[i]);
		p[i] = NULL;
	}
	/* the sweep reached the blocks freed first: at least a page of each of 16 */
	KUNIT_EXPECT_GE(test, inst->st.holes_made, 16ULL);
	KUNIT_EXPECT_EQ(test, walk_holes(inst, NULL, NULL), inst->st.mbc.given_back.cur);
	KA_EXPECT_CONSISTENT(test, inst);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		if (p[i])
			ka_inst_free(inst, p[i]);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 0ULL);
}

/*
 * A free that takes a carrier below acful starts a sweep of its older free
 * blocks, but walks at most KA_HOLD_WORK blocks (interrupts are off): the
 * sweep stops there, and the next frees into the carrier go on with it.
 */
#define SWEEP_BLOCKS	3900	/* 1 KiB blocks: 97 % of a 4 MiB carrier */

static void one_free_sweeps_a_bounded_stretch(struct kunit *test)
{
	struct hole_inst *hi = hole_inst_new(test, 40, 4 << 20);
	struct ka_instance *inst = &hi->inst;
	unsigned int i, j, groups = 0, holes_first;
	struct ka_carrier *c;
	void **p;

	p = kunit_kcalloc(test, SWEEP_BLOCKS, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < SWEEP_BLOCKS; i++) {
		p[i] = ka_inst_alloc(inst, 1024, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_ASSERT_EQ(test, inst->st.mbc.carriers.cur, 1ULL);
	c = list_first_entry(&inst->mbcs, struct ka_carrier, link);
	inst->abandon_holdoff = 0;
	/* eight of every sixteen: free runs of two pages, half of the carrier still used */
	for (i = 0; i + 16 <= SWEEP_BLOCKS; i += 16) {
		for (j = i; j < i + 8; j++) {
			ka_inst_free(inst, p[j]);
			p[j] = NULL;
		}
		groups++;
	}
	KUNIT_ASSERT_EQ(test, inst->st.mbc.given_back.cur, 0ULL);
	/* then blocks from the end, until the carrier falls below acful */
	for (i = SWEEP_BLOCKS; i-- > 0 && !inst->st.holes_made;) {
		if (!p[i])
			continue;
		ka_inst_free(inst, p[i]);
		p[i] = NULL;
	}
	holes_first = inst->st.holes_made;
	KUNIT_EXPECT_GT(test, holes_first, 0U);
	/* the one free walked at most KA_HOLD_WORK blocks: not every group */
	KUNIT_EXPECT_LT(test, holes_first, groups / 2);
	KUNIT_EXPECT_NE(test, c->sweep_at, 0UL);
	KA_EXPECT_CONSISTENT(test, inst);
	/* the next frees go on with the sweep until it reached the end */
	for (i = 0; i < SWEEP_BLOCKS && c->sweep_at; i++) {
		if (!p[i])
			continue;
		ka_inst_free(inst, p[i]);
		p[i] = NULL;
	}
	KUNIT_EXPECT_EQ(test, c->sweep_at, 0UL);
	KUNIT_EXPECT_GE(test, inst->st.holes_made, (u64)groups / 2);
	KUNIT_EXPECT_EQ(test, walk_holes(inst, NULL, NULL), inst->st.mbc.given_back.cur);
	KA_EXPECT_CONSISTENT(test, inst);
	for (i = 0; i < SWEEP_BLOCKS; i++)
		if (p[i])
			ka_inst_free(inst, p[i]);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 0ULL);
}

/*
 * A carrier still being filled is below acful with its free end yet to be
 * used: frees while allocation ramps up (erts's abandon hold-off) give
 * nothing back, the same frees afterwards do.
 */
static void ramping_up_keeps_pages(struct kunit *test)
{
	struct hole_inst *hi = hole_inst_new(test, 40, 512 * 1024);
	struct ka_instance *inst = &hi->inst;
	void *p[10];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = ka_inst_alloc(inst, 8000, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	ka_inst_free(inst, p[2]);
	ka_inst_free(inst, p[ARRAY_SIZE(p) - 1]);	/* joins the carrier's free end */
	KUNIT_EXPECT_GT(test, inst->abandon_holdoff, 0U);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.given_back.cur, 0ULL);
	inst->abandon_holdoff = 0;
	ka_inst_free(inst, p[5]);
	/* the sweep: the three free blocks and the carrier's free end */
	KUNIT_EXPECT_GT(test, inst->st.mbc.given_back.cur, 400ULL * 1024);
	KA_EXPECT_CONSISTENT(test, inst);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		if (i != 2 && i != 5 && i != ARRAY_SIZE(p) - 1)
			ka_inst_free(inst, p[i]);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 0ULL);
}

/*
 * A vmalloc carrier cannot give pages back: it says so once and keeps them.
 * So a class with acful takes a lean page-allocator carrier where one
 * without would take a vmalloc one.
 */
static void vmalloc_carrier_keeps_its_pages(struct kunit *test)
{
	struct hole_inst *hi = hole_inst_new(test, 0, 2 * KA_PAGES_MAX);
	struct hole_inst *pages = hole_inst_new(test, 90, 2 * KA_PAGES_MAX);
	struct ka_instance *inst = &hi->inst;
	struct ka_carrier *c;
	void *p[16], *q;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = ka_inst_alloc(inst, 60000, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	c = list_first_entry(&inst->mbcs, struct ka_carrier, link);
	KUNIT_ASSERT_TRUE(test, is_vmalloc_addr(c));
	inst->p.acful = 90;
	inst->abandon_holdoff = 0;
	for (i = 0; i < ARRAY_SIZE(p); i += 2)
		ka_inst_free(inst, p[i]);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.given_back.cur, 0ULL);
	KUNIT_EXPECT_TRUE(test, c->flags & KA_CRR_KEEPS);
	KA_EXPECT_CONSISTENT(test, inst);
	for (i = 1; i < ARRAY_SIZE(p); i += 2)
		ka_inst_free(inst, p[i]);

	/* the same request with acful from the start: a lean page carrier */
	q = ka_inst_alloc(&pages->inst, 60000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_FALSE(test, is_vmalloc_addr(q));
	KUNIT_EXPECT_LT(test, ka_blk_carrier(ka_payload_blk(q))->size, (size_t)KA_PAGES_MAX);
	ka_inst_free(&pages->inst, q);
	ka_vmem_flush();
}

struct pcpu_run {
	struct ka_type *type;
	void *p[NBLK];
	unsigned int not_ours, live_ours, bad, named, named_gone;
	bool freed;
};

static bool page_names_any(const void *p)
{
	bool named;

	rcu_read_lock();
	named = ka_page_carrier(p);
	rcu_read_unlock();
	return named;
}

/* On one CPU: allocate, free four in five, then ask about the freed addresses. */
static long pcpu_holes(void *arg)
{
	struct pcpu_run *r = arg;
	unsigned int i;
	unsigned long a;

	if (!r->freed) {
		for (i = 0; i < NBLK; i++) {
			r->p[i] = ka_alloc(r->type, blk_size(i), GFP_KERNEL);
			if (r->p[i])
				fill(r->p[i], i);
		}
		for (i = 0; i < NBLK; i++)
			if ((i * 40503U) % 5 && r->p[i]) {
				/* remember where it was: the address is asked about below */
				void *was = r->p[i];

				ka_free(r->type, was);
				r->p[i] = (void *)((unsigned long)was | 1);
			}
		r->freed = true;
		return 0;
	}
	for (i = 0; i < NBLK; i++) {
		if (!((unsigned long)r->p[i] & 1)) {
			r->live_ours += r->p[i] && ka_test_is_kalloc(r->p[i]);
			r->bad += r->p[i] && !intact(r->p[i], i);
			r->named += r->p[i] && ka_test_page_names_block(r->p[i]);
			continue;
		}
		a = PAGE_ALIGN((unsigned long)r->p[i]);
		if (!ka_test_is_kalloc((void *)a)) {
			r->not_ours++;
			r->named_gone += page_names_any((void *)a);
			/* a page given back: freeing a pointer into it is refused, nothing else */
			ka_free_any((void *)a);
			ka_free(r->type, (void *)a);
		}
	}
	return 0;
}

/*
 * Through the per-CPU layer: pages given back are not kalloc's any more
 * (the registry says so, and freeing a pointer there is a misuse report,
 * not a free), while every live block is kalloc's and intact, under KASAN.
 */
static void pointer_into_given_back_page_is_not_kalloc(struct kunit *test)
{
	struct pcpu_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	static atomic_t reports;
	unsigned int i, live = 0;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->type = ka_test_type(test, "kunit_holes", KA_CLASS_BUFFER);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, pcpu_holes, r), 0L);
	/* the reports come from a worker: counted wherever they are made */
	atomic_set(&reports, 0);
	ka_report_sink_set(&reports);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, pcpu_holes, r), 0L);
	ka_report_sink_set(NULL);
	for (i = 0; i < NBLK; i++)
		live += r->p[i] && !((unsigned long)r->p[i] & 1);
	KUNIT_EXPECT_EQ(test, r->live_ours, live);
	KUNIT_EXPECT_EQ(test, r->bad, 0U);
	KUNIT_EXPECT_GT(test, r->not_ours, 0U);
	/* page-allocator carriers: each live block's page names its carrier, a gone one none */
	KUNIT_EXPECT_EQ(test, r->named, live);
	KUNIT_EXPECT_EQ(test, r->named_gone, 0U);
	/* each address twice: by ka_free_any() and by ka_free() of the type */
	KUNIT_EXPECT_EQ(test, atomic_read(&reports), 2 * (int)r->not_ours);
	ka_test_expect_all_consistent(test);
	for (i = 0; i < NBLK; i++)
		if (r->p[i] && !((unsigned long)r->p[i] & 1))
			ka_free(r->type, r->p[i]);
}

/* Gives nothing back for real: the test may still write into its holes. */
static bool pretend_give_back(struct ka_source *src, struct ka_carrier *c, unsigned long start,
			      unsigned long end)
{
	return true;
}

static void pretend_free_holed(struct ka_source *src, struct ka_carrier *c)
{
	src->free(src, c, c->size);
}

struct nested {
	struct ka_carrier *outer, *inner;
	bool outer_in, inner_in;
};

static void nested_del(void *arg)
{
	struct nested *n = arg;

	if (n->inner_in)
		ka_registry_del(n->inner);
	if (n->outer_in)
		ka_registry_del(n->outer);
	ka_registry_set_verify(false);
	synchronize_rcu();
}

static void note_hole(const struct ka_block *h, void *arg)
{
	unsigned long *range = arg;

	if (ka_hole_end(h) - ka_hole_first(h) > range[1] - range[0]) {
		range[0] = ka_hole_first(h);
		range[1] = ka_hole_end(h);
	}
}

/*
 * The page allocator may give pages a carrier gave back to a new carrier:
 * the registry then knows each address's carrier, by table and by tree, and
 * the first carrier's release leaves the second one's entries alone. The
 * "new carrier" is a header written into a hole whose pages the test
 * source only pretended to give back.
 */
static void carrier_in_another_ones_hole(struct kunit *test)
{
	struct nested *n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);
	int *reports = ka_test_expect_reports(test);
	unsigned long range[2] = { 0, 0 }, g;
	struct ka_test_inst *ti;
	struct ka_params p;
	void *blk[30];
	unsigned int i, n_in;

	KUNIT_ASSERT_NOT_NULL(test, n);
	ka_test_params(&p, KA_AS_BF);
	p.mmbcs = 0;
	p.smbcs = 256 * 1024;
	p.lmbcs = 256 * 1024;
	p.acful = 90;
	ti = ka_test_inst_new(test, &p);
	ti->seg.src.give_back = pretend_give_back;
	ti->seg.src.free_holed = pretend_free_holed;
	for (i = 0; i < ARRAY_SIZE(blk); i++) {
		blk[i] = ka_inst_alloc(&ti->inst, 8000, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, blk[i]);
	}
	ti->inst.abandon_holdoff = 0;
	n->outer = ka_blk_carrier(ka_payload_blk(blk[0]));
	/* the blocks the first carrier took: all but the first and last of them go */
	for (n_in = 1; n_in < ARRAY_SIZE(blk) &&
	     ka_blk_carrier(ka_payload_blk(blk[n_in])) == n->outer; n_in++)
		;
	KUNIT_ASSERT_GE(test, n_in, 16U);
	for (i = 1; i < n_in - 1; i++)
		ka_inst_free(&ti->inst, blk[i]);
	walk_holes(&ti->inst, note_hole, range);
	g = ALIGN(range[0], KA_CARRIER_ALIGN);
	KUNIT_ASSERT_LE(test, g + 2 * KA_CARRIER_ALIGN, range[1]);

	n->inner = (struct ka_carrier *)g;
	memset(n->inner, 0, sizeof(*n->inner));
	n->inner->size = 2 * KA_CARRIER_ALIGN - PAGE_SIZE;
	ka_crr_layout(n->inner);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, nested_del, n), 0);
	ka_registry_set_verify(true);	/* the tree answers too; a disagreement is reported */
	ka_registry_add(n->outer);
	n->outer_in = true;
	ka_registry_add(n->inner);
	n->inner_in = true;

	KUNIT_EXPECT_TRUE(test, ka_test_is_kalloc(blk[0]));
	KUNIT_EXPECT_TRUE(test, ka_test_is_kalloc(blk[n_in - 1]));
	KUNIT_EXPECT_TRUE(test, ka_test_is_kalloc((void *)g + 100));
	KUNIT_EXPECT_TRUE(test, ka_test_is_kalloc((void *)g + n->inner->size - 8));
	/* hole pages around the inner carrier are nobody's */
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc((void *)g + n->inner->size));
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc((void *)range[0]));

	ka_registry_del(n->outer);
	n->outer_in = false;
	KUNIT_EXPECT_TRUE(test, ka_test_is_kalloc((void *)g + 100));
	KUNIT_EXPECT_TRUE(test, ka_test_is_kalloc((void *)g + n->inner->size - 8));
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc(blk[0]));
	ka_registry_del(n->inner);
	n->inner_in = false;
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc((void *)g + 100));
	KUNIT_EXPECT_EQ(test, *reports, 0);
	synchronize_rcu();
	ka_inst_free(&ti->inst, blk[0]);
	for (i = n_in - 1; i < ARRAY_SIZE(blk); i++)
		ka_inst_free(&ti->inst, blk[i]);
	KA_EXPECT_CONSISTENT(test, &ti->inst);
}

struct runs {
	struct ka_type *type;
	void *p[NBLK];
	bool freed;
};

/* On CPU 0: blocks, then every other run of five freed; later, the rest freed. */
static long runs_work(void *arg)
{
	struct runs *r = arg;
	unsigned int i;

	for (i = 0; i < NBLK; i++) {
		if (r->freed) {
			if (r->p[i])
				ka_free(r->type, r->p[i]);
			continue;
		}
		r->p[i] = ka_alloc(r->type, blk_size(i), GFP_KERNEL);
		if (r->p[i])
			fill(r->p[i], i);
	}
	for (i = 0; i < NBLK && !r->freed; i++)
		if (!((i / 5) % 2) && r->p[i]) {
			ka_free(r->type, r->p[i]);
			r->p[i] = NULL;
		}
	r->freed = true;
	return 0;
}

/*
 * kalloc's shrinker (reclaim.c) frees what nr_to_scan asks for and no more,
 * from the free pages inside carriers once the segment cache is empty, all
 * of them when asked for everything, and the live blocks keep their bytes.
 */
static void shrinker_frees_what_nr_to_scan_asks(struct kunit *test)
{
	struct runs *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int nid = cpu_to_node(0);
	struct ka_reclaim_stats r0, r1;
	unsigned long freed, all;
	unsigned int i, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->type = ka_test_type(test, "kunit_shrink", KA_CLASS_BUFFER);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, runs_work, r), 0L);
	/* front caches give back on their CPUs, later: empty them now */
	ka_test_flush_fronts();
	ka_seg_reclaim(&ka_seg_global, NUMA_NO_NODE, ULONG_MAX);
	KUNIT_EXPECT_GT(test, ka_reclaim_count(nid), 0UL);

	ka_reclaim_stats_read(&r0);
	freed = ka_reclaim(nid, 4);
	ka_reclaim_stats_read(&r1);
	KUNIT_EXPECT_GT(test, freed, 0UL);
	KUNIT_EXPECT_LE(test, freed, 4UL);
	KUNIT_EXPECT_EQ(test, r1.scans, r0.scans + 1);
	KUNIT_EXPECT_EQ(test, r1.free_pages + r1.seg_pages, r0.free_pages + r0.seg_pages + freed);

	all = ka_reclaim(nid, ULONG_MAX);
	KUNIT_EXPECT_GT(test, all, 8UL);
	kunit_info(test, "%lu pages, then %lu more given back\n", freed, all);
	/* nothing whole is left free on the node's carriers */
	ka_test_flush_fronts();
	ka_reclaim(nid, ULONG_MAX);	/* what blocks other CPUs' caches held left */
	ka_seg_reclaim(&ka_seg_global, NUMA_NO_NODE, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, ka_reclaim(nid, ULONG_MAX), 0UL);
	for (i = 0; i < NBLK; i++)
		bad += r->p[i] && !intact(r->p[i], i);
	KUNIT_EXPECT_EQ(test, bad, 0U);
	ka_test_expect_all_consistent(test);
	KUNIT_ASSERT_EQ(test, work_on_cpu(0, runs_work, r), 0L);
}

static struct kunit_case hole_cases[] = {
	KUNIT_CASE(pages_go_back_and_blocks_stay),
	KUNIT_CASE(crossing_acful_sweeps_older_free_blocks),
	KUNIT_CASE(one_free_sweeps_a_bounded_stretch),
	KUNIT_CASE(ramping_up_keeps_pages),
	KUNIT_CASE(vmalloc_carrier_keeps_its_pages),
	KUNIT_CASE(pointer_into_given_back_page_is_not_kalloc),
	KUNIT_CASE(carrier_in_another_ones_hole),
	KUNIT_CASE(shrinker_frees_what_nr_to_scan_asks),
	{}
};

struct kunit_suite ka_test_holes_suite = {
	.name = "kalloc_holes",
	.test_cases = hole_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_holes_suite);
