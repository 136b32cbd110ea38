// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU front caches: one front cache (front.h) per class and CPU, in front
 * of that CPU's instance. Documentation/front.rst.
 *
 * An allocation of at most the class's fcmax bytes pops a block of its size
 * bin under a per-CPU trylock (compat.h), and a free of such a block pushes
 * it, without the instance's lock. When a bin is empty one trip to the instance takes
 * the caller's block and half a bin of extras; when it is full (or the cache
 * holds KA_FRONT_BYTES) one trip gives the oldest half back. The lock is
 * preemption off and a per-CPU mark, interrupts on: an interrupt (hard-irq
 * with GFP_ATOMIC included) that finds the cache taken uses the instance.
 * On PREEMPT_RT it is a per-CPU lock that keeps the task on its CPU.
 *
 * Blocks go back by themselves: a delayed work per class and CPU hands back
 * three quarters of what each bin left unused for a period (decay); a
 * shrinker asks every CPU to give back everything; a CPU going offline
 * empties its caches; and a class's caches are emptied before its instances
 * are torn down. Lock order: a front cache, then an instance.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/jiffies.h>
#include <linux/kmemleak.h>

#include "../internal.h"
#include "../compat.h"
#include "cpu.h"
#include "cpu_front.h"
#include "remote.h"
#include "carrier_layer.h"
#include "depot.h"

#define KA_BATCH_DESTS	4	/* other CPUs' instances one give-back batches for */

/* The cache of a CPU that holds none: every bin unassigned, never written. */
struct ka_front ka_front_none = {
	.map = { [0 ... KA_FRONT_SIZES - 1] = KA_FRONT_NONE },
};

/*
 * Gives this CPU's cache of @cs memory of its own, and the CPU an instance
 * of @cs if it has none yet (a CPU that only frees blocks of the class, as
 * a consumer does, caches them as one that allocates does; the instance's
 * decay work empties and frees the cache again). The caller holds the
 * cache.
 */
static struct ka_front *front_make(struct ka_class_state *cs, struct ka_pcpu_front *pf)
{
	int cpu = smp_processor_id();
	struct ka_front_box *box;

	if (pf->f != &ka_front_none)
		return pf->f;
	if (!ka_pcpu_make(cs, cpu, GFP_NOWAIT) || !ka_depot_make(cs, cpu_to_node(cpu)) ||
	    ka_fail_alloc(GFP_NOWAIT, sizeof(*box)))
		return NULL;
	box = kmalloc_node(sizeof(*box), GFP_NOWAIT | __GFP_NOWARN, cpu_to_node(cpu));
	if (!box)
		return NULL;
	/* its magazines' stale slots would hide leaks if scanned (core.h) */
	kmemleak_ignore(box);
	ka_front_init(&box->f);
	WRITE_ONCE(pf->f, &box->f);
	return &box->f;
}

/*
 * Frees this CPU's cache of @cs, which holds no block, keeping its counts
 * in the instance @pc. Readers on other CPUs look at it under
 * rcu_read_lock() (ka_stats_front(), fronts_held()). The caller holds the
 * cache.
 */
static void front_free(struct ka_pcpu *pc, struct ka_pcpu_front *pf)
{
	struct ka_front *f = pf->f;

	if (f == &ka_front_none || f->blocks)
		return;
	ka_pcpu_lock(pc);
	ka_front_counts_add(&pc->front_gone, &f->n);
	WRITE_ONCE(pf->f, &ka_front_none);
	ka_pcpu_unlock(pc);
	ka_front_exit(f);
	kfree_rcu(container_of(f, struct ka_front_box, f), rcu);
}

/* Blocks bound for one other instance, linked through their payloads. */
struct remote_batch {
	struct ka_pcpu *to;
	struct llist_node *first, *last;
	unsigned int n;
};

/* Adds @ptr to the batch for @to; false if all batches are taken by others. */
static bool batch_add(struct remote_batch *rb, struct ka_pcpu *to, void *ptr)
{
	struct llist_node *node = ptr;
	int i;

	for (i = 0; i < KA_BATCH_DESTS; i++) {
		if (!rb[i].to) {
			rb[i].to = to;
			rb[i].first = node;
			rb[i].last = node;
			node->next = NULL;
			rb[i].n = 1;
			return true;
		}
		if (rb[i].to == to) {
			node->next = rb[i].first;
			rb[i].first = node;
			rb[i].n++;
			return true;
		}
	}
	return false;
}

/*
 * Gives @n cached blocks back (from a front cache or a depot). Blocks of
 * this CPU's instance are freed under its lock, one lock round trip per
 * KA_GIVE_BACK_HOLD; blocks of other instances go to their queues, one
 * push per instance. Any instance may be locked from any CPU, so a caller
 * that moves to another CPU meanwhile is still correct, only less local.
 */
#define KA_GIVE_BACK_HOLD	16

void ka_front_give_back(struct ka_class_state *cs, void **blocks, unsigned int n)
{
	struct remote_batch rb[KA_BATCH_DESTS] = {};
	unsigned int i, held;
	struct ka_pcpu *pc;
	u64 heavy;

	if (!n)
		return;
	pc = ka_pcpu_peek(cs, raw_smp_processor_id());
	if (!pc) {
		/* a depot emptied on a CPU that never used the class: all are others' */
		for (i = 0; i < n; i++) {
			struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(blocks[i]));

			ka_remote_push(ka_pcpu_of(ka_crr_inst(c)), blocks[i]);
		}
		return;
	}
	ka_pcpu_lock(pc);
	heavy = ka_inst_heavy_work(&pc->inst);
	for (i = 0, held = 0; i < n; i++) {
		struct ka_carrier *c;
		struct ka_instance *emp;

		/*
		 * A free that swept, gave pages back or released a carrier did
		 * up to KA_HOLD_WORK: it ends the hold, as KA_GIVE_BACK_HOLD
		 * plain frees do.
		 */
		if (held == KA_GIVE_BACK_HOLD || heavy != ka_inst_heavy_work(&pc->inst)) {
			ka_pcpu_relock(pc);
			heavy = ka_inst_heavy_work(&pc->inst);
			held = 0;
		}
		held++;
		c = ka_blk_carrier(ka_payload_blk(blocks[i]));
		emp = ka_emp_inst(READ_ONCE(c->emp));

		/* if the carrier moves on meanwhile, its former employer forwards the block */
		if (emp == &pc->inst || !batch_add(rb, ka_pcpu_of(emp), blocks[i]))
			ka_cpu_free_locked(pc, blocks[i]);
	}
	ka_pcpu_unlock(pc);
	for (i = 0; i < KA_BATCH_DESTS && rb[i].to; i++)
		ka_remote_push_batch(rb[i].to, rb[i].first, rb[i].last, rb[i].n);
}

static void decay_arm(struct ka_pcpu *pc)
{
	queue_delayed_work_on(pc->cpu, ka_wq, &pc->fd.work,
			      msecs_to_jiffies(KA_FRONT_DECAY_MS));
}

/*
 * @pc's main carrier has emptied: the decay work gives it back if it is
 * still empty when it runs. Any context; @pc is locked.
 */
void ka_front_main_empty(struct ka_pcpu *pc)
{
	/* a class being torn down has cancelled its decay work for good */
	if (READ_ONCE(pc->cs->enabled) && !delayed_work_pending(&pc->fd.work))
		decay_arm(pc);
}

/* Whether the caller must arm the decay work of this CPU; the caller holds the cache. */
static bool decay_needed(struct ka_pcpu_front *pf)
{
	if (pf->decaying)
		return false;
	pf->decaying = true;
	return true;
}

/*
 * Puts @n cached-state blocks into this CPU's cache, making room as needed;
 * what still does not fit is left at the start of @blocks: how many.
 */
static unsigned int cache_blocks(struct ka_class_state *cs, void **blocks, unsigned int n)
{
	void *back[2 * KA_FRONT_SLOTS];
	struct ka_pcpu_front *pf;
	unsigned int i, left = 0;
	struct ka_pcpu *here;
	struct ka_front *f;
	bool arm;

	/* an interrupt that came in while the cache was taken keeps them all */
	if (!ka_front_trylock(cs))
		return n;
	pf = this_cpu_ptr(cs->front);
	f = front_make(cs, pf);
	if (!f) {
		ka_front_unlock(cs);
		return n;
	}
	for (i = 0; i < n; i++) {
		unsigned int blk = ka_blk_size(ka_payload_blk(blocks[i]));

		if (ka_front_push(f, blk, blocks[i]) ||
		    ka_front_push_slow(f, blk, blocks[i]))
			continue;
		ka_front_give_back(cs, back, ka_front_make_room(f, &cs->shape, blk, back));
		if (!ka_front_push(f, blk, blocks[i]))
			blocks[left++] = blocks[i];
	}
	f->n.refills++;
	f->n.refilled += n - left;
	arm = n > left && decay_needed(pf);
	here = cs->pcpu[smp_processor_id()];
	ka_front_unlock(cs);
	if (arm)
		decay_arm(here);
	return left;
}

/*
 * The spare magazine of @blk, or a full one from the depot, in place of the
 * empty loaded one; a size without a bin gets one when the depot has blocks
 * of it. The newest block, or NULL. The caller holds the cache.
 */
static noinline void *reload(struct ka_class_state *cs, struct ka_front *f, unsigned int blk)
{
	void *ptr = ka_front_pop_slow(f, blk), *back[2 * KA_FRONT_SLOTS];

	if (ptr)
		return ptr;
	if (f->map[blk / KA_UNIT] == KA_FRONT_NONE && ka_depot_has(cs, blk))
		ka_front_give_back(cs, back, ka_front_make_room(f, &cs->shape, blk, back));
	return ka_depot_load(cs, f, blk);
}

/*
 * An empty loaded magazine: the spare, if it holds blocks, takes its place;
 * else, both empty, a full magazine from the node's depot; else one trip to
 * this CPU's instance. There blocks other CPUs' caches sent home come
 * first, back into the cache without the instance freeing and allocating
 * them again; then the caller's block and, beside it, extras up to half a
 * magazine. A pinned size's bin moves to its @slot (KA_FRONT_NONE: none)
 * on the way, so that its types find it there next time.
 */
void *ka_front_refill(struct ka_class_state *cs, unsigned int blk, unsigned int slot,
		      size_t size, unsigned int tid, unsigned long origin, gfp_t gfp)
{
	unsigned int want = ka_front_refill_count(blk) - 1, n, i;
	void *extra[KA_FRONT_SLOTS], *ptr = NULL;
	struct ka_pcpu *pc;

	/* a CPU's first use of the class: its instance, then its cache, before the depot */
	if (unlikely(this_cpu_read(cs->front->f) == &ka_front_none) &&
	    !ka_pcpu_make(cs, raw_smp_processor_id(), gfp & ~__GFP_ZERO))
		return NULL;
	if (ka_front_trylock(cs)) {
		struct ka_front *f = front_make(cs, this_cpu_ptr(cs->front));

		if (f) {
			if (slot != KA_FRONT_NONE)
				ka_front_settle(f, blk, slot);
			ptr = reload(cs, f, blk);
		}
		ka_front_unlock(cs);
		if (ptr) {
			ka_front_hand_out(ptr, tid, origin, cs->p.atags);
			goto out;
		}
	}
	pc = ka_pcpu_lock_this(cs, gfp & ~__GFP_ZERO);
	if (!pc)
		return NULL;
	ka_remote_drain(pc, 0);		/* homecoming carriers */
	n = ka_remote_take_cached(pc, &cs->shape, extra, KA_FRONT_SLOTS);
	for (i = 0; i < n; i++) {
		if (ka_blk_size(ka_payload_blk(extra[i])) == blk) {
			ptr = extra[i];
			extra[i] = extra[--n];
			break;
		}
	}
	if (!ptr) {
		ptr = ka_inst_alloc_tagged(&pc->inst, size, tid, origin, gfp & ~__GFP_ZERO);
		if (ptr && n < want)
			n += ka_front_fill(&pc->inst, blk, extra + n, want - n);
		ka_pcpu_unlock(pc);
	} else {
		ka_pcpu_unlock(pc);
		ka_front_hand_out(ptr, tid, origin, cs->p.atags);
	}
	if (n) {
		n = cache_blocks(cs, extra, n);
		/* no room after all (the byte bound): give the rest back */
		for (i = 0; i < n; i++)
			ka_cpu_free(extra[i]);
	}
	if (!ptr)	/* the instance path drains everything queued before it gives up */
		return ka_cpu_alloc_in(cs, size, tid, origin, gfp);
out:
	ka_debug_give(ptr, size, gfp);
	if (gfp & __GFP_ZERO)
		memset(ptr, 0, size);
	return ptr;
}

/*
 * The loaded magazine of @blk is full, or the cache at its bound: the
 * spare, if empty, takes its place; else, both full, the loaded one goes to
 * the node's depot for an empty one; else make room and push @ptr, or give
 * it back with the rest. A CPU whose cache has no memory yet gets it here
 * (or, failing that, hands @ptr to the block's instance: false). Out of
 * line: the stack array would be cleared on every free
 * (CONFIG_INIT_STACK_ALL_ZERO) if it were inline, and the pair's straight
 * line stays free of the slow path's locked instructions.
 */
static noinline bool free_make_room(struct ka_class_state *cs, struct ka_pcpu_front *pf,
				    unsigned int blk, void *ptr)
{
	void *back[2 * KA_FRONT_SLOTS + 1];
	struct ka_front *f = front_make(cs, pf);
	unsigned int n;

	if (!f) {
		/* no memory for a cache here: the block's instance frees it */
		ka_cpu_free_taken(ptr);
		return false;
	}
	if (ka_front_push_slow(f, blk, ptr) ||
	    (ka_depot_unload(cs, f, blk) && ka_front_push(f, blk, ptr)))
		return true;
	n = ka_front_make_room(f, &cs->shape, blk, back);
	if (!ka_front_push(f, blk, ptr))
		back[n++] = ptr;
	f->n.flushes++;
	f->n.flushed += n;
	ka_front_give_back(cs, back, n);
	return true;
}

/*
 * ka_front_free_locked() off its straight line: @ptr was not @pushed (the
 * loaded magazine full, or the byte bound), or the decay work is not armed.
 */
void ka_front_free_slow(struct ka_class_state *cs, struct ka_pcpu_front *pf, unsigned int blk,
			void *ptr, bool pushed)
{
	if (!pushed && !free_make_room(cs, pf, blk, ptr))
		return;
	/* queue_delayed_work_on() may be called with the cache held */
	if (decay_needed(pf))
		decay_arm(cs->pcpu[smp_processor_id()]);
}

/*
 * Caches @ptr, which the caller moved to the cached state; if an interrupt
 * came in while the cache was taken, the instance frees it.
 */
void ka_front_free(struct ka_class_state *cs, void *ptr)
{
	if (!ka_front_trylock(cs)) {
		ka_cpu_free(ptr);
		return;
	}
	ka_front_free_locked(cs, ptr);
	ka_front_unlock(cs);
}

/*
 * One pass over this CPU's cache of @cs: everything back (@all), or what
 * decayed. The lock is let go between bins, so the cache stays taken for
 * at most one bin's worth of frees. False if the caller is not on @pc's
 * CPU (a work item that ran after its CPU went offline, which emptied it).
 * Task context: the cache is never found taken.
 */
static bool front_pass(struct ka_pcpu *pc, bool all)
{
	struct ka_class_state *cs = pc->cs;
	void *back[KA_FRONT_SLOTS];
	struct ka_pcpu_front *pf;
	unsigned int bin, n;

	for (bin = 0; bin < KA_FRONT_BINS; bin++) {
		do {
			if (!ka_front_trylock(cs))
				return false;
			if (smp_processor_id() != pc->cpu) {
				ka_front_unlock(cs);
				return false;
			}
			pf = this_cpu_ptr(cs->front);
			if (pf->f == &ka_front_none) {
				ka_front_unlock(cs);
				return true;
			}
			if (all)
				n = ka_front_take_oldest(pf->f, bin, KA_FRONT_SLOTS, back);
			else
				n = ka_front_take_decayed(pf->f, &cs->shape, bin, back);
			pf->f->n.flushes += !!n;
			pf->f->n.flushed += n;
			ka_front_give_back(cs, back, n);
			ka_front_unlock(cs);
		} while (all && n);
	}
	return true;
}

static void decay_work(struct work_struct *work)
{
	struct ka_pcpu *pc = container_of(to_delayed_work(work), struct ka_pcpu, fd.work);
	struct ka_class_state *cs = pc->cs;
	struct ka_pcpu_front *pf;
	bool more, all;

	/*
	 * Fully ordered, so a request is taken exactly once. Pairs with the
	 * WRITE_ONCE(fd.flush_all) before mod_delayed_work_on() in
	 * ka_front_flush_everywhere() and fronts_held(): queueing the work
	 * orders that store before the work runs.
	 */
	all = xchg(&pc->fd.flush_all, false);
	if (!front_pass(pc, all))
		return;
	/* the node's depot decays with its CPUs' caches */
	if (all)
		ka_depot_flush(cs, cpu_to_node(pc->cpu), ULONG_MAX);
	else
		ka_depot_decay(cs, cpu_to_node(pc->cpu));
	if (!ka_front_trylock(cs))
		return;
	pf = this_cpu_ptr(cs->front);
	if (smp_processor_id() != pc->cpu) {
		ka_front_unlock(cs);
		return;
	}
	more = pf->f->blocks || ka_depot_blocks(cs, cpu_to_node(pc->cpu));
	if (!more) {
		pf->decaying = false;
		/* idle for a period: the cache and an empty main carrier go */
		front_free(pc, pf);
	}
	ka_front_unlock(cs);
	if (more) {
		decay_arm(pc);
		return;
	}
	ka_pcpu_lock(pc);
	ka_inst_release_main(&pc->inst);
	ka_pcpu_unlock(pc);
}

/* Empties this CPU's cache of @cs (CPU going offline); the caller stays on its CPU. */
void ka_front_flush_local(struct ka_class_state *cs)
{
	struct ka_pcpu *pc = ka_pcpu_peek(cs, raw_smp_processor_id());

	if (!cs->shape.max || !pc)
		return;
	front_pass(pc, true);
	ka_depot_flush(cs, cpu_to_node(pc->cpu), ULONG_MAX);
	cancel_delayed_work(&pc->fd.work);
	this_cpu_ptr(cs->front)->decaying = false;
}

/*
 * A CPU that is not running: nothing else touches its caches. The module's
 * classes emptied theirs when the CPU went down, and again once it was dead
 * (ka_front_flush_dead()); a test's classes have no hotplug callback.
 */
static void flush_offline(struct ka_class_state *cs, int cpu)
{
	struct ka_pcpu_front *pf = per_cpu_ptr(cs->front, cpu);
	void *back[KA_FRONT_SLOTS];
	unsigned int n, i, bin;

	if (pf->f == &ka_front_none)
		return;
	for (bin = 0; bin < KA_FRONT_BINS; bin++)
		while ((n = ka_front_take_oldest(pf->f, bin, KA_FRONT_SLOTS, back)))
			for (i = 0; i < n; i++)
				ka_cpu_free(back[i]);
	pf->decaying = false;
}

/*
 * Empties the cache of @cs of dead CPU @cpu, from another CPU: what an
 * interrupt on it put there after ka_front_flush_local() (SLUB's
 * slub_cpu_dead()). Sleeps.
 */
void ka_front_flush_dead(struct ka_class_state *cs, int cpu)
{
	if (!cs->shape.max || !ka_pcpu_peek(cs, cpu))
		return;
	cancel_delayed_work_sync(&cs->pcpu[cpu]->fd.work);
	flush_offline(cs, cpu);
}

/*
 * Empties every CPU's cache of @cs and waits for it (tear-down, type
 * destroy, tests). Sleeps.
 */
void ka_front_flush_everywhere(struct ka_class_state *cs)
{
	int cpu, node;

	if (!cs->shape.max || !cs->front)
		return;
	cpus_read_lock();
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			flush_offline(cs, cpu);
	for_each_online_cpu(cpu) {
		struct ka_pcpu *pc = ka_pcpu_peek(cs, cpu);

		if (!pc)
			continue;
		WRITE_ONCE(pc->fd.flush_all, true);
		mod_delayed_work_on(cpu, ka_wq, &pc->fd.work, 0);
	}
	for_each_online_cpu(cpu)
		if (ka_pcpu_peek(cs, cpu))
			flush_delayed_work(&cs->pcpu[cpu]->fd.work);
	cpus_read_unlock();
	for_each_node(node)
		ka_depot_flush(cs, node, ULONG_MAX);
}

void ka_front_pcpu_init(struct ka_pcpu *pc)
{
	INIT_DELAYED_WORK(&pc->fd.work, decay_work);
}

/*
 * The shape of @cs's caches, from an instance of its parameters that is
 * set up for the purpose and holds nothing.
 */
int ka_front_shape_for(struct ka_class_state *cs)
{
	struct ka_source none = {};
	struct ka_instance *inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	int err = inst ? ka_inst_init(inst, &cs->p, &none, &none, GFP_KERNEL) : -ENOMEM;

	if (!err) {
		ka_front_shape_init(&cs->shape, inst);
		ka_inst_destroy(inst);
	}
	kfree(inst);
	return err;
}

/*
 * A new largest cached request, from @fcmax and the class's sbct, as
 * ka_front_shape_init() works it out at load. Every cache's bins and map
 * cover KA_FRONT_MAX, so only the bound moves: a request or a free reads it
 * once; blocks cached above a lowered bound go back with the decay.
 */
void ka_front_max_set(struct ka_class_state *cs, size_t fcmax)
{
	size_t max = min3(fcmax, (size_t)KA_FRONT_MAX, cs->p.sbct - 1);

	if (!cs->shape.max || !max)
		return;		/* caches are made, or not, at load */
	WRITE_ONCE(cs->shape.max_blk, ka_front_blk(&cs->shape, max));
	WRITE_ONCE(cs->shape.max, max);
}

int ka_front_group_init(struct ka_class_state *cs)
{
	int cpu;

	cs->front = alloc_percpu(struct ka_pcpu_front);
	if (!cs->front || ka_depot_group_init(cs))
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		ka_local_trylock_init(&per_cpu_ptr(cs->front, cpu)->lock);
		per_cpu_ptr(cs->front, cpu)->f = &ka_front_none;
	}
	return 0;
}

/* After ka_front_flush_everywhere(), with the class no longer in use. */
void ka_front_group_exit(struct ka_class_state *cs)
{
	int cpu;

	if (!cs->pcpu || !cs->front)
		return;
	for_each_possible_cpu(cpu)
		if (cs->pcpu[cpu])
			cancel_delayed_work_sync(&cs->pcpu[cpu]->fd.work);
	ka_depot_group_exit(cs);
	for_each_possible_cpu(cpu) {
		struct ka_front *f = per_cpu_ptr(cs->front, cpu)->f;

		if (f == &ka_front_none)
			continue;
		ka_front_exit(f);
		kfree(container_of(f, struct ka_front_box, f));
	}
	free_percpu(cs->front);
	cs->front = NULL;
}

/* ---- under memory pressure (reclaim.c): caches give back what they hold ---- */

/*
 * Blocks the module's classes cache on node @nid (any node: NUMA_NO_NODE),
 * in its depots and its online CPUs' caches. With @want, depots are emptied
 * here and CPU caches asked to give everything back (their decay work, at
 * once) until those emptied or asked hold @want blocks: a reclaimer asking
 * for a little empties a few, not every one. Returns the blocks counted, or
 * those emptied and asked for.
 */
static unsigned long fronts_held(int nid, unsigned long want)
{
	unsigned long blocks = 0;
	enum ka_class cls;
	int cpu, node;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		struct ka_class_state *cs = &ka_class_states[cls];

		if (!cs->enabled || !cs->shape.max)
			continue;
		for_each_online_node(node) {
			unsigned long held;

			if (nid != NUMA_NO_NODE && node != nid)
				continue;
			held = ka_depot_blocks(cs, node);
			if (!held || (want && blocks >= want))
				continue;
			blocks += held;
			if (want)
				ka_depot_flush(cs, node, ULONG_MAX);
		}
		for_each_online_cpu(cpu) {
			unsigned int held;

			if (nid != NUMA_NO_NODE && cpu_to_node(cpu) != nid)
				continue;
			rcu_read_lock();
			held = READ_ONCE(READ_ONCE(per_cpu_ptr(cs->front, cpu)->f)->blocks);
			rcu_read_unlock();
			if (!held || (want && blocks >= want) || !ka_pcpu_peek(cs, cpu))
				continue;
			blocks += held;
			if (!want)
				continue;
			WRITE_ONCE(cs->pcpu[cpu]->fd.flush_all, true);
			mod_delayed_work_on(cpu, ka_wq, &cs->pcpu[cpu]->fd.work, 0);
		}
	}
	return blocks;
}

/* Blocks cached on node @nid's CPUs (NUMA_NO_NODE: all); any context. */
unsigned long ka_front_reclaimable(int nid)
{
	return fronts_held(nid, 0);
}

/*
 * Empties @nid's depots and asks caches of its CPUs, until they hold at
 * least @nr blocks in all, to give them back: a depot's go at once, a CPU's
 * shortly after, on that CPU. Returns the blocks emptied and asked for.
 * Any context a work item may be queued from and an instance lock taken in.
 */
unsigned long ka_front_reclaim(int nid, unsigned long nr)
{
	return fronts_held(nid, max(nr, 1UL));
}
