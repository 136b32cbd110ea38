/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-node depots of magazines (depot.c): one per NUMA node and class,
 * between the front caches of the node's CPUs and the instances. The
 * front caches trade whole magazines with it (cpu_front.c).
 */
#ifndef _KALLOC_PCPU_DEPOT_H
#define _KALLOC_PCPU_DEPOT_H

#include "../core/depot.h"
#include "pcpu.h"

/* A node's depot of one class. */
struct ka_depot {
	spinlock_t lock;		/* taken with interrupts off, inside a front cache */
	struct ka_mag_depot d;
	bool used;			/* traded with since its last decay pass */
	unsigned long decayed;		/* jiffies of its last decay pass */
	u64 to_cpus, from_cpus;		/* full magazines handed to / taken from front caches */
	u64 flushed;			/* full magazines given back to the instances */
};

/* A depot's figures, for the views. */
struct ka_depot_counts {
	unsigned int full, empty;
	unsigned long blocks, bytes;
	u64 to_cpus, from_cpus, flushed;
};

int ka_depot_group_init(struct ka_class_state *cs);
bool ka_depot_make(struct ka_class_state *cs, int node);
void ka_depot_group_exit(struct ka_class_state *cs);
/* The caller holds this CPU's front cache of @cs (cpu_front.c). */
bool ka_depot_has(struct ka_class_state *cs, unsigned int blk);
void *ka_depot_load(struct ka_class_state *cs, struct ka_front *f, unsigned int blk);
bool ka_depot_unload(struct ka_class_state *cs, struct ka_front *f, unsigned int blk);
/* Gives up to @nr full magazines of @node's depot back to the instances; how many blocks. */
unsigned long ka_depot_flush(struct ka_class_state *cs, int node, unsigned long nr);
void ka_depot_decay(struct ka_class_state *cs, int node);
unsigned long ka_depot_blocks(struct ka_class_state *cs, int node);
unsigned long ka_depot_cached_bytes(struct ka_class_state *cs, int node);
void ka_depot_counts(struct ka_class_state *cs, int node, struct ka_depot_counts *dc);

#endif /* _KALLOC_PCPU_DEPOT_H */
