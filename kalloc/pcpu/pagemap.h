/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The carrier of a pointer into the direct map, from its struct page.
 *
 * Every carrier in the direct map is page-allocator memory kalloc owns page
 * by page (split_page()), so the owner's words of each page's struct page
 * (include/linux/mm_types.h) are kalloc's: ->private holds the carrier and
 * ->index the carrier xor a key chosen at load. A page anyone else owns
 * would have to hold that exact pair to pass, and a page kalloc gave back
 * has both cleared a grace period before it went.
 *
 * Reading a struct page is safe only where one exists: a bitmap over the
 * direct map, one bit per 2 MiB (the memory-hotplug subsection, whose
 * struct pages come and go together), says where kalloc has ever had a
 * carrier. An address outside it is refused without reading anything.
 * Documentation/registry.rst.
 */
#ifndef _KALLOC_PAGEMAP_H
#define _KALLOC_PAGEMAP_H

#include <linux/mm.h>

#include "../core/carrier.h"

#define KA_PAGEMAP_SHIFT	21

extern unsigned long *ka_pagemap;
extern unsigned long ka_pagemap_span;	/* bytes of direct map the bitmap covers; 0: none */
extern unsigned long ka_page_key;

void ka_pagemap_init(void);
void ka_pagemap_exit(void);
void ka_pagemap_set(struct ka_carrier *c, unsigned long start, unsigned long end);
void ka_pagemap_clear(struct ka_carrier *c, unsigned long start, unsigned long end);

/* Whether @addr lies in the direct map the bitmap covers. */
static __always_inline bool ka_pagemap_covers(const void *addr)
{
	return (unsigned long)addr - PAGE_OFFSET < READ_ONCE(ka_pagemap_span);
}

/*
 * The carrier holding @addr if @addr lies in a page of a direct-map
 * carrier; NULL otherwise (a vmalloc carrier, or not kalloc's). The caller
 * is in an RCU read section, which keeps the carrier and the page kalloc's
 * until it leaves.
 */
static __always_inline struct ka_carrier *ka_page_carrier(const void *addr)
{
	unsigned long off = (unsigned long)addr - PAGE_OFFSET;
	struct page *page;
	unsigned long c;

	if (off >= READ_ONCE(ka_pagemap_span) || !test_bit(off >> KA_PAGEMAP_SHIFT, ka_pagemap))
		return NULL;
	page = virt_to_page(addr);
	c = READ_ONCE(page->private);
	smp_rmb();	/* pairs with ka_pagemap_clear()'s smp_wmb(): ->index goes first */
	if (READ_ONCE(page->index) != (c ^ ka_page_key))
		return NULL;
	return (struct ka_carrier *)c;
}

#endif /* _KALLOC_PAGEMAP_H */
