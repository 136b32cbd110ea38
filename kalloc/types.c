// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation types and the allocation entry points: the type registry, the
 * per-CPU call counters, the pointer checks before a free or realloc, and the
 * routing to the class's per-CPU instances (or to kmalloc for a disabled
 * class, as erts_alloc serves a disabled allocator from sys_alloc).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/rcupdate.h>
#include <linux/xarray.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "block.h"
#include "compat.h"
#include "cpu.h"
#include "internal.h"
#include "pages.h"
#include "registry.h"
#include "trace.h"

static LIST_HEAD(ka_types);
static DEFINE_MUTEX(ka_types_lock);
static DEFINE_XARRAY_ALLOC1(ka_type_ids);	/* id -> type; 0 marks untyped blocks */

static struct ka_type *ka_type_find(const char *name)
{
	struct ka_type *type;

	lockdep_assert_held(&ka_types_lock);
	list_for_each_entry(type, &ka_types, node)
		if (!strcmp(type->name, name))
			return type;
	return NULL;
}

/*
 * Names are single words of letters, digits, '_', '-' and '.', at most
 * KA_TYPE_NAME_MAX - 1 of them: each view prints one per column, and a blank
 * or a newline in a name would forge a column or a row.
 */
static bool ka_type_name_ok(const char *name)
{
	size_t len, i;

	if (!name)
		return false;
	len = strnlen(name, KA_TYPE_NAME_MAX);
	if (!len || len >= KA_TYPE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_-.", name[i]))
			return false;
	return true;
}

/*
 * A fixed-size type's block size keeps a bin in every CPU's front cache of
 * its class, up to KA_FRONT_PINNED sizes a class; under ka_types_lock.
 */
static void ka_type_pin(struct ka_type *type, bool pin)
{
	struct ka_front_shape *sh = &ka_class_states[type->class].shape;
	unsigned int i;

	lockdep_assert_held(&ka_types_lock);
	if (!type->fixed_size || type->fixed_size > sh->max || pin == type->pinned)
		return;
	i = ka_front_blk(sh, type->fixed_size) / KA_UNIT;
	if (pin) {
		if (sh->pin[i] == U8_MAX || (!sh->pin[i] && sh->pinned == KA_FRONT_PINNED))
			return;		/* no room: its size takes its chances in the bins */
		sh->pinned += !sh->pin[i];
		WRITE_ONCE(sh->pin[i], sh->pin[i] + 1);
	} else {
		WRITE_ONCE(sh->pin[i], sh->pin[i] - 1);
		sh->pinned -= !sh->pin[i];
	}
	type->pinned = pin;
}

static struct ka_type *ka_type_new(const char *name, enum ka_class class, size_t fixed_size,
				   struct module *shim_owner)
{
	struct ka_type *type;
	int err = 0;

	if (!ka_type_name_ok(name) || (unsigned int)class >= KA_NR_CLASSES)
		return ERR_PTR(-EINVAL);

	type = kzalloc(sizeof(*type), GFP_KERNEL);
	if (!type)
		return ERR_PTR(-ENOMEM);
	type->pcpu = alloc_percpu(struct ka_type_pcpu);
	if (!type->pcpu) {
		kfree(type);
		return ERR_PTR(-ENOMEM);
	}
	strscpy(type->name, name, sizeof(type->name));
	type->class = class;
	type->fixed_size = fixed_size;
	type->shim = shim_owner;
	type->shim_owner = shim_owner;

	mutex_lock(&ka_types_lock);
	if (ka_type_find(name)) {
		err = -EEXIST;
	} else {
		err = xa_alloc(&ka_type_ids, &type->id, type, XA_LIMIT(1, KA_TID_MAX),
			       GFP_KERNEL);
		if (!err) {
			list_add_tail(&type->node, &ka_types);
			ka_type_pin(type, true);
		} else if (err == -EBUSY) {
			err = -ENOSPC;		/* all 65535 type ids are taken */
		}
	}
	mutex_unlock(&ka_types_lock);

	if (err) {
		free_percpu(type->pcpu);
		kfree(type);
		return ERR_PTR(err);
	}
	return type;
}

struct ka_type *ka_type_create(const char *name, enum ka_class class)
{
	return ka_type_new(name, class, 0, NULL);
}
EXPORT_SYMBOL_GPL(ka_type_create);

/*
 * A module's shim type, by name: registered for @owner the first time, or
 * taken back from a shim type that an earlier load of the module left with
 * blocks allocated, so that they are freed into the type that counts them.
 * A type of that name that is not a shim type, or belongs to another
 * module, is not taken: -EEXIST.
 */
struct ka_type *ka_type_for_module(const char *name, enum ka_class class, struct module *owner)
{
	struct ka_type *type;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		mutex_lock(&ka_types_lock);
		type = ka_type_find(name);
		if (type && (!type->shim || type->class != class ||
			     (type->shim_owner && type->shim_owner != owner)))
			type = ERR_PTR(-EEXIST);
		else if (type)
			type->shim_owner = owner;
		mutex_unlock(&ka_types_lock);
		if (type)
			return type;
		type = ka_type_new(name, class, 0, owner);
		if (!IS_ERR(type) || PTR_ERR(type) != -EEXIST)
			return type;
		/* another file of the module registered it first: take that one */
	}
	return ERR_PTR(-EEXIST);
}

/* One shim type of @owner, now no longer its (NULL when it has none left). */
struct ka_type *ka_type_take_module(struct module *owner)
{
	struct ka_type *type, *found = NULL;

	mutex_lock(&ka_types_lock);
	list_for_each_entry(type, &ka_types, node) {
		if (type->shim_owner == owner) {
			type->shim_owner = NULL;
			found = type;
			break;
		}
	}
	mutex_unlock(&ka_types_lock);
	return found;
}

/* Blocks are KA_UNIT-aligned; a stricter alignment would need its own carving. */
struct ka_type *ka_type_create_fixed(const char *name, enum ka_class class, size_t size,
				     size_t align)
{
	if (!size || size > KA_FIXED_MAX || (align && (!is_power_of_2(align) ||
						       align > KA_MIN_ALIGN)))
		return ERR_PTR(-EINVAL);
	return ka_type_new(name, class, size, NULL);
}
EXPORT_SYMBOL_GPL(ka_type_create_fixed);

int ka_type_destroy(struct ka_type *type)
{
	struct ka_type_totals sum;

	if (!type)
		return 0;

	mutex_lock(&ka_types_lock);
	ka_type_sum(type, &sum);
	if (sum.allocs != sum.frees) {
		mutex_unlock(&ka_types_lock);
		pr_err("type %s not destroyed: %llu blocks still allocated (caller %pS)\n",
		       type->name, sum.allocs - sum.frees, __builtin_return_address(0));
		return -EBUSY;
	}
	list_del(&type->node);
	xa_erase(&ka_type_ids, type->id);
	ka_type_pin(type, false);
	mutex_unlock(&ka_types_lock);

	/* What its users gave back goes back to the instances, as kmem_cache_destroy(). */
	if (ka_class_enabled(type->class))
		ka_front_flush_everywhere(&ka_class_states[type->class]);
	/* a report may be reading its name */
	synchronize_rcu();
	free_percpu(type->pcpu);
	kfree(type);
	return 0;
}
EXPORT_SYMBOL_GPL(ka_type_destroy);

/* Calls @fn on each registered type in creation order; stops on non-zero. */
int ka_visit_types(ka_type_visitor fn, void *arg)
{
	struct ka_type *type;
	int ret = 0;

	mutex_lock(&ka_types_lock);
	list_for_each_entry(type, &ka_types, node) {
		ret = fn(type, arg);
		if (ret)
			break;
	}
	mutex_unlock(&ka_types_lock);
	return ret;
}

/*
 * A disabled class is served by kmalloc, as erts serves a disabled allocator
 * from sys_alloc. kmalloc guarantees natural alignment only for power-of-two
 * sizes, so small requests are rounded up to one to keep KA_MIN_ALIGN.
 */
static size_t ka_sys_size(size_t size)
{
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return roundup_pow_of_two(max_t(size_t, size, KA_MIN_ALIGN));
	return size;
}

/* Up to KA_MAX_SIZE, as for an enabled class: vmalloc serves what kmalloc cannot. */
static void *ka_sys_alloc(size_t size, gfp_t gfp, int node)
{
	if (!size || size > KA_MAX_SIZE)
		return NULL;
	return kvmalloc_node(ka_sys_size(size), gfp, node);
}

static void ka_count(struct ka_type *type, void *ptr)
{
	if (likely(ptr))
		this_cpu_inc(type->pcpu->allocs);
	else
		this_cpu_inc(type->pcpu->failed);
}

/*
 * A caller that may not sleep but passes flags that may is told so before
 * any lock is taken, as kmalloc's might_alloc() tells it: in interrupt
 * context or with interrupts off kalloc refuses (the page allocator would
 * sleep there), elsewhere might_alloc() checks the rest (a spinlock held,
 * preemption off) as it does for kmalloc.
 */
static bool ka_gfp_fits_context(struct ka_type *type, gfp_t gfp, const char *op,
				unsigned long origin)
{
	if (unlikely(gfp & KA_GFP_REFUSED)) {
		ka_report("kalloc: %s(%s) from %pS: gfp %pGg asks for %s, which kalloc lacks\n",
			  op, type->name, (void *)origin, &gfp,
			  gfp & __GFP_ACCOUNT ? "memory cgroup accounting" : "a DMA zone");
		return false;
	}
	if (ka_rt_atomic()) {
		ka_report("kalloc: %s(%s) from %pS: on PREEMPT_RT, as kmalloc, not in %s\n",
			  op, type->name, (void *)origin,
			  in_hardirq() ? "hard-irq context" :
			  "a section with preemption or interrupts off");
		return false;
	}
	if (gfpflags_allow_blocking(gfp) && (in_interrupt() || irqs_disabled())) {
		ka_report("kalloc: %s(%s) from %pS: gfp %pGg may sleep, but the caller is in %s\n",
			  op, type->name, (void *)origin, &gfp,
			  in_interrupt() ? "interrupt context" : "a section with interrupts off");
		return false;
	}
	might_alloc(gfp);
	return true;
}

/*
 * kmalloc users expect to hear of a failure, as the page allocator's
 * warning tells them, unless they passed __GFP_NOWARN: a line naming the
 * type, the size and the caller, ratelimited. A request kalloc never serves
 * (0 bytes, above KA_MAX_SIZE) is refused silently, as documented.
 */
atomic_t ka_alloc_failure_warnings = ATOMIC_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(ka_alloc_failure_warnings);

static void ka_warn_failed(struct ka_type *type, size_t size, gfp_t gfp, const char *op,
			   unsigned long origin)
{
	if ((gfp & __GFP_NOWARN) || !size || size > KA_MAX_SIZE)
		return;
	atomic_inc(&ka_alloc_failure_warnings);
	pr_warn_ratelimited("%s(%s) of %zu bytes from %pS failed, gfp %pGg\n", op, type->name,
			    size, (void *)origin, &gfp);
}

/*
 * kmalloc never calls the OOM killer for a request above the costly order
 * (the page allocator fails it instead); kalloc's carriers for such a
 * request may come from vmalloc, which would: ask it to retry but fail.
 */
static gfp_t ka_gfp_for_size(size_t size, gfp_t gfp)
{
	if (size > (PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER) &&
	    !(gfp & (__GFP_NORETRY | __GFP_NOFAIL)))
		gfp |= __GFP_RETRY_MAYFAIL;
	return gfp;
}

/*
 * A node's memory: from the instance of an online CPU of @node (this CPU's
 * when it is one), whose carriers come from that node; the block belongs to
 * that instance, as if it had allocated it. Not through a front cache: a
 * CPU's cache also holds blocks other CPUs' instances own, given back on
 * this CPU. Without an online CPU on @node, another node's memory unless
 * __GFP_THISNODE forbids it (kmalloc_node()'s rule). The caller has
 * migration disabled.
 */
static void *ka_alloc_on_node(struct ka_class_state *cs, size_t size, unsigned int tid,
			      unsigned long origin, gfp_t gfp, int node)
{
	unsigned int cpu = smp_processor_id();

	if (cpu_to_node(cpu) != node)
		cpu = cpumask_any_and(cpumask_of_node(node), cpu_online_mask);
	if (cpu < nr_cpu_ids)
		return ka_cpu_alloc_on(cs, cpu, size, tid, origin, gfp);
	return gfp & __GFP_THISNODE ? NULL : ka_front_alloc(cs, size, tid, origin, gfp);
}

/*
 * @origin: who asked, recorded in the block's tag when the class has atags;
 * @node: NUMA_NO_NODE, or the node the memory must come from
 */
static __always_inline void *ka_alloc_from(struct ka_type *type, size_t size, gfp_t gfp,
					   unsigned long origin, int node)
{
	void *ptr;

	if (WARN(!type, "kalloc: ka_alloc without a type (caller %pS)\n", (void *)origin))
		return NULL;
	if (unlikely(type->fixed_size)) {
		if (size > type->fixed_size) {
			ka_report("kalloc: ka_alloc(%s) of %zu bytes from %pS: objects are %zu\n",
				  type->name, size, (void *)origin, type->fixed_size);
			this_cpu_inc(type->pcpu->failed);
			return NULL;
		}
		size = type->fixed_size;
	}
	/* init_on_alloc=1 hardens kalloc's blocks as it hardens kmalloc's */
	if (want_init_on_alloc(gfp))
		gfp |= __GFP_ZERO;
	if (!ka_gfp_fits_context(type, gfp, "ka_alloc", origin)) {
		this_cpu_inc(type->pcpu->failed);
		return NULL;
	}
	if (node != NUMA_NO_NODE && (node < 0 || node >= MAX_NUMNODES || !node_online(node))) {
		ka_report("kalloc: ka_alloc_node(%s) from %pS: node %d is not online\n",
			  type->name, (void *)origin, node);
		this_cpu_inc(type->pcpu->failed);
		return NULL;
	}
	if (!ka_class_enabled(type->class)) {
		ptr = ka_sys_alloc(size, gfp, node);
	} else if (node == NUMA_NO_NODE) {
		ptr = ka_front_alloc(&ka_class_states[type->class], size, type->id, origin,
				     ka_gfp_for_size(size, gfp));
	} else {
		/* the CPU, and so its node, stays the caller's until the block is had */
		migrate_disable();
		ptr = ka_alloc_on_node(&ka_class_states[type->class], size, type->id, origin,
				       ka_gfp_for_size(size, gfp), node);
		migrate_enable();
	}
	ka_count(type, ptr);
	if (unlikely(!ptr))
		ka_warn_failed(type, size, gfp, "ka_alloc", origin);
	else if (trace_ka_alloc_enabled())
		trace_ka_alloc(origin, ptr, size, ka_class_enabled(type->class) ?
			       ka_inst_usable_size(ptr) : ka_sys_size(size), gfp, type->name,
			       ka_class_name(type->class),
			       node == NUMA_NO_NODE ? numa_mem_id() : node);
	return ptr;
}

void *ka_alloc(struct ka_type *type, size_t size, gfp_t gfp)
{
	return ka_alloc_from(type, size, gfp, _RET_IP_, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(ka_alloc);

void *ka_alloc_caller(struct ka_type *type, size_t size, gfp_t gfp, unsigned long caller)
{
	return ka_alloc_from(type, size, gfp, caller, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(ka_alloc_caller);

void *ka_alloc_node(struct ka_type *type, size_t size, gfp_t gfp, int node)
{
	return ka_alloc_from(type, size, gfp, _RET_IP_, node);
}
EXPORT_SYMBOL_GPL(ka_alloc_node);

void *ka_alloc_node_caller(struct ka_type *type, size_t size, gfp_t gfp, int node,
			   unsigned long caller)
{
	return ka_alloc_from(type, size, gfp, caller, node);
}

void *ka_alloc_fixed(struct ka_type *type, gfp_t gfp)
{
	if (type && !type->fixed_size) {
		ka_report("kalloc: %s(%s) from %pS: not a fixed-size type\n", __func__,
			  type->name, (void *)_RET_IP_);
		this_cpu_inc(type->pcpu->failed);
		return NULL;
	}
	return ka_alloc_from(type, type ? type->fixed_size : 0, gfp, _RET_IP_, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(ka_alloc_fixed);

/* The name of the type whose id is @tid, for reports; under rcu_read_lock(). */
static const char *ka_type_name_of(unsigned int tid)
{
	struct ka_type *t = tid ? xa_load(&ka_type_ids, tid) : NULL;

	if (t)
		return t->name;
	return tid ? "(destroyed type)" : "(untyped)";
}

/*
 * Claims @ptr for @op if it is a live block of @type: the block goes from
 * allocated to queued, or, when @cached is given and the class's front cache
 * takes the block, to cached, and *@cached tells which. One
 * compare-and-exchange does it, atomically against a racing free. Anything
 * else is reported, naming the type and the caller, and false tells the
 * caller to do nothing. Type ids are unique, so the id alone names the type:
 * with a shared carrier pool one carrier may hold blocks of several classes.
 */
static bool claim_block(struct ka_type *type, const void *ptr, const char *op, void *caller,
			bool *cached)
{
	const char *why = NULL;
	unsigned int tid = type->id;
	struct ka_block *b;
	bool ok = false;

	b = ka_registry_block(ptr, &why);
	if (b) {
		bool to_cache = cached && ka_front_takes(&ka_class_states[type->class], b);

		switch (ka_blk_claim_to(b, &tid, to_cache ? KA_F_CACHED : KA_F_QUEUED)) {
		case KA_CLAIMED:
			ok = true;
			if (cached)
				*cached = to_cache;
			break;
		case KA_CLAIM_FREE:
			why = "already free (double free?)";
			break;
		case KA_CLAIM_QUEUED:
			why = "already given back, its free still under way (double free?)";
			break;
		case KA_CLAIM_CACHED:
			why = "already given back, held in a front cache (double free?)";
			break;
		case KA_CLAIM_OTHER_TYPE:
			ka_report("kalloc: %s(%s) of %p from %pS: the block is of type %s\n", op,
				  type->name, ptr, caller, ka_type_name_of(tid));
			return false;
		}
	}
	if (!ok)
		ka_report("kalloc: %s(%s) of %p from %pS: %s\n", op, type->name, ptr, caller,
			  why);
	return ok;
}

/* claim_block() in a read-side section of the RCU a released carrier waits for (plumbing.c). */
static bool ka_claim_block(struct ka_type *type, const void *ptr, const char *op,
			   void *caller)
{
	bool ok;

	ka_lookup_lock();
	ok = claim_block(type, ptr, op, caller, NULL);
	ka_lookup_unlock();
	return ok;
}

/*
 * A type of a disabled class frees with kfree() or vfree(): refuse a
 * pointer into kalloc's own carriers, which either would corrupt.
 */
static bool ka_sys_block_ok(struct ka_type *type, const void *ptr, const char *op,
			    void *caller)
{
	bool ours;

	rcu_read_lock();
	ours = ka_registry_find(ptr);
	rcu_read_unlock();
	if (ours)
		ka_report("kalloc: %s(%s) of %p from %pS: a kalloc block, class %s disabled\n",
			  op, type->name, ptr, caller, ka_class_name(type->class));
	return !ours;
}

/* ka_free() on behalf of @caller, who is named in reports and trace records. */
static __always_inline void ka_free_caller(struct ka_type *type, const void *ptr,
					   unsigned long caller)
{
	if (!ptr)
		return;
	if (WARN(!type, "kalloc: ka_free without a type (caller %pS)\n", (void *)caller))
		return;
	if (!ka_class_enabled(type->class)) {
		if (!ka_sys_block_ok(type, ptr, "ka_free", (void *)caller))
			return;
		/* vfree() may sleep; ka_free() never does */
		if (is_vmalloc_addr(ptr))
			ka_vfree_deferred((void *)ptr);
		else
			kfree(ptr);
	} else if (unlikely(ka_rt_atomic())) {
		/* No sleeping lock here: the block goes through its owner's queue. */
		if (!ka_claim_block(type, ptr, "ka_free", (void *)caller))
			return;
		trace_ka_free(caller, ptr, type->name, false);
		ka_cpu_free_queued((void *)ptr);
	} else {
		struct ka_class_state *cs = &ka_class_states[type->class];
		unsigned long flags;
		bool ok, cached;

		/* The cache's lock is also the read-side section the lookup needs. */
		ka_front_lock(cs, &flags);
		ok = claim_block(type, ptr, "ka_free", (void *)caller, &cached);
		if (ok && cached)
			ka_front_free_locked(cs, (void *)ptr);
		ka_front_unlock(cs, flags);
		if (!ok)
			return;
		trace_ka_free(caller, ptr, type->name, cached);
		if (!cached)
			ka_cpu_free((void *)ptr);
	}
	this_cpu_inc(type->pcpu->frees);
}

void ka_free(struct ka_type *type, const void *ptr)
{
	ka_free_caller(type, ptr, _RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_free);

/*
 * The type of the block @ptr starts, by the id in its header, if @ptr starts
 * a block of a kalloc carrier; NULL and the reason otherwise. The caller is
 * in an RCU read section, which keeps the type: ka_type_destroy() waits.
 */
static struct ka_type *ka_block_type(const void *ptr, const char **why)
{
	struct ka_block *b = ka_registry_block(ptr, why);
	struct ka_type *type;

	if (!b)
		return NULL;
	type = ka_blk_tid(b) ? xa_load(&ka_type_ids, ka_blk_tid(b)) : NULL;
	if (!type)
		*why = "not a live block (freed, or of a destroyed type)";
	return type;
}

/*
 * Frees @ptr as a block of its own type, if it lies in a kalloc carrier (a
 * pointer there that is not a live block is reported, as ka_free() reports
 * it): true. Anything else is not kalloc's: false, and the caller passes it
 * on. One table lookup decides (kalloc/registry.h).
 */
bool ka_free_owned(const void *ptr, unsigned long caller)
{
	const char *why = NULL;
	struct ka_type *type;
	bool ours;

	rcu_read_lock();
	ours = ka_registry_find(ptr);
	if (ours) {
		type = ka_block_type(ptr, &why);
		if (type)
			ka_free_caller(type, ptr, caller);
		else
			ka_report("kalloc: free of %p from %pS: %s\n", ptr, (void *)caller, why);
	}
	rcu_read_unlock();
	return ours;
}

void ka_free_any(const void *ptr)
{
	if (ptr && !ka_free_owned(ptr, _RET_IP_))
		ka_report("kalloc: %s of %p from %pS: not a block kalloc gave out\n",
			  __func__, ptr, (void *)_RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_free_any);

/* ka_size() of a block of its own type; *@ours tells whether @ptr is kalloc's. */
size_t ka_size_owned(const void *ptr, bool *ours)
{
	const char *why = NULL;
	struct ka_type *type;
	size_t usable = 0;

	rcu_read_lock();
	*ours = ka_registry_find(ptr);
	if (*ours) {
		type = ka_block_type(ptr, &why);
		if (type)
			usable = ka_size(type, ptr);
		else
			ka_report("kalloc: ksize of %p from %pS: %s\n", ptr,
				  __builtin_return_address(0), why);
	}
	rcu_read_unlock();
	return usable;
}

size_t ka_size(struct ka_type *type, const void *ptr)
{
	const char *why = NULL;
	size_t usable;

	if (WARN(!type, "kalloc: %s without a type (caller %pS)\n",
		 __func__, __builtin_return_address(0)) || !ptr)
		return 0;
	if (!ka_class_enabled(type->class)) {
		if (!ka_sys_block_ok(type, ptr, "ka_size", __builtin_return_address(0)))
			return 0;
		return is_vmalloc_addr(ptr) ? 0 : ksize(ptr);
	}
	/* a live block's carrier stays while its user holds it */
	usable = ka_registry_owner(ptr, &why) ? ka_inst_usable_size(ptr) : 0;
	if (usable && ka_ptr_tid(ptr) != type->id) {
		why = "of another type";
		usable = 0;
	}
	if (!usable) {
		ka_report("kalloc: %s(%s) of %p from %pS: %s\n", __func__, type->name, ptr,
			  __builtin_return_address(0), why);
		return 0;
	}
	ka_kasan_give((void *)ptr, usable);
	return usable;
}
EXPORT_SYMBOL_GPL(ka_size);

static void *ka_realloc_caller(struct ka_type *type, void *ptr, size_t size, gfp_t gfp,
			       unsigned long caller)
{
	void *new;

	if (!ptr)
		return ka_alloc_from(type, size, gfp, caller, NUMA_NO_NODE);
	if (WARN(!type, "kalloc: ka_realloc without a type (caller %pS)\n", (void *)caller))
		return NULL;
	if (!size) {
		ka_free_caller(type, ptr, caller);
		return NULL;
	}
	if (!ka_gfp_fits_context(type, gfp, "ka_realloc", caller))
		return NULL;
	if (!ka_class_enabled(type->class)) {
		if (!ka_sys_block_ok(type, ptr, "ka_realloc", (void *)caller) ||
		    size > KA_MAX_SIZE)
			return NULL;
		return ka_kvrealloc(ptr, ka_sys_size(size), gfp);
	}
	if (!ka_claim_block(type, ptr, "ka_realloc", (void *)caller))
		return NULL;
	if (size > KA_MAX_SIZE) {
		ka_blk_unclaim(ka_payload_blk(ptr));
		return NULL;
	}
	new = ka_cpu_realloc(&ka_class_states[type->class], ptr, size, ka_gfp_for_size(size, gfp));
	if (unlikely(!new))
		ka_warn_failed(type, size, gfp, "ka_realloc", caller);
	return new;
}

void *ka_realloc(struct ka_type *type, void *ptr, size_t size, gfp_t gfp)
{
	return ka_realloc_caller(type, ptr, size, gfp, _RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_realloc);

/*
 * ka_realloc() of a block of its own type (@size > 0); *@ours tells whether
 * @ptr is kalloc's. A realloc may sleep, so the type is held by its live
 * block rather than by an RCU read section: a block being resized is one
 * its user still holds, and a type with live blocks is never destroyed.
 */
void *ka_realloc_owned(void *ptr, size_t size, gfp_t gfp, unsigned long caller, bool *ours)
{
	const char *why = NULL;
	struct ka_type *type;

	rcu_read_lock();
	*ours = ka_registry_find(ptr);
	type = *ours ? ka_block_type(ptr, &why) : NULL;
	rcu_read_unlock();
	if (!*ours)
		return NULL;
	if (!type) {
		ka_report("kalloc: krealloc of %p from %pS: %s\n", ptr, (void *)caller, why);
		return NULL;
	}
	return ka_realloc_caller(type, ptr, size, gfp, caller);
}

void ka_type_read(const struct ka_type *type, int cpu, struct ka_type_totals *out)
{
	const struct ka_type_pcpu *pc = per_cpu_ptr(type->pcpu, cpu);

	out->allocs = READ_ONCE(pc->allocs);
	out->frees = READ_ONCE(pc->frees);
	out->failed = READ_ONCE(pc->failed);
}
EXPORT_SYMBOL_IF_KUNIT(ka_type_read);

void ka_type_sum(const struct ka_type *type, struct ka_type_totals *out)
{
	struct ka_type_totals one;
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		ka_type_read(type, cpu, &one);
		out->allocs += one.allocs;
		out->frees += one.frees;
		out->failed += one.failed;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ka_type_sum);

/*
 * Users hold a module reference while their types exist, so a type left at
 * unload was never destroyed: say so, and release its bookkeeping.
 */
void ka_types_exit(void)
{
	struct ka_type *type, *next;

	list_for_each_entry_safe(type, next, &ka_types, node) {
		pr_warn("type %s was never destroyed\n", type->name);
		list_del(&type->node);
		xa_erase(&ka_type_ids, type->id);
		free_percpu(type->pcpu);
		kfree(type);
	}
}
