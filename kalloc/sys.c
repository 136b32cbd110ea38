// SPDX-License-Identifier: GPL-2.0
/*
 * The sys source (erts's sys_alloc).
 *
 * Carriers are at least KA_CARRIER_ALIGN bytes, so kmalloc serves them from
 * the page allocator, naturally aligned to their power-of-two order: the
 * 16 KiB alignment comes for free. Sizes above KMALLOC_MAX_SIZE use aligned
 * vmalloc, when the caller's flags allow it (ka_vmem_allowed()). The instance
 * rounds sys MBCs to ycs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/kmemleak.h>
#include <linux/slab.h>

#include "pages.h"
#include "sys.h"

void ka_sys_init(struct ka_sys *sys)
{
	memset(sys, 0, sizeof(*sys));
	spin_lock_init(&sys->lock);
}
EXPORT_SYMBOL_IF_KUNIT(ka_sys_init);

static void *sys_alloc(struct ka_source *src, size_t *sizep, bool sbc, gfp_t gfp)
{
	struct ka_sys_handle *h = container_of(src, struct ka_sys_handle, src);
	struct ka_sys *sys = h->sys;
	size_t size = ALIGN(max_t(size_t, *sizep, KA_CARRIER_ALIGN), PAGE_SIZE);
	struct ka_sys_stats *st = &sys->st;
	unsigned long flags;
	void *mem = NULL;

	gfp &= ~__GFP_ZERO;
	if (size <= KMALLOC_MAX_SIZE) {
		mem = kmalloc_node(size, gfp | __GFP_NOWARN, h->node);
		if (mem && !IS_ALIGNED((unsigned long)mem, KA_CARRIER_ALIGN)) {
			WARN_ONCE(1, "kalloc: kmalloc(%zu) not %lu-aligned\n", size,
				  KA_CARRIER_ALIGN);
			kfree(mem);
			mem = NULL;
		}
		/* kmemleak knows the blocks in it, not the carrier (debug.h) */
		kmemleak_free(mem);
	}
	if (!mem)
		mem = ka_vmem_alloc(size, h->node, gfp);

	spin_lock_irqsave(&sys->lock, flags);
	st->alloc_calls++;
	if (mem) {
		st->carriers++;
		st->carriers_size += size;
		st->carriers_max = max(st->carriers_max, st->carriers);
		st->carriers_size_max = max(st->carriers_size_max, st->carriers_size);
	} else {
		st->failed++;
	}
	spin_unlock_irqrestore(&sys->lock, flags);
	if (mem)
		*sizep = size;
	return mem;
}

static void sys_free(struct ka_source *src, void *mem, size_t size)
{
	struct ka_sys *sys = container_of(src, struct ka_sys_handle, src)->sys;
	unsigned long flags;

	spin_lock_irqsave(&sys->lock, flags);
	sys->st.free_calls++;
	sys->st.carriers--;
	sys->st.carriers_size -= size;
	spin_unlock_irqrestore(&sys->lock, flags);
	if (is_vmalloc_addr(mem))
		ka_vmem_free(mem);
	else
		kfree(mem);
}

void ka_sys_handle_init(struct ka_sys_handle *h, struct ka_sys *sys, int node)
{
	h->src.name = "sys";
	h->src.alloc = sys_alloc;
	h->src.free = sys_free;
	h->sys = sys;
	h->node = node;
}
EXPORT_SYMBOL_IF_KUNIT(ka_sys_handle_init);

void ka_sys_stats_read(struct ka_sys *sys, struct ka_sys_stats *out)
{
	unsigned long flags;

	spin_lock_irqsave(&sys->lock, flags);
	*out = sys->st;
	spin_unlock_irqrestore(&sys->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(ka_sys_stats_read);
