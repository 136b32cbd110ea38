// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator instance: alloc, realloc and free over multiblock and
 * singleblock carriers, with immediate coalescing through boundary tags.
 * Free-block placement is the strategy's; where carrier memory comes from is
 * the sources'. Documentation/core.rst describes the rules implemented here.
 */
#include "hole.h"
#include "instance.h"

/* erts_alloc's 64-bit defaults (std_alloc where an allocator differs). */
void ka_params_default(struct ka_params *p)
{
	*p = (struct ka_params) {
		.as = KA_AS_BF,
		.sbct = 512 * 1024,
		.mmbcs = 128 * 1024,
		.smbcs = 256 * 1024,
		.lmbcs = 10 * 1024 * 1024,
		.mbcgs = 10,
		.ycs = 1024 * 1024,
		.mbsd = 3,
		.ramv = false,
		.rmbcmt = 50,
		.rsbcmt = 80,
		.rsbcst = 20,
		.asbcst = 4145152,
		.mmmbc = KA_UNLIMITED,
		.mmsbc = 256,
		.acnl = 1000,
		.fcmax = KA_FRONT_MAX,
	};
}

static struct ka_carrier_stats *cstats(struct ka_instance *inst, const struct ka_carrier *c)
{
	return ka_crr_sbc(c) ? &inst->st.sbc : &inst->st.mbc;
}

static void account_block(struct ka_instance *inst, struct ka_carrier *c, size_t size, bool add)
{
	struct ka_carrier_stats *cs = cstats(inst, c);

	if (add) {
		ka_stat_add(&cs->blocks, 1);
		ka_stat_add(&cs->blocks_size, size);
		c->used_blocks++;
		c->used_size += size;
	} else {
		ka_stat_sub(&cs->blocks, 1);
		ka_stat_sub(&cs->blocks_size, size);
		c->used_blocks--;
		c->used_size -= size;
	}
}

/* An allocated block changed size in place. */
static void account_resize(struct ka_instance *inst, struct ka_carrier *c,
			   size_t old, size_t new)
{
	struct ka_carrier_stats *cs = cstats(inst, c);

	if (new > old)
		ka_stat_add(&cs->blocks_size, new - old);
	else
		ka_stat_sub(&cs->blocks_size, old - new);
	c->used_size = c->used_size - old + new;
}

/* With atags every allocated block ends with one word naming its origin. */
static size_t tag_room(const struct ka_instance *inst)
{
	return inst->p.atags ? sizeof(unsigned long) : 0;
}

static unsigned long *tag_of(const struct ka_block *b)
{
	return (unsigned long *)((char *)b + ka_blk_size(b)) - 1;
}

static unsigned long read_tag(const struct ka_instance *inst, const struct ka_block *b)
{
	return inst->p.atags ? *tag_of(b) : 0;
}

static void write_tag(const struct ka_instance *inst, struct ka_block *b, unsigned long origin)
{
	if (inst->p.atags)
		*tag_of(b) = origin;
}

static size_t block_size_for(const struct ka_instance *inst, size_t size)
{
	return max_t(size_t, ALIGN(size + KA_HDR_SIZE + tag_room(inst), KA_UNIT),
		     inst->min_block);
}

/* ---- carriers ---- */

/*
 * erts's disable-abandon counter: allocations raise it, frees lower it, a
 * new carrier sets it to the top, and carriers are abandoned only at zero.
 */
#define KA_HOLDOFF_MAX		1000U
#define KA_HOLDOFF_ALLOC	8U
#define KA_HOLDOFF_FREE		10U

static size_t segment_mbcs(const struct ka_instance *inst)
{
	return inst->st.mbc.src_carriers[KA_SRC_SEG];
}

static size_t sys_round(const struct ka_instance *inst, size_t size)
{
	/* ycs need not be a power of two */
	return inst->p.ycs ? DIV_ROUND_UP(size, inst->p.ycs) * inst->p.ycs : size;
}

/*
 * The manual's growth rule: with nc MBCs besides the main one, the next is
 * smbcs + nc * (lmbcs - smbcs) / mbcgs while nc < mbcgs, then lmbcs; never
 * smaller than what the request needs. Sys carriers are then rounded to ycs.
 */
static size_t mbc_size(const struct ka_instance *inst, size_t blk)
{
	const struct ka_params *p = &inst->p;
	size_t nc = inst->st.mbc.carriers.cur - (inst->main ? 1 : 0);
	size_t size;

	if (nc >= p->mbcgs || p->lmbcs <= p->smbcs)
		size = max(p->lmbcs, p->smbcs);
	else
		size = p->smbcs + nc * (p->lmbcs - p->smbcs) / p->mbcgs;
	return ka_mbc_size_for(blk, max_t(size_t, size, KA_CARRIER_ALIGN));
}

/* @c joins or leaves the carriers @inst counts (blocks are counted apart). */
static void account_carrier(struct ka_instance *inst, struct ka_carrier *c, bool add)
{
	struct ka_carrier_stats *cs = cstats(inst, c);

	if (add) {
		ka_stat_add(&cs->carriers, 1);
		ka_stat_add(&cs->carriers_size, c->size);
		ka_stat_add(&cs->given_back, c->given_back);
		cs->src_carriers[c->src]++;
		cs->src_carriers_size[c->src] += c->size;
	} else {
		ka_stat_sub(&cs->carriers, 1);
		ka_stat_sub(&cs->carriers_size, c->size);
		ka_stat_sub(&cs->given_back, c->given_back);
		cs->src_carriers[c->src]--;
		cs->src_carriers_size[c->src] -= c->size;
	}
}

static void carrier_setup(struct ka_instance *inst, struct ka_carrier *c, size_t size,
			  enum ka_src src, unsigned int flags)
{
	*c = (struct ka_carrier) {
		.size = size,
		.flags = flags,
		.src = src,
		.emp = (unsigned long)inst,
		.home = inst,
		.birth = ka_core_next_birth(),
		.swept_used = size,
	};
	ka_crr_layout(c);
	account_carrier(inst, c, true);
	inst->st.src_creates[src]++;
	list_add_tail(&c->link, ka_crr_sbc(c) ? &inst->sbcs : &inst->mbcs);
	if (inst->hooks)
		inst->hooks->carrier_created(inst, c);
}

/* Only the owner gives a carrier back: it holds the sources it came from. */
static void carrier_free(struct ka_instance *inst, struct ka_carrier *c)
{
	struct ka_source *src = inst->src[c->src];

	if (inst->hooks)
		inst->hooks->carrier_destroying(inst, c);
	inst->st.src_destroys[c->src]++;
	if (c->given_back)
		src->free_holed(src, c);
	else
		src->free(src, c, c->size);
}

static void carrier_release(struct ka_instance *inst, struct ka_carrier *c)
{
	list_del(&c->link);
	account_carrier(inst, c, false);
	carrier_free(inst, c);
}

/*
 * Memory for a carrier: from the segment source until its limit is reached,
 * then (or when it fails) from the sys source, as erts_alloc does.
 */
static void *carrier_memory(struct ka_instance *inst, size_t *size, enum ka_src *src,
			    size_t seg_count, unsigned int seg_limit, bool sbc, gfp_t gfp)
{
	/* virt_to_page() works on every block of the instance */
	unsigned int how = (sbc ? KA_SRC_SBC : 0) | (inst->p.dmap ? KA_SRC_DIRECT : 0);
	void *mem = NULL;

	if (seg_count < seg_limit) {
		size_t want = *size;

		*src = KA_SRC_SEG;
		mem = inst->src[KA_SRC_SEG]->alloc(inst->src[KA_SRC_SEG], &want, how, gfp);
		if (mem) {
			*size = want;
			return mem;
		}
	}
	*src = KA_SRC_SYS;
	if (!sbc)
		*size = sys_round(inst, *size);
	return inst->src[KA_SRC_SYS]->alloc(inst->src[KA_SRC_SYS], size, how, gfp);
}

/* The block-start map knows only the first block of a new MBC. */
static void mbc_map_init(struct ka_carrier *c)
{
	memset(ka_mbc_map(c), 0, ka_mbc_map_bytes(c->size));
	ka_mbc_mark_start(c, ka_crr_first(c));
}

/* New MBC @c takes the strategy in force, for good. */
static void mbc_index_join(struct ka_instance *inst, struct ka_carrier *c)
{
	c->ix = inst->ix;
	c->ix->strat->carrier_add(c->ix->mem, c);
}

/*
 * When a carrier of the growth rule's size cannot be had (a caller that may
 * not sleep or retry gets no vmalloc, nor a high order in fragmented memory),
 * a lean carrier is tried: the smallest holding the block and at least
 * KA_LEAN_MIN, the most the page allocator gives without working hard. The
 * next KA_LEAN_CARRIERS carriers are lean too, as each failed attempt at the
 * full size costs the page allocator a compaction.
 */
#define KA_LEAN_MIN		(32UL * 1024)
#define KA_LEAN_CARRIERS	16U

/* A new MBC whose single free block (not indexed) can hold @blk bytes. */
static struct ka_carrier *mbc_create(struct ka_instance *inst, size_t blk, gfp_t gfp)
{
	size_t size = mbc_size(inst, blk), least = ka_mbc_size_for(blk, KA_LEAN_MIN);
	struct ka_carrier *c;
	enum ka_src src;

	if (size > KA_CARRIER_MAX)
		return NULL;
	if (inst->lean && least < size) {
		inst->lean--;
		size = least;
	}
	c = NULL;
	if (inst->p.acful) {
		/*
		 * A class that gives pages back wants page-allocator carriers,
		 * whose pages can go (Documentation/sources.rst): vmalloc only
		 * once a lean one could not be had from the page allocator either.
		 */
		size_t want = size;

		c = carrier_memory(inst, &size, &src, segment_mbcs(inst), inst->p.mmmbc, false,
				   ka_gfp_no_vmalloc(gfp));
		if (!c && least < want) {
			size = least;
			c = carrier_memory(inst, &size, &src, segment_mbcs(inst), inst->p.mmmbc,
					   false, ka_gfp_no_vmalloc(gfp));
			if (c)
				inst->lean = KA_LEAN_CARRIERS;
		}
		if (!c)
			size = want;
	}
	if (!c)
		c = carrier_memory(inst, &size, &src, segment_mbcs(inst), inst->p.mmmbc, false,
				   gfp);
	if (!c && least < size) {
		inst->lean = KA_LEAN_CARRIERS;
		size = least;
		c = carrier_memory(inst, &size, &src, segment_mbcs(inst), inst->p.mmmbc, false,
				   gfp);
	}
	if (!c)
		return NULL;
	carrier_setup(inst, c, size, src, 0);
	mbc_map_init(c);
	ka_blk_set(ka_crr_first(c), c, ka_mbc_room(size), KA_F_FREE | KA_F_LAST);
	mbc_index_join(inst, c);
	/* A new carrier means demand is rising: abandoning now would be premature. */
	inst->abandon_holdoff = KA_HOLDOFF_MAX;
	return c;
}

/*
 * The main carrier, made when the instance first needs a multiblock carrier
 * (or again after ka_inst_release_main()), if a block of @blk bytes fits.
 * Unlike erts's, it is made on first use, not at start: on a machine of
 * many CPUs most instances are never used (Documentation/core.rst).
 */
static struct ka_carrier *main_create(struct ka_instance *inst, size_t blk, gfp_t gfp)
{
	size_t size = ALIGN(max_t(size_t, inst->p.mmbcs, KA_CARRIER_ALIGN), PAGE_SIZE);
	struct ka_source *sys = inst->src[KA_SRC_SYS];
	struct ka_carrier *c;

	if (ka_mbc_room(size) < blk)
		return NULL;
	c = sys->alloc(sys, &size, inst->p.dmap ? KA_SRC_DIRECT : 0, gfp);
	if (!c)
		return NULL;
	/*
	 * A source that sleeps lets other allocations in (pcpu.h): one may
	 * have made the main carrier meanwhile. This one is then an ordinary
	 * carrier, released when it empties.
	 */
	carrier_setup(inst, c, size, KA_SRC_SYS, inst->main ? 0 : KA_CRR_MAIN);
	if (!inst->main)
		inst->main = c;
	mbc_map_init(c);
	ka_blk_set(ka_crr_first(c), c, ka_mbc_room(size), KA_F_FREE | KA_F_LAST);
	mbc_index_join(inst, c);
	return c;
}

static void mbc_destroy(struct ka_instance *inst, struct ka_carrier *c)
{
	c->ix->strat->carrier_remove(c->ix->mem, c);
	carrier_release(inst, c);
}

/* ---- multiblock carrier blocks ---- */

/* Allocate @blk bytes of type @tid from free, unindexed block @b, splitting off the rest. */
static void *mbc_take(struct ka_instance *inst, struct ka_carrier *c,
		      struct ka_block *b, size_t blk, unsigned int tid, unsigned long origin)
{
	size_t size = ka_blk_size(b);
	bool last = ka_blk_last(b);
	/* set only when an aligned allocation cut a free block off before @b */
	unsigned long prev_free = b->hdr & KA_F_PREV_FREE;

	if (size - blk >= inst->min_block) {
		struct ka_block *rest = (struct ka_block *)((char *)b + blk);

		ka_blk_set(b, c, blk, ka_tid_bits(tid) | prev_free);
		/* The block after @rest already has PREV_FREE: @b was free. */
		ka_blk_make_free(rest, c, size - blk, last ? KA_F_LAST : 0);
		ka_mbc_mark_start(c, rest);
		ka_ix_insert(c, rest);
		size = blk;
	} else {
		ka_blk_set(b, c, size, ka_tid_bits(tid) | prev_free | (last ? KA_F_LAST : 0));
		if (!last)
			ka_blk_clear_flag(ka_blk_next(b), KA_F_PREV_FREE);
	}
	account_block(inst, c, size, true);
	write_tag(inst, b, origin);
	return ka_blk_payload(b);
}

/*
 * A free block of at least @need bytes, left in its index: first in the
 * carriers of the strategy in force, then in those of earlier strategies
 * (ka_inst_strategy_set()), which serve until they empty.
 */
static struct ka_block *index_find(struct ka_instance *inst, size_t need)
{
	struct ka_index *ix = inst->ix;
	struct ka_block *b;

	do
		b = ix->strat->find(ix->mem, need);
	while (!b && (ix = ix->older));
	return b;
}

/* A free block of at least @need bytes, out of the index: found, fetched or new. */
static struct ka_block *mbc_free_block(struct ka_instance *inst, size_t need, gfp_t gfp)
{
	struct ka_block *b = index_find(inst, need);
	struct ka_carrier *c;

	inst->abandon_holdoff = min(inst->abandon_holdoff + KA_HOLDOFF_ALLOC, KA_HOLDOFF_MAX);
	/* A pooled carrier with room comes before a new one. */
	if (!b && inst->hooks && inst->hooks->carrier_fetch &&
	    inst->hooks->carrier_fetch(inst, need))
		b = index_find(inst, need);
	if (b) {
		ka_ix_remove(ka_blk_carrier(b), b);
		return b;
	}
	c = NULL;
	if (!inst->main && inst->p.mmbcs)
		c = main_create(inst, need, gfp);
	if (!c)
		c = mbc_create(inst, need, gfp);
	return c ? ka_crr_first(c) : NULL;
}

static void *mbc_alloc(struct ka_instance *inst, size_t blk, unsigned int tid,
		       unsigned long origin, gfp_t gfp)
{
	struct ka_block *b = mbc_free_block(inst, blk, gfp);

	return b ? mbc_take(inst, ka_blk_carrier(b), b, blk, tid, origin) : NULL;
}

/*
 * How far into free block @b a block must start for its payload to be
 * @align-aligned: 0, or a free block's worth at least, so that what is cut
 * off before it stays a free block (less than min_block + @align).
 */
static size_t aligned_lead(const struct ka_instance *inst, const struct ka_block *b,
			   size_t align)
{
	unsigned long payload = (unsigned long)ka_blk_payload(b);
	size_t lead = ALIGN(payload, align) - payload;

	while (lead && lead < inst->min_block)
		lead += align;
	return lead;
}

/*
 * mbc_alloc() of a block whose payload is @align-aligned (a power of two
 * above KA_UNIT): the free block found is large enough for any lead, which
 * is cut off as a free block of its own before the rest is taken.
 */
static void *mbc_alloc_aligned(struct ka_instance *inst, size_t blk, size_t align,
			       unsigned int tid, unsigned long origin, gfp_t gfp)
{
	struct ka_block *b = mbc_free_block(inst, blk + align + inst->min_block, gfp), *rest;
	struct ka_carrier *c;
	size_t lead, size;
	bool last;

	if (!b)
		return NULL;
	c = ka_blk_carrier(b);
	lead = aligned_lead(inst, b, align);
	if (lead) {
		size = ka_blk_size(b);
		last = ka_blk_last(b);
		rest = (struct ka_block *)((char *)b + lead);
		/* a free block's predecessor is allocated: @b has no PREV_FREE */
		ka_blk_set(rest, c, size - lead, KA_F_FREE | KA_F_PREV_FREE |
			   (last ? KA_F_LAST : 0));
		ka_blk_make_free(b, c, lead, 0);
		ka_mbc_mark_start(c, rest);
		ka_ix_insert(c, b);
		b = rest;
	}
	return mbc_take(inst, c, b, blk, tid, origin);
}

/*
 * Up to @n blocks of exactly @blk bytes, untyped and with @state (e.g.
 * KA_F_CACHED) in their headers, carved one after the other from the free
 * block a single allocation of @blk would take: one index removal and one
 * insertion for all of them. How many are in @out (0 when that block cannot
 * be cut to @blk exactly; the caller then allocates one by one).
 */
unsigned int ka_inst_alloc_run(struct ka_instance *inst, size_t blk, unsigned long state,
			       void **out, unsigned int n)
{
	struct ka_block *b = index_find(inst, blk), *cur;
	unsigned int got = 0;
	struct ka_carrier *c;
	size_t left;
	bool last;

	if (!b || !n)
		return 0;
	left = ka_blk_size(b);
	if (left != blk && left - blk < inst->min_block)
		return 0;
	c = ka_blk_carrier(b);
	ka_ix_remove(c, b);
	last = ka_blk_last(b);
	cur = b;
	/* a free block's neighbours are allocated: no carved block has PREV_FREE */
	while (got < n && (left == blk || (left > blk && left - blk >= inst->min_block))) {
		left -= blk;
		ka_blk_set(cur, c, blk, state | (!left && last ? KA_F_LAST : 0));
		if (cur != b)
			ka_mbc_mark_start(c, cur);
		account_block(inst, c, blk, true);
		write_tag(inst, cur, 0);
		out[got++] = ka_blk_payload(cur);
		cur = ka_blk_next(cur);
	}
	if (left) {
		/* the block after the rest still has PREV_FREE: @b was free */
		ka_blk_make_free(cur, c, left, last ? KA_F_LAST : 0);
		ka_mbc_mark_start(c, cur);
		ka_ix_insert(c, cur);
	} else if (!last) {
		ka_blk_clear_flag(cur, KA_F_PREV_FREE);
	}
	inst->st.alloc_calls += got;
	inst->abandon_holdoff = min(inst->abandon_holdoff + got * KA_HOLDOFF_ALLOC,
				    KA_HOLDOFF_MAX);
	return got;
}

/* Turn allocated block @b free, merged with free neighbours; returns the result, unindexed. */
static struct ka_block *coalesce(struct ka_instance *inst, struct ka_carrier *c,
				 struct ka_block *b)
{
	size_t size = ka_blk_size(b);
	bool last = ka_blk_last(b);

	if (ka_blk_prev_free(b)) {
		struct ka_block *prev = ka_blk_prev(b);

		ka_ix_remove(c, prev);
		size += ka_blk_size(prev);
		ka_mbc_clear_start(c, b);
		b = prev;
	}
	if (!last) {
		struct ka_block *next = (struct ka_block *)((char *)b + size);

		if (ka_blk_free(next)) {
			ka_ix_remove(c, next);
			last = ka_blk_last(next);
			size += ka_blk_size(next);
			ka_mbc_clear_start(c, next);
		}
	}
	ka_blk_make_free(b, c, size, last ? KA_F_LAST : 0);
	return b;
}

/*
 * erts's abandon test: the instance and the carrier are both at or below
 * acul, the carrier's largest free block is at least acfml, and allocation
 * is not ramping up. Pool-side limits (acnl, grace) are the layer's.
 */
static void maybe_abandon(struct ka_instance *inst, struct ka_carrier *c)
{
	const struct ka_carrier_stats *cs = &inst->st.mbc;
	u64 acul = inst->p.acul;

	if (!inst->hooks || !inst->hooks->carrier_abandon || !ka_inst_can_migrate(inst) ||
	    inst->abandon_holdoff || ka_crr_main(c))
		return;
	if (cs->blocks_size.cur * 100 > acul * (cs->carriers_size.cur - cs->given_back.cur) ||
	    (u64)c->used_size * 100 > acul * ka_crr_resident(c))
		return;
	if (ka_inst_carrier_largest(inst, c) < inst->p.acfml)
		return;
	inst->hooks->carrier_abandon(inst, c);
}

/* Free an MBC block: coalesce with free neighbours, index or release. */
static void mbc_free(struct ka_instance *inst, struct ka_carrier *c, struct ka_block *b)
{
	account_block(inst, c, ka_blk_size(b), false);
	b = coalesce(inst, c, b);
	inst->abandon_holdoff -= min(inst->abandon_holdoff, KA_HOLDOFF_FREE);
	if (c->used_blocks || ka_crr_main(c)) {
		ka_hole_freed(inst, c, b);
		maybe_abandon(inst, c);
		if (!c->used_blocks && inst->hooks && inst->hooks->main_empty)
			inst->hooks->main_empty(inst);
		return;
	}
	if (c->home == inst) {
		if (c->given_back)
			ka_hole_unindex(inst, c, b);
		mbc_destroy(inst, c);
		return;
	}
	/* Only its owner may give a carrier back. */
	ka_ix_insert(c, b);
	ka_inst_mbc_detach(inst, c);
	inst->hooks->carrier_foreign_empty(inst, c);
}

/* ---- singleblock carriers ---- */

static void *sbc_alloc(struct ka_instance *inst, size_t size, unsigned int tid,
		       unsigned long origin, gfp_t gfp)
{
	size_t blk = ALIGN(size + KA_HDR_SIZE + tag_room(inst), KA_UNIT);
	size_t csize = ALIGN(KA_CRR_HDR_SIZE + blk, PAGE_SIZE);
	struct ka_carrier *c;
	enum ka_src src;

	if (csize > KA_CARRIER_MAX)
		return NULL;
	c = carrier_memory(inst, &csize, &src, inst->st.sbc.src_carriers[KA_SRC_SEG],
			   inst->p.mmsbc, true, gfp);
	if (!c)
		return NULL;
	carrier_setup(inst, c, csize, src, KA_CRR_SBC);
	ka_blk_set(ka_crr_first(c), c, ka_sbc_room(csize), ka_tid_bits(tid) | KA_F_LAST);
	account_block(inst, c, ka_sbc_room(csize), true);
	write_tag(inst, ka_crr_first(c), origin);
	return ka_blk_payload(ka_crr_first(c));
}

static void sbc_free(struct ka_instance *inst, struct ka_carrier *c, struct ka_block *b)
{
	account_block(inst, c, ka_blk_size(b), false);
	carrier_release(inst, c);
}

/* ---- the instance ---- */

static void *inst_alloc(struct ka_instance *inst, size_t size, unsigned int tid,
			unsigned long origin, gfp_t gfp)
{
	if (unlikely(!size || size > KA_MAX_REQUEST || tid > KA_TID_MAX))
		return NULL;
	if (size >= inst->p.sbct)
		return sbc_alloc(inst, size, tid, origin, gfp);
	return mbc_alloc(inst, block_size_for(inst, size), tid, origin, gfp);
}

/*
 * Aligned blocks come from multiblock carriers whatever their size: a
 * singleblock carrier's payload sits at one offset from its start.
 */
void *ka_inst_alloc_aligned(struct ka_instance *inst, size_t size, size_t align,
			    unsigned int tid, unsigned long origin, gfp_t gfp)
{
	void *ptr;

	if (align <= KA_UNIT)
		return ka_inst_alloc_tagged(inst, size, tid, origin, gfp);
	if (unlikely(!size || size > KA_MAX_REQUEST || tid > KA_TID_MAX ||
		     (align & (align - 1)) || align > KA_ALIGN_MAX))
		return NULL;
	inst->st.alloc_calls++;
	ptr = mbc_alloc_aligned(inst, block_size_for(inst, size), align, tid, origin,
				gfp & ~__GFP_ZERO);
	if (ptr && (gfp & __GFP_ZERO))
		memset(ptr, 0, size);
	return ptr;
}

void *ka_inst_alloc_tagged(struct ka_instance *inst, size_t size, unsigned int tid,
			   unsigned long origin, gfp_t gfp)
{
	void *ptr;

	inst->st.alloc_calls++;
	/* Zero the block, not whole carriers the sources might make for it. */
	ptr = inst_alloc(inst, size, tid, origin, gfp & ~__GFP_ZERO);
	if (ptr && (gfp & __GFP_ZERO))
		memset(ptr, 0, size);
	return ptr;
}

/* The block of @ptr if it is a live block of @inst; otherwise reported, NULL. */
static struct ka_block *own_block(struct ka_instance *inst, const void *ptr, const char *op)
{
	struct ka_block *b = ka_payload_blk(ptr);

	if ((unsigned long)ptr & (KA_UNIT - 1)) {
		ka_report("kalloc: %s of misaligned pointer %p, not a kalloc block\n", op, ptr);
		return NULL;
	}
	if (ka_crr_inst(ka_blk_carrier(b)) != inst || ka_crr_detached(ka_blk_carrier(b))) {
		ka_report("kalloc: %s of %p, which is not a block of this instance\n", op, ptr);
		return NULL;
	}
	if (ka_blk_free(b)) {
		ka_report("kalloc: %s of %p, which is already free (double free?)\n", op, ptr);
		return NULL;
	}
	return b;
}

static void inst_free(struct ka_instance *inst, struct ka_block *b)
{
	struct ka_carrier *c = ka_blk_carrier(b);

	if (ka_crr_sbc(c))
		sbc_free(inst, c, b);
	else
		mbc_free(inst, c, b);
}

void ka_inst_free(struct ka_instance *inst, void *ptr)
{
	struct ka_block *b;

	if (!ptr)
		return;
	inst->st.free_calls++;
	b = own_block(inst, ptr, "free");
	if (b)
		inst_free(inst, b);
}

size_t ka_inst_usable_size(const void *ptr)
{
	const struct ka_block *b = ka_payload_blk(ptr);

	return ka_blk_size(b) - KA_HDR_SIZE - tag_room(ka_blk_carrier(b)->home);
}

struct ka_instance *ka_ptr_instance(const void *ptr)
{
	return ka_crr_inst(ka_blk_carrier(ka_payload_blk(ptr)));
}

unsigned long ka_inst_block_origin(const void *ptr)
{
	const struct ka_block *b = ka_payload_blk(ptr);

	return read_tag(ka_blk_carrier(b)->home, b);
}

size_t ka_inst_block_size(const struct ka_instance *inst, size_t size)
{
	return block_size_for(inst, size);
}

void ka_inst_set_origin(const struct ka_instance *inst, void *ptr, unsigned long origin)
{
	write_tag(inst, ka_payload_blk(ptr), origin);
}

/*
 * Allocate anew, copy, free the old block; on failure the old block stays.
 * Under ka_inst_resize() without @may_move, a copy above KA_COPY_IN_PLACE is
 * left to the caller: KA_RESIZE_MOVE, or KA_RESIZE_MAY_MOVE when keeping the
 * block where it is would also do (@optional).
 */
void ka_inst_wipe(void *ptr)
{
	memset(ptr, 0, ka_inst_usable_size(ptr));
}

/* Frees block @b, whose bytes were copied elsewhere; init_on_free=1 wipes them first. */
static void free_moved(struct ka_instance *inst, struct ka_block *b)
{
	if (inst->hooks && inst->hooks->block_moved)
		inst->hooks->block_moved(inst, ka_blk_payload(b));
	if (ka_core_init_on_free())
		ka_inst_wipe(ka_blk_payload(b));
	inst_free(inst, b);
}

static void *realloc_move(struct ka_instance *inst, struct ka_block *b, size_t size, gfp_t gfp,
			  bool optional)
{
	size_t keep = min(size, ka_inst_usable_size(ka_blk_payload(b)));
	void *ptr;

	if (inst->copy_limit < keep)
		return optional ? KA_RESIZE_MAY_MOVE : KA_RESIZE_MOVE;
	ptr = inst_alloc(inst, size, ka_blk_tid(b), read_tag(inst, b), gfp);

	if (!ptr)
		return NULL;
	memcpy(ptr, ka_blk_payload(b), keep);
	free_moved(inst, b);
	return ptr;
}

/* Shrink MBC block @b to @blk bytes where it is; the tail joins a free next block. */
static void mbc_shrink(struct ka_instance *inst, struct ka_carrier *c,
		       struct ka_block *b, size_t blk)
{
	size_t old = ka_blk_size(b), tail = old - blk;
	/* QUEUED too: the caller may have claimed the block against a racing free. */
	unsigned long keep = b->hdr & (KA_F_PREV_FREE | KA_TID_MASK | KA_F_QUEUED);
	unsigned long origin = read_tag(inst, b);
	bool last = ka_blk_last(b);
	struct ka_block *rest = (struct ka_block *)((char *)b + blk);
	struct ka_block *next = last ? NULL : ka_blk_next(b);

	if (next && ka_blk_free(next)) {
		/* Even a tail too small to be a block of its own is not lost. */
		ka_ix_remove(c, next);
		last = ka_blk_last(next);
		tail += ka_blk_size(next);
		ka_mbc_clear_start(c, next);
	} else if (tail < inst->min_block) {
		return;
	}
	ka_blk_set(b, c, blk, keep);
	ka_blk_make_free(rest, c, tail, last ? KA_F_LAST : 0);
	ka_mbc_mark_start(c, rest);
	account_resize(inst, c, old, blk);
	ka_hole_freed(inst, c, rest);
	write_tag(inst, b, origin);
	maybe_abandon(inst, c);
}

/* Grow MBC block @b to @blk bytes into a free next block, if it is big enough. */
static bool mbc_grow(struct ka_instance *inst, struct ka_carrier *c,
		     struct ka_block *b, size_t blk)
{
	size_t old = ka_blk_size(b), total;
	unsigned long keep = b->hdr & (KA_F_PREV_FREE | KA_TID_MASK | KA_F_QUEUED);
	unsigned long origin = read_tag(inst, b);
	struct ka_block *next;
	bool last;

	if (ka_blk_last(b))
		return false;
	next = ka_blk_next(b);
	if (!ka_blk_free(next) || old + ka_blk_size(next) < blk)
		return false;
	ka_ix_remove(c, next);
	total = old + ka_blk_size(next);
	last = ka_blk_last(next);
	ka_mbc_clear_start(c, next);
	if (total - blk >= inst->min_block) {
		struct ka_block *rest = (struct ka_block *)((char *)b + blk);

		ka_blk_set(b, c, blk, keep);
		ka_blk_make_free(rest, c, total - blk, last ? KA_F_LAST : 0);
		ka_mbc_mark_start(c, rest);
		ka_ix_insert(c, rest);
	} else {
		blk = total;
		ka_blk_set(b, c, blk, keep | (last ? KA_F_LAST : 0));
		if (!last)
			ka_blk_clear_flag(ka_blk_next(b), KA_F_PREV_FREE);
	}
	account_resize(inst, c, old, blk);
	write_tag(inst, b, origin);
	return true;
}

static void *mbc_realloc(struct ka_instance *inst, struct ka_carrier *c,
			 struct ka_block *b, size_t size, gfp_t gfp)
{
	size_t old = ka_blk_size(b), blk = block_size_for(inst, size);

	if (size >= inst->p.sbct || inst->p.ramv)
		return realloc_move(inst, b, size, gfp, false);
	if (blk == old)
		return ka_blk_payload(b);
	if (blk < old) {
		/*
		 * rmbcmt: a shrink that frees more than this share of the block
		 * moves it, but only into free space the instance already has.
		 */
		if ((old - blk) * 100 > (size_t)inst->p.rmbcmt * old && size <= inst->copy_limit) {
			struct ka_block *to = index_find(inst, blk);

			if (to) {
				struct ka_carrier *tc = ka_blk_carrier(to);
				void *ptr;

				ka_ix_remove(tc, to);
				ptr = mbc_take(inst, tc, to, blk, ka_blk_tid(b), read_tag(inst, b));
				memcpy(ptr, ka_blk_payload(b), size);
				free_moved(inst, b);
				return ptr;
			}
		}
		mbc_shrink(inst, c, b, blk);
		return ka_blk_payload(b);
	}
	if (mbc_grow(inst, c, b, blk))
		return ka_blk_payload(b);
	return realloc_move(inst, b, size, gfp, false);
}

static void *sbc_realloc(struct ka_instance *inst, struct ka_carrier *c,
			 struct ka_block *b, size_t size, gfp_t gfp)
{
	size_t room = ka_blk_size(b);
	size_t blk = ALIGN(size + KA_HDR_SIZE + tag_room(inst), KA_UNIT);
	size_t unused, need;
	void *ptr;

	if (inst->p.ramv)
		return realloc_move(inst, b, size, gfp, false);
	if (blk > room)
		return realloc_move(inst, b, size, gfp, false);
	if (size < inst->p.sbct) {
		/* rsbcmt: below sbct the block moves to an MBC if the SBC would be mostly empty. */
		unused = c->size - blk;
		if (unused * 100 < (size_t)inst->p.rsbcmt * c->size)
			return ka_blk_payload(b);
		ptr = realloc_move(inst, b, size, gfp, true);
		return ptr ? ptr : ka_blk_payload(b);
	}
	/* rsbcst and asbcst: the carrier shrinks unless little would be gained. */
	need = ALIGN(KA_CRR_HDR_SIZE + blk, PAGE_SIZE);
	unused = c->size - need;
	if (unused < inst->p.asbcst && unused * 100 < (size_t)inst->p.rsbcst * c->size)
		return ka_blk_payload(b);
	ptr = realloc_move(inst, b, size, gfp, true);
	return ptr ? ptr : ka_blk_payload(b);
}

/*
 * With __GFP_ZERO the bytes a block gains are zeroed, grown in place (a
 * free neighbour's old bytes) or moved (the new block's), as krealloc()
 * zeroes them: from the old block's usable size on.
 */
void *ka_inst_realloc(struct ka_instance *inst, void *ptr, size_t size, gfp_t gfp)
{
	struct ka_block *b;
	struct ka_carrier *c;
	size_t had;
	void *new;

	if (!ptr)
		return ka_inst_alloc(inst, size, gfp);
	inst->st.realloc_calls++;
	if (!size) {
		ka_inst_free(inst, ptr);
		return NULL;
	}
	b = own_block(inst, ptr, "realloc");
	if (!b || size > KA_MAX_REQUEST)
		return NULL;
	c = ka_blk_carrier(b);
	had = ka_inst_usable_size(ptr);
	if (ka_crr_sbc(c))
		new = sbc_realloc(inst, c, b, size, gfp & ~__GFP_ZERO);
	else
		new = mbc_realloc(inst, c, b, size, gfp & ~__GFP_ZERO);
	if ((gfp & __GFP_ZERO) && size > had && new && new != KA_RESIZE_MOVE &&
	    new != KA_RESIZE_MAY_MOVE)
		memset((char *)new + had, 0, size - had);
	return new;
}

void *ka_inst_resize(struct ka_instance *inst, void *ptr, size_t size, gfp_t gfp)
{
	void *ret;

	inst->copy_limit = KA_COPY_IN_PLACE;
	ret = ka_inst_realloc(inst, ptr, size, gfp);
	inst->copy_limit = SIZE_MAX;
	return ret;
}

/* An empty index of strategy @p->as in @mem, or in memory of @gfp with @mem NULL. */
static struct ka_index *index_make(const struct ka_params *p, void *mem, gfp_t gfp)
{
	struct ka_strategy_params sp = { .sbct = p->sbct, .mbsd = p->mbsd };
	const struct ka_strategy *strat = ka_strategy_get(p->as);
	size_t size = ka_inst_index_size(p);
	struct ka_index *ix;

	if (!strat)
		return NULL;
	if (mem)
		memset(mem, 0, size);
	ix = mem ?: ka_core_zalloc_gfp(size, gfp);
	if (!ix)
		return NULL;
	ix->strat = strat;
	ix->owned = !mem;
	strat->init(ix->mem, &sp);
	return ix;
}

int ka_inst_init_hooked(struct ka_instance *inst, const struct ka_params *p,
			struct ka_source *seg, struct ka_source *sys,
			const struct ka_inst_hooks *hooks, void *idx, gfp_t gfp)
{
	const struct ka_strategy *strat = ka_strategy_get(p->as);

	if (!strat || !seg || !sys || !p->sbct || p->smbcs > KA_CARRIER_MAX ||
	    p->lmbcs > KA_CARRIER_MAX || p->mmbcs > KA_CARRIER_MAX)
		return -EINVAL;
	memset(inst, 0, sizeof(*inst));
	inst->copy_limit = SIZE_MAX;
	inst->hooks = hooks;
	inst->p = *p;
	inst->min_block = max(ka_strategy_min_block(strat), ALIGN(p->blk_min, KA_UNIT));
	inst->src[KA_SRC_SEG] = seg;
	inst->src[KA_SRC_SYS] = sys;
	INIT_LIST_HEAD(&inst->mbcs);
	INIT_LIST_HEAD(&inst->sbcs);
	inst->ix = index_make(p, idx, gfp);
	return inst->ix ? 0 : -ENOMEM;
}

void ka_inst_params_set(struct ka_instance *inst, const struct ka_params *p)
{
	struct ka_strategy_params sp = { .sbct = p->sbct, .mbsd = p->mbsd };
	enum ka_as as = inst->p.as;
	bool atags = inst->p.atags;
	size_t blk_min = inst->p.blk_min;
	struct ka_index *ix;

	inst->p = *p;
	/* every block's layout was made for these; the strategy changes on its own */
	inst->p.as = as;
	inst->p.atags = atags;
	inst->p.blk_min = blk_min;
	for (ix = inst->ix; ix; ix = ix->older)
		if (ix->strat->tune)
			ix->strat->tune(ix->mem, &sp);
}

size_t ka_inst_index_size(const struct ka_params *p)
{
	const struct ka_strategy *strat = ka_strategy_get(p->as);

	return strat ? sizeof(struct ka_index) + strat->index_size : 0;
}

struct ka_index *ka_inst_index_new(const struct ka_params *p, gfp_t gfp)
{
	return index_make(p, NULL, gfp);
}

void ka_inst_index_free(struct ka_index *ix)
{
	if (ix && ix->owned)
		ka_core_free(ix);
}

struct ka_index *ka_inst_index_of(const struct ka_instance *inst,
				  const struct ka_strategy *strat)
{
	struct ka_index *ix;

	for (ix = inst->ix; ix; ix = ix->older)
		if (ix->strat == strat)
			return ix;
	return NULL;
}

size_t ka_inst_index_bytes(const struct ka_instance *inst)
{
	struct ka_index *ix;
	size_t bytes = 0;

	for (ix = inst->ix; ix; ix = ix->older)
		if (ix->owned)
			bytes += sizeof(*ix) + ix->strat->index_size;
	return bytes;
}

/*
 * The index of @as goes first, so that new carriers join it and searches
 * try it first; the others stay behind it, each carrier of theirs serving
 * under its own strategy until it empties or migrates.
 */
int ka_inst_strategy_set(struct ka_instance *inst, enum ka_as as, struct ka_index **spare)
{
	const struct ka_strategy *strat = ka_strategy_get(as);
	struct ka_index *ix, **link;

	if (!ka_strategy_fits(strat, inst->min_block, inst->p.acul))
		return -EINVAL;
	for (link = &inst->ix; *link; link = &(*link)->older)
		if ((*link)->strat == strat)
			break;
	ix = *link;
	if (ix) {
		*link = ix->older;
	} else {
		ix = spare ? *spare : NULL;
		if (!ix || ix->strat != strat)
			return -ENOMEM;
		*spare = NULL;
	}
	ix->older = inst->ix;
	inst->ix = ix;
	inst->p.as = as;
	return 0;
}

bool ka_inst_release_main(struct ka_instance *inst)
{
	struct ka_carrier *c = inst->main;

	if (!c || c->used_blocks)
		return false;
	inst->main = NULL;
	/* empty and coalesced: one free block, indexed, unlike a carrier mbc_free() ends */
	ka_ix_remove(c, ka_crr_first(c));
	mbc_destroy(inst, c);
	return true;
}

/*
 * The instance's CPU went away: what it can give up goes. Its main carrier
 * is given back when no block lives in it (the growth rule makes carriers
 * afresh if the CPU returns: a main carrier is only a head start), and,
 * with migration, every other multiblock carrier it employs (each holds
 * live blocks: an empty one is released when it empties) is offered to the
 * pool whatever acul says, so that other CPUs allocate from its free space.
 * Singleblock carriers hold a live block each and stay. The pool may still
 * refuse a carrier (acnl, a grace period not over); the abandoned counter
 * tells.
 */
bool ka_inst_retire(struct ka_instance *inst, struct ka_carrier *cur)
{
	unsigned int work = KA_HOLD_WORK;
	struct ka_carrier *c;

	ka_inst_release_main(inst);
	if (!inst->hooks || !inst->hooks->carrier_abandon || !ka_inst_can_migrate(inst))
		return false;
	/* an abandon is a pool insertion: a few dozen list and tree steps */
	for (; work >= 32; work -= 32) {
		c = ka_crr_cursor_next(&inst->mbcs, cur);
		if (!c)
			return false;
		if (!ka_crr_main(c))
			inst->hooks->carrier_abandon(inst, c);
	}
	return true;
}

void ka_crr_cursor_init(struct ka_carrier *cur)
{
	memset(cur, 0, sizeof(*cur));
	cur->flags = KA_CRR_CURSOR;
	INIT_LIST_HEAD(&cur->link);
}

/*
 * The carrier after @cur in @list, or NULL at its end; @cur moves past it.
 * A cursor not yet in the list starts at the head. Its birth follows the
 * carrier before it, so that ka_inst_mbc_attach() keeps the list in order.
 */
struct ka_carrier *ka_crr_cursor_next(struct list_head *list, struct ka_carrier *cur)
{
	struct list_head *pos = list_empty(&cur->link) ? list : &cur->link;
	struct ka_carrier *c;

	for (pos = pos->next; pos != list; pos = pos->next) {
		c = list_entry(pos, struct ka_carrier, link);
		if (ka_crr_cursor(c))
			continue;
		list_move(&cur->link, pos);
		cur->birth = c->birth;
		return c;
	}
	list_move_tail(&cur->link, list);
	return NULL;
}

/* The carrier ka_crr_cursor_next() last returned, if it is still in @list; else NULL. */
struct ka_carrier *ka_crr_cursor_current(struct list_head *list, struct ka_carrier *cur)
{
	struct ka_carrier *c;

	if (list_empty(&cur->link) || cur->link.prev == list)
		return NULL;
	c = list_entry(cur->link.prev, struct ka_carrier, link);
	return !ka_crr_cursor(c) && c->birth == cur->birth ? c : NULL;
}

void ka_crr_cursor_done(struct ka_carrier *cur)
{
	list_del_init(&cur->link);
}

/* Releases every carrier; returns how many blocks were still allocated. */
size_t ka_inst_destroy(struct ka_instance *inst)
{
	size_t live = inst->st.mbc.blocks.cur + inst->st.sbc.blocks.cur;
	struct ka_carrier *c, *next;

	list_for_each_entry_safe(c, next, &inst->sbcs, link)
		if (!ka_crr_cursor(c))
			carrier_release(inst, c);
	list_for_each_entry_safe(c, next, &inst->mbcs, link)
		if (!ka_crr_cursor(c))
			carrier_release(inst, c);
	while (inst->ix) {
		struct ka_index *ix = inst->ix;

		inst->ix = ix->older;
		ka_inst_index_free(ix);
	}
	inst->main = NULL;
	return live;
}

void ka_inst_last_max_reset(struct ka_instance *inst)
{
	struct ka_stat *all[] = {
		&inst->st.mbc.blocks, &inst->st.mbc.blocks_size,
		&inst->st.mbc.carriers, &inst->st.mbc.carriers_size,
		&inst->st.sbc.blocks, &inst->st.sbc.blocks_size,
		&inst->st.sbc.carriers, &inst->st.sbc.carriers_size,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		all[i]->last_max = all[i]->cur;
}

/* ---- carrier migration ---- */

/* Takes MBC @c out of @inst with its free blocks; @inst stops counting it. */
void ka_inst_mbc_detach(struct ka_instance *inst, struct ka_carrier *c)
{
	struct ka_carrier_stats *cs = &inst->st.mbc;

	ka_stat_sub(&cs->blocks, c->used_blocks);
	ka_stat_sub(&cs->blocks_size, c->used_size);
	account_carrier(inst, c, false);
	list_del_init(&c->link);
	/* @c keeps pointing at the index it left: its strategy's, for the pool */
	c->ix->strat->carrier_remove(c->ix->mem, c);
	c->flags |= KA_CRR_DETACHED;
}

/*
 * Makes detached MBC @c one of @inst's, free blocks and all, in @inst's
 * index of its strategy, which the caller made sure @inst has
 * (ka_inst_index_of()). Its employer word is the caller's to set. The list
 * stays in birth order, which the statistics views rely on.
 */
void ka_inst_mbc_attach(struct ka_instance *inst, struct ka_carrier *c)
{
	struct ka_carrier_stats *cs = &inst->st.mbc;
	struct list_head *pos = &inst->mbcs;

	while (pos->prev != &inst->mbcs &&
	       list_entry(pos->prev, struct ka_carrier, link)->birth > c->birth)
		pos = pos->prev;
	list_add_tail(&c->link, pos);
	c->flags &= ~KA_CRR_DETACHED;
	account_carrier(inst, c, true);
	ka_stat_add(&cs->blocks, c->used_blocks);
	ka_stat_add(&cs->blocks_size, c->used_size);
	/* the pool reads it unlocked (a candidate's strategy): always a valid index */
	WRITE_ONCE(c->ix, ka_inst_index_of(inst, c->ix->strat));
	c->ix->strat->carrier_attach(c->ix->mem, c);
}

/*
 * Frees a block of detached MBC @c (the caller employs it and holds it
 * against migration); true when the carrier is left empty.
 */
bool ka_inst_free_detached(struct ka_instance *inst, void *ptr)
{
	struct ka_block *b = ka_payload_blk(ptr);
	struct ka_carrier *c = ka_blk_carrier(b);

	inst->st.free_calls++;
	c->used_blocks--;
	c->used_size -= ka_blk_size(b);
	b = coalesce(inst, c, b);
	if (c->used_blocks)
		ka_hole_freed(inst, c, b);
	else
		ka_ix_insert(c, b);
	return !c->used_blocks;
}

/* Gives empty detached MBC @c, owned by @inst, back to its source. */
void ka_inst_release_detached(struct ka_instance *inst, struct ka_carrier *c)
{
	carrier_free(inst, c);
}

size_t ka_inst_carrier_largest(struct ka_instance *inst, struct ka_carrier *c)
{
	return c->ix->strat->carrier_largest(c->ix->mem, c);
}
