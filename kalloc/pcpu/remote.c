// SPDX-License-Identifier: GPL-2.0
/*
 * The remote-free queue of a per-CPU instance (erts's delayed dealloc).
 *
 * A free from any CPU but the employer's pushes the block on the employer's
 * llist (the link is written into the freed block) and never touches its
 * lock. The employer drains two queued blocks per allocation, all of them
 * before giving up on a failed one, and a work item on its CPU drains twenty
 * per pass until the queue is empty; the work is queued when the list goes
 * from empty to non-empty and again every KA_KICK_EVERY pushes, so no block
 * waits on an idle CPU. The same pass takes the instance's homecoming
 * carriers (pool.c). Documentation/cpu.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "../internal.h"
#include "cpu.h"
#include "remote.h"
#include "carrier_layer.h"
#include "../pool.h"

#define KA_KICK_EVERY		64

/* Homecomings handled per hold of the lock: each may attach or release a carrier. */
#define KA_HOMECOMINGS_PER_HOLD	8

static unsigned int drain_homecomings(struct ka_pcpu *pc)
{
	struct llist_node *n = llist_del_all(&pc->rq.homecoming), *last;
	struct ka_crr_layer *l, *next;
	unsigned int done = 0;

	/* The record is in the carrier, which stays until this pass lets it go. */
	llist_for_each_entry_safe(l, next, n, homecoming) {
		if (done == KA_HOMECOMINGS_PER_HOLD) {
			/* the rest waits for the next pass: back on the queue */
			for (last = &l->homecoming; last->next; last = last->next)
				;
			llist_add_batch(&l->homecoming, last, &pc->rq.homecoming);
			break;
		}
		ka_pool_homecoming(pc, ka_layer_carrier(l));
		done++;
	}
	return done;
}

/* The next queued block, taken off the queue, or NULL; the caller holds the lock. */
static struct llist_node *next_queued(struct ka_pcpu *pc)
{
	struct llist_node *n;

	if (!pc->rq.pending) {
		if (llist_empty(&pc->rq.blocks))
			return NULL;
		pc->rq.pending = llist_reverse_order(llist_del_all(&pc->rq.blocks));
	}
	n = pc->rq.pending;
	pc->rq.pending = n->next;
	return n;
}

/* Frees up to @budget queued blocks (homecomings count against it too); how many blocks. */
unsigned int ka_remote_drain(struct ka_pcpu *pc, unsigned int budget)
{
	u64 heavy = ka_inst_heavy_work(&pc->inst);
	unsigned int done = 0, blocks = 0;
	struct llist_node *n;

	lockdep_assert_held(&pc->lock);
	if (unlikely(!llist_empty(&pc->rq.homecoming)))
		done = drain_homecomings(pc);
	while (done < budget && (n = next_queued(pc))) {
		ka_cpu_free_locked(pc, n);
		done++;
		blocks++;
		/* one that gave pages back or released a carrier ends the pass */
		if (heavy != ka_inst_heavy_work(&pc->inst))
			break;
	}
	pc->rq.drained += blocks;
	return done;
}

/*
 * Takes up to @max queued blocks, freeing them as ka_remote_drain() does,
 * except blocks a front cache gave back (cached state, a size @sh holds) of
 * carriers @pc employs outside the pool: those go to @out, still cached, for
 * the caller's front cache. So a block freed on another CPU comes back into
 * use without going through the instance. How many are in @out.
 */
unsigned int ka_remote_take_cached(struct ka_pcpu *pc, const struct ka_front_shape *sh,
				   void **out, unsigned int max)
{
	u64 heavy = ka_inst_heavy_work(&pc->inst);
	unsigned int taken = 0, seen = 0;
	struct llist_node *n;

	lockdep_assert_held(&pc->lock);
	/* as a drain pass, it stops after a free that swept or gave pages back */
	while (seen < max && heavy == ka_inst_heavy_work(&pc->inst) && (n = next_queued(pc))) {
		struct ka_block *b;
		unsigned long emp;

		seen++;
		b = ka_payload_blk(n);
		emp = READ_ONCE(ka_blk_carrier(b)->emp);
		if (ka_blk_cached(b) && ka_front_holds(sh, ka_blk_size(b)) &&
		    ka_emp_inst(emp) == &pc->inst && !(emp & KA_EMP_IN_POOL))
			out[taken++] = n;
		else
			ka_cpu_free_locked(pc, n);
	}
	pc->rq.drained += seen;
	return taken;
}

/* Whether anything waits; the caller holds the lock (a drain keeps what it took in @pending). */
bool ka_remote_pending(struct ka_pcpu *pc)
{
	return pc->rq.pending || !llist_empty(&pc->rq.blocks) || !llist_empty(&pc->rq.homecoming);
}

void ka_cpu_kick(struct ka_pcpu *pc)
{
	atomic64_inc(&pc->rq.kicks);
	queue_work_on(pc->cpu, ka_wq, &pc->rq.kick);
}

static void kick_work(struct work_struct *work)
{
	struct ka_pcpu *pc = container_of(work, struct ka_pcpu, rq.kick);
	bool more;

	ka_pcpu_lock(pc);
	ka_remote_drain(pc, KA_DRAIN_PER_PASS);
	more = ka_remote_pending(pc);
	ka_pcpu_unlock(pc);
	if (more)
		ka_cpu_kick(pc);
}

/* Send @ptr home to @pc without touching its lock. */
void ka_remote_push(struct ka_pcpu *pc, void *ptr)
{
	bool first;

	atomic64_inc(&pc->rq.queued);
	atomic64_inc(&pc->rq.batches);
	ka_debug_own_begin();
	first = llist_add(ptr, &pc->rq.blocks);
	ka_debug_own_end();
	if (first || atomic_inc_return(&pc->rq.pushes) % KA_KICK_EVERY == 0)
		ka_cpu_kick(pc);
}

/*
 * Send @n blocks home to @pc at once, linked from @first to @last: one
 * exchange on its list, and a kick when the list was empty or the pushes
 * pass a multiple of KA_KICK_EVERY.
 */
void ka_remote_push_batch(struct ka_pcpu *pc, struct llist_node *first, struct llist_node *last,
			  unsigned int n)
{
	bool was_empty;
	int before;

	atomic64_add(n, &pc->rq.queued);
	atomic64_inc(&pc->rq.batches);
	before = atomic_fetch_add(n, &pc->rq.pushes);
	ka_debug_own_begin();
	was_empty = llist_add_batch(first, last, &pc->rq.blocks);
	ka_debug_own_end();
	if (was_empty || before / KA_KICK_EVERY != (before + (int)n) / KA_KICK_EVERY)
		ka_cpu_kick(pc);
}

/*
 * Whether anything waits in @pc's queues. Under the lock: a drain in progress
 * holds what it took off the list in @pc->rq.pending.
 */
bool ka_cpu_queued(struct ka_pcpu *pc)
{
	unsigned long flags;
	bool queued;

	spin_lock_irqsave(&pc->lock, flags);
	queued = ka_remote_pending(pc);
	spin_unlock_irqrestore(&pc->lock, flags);
	return queued;
}

/* Frees everything queued for @pc (hotplug, unload, tests), in bounded steps. */
void ka_cpu_drain(struct ka_pcpu *pc)
{
	bool more;

	do {
		ka_pcpu_lock(pc);
		ka_remote_drain(pc, KA_DRAIN_PER_PASS);
		more = ka_remote_pending(pc);
		ka_pcpu_unlock(pc);
	} while (more);
}

void ka_remote_init(struct ka_remote *rq)
{
	init_llist_head(&rq->blocks);
	init_llist_head(&rq->homecoming);
	INIT_WORK(&rq->kick, kick_work);
}
