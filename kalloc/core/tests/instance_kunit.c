// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of the instance that do not depend on the strategy: carrier
 * sizing and sources, sbct routing, the SBC realloc thresholds, edges, the
 * statistics, source failures, the checker itself and gf's buckets.
 */
#include "../../tests/ka_test.h"
#include "../strategy/gf.h"

static struct ka_test_inst *new_ti(struct kunit *test, enum ka_as as)
{
	struct ka_params p;

	ka_test_params(&p, as);
	return ka_test_inst_new(test, &p);
}

static struct ka_carrier *carrier_of(void *ptr)
{
	return ka_blk_carrier(ka_payload_blk(ptr));
}

/* MBCs grow smbcs + n * (lmbcs - smbcs) / mbcgs, then stay at lmbcs. */
static void carrier_growth(struct kunit *test)
{
	struct ka_params p;
	struct ka_instance *inst;
	size_t expect;
	int n;

	ka_test_params(&p, KA_AS_AOFFCBF);
	p.mmbcs = 0;
	p.smbcs = 64 * 1024;
	p.lmbcs = 576 * 1024;
	p.mbcgs = 4;
	p.sbct = 1024 * 1024;
	inst = &ka_test_inst_new(test, &p)->inst;

	for (n = 0; n < 6; n++) {
		struct ka_carrier *c;
		void *b;

		expect = n < 4 ? p.smbcs + n * (p.lmbcs - p.smbcs) / p.mbcgs : p.lmbcs;
		/* a block bigger than any free room left forces a new carrier */
		b = ka_inst_alloc(inst, ka_mbc_room(expect) - 1024, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, b);
		c = carrier_of(b);
		KUNIT_EXPECT_EQ_MSG(test, c->size, expect, "carrier %d", n);
		KUNIT_EXPECT_EQ(test, c->src, KA_SRC_SEG);
	}
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 6ULL);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* After mmmbc / mmsbc segment carriers, carriers come from sys, in ycs multiples. */
static void segment_limits(struct kunit *test)
{
	struct ka_params p;
	struct ka_test_inst *ti;
	struct ka_instance *inst;
	void *mb[3], *sb[3];
	int i;

	ka_test_params(&p, KA_AS_BF);
	p.mmbcs = 0;
	p.mmmbc = 2;
	p.mmsbc = 1;
	p.smbcs = 64 * 1024;
	p.lmbcs = 64 * 1024;
	ti = ka_test_inst_new(test, &p);
	inst = &ti->inst;
	for (i = 0; i < 3; i++) {
		mb[i] = ka_inst_alloc(inst, 60 * 1024, GFP_KERNEL);
		sb[i] = ka_inst_alloc(inst, p.sbct, GFP_KERNEL);
		KUNIT_ASSERT_TRUE(test, mb[i] && sb[i]);
	}
	KUNIT_EXPECT_EQ(test, carrier_of(mb[1])->src, KA_SRC_SEG);
	KUNIT_EXPECT_EQ(test, carrier_of(mb[2])->src, KA_SRC_SYS);
	KUNIT_EXPECT_EQ(test, carrier_of(mb[2])->size, p.ycs);
	KUNIT_EXPECT_EQ(test, carrier_of(sb[0])->src, KA_SRC_SEG);
	KUNIT_EXPECT_EQ(test, carrier_of(sb[1])->src, KA_SRC_SYS);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.src_carriers[KA_SRC_SEG], 2ULL);
	KUNIT_EXPECT_EQ(test, inst->st.sbc.src_carriers[KA_SRC_SYS], 2ULL);
	KA_EXPECT_CONSISTENT(test, inst);
	for (i = 0; i < 3; i++) {
		ka_inst_free(inst, mb[i]);
		ka_inst_free(inst, sb[i]);
	}
	KUNIT_EXPECT_EQ(test, inst->st.src_destroys[KA_SRC_SEG] + inst->st.src_destroys[KA_SRC_SYS],
			6ULL);
	KUNIT_EXPECT_EQ(test, ti->seg.live + ti->sys.live, 0L);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* Requests below sbct go to MBCs, from sbct on to page-sized SBCs released on free. */
static void sbct_routing(struct kunit *test)
{
	struct ka_test_inst *ti = new_ti(test, KA_AS_GF);
	struct ka_instance *inst = &ti->inst;
	size_t sbct = inst->p.sbct;
	void *small = ka_inst_alloc(inst, sbct - 1, GFP_KERNEL);
	void *large = ka_inst_alloc(inst, sbct, GFP_KERNEL);

	KUNIT_ASSERT_TRUE(test, small && large);
	KUNIT_EXPECT_FALSE(test, ka_crr_sbc(carrier_of(small)));
	KUNIT_EXPECT_TRUE(test, ka_crr_sbc(carrier_of(large)));
	KUNIT_EXPECT_EQ(test, carrier_of(large)->size % PAGE_SIZE, 0UL);
	KUNIT_EXPECT_GE(test, ka_inst_usable_size(large), sbct);
	KUNIT_EXPECT_EQ(test, inst->st.sbc.blocks.cur, 1ULL);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, large);
	KUNIT_EXPECT_EQ(test, inst->st.sbc.carriers.cur, 0ULL);
	ka_inst_free(inst, small);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* rsbcst/asbcst: a small SBC shrink keeps the carrier, a large one makes a new one. */
static void sbc_shrink_thresholds(struct kunit *test)
{
	struct ka_instance *inst = &new_ti(test, KA_AS_BF)->inst;
	size_t big = 4 * inst->p.sbct, csize;
	void *p, *q;

	p = ka_inst_alloc(inst, big, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	csize = carrier_of(p)->size;
	memset(p, 0x3c, big);
	q = ka_inst_realloc(inst, p, big - 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, p);		/* 2 pages: below both thresholds */
	KUNIT_EXPECT_EQ(test, carrier_of(q)->size, csize);
	q = ka_inst_realloc(inst, q, inst->p.sbct + 10, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_LT(test, carrier_of(q)->size, csize);
	KUNIT_EXPECT_TRUE(test, ka_crr_sbc(carrier_of(q)));
	KUNIT_EXPECT_EQ(test, ((u8 *)q)[inst->p.sbct + 9], 0x3c);
	KUNIT_EXPECT_EQ(test, inst->st.sbc.carriers.cur, 1ULL);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, q);
}

/* rsbcmt: below sbct, a block stays in its SBC while the SBC is mostly used. */
static void sbc_move_threshold(struct kunit *test)
{
	struct ka_params p;
	struct ka_instance *inst;
	void *a, *b;

	ka_test_params(&p, KA_AS_AOBF);
	p.rsbcmt = 100;			/* never worth moving */
	inst = &ka_test_inst_new(test, &p)->inst;
	a = ka_inst_alloc(inst, p.sbct, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	b = ka_inst_realloc(inst, a, 100, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, b, a);
	KUNIT_EXPECT_TRUE(test, ka_crr_sbc(carrier_of(b)));
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, b);
}

/* rmbcmt: a large shrink moves into an existing hole; a small one stays. */
static void mbc_move_threshold(struct kunit *test)
{
	struct ka_instance *inst = &new_ti(test, KA_AS_AOFF)->inst;
	void *hole, *g1, *a, *g2, *r;

	hole = ka_inst_alloc(inst, 200, GFP_KERNEL);
	g1 = ka_inst_alloc(inst, 32, GFP_KERNEL);
	a = ka_inst_alloc(inst, 2000, GFP_KERNEL);
	g2 = ka_inst_alloc(inst, 32, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, hole && g1 && a && g2);
	ka_inst_free(inst, hole);
	memset(a, 0x77, 150);

	r = ka_inst_realloc(inst, a, 1800, GFP_KERNEL);	/* frees 10%: stays */
	KUNIT_EXPECT_PTR_EQ(test, r, a);
	r = ka_inst_realloc(inst, a, 150, GFP_KERNEL);	/* frees >50%: moves to the hole */
	KUNIT_EXPECT_PTR_EQ(test, r, hole);
	KUNIT_EXPECT_EQ(test, ((u8 *)r)[149], 0x77);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, r);
	ka_inst_free(inst, g1);
	ka_inst_free(inst, g2);
}

/* ramv: every realloc moves, contents preserved. */
static void realloc_always_moves(struct kunit *test)
{
	struct ka_params p;
	struct ka_instance *inst;
	void *a, *b, *guard;

	ka_test_params(&p, KA_AS_BF);
	p.ramv = true;
	inst = &ka_test_inst_new(test, &p)->inst;
	a = ka_inst_alloc(inst, 300, GFP_KERNEL);
	guard = ka_inst_alloc(inst, 300, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, a && guard);
	memset(a, 0x11, 300);
	b = ka_inst_realloc(inst, a, 200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_NE(test, b, a);
	KUNIT_EXPECT_EQ(test, ((u8 *)b)[199], 0x11);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, b);
	ka_inst_free(inst, guard);
}

static void edges(struct kunit *test)
{
	struct ka_instance *inst = &new_ti(test, KA_AS_AOFFCBF)->inst;
	size_t sizes[] = { 1, 8, 9, 16, 17, 100, 4095, 4096, 70000 };
	int *reports = ka_test_expect_reports(test);
	void *p;
	int i;

	KUNIT_EXPECT_NULL(test, ka_inst_alloc(inst, 0, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, ka_inst_alloc(inst, KA_MAX_REQUEST + 1, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, ka_inst_alloc(inst, SIZE_MAX, GFP_KERNEL));
	ka_inst_free(inst, NULL);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = ka_inst_alloc(inst, sizes[i], GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, (unsigned long)p % 16, 0UL);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(p, 0, sizes[i]));
		KUNIT_EXPECT_PTR_EQ(test, (void *)ka_ptr_instance(p), (void *)inst);
		ka_inst_free(inst, p);
	}
	/* realloc to 0 frees; realloc(NULL) allocates; oversize leaves the block */
	p = ka_inst_realloc(inst, NULL, 50, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, ka_inst_realloc(inst, p, SIZE_MAX, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, inst->st.mbc.blocks.cur, 1ULL);
	KUNIT_EXPECT_NULL(test, ka_inst_realloc(inst, p, 0, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, inst->st.mbc.blocks.cur, 0ULL);

	/* a double free is reported, counted here, and changes nothing */
	p = ka_inst_alloc(inst, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ka_inst_free(inst, p);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	ka_inst_free(inst, p);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_NULL(test, ka_inst_realloc(inst, (char *)p + 8, 10, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, *reports, 2);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* The type id rides in the header through every realloc path. */
static void type_id_kept(struct kunit *test)
{
	struct ka_instance *inst = &new_ti(test, KA_AS_AOFFCAOBF)->inst;
	size_t sizes[] = { 100, 80, 3000, 2 * 64 * 1024, 200, 200 };
	void *p, *guard;
	int i;

	p = ka_inst_alloc_tid(inst, 50, 4242, GFP_KERNEL);
	guard = ka_inst_alloc_tid(inst, 50, 7, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, p && guard);
	KUNIT_EXPECT_EQ(test, ka_ptr_tid(p), 4242U);
	KUNIT_EXPECT_EQ(test, ka_ptr_tid(guard), 7U);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = ka_inst_realloc(inst, p, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ_MSG(test, ka_ptr_tid(p), 4242U, "after realloc to %zu", sizes[i]);
	}
	KUNIT_EXPECT_NULL(test, ka_inst_alloc_tid(inst, 50, KA_TID_MAX + 1, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, ka_ptr_tid(guard), 7U);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, p);
	ka_inst_free(inst, guard);
}

/* atags: each block ends with its origin, kept through every realloc path. */
static void atags_kept(struct kunit *test)
{
	struct ka_params p;
	struct ka_instance *inst;
	size_t sizes[] = { 100, 80, 3000, 2 * 64 * 1024, 200, 64 * 1024 + 5 };
	void *a, *b;
	int i;

	ka_test_params(&p, KA_AS_BF);
	p.atags = true;
	inst = &ka_test_inst_new(test, &p)->inst;
	a = ka_inst_alloc_tagged(inst, 50, 3, 0xfeedface, GFP_KERNEL);
	b = ka_inst_alloc_tagged(inst, 50, 3, 0xbeef, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, a && b);
	KUNIT_EXPECT_EQ(test, ka_inst_block_origin(a), 0xfeedfaceUL);
	KUNIT_EXPECT_EQ(test, ka_inst_usable_size(a),
			ka_blk_size(ka_payload_blk(a)) - KA_HDR_SIZE - sizeof(long));
	memset(a, 0xee, ka_inst_usable_size(a));	/* the whole usable part: tag intact */
	KUNIT_EXPECT_EQ(test, ka_inst_block_origin(a), 0xfeedfaceUL);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		a = ka_inst_realloc(inst, a, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_EXPECT_EQ_MSG(test, ka_inst_block_origin(a), 0xfeedfaceUL, "size %zu",
				    sizes[i]);
		KUNIT_EXPECT_GE(test, ka_inst_usable_size(a), sizes[i]);
		memset(a, 0x11, sizes[i]);
	}
	KUNIT_EXPECT_EQ(test, ka_inst_block_origin(b), 0xbeefUL);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, a);
	ka_inst_free(inst, b);
}

/* A block of another instance is refused, not freed into the wrong one. */
static void foreign_block_refused(struct kunit *test)
{
	struct ka_instance *a = &new_ti(test, KA_AS_BF)->inst;
	struct ka_instance *b = &new_ti(test, KA_AS_BF)->inst;
	int *reports = ka_test_expect_reports(test);
	void *p = ka_inst_alloc(a, 100, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	ka_inst_free(b, p);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, a->st.mbc.blocks.cur, 1ULL);
	KA_EXPECT_CONSISTENT(test, a);
	KA_EXPECT_CONSISTENT(test, b);
	ka_inst_free(a, p);
}

static void statistics(struct kunit *test)
{
	struct ka_instance *inst = &new_ti(test, KA_AS_AOBF)->inst;
	struct ka_inst_stats st;
	void *p[4];
	int i;

	for (i = 0; i < 4; i++)
		p[i] = ka_inst_alloc(inst, 1000, GFP_KERNEL);
	p[3] = ka_inst_realloc(inst, p[3], inst->p.sbct * 2, GFP_KERNEL);
	for (i = 0; i < 3; i++)
		ka_inst_free(inst, p[i]);
	st = inst->st;
	KUNIT_EXPECT_EQ(test, st.alloc_calls, 4ULL);
	KUNIT_EXPECT_EQ(test, st.realloc_calls, 1ULL);
	KUNIT_EXPECT_EQ(test, st.free_calls, 3ULL);
	KUNIT_EXPECT_EQ(test, st.mbc.blocks.cur, 0ULL);
	KUNIT_EXPECT_EQ(test, st.mbc.blocks.last_max, 4ULL);
	KUNIT_EXPECT_EQ(test, st.mbc.blocks.max, 4ULL);
	KUNIT_EXPECT_EQ(test, st.sbc.blocks.cur, 1ULL);
	KUNIT_EXPECT_EQ(test, st.sbc.carriers.cur, 1ULL);
	/* a reset restarts "max since the last reset" but not "max ever" */
	ka_inst_last_max_reset(inst);
	st = inst->st;
	KUNIT_EXPECT_EQ(test, st.mbc.blocks.last_max, 0ULL);
	KUNIT_EXPECT_EQ(test, st.mbc.blocks.max, 4ULL);
	KUNIT_EXPECT_EQ(test, st.src_creates[KA_SRC_SEG], 1ULL);	/* the SBC */
	KUNIT_EXPECT_EQ(test, st.src_creates[KA_SRC_SYS], 1ULL);	/* the main MBC */
	ka_inst_free(inst, p[3]);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* A failing source gives NULL, leaks nothing and leaves the instance sound. */
static void source_failure(struct kunit *test)
{
	struct ka_test_inst *ti = new_ti(test, KA_AS_AGEFFCBF);
	struct ka_instance *inst = &ti->inst;
	void *p, *q;

	p = ka_inst_alloc(inst, 1000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ti->seg.fail = true;
	ti->sys.fail = true;
	KUNIT_EXPECT_NULL(test, ka_inst_alloc(inst, inst->p.sbct, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, ka_inst_alloc(inst, 63 * 1024, GFP_KERNEL));
	memset(p, 0x42, 1000);
	q = ka_inst_realloc(inst, p, inst->p.sbct * 3, GFP_KERNEL);
	KUNIT_EXPECT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, ((u8 *)p)[999], 0x42);
	KA_EXPECT_CONSISTENT(test, inst);
	/* blocks still come from room the instance has */
	q = ka_inst_alloc(inst, 500, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, q);
	ti->seg.fail = false;
	ti->sys.fail = false;
	ka_inst_free(inst, p);
	ka_inst_free(inst, q);
	KA_EXPECT_CONSISTENT(test, inst);
	KUNIT_EXPECT_EQ(test, ti->seg.live, 0L);
}

/* The checker must notice each kind of damage it claims to check. */
static void checker_detects_damage(struct kunit *test)
{
	struct ka_instance *inst = &new_ti(test, KA_AS_AOFFCAOBF)->inst;
	struct ka_check chk;
	struct ka_block *b;
	unsigned long saved;
	void *p[3];
	int i;

	for (i = 0; i < 3; i++)
		p[i] = ka_inst_alloc(inst, 500, GFP_KERNEL);
	ka_inst_free(inst, p[1]);
	KUNIT_ASSERT_EQ(test, ka_check_instance(inst, &chk), 0U);
	b = ka_payload_blk(p[1]);

	saved = *ka_blk_footer(b);			/* footer */
	*ka_blk_footer(b) = saved + KA_UNIT;
	KUNIT_EXPECT_GT(test, ka_check_instance(inst, &chk), 0U);
	*ka_blk_footer(b) = saved;

	ka_blk_clear_flag(ka_blk_next(b), KA_F_PREV_FREE);	/* boundary tag */
	KUNIT_EXPECT_GT(test, ka_check_instance(inst, &chk), 0U);
	ka_blk_set_flag(ka_blk_next(b), KA_F_PREV_FREE);

	ka_ix_remove(ka_blk_carrier(b), b);	/* missing from index */
	KUNIT_EXPECT_GT(test, ka_check_instance(inst, &chk), 0U);
	ka_ix_insert(ka_blk_carrier(b), b);

	inst->st.mbc.blocks.cur++;				/* statistics */
	KUNIT_EXPECT_GT(test, ka_check_instance(inst, &chk), 0U);
	inst->st.mbc.blocks.cur--;

	KUNIT_EXPECT_EQ_MSG(test, ka_check_instance(inst, &chk), 0U, "%s", chk.first);
	ka_inst_free(inst, p[0]);
	ka_inst_free(inst, p[2]);
}

/* alloc_SUITE bucket_index: 256 buckets, monotonic, first and last as designed. */
static void gf_bucket_index(struct kunit *test)
{
	struct ka_instance *inst = &new_ti(test, KA_AS_GF)->inst;
	unsigned int prev = 0, ix;
	size_t size;

	KUNIT_EXPECT_EQ(test, ka_gf_bucket(inst->ix->mem, 0), 0U);
	KUNIT_EXPECT_EQ(test, ka_gf_bucket(inst->ix->mem, SIZE_MAX / 2), KA_GF_BUCKETS - 1);
	for (size = 0; size < 4 * inst->p.sbct; size += KA_UNIT) {
		ix = ka_gf_bucket(inst->ix->mem, size);
		KUNIT_ASSERT_GE(test, ix, prev);
		KUNIT_ASSERT_LT(test, ix, (unsigned int)KA_GF_BUCKETS);
		prev = ix;
	}
	/* every bucket is reachable before sbct is passed by much */
	KUNIT_EXPECT_EQ(test, ka_gf_bucket(inst->ix->mem, inst->p.sbct + 64 * 1024),
			KA_GF_BUCKETS - 1);
	KUNIT_EXPECT_LT(test, ka_gf_bucket(inst->ix->mem, inst->p.sbct / 2), KA_GF_BUCKETS - 1);
}

/* alloc_SUITE bucket_mask: the bitmap finds the first non-empty bucket. */
static void gf_bucket_mask(struct kunit *test)
{
	struct ka_instance *inst = &new_ti(test, KA_AS_GF)->inst;
	void *a, *g, *b, *g2;
	unsigned int ia, ib;

	a = ka_inst_alloc(inst, 100, GFP_KERNEL);
	g = ka_inst_alloc(inst, 16, GFP_KERNEL);
	b = ka_inst_alloc(inst, 20000, GFP_KERNEL);
	g2 = ka_inst_alloc(inst, 16, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, a && g && b && g2);
	ia = ka_gf_bucket(inst->ix->mem, ka_blk_size(ka_payload_blk(a)));
	ib = ka_gf_bucket(inst->ix->mem, ka_blk_size(ka_payload_blk(b)));
	ka_inst_free(inst, b);
	KUNIT_EXPECT_EQ(test, ka_gf_first_nonempty(inst->ix->mem, 0), ib);
	ka_inst_free(inst, a);
	KUNIT_EXPECT_EQ(test, ka_gf_first_nonempty(inst->ix->mem, 0), ia);
	KUNIT_EXPECT_EQ(test, ka_gf_first_nonempty(inst->ix->mem, ia + 1), ib);
	a = ka_inst_alloc(inst, 100, GFP_KERNEL);	/* takes the hole back */
	KUNIT_EXPECT_EQ(test, ka_gf_first_nonempty(inst->ix->mem, 0), ib);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, a);
	ka_inst_free(inst, g);
	ka_inst_free(inst, g2);
}

/* gf inspects at most mbsd blocks of a bucket: the fourth, exact, one is missed. */
static void gf_search_depth(struct kunit *test)
{
	static const size_t req[4] = { 1032, 1224, 1240, 1256 };	/* blocks 1040 .. 1264 */
	struct ka_params p;
	struct ka_instance *inst;
	void *x[4], *g[4], *got;
	int i, depth;

	for (depth = 3; depth <= 4; depth++) {
		ka_test_params(&p, KA_AS_GF);
		p.mbsd = depth;
		inst = &ka_test_inst_new(test, &p)->inst;
		for (i = 0; i < 4; i++) {
			x[i] = ka_inst_alloc(inst, req[i], GFP_KERNEL);
			g[i] = ka_inst_alloc(inst, 16, GFP_KERNEL);
			KUNIT_ASSERT_TRUE(test, x[i] && g[i]);
		}
		/* all four share one bucket; freed last is inspected first */
		KUNIT_ASSERT_EQ(test, ka_gf_bucket(inst->ix->mem, 1040),
				ka_gf_bucket(inst->ix->mem, 1264));
		for (i = 0; i < 4; i++)
			ka_inst_free(inst, x[i]);
		got = ka_inst_alloc(inst, req[0], GFP_KERNEL);
		if (depth == 3)
			KUNIT_EXPECT_PTR_EQ(test, got, x[1]);	/* best of 1264, 1248, 1232 */
		else
			KUNIT_EXPECT_PTR_EQ(test, got, x[0]);	/* the exact fit */
		KA_EXPECT_CONSISTENT(test, inst);
	}
}

/* af inspects only the head: a fitting block behind it is not searched for. */
static void af_only_head(struct kunit *test)
{
	struct ka_params p;
	struct ka_instance *inst;
	void *big, *small, *g1, *g2, *fill, *got;

	ka_test_params(&p, KA_AS_AF);
	inst = &ka_test_inst_new(test, &p)->inst;
	big = ka_inst_alloc(inst, 4000, GFP_KERNEL);
	g1 = ka_inst_alloc(inst, 16, GFP_KERNEL);
	small = ka_inst_alloc(inst, 200, GFP_KERNEL);
	g2 = ka_inst_alloc(inst, 16, GFP_KERNEL);
	/* fill the main carrier so its tail is not the head */
	fill = ka_inst_alloc(inst, ka_blk_size(ka_blk_next(ka_payload_blk(g2))) - KA_HDR_SIZE,
			     GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, big && g1 && small && g2 && fill);
	KUNIT_ASSERT_TRUE(test, ka_blk_last(ka_payload_blk(fill)));
	ka_inst_free(inst, big);
	ka_inst_free(inst, small);	/* smaller than the head: goes second */
	KUNIT_ASSERT_EQ(test, inst->st.mbc.carriers.cur, 1ULL);

	got = ka_inst_alloc(inst, 3000, GFP_KERNEL);	/* the head fits */
	KUNIT_EXPECT_PTR_EQ(test, got, big);
	ka_inst_free(inst, got);
	got = ka_inst_alloc(inst, 5000, GFP_KERNEL);	/* the head does not: new carrier */
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 2ULL);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, got);
	got = ka_inst_alloc(inst, 100, GFP_KERNEL);	/* the head, though smaller fits exist */
	KUNIT_EXPECT_PTR_EQ(test, got, big);
	KA_EXPECT_CONSISTENT(test, inst);
}

/*
 * A run of blocks carved from one free block (a front cache's fill): exact
 * sizes, one after the other where a single allocation would have gone,
 * cached state, counted, and an instance the checker finds whole, also once
 * they are freed again and when the free block is used up exactly.
 */
static void alloc_run_carves_one_free_block(struct kunit *test)
{
	struct ka_params p;
	struct ka_instance *inst;
	void *out[16], *single;
	unsigned int n, i;
	u64 blocks;

	ka_test_params(&p, KA_AS_BF);
	inst = &ka_test_inst_new(test, &p)->inst;
	single = ka_inst_alloc(inst, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, single);
	ka_inst_free(inst, single);		/* where a single 112-byte block goes */
	blocks = inst->st.mbc.blocks.cur;
	n = ka_inst_alloc_run(inst, 112, KA_F_CACHED, out, ARRAY_SIZE(out));
	KUNIT_ASSERT_EQ(test, n, (unsigned int)ARRAY_SIZE(out));
	KUNIT_EXPECT_PTR_EQ(test, out[0], single);
	for (i = 0; i < n; i++) {
		struct ka_block *b = ka_payload_blk(out[i]);

		KUNIT_EXPECT_EQ(test, ka_blk_size(b), 112UL);
		KUNIT_EXPECT_TRUE(test, ka_blk_cached(b));
		KUNIT_EXPECT_EQ(test, ka_blk_tid(b), 0U);
		if (i)
			KUNIT_EXPECT_PTR_EQ(test, out[i], (char *)out[i - 1] + 112);
	}
	KUNIT_EXPECT_EQ(test, inst->st.mbc.blocks.cur, blocks + n);
	KA_EXPECT_CONSISTENT(test, inst);
	for (i = 0; i < n; i++)
		ka_inst_free(inst, out[i]);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.blocks.cur, blocks);
	KA_EXPECT_CONSISTENT(test, inst);

	/* a free block of exactly 3 such blocks between two allocated ones */
	for (i = 0; i < 5; i++)
		out[i] = ka_inst_alloc(inst, 100, GFP_KERNEL);
	for (i = 1; i < 4; i++)
		ka_inst_free(inst, out[i]);
	n = ka_inst_alloc_run(inst, 112, 0, out + 5, 8);
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_PTR_EQ(test, out[5], out[1]);
	KA_EXPECT_CONSISTENT(test, inst);
	for (i = 0; i < 8; i++)
		if (i != 1 && i != 2 && i != 3)
			ka_inst_free(inst, out[i]);
	KA_EXPECT_CONSISTENT(test, inst);
}

/*
 * Aligned blocks, every strategy: the lead cut off before each is a free
 * block of its own, which later requests take and frees merge back.
 */
static void aligned_blocks_cut_a_free_lead(struct kunit *test)
{
	struct ka_params p;
	struct ka_test_inst *ti;
	struct ka_instance *inst;
	void *blk[48], *small[48];
	enum ka_as as;
	size_t align;
	int i;

	for (as = KA_AS_BF; as <= KA_AS_AF; as++) {
		ka_test_params(&p, as);
		ti = ka_test_inst_new(test, &p);
		inst = &ti->inst;
		for (i = 0; i < ARRAY_SIZE(blk); i++) {
			align = 32UL << (i % 8);	/* 32 .. 4096 */
			small[i] = ka_inst_alloc(inst, 24 + i, GFP_KERNEL);
			blk[i] = ka_inst_alloc_aligned(inst, align / 2 + i, align, 7, 0,
						       GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, blk[i]);
			KUNIT_EXPECT_EQ(test, (unsigned long)blk[i] % align, 0UL);
			KUNIT_EXPECT_EQ(test, ka_ptr_tid(blk[i]), 7U);
			memset(blk[i], 0x3c, align / 2 + i);
		}
		KA_EXPECT_CONSISTENT(test, inst);
		for (i = 0; i < ARRAY_SIZE(blk); i += 2)
			ka_inst_free(inst, blk[i]);
		KA_EXPECT_CONSISTENT(test, inst);
		for (i = 0; i < ARRAY_SIZE(blk); i++) {
			if (i % 2)
				ka_inst_free(inst, blk[i]);
			ka_inst_free(inst, small[i]);
		}
		KA_EXPECT_CONSISTENT(test, inst);
		KUNIT_EXPECT_EQ(test, inst->st.mbc.blocks.cur + inst->st.sbc.blocks.cur, 0ULL);
		KUNIT_EXPECT_PTR_EQ(test, ka_inst_alloc_aligned(inst, 64, 48, 0, 0, GFP_KERNEL),
				    NULL);
	}
}

/*
 * In carrier @c, which the instance fills: a free block of about 4000 bytes
 * before one of about 1000, each between live blocks. Where a request of
 * 900 goes tells the strategy: best fit in the carrier (aoffcbf) takes the
 * small one, address order (aoff) the big one.
 */
static void two_holes(struct kunit *test, struct ka_instance *inst, void **big, void **small)
{
	void *g1, *g2, *fill;
	struct ka_block *tail;

	*big = ka_inst_alloc(inst, 4000, GFP_KERNEL);
	g1 = ka_inst_alloc(inst, 16, GFP_KERNEL);
	*small = ka_inst_alloc(inst, 1000, GFP_KERNEL);
	g2 = ka_inst_alloc(inst, 16, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, *big && g1 && *small && g2);
	KUNIT_ASSERT_PTR_EQ(test, carrier_of(*big), carrier_of(g2));
	tail = ka_blk_next(ka_payload_blk(g2));
	fill = ka_inst_alloc(inst, ka_blk_size(tail) - KA_HDR_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fill);
	KUNIT_ASSERT_PTR_EQ(test, ka_payload_blk(fill), tail);
	ka_inst_free(inst, *big);
	ka_inst_free(inst, *small);
}

/*
 * A strategy change: carriers made before keep their strategy and serve
 * under it; carriers made after follow the new one; an index once made is
 * used again; a strategy that cannot index the instance's smallest blocks,
 * or a carrier-less one with migration on, is refused.
 */
static void strategy_change_new_carriers_follow(struct kunit *test)
{
	struct ka_params p, np;
	struct ka_instance *inst;
	struct ka_index *spare;
	void *big_a, *small_a, *big_b, *small_b, *x, *got;

	ka_test_params(&p, KA_AS_AOFFCBF);
	p.mmbcs = 0;
	p.smbcs = 64 * 1024;
	p.lmbcs = 64 * 1024;
	inst = &ka_test_inst_new(test, &p)->inst;
	two_holes(test, inst, &big_a, &small_a);
	KUNIT_EXPECT_PTR_EQ(test, carrier_of(big_a)->ix->strat, &ka_strategy_aoffcbf);

	np = p;
	np.as = KA_AS_AOFF;
	KUNIT_EXPECT_EQ(test, ka_inst_strategy_set(inst, KA_AS_AOFF, NULL), -ENOMEM);
	spare = ka_inst_index_new(&np, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, spare);
	KUNIT_ASSERT_EQ(test, ka_inst_strategy_set(inst, KA_AS_AOFF, &spare), 0);
	KUNIT_EXPECT_NULL(test, spare);
	KUNIT_EXPECT_EQ(test, inst->p.as, KA_AS_AOFF);
	KA_EXPECT_CONSISTENT(test, inst);

	/* the old carrier still places by best fit */
	got = ka_inst_alloc(inst, 900, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, got, small_a);
	ka_inst_free(inst, got);

	/* a block no free block holds: a new carrier, of the new strategy */
	x = ka_inst_alloc(inst, 5000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_PTR_NE(test, carrier_of(x), carrier_of(big_a));
	KUNIT_EXPECT_PTR_EQ(test, carrier_of(x)->ix->strat, &ka_strategy_aoff);
	KUNIT_EXPECT_PTR_EQ(test, carrier_of(big_a)->ix->strat, &ka_strategy_aoffcbf);
	two_holes(test, inst, &big_b, &small_b);
	KUNIT_ASSERT_PTR_EQ(test, carrier_of(big_b), carrier_of(x));
	KA_EXPECT_CONSISTENT(test, inst);
	/* it places by address: the first block that fits */
	got = ka_inst_alloc(inst, 900, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, got, big_b);
	KA_EXPECT_CONSISTENT(test, inst);

	/* back to the first strategy: its index is there, no memory needed */
	KUNIT_EXPECT_EQ(test, ka_inst_strategy_set(inst, KA_AS_AOFFCBF, NULL), 0);
	KUNIT_EXPECT_PTR_EQ(test, inst->ix->strat, &ka_strategy_aoffcbf);
	KUNIT_EXPECT_PTR_EQ(test, carrier_of(got)->ix->strat, &ka_strategy_aoff);
	KA_EXPECT_CONSISTENT(test, inst);

	/* refused: blocks of 48 bytes exist, bf indexes none under 64 */
	ka_test_params(&p, KA_AS_AOBF);
	inst = &ka_test_inst_new(test, &p)->inst;
	KUNIT_EXPECT_EQ(test, inst->min_block, (size_t)48);
	np = p;
	np.as = KA_AS_BF;
	spare = ka_inst_index_new(&np, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, spare);
	KUNIT_EXPECT_EQ(test, ka_inst_strategy_set(inst, KA_AS_BF, &spare), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, spare);
	ka_inst_index_free(spare);
	/* refused: with migration on, bf keeps no index per carrier */
	ka_test_params(&p, KA_AS_AOFFCBF);
	p.acul = 50;
	inst = &ka_test_inst_new(test, &p)->inst;
	KUNIT_EXPECT_EQ(test, ka_inst_strategy_set(inst, KA_AS_BF, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, inst->p.as, KA_AS_AOFFCBF);
}

/*
 * A sys source that, once, lets another allocation of the same instance run
 * before it answers: what a source that sleeps allows (the per-CPU layer
 * drops the instance's lock around it).
 */
static struct {
	struct ka_test_inst *ti;
	void *(*real)(struct ka_source *src, size_t *size, unsigned int how, gfp_t gfp);
	void *meanwhile;
	bool armed;
} interleave;

static void *interleaving_alloc(struct ka_source *src, size_t *size, unsigned int how,
				gfp_t gfp)
{
	if (interleave.armed) {
		interleave.armed = false;
		interleave.meanwhile = ka_inst_alloc(&interleave.ti->inst, 100, GFP_ATOMIC);
	}
	return interleave.real(src, size, how, gfp);
}

/*
 * Two allocations both find the instance without a main carrier, one of
 * them while the other's source sleeps: one main carrier comes of it, the
 * other carrier is an ordinary one, and both blocks are served.
 */
static void main_carrier_made_meanwhile(struct kunit *test)
{
	struct ka_test_inst *ti = new_ti(test, KA_AS_AOFFCBF);
	struct ka_instance *inst = &ti->inst;
	void *p;

	interleave.ti = ti;
	interleave.real = ti->sys.src.alloc;
	interleave.meanwhile = NULL;
	interleave.armed = true;
	ti->sys.src.alloc = interleaving_alloc;

	p = ka_inst_alloc(inst, 200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, interleave.meanwhile);
	KUNIT_EXPECT_FALSE(test, interleave.armed);
	KUNIT_EXPECT_PTR_EQ(test, carrier_of(interleave.meanwhile), inst->main);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 2ULL);
	KA_EXPECT_CONSISTENT(test, inst);

	/* the ordinary one goes when it empties; the main one stays */
	ka_inst_free(inst, p);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 1ULL);
	ka_inst_free(inst, interleave.meanwhile);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 1ULL);
	KUNIT_EXPECT_NOT_NULL(test, inst->main);
	KA_EXPECT_CONSISTENT(test, inst);
}

static struct kunit_case instance_cases[] = {
	KUNIT_CASE(alloc_run_carves_one_free_block),
	KUNIT_CASE(aligned_blocks_cut_a_free_lead),
	KUNIT_CASE(carrier_growth),
	KUNIT_CASE(segment_limits),
	KUNIT_CASE(sbct_routing),
	KUNIT_CASE(sbc_shrink_thresholds),
	KUNIT_CASE(sbc_move_threshold),
	KUNIT_CASE(mbc_move_threshold),
	KUNIT_CASE(realloc_always_moves),
	KUNIT_CASE(edges),
	KUNIT_CASE(type_id_kept),
	KUNIT_CASE(atags_kept),
	KUNIT_CASE(foreign_block_refused),
	KUNIT_CASE(statistics),
	KUNIT_CASE(source_failure),
	KUNIT_CASE(checker_detects_damage),
	KUNIT_CASE(gf_bucket_index),
	KUNIT_CASE(gf_bucket_mask),
	KUNIT_CASE(gf_search_depth),
	KUNIT_CASE(af_only_head),
	KUNIT_CASE(strategy_change_new_carriers_follow),
	KUNIT_CASE(main_carrier_made_meanwhile),
	{}
};

struct kunit_suite ka_test_instance_suite = {
	.name = "kalloc_instance",
	.test_cases = instance_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_instance_suite);
