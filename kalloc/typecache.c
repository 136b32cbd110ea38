// SPDX-License-Identifier: GPL-2.0
/*
 * Caches of a type's own: the objects of a type with a constructor,
 * KA_TYPESAFE_BY_RCU or a large alignment, kept constructed between a free
 * and the next allocation of the same type, as SLUB keeps a cache's objects
 * in its slabs. A CPU's list, touched with interrupts off for a push or a
 * pop, trades full chains with the type's depot; memory comes from the
 * class's instances (through its front caches when no alignment is asked)
 * and goes back to them only from a list taken out of every cache: when the
 * depot grows beyond KA_TC_DEPOT_KEEP chains, on ka_type_shrink() and on
 * ka_type_destroy(), a grace period later for KA_TYPESAFE_BY_RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/kmemleak.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>

#include "pcpu/cpu.h"
#include "core/front.h"
#include "debug.h"
#include "internal.h"
#include "report.h"
#include "trace.h"
#include "typecache.h"

#define KA_TC_BATCH_BYTES	4096	/* about this many bytes of objects a chain */
#define KA_TC_BATCH_MIN		4
#define KA_TC_DEPOT_KEEP	4	/* chains the depot keeps; more are given back */

static bool tc_rcu(const struct ka_type *type)
{
	return type->flags & KA_TYPESAFE_BY_RCU;
}

/*
 * The link words of cached object @obj. They lie in the block's slack,
 * which KASAN keeps as redzone: this file is not instrumented (Kbuild).
 */
static void **tc_link(const struct ka_tcache *tc, const void *obj)
{
	return (void **)((char *)obj + tc->link);
}

/* The newest object of this CPU's list, or the first of a depot chain. */
static void *tc_pop(struct ka_tcache *tc)
{
	struct ka_tc_cpu *c;
	unsigned long flags;
	void *obj;

	local_irq_save(flags);
	c = this_cpu_ptr(tc->cpu);
	if (!c->head && READ_ONCE(tc->chains)) {
		raw_spin_lock(&tc->lock);
		c->head = tc->depot;
		if (c->head) {
			tc->depot = tc_link(tc, c->head)[1];
			tc->chains--;
			c->count = tc->batch;
		}
		raw_spin_unlock(&tc->lock);
	}
	obj = c->head;
	if (obj) {
		c->head = tc_link(tc, obj)[0];
		c->count--;
	}
	local_irq_restore(flags);
	return obj;
}

/* Caches @obj on this CPU; a full list goes to the depot first. */
static void tc_push(struct ka_tcache *tc, void *obj)
{
	bool trim = false;
	struct ka_tc_cpu *c;
	unsigned long flags;

	local_irq_save(flags);
	c = this_cpu_ptr(tc->cpu);
	if (c->count >= tc->batch) {
		raw_spin_lock(&tc->lock);
		tc_link(tc, c->head)[1] = tc->depot;
		tc->depot = c->head;
		tc->chains++;
		trim = tc->chains > KA_TC_DEPOT_KEEP;
		raw_spin_unlock(&tc->lock);
		c->head = NULL;
		c->count = 0;
	}
	tc_link(tc, obj)[0] = c->head;
	c->head = obj;
	c->count++;
	local_irq_restore(flags);
	if (trim)
		queue_work(ka_wq, &tc->trim);
}

/* A block of the type's size and alignment from its class, of no one's use yet. */
static void *tc_block(struct ka_type *type, gfp_t gfp, unsigned long origin, int node)
{
	struct ka_class_state *cs = &ka_class_states[type->class];
	unsigned int cpu;

	if (node != NUMA_NO_NODE && type->align <= KA_UNIT) {
		cpu = cpumask_any_and(cpumask_of_node(node), cpu_online_mask);
		if (cpu < nr_cpu_ids)
			return ka_cpu_alloc_on(cs, cpu, type->tc->size, type->id, origin, gfp);
		if (gfp & __GFP_THISNODE)
			return NULL;
	}
	if (type->align > KA_UNIT)
		return ka_cpu_alloc_aligned(cs, type->tc->size, type->align, type->id, origin,
					    gfp);
	return ka_class_alloc(cs, type->tc->size, type->id, origin, gfp);
}

/*
 * A new object of @type: its memory becomes the type's, and the constructor
 * runs on it, in the caller's context as SLUB runs it when a slab is made.
 * The debugging tools see it again when it is handed out.
 */
static void *tc_new(struct ka_type *type, gfp_t gfp, unsigned long origin, int node)
{
	void *obj = tc_block(type, gfp & ~__GFP_ZERO, origin, node);

	if (!obj)
		return NULL;
	kmemleak_free(obj);
	if (type->ctor)
		type->ctor(obj);
	return obj;
}

/*
 * One new object for the caller, and up to half a chain more for this
 * CPU's list, so that the next allocations find them.
 */
static void *tc_fill(struct ka_type *type, gfp_t gfp, unsigned long origin, int node)
{
	struct ka_tcache *tc = type->tc;
	unsigned int n = node == NUMA_NO_NODE ? max(tc->batch / 2, 1U) : 1;
	void *first = tc_new(type, gfp, origin, node), *obj;

	while (first && --n) {
		obj = tc_new(type, gfp | __GFP_NOWARN, origin, node);
		if (!obj)
			break;
		ka_blk_cache(ka_payload_blk(obj));
		if (!tc_rcu(type))
			ka_kasan_take_range(obj, tc->link);
		tc_push(tc, obj);
	}
	return first;
}

/* What init_on_alloc and __GFP_ZERO ask of an object, as slab_want_init_on_alloc(). */
static bool tc_want_zero(const struct ka_type *type, gfp_t gfp)
{
	if (type->ctor)
		return false;
	if (tc_rcu(type))
		return gfp & __GFP_ZERO;
	return want_init_on_alloc(gfp) || (gfp & __GFP_ZERO);
}

void *ka_tc_alloc(struct ka_type *type, gfp_t gfp, unsigned long origin, int node)
{
	struct ka_class_state *cs = &ka_class_states[type->class];
	void *obj = NULL;

	if (unlikely(type->ctor && (gfp & __GFP_ZERO))) {
		ka_report("kalloc: ka_alloc(%s) from %pS: %s\n", type->name, (void *)origin,
			  "__GFP_ZERO would wipe what the constructor made");
		return NULL;
	}
	/* a node's memory is made for the request: cached objects may be any node's */
	if (node == NUMA_NO_NODE)
		obj = tc_pop(type->tc);
	if (obj)
		ka_front_hand_out(obj, type->id, origin, cs->p.atags);
	else
		obj = tc_fill(type, gfp, origin, node);
	if (!obj)
		return NULL;
	ka_debug_give(obj, type->fixed_size, gfp);
	if (tc_want_zero(type, gfp))
		memset(obj, 0, type->fixed_size);
	return obj;
}

void ka_tc_free(struct ka_type *type, const void *ptr, unsigned long caller)
{
	struct ka_tcache *tc = type->tc;

	if (!ka_claim_cached(type, ptr, "ka_free", (void *)caller))
		return;
	kmemleak_free(ptr);
	/* as slab_want_init_on_free(): what a constructor made is never wiped */
	if (!type->ctor && !tc_rcu(type) && want_init_on_free())
		memset((void *)ptr, 0, type->fixed_size);
	/* an RCU reader may still look at it: it stays readable */
	if (!tc_rcu(type))
		ka_kasan_take_range(ptr, tc->link);
	trace_ka_free(caller, ptr, type->name, true);
	ka_type_bytes_add(type, -(long)ka_payload_blk_bytes(ptr));
	tc_push(tc, (void *)ptr);
	this_cpu_inc(type->pcpu->frees);
}

/*
 * Cached object @obj is the type's no more: to its instance, as a block any
 * type or coalescing may take.
 */
static void tc_release(void *obj)
{
	ka_blk_requeue(ka_payload_blk(obj));
	ka_kasan_take(obj);
	ka_cpu_free_taken(obj);
}

/* Gives back every object of @chains (linked through their first objects' second word). */
static void tc_release_chains(struct ka_tcache *tc, void *chains)
{
	void *chain, *obj, *next;

	if (!chains)
		return;
	/* readers that found an object before it was freed are done with it */
	if (tc_rcu(tc->type))
		synchronize_rcu();
	for (chain = chains; chain; chain = next) {
		next = tc_link(tc, chain)[1];
		for (obj = chain; obj; ) {
			void *after;

			after = tc_link(tc, obj)[0];
			tc_release(obj);
			obj = after;
		}
	}
}

/* The depot's chains beyond the first @keep, taken out of it. */
static void *tc_take_depot(struct ka_tcache *tc, unsigned int keep)
{
	void *chains = NULL, **at;
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&tc->lock, flags);
	if (tc->chains > keep) {
		at = &tc->depot;
		for (i = 0; i < keep; i++)
			at = &tc_link(tc, *at)[1];
		chains = *at;
		*at = NULL;
		tc->chains = keep;
	}
	raw_spin_unlock_irqrestore(&tc->lock, flags);
	return chains;
}

static void tc_trim_fn(struct work_struct *work)
{
	struct ka_tcache *tc = container_of(work, struct ka_tcache, trim);

	tc_release_chains(tc, tc_take_depot(tc, KA_TC_DEPOT_KEEP));
}

struct tc_collect {
	struct ka_tcache *tc;
	void *chains;
};

/* Moves list @c, partial or not, onto @col's chains; under @col->tc->lock. */
static void tc_collect_list(struct tc_collect *col, struct ka_tc_cpu *c)
{
	if (!c->head)
		return;
	tc_link(col->tc, c->head)[1] = col->chains;
	col->chains = c->head;
	c->head = NULL;
	c->count = 0;
}

/* On each online CPU, interrupts off: its list joins the collection. */
static void tc_collect_this_cpu(void *arg)
{
	struct tc_collect *col = arg;

	raw_spin_lock(&col->tc->lock);
	tc_collect_list(col, this_cpu_ptr(col->tc->cpu));
	raw_spin_unlock(&col->tc->lock);
}

/*
 * Everything the caches of @type hold, given back. Online CPUs hand over
 * their lists in an interrupt; an offline CPU's list is taken as it is,
 * with hotplug held off.
 */
void ka_tc_shrink(struct ka_type *type)
{
	struct ka_tcache *tc = type->tc;
	struct tc_collect col = { .tc = tc };
	unsigned long flags;
	void **at;
	int cpu;

	might_sleep();
	cpus_read_lock();
	on_each_cpu(tc_collect_this_cpu, &col, 1);
	raw_spin_lock_irqsave(&tc->lock, flags);
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			tc_collect_list(&col, per_cpu_ptr(tc->cpu, cpu));
	raw_spin_unlock_irqrestore(&tc->lock, flags);
	cpus_read_unlock();
	/* the depot's chains after the collected lists */
	at = &col.chains;
	while (*at)
		at = &tc_link(tc, *at)[1];
	*at = tc_take_depot(tc, 0);
	tc_release_chains(tc, col.chains);
}

/* A chain holds about KA_TC_BATCH_BYTES of objects, within bounds. */
static unsigned int tc_batch(size_t size)
{
	return clamp_t(size_t, KA_TC_BATCH_BYTES / size, KA_TC_BATCH_MIN, KA_TC_BATCH_MAX);
}

int ka_tc_create(struct ka_type *type)
{
	struct ka_tcache *tc = kzalloc(sizeof(*tc), GFP_KERNEL);

	if (!tc)
		return -ENOMEM;
	tc->cpu = alloc_percpu(struct ka_tc_cpu);
	if (!tc->cpu) {
		kfree(tc);
		return -ENOMEM;
	}
	raw_spin_lock_init(&tc->lock);
	INIT_WORK(&tc->trim, tc_trim_fn);
	tc->link = ALIGN(type->fixed_size, sizeof(void *));
	tc->size = tc->link + KA_TC_LINK_BYTES;
	tc->batch = tc_batch(tc->size);
	tc->type = type;
	type->tc = tc;
	return 0;
}

/* After the type's last object was freed, and no one allocates any more. */
void ka_tc_destroy(struct ka_type *type)
{
	struct ka_tcache *tc = type->tc;

	if (!tc)
		return;
	cancel_work_sync(&tc->trim);
	ka_tc_shrink(type);
	free_percpu(tc->cpu);
	kfree(tc);
	type->tc = NULL;
}
