/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshots of the allocator for the statistics views: taken under each
 * instance's lock in bounded steps, so reading never stalls allocation for
 * long, and handed to debugfs as plain data.
 */
#ifndef _KALLOC_STATS_H
#define _KALLOC_STATS_H

#include "pcpu/pcpu.h"

#define KA_FREE_HIST		14	/* free blocks: log2 buckets from 512 bytes */
#define KA_FREE_HIST_FIRST	9
#define KA_ALLOC_HIST		18	/* allocations: log2 buckets from 128 bytes */
#define KA_ALLOC_HIST_FIRST	7
#define KA_SCAN_BLOCKS		16000	/* blocks scanned per carrier, as instrument */
#define KA_ALLOC_PROBE		64U	/* slots of the allocations table tried per block */

/* Counters of one instance kept outside its core, as the statistics views show them. */
struct ka_pcpu_counts {
	u64 queued, drained, kicks;	/* delayed dealloc */
	u64 cached_blocks, cached_bytes;	/* in the front cache of the instance's CPU */
	struct ka_front_counts front;
	struct ka_pool_calls pool;
	long pooled_blocks, pooled_blocks_size, pooled_carriers, pooled_carriers_size;
	long pooled_given_back;
};

struct ka_carrier_info {
	u64 birth;
	enum ka_src src;
	bool sbc, main, pooled;
	size_t size, used_size, used_blocks, unscanned, given_back;
	u32 free_hist[KA_FREE_HIST];
	const char *strategy;	/* of an MBC's free blocks; "-" for an SBC */
};

/*
 * The next MBC (or SBC) of an instance after cursor @cur (ka_crr_cursor_init()
 * before the first call), its blocks walked KA_HOLD_WORK per hold of the
 * lock; false at the end of the list, where @cur leaves it.
 */
bool ka_stats_next_carrier(enum ka_class cls, int cpu, bool sbc, struct ka_carrier *cur,
			   struct ka_carrier_info *ci);

/* Up to @n of the pooled MBCs an instance owns born after *@after; advances *@after. */
unsigned int ka_stats_pooled_carriers(enum ka_class cls, int cpu, u64 *after,
				      struct ka_carrier_info *out, unsigned int n);

/* One instance's counters; reading them changes nothing. */
void ka_stats_instance(enum ka_class cls, int cpu, struct ka_inst_stats *st,
		       struct ka_pcpu_counts *dd);

/* Restarts "max since the last reset" in every instance of @cls. */
void ka_stats_last_max_reset(enum ka_class cls);

/* The front cache of one class on one CPU: its cached figures and counters in @dd. */
void ka_stats_front(struct ka_class_state *cs, int cpu, struct ka_pcpu_counts *dd);

unsigned int ka_hist_bucket(size_t size, unsigned int first, unsigned int n);

/*
 * Memory kalloc holds for itself, apart from carriers: every structure it
 * allocated, in the bytes its sources hand out (an object's slab size).
 */
struct ka_own_stats {
	unsigned int instances, fronts, magazines, types;
	size_t instances_bytes, fronts_bytes, magazines_bytes, types_bytes;
	size_t percpu_bytes;		/* front-cache words and arrays by CPU */
	size_t depots_bytes, registry_bytes;
	size_t total;
};

void ka_stats_own(struct ka_own_stats *o);

/* Allocated blocks by (type, origin): the instrument:allocations() analogue. */
struct ka_alloc_entry {
	unsigned long origin;		/* 0: the class keeps no tags */
	unsigned int tid;		/* 0 marks a free slot of the table */
	enum ka_class cls;
	u64 count, size;
	u32 hist[KA_ALLOC_HIST];
};

struct ka_alloc_table {
	unsigned int slots;
	u64 dropped;			/* blocks of pairs the table found no slot for */
	u64 unscanned;			/* bytes past KA_SCAN_BLOCKS in a carrier */
	struct ka_alloc_entry e[];
};

void ka_stats_allocations(struct ka_alloc_table *t);

#endif /* _KALLOC_STATS_H */
