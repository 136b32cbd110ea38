// SPDX-License-Identifier: GPL-2.0
/*
 * The carrier plumbing of a per-CPU instance: the sources it calls, which
 * drop the instance's lock around a source that may sleep; carriers given
 * back only after an RCU grace period, since registry lookups may still walk
 * their headers; and the hooks through which the core tells the layer of
 * carriers made, released, abandoned, fetched and emptied.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rcupdate.h>

#include "carrier_layer.h"
#include "plumbing.h"
#include "cpu_front.h"
#include "../internal.h"
#include "../debug.h"
#include "../pool.h"
#include "registry.h"
#include "../trace.h"

#if IS_ENABLED(CONFIG_KUNIT)
/* Called with @pc unlocked around a source that may sleep: a suite's sleep there. */
void (*ka_src_unlocked_test_hook)(struct ka_pcpu *pc);

static void src_unlocked(struct ka_pcpu *pc)
{
	void (*hook)(struct ka_pcpu *pc) = READ_ONCE(ka_src_unlocked_test_hook);

	if (hook)
		hook(pc);
}
#else
static inline void src_unlocked(struct ka_pcpu *pc)
{
}
#endif

/* A carrier that may sleep is made with the instance unlocked. */
static void *pcpu_src_alloc(struct ka_pcpu *pc, struct ka_source *real, size_t *size,
			    unsigned int how, gfp_t gfp)
{
	void *mem;

	if (!pc->locked || !gfpflags_allow_blocking(gfp))
		return real->alloc(real, size, how, gfp);
	/* The caller holds blocks of this instance: their carriers must stay put. */
	pc->pl.sleepers++;
	ka_pcpu_unlock_briefly(pc);
	src_unlocked(pc);
	mem = real->alloc(real, size, how, gfp);
	ka_pcpu_lock(pc);
	pc->pl.sleepers--;
	return mem;
}

static void *pcpu_seg_alloc(struct ka_source *s, size_t *size, unsigned int how, gfp_t gfp)
{
	struct ka_pcpu *pc = container_of(s, struct ka_pcpu, pl.seg_src);

	return pcpu_src_alloc(pc, &pc->pl.seg.src, size, how, gfp);
}

static void *pcpu_sys_alloc(struct ka_source *s, size_t *size, unsigned int how, gfp_t gfp)
{
	struct ka_pcpu *pc = container_of(s, struct ka_pcpu, pl.sys_src);

	return pcpu_src_alloc(pc, &pc->pl.sys.src, size, how, gfp);
}

/*
 * Kept in a released carrier's strategy words, which nothing reads once it
 * left its instance (its blocks are no place: with holes, the first one may
 * be a few bytes long): the carrier goes back after a grace period.
 */
struct dead_carrier {
	struct rcu_head rcu;
	struct ka_source *real;
	size_t size;
	bool holed;
	bool seg;		/* a segment the cache may take at once */
};

static struct dead_carrier *dead_carrier_of(struct ka_carrier *c)
{
	BUILD_BUG_ON(sizeof(struct dead_carrier) > sizeof(c->strat));
	return (struct dead_carrier *)c->strat;
}

static void dead_carrier_release(struct rcu_head *rcu)
{
	struct dead_carrier *d = container_of(rcu, struct dead_carrier, rcu);
	struct ka_carrier *c = container_of((void *)d, struct ka_carrier, strat);

	if (d->holed)
		d->real->free_holed(d->real, c);
	else
		d->real->free(d->real, c, d->size);
}

/* Registry lookups may still be walking the carrier's header: wait for them. */
static void dead_carrier_queue(struct dead_carrier *d)
{
	call_rcu(&d->rcu, dead_carrier_release);
}

/*
 * A segment the cache takes at once stays mapped and untouched, so lookups
 * still reading it are safe without waiting; the tree of verify_pointers
 * walks carrier headers and needs the grace period.
 */
static void dead_carrier_free(struct dead_carrier *d)
{
	struct ka_carrier *c = container_of((void *)d, struct ka_carrier, strat);

	if (d->seg && !d->holed && !ka_registry_verifying() &&
	    ka_seg_cache_now(d->real, c, d->size))
		return;
	dead_carrier_queue(d);
}

/* The carrier being released now waits for the unlock if its registry entry does. */
static void pcpu_src_free(struct ka_pcpu *pc, struct ka_source *real, void *mem, size_t size,
			  bool holed, bool seg)
{
	struct dead_carrier *d = dead_carrier_of(mem);

	d->real = real;
	d->size = size;
	d->holed = holed;
	d->seg = seg;
	if (pc->pl.leaving == mem) {
		pc->pl.leaving = NULL;
		list_add_tail(&ka_crr_layer(mem)->settle_link, &pc->pl.unsettled_dead);
		pc->pl.unsettled++;
		return;
	}
	dead_carrier_free(d);
}

static void pcpu_seg_free(struct ka_source *s, void *mem, size_t size)
{
	struct ka_pcpu *pc = container_of(s, struct ka_pcpu, pl.seg_src);

	pcpu_src_free(pc, &pc->pl.seg.src, mem, size, false, true);
}

static void pcpu_sys_free(struct ka_source *s, void *mem, size_t size)
{
	struct ka_pcpu *pc = container_of(s, struct ka_pcpu, pl.sys_src);

	pcpu_src_free(pc, &pc->pl.sys.src, mem, size, false, false);
}

/*
 * The pages stop naming their carrier before the source queues them for
 * the grace period after which they go (sources/pages.c): a lookup that
 * still found the name has left by then.
 */
static bool pcpu_seg_give_back(struct ka_source *s, struct ka_carrier *c, unsigned long start,
			       unsigned long end)
{
	struct ka_source *real = &container_of(s, struct ka_pcpu, pl.seg_src)->pl.seg.src;

	ka_pagemap_clear(c, start, end);
	if (real->give_back(real, c, start, end))
		return true;
	ka_pagemap_set(c, start, end);
	return false;
}

static void pcpu_seg_free_holed(struct ka_source *s, struct ka_carrier *c)
{
	struct ka_pcpu *pc = container_of(s, struct ka_pcpu, pl.seg_src);

	pcpu_src_free(pc, &pc->pl.seg.src, c, c->size, true, true);
}

/*
 * A singleblock carrier larger than one hold of the registry lock is
 * entered into the registry, and poisoned for KASAN, when the instance's
 * lock is dropped: nobody holds a pointer into it before then.
 */
static void pcpu_carrier_created(struct ka_instance *inst, struct ka_carrier *c)
{
	ka_pool_carrier_init(c);
	if (ka_crr_sbc(c) && ka_registry_takes_holds(c)) {
		list_add_tail(&ka_crr_layer(c)->settle_link, &ka_pcpu_of(inst)->pl.unsettled_new);
		ka_pcpu_of(inst)->pl.unsettled++;
	} else {
		ka_kasan_carrier_new(c);
		ka_registry_add(c);
	}
	trace_ka_carrier_create(c, c->size, ka_crr_src_name(c), ka_crr_sbc(c),
				ka_pcpu_of(inst)->cpu);
}

/*
 * Large singleblock carrier @c is released under @pc's lock. Made in this
 * hold, it never was in the registry; otherwise lookups may find it until
 * the unlock takes it out: its block reads as free meanwhile, so that a
 * late free of it is refused as one, and its source's free waits too.
 */
static void pcpu_sbc_leaving(struct ka_pcpu *pc, struct ka_carrier *c)
{
	struct ka_crr_layer *l;

	list_for_each_entry(l, &pc->pl.unsettled_new, settle_link) {
		if (ka_layer_carrier(l) == c) {
			list_del(&l->settle_link);
			pc->pl.unsettled--;
			return;
		}
	}
	ka_blk_set_flag(ka_crr_first(c), KA_F_FREE);
	pc->pl.leaving = c;
}

/* Only the owner gives a carrier back, only when it employs it, and it should be empty. */
static void pcpu_carrier_destroying(struct ka_instance *inst, struct ka_carrier *c)
{
	WARN_ONCE(c->home != inst || ka_crr_inst(c) != inst,
		  "kalloc: carrier given back by an instance that does not own and employ it\n");
	if (c->used_blocks)
		ka_pcpu_of(inst)->released_nonempty++;
	if (ka_crr_sbc(c) && ka_registry_takes_holds(c)) {
		pcpu_sbc_leaving(ka_pcpu_of(inst), c);
	} else {
		ka_registry_del(c);
		ka_kasan_carrier_gone(c);
	}
	trace_ka_carrier_destroy(c, c->size, ka_crr_src_name(c), ka_crr_sbc(c),
				 ka_pcpu_of(inst)->cpu);
}

static void pcpu_carrier_abandon(struct ka_instance *inst, struct ka_carrier *c)
{
	if (!ka_pcpu_of(inst)->pl.sleepers)
		ka_pool_abandon(inst, c);
}

/* The pool hooks do nothing for an instance without a pool (@pc->mg.pool NULL). */
/* An empty main carrier goes back if the instance leaves it empty for a decay period. */
static void pcpu_main_empty(struct ka_instance *inst)
{
	ka_front_main_empty(ka_pcpu_of(inst));
}

/* Out of the debugging tools' sight before the free may take its carrier away. */
static void pcpu_block_moved(struct ka_instance *inst, void *p)
{
	ka_debug_take(p);
}

const struct ka_inst_hooks ka_pcpu_hooks = {
	.carrier_created = pcpu_carrier_created,
	.carrier_destroying = pcpu_carrier_destroying,
	.carrier_abandon = pcpu_carrier_abandon,
	.carrier_fetch = ka_pool_fetch,
	.carrier_foreign_empty = ka_pool_foreign_empty,
	.main_empty = pcpu_main_empty,
	.block_moved = pcpu_block_moved,
};

/*
 * The registry work of the large carriers made and released under @pc's
 * lock, done after it was dropped (ka_pcpu_unlock()), with the interrupts
 * as the caller had them, in holds of the registry lock of
 * KA_REG_HOLD_SLOTS slots each.
 */
void ka_plumbing_settle(struct ka_pcpu *pc)
{
	struct ka_crr_layer *l, *next;
	unsigned long flags;
	LIST_HEAD(made);
	LIST_HEAD(dead);

	spin_lock_irqsave(&pc->lock, flags);
	list_splice_init(&pc->pl.unsettled_new, &made);
	list_splice_init(&pc->pl.unsettled_dead, &dead);
	pc->pl.unsettled = 0;
	spin_unlock_irqrestore(&pc->lock, flags);

	list_for_each_entry_safe(l, next, &made, settle_link) {
		struct ka_carrier *c = ka_layer_carrier(l);

		INIT_LIST_HEAD(&l->own_link);
		ka_kasan_carrier_new(c);
		ka_registry_add(c);
	}
	list_for_each_entry_safe(l, next, &dead, settle_link) {
		struct ka_carrier *c = ka_layer_carrier(l);

		ka_registry_del(c);
		ka_kasan_carrier_gone(c);
		dead_carrier_free(dead_carrier_of(c));
	}
}

void ka_plumbing_init(struct ka_pcpu *pc, int node)
{
	INIT_LIST_HEAD(&pc->pl.unsettled_new);
	INIT_LIST_HEAD(&pc->pl.unsettled_dead);
	pc->pl.unsettled = 0;
	pc->pl.leaving = NULL;
	ka_seg_handle_init(&pc->pl.seg, &ka_seg_global, node);
	ka_sys_handle_init(&pc->pl.sys, &ka_sys_global, node);
	pc->pl.seg_src = (struct ka_source){ "seg", pcpu_seg_alloc, pcpu_seg_free,
					     pcpu_seg_give_back, pcpu_seg_free_holed };
	pc->pl.sys_src = (struct ka_source){ "sys", pcpu_sys_alloc, pcpu_sys_free };
}
