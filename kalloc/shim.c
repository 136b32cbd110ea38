// SPDX-License-Identifier: GPL-2.0
/*
 * What include/kalloc_shim.h calls on a module's behalf: its kmalloc-family
 * calls served by a type of its own, pointers kalloc did not give out passed
 * on to the kernel's allocator, kfree_rcu() after a grace period (rcu_free.c), and the
 * module's type destroyed when the module goes (Documentation/shim.rst).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <kalloc_shim_api.h>

#include "compat.h"
#include "core/core.h"
#include "pcpu/pcpu.h"
#include "internal.h"
#include "pcpu/registry.h"

/*
 * Registering a type takes a mutex and allocates with GFP_KERNEL: only
 * from a call that could sleep itself. Until then kmalloc serves.
 */
static bool ka_shim_may_register(gfp_t gfp)
{
	return gfpflags_allow_blocking(gfp) && !in_interrupt() && !irqs_disabled() &&
	       (!IS_ENABLED(CONFIG_PREEMPT_COUNT) || preemptible());
}

static struct ka_type *ka_shim_resolve(struct ka_shim *s, gfp_t gfp)
{
	struct ka_type *t = READ_ONCE(s->type);

	if (t)
		return IS_ERR(t) ? NULL : t;
	if (!ka_shim_may_register(gfp))
		return NULL;
	if (!ka_class_enabled(s->class)) {
		pr_info("module %s: class %s is disabled, its allocations go to kmalloc\n",
			module_name(s->owner), ka_class_name(s->class));
		t = ERR_PTR(-EOPNOTSUPP);
	} else {
		t = ka_type_for_module(s->name, s->class, s->owner);
		if (IS_ERR(t))
			pr_warn("module %s: no type %s (%pe), its allocations go to kmalloc\n",
				module_name(s->owner), s->name, t);
		if (PTR_ERR(t) == -ENOMEM)
			return NULL;	/* try again on a later call */
	}
	WRITE_ONCE(s->type, t);
	return IS_ERR(t) ? NULL : t;
}

/*
 * The largest block a class whose carriers are all in the direct map (dmap)
 * serves: its singleblock carrier, header included, must fit the page
 * allocator's largest order. Above it kmalloc() and kvmalloc() are the
 * kernel's, as SLUB's largest kmalloc() is the page allocator's.
 */
#define KA_SHIM_DIRECT_MAX	(KMALLOC_MAX_SIZE - PAGE_SIZE)

void *ka_shim_alloc(struct ka_shim *s, size_t size, gfp_t gfp, int node, unsigned int flags,
		    unsigned long caller)
{
	struct ka_type *t = READ_ONCE(s->type);
	bool kv = flags & KA_SHIM_KV;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (unlikely(!t || IS_ERR(t)))
		t = ka_shim_resolve(s, gfp);
	if (unlikely(!t || (gfp & KA_GFP_REFUSED) || (!kv && size > KMALLOC_MAX_SIZE) ||
		     (size > KA_SHIM_DIRECT_MAX && ka_class_states[t->class].p.dmap)))
		return kv ? kvmalloc_node(size, gfp, node) :
			    kmalloc_node_track_caller(size, gfp, node);
	/* kmalloc aligns a power-of-two size naturally; kalloc does up to a page */
	if (is_power_of_2(size) && size > KA_MIN_ALIGN && size <= KMALLOC_MAX_SIZE)
		return ka_alloc_aligned_caller(t, size, min_t(size_t, size, PAGE_SIZE), gfp,
					       node, caller ?: _RET_IP_);
	return ka_alloc_node_caller(t, size, gfp, node, caller ?: _RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_shim_alloc);

void *ka_shim_krealloc(struct ka_shim *s, const void *p, size_t size, gfp_t gfp,
		       unsigned int flags, size_t oldsize)
{
	bool ours;
	void *q;

	if (ZERO_OR_NULL_PTR(p))
		return ka_shim_alloc(s, size, gfp, NUMA_NO_NODE, flags, _RET_IP_);
	if (!size) {
		ka_shim_kvfree(p);
		return ZERO_SIZE_PTR;
	}
	/* what the block gains is zeroed as krealloc() zeroes it (ka_realloc()) */
	q = ka_realloc_owned((void *)p, size, gfp, _RET_IP_, &ours);
	if (!ours)
		return flags & KA_SHIM_KV ? ka_compat_kvrealloc(p, oldsize, size, gfp) :
					    krealloc(p, size, gfp);
	return q;
}
EXPORT_SYMBOL_GPL(ka_shim_krealloc);

void ka_shim_kfree(const void *p)
{
	if (!ka_free_owned(p, _RET_IP_))
		kfree(p);
}
EXPORT_SYMBOL_GPL(ka_shim_kfree);

void ka_shim_kvfree(const void *p)
{
	if (!ka_free_owned(p, _RET_IP_))
		kvfree(p);
}
EXPORT_SYMBOL_GPL(ka_shim_kvfree);

void ka_shim_kfree_const(const void *p)
{
	if (!ka_free_owned(p, _RET_IP_))
		kfree_const(p);
}
EXPORT_SYMBOL_GPL(ka_shim_kfree_const);

size_t ka_shim_ksize(const void *p)
{
	bool ours;
	size_t n = ka_size_owned(p, &ours);

	return ours ? n : ksize(p);
}
EXPORT_SYMBOL_GPL(ka_shim_ksize);

void ka_shim_kfree_sensitive(const void *p)
{
	bool ours;
	size_t n = ka_size_owned(p, &ours);

	if (!ours) {
		kfree_sensitive(p);
		return;
	}
	if (n)
		memzero_explicit((void *)p, n);
	ka_free_owned(p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_shim_kfree_sensitive);

void ka_shim_kvfree_sensitive(const void *p, size_t len)
{
	bool ours;

	ka_size_owned(p, &ours);
	if (!ours) {
		kvfree_sensitive(p, len);
		return;
	}
	memzero_explicit((void *)p, len);
	ka_free_owned(p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_shim_kvfree_sensitive);

void ka_shim_free_rcu(const void *p, struct rcu_head *head)
{
	ka_free_rcu_queue(p, head);
}
EXPORT_SYMBOL_GPL(ka_shim_free_rcu);

void ka_shim_free_rcu_sleep(const void *p)
{
	if (!p)
		return;
	might_sleep();
	synchronize_rcu();
	ka_shim_kvfree(p);
}
EXPORT_SYMBOL_GPL(ka_shim_free_rcu_sleep);

/*
 * A module going away (unloaded, or its init failed) takes its type along,
 * after the frees it queued with kfree_rcu(). A type that still has blocks
 * stays, so they remain valid; ka_type_destroy() names the count, and the
 * allocations view their origins.
 */
static int ka_shim_module_event(struct notifier_block *nb, unsigned long action, void *data)
{
	struct module *mod = data;
	struct ka_type *t;

	if (action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	ka_free_rcu_barrier();
	while ((t = ka_type_take_module(mod)))
		if (ka_type_destroy(t))
			pr_err("module %s unloaded with blocks of its type still allocated\n",
			       module_name(mod));
	return NOTIFY_OK;
}

static struct notifier_block ka_shim_nb = {
	.notifier_call = ka_shim_module_event,
};

int ka_shim_init(void)
{
	return register_module_notifier(&ka_shim_nb);
}

void ka_shim_exit(void)
{
	unregister_module_notifier(&ka_shim_nb);
}
