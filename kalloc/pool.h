/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The carrier pool: multiblock carriers abandoned by an instance that uses
 * little of them, for any instance of the same pool to take before it makes
 * a new carrier. Documentation/pool.rst describes the protocol.
 */
#ifndef _KALLOC_POOL_H
#define _KALLOC_POOL_H

#include <linux/list.h>
#include <linux/spinlock.h>

#include "pcpu/pcpu.h"

#define KA_POOL_FETCH_MAX	100	/* pooled carriers one fetch inspects, as erts */
#define KA_POOL_SHARED		KA_NR_CLASSES	/* the '@' pool */
#define KA_NR_POOLS		(KA_NR_CLASSES + 1)

struct ka_pool {
	spinlock_t lock;		/* insertions and removals; searches run under RCU */
	struct list_head carriers;	/* oldest first */
	atomic_long_t count;
	char name;			/* a class letter or '@' */
};

extern struct ka_pool ka_pools[KA_NR_POOLS];

void ka_pool_init(struct ka_pool *pool, char name);

/* The instance hooks (struct ka_inst_hooks), with the instance's lock held. */
void ka_pool_abandon(struct ka_instance *inst, struct ka_carrier *c);
bool ka_pool_fetch(struct ka_instance *inst, size_t blk);
void ka_pool_foreign_empty(struct ka_instance *inst, struct ka_carrier *c);

/* For the per-CPU layer, with @pc's lock held. */
void ka_pool_carrier_init(struct ka_carrier *c);
bool ka_pool_free(struct ka_pcpu *pc, struct ka_carrier *c, void *ptr, unsigned long emp);
void ka_pool_homecoming(struct ka_pcpu *pc, struct ka_carrier *c);
unsigned long ka_pool_give_back(struct ka_pcpu *pc, unsigned long budget, unsigned int *work,
				unsigned long *visits);

/* Tear-down, with no instance of the pool running. */
void ka_pool_rehome(struct ka_pcpu *pc);
void ka_pool_return_all(struct ka_pool *pool);

/*
 * The next pooled carrier @owner owns born after *@after, held still while
 * @fn reads it, a hold of @owner's lock per call, until @fn returns true
 * (done) or the carrier leaves the pool.
 */
bool ka_pool_visit_next(struct ka_pcpu *owner, u64 *after,
			bool (*fn)(struct ka_carrier *c, void *arg), void *arg);

/* Checks the pool's list against its count and flags; carriers in it, or -EUCLEAN. */
long ka_pool_check(struct ka_pool *pool, char *why, size_t len);

#endif /* _KALLOC_POOL_H */
