// SPDX-License-Identifier: GPL-2.0
/*
 * Per-strategy KUnit cases, modelled on Erlang/OTP's alloc_SUITE: which block
 * each strategy picks, coalescing with each neighbour, the realloc cases, and
 * a random tree workout. Each case is generated once per strategy and carries
 * the strategy's name; the checker runs after every step.
 */
#include <linux/random.h>
#include <linux/slab.h>

#include "../../tests/ka_test.h"

/* Free blocks at increasing addresses; guards keep them from coalescing. */
enum { X1, X2, X3, X4, NR_X };
static const size_t x_req[NR_X] = { 792, 392, 600, 392 };	/* blocks 800, 400, 608, 400 */

/* What a request of 360 bytes (a 368-byte block) must get from X1..X4. */
enum pick { PICK_X1, PICK_X2, PICK_A_400, PICK_TAIL };

static const enum pick expected_pick[KA_NR_AS] = {
	[KA_AS_BF] = PICK_A_400,	/* smallest fit */
	[KA_AS_AOBF] = PICK_X2,		/* smallest fit, lowest address */
	[KA_AS_AOFF] = PICK_X1,		/* lowest address */
	[KA_AS_AOFFCBF] = PICK_A_400,
	[KA_AS_AOFFCAOBF] = PICK_X2,
	[KA_AS_AGEFFCAOFF] = PICK_X1,
	[KA_AS_AGEFFCBF] = PICK_A_400,
	[KA_AS_AGEFFCAOBF] = PICK_X2,
	[KA_AS_GF] = PICK_A_400,	/* the 400 bucket is the first non-empty fit */
	[KA_AS_AF] = PICK_TAIL,		/* only the head: the carrier's large free tail */
};

static enum ka_as ka_as_of(const char *name)
{
	return ka_strategy_parse(name);
}

static struct ka_instance *new_inst(struct kunit *test, enum ka_as as)
{
	struct ka_params p;

	ka_test_params(&p, as);
	return &ka_test_inst_new(test, &p)->inst;
}

static void pick_case(struct kunit *test, enum ka_as as)
{
	struct ka_instance *inst = new_inst(test, as);
	void *x[NR_X], *guard[NR_X], *got;
	int i;

	for (i = 0; i < NR_X; i++) {
		x[i] = ka_inst_alloc(inst, x_req[i], GFP_KERNEL);
		guard[i] = ka_inst_alloc(inst, 32, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, x[i]);
		KUNIT_ASSERT_NOT_NULL(test, guard[i]);
		if (i)
			KUNIT_ASSERT_TRUE(test, x[i] > x[i - 1]);
	}
	for (i = 0; i < NR_X; i++)
		ka_inst_free(inst, x[i]);
	KA_EXPECT_CONSISTENT(test, inst);

	got = ka_inst_alloc(inst, 360, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	switch (expected_pick[as]) {
	case PICK_X1:
		KUNIT_EXPECT_PTR_EQ(test, got, x[X1]);
		break;
	case PICK_X2:
		KUNIT_EXPECT_PTR_EQ(test, got, x[X2]);
		break;
	case PICK_A_400:
		KUNIT_EXPECT_TRUE_MSG(test, got == x[X2] || got == x[X4],
				      "picked a block at neither 400-byte hole");
		break;
	case PICK_TAIL:
		KUNIT_EXPECT_PTR_EQ(test, got,
				    ka_blk_payload(ka_blk_next(ka_payload_blk(guard[X4]))));
		break;
	}
	/* No new carrier was needed: the main one had room in a hole. */
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 1ULL);
	KA_EXPECT_CONSISTENT(test, inst);
}

/*
 * Carriers carved from one region from its top down, so that each younger
 * carrier lies at a lower address: age order and address order disagree.
 */
#define DOWN_ORDER	6	/* 256 KiB: three 64 KiB carriers and room to spare */

static struct {
	char *base, *next;
} downward;

static void *down_alloc(struct ka_source *src, size_t *size, unsigned int how, gfp_t gfp)
{
	if (*size != 64 * 1024 || downward.next - *size < downward.base)
		return NULL;
	downward.next -= *size;
	return downward.next;
}

static void down_free(struct ka_source *src, void *mem, size_t size)
{
}

static void down_release(void *unused)
{
	free_pages((unsigned long)downward.base, DOWN_ORDER);
}

/*
 * Carrier choice: one hole in each of three full carriers. The
 * carrier-oriented strategies must take the first carrier in their order
 * (address, or age for ageff*) whose largest hole fits, even when a better
 * hole exists elsewhere; the others choose among all holes by their own rule.
 * The carriers are born at descending addresses, so the oldest is the
 * highest and an ageff* strategy and its aoff* twin must pick differently.
 */
static void carrier_pick_case(struct kunit *test, enum ka_as as)
{
	static const size_t hole_req[3] = { 1016, 1016, 504 };	/* blocks 1024, 1024, 512 */
	struct ka_test_inst *ti;
	struct ka_params p;
	struct ka_instance *inst;
	struct ka_carrier *c[3], *want = NULL;
	void *fill[3], *hole[3], *got;
	size_t room;
	int i;

	downward.base = (char *)__get_free_pages(GFP_KERNEL, DOWN_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, downward.base);
	downward.next = downward.base + (PAGE_SIZE << DOWN_ORDER);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, down_release, NULL), 0);
	ka_test_params(&p, as);
	p.mmbcs = 0;			/* only segment carriers, all alike */
	p.smbcs = 64 * 1024;
	p.lmbcs = 64 * 1024;
	ti = ka_test_inst_new(test, &p);
	ti->seg.src.alloc = down_alloc;
	ti->seg.src.free = down_free;
	inst = &ti->inst;
	room = ka_mbc_room(64 * 1024);

	for (i = 0; i < 3; i++) {
		hole[i] = ka_inst_alloc(inst, hole_req[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, hole[i]);
		/* the rest of the carrier, exactly */
		fill[i] = ka_inst_alloc(inst, room - ALIGN(hole_req[i] + KA_HDR_SIZE, KA_UNIT)
					- KA_HDR_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, fill[i]);
		KUNIT_ASSERT_PTR_EQ(test, (void *)ka_blk_carrier(ka_payload_blk(hole[i])),
				    (void *)ka_blk_carrier(ka_payload_blk(fill[i])));
		KUNIT_ASSERT_TRUE(test, ka_blk_last(ka_payload_blk(fill[i])));
	}
	KUNIT_ASSERT_EQ(test, inst->st.mbc.carriers.cur, 3ULL);
	for (i = 0; i < 3; i++)
		c[i] = ka_blk_carrier(ka_payload_blk(hole[i]));
	/* born in the order 0, 1, 2 at falling addresses */
	KUNIT_ASSERT_TRUE(test, c[0]->birth < c[1]->birth && c[1]->birth < c[2]->birth);
	KUNIT_ASSERT_TRUE(test, c[0] > c[1] && c[1] > c[2]);
	for (i = 0; i < 3; i++)
		ka_inst_free(inst, hole[i]);
	KA_EXPECT_CONSISTENT(test, inst);

	switch (as) {
	case KA_AS_BF:
	case KA_AS_AOBF:
	case KA_AS_GF:
		want = c[2];	/* the best hole anywhere */
		break;
	case KA_AS_AF:
		want = c[1];	/* the head: last freed large */
		break;
	case KA_AS_AGEFFCAOFF:
	case KA_AS_AGEFFCBF:
	case KA_AS_AGEFFCAOBF:
		want = c[0];	/* the oldest, highest carrier */
		break;
	default:
		want = c[2];	/* the lowest address, youngest carrier */
	}
	got = ka_inst_alloc(inst, 400, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_PTR_EQ(test, (void *)ka_blk_carrier(ka_payload_blk(got)), (void *)want);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 3ULL);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* An instance whose main carrier exists (it comes with the first block), empty. */
static struct ka_instance *new_inst_main(struct kunit *test, enum ka_as as)
{
	struct ka_instance *inst = new_inst(test, as);
	void *first;

	KUNIT_EXPECT_NULL(test, inst->main);
	first = ka_inst_alloc(inst, 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, first);
	ka_inst_free(inst, first);
	KUNIT_ASSERT_NOT_NULL(test, inst->main);
	return inst;
}

/* Seven neighbours A..G and a guard; frees that join prev, next and both. */
static void coalesce_case(struct kunit *test, enum ka_as as)
{
	struct ka_instance *inst = new_inst_main(test, as);
	struct ka_block *first = ka_crr_first(inst->main);
	size_t room = ka_blk_size(first), bs;
	void *blk[8];
	int i;

	for (i = 0; i < 8; i++) {
		blk[i] = ka_inst_alloc(inst, 248, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, blk[i]);
	}
	bs = ka_blk_size(ka_payload_blk(blk[0]));
	for (i = 1; i < 8; i++)
		KUNIT_ASSERT_PTR_EQ(test, blk[i], blk[i - 1] + bs);

	ka_inst_free(inst, blk[1]);	/* B alone */
	ka_inst_free(inst, blk[3]);	/* D alone */
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, blk[2]);	/* C joins B (prev) and D (next) */
	KUNIT_EXPECT_TRUE(test, ka_blk_free(ka_payload_blk(blk[1])));
	KUNIT_EXPECT_EQ(test, ka_blk_size(ka_payload_blk(blk[1])), 3 * bs);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, blk[0]);	/* A joins B..D (next) */
	KUNIT_EXPECT_EQ(test, ka_blk_size(ka_payload_blk(blk[0])), 4 * bs);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, blk[4]);	/* E joins A..D (prev) */
	KUNIT_EXPECT_EQ(test, ka_blk_size(ka_payload_blk(blk[0])), 5 * bs);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, blk[6]);	/* G alone: F and H are allocated */
	KUNIT_EXPECT_EQ(test, ka_blk_size(ka_payload_blk(blk[6])), bs);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, blk[7]);	/* H joins G (prev) and the free tail (next) */
	KUNIT_EXPECT_TRUE(test, ka_blk_last(ka_payload_blk(blk[6])));
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, blk[5]);	/* F joins both: one free block again */
	KUNIT_EXPECT_TRUE(test, ka_blk_free(first));
	KUNIT_EXPECT_TRUE(test, ka_blk_last(first));
	KUNIT_EXPECT_EQ(test, ka_blk_size(first), room);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* alloc_SUITE basic: after alloc, realloc and free the main carrier is whole again. */
static void basic_case(struct kunit *test, enum ka_as as)
{
	struct ka_instance *inst = new_inst_main(test, as);
	struct ka_block *first = ka_crr_first(inst->main);
	size_t room = ka_blk_size(first);
	void *a, *b, *c;

	a = ka_inst_alloc(inst, 100, GFP_KERNEL);
	b = ka_inst_alloc(inst, 1000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_EQ(test, a, ka_blk_payload(first));
	c = ka_inst_realloc(inst, a, 3000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, b);
	ka_inst_free(inst, c);
	KUNIT_EXPECT_TRUE(test, ka_blk_free(first) && ka_blk_last(first));
	KUNIT_EXPECT_EQ(test, ka_blk_size(first), room);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.blocks.cur, 0ULL);
	KA_EXPECT_CONSISTENT(test, inst);
}

static void fill_pattern(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = seed + i * 13;
}

static bool has_pattern(const u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (u8)(seed + i * 13))
			return false;
	return true;
}

/* A shrink by less than a minimum block, with an allocated next block, changes nothing. */
static void keep_small_tail(struct kunit *test, enum ka_as as)
{
	struct ka_instance *inst = new_inst(test, as);
	void *a = ka_inst_alloc(inst, 1000, GFP_KERNEL);
	void *g = ka_inst_alloc(inst, 64, GFP_KERNEL);
	size_t usable;

	KUNIT_ASSERT_TRUE(test, a && g);
	KUNIT_ASSERT_PTR_EQ(test, (void *)ka_blk_next(ka_payload_blk(a)),
			    (void *)ka_payload_blk(g));
	usable = ka_inst_usable_size(a);
	KUNIT_EXPECT_PTR_EQ(test, ka_inst_realloc(inst, a, usable - (inst->min_block - KA_UNIT),
						  GFP_KERNEL), a);
	KUNIT_EXPECT_EQ(test, ka_inst_usable_size(a), usable);
	KA_EXPECT_CONSISTENT(test, inst);
	ka_inst_free(inst, a);
	ka_inst_free(inst, g);
}

/* Every realloc path of an MBC block. */
static void realloc_case(struct kunit *test, enum ka_as as)
{
	struct ka_instance *inst = new_inst(test, as);
	size_t usable;
	void *a, *b, *c, *r;

	/* grow in place into the following free block */
	a = ka_inst_alloc(inst, 1000, GFP_KERNEL);
	b = ka_inst_alloc(inst, 1000, GFP_KERNEL);
	c = ka_inst_alloc(inst, 64, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, a && b && c);
	fill_pattern(a, 1000, 1);
	ka_inst_free(inst, b);
	r = ka_inst_realloc(inst, a, 1800, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, r, a);
	KUNIT_EXPECT_TRUE(test, has_pattern(a, 1000, 1));
	KA_EXPECT_CONSISTENT(test, inst);

	/* shrink by less than rmbcmt: in place, the tail becomes a free block */
	r = ka_inst_realloc(inst, a, 1200, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, r, a);
	KUNIT_EXPECT_TRUE(test, has_pattern(a, 1000, 1));
	KUNIT_EXPECT_TRUE(test, ka_blk_free(ka_blk_next(ka_payload_blk(a))));
	KA_EXPECT_CONSISTENT(test, inst);

	/* a leftover smaller than a block joins the free next block */
	usable = ka_inst_usable_size(a);
	r = ka_inst_realloc(inst, a, usable - KA_UNIT, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, r, a);
	KUNIT_EXPECT_EQ(test, ka_inst_usable_size(a), usable - KA_UNIT);
	KA_EXPECT_CONSISTENT(test, inst);

	/* ... but next to an allocated block it stays with the block */
	b = ka_inst_alloc(inst, 500, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	keep_small_tail(test, as);

	/* move when the next block is taken; contents go along */
	fill_pattern(a, 500, 2);
	r = ka_inst_realloc(inst, a, 4000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_PTR_NE(test, r, a);
	KUNIT_EXPECT_TRUE(test, has_pattern(r, 500, 2));
	KA_EXPECT_CONSISTENT(test, inst);

	/* growing past sbct moves the block into a singleblock carrier */
	r = ka_inst_realloc(inst, r, inst->p.sbct + 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_TRUE(test, ka_crr_sbc(ka_blk_carrier(ka_payload_blk(r))));
	KUNIT_EXPECT_TRUE(test, has_pattern(r, 500, 2));
	KUNIT_EXPECT_EQ(test, inst->st.sbc.carriers.cur, 1ULL);
	KA_EXPECT_CONSISTENT(test, inst);

	/* shrinking far below sbct (rsbcmt) brings it back to an MBC */
	r = ka_inst_realloc(inst, r, 300, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_FALSE(test, ka_crr_sbc(ka_blk_carrier(ka_payload_blk(r))));
	KUNIT_EXPECT_TRUE(test, has_pattern(r, 300, 2));
	KUNIT_EXPECT_EQ(test, inst->st.sbc.carriers.cur, 0ULL);
	KA_EXPECT_CONSISTENT(test, inst);

	ka_inst_free(inst, r);
	ka_inst_free(inst, b);
	ka_inst_free(inst, c);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.blocks.cur + inst->st.sbc.blocks.cur, 0ULL);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* alloc_SUITE realloc_copy: reallocs across MBC and SBC keep every byte. */
static void realloc_copy_case(struct kunit *test, enum ka_as as)
{
	struct ka_instance *inst = new_inst(test, as);
	size_t size = 64, new;
	u8 *p = ka_inst_alloc(inst, size, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	fill_pattern(p, size, 7);
	for (i = 0; i < 300; i++) {
		new = 1 + get_random_u32_below(2 * inst->p.sbct);
		p = ka_inst_realloc(inst, p, new, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_ASSERT_TRUE_MSG(test, has_pattern(p, min(size, new), 7),
				      "realloc %d from %zu to %zu lost data", i, size, new);
		size = new;
		fill_pattern(p, size, 7);
		if (i % 25 == 0)
			KA_EXPECT_CONSISTENT(test, inst);
	}
	ka_inst_free(inst, p);
	KA_EXPECT_CONSISTENT(test, inst);
}

/* alloc_SUITE rbtree, scaled to the VM: random traffic, index checked often. */
static void workout_case(struct kunit *test, enum ka_as as)
{
	struct ka_instance *inst = new_inst(test, as);
	void **slot;
	int i, n = 256;

	slot = kunit_kcalloc(test, n, sizeof(*slot), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	for (i = 0; i < 4000; i++) {
		void **s = &slot[get_random_u32_below(n)];

		if (*s) {
			ka_inst_free(inst, *s);
			*s = NULL;
		} else {
			*s = ka_inst_alloc(inst, 1 + get_random_u32_below(6000), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, *s);
		}
		if (i % 400 == 0)
			KA_EXPECT_CONSISTENT(test, inst);
	}
	for (i = 0; i < n; i++)
		ka_inst_free(inst, slot[i]);
	KA_EXPECT_CONSISTENT(test, inst);
	KUNIT_EXPECT_EQ(test, inst->st.mbc.carriers.cur, 1ULL);
}

/* One case per strategy and kind, named kind_strategy. */
#define STRATEGY_CASES(as)							\
static void pick_##as(struct kunit *t) { pick_case(t, ka_as_of(#as)); }		\
static void carrier_pick_##as(struct kunit *t) { carrier_pick_case(t, ka_as_of(#as)); } \
static void coalesce_##as(struct kunit *t) { coalesce_case(t, ka_as_of(#as)); }	\
static void basic_##as(struct kunit *t) { basic_case(t, ka_as_of(#as)); }	\
static void realloc_##as(struct kunit *t) { realloc_case(t, ka_as_of(#as)); }	\
static void realloc_copy_##as(struct kunit *t) { realloc_copy_case(t, ka_as_of(#as)); } \
static void workout_##as(struct kunit *t) { workout_case(t, ka_as_of(#as)); }

STRATEGY_CASES(bf)
STRATEGY_CASES(aobf)
STRATEGY_CASES(aoff)
STRATEGY_CASES(aoffcbf)
STRATEGY_CASES(aoffcaobf)
STRATEGY_CASES(ageffcaoff)
STRATEGY_CASES(ageffcbf)
STRATEGY_CASES(ageffcaobf)
STRATEGY_CASES(gf)
STRATEGY_CASES(af)

static struct kunit_case strategy_cases[] = {
	KUNIT_CASE(pick_bf),
	KUNIT_CASE(carrier_pick_bf),
	KUNIT_CASE(coalesce_bf),
	KUNIT_CASE(basic_bf),
	KUNIT_CASE(realloc_bf),
	KUNIT_CASE(realloc_copy_bf),
	KUNIT_CASE(workout_bf),
	KUNIT_CASE(pick_aobf),
	KUNIT_CASE(carrier_pick_aobf),
	KUNIT_CASE(coalesce_aobf),
	KUNIT_CASE(basic_aobf),
	KUNIT_CASE(realloc_aobf),
	KUNIT_CASE(realloc_copy_aobf),
	KUNIT_CASE(workout_aobf),
	KUNIT_CASE(pick_aoff),
	KUNIT_CASE(carrier_pick_aoff),
	KUNIT_CASE(coalesce_aoff),
	KUNIT_CASE(basic_aoff),
	KUNIT_CASE(realloc_aoff),
	KUNIT_CASE(realloc_copy_aoff),
	KUNIT_CASE(workout_aoff),
	KUNIT_CASE(pick_aoffcbf),
	KUNIT_CASE(carrier_pick_aoffcbf),
	KUNIT_CASE(coalesce_aoffcbf),
	KUNIT_CASE(basic_aoffcbf),
	KUNIT_CASE(realloc_aoffcbf),
	KUNIT_CASE(realloc_copy_aoffcbf),
	KUNIT_CASE(workout_aoffcbf),
	KUNIT_CASE(pick_aoffcaobf),
	KUNIT_CASE(carrier_pick_aoffcaobf),
	KUNIT_CASE(coalesce_aoffcaobf),
	KUNIT_CASE(basic_aoffcaobf),
	KUNIT_CASE(realloc_aoffcaobf),
	KUNIT_CASE(realloc_copy_aoffcaobf),
	KUNIT_CASE(workout_aoffcaobf),
	KUNIT_CASE(pick_ageffcaoff),
	KUNIT_CASE(carrier_pick_ageffcaoff),
	KUNIT_CASE(coalesce_ageffcaoff),
	KUNIT_CASE(basic_ageffcaoff),
	KUNIT_CASE(realloc_ageffcaoff),
	KUNIT_CASE(realloc_copy_ageffcaoff),
	KUNIT_CASE(workout_ageffcaoff),
	KUNIT_CASE(pick_ageffcbf),
	KUNIT_CASE(carrier_pick_ageffcbf),
	KUNIT_CASE(coalesce_ageffcbf),
	KUNIT_CASE(basic_ageffcbf),
	KUNIT_CASE(realloc_ageffcbf),
	KUNIT_CASE(realloc_copy_ageffcbf),
	KUNIT_CASE(workout_ageffcbf),
	KUNIT_CASE(pick_ageffcaobf),
	KUNIT_CASE(carrier_pick_ageffcaobf),
	KUNIT_CASE(coalesce_ageffcaobf),
	KUNIT_CASE(basic_ageffcaobf),
	KUNIT_CASE(realloc_ageffcaobf),
	KUNIT_CASE(realloc_copy_ageffcaobf),
	KUNIT_CASE(workout_ageffcaobf),
	KUNIT_CASE(pick_gf),
	KUNIT_CASE(carrier_pick_gf),
	KUNIT_CASE(coalesce_gf),
	KUNIT_CASE(basic_gf),
	KUNIT_CASE(realloc_gf),
	KUNIT_CASE(realloc_copy_gf),
	KUNIT_CASE(workout_gf),
	KUNIT_CASE(pick_af),
	KUNIT_CASE(carrier_pick_af),
	KUNIT_CASE(coalesce_af),
	KUNIT_CASE(basic_af),
	KUNIT_CASE(realloc_af),
	KUNIT_CASE(realloc_copy_af),
	KUNIT_CASE(workout_af),
	{}
};

struct kunit_suite ka_test_strategy_suite = {
	.name = "kalloc_strategies",
	.test_cases = strategy_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_strategy_suite);
