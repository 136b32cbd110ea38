/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Carrier memory from the page allocator and vmalloc, aligned to
 * KA_CARRIER_ALIGN and placed on a NUMA node, shared by the segment and sys
 * sources; and the sys source, erts's sys_alloc: carriers straight from
 * the page allocator, or vmalloc for sizes it cannot serve when the caller
 * may sleep. It holds
 * the main carriers and takes over when the segment source is limited or
 * fails.
 */
#ifndef _KALLOC_PAGES_H
#define _KALLOC_PAGES_H

#include <linux/gfp.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "../compat.h"
#include "../core/instance.h"

void *ka_pages_alloc(size_t size, int node, gfp_t gfp);
void ka_pages_free(void *mem, size_t size);
void ka_pages_free_rcu(void *mem, size_t size);
bool ka_vmem_allowed(gfp_t gfp);
void *ka_vmem_alloc(size_t size, int node, gfp_t gfp);
void ka_vmem_free(void *mem);
void ka_vfree_deferred(void *addr);
void ka_vmem_flush(void);

/* Largest size the page allocator serves in one piece. */
#define KA_PAGES_MAX	(PAGE_SIZE << MAX_PAGE_ORDER)

/* The sys source. */
struct ka_sys_stats {
	u64 alloc_calls, free_calls, failed;
	u64 carriers, carriers_max, carriers_size, carriers_size_max;
};

struct ka_sys {
	spinlock_t lock;	/* statistics */
	struct ka_sys_stats st;
};

struct ka_sys_handle {
	struct ka_source src;
	struct ka_sys *sys;
	int node;
};

void ka_sys_init(struct ka_sys *sys);
void ka_sys_handle_init(struct ka_sys_handle *h, struct ka_sys *sys, int node);
void ka_sys_stats_read(struct ka_sys *sys, struct ka_sys_stats *out);

#endif /* _KALLOC_PAGES_H */
