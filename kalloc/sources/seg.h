/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The segment source, erts's mseg_alloc: carriers from the page allocator or
 * vmalloc (or carved from an optional super carrier), with a cache of freed
 * segments. Documentation/sources.rst describes it.
 */
#ifndef _KALLOC_SEG_H
#define _KALLOC_SEG_H

#include <linux/llist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "../core/instance.h"
#include "supercarrier.h"

#define KA_MCS_MAX	30

/* erts names; sizes in bytes here. */
struct ka_seg_params {
	unsigned int mcs;	/* max cached segments, 0..30 */
	size_t amcbf;		/* absolute max cache bad fit */
	unsigned int rmcbf;	/* relative max cache bad fit, % */
	size_t scs;		/* super carrier size; 0: none */
	bool sco;		/* super carrier only */
	unsigned int trim_ms;	/* a cached segment unused this long is released */
};

struct ka_seg_stats {
	u64 alloc_calls, free_calls, failed;
	u64 segments, segments_max;		/* handed out */
	u64 segments_size, segments_size_max;
	u64 cache_hits, cache_misses;
	u64 cached, cached_size;
	u64 page_segments, vmalloc_segments, sc_segments;	/* created, by kind */
	u64 sc_size, sc_used, sc_free_segments, sc_largest_free;
	u64 given_back;				/* of segments_size: pages gone back */
};

/*
 * A cached segment. The record is kept here, not in the segment: a segment
 * given back without a grace period (ka_seg_cache_now()) is left untouched
 * until it is reused, so a registry lookup still reading its old carrier
 * header reads a header.
 */
struct ka_seg_cached {
	void *mem;
	size_t size;
	int node;
	unsigned long since;		/* jiffies when it was cached */
	bool wait;			/* cached at once: released only after ... */
	unsigned long gp;		/* ... this RCU state's grace period */
};

struct ka_seg {
	struct ka_seg_params p;
	spinlock_t lock;		/* cache, super carrier, statistics */
	struct ka_seg_cached cache[KA_MCS_MAX];	/* oldest first */
	unsigned int ncached;
	struct ka_sc sc;
	void *sc_mem;
	struct ka_seg_stats st;
	struct delayed_work trim_work;
	bool dying;
};

/* What an instance holds: the shared source plus the node it wants. */
struct ka_seg_handle {
	struct ka_source src;
	struct ka_seg *seg;
	int node;
};

void ka_seg_params_default(struct ka_seg_params *p);
int ka_seg_init(struct ka_seg *seg, const struct ka_seg_params *p);
void ka_seg_destroy(struct ka_seg *seg);
void ka_seg_handle_init(struct ka_seg_handle *h, struct ka_seg *seg, int node);
unsigned long ka_seg_release_cached(struct ka_seg *seg, unsigned long nr);
unsigned long ka_seg_reclaimable(struct ka_seg *seg, int nid);
unsigned long ka_seg_reclaim(struct ka_seg *seg, int nid, unsigned long nr);
bool ka_seg_cache_now(struct ka_source *src, void *mem, size_t size);
void ka_seg_stats_read(struct ka_seg *seg, struct ka_seg_stats *out);

#endif /* _KALLOC_SEG_H */
