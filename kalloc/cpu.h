/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One instance per class per possible CPU (cpu.c), its remote-free queue
 * (remote.c) and its carrier plumbing (plumbing.c). Documentation/cpu.rst.
 */
#ifndef _KALLOC_CPU_H
#define _KALLOC_CPU_H

#include <linux/atomic.h>
#include <linux/llist.h>
/* first: on PREEMPT_RT local_lock.h uses spinlock_t without including it */
#include <linux/spinlock.h>
#include <linux/local_lock.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#include "front.h"
#include "instance.h"
#include "debug.h"
#include "options.h"
#include "seg.h"
#include "sys.h"

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
	u64 drained;			/* blocks only; under the lock */
};

/* The carrier plumbing (plumbing.c): what the instance calls for carriers. */
struct ka_plumbing {
	struct ka_source seg_src, sys_src;	/* what the instance calls */
	struct ka_seg_handle seg;		/* the shared sources behind them */
	struct ka_sys_handle sys;
	unsigned int sleepers;	/* allocations that dropped the lock to sleep in a source */
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
 * only its CPU touches it, under @lock (interrupts off; a per-CPU lock that
 * may sleep on PREEMPT_RT), or another CPU once its CPU is gone.
 */
struct ka_pcpu_front {
	local_lock_t lock;
	bool decaying;			/* the decay work is queued or running */
	struct ka_front f;
};

/* The decay work of one front cache, in the instance of its class and CPU. */
struct ka_front_decay {
	struct delayed_work work;
	bool flush_all;			/* this pass gives back everything */
};

struct ka_class_state;

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
};

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

static inline void ka_pcpu_unlock(struct ka_pcpu *pc)
	__releases(pc->lock)
{
	unsigned long flags = pc->irqflags;

	ka_debug_own_end();
	pc->locked = false;
	spin_unlock_irqrestore(&pc->lock, flags);
}

/*
 * Locks this CPU's instance of @cs and keeps the task on this CPU until the
 * unlock. Without PREEMPT_RT with interrupts off around a spinlock, as
 * always; on PREEMPT_RT, where a spinlock_t sleeps and may not be taken with
 * interrupts off, with migration off while the CPU's instance is chosen
 * (the lock itself then keeps the task where it is).
 */
static inline struct ka_pcpu *ka_pcpu_lock_this(struct ka_pcpu *const *pcpu)
	__acquires(pc->lock)
{
	struct ka_pcpu *pc;
	unsigned long flags;

	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		migrate_disable();
		pc = pcpu[smp_processor_id()];
		ka_pcpu_lock(pc);
		migrate_enable();
		return pc;
	}
	local_irq_save(flags);
	pc = pcpu[smp_processor_id()];
	spin_lock(&pc->lock);
	pc->irqflags = flags;
	pc->locked = true;
	ka_debug_own_begin();
	return pc;
}

/* A class: its parameters, one instance per possible CPU, its carrier pool. */
struct ka_class_state {
	bool enabled;
	enum ka_class cls;
	struct ka_params p;
	struct ka_pool *pool;
	struct ka_pcpu **pcpu;		/* [nr_cpu_ids], possible CPUs only */
	struct ka_front_shape shape;	/* of its front caches; shape.max 0: none */
	struct ka_pcpu_front __percpu *front;
};

extern struct ka_class_state ka_class_states[KA_NR_CLASSES];

int ka_cpu_init(const struct ka_opts *o);
void ka_cpu_exit(void);

/* Class states besides the module's own (tests with their own parameters). */
int ka_cpu_group_init(struct ka_class_state *cs, enum ka_class cls, const struct ka_params *p,
		      struct ka_pool *pool);
void ka_cpu_group_exit(struct ka_class_state *cs);
void *ka_cpu_alloc_in(struct ka_class_state *cs, size_t size, unsigned int tid,
		      unsigned long origin, gfp_t gfp);

/*
 * From the instance of @cpu, whichever CPU calls, under its lock (another
 * node's memory for ka_alloc_node()).
 */
void *ka_cpu_alloc_on(struct ka_class_state *cs, unsigned int cpu, size_t size,
		      unsigned int tid, unsigned long origin, gfp_t gfp);
void ka_cpu_free(void *ptr);
void ka_cpu_free_queued(void *ptr);
void *ka_cpu_realloc(struct ka_class_state *cs, void *ptr, size_t size, gfp_t gfp);
struct ka_pcpu *ka_cpu_owner(const void *ptr, const char **why);

/* The remote-free queue (remote.c). */
void ka_remote_init(struct ka_remote *rq);
void ka_remote_push(struct ka_pcpu *pc, void *ptr);
void ka_remote_push_batch(struct ka_pcpu *pc, struct llist_node *first, struct llist_node *last,
			  unsigned int n);
unsigned int ka_remote_drain(struct ka_pcpu *pc, unsigned int budget);
unsigned int ka_remote_take_cached(struct ka_pcpu *pc, const struct ka_front_shape *sh,
				   void **out, unsigned int max);
bool ka_remote_pending(struct ka_pcpu *pc);
void ka_cpu_drain(struct ka_pcpu *pc);
bool ka_cpu_queued(struct ka_pcpu *pc);
#define KA_DRAIN_PER_PASS	20	/* blocks a drain pass frees before it lets go */

/* The front caches (cpu_front.c). */
int ka_front_group_init(struct ka_class_state *cs);
void ka_front_group_exit(struct ka_class_state *cs);
void ka_front_pcpu_init(struct ka_pcpu *pc);
void *ka_front_refill(struct ka_class_state *cs, unsigned int blk, size_t size,
		      unsigned int tid, unsigned long origin, gfp_t gfp);
void ka_front_free(struct ka_class_state *cs, void *ptr);
void ka_front_free_locked(struct ka_class_state *cs, void *ptr);
void ka_front_flush_local(struct ka_class_state *cs);
void ka_front_flush_everywhere(struct ka_class_state *cs);
unsigned long ka_front_reclaimable(int nid);
unsigned long ka_front_reclaim(int nid, unsigned long nr);
#define KA_FRONT_DECAY_MS	1000	/* a decay period */

/* The carrier plumbing (plumbing.c). */
extern const struct ka_inst_hooks ka_pcpu_hooks;
void ka_plumbing_init(struct ka_pcpu *pc, int node);

static inline struct ka_pcpu *ka_pcpu_of(struct ka_instance *inst)
{
	return container_of(inst, struct ka_pcpu, inst);
}

/* For the pool: send @ptr to the CPU employing its carrier; @pc is locked by the caller. */
void ka_cpu_free_locked(struct ka_pcpu *pc, void *ptr);
void ka_cpu_kick(struct ka_pcpu *pc);

/* Counters of one instance kept outside its core, as the statistics views show them. */
struct ka_pcpu_counts {
	u64 queued, drained, kicks;	/* delayed dealloc */
	u64 cached_blocks, cached_bytes;	/* in the front cache of the instance's CPU */
	struct ka_front_counts front;
	struct ka_pool_calls pool;
	long pooled_blocks, pooled_blocks_size, pooled_carriers, pooled_carriers_size;
	long pooled_given_back;
};

/*
 * This CPU's front cache of @cs, locked: interrupts off (on PREEMPT_RT a
 * per-CPU lock, migration off). Either is a read-side section of the RCU
 * a released carrier waits for.
 */
static inline void ka_front_lock(struct ka_class_state *cs, unsigned long *flags)
{
	local_lock_irqsave(&cs->front->lock, *flags);
}

static inline void ka_front_unlock(struct ka_class_state *cs, unsigned long flags)
{
	local_unlock_irqrestore(&cs->front->lock, flags);
}

/* Whether allocated block @b goes to a front cache of @cs when its user frees it. */
static inline bool ka_front_takes(const struct ka_class_state *cs, const struct ka_block *b)
{
	return ka_front_holds(&cs->shape, ka_blk_size(b));
}

/*
 * A block of @size bytes of type @tid from this CPU's front cache of @cs,
 * or from its instance (cpu_front.c): the allocation fast path, inline.
 */
static inline void *ka_front_alloc(struct ka_class_state *cs, size_t size, unsigned int tid,
				   unsigned long origin, gfp_t gfp)
{
	unsigned long flags;
	unsigned int blk;
	void *ptr;

	/* size 0 wraps to above any max: the instance refuses it */
	if (unlikely(size - 1 >= cs->shape.max))
		return ka_cpu_alloc_in(cs, size, tid, origin, gfp);
	blk = ka_front_blk(&cs->shape, size);
	ka_front_lock(cs, &flags);
	ptr = ka_front_pop(&this_cpu_ptr(cs->front)->f, blk);
	ka_front_unlock(cs, flags);
	if (unlikely(!ptr))
		return ka_front_refill(cs, blk, size, tid, origin, gfp);
	ka_front_hand_out(ptr, tid, origin, cs->p.atags);
	ka_debug_give(ptr, size, gfp);
	if (gfp & __GFP_ZERO)
		memset(ptr, 0, size);
	return ptr;
}

static inline bool ka_class_enabled(enum ka_class cls)
{
	return ka_class_states[cls].enabled;
}

#endif /* _KALLOC_CPU_H */
