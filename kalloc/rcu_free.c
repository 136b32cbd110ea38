// SPDX-License-Identifier: GPL-2.0
/*
 * Frees after a grace period: ka_free_rcu() and the shim's kfree_rcu().
 * The block's rcu_head links it on a queue and remembers its start; a work
 * item takes the whole queue, waits for a grace period (which therefore
 * began after every free it takes) and frees what it took, each block into
 * its own type. ka_free_rcu_barrier() does the same at once, for a type's
 * destruction and a module's unload, as kvfree_rcu_barrier() does for
 * kmem_cache_destroy().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "pcpu/pcpu.h"
#include "internal.h"
#include "report.h"

struct ka_rcu_free {
	struct llist_node node;
	const void *ptr;
};

static_assert(sizeof(struct ka_rcu_free) <= sizeof(struct rcu_head));

static LLIST_HEAD(ka_rcu_pending);
static DEFINE_MUTEX(ka_rcu_drain_lock);

/* A pointer kalloc did not give out came through the shim: the kernel's. */
static void ka_rcu_free_one(const void *ptr)
{
	if (!ka_free_owned(ptr, _RET_IP_))
		kvfree(ptr);
}

void ka_free_rcu_barrier(void)
{
	struct llist_node *n, *next;

	mutex_lock(&ka_rcu_drain_lock);
	n = llist_del_all(&ka_rcu_pending);
	if (n) {
		synchronize_rcu();
		llist_for_each_safe(n, next, n)
			ka_rcu_free_one(container_of(n, struct ka_rcu_free, node)->ptr);
	}
	mutex_unlock(&ka_rcu_drain_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ka_free_rcu_barrier);

static void ka_rcu_work_fn(struct work_struct *work)
{
	ka_free_rcu_barrier();
}

static DECLARE_WORK(ka_rcu_work, ka_rcu_work_fn);

void ka_free_rcu_queue(const void *ptr, struct rcu_head *head)
{
	struct ka_rcu_free *f = (struct ka_rcu_free *)head;

	if (!ptr)
		return;
	f->ptr = ptr;
	llist_add(&f->node, &ka_rcu_pending);
	/* a drain under way may already have taken the queue: queue another */
	schedule_work(&ka_rcu_work);
}

void ka_free_rcu_head(struct ka_type *type, const void *ptr, struct rcu_head *head)
{
	if (ZERO_OR_NULL_PTR(ptr))
		return;
	if (!type) {
		ka_report("kalloc: ka_free_rcu without a type (caller %pS)\n", (void *)_RET_IP_);
		return;
	}
	if (!ka_class_enabled(type->class) && !type->tc) {
		/* a disabled class's block is the kernel's, which the drain kvfree()s */
		this_cpu_inc(type->pcpu->frees);
		ka_free_rcu_queue(ptr, head);
		return;
	}
	if (ka_block_is_live(type, ptr, "ka_free_rcu", _RET_IP_))
		ka_free_rcu_queue(ptr, head);
}
EXPORT_SYMBOL_GPL(ka_free_rcu_head);

void ka_free_rcu_exit(void)
{
	ka_free_rcu_barrier();
	flush_work(&ka_rcu_work);
}
