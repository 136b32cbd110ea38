/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Carrier memory from the page allocator and vmalloc, aligned to
 * KA_CARRIER_ALIGN and placed on a NUMA node; shared by the segment and sys
 * sources.
 */
#ifndef _KALLOC_PAGES_H
#define _KALLOC_PAGES_H

#include <linux/gfp.h>
#include <linux/types.h>

#include "compat.h"

void *ka_pages_alloc(size_t size, int node, gfp_t gfp);
void ka_pages_free(void *mem, size_t size);
bool ka_vmem_allowed(gfp_t gfp);
void *ka_vmem_alloc(size_t size, int node, gfp_t gfp);
void ka_vmem_free(void *mem);
void ka_vfree_deferred(void *addr);
void ka_vmem_flush(void);

/* Largest size the page allocator serves in one piece. */
#define KA_PAGES_MAX	(PAGE_SIZE << MAX_PAGE_ORDER)

#endif /* _KALLOC_PAGES_H */
