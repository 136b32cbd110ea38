/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kalloc's shrinker: what it gives back under memory pressure, and its
 * counters (reclaim.c).
 */
#ifndef _KALLOC_RECLAIM_H
#define _KALLOC_RECLAIM_H

#include <linux/types.h>

struct ka_reclaim_stats {
	u64 scans;		/* scan calls */
	u64 asked;		/* pages they asked for */
	u64 front_blocks;	/* front-cache blocks asked back */
	u64 seg_pages;		/* pages of cached segments released */
	u64 free_pages;		/* free pages inside carriers given back */
};

int ka_reclaim_init(void);
void ka_reclaim_exit(void);
unsigned long ka_reclaim(int nid, unsigned long nr_to_scan);
unsigned long ka_reclaim_count(int nid);
void ka_reclaim_stats_read(struct ka_reclaim_stats *out);

#endif /* _KALLOC_RECLAIM_H */
