/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU layer's data: one instance per class per possible CPU
 * (struct ka_pcpu), the front cache of each class on each CPU, and the
 * locks that protect them. Documentation/locking.rst is the whole story;
 * in short:
 *
 * Lock order: a front cache (local_lock_t) -> an instance (ka_pcpu.lock)
 * -> a carrier pool, the registry, the segment or sys source, the reclaim
 * counters. No path takes two instances' locks, and none takes a front
 * cache's lock while it holds an instance's.
 *
 * Interrupts: a front cache is taken with a trylock that leaves them on
 * (preemption off and a per-CPU mark): an interrupt that finds its CPU's
 * cache taken goes to the instance. Every other lock is taken with
 * interrupts off (outside PREEMPT_RT), because ka_alloc() and ka_free()
 * may be called in hard-irq context with GFP_ATOMIC and each of these
 * locks is reached from them. On PREEMPT_RT they are sleeping locks,
 * interrupts stay on, and the task is kept on its CPU by migrate_disable()
 * or by the local lock.
 *
 * RCU: a released carrier goes back to its source only after a grace
 * period (plumbing.c), because registry lookups (ka_registry_find()) read
 * carrier headers without a lock. Lookups run in a read section: a front
 * cache's lock (preemption off, or on PREEMPT_RT migration off under
 * rcu_read_lock()), an instance's lock, ka_lookup_lock(), or
 * rcu_read_lock(). Pooled carriers are searched under rcu_read_lock() and
 * a carrier taken out of a pool is not freed before the grace period its
 * ka_crr_layer.grace records (pool.c).
 *
 * Sleeping: only an allocation whose gfp allows it drops its instance's
 * lock, around a carrier source (plumbing.c); after it the instance may
 * have changed in any way but one: carriers holding blocks of the caller
 * stay (ka_plumbing.sleepers), and the task may run on another CPU, still
 * holding the same instance.
 */
#ifndef _KALLOC_PCPU_H
#define _KALLOC_PCPU_H

#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#include "../compat.h"
#include "../core/front.h"
#include "../core/instance.h"
#include "../debug.h"
#include "../sources/pages.h"
#include "../sources/seg.h"
#include "registry.h"

struct ka_pool;

/* Counters of one instance's use of the carrier pool; under its lock. */
struct ka_pool_calls {
	u64 abandoned;		/* carriers it put in the pool */
	u64 fetched;		/* carriers it took from the pool */
	u64 fetch_failed;	/* searches that found none */
	u64 skip_busy;		/* pooled carriers passed over: their owner was freeing */
	u64 skip_size;		/* ... no free block large enough */
	u64 homecomings;	/* carriers sent back by their employer */
};

/* The carriers an instance owns that sit in the pool (changed by any CPU). */
struct ka_pooled {
	atomic_long_t blocks, blocks_size, carriers, carriers_size;
	atomic_long_t given_back;	/* of carriers_size: pages gone back (hole.h) */
};

/*
 * The remote-free queue (remote.c): blocks other CPUs freed, and carriers
 * sent home, waiting for the employing instance.
 */
struct ka_remote {
	struct llist_head blocks;	/* freed by other CPUs; the link is in the block */
	struct llist_node *pending;	/* taken off @blocks, not yet freed; under the lock */
	struct llist_head homecoming;	/* its carriers sent back by their employers */
	atomic_t pushes;
	struct work_struct kick;	/* drains on the instance's CPU */
	atomic64_t queued, kicks;
	atomic64_t batches;		/* pushes: one per block freed, one per group sent home */
	u64 drained;			/* blocks only; under the lock */
};

/* The carrier plumbing (plumbing.c): what the instance calls for carriers. */
struct ka_plumbing {
	struct ka_source seg_src, sys_src;	/* what the instance calls */
	struct ka_seg_handle seg;		/* the shared sources behind them */
	struct ka_sys_handle sys;
	unsigned int sleepers;	/* allocations that dropped the lock to sleep in a source */
	/*
	 * Singleblock carriers too large for one hold of the registry lock,
	 * made or released under the instance's lock: entered into the
	 * registry, or taken out of it and freed, once the lock is dropped.
	 */
	struct list_head unsettled_new, unsettled_dead;
	unsigned int unsettled;		/* on either list */
	struct ka_carrier *leaving;	/* released now; its source's free waits too */
};

/* The instance's part in carrier migration (pool.c). */
struct ka_migration {
	struct ka_pool *pool;		/* NULL: its carriers never migrate */
	struct list_head own;		/* its own carriers last seen in the pool; under the lock */
	struct ka_pool_calls calls;
	struct ka_pooled pooled;
	struct rcu_head gp_nudge;	/* asks for a grace period after a pool removal */
	unsigned long gp_nudging;	/* bit 0: @gp_nudge is queued */
};

/*
 * The front cache of one class on one CPU (cpu_front.c), in per-CPU memory:
 * only its CPU touches it, under @lock (ka_front_trylock()), or another
 * CPU once its CPU is gone.
 */
struct ka_pcpu_front {
	struct ka_local_trylock lock;
	bool decaying;			/* the decay work is queued or running */
	struct ka_map_hint hint;	/* the free path's last registry leaf */
	/*
	 * &ka_front_none until the CPU's instance first fills the cache, and
	 * again once the decay emptied it (cpu_front.c): a CPU that does not
	 * use the class keeps only these few words of it.
	 */
	struct ka_front *f;
};

/* The cache itself, allocated while in use; freed after a grace period. */
struct ka_front_box {
	struct ka_front f;
	struct rcu_head rcu;
};

extern struct ka_front ka_front_none;

/* The decay work of one front cache, in the instance of its class and CPU. */
struct ka_front_decay {
	struct delayed_work work;
	bool flush_all;			/* this pass gives back everything */
};

struct ka_class_state;
struct ka_depot;

/* An instance of one class on one CPU. */
struct ka_pcpu {
	spinlock_t lock;		/* the instance; taken with interrupts off */
	unsigned long irqflags;		/* the holder's, to drop the lock around a sleep */
	bool locked;			/* held by an allocation path (may be dropped) */
	struct ka_instance inst;
	struct ka_plumbing pl;
	struct ka_remote rq;
	struct ka_front_decay fd;
	struct ka_class_state *cs;
	enum ka_class cls;
	int cpu;
	struct ka_migration mg;
	u64 released_nonempty;		/* carriers given back with blocks (tear-down of leaks) */
	struct ka_front_counts front_gone;	/* of the front caches freed; under the lock */
	/* the load-time strategy's index (ka_inst_index_size()) follows */
};

/*
 * A class: its parameters, one instance per possible CPU, its carrier pool.
 * An instance is made when its CPU first uses the class (ka_pcpu_make())
 * and stays until the class goes.
 */
struct ka_class_state {
	bool enabled;
	enum ka_class cls;
	struct ka_params p;
	struct ka_pool *pool;
	struct ka_pcpu **pcpu;		/* [nr_cpu_ids]; NULL: not made yet */
	struct kmem_cache *inst_cache;	/* of its instances, index included */
	size_t idx_room;		/* for the index in each: the load-time strategy's */
	struct ka_front_shape shape;	/* of its front caches; shape.max 0: none */
	struct ka_pcpu_front __percpu *front;
	struct ka_depot **depot;	/* [nr_node_ids]: of its magazines (depot.c) */
};

extern struct ka_class_state ka_class_states[KA_NR_CLASSES];

static inline bool ka_class_enabled(enum ka_class cls)
{
	return ka_class_states[cls].enabled;
}

/* Locks @pc from any CPU, interrupts off; the flags are kept for a sleep. */
static inline void ka_pcpu_lock(struct ka_pcpu *pc)
	__acquires(pc->lock)
{
	unsigned long flags;

	spin_lock_irqsave(&pc->lock, flags);
	pc->irqflags = flags;
	pc->locked = true;
	ka_debug_own_begin();
}

/* Drops the lock for a moment: what waits for an unlock waits for the next. */
static inline void ka_pcpu_unlock_briefly(struct ka_pcpu *pc)
	__releases(pc->lock)
{
	unsigned long flags = pc->irqflags;

	ka_debug_own_end();
	pc->locked = false;
	spin_unlock_irqrestore(&pc->lock, flags);
}

void ka_plumbing_settle(struct ka_pcpu *pc);

/* Unlocks @pc, then enters or takes out the large carriers made or released under it. */
static inline void ka_pcpu_unlock(struct ka_pcpu *pc)
	__releases(pc->lock)
{
	bool settle = pc->pl.unsettled;

	ka_pcpu_unlock_briefly(pc);
	if (unlikely(settle))
		ka_plumbing_settle(pc);
}

/*
 * Lets go of @pc's lock for a moment, between two bounded pieces of work
 * (Documentation/locking.rst), with interrupts as the holder had them.
 */
static inline void ka_pcpu_relock(struct ka_pcpu *pc)
	__must_hold(pc->lock)
{
	ka_pcpu_unlock(pc);
	ka_pcpu_lock(pc);
}

struct ka_pcpu *ka_pcpu_make(struct ka_class_state *cs, unsigned int cpu, gfp_t gfp);

/* The instance of @cs on @cpu if that CPU has used the class; else NULL. */
static inline struct ka_pcpu *ka_pcpu_peek(const struct ka_class_state *cs, unsigned int cpu)
{
	return READ_ONCE(cs->pcpu[cpu]);
}

/*
 * Locks this CPU's instance of @cs, made first with @gfp if the CPU has
 * none, and keeps the task on this CPU until the unlock; NULL if it could
 * not be made. Without PREEMPT_RT with interrupts off around a spinlock,
 * as always; on PREEMPT_RT, where a spinlock_t sleeps and may not be taken
 * with interrupts off, with migration off while the CPU's instance is
 * chosen (the lock itself then keeps the task where it is).
 */
static inline struct ka_pcpu *ka_pcpu_lock_this(struct ka_class_state *cs, gfp_t gfp)
	__acquires(pc->lock)
{
	struct ka_pcpu *pc;
	unsigned long flags;

	for (;;) {
		if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
			migrate_disable();
			pc = ka_pcpu_peek(cs, smp_processor_id());
			if (likely(pc)) {
				ka_pcpu_lock(pc);
				migrate_enable();
				return pc;
			}
			migrate_enable();
		} else {
			local_irq_save(flags);
			pc = ka_pcpu_peek(cs, smp_processor_id());
			if (likely(pc)) {
				spin_lock(&pc->lock);
				pc->irqflags = flags;
				pc->locked = true;
				ka_debug_own_begin();
				return pc;
			}
			local_irq_restore(flags);
		}
		/* the task may move meanwhile: the loop takes whichever CPU it is on */
		if (!ka_pcpu_make(cs, raw_smp_processor_id(), gfp))
			return NULL;
	}
}

/*
 * This CPU's front cache of @cs, locked (compat.h's struct ka_local_trylock:
 * preemption off and the cache marked taken, interrupts on; on PREEMPT_RT
 * a per-CPU lock, migration off). False: an interrupt or softirq came in
 * while the code it interrupted held the cache; the caller goes to the
 * instance instead. Either way the section is a read-side section of the
 * RCU a released carrier waits for.
 */
static __always_inline bool ka_front_trylock(struct ka_class_state *cs)
{
	return ka_local_trylock(&cs->front->lock);
}

static __always_inline void ka_front_unlock(struct ka_class_state *cs)
{
	ka_local_unlock(&cs->front->lock);
}

static inline struct ka_pcpu *ka_pcpu_of(struct ka_instance *inst)
{
	return container_of(inst, struct ka_pcpu, inst);
}

#endif /* _KALLOC_PCPU_H */
