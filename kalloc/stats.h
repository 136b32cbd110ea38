/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshots of the allocator for the statistics views: taken under each
 * instance's lock in bounded steps, so reading never stalls allocation for
 * long, and handed to debugfs as plain data.
 */
#ifndef _KALLOC_STATS_H
#define _KALLOC_STATS_H

#include "cpu.h"

#define KA_FREE_HIST		14	/* free blocks: log2 buckets from 512 bytes */
#define KA_FREE_HIST_FIRST	9
#define KA_ALLOC_HIST		18	/* allocations: log2 buckets from 128 bytes */
#define KA_ALLOC_HIST_FIRST	7
#define KA_SCAN_BLOCKS		16000	/* blocks scanned per carrier, as instrument */

struct ka_carrier_info {
	u64 birth;
	enum ka_src src;
	bool sbc, main;
	size_t size, used_size, used_blocks, unscanned;
	u32 free_hist[KA_FREE_HIST];
};

/* Up to @n MBCs (or SBCs) of an instance born after *@after; advances *@after. */
unsigned int ka_stats_carriers(enum ka_class cls, int cpu, bool sbc, u64 *after,
			       struct ka_carrier_info *out, unsigned int n);

/* One instance's counters; @reset restarts "max since last read". */
void ka_stats_instance(enum ka_class cls, int cpu, struct ka_inst_stats *st,
		       struct ka_pcpu_counts *dd, bool reset);

unsigned int ka_hist_bucket(size_t size, unsigned int first, unsigned int n);

#endif /* _KALLOC_STATS_H */
