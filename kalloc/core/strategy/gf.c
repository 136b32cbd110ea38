// SPDX-License-Identifier: GPL-2.0
/*
 * Good fit (gf): 256 segregated free lists and a two-level bitmap of the
 * non-empty ones. The lists cover four ranges of 64 buckets each, with steps
 * of 1, 16 and 96 units and a last step derived from sbct; the last bucket
 * takes everything larger. A search inspects at most mbsd blocks of the
 * request's own bucket, keeping the best fit seen (an exact fit ends it),
 * and otherwise takes the best of the first mbsd blocks of the next
 * non-empty bucket, all of which fit. Constant time for a small mbsd.
 */
#include "strategy.h"
#include "gf.h"
#include "../check.h"

#define GF_WORDS	(KA_GF_BUCKETS / BITS_PER_LONG)

struct gf_index {
	struct hlist_head buckets[KA_GF_BUCKETS];	/* a pointer each: the index stays small */
	unsigned long nonempty[GF_WORDS];	/* bit per bucket */
	unsigned long nonempty_words;		/* bit per word of nonempty[] */
	size_t r3_start, r3_step;
	unsigned int mbsd;
};

struct gf_node {
	struct hlist_node link;
};

#define R0_STEP	(1 * KA_UNIT)
#define R1_STEP	(16 * KA_UNIT)
#define R2_STEP	(96 * KA_UNIT)
#define R1_START (64 * R0_STEP)
#define R2_START (R1_START + 64 * R1_STEP)
#define R3_START (R2_START + 64 * R2_STEP)

unsigned int ka_gf_bucket(const void *idx, size_t size)
{
	const struct gf_index *gi = idx;
	size_t ix;

	if (size < R1_START)
		return size / R0_STEP;
	if (size < R2_START)
		return 64 + (size - R1_START) / R1_STEP;
	if (size < R3_START)
		return 128 + (size - R2_START) / R2_STEP;
	ix = 192 + (size - gi->r3_start) / gi->r3_step;
	return min_t(size_t, ix, KA_GF_BUCKETS - 1);
}

static void gf_init(void *idx, const struct ka_strategy_params *p)
{
	struct gf_index *gi = idx;
	size_t span;
	int i;

	BUILD_BUG_ON(KA_GF_BUCKETS != 4 * 64 || GF_WORDS > BITS_PER_LONG);
	for (i = 0; i < KA_GF_BUCKETS; i++)
		INIT_HLIST_HEAD(&gi->buckets[i]);
	gi->r3_start = R3_START;
	/* The last range reaches sbct, so only blocks above it share bucket 255. */
	span = p->sbct > R3_START ? p->sbct - R3_START : 0;
	gi->r3_step = max_t(size_t, ALIGN(DIV_ROUND_UP(span, 64), KA_UNIT), KA_UNIT);
	gi->mbsd = max_t(unsigned int, p->mbsd, 1);
}

/* The search depth changes at once; the buckets keep the sbct they were laid out for. */
static void gf_tune(void *idx, const struct ka_strategy_params *p)
{
	struct gf_index *gi = idx;

	gi->mbsd = max_t(unsigned int, p->mbsd, 1);
}

static void mark(struct gf_index *gi, unsigned int ix)
{
	gi->nonempty[ix / BITS_PER_LONG] |= 1UL << (ix % BITS_PER_LONG);
	gi->nonempty_words |= 1UL << (ix / BITS_PER_LONG);
}

static void unmark(struct gf_index *gi, unsigned int ix)
{
	unsigned int w = ix / BITS_PER_LONG;

	gi->nonempty[w] &= ~(1UL << (ix % BITS_PER_LONG));
	if (!gi->nonempty[w])
		gi->nonempty_words &= ~(1UL << w);
}

/* First non-empty bucket at or after @ix, or KA_GF_BUCKETS. */
static unsigned int first_nonempty(const struct gf_index *gi, unsigned int ix)
{
	unsigned int w = ix / BITS_PER_LONG;
	unsigned long bits, words;

	if (ix >= KA_GF_BUCKETS)
		return KA_GF_BUCKETS;
	bits = gi->nonempty[w] & (~0UL << (ix % BITS_PER_LONG));
	if (bits)
		return w * BITS_PER_LONG + __ffs(bits);
	words = w + 1 < GF_WORDS ? gi->nonempty_words & (~0UL << (w + 1)) : 0;
	if (!words)
		return KA_GF_BUCKETS;
	w = __ffs(words);
	return w * BITS_PER_LONG + __ffs(gi->nonempty[w]);
}

unsigned int ka_gf_first_nonempty(const void *idx, unsigned int ix)
{
	return first_nonempty(idx, ix);
}

static void gf_insert(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct gf_index *gi = idx;
	unsigned int ix = ka_gf_bucket(gi, ka_blk_size(b));
	struct gf_node *n = ka_blk_node(b);

	hlist_add_head(&n->link, &gi->buckets[ix]);
	mark(gi, ix);
}

static void gf_remove(void *idx, struct ka_carrier *c, struct ka_block *b)
{
	struct gf_index *gi = idx;
	unsigned int ix = ka_gf_bucket(gi, ka_blk_size(b));
	struct gf_node *n = ka_blk_node(b);

	hlist_del(&n->link);
	if (hlist_empty(&gi->buckets[ix]))
		unmark(gi, ix);
}

/* Best fit among the first mbsd blocks of bucket @ix; an exact fit wins. */
static struct ka_block *search_bucket(struct gf_index *gi, unsigned int ix, size_t size)
{
	struct ka_block *best = NULL;
	unsigned int seen = 0;
	struct gf_node *n;

	hlist_for_each_entry(n, &gi->buckets[ix], link) {
		struct ka_block *b = ka_node_blk(n);
		size_t bsize = ka_blk_size(b);

		if (bsize >= size && (!best || bsize < ka_blk_size(best))) {
			best = b;
			if (bsize == size)
				break;
		}
		if (++seen >= gi->mbsd)
			break;
	}
	return best;
}

static struct ka_block *gf_find(void *idx, size_t size)
{
	struct gf_index *gi = idx;
	unsigned int ix = ka_gf_bucket(gi, size);
	unsigned int found = first_nonempty(gi, ix);
	struct ka_block *b;

	if (found == ix) {
		b = search_bucket(gi, ix, size);
		if (b)
			return b;
		found = first_nonempty(gi, ix + 1);
	}
	if (found >= KA_GF_BUCKETS)
		return NULL;
	return search_bucket(gi, found, size);
}

static void gf_check(void *idx, struct ka_check *chk, ka_check_visit_fn visit)
{
	struct gf_index *gi = idx;
	unsigned int ix, w;

	for (ix = 0; ix < KA_GF_BUCKETS; ix++) {
		bool bit = gi->nonempty[ix / BITS_PER_LONG] & (1UL << (ix % BITS_PER_LONG));
		struct gf_node *n;

		if (bit == hlist_empty(&gi->buckets[ix]))
			ka_check_fail(chk, "gf: bucket %u bitmap bit %d disagrees with its list",
				      ix, bit);
		hlist_for_each_entry(n, &gi->buckets[ix], link) {
			struct ka_block *b = ka_node_blk(n);

			if (ka_gf_bucket(gi, ka_blk_size(b)) != ix)
				ka_check_fail(chk, "gf: block of %zu bytes in bucket %u",
					      ka_blk_size(b), ix);
			visit(chk, b);
		}
	}
	for (w = 0; w < GF_WORDS; w++)
		if (!!gi->nonempty[w] != !!(gi->nonempty_words & (1UL << w)))
			ka_check_fail(chk, "gf: summary bit of word %u is wrong", w);
}

const struct ka_strategy ka_strategy_gf = {
	.name = "gf",
	.node_size = sizeof(struct gf_node),
	.index_size = sizeof(struct gf_index),
	.init = gf_init,
	.tune = gf_tune,
	.carrier_add = ka_strategy_carrier_noop,
	.carrier_remove = ka_strategy_carrier_noop,
	.insert = gf_insert,
	.remove = gf_remove,
	.find = gf_find,
	.check = gf_check,
};
