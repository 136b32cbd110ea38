// SPDX-License-Identifier: GPL-2.0
/*
 * Carrier memory from the page allocator, vmalloc and kmalloc: the
 * primitives the segment source builds on, and the sys source (erts's
 * sys_alloc) built on kmalloc.
 *
 * Page allocator and vmalloc.
 *
 * Page-allocator memory is a 2^order block, naturally aligned, split so the
 * pages past the requested size go straight back; orders of 2 and up give the
 * 16 KiB carrier alignment. vmalloc memory is only page aligned, so it is
 * over-allocated by KA_CARRIER_ALIGN and the aligned start is used; the word
 * before that start remembers the vmalloc address. vfree may sleep, so
 * freeing vmalloc memory is always deferred to a work item (any context may
 * release a carrier).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kmemleak.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "../internal.h"
#include "../core/block.h"
#include "pages.h"

void *ka_pages_alloc(size_t size, int node, gfp_t gfp)
{
	unsigned int order = get_order(max_t(size_t, size, KA_CARRIER_ALIGN));
	struct page *page;
	char *mem, *end, *p;

	if (order > MAX_PAGE_ORDER || ka_fail_alloc(gfp, size))
		return NULL;
	/*
	 * The page allocator takes __GFP_NOFAIL only up to order 1 (6.1 warns
	 * at any order above): a carrier, at least order 2, is asked for
	 * without it, and vmalloc stands behind it (ka_vmem_alloc()).
	 */
	if (order > 1)
		gfp &= ~__GFP_NOFAIL;
	page = alloc_pages_node(node, (gfp & ~(__GFP_COMP | __GFP_ZERO)) | __GFP_NOWARN, order);
	if (!page)
		return NULL;
	split_page(page, order);
	mem = page_address(page);
	end = mem + (PAGE_SIZE << order);
	for (p = mem + PAGE_ALIGN(size); p < end; p += PAGE_SIZE)
		free_page((unsigned long)p);
	return mem;
}

void ka_pages_free(void *mem, size_t size)
{
	free_pages_exact(mem, PAGE_ALIGN(size));
}

/* The run's length waits in its first page's ->private, the RCU head in its ->lru. */
static void pages_free_rcu(struct rcu_head *rcu)
{
	struct page *page = container_of(rcu, struct page, rcu_head);
	unsigned long pages = page_private(page);

	set_page_private(page, 0);
	free_pages_exact(page_address(page), pages << PAGE_SHIFT);
}

/*
 * Pages of a live carrier given back: lookups of pointers into them may be
 * reading their struct pages (pcpu/pagemap.h) until a grace period ends.
 * Any context but NMI; the source's user waits with rcu_barrier() before
 * it goes (ka_seg_destroy()).
 */
void ka_pages_free_rcu(void *mem, size_t size)
{
	struct page *page = virt_to_page(mem);

	set_page_private(page, PAGE_ALIGN(size) >> PAGE_SHIFT);
	call_rcu(&page->rcu_head, pages_free_rcu);
}

/*
 * Whether a carrier that the page allocator could not give may come from
 * vmalloc: only if the caller may sleep and wants hard retries (vmalloc
 * takes its pages one by one and, short of memory, reclaims and may invoke
 * the OOM killer, which __GFP_NORETRY callers asked to be spared).
 */
bool ka_vmem_allowed(gfp_t gfp)
{
	return gfpflags_allow_blocking(gfp) && !(gfp & __GFP_NORETRY);
}

/*
 * With the caller's reclaim flags: __GFP_RETRY_MAYFAIL, __GFP_NOWARN,
 * __GFP_NOFAIL (vmalloc takes order-0 pages and retries them), and
 * GFP_NOFS/GFP_NOIO, which vmalloc turns into scopes for its own page
 * tables. Plain GFP_KERNEL keeps vmalloc_node(): __vmalloc(), the only
 * exported call taking flags, takes no node.
 */
void *ka_vmem_alloc(size_t size, int node, gfp_t gfp)
{
	gfp_t vgfp = gfp & (GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL);
	char *base;
	char *mem;

	if (!ka_vmem_allowed(gfp) || ka_fail_alloc(gfp, size))
		return NULL;
	if (vgfp == GFP_KERNEL)
		base = vmalloc_node(size + KA_CARRIER_ALIGN, node);
	else
		base = __vmalloc(size + KA_CARRIER_ALIGN, vgfp);
	if (!base)
		return NULL;
	/* kmemleak knows the blocks in it, not the carrier (debug.h) */
	kmemleak_free(base);
	mem = PTR_ALIGN(base + sizeof(void *), KA_CARRIER_ALIGN);
	((void **)mem)[-1] = base;
	return mem;
}

static LLIST_HEAD(ka_vmem_deferred);
static LLIST_HEAD(ka_vfree_deferred_list);

static void ka_vmem_free_work(struct work_struct *work)
{
	struct llist_node *node, *next;

	llist_for_each_safe(node, next, llist_del_all(&ka_vmem_deferred))
		vfree(((void **)node)[-1]);
	llist_for_each_safe(node, next, llist_del_all(&ka_vfree_deferred_list))
		vfree(node);
}

static DECLARE_WORK(ka_vmem_work, ka_vmem_free_work);

/* Any context but NMI: the dead carrier's first word links it for the worker. */
void ka_vmem_free(void *mem)
{
	if (llist_add(mem, &ka_vmem_deferred))
		queue_work(ka_wq, &ka_vmem_work);
}

/* vfree() of @addr from any context but NMI; its first word links it for the worker. */
void ka_vfree_deferred(void *addr)
{
	if (llist_add(addr, &ka_vfree_deferred_list))
		queue_work(ka_wq, &ka_vmem_work);
}

/* Waits until every deferred vfree is done. */
void ka_vmem_flush(void)
{
	flush_work(&ka_vmem_work);
	ka_vmem_free_work(NULL);
}

/*
 * The sys source (erts's sys_alloc).
 *
 * The system's own memory with nothing kept between uses: pages straight
 * from the page allocator (what kmalloc would do for carrier sizes, but
 * with pages kalloc owns one by one, so their struct pages can name their
 * carrier: pcpu/pagemap.h), or aligned vmalloc for sizes beyond the page
 * allocator's, when the caller's flags allow it (ka_vmem_allowed()). The
 * instance rounds sys MBCs to ycs.
 */
void ka_sys_init(struct ka_sys *sys)
{
	memset(sys, 0, sizeof(*sys));
	spin_lock_init(&sys->lock);
}

static void *sys_alloc(struct ka_source *src, size_t *sizep, unsigned int how, gfp_t gfp)
{
	struct ka_sys_handle *h = container_of(src, struct ka_sys_handle, src);
	struct ka_sys *sys = h->sys;
	size_t size = ALIGN(max_t(size_t, *sizep, KA_CARRIER_ALIGN), PAGE_SIZE);
	struct ka_sys_stats *st = &sys->st;
	unsigned long flags;
	void *mem = NULL;

	if (size <= KA_PAGES_MAX)
		mem = ka_pages_alloc(size, h->node, gfp);
	if (!mem && !(how & KA_SRC_DIRECT))
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
		ka_pages_free(mem, size);
}

void ka_sys_handle_init(struct ka_sys_handle *h, struct ka_sys *sys, int node)
{
	h->src.name = "sys";
	h->src.alloc = sys_alloc;
	h->src.free = sys_free;
	h->sys = sys;
	h->node = node;
}

void ka_sys_stats_read(struct ka_sys *sys, struct ka_sys_stats *out)
{
	unsigned long flags;

	spin_lock_irqsave(&sys->lock, flags);
	*out = sys->st;
	spin_unlock_irqrestore(&sys->lock, flags);
}
