/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU front caches (cpu_front.c): a front cache (core/front.h) of
 * each class on each CPU, in front of that CPU's instance, under its
 * local_lock_t (pcpu.h). The fast path that pops and pushes is alloc.c's.
 */
#ifndef _KALLOC_CPU_FRONT_H
#define _KALLOC_CPU_FRONT_H

#include "pcpu.h"

#define KA_FRONT_DECAY_MS	1000	/* a decay period */

int ka_front_shape_for(struct ka_class_state *cs);
int ka_front_group_init(struct ka_class_state *cs);
void ka_front_max_set(struct ka_class_state *cs, size_t fcmax);
void ka_front_group_exit(struct ka_class_state *cs);
void ka_front_pcpu_init(struct ka_pcpu *pc);
void ka_front_main_empty(struct ka_pcpu *pc);
/* A block for an empty bin: from the instance, with extras for the bin. */
void *ka_front_refill(struct ka_class_state *cs, unsigned int blk, unsigned int slot,
		      size_t size, unsigned int tid, unsigned long origin, gfp_t gfp);
void ka_front_free(struct ka_class_state *cs, void *ptr);
void ka_front_give_back(struct ka_class_state *cs, void **blocks, unsigned int n);
void ka_front_free_slow(struct ka_class_state *cs, struct ka_pcpu_front *pf, unsigned int blk,
			void *ptr, bool pushed);

/* Caches @ptr (cached state) in this CPU's cache, which the caller holds. */
static __always_inline void ka_front_free_locked(struct ka_class_state *cs, void *ptr)
{
	unsigned int blk = ka_blk_size(ka_payload_blk(ptr));
	struct ka_pcpu_front *pf = this_cpu_ptr(cs->front);
	bool pushed;

	ka_debug_take(ptr);
	pushed = ka_front_push(pf->f, blk, ptr);
	if (unlikely(!pushed || !pf->decaying))
		ka_front_free_slow(cs, pf, blk, ptr, pushed);
}

void ka_front_flush_local(struct ka_class_state *cs);
void ka_front_flush_dead(struct ka_class_state *cs, int cpu);
void ka_front_flush_everywhere(struct ka_class_state *cs);
unsigned long ka_front_reclaimable(int nid);
unsigned long ka_front_reclaim(int nid, unsigned long nr);

/* Whether allocated block @b goes to a front cache of @cs when its user frees it. */
static inline bool ka_front_takes(const struct ka_class_state *cs, const struct ka_block *b)
{
	return ka_front_holds(&cs->shape, ka_blk_size(b));
}

#endif /* _KALLOC_CPU_FRONT_H */
