// SPDX-License-Identifier: GPL-2.0
/*
 * The struct page side of the carrier registry (pagemap.h): the bitmap of
 * 2 MiB granules where kalloc has had carriers, and the carrier each page
 * of one names. The registry (registry.c) decides which pages to name, under
 * its lock; given-back pages are cleared by the per-CPU plumbing before they
 * go, and go a grace period later (sources/pages.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/memory.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "pagemap.h"

unsigned long *ka_pagemap __read_mostly;
unsigned long ka_pagemap_span __read_mostly;
unsigned long ka_page_key __read_mostly;

/*
 * Pages of @c from @start to @end (page aligned) name @c. Granule bits are
 * only ever set here, so readers see a bit before any page it guards names
 * a carrier; the struct pages of a granule stay until memory hot-remove,
 * which clears its bits first (ka_pagemap_offline()).
 */
void ka_pagemap_set(struct ka_carrier *c, unsigned long start, unsigned long end)
{
	unsigned long a;

	if (!ka_pagemap_covers((void *)start))
		return;
	for (a = start; a < end; a += PAGE_SIZE) {
		unsigned long g = (a - PAGE_OFFSET) >> KA_PAGEMAP_SHIFT;
		struct page *page = virt_to_page((void *)a);

		if (!test_bit(g, ka_pagemap))
			set_bit(g, ka_pagemap);
		WRITE_ONCE(page->private, (unsigned long)c);
		WRITE_ONCE(page->index, (unsigned long)c ^ ka_page_key);
	}
}

/*
 * Pages from @start to @end that name @c name nothing now; a page another
 * carrier made in @c's given-back pages keeps its own name. ->index is
 * cleared first: a reader that sees ->private cleared sees no pair either.
 */
void ka_pagemap_clear(struct ka_carrier *c, unsigned long start, unsigned long end)
{
	unsigned long a;

	if (!ka_pagemap_covers((void *)start))
		return;
	for (a = start; a < end; a += PAGE_SIZE) {
		struct page *page = virt_to_page((void *)a);

		if (READ_ONCE(page->private) != (unsigned long)c)
			continue;
		WRITE_ONCE(page->index, 0);
		smp_wmb();	/* pairs with ka_page_carrier()'s smp_rmb() */
		WRITE_ONCE(page->private, 0);
	}
}

/*
 * Memory going offline may be hot-removed, and its struct pages with it:
 * its granules leave the bitmap, and lookups that tested a bit there finish
 * first. A carrier still there (offlining then fails: its pages do not
 * move) is found through the radix table until a new carrier sets the bit
 * again.
 */
static int ka_pagemap_offline(struct notifier_block *nb, unsigned long action, void *arg)
{
	struct memory_notify *mn = arg;
	unsigned long g, first, last;

	if (action != MEM_GOING_OFFLINE || !ka_pagemap_span)
		return NOTIFY_OK;
	first = (unsigned long)pfn_to_kaddr(mn->start_pfn) - PAGE_OFFSET;
	last = (unsigned long)pfn_to_kaddr(mn->start_pfn + mn->nr_pages) - PAGE_OFFSET;
	for (g = first >> KA_PAGEMAP_SHIFT;
	     g < DIV_ROUND_UP(last, 1UL << KA_PAGEMAP_SHIFT) &&
	     g < ka_pagemap_span >> KA_PAGEMAP_SHIFT; g++)
		clear_bit(g, ka_pagemap);
	synchronize_rcu();
	return NOTIFY_OK;
}

static struct notifier_block ka_pagemap_nb = {
	.notifier_call = ka_pagemap_offline,
};

/*
 * One bit per 2 MiB of the direct map as it is at load: 64 KiB for 1 TiB.
 * Without it (no memory), or for memory added later, the radix table finds
 * every carrier alone.
 */
void ka_pagemap_init(void)
{
	unsigned long span = (unsigned long)high_memory - PAGE_OFFSET;
	unsigned long bits = DIV_ROUND_UP(span, 1UL << KA_PAGEMAP_SHIFT);

	ka_page_key = get_random_long() | 1;
	ka_pagemap = kvcalloc(BITS_TO_LONGS(bits), sizeof(long), GFP_KERNEL);
	if (!ka_pagemap)
		return;
	ka_pagemap_span = bits << KA_PAGEMAP_SHIFT;
	register_memory_notifier(&ka_pagemap_nb);
}

/* Every carrier is gone and its pages cleared. */
void ka_pagemap_exit(void)
{
	if (!ka_pagemap)
		return;
	unregister_memory_notifier(&ka_pagemap_nb);
	WRITE_ONCE(ka_pagemap_span, 0);
	synchronize_rcu();
	kvfree(ka_pagemap);
	ka_pagemap = NULL;
}
