// SPDX-License-Identifier: GPL-2.0
/*
 * The allocation entry points: ka_alloc(), ka_free() and their kin, from
 * the public call to a block in the caller's hands. An allocation of a
 * front-cached size pops this CPU's front cache of the type's class; a free
 * claims the block in its header and pushes it there. Everything rarely
 * taken (a disabled class, a node asked for, a size beyond the front
 * caches, a refused gfp) leaves the straight line behind one branch.
 * Documentation/api.rst and Documentation/front.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "compat.h"
#include "pcpu/cpu.h"
#include "pcpu/cpu_front.h"
#include "internal.h"
#include "pcpu/registry.h"
#include "report.h"
#include "trace.h"
#include "typecache.h"

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
		ka_notice(type->id, origin, "%s(%s) from %pS: gfp %pGg asks for %s, which kalloc lacks\n",
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

/* A cached block of @size bytes becomes the caller's. */
static __always_inline void *front_give(struct ka_class_state *cs, void *ptr, size_t size,
					unsigned int tid, unsigned long origin, gfp_t gfp)
{
	ka_front_hand_out(ptr, tid, origin, cs->p.atags);
	ka_debug_give(ptr, size, gfp);
	if (gfp & __GFP_ZERO)
		memset(ptr, 0, size);
	return ptr;
}

/*
 * A block of @size bytes of type @tid from this CPU's front cache of @cs,
 * or from its instance when the bin is empty or the size beyond the front
 * caches (cpu_front.c, cpu.c), which get @gfp as ka_gfp_for_size() makes it.
 */
static __always_inline void *front_alloc(struct ka_class_state *cs, size_t size,
					 unsigned int tid, unsigned long origin, gfp_t gfp)
{
	unsigned int blk;
	void *ptr;

	/*
	 * size 0 wraps to above any max: the instance refuses it. An interrupt
	 * that came in while this CPU's cache was taken goes to the instance.
	 */
	if (unlikely(size - 1 >= cs->shape.max || !ka_front_trylock(cs))) {
		if (!size)
			return ZERO_SIZE_PTR;
		return ka_cpu_alloc_in(cs, size, tid, origin, ka_gfp_for_size(size, gfp));
	}
	blk = ka_front_blk(&cs->shape, size);
	ptr = ka_front_pop(this_cpu_read(cs->front->f), blk);
	ka_front_unlock(cs);
	if (unlikely(!ptr))
		return ka_front_refill(cs, blk, KA_FRONT_NONE, size, tid, origin,
				       ka_gfp_for_size(size, gfp));
	return front_give(cs, ptr, size, tid, origin, gfp);
}

/*
 * An object of fixed-size @type from the bin in its slot of this CPU's
 * front cache: the type names the bin, no size is looked up.
 */
static __always_inline void *front_alloc_slot(struct ka_type *type, unsigned long origin,
					      gfp_t gfp)
{
	struct ka_class_state *cs = type->cs;
	size_t size = type->fixed_size;
	void *ptr;

	if (unlikely(!ka_front_trylock(cs)))
		return ka_cpu_alloc_in(cs, size, type->id, origin, ka_gfp_for_size(size, gfp));
	ptr = ka_front_pop_slot(this_cpu_read(cs->front->f), type->front_slot, type->front_blk);
	ka_front_unlock(cs);
	if (unlikely(!ptr))
		return ka_front_refill(cs, type->front_blk, type->front_slot, size, type->id,
				       origin, ka_gfp_for_size(size, gfp));
	return front_give(cs, ptr, size, type->id, origin, gfp);
}

/* front_alloc() out of line: a node's fallback, and the suites' classes of their own. */
void *ka_class_alloc(struct ka_class_state *cs, size_t size, unsigned int tid,
		     unsigned long origin, gfp_t gfp)
{
	return front_alloc(cs, size, tid, origin, gfp);
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
	return gfp & __GFP_THISNODE ? NULL : ka_class_alloc(cs, size, tid, origin, gfp);
}

static void trace_alloc(struct ka_type *type, void *ptr, size_t size, gfp_t gfp,
			unsigned long origin, int node)
{
	trace_ka_alloc(origin, ptr, size, ka_class_enabled(type->class) ?
		       ka_inst_usable_size(ptr) : ka_sys_size(size), gfp, type->name,
		       ka_class_name(type->class), node == NUMA_NO_NODE ? numa_mem_id() : node);
}

/*
 * Every allocation ends here: counted, a failure told, a success traced.
 * ZERO_SIZE_PTR, kmalloc's answer to 0 bytes, is none of them. @ours: the
 * block is in kalloc's carriers (its class is enabled), so its bytes count.
 */
static __always_inline void *alloc_done(struct ka_type *type, void *ptr, size_t size,
					gfp_t gfp, unsigned long origin, int node, bool ours)
{
	if (likely(!ZERO_OR_NULL_PTR(ptr))) {
		this_cpu_inc(type->pcpu->allocs);
		if (ours)
			ka_type_bytes_add(type, ka_payload_blk_bytes(ptr));
		if (trace_ka_alloc_enabled())
			trace_alloc(type, ptr, size, gfp, origin, node);
	} else if (!ptr) {
		this_cpu_inc(type->pcpu->failed);
		ka_warn_failed(type, size, gfp, "ka_alloc", origin);
	}
	return ptr;
}

/*
 * init_on_alloc=1 hardens kalloc's blocks as it hardens kmalloc's: the flags
 * a block is made with; reports and trace events name the caller's.
 */
static __always_inline gfp_t ka_gfp_init(gfp_t gfp)
{
	return want_init_on_alloc(gfp) ? gfp | __GFP_ZERO : gfp;
}

/*
 * Everything ka_alloc() does, for the requests that leave its straight
 * line: no type, a fixed-size type, a refused gfp or context, a node, a
 * disabled class. Each refusal is reported and counted.
 */
static noinline void *alloc_rare(struct ka_type *type, size_t size, gfp_t gfp,
				 unsigned long origin, int node)
{
	void *ptr;

	if (!type) {
		ka_report("kalloc: ka_alloc without a type (caller %pS)\n", (void *)origin);
		return NULL;
	}
	if (type->fixed_size) {
		if (size > type->fixed_size) {
			ka_notice(type->id, origin, "ka_alloc(%s) of %zu bytes from %pS: objects are %zu\n",
				  type->name, size, (void *)origin, type->fixed_size);
			this_cpu_inc(type->pcpu->failed);
			return NULL;
		}
		size = type->fixed_size;
	}
	if (!ka_gfp_fits_context(type, gfp, "ka_alloc", origin)) {
		this_cpu_inc(type->pcpu->failed);
		return NULL;
	}
	if (node != NUMA_NO_NODE && (node < 0 || node >= MAX_NUMNODES || !node_online(node))) {
		ka_notice(type->id, origin, "ka_alloc_node(%s) from %pS: node %d is not online\n",
			  type->name, (void *)origin, node);
		this_cpu_inc(type->pcpu->failed);
		return NULL;
	}
	if (type->tc) {
		ptr = ka_tc_alloc(type, gfp, origin, node);
		return alloc_done(type, ptr, size, gfp, origin, node, true);
	}
	if (!size) {
		ptr = ZERO_SIZE_PTR;
	} else if (!ka_class_enabled(type->class)) {
		ptr = ka_sys_alloc(size, ka_gfp_init(gfp), node);
	} else if (node == NUMA_NO_NODE) {
		ptr = ka_class_alloc(&ka_class_states[type->class], size, type->id, origin,
				     ka_gfp_init(gfp));
	} else {
		/* the CPU, and so its node, stays the caller's until the block is had */
		migrate_disable();
		ptr = ka_alloc_on_node(&ka_class_states[type->class], size, type->id, origin,
				       ka_gfp_for_size(size, ka_gfp_init(gfp)), node);
		migrate_enable();
	}
	return alloc_done(type, ptr, size, gfp, origin, node, ka_class_enabled(type->class));
}

/*
 * Whether a request takes ka_alloc()'s straight line: a type of an enabled
 * class, no node, flags and a context kalloc serves, a size its type allows
 * (a fixed-size type's object size in *@size). kmalloc's might_alloc()
 * checks run here for it.
 */
static __always_inline bool alloc_straight(const struct ka_type *type, size_t *size, gfp_t gfp,
					   int node)
{
	if (!type || node != NUMA_NO_NODE || (gfp & KA_GFP_REFUSED) || ka_rt_atomic() ||
	    (gfpflags_allow_blocking(gfp) && (in_interrupt() || irqs_disabled())) ||
	    !type->cs->enabled)
		return false;
	if (type->fixed_size) {
		if (*size > type->fixed_size)
			return false;
		*size = type->fixed_size;
	}
	might_alloc(gfp);
	return true;
}

/*
 * The allocation path. @origin: who asked, recorded in the block's tag when
 * the class has atags; @node: NUMA_NO_NODE, or the node the memory must
 * come from.
 */
static __always_inline void *ka_alloc_from(struct ka_type *type, size_t size, gfp_t gfp,
					   unsigned long origin, int node)
{
	gfp_t zeroed = ka_gfp_init(gfp);
	void *ptr;

	if (unlikely(!alloc_straight(type, &size, gfp, node)))
		return alloc_rare(type, size, gfp, origin, node);
	if (type->front_slot != KA_FRONT_NONE)
		ptr = front_alloc_slot(type, origin, zeroed);
	else
		ptr = front_alloc(type->cs, size, type->id, origin, zeroed);
	return alloc_done(type, ptr, size, gfp, origin, node, true);
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

/*
 * A block whose payload is @align-aligned (a power of two up to
 * KA_ALIGN_MAX): from the instance, on @node's CPU if a node is asked, as
 * the front caches hold blocks of any alignment. The shim's kmalloc() of a
 * power-of-two size, which kmalloc aligns naturally.
 */
void *ka_alloc_aligned_caller(struct ka_type *type, size_t size, size_t align, gfp_t gfp,
			      int node, unsigned long caller)
{
	struct ka_class_state *cs;
	unsigned int cpu;
	gfp_t made;	/* the flags the block is made with; reports name the caller's */
	void *ptr;

	if (align <= KA_MIN_ALIGN || !type || type->fixed_size || !ka_class_enabled(type->class))
		return ka_alloc_from(type, size, gfp, caller, node);
	if (!size || size > KA_MAX_SIZE || align > KA_ALIGN_MAX ||
	    !ka_gfp_fits_context(type, gfp, "ka_alloc", caller)) {
		this_cpu_inc(type->pcpu->failed);
		return NULL;
	}
	if (node != NUMA_NO_NODE && (node < 0 || node >= MAX_NUMNODES || !node_online(node)))
		return ka_alloc_from(type, size, gfp, caller, node);	/* refused there */
	cs = &ka_class_states[type->class];
	made = ka_gfp_for_size(size, ka_gfp_init(gfp));
	cpu = node == NUMA_NO_NODE ? nr_cpu_ids :
	      cpumask_any_and(cpumask_of_node(node), cpu_online_mask);
	if (cpu < nr_cpu_ids)
		ptr = ka_cpu_alloc_on_aligned(cs, cpu, size, align, type->id, caller, made);
	else if (node != NUMA_NO_NODE && (gfp & __GFP_THISNODE))
		ptr = NULL;
	else
		ptr = ka_cpu_alloc_aligned(cs, size, align, type->id, caller, made);
	return alloc_done(type, ptr, size, gfp, caller, node, true);
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
	struct ka_type *t = ka_type_by_id(tid);

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
/*
 * Reports a free of @ptr that claimed nothing: @r is what the claim found,
 * or KA_CLAIMED when @ptr starts no block, which @why then says.
 */
static noinline void claim_failed(struct ka_type *type, const void *ptr, const char *op,
				  void *caller, enum ka_claim r, unsigned int tid, const char *why)
{
	switch (r) {
	case KA_CLAIMED:
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
		return;
	}
	ka_report("kalloc: %s(%s) of %p from %pS: %s\n", op, type->name, ptr, caller, why);
}

static __always_inline bool claim_block(struct ka_type *type, const void *ptr, const char *op,
					void *caller, bool *cached)
{
	const char *why = NULL;
	unsigned int tid = type->id;
	struct ka_block *b;
	enum ka_claim r;
	bool to_cache;

	/* the cache's lock, if held (@cached), keeps its CPU's hint */
	b = ka_registry_block_hinted(ptr, &why,
				     cached ? &this_cpu_ptr(type->cs->front)->hint : NULL);
	if (unlikely(!b)) {
		claim_failed(type, ptr, op, caller, KA_CLAIMED, tid, why);
		return false;
	}
	to_cache = cached && ka_front_takes(type->cs, b);
	r = ka_blk_claim_to(b, &tid, to_cache ? KA_F_CACHED : KA_F_QUEUED);
	if (unlikely(r != KA_CLAIMED)) {
		claim_failed(type, ptr, op, caller, r, tid, why);
		return false;
	}
	if (cached)
		*cached = to_cache;
	return true;
}

/*
 * Claims live block @ptr of @type for a cache of the type's own: to the
 * cached state, or reported as claim_block() reports it.
 */
bool ka_claim_cached(struct ka_type *type, const void *ptr, const char *op, void *caller)
{
	enum ka_claim r = KA_CLAIMED;
	unsigned int tid = type->id;
	const char *why = NULL;
	struct ka_block *b;

	ka_lookup_lock();
	b = ka_registry_block_hinted(ptr, &why, NULL);
	if (b)
		r = ka_blk_claim_to(b, &tid, KA_F_CACHED);
	ka_lookup_unlock();
	if (b && r == KA_CLAIMED)
		return true;
	rcu_read_lock();	/* the other type's name */
	claim_failed(type, ptr, op, caller, r, tid, why);
	rcu_read_unlock();
	return false;
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

/*
 * Everything ka_free() does for the frees that leave its straight line: no
 * type, a disabled class (kfree() or vfree()), a context in which
 * PREEMPT_RT allows no sleeping lock, or an interrupt that came in while
 * this CPU's front cache was taken (the last two: the owner's queue).
 */
static noinline void free_rare(struct ka_type *type, const void *ptr, unsigned long caller)
{
	if (!type) {
		ka_report("kalloc: ka_free without a type (caller %pS)\n", (void *)caller);
		return;
	}
	if (type->tc) {
		ka_tc_free(type, ptr, caller);
		return;
	}
	if (!ka_class_enabled(type->class)) {
		if (!ka_sys_block_ok(type, ptr, "ka_free", (void *)caller))
			return;
		/* vfree() may sleep; ka_free() never does */
		if (is_vmalloc_addr(ptr))
			ka_vfree_deferred((void *)ptr);
		else
			kfree(ptr);
	} else {
		/* No sleeping lock here: the block goes through its owner's queue. */
		if (!ka_claim_block(type, ptr, "ka_free", (void *)caller))
			return;
		if (want_init_on_free())
			ka_inst_wipe((void *)ptr);
		trace_ka_free(caller, ptr, type->name, false);
		/* read while the block is still the type's */
		ka_type_bytes_add(type, -(long)ka_payload_blk_bytes(ptr));
		ka_cpu_free_queued((void *)ptr);
	}
	this_cpu_inc(type->pcpu->frees);
}

/*
 * The free path, on behalf of @caller, who is named in reports and trace
 * records: the block is claimed in its header, then pushed on this CPU's
 * front cache, or freed in the instance that employs its carrier.
 */
static __always_inline void ka_free_caller(struct ka_type *type, const void *ptr,
					   unsigned long caller)
{
	struct ka_class_state *cs;
	bool ok, cached;
	long bytes;

	if (unlikely(ZERO_OR_NULL_PTR(ptr)))
		return;
	if (unlikely(!type || !type->cs->enabled || ka_rt_atomic() ||
		     !ka_front_trylock(type->cs))) {
		free_rare(type, ptr, caller);
		return;
	}
	cs = type->cs;
	/* The cache's lock is also the read-side section the lookup needs. */
	ok = claim_block(type, ptr, "ka_free", (void *)caller, &cached);
	if (unlikely(!ok)) {
		ka_front_unlock(cs);
		return;
	}
	/* read while the block is still the type's */
	bytes = ka_payload_blk_bytes(ptr);
	/* init_on_free=1: wiped before the block goes to a cache or a queue */
	if (want_init_on_free())
		ka_inst_wipe((void *)ptr);
	if (cached)
		ka_front_free_locked(cs, (void *)ptr);
	ka_front_unlock(cs);
	trace_ka_free(caller, ptr, type->name, cached);
	if (!cached)
		ka_cpu_free((void *)ptr);
	this_cpu_inc(type->pcpu->frees);
	ka_type_bytes_add(type, -bytes);
}

void ka_free(struct ka_type *type, const void *ptr)
{
	ka_free_caller(type, ptr, _RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_free);

/* ka_free() on behalf of @caller (the shim's kmem_cache_free()). */
void ka_free_caller_ip(struct ka_type *type, const void *ptr, unsigned long caller)
{
	ka_free_caller(type, ptr, caller);
}

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
	type = ka_type_by_id(ka_blk_tid(b));
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
	if (!ZERO_OR_NULL_PTR(ptr) && !ka_free_owned(ptr, _RET_IP_))
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

	if (!type) {
		ka_report("kalloc: %s without a type (caller %pS)\n", __func__,
			  __builtin_return_address(0));
		return 0;
	}
	if (ZERO_OR_NULL_PTR(ptr))
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
	/* an object of a type with caches of its own ends where its link words begin */
	if (type->tc)
		usable = type->fixed_size;
	ka_kasan_give((void *)ptr, usable);
	return usable;
}
EXPORT_SYMBOL_GPL(ka_size);

static void *ka_realloc_caller(struct ka_type *type, void *ptr, size_t size, gfp_t gfp,
			       unsigned long caller)
{
	long old_bytes;
	void *new;

	if (ZERO_OR_NULL_PTR(ptr))
		return ka_alloc_from(type, size, gfp, caller, NUMA_NO_NODE);
	if (!type) {
		ka_report("kalloc: ka_realloc without a type (caller %pS)\n", (void *)caller);
		return NULL;
	}
	if (!size) {
		ka_free_caller(type, ptr, caller);
		return ZERO_SIZE_PTR;
	}
	if (type->tc) {
		ka_report("kalloc: ka_realloc(%s) of %p from %pS: %s\n", type->name, ptr,
			  (void *)caller, "its type keeps objects of one size");
		return NULL;
	}
	if (!ka_gfp_fits_context(type, gfp, "ka_realloc", caller))
		return NULL;
	if (!ka_class_enabled(type->class)) {
		if (!ka_sys_block_ok(type, ptr, "ka_realloc", (void *)caller) ||
		    size > KA_MAX_SIZE)
			return NULL;
		return ka_kvrealloc(ptr, ka_sys_size(size), ka_gfp_init(gfp));
	}
	if (!ka_claim_block(type, ptr, "ka_realloc", (void *)caller))
		return NULL;
	if (size > KA_MAX_SIZE) {
		ka_blk_unclaim(ka_payload_blk(ptr));
		return NULL;
	}
	old_bytes = ka_payload_blk_bytes(ptr);
	/* the space gained is zeroed as kmalloc's would be (ka_inst_realloc()) */
	new = ka_cpu_realloc(&ka_class_states[type->class], ptr, size,
			     ka_gfp_for_size(size, ka_gfp_init(gfp)));
	if (unlikely(!new))
		ka_warn_failed(type, size, gfp, "ka_realloc", caller);
	else
		ka_type_bytes_add(type, (long)ka_payload_blk_bytes(new) - old_bytes);
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

int ka_alloc_bulk(struct ka_type *type, gfp_t gfp, size_t n, void **p)
{
	size_t i, size = type ? type->fixed_size : 0;

	if (type && !type->fixed_size) {
		ka_report("kalloc: %s(%s) from %pS: not a fixed-size type\n", __func__,
			  type->name, (void *)_RET_IP_);
		return 0;
	}
	for (i = 0; i < n; i++) {
		p[i] = ka_alloc_from(type, size, gfp, _RET_IP_, NUMA_NO_NODE);
		if (unlikely(!p[i])) {
			while (i)
				ka_free_caller(type, p[--i], _RET_IP_);
			return 0;
		}
	}
	return n;
}
EXPORT_SYMBOL_GPL(ka_alloc_bulk);

void ka_free_bulk(struct ka_type *type, size_t n, void **p)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ZERO_OR_NULL_PTR(p[i]))
			continue;
		if (type)
			ka_free_caller(type, p[i], _RET_IP_);
		else if (!ka_free_owned(p[i], _RET_IP_))
			ka_report("kalloc: %s of %p from %pS: not a block kalloc gave out\n",
				  __func__, p[i], (void *)_RET_IP_);
	}
}
EXPORT_SYMBOL_GPL(ka_free_bulk);

/*
 * Whether @ptr is a live block of @type now, as ka_free() would find it;
 * reported otherwise.
 */
bool ka_block_is_live(struct ka_type *type, const void *ptr, const char *op,
		      unsigned long caller)
{
	unsigned int tid = 0;
	const char *why = NULL;
	struct ka_block *b;
	bool ok = false;

	rcu_read_lock();
	b = ka_registry_block(ptr, &why);
	if (b) {
		tid = ka_blk_tid(b);
		if (ka_blk_free(b) || ka_blk_queued(b) || ka_blk_cached(b))
			why = "not a live block (double free?)";
		else if (tid != type->id)
			why = "of another type";
		else
			ok = true;
	}
	if (!ok)
		ka_report("kalloc: %s(%s) of %p from %pS: %s%s%s\n", op, type->name, ptr,
			  (void *)caller, why, tid && tid != type->id ? " " : "",
			  tid && tid != type->id ? ka_type_name_of(tid) : "");
	rcu_read_unlock();
	return ok;
}
