/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Caches of a type's own (typecache.c): freed objects of a type with a
 * constructor, KA_TYPESAFE_BY_RCU or an alignment above KA_UNIT stay the
 * type's, constructed and untouched, as a kmem_cache keeps its objects in
 * its slabs. Documentation/api.rst ("Types with caches of their own").
 *
 * Invariants:
 *  - a cached object's block is in the cached state (block.h) with the
 *    type's id; only its cache hands it out or gives it back;
 *  - cached objects are linked through two words after the object (at
 *    @link in the payload), never inside it: kalloc writes nothing into a
 *    freed object while it is the type's;
 *  - a CPU's list holds at most @batch objects; the depot only chains of
 *    exactly @batch, linked through their first objects' second word;
 *  - an object leaves the type (back to an instance) only from a list taken
 *    out of every cache, and for KA_TYPESAFE_BY_RCU only after a grace
 *    period that began after it was taken out.
 */
#ifndef _KALLOC_TYPECACHE_H
#define _KALLOC_TYPECACHE_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct ka_type;

/* One CPU's cached objects, newest first; touched with interrupts off. */
struct ka_tc_cpu {
	void *head;
	unsigned int count;
};

struct ka_tcache {
	struct ka_tc_cpu __percpu *cpu;
	raw_spinlock_t lock;		/* @depot, @chains */
	void *depot;			/* full chains, newest first */
	unsigned int chains;
	unsigned int batch;		/* objects a chain holds */
	unsigned int link;		/* offset of the link words in an object's payload */
	unsigned int size;		/* the blocks asked of the class: object and link */
	struct work_struct trim;	/* gives back chains beyond KA_TC_DEPOT_KEEP */
	struct ka_type *type;
};

/* Most objects a chain holds. */
#define KA_TC_BATCH_MAX		32
/* The words after the object: size of its link area. */
#define KA_TC_LINK_BYTES	(2 * sizeof(void *))

int ka_tc_create(struct ka_type *type);
void ka_tc_destroy(struct ka_type *type);
void ka_tc_shrink(struct ka_type *type);
void *ka_tc_alloc(struct ka_type *type, gfp_t gfp, unsigned long origin, int node);
void ka_tc_free(struct ka_type *type, const void *ptr, unsigned long caller);

#endif /* _KALLOC_TYPECACHE_H */
