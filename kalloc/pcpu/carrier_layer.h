/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the per-CPU layer keeps in each carrier header (ka_carrier.layer[])
 * and the bits it keeps in the employer word. Documentation/pool.rst.
 */
#ifndef _KALLOC_CARRIER_LAYER_H
#define _KALLOC_CARRIER_LAYER_H

#include <linux/llist.h>
#include <linux/rbtree_latch.h>

#include "../core/carrier.h"

/* Employer-word bits (KA_EMP_FLAGS), as erts_alloc's carrier "allctr" word. */
#define KA_EMP_IN_POOL	0x1UL	/* in the carrier pool: employed by its owner, no allocation */
#define KA_EMP_BUSY	0x2UL	/* its owner is freeing into it: not to be fetched now */
#define KA_EMP_HOME	0x4UL	/* its homecoming record is on the owner's queue */

struct ka_crr_layer {
	struct latch_tree_node reg;	/* in the carrier registry */
	struct list_head pool_link;	/* on its pool's list (RCU) */
	union {
		struct list_head own_link;	/* on its owner's list of own pooled carriers */
		struct list_head settle_link;	/* an SBC waiting for the registry (plumbing.c) */
	};
	struct llist_node homecoming;	/* on its owner's homecoming queue */
	unsigned long grace;		/* RCU cookie of its last removal from the pool */
	size_t max_free;		/* largest free block, kept while pooled */
	struct ka_carrier *nested_in;	/* made in this carrier's hole (registry.c) */
};

static inline struct ka_crr_layer *ka_crr_layer(struct ka_carrier *c)
{
	BUILD_BUG_ON(sizeof(struct ka_crr_layer) > sizeof(c->layer));
	return (struct ka_crr_layer *)c->layer;
}

static inline struct ka_carrier *ka_layer_carrier(struct ka_crr_layer *l)
{
	return container_of((void *)l, struct ka_carrier, layer);
}

static inline struct ka_instance *ka_emp_inst(unsigned long emp)
{
	return (struct ka_instance *)(emp & ~KA_EMP_FLAGS);
}

#endif /* _KALLOC_CARRIER_LAYER_H */
