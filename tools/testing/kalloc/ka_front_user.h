/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The front cache (kalloc/core/front.h) and a depot of magazines
 * (kalloc/core/depot.h) in front of one instance, as the per-CPU layer
 * drives them in the kernel, for the user-space programs: the caller
 * serialises all three (one thread, or the caller's lock).
 */
#ifndef _KA_FRONT_USER_H
#define _KA_FRONT_USER_H

#include "../../../kalloc/core/depot.h"

struct ka_ufront {
	struct ka_instance *inst;
	struct ka_front_shape sh;	/* sh.max 0: the cache is off */
	struct ka_front f;
	struct ka_mag_depot d;
	unsigned long loads, unloads;	/* depot trades */
	bool used;			/* the depot traded since the last decay period */
};

/* As pcpu/depot.c's ka_depot_load(): both magazines empty, a full one from the depot. */
static inline void *ka_ufront_depot_load(struct ka_ufront *u, unsigned int blk)
{
	struct ka_mag *drop;

	if (!ka_front_wants_full(&u->f, blk) || !ka_depot_load_into(&u->d, &u->f, blk, &drop))
		return NULL;
	ka_core_free(drop);
	u->loads++;
	u->used = true;
	return ka_front_pop(&u->f, blk);
}

/* As ka_depot_unload(): both magazines full, the loaded one to the depot for an empty one. */
static inline bool ka_ufront_depot_unload(struct ka_ufront *u, unsigned int blk)
{
	if (!ka_front_both_full(&u->f, blk) || !ka_depot_unload_from(&u->d, &u->f, blk))
		return false;
	u->unloads++;
	u->used = true;
	return true;
}

static inline void ka_ufront_init(struct ka_ufront *u, struct ka_instance *inst, bool on)
{
	u->inst = inst;
	ka_front_shape_init(&u->sh, inst);
	if (!on)
		memset(&u->sh, 0, sizeof(u->sh));
	ka_front_init(&u->f);
	memset(&u->d, 0, sizeof(u->d));
	u->loads = 0;
	u->unloads = 0;
	u->used = false;
}

static inline void ka_ufront_give_back(struct ka_ufront *u, void **blocks, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ka_inst_free(u->inst, blocks[i]);
}

static inline void *ka_ufront_alloc(struct ka_ufront *u, size_t size, unsigned int tid,
				    unsigned long origin)
{
	void *extra[KA_FRONT_SLOTS], *back[2 * KA_FRONT_SLOTS], *ptr;
	unsigned int blk, n, i, left = 0;

	if (size - 1 >= u->sh.max)
		return ka_inst_alloc_tagged(u->inst, size, tid, origin, GFP_KERNEL);
	blk = ka_front_blk(&u->sh, size);
	ptr = ka_front_pop(&u->f, blk);
	if (!ptr)
		ptr = ka_front_pop_slow(&u->f, blk);
	if (!ptr) {
		/* as cpu_front.c's reload(): a size without a bin gets one for the depot's */
		if (u->f.map[blk / KA_UNIT] == KA_FRONT_NONE && ka_depot_stack_of(&u->d, blk))
			ka_ufront_give_back(u, back, ka_front_make_room(&u->f, &u->sh, blk, back));
		ptr = ka_ufront_depot_load(u, blk);
	}
	if (ptr)
		return ka_front_hand_out(ptr, tid, origin, u->inst->p.atags);
	ptr = ka_inst_alloc_tagged(u->inst, size, tid, origin, GFP_KERNEL);
	if (!ptr)
		return NULL;
	n = ka_front_fill(u->inst, blk, extra, ka_front_refill_count(blk) - 1);
	/* as cpu_front.c's cache_blocks(): room is made only when a push fails */
	for (i = 0; i < n; i++) {
		if (ka_front_push(&u->f, blk, extra[i]) ||
		    ka_front_push_slow(&u->f, blk, extra[i]))
			continue;
		ka_ufront_give_back(u, back, ka_front_make_room(&u->f, &u->sh, blk, back));
		if (!ka_front_push(&u->f, blk, extra[i]))
			extra[left++] = extra[i];
	}
	ka_ufront_give_back(u, extra, left);
	return ptr;
}

/* As ka_free() does: claim (reported if not allocated), then cache or free. */
static inline void ka_ufront_free(struct ka_ufront *u, void *ptr)
{
	void *back[2 * KA_FRONT_SLOTS + 1];
	struct ka_block *b = ka_payload_blk(ptr);
	unsigned int tid = ka_blk_tid(b), n;

	if (!ka_front_holds(&u->sh, ka_blk_size(b))) {
		ka_inst_free(u->inst, ptr);
		return;
	}
	if (ka_blk_claim_to(b, &tid, KA_F_CACHED) != KA_CLAIMED) {
		ka_report("%s of %p: not an allocated block\n", __func__, ptr);
		return;
	}
	if (ka_front_push(&u->f, ka_blk_size(b), ptr) ||
	    ka_front_push_slow(&u->f, ka_blk_size(b), ptr) ||
	    (ka_ufront_depot_unload(u, ka_blk_size(b)) &&
	     ka_front_push(&u->f, ka_blk_size(b), ptr)))
		return;
	n = ka_front_make_room(&u->f, &u->sh, ka_blk_size(b), back);
	if (!ka_front_push(&u->f, ka_blk_size(b), ptr))
		back[n++] = ptr;
	ka_ufront_give_back(u, back, n);
}

/*
 * One decay period, or (@all) everything back. The depot, as pcpu/depot.c's:
 * all its full magazines with @all, else half of them if no trade used it
 * during the period.
 */
static inline void ka_ufront_flush(struct ka_ufront *u, bool all)
{
	unsigned int bin, n, mags = all ? u->d.nr_full : u->used ? 0 : (u->d.nr_full + 1) / 2;
	void *back[KA_FRONT_SLOTS];
	struct ka_mag *m;

	u->used = false;
	while (mags-- && (m = ka_depot_take_any_full(&u->d))) {
		ka_ufront_give_back(u, m->slot, m->count);
		if (!ka_depot_put_empty(&u->d, m))
			ka_core_free(m);
	}
	for (bin = 0; bin < KA_FRONT_BINS; bin++) {
		do {
			n = all ? ka_front_take_oldest(&u->f, bin, KA_FRONT_SLOTS, back) :
				  ka_front_take_decayed(&u->f, &u->sh, bin, back);
			ka_ufront_give_back(u, back, n);
		} while (all && n);
	}
}

/* Everything back, and the magazines freed. */
static inline void ka_ufront_exit(struct ka_ufront *u)
{
	struct ka_mag *m;

	ka_ufront_flush(u, true);
	while ((m = ka_depot_take_empty(&u->d)))
		ka_core_free(m);
	ka_front_exit(&u->f);
}

#endif /* _KA_FRONT_USER_H */
