// SPDX-License-Identifier: GPL-2.0
/*
 * The carrier pool and carrier migration, after erts_alloc's
 * (internal_doc/CarrierMigration.md), in kernel terms.
 *
 * An instance abandons a multiblock carrier it uses little of: the carrier
 * leaves its index with its free blocks (which stay in the carrier's own
 * tree) and joins the pool. An instance that needs a carrier fetches one
 * from the pool before it makes one. The instance that made a carrier owns
 * it for life and alone gives it back to its source; the instance using it
 * employs it. A pooled carrier is employed by its owner, which alone frees
 * into it.
 *
 * The employer word of each carrier holds the employer and three bits:
 * IN_POOL, BUSY (the owner is freeing into the pooled carrier, so it is not
 * to be fetched) and HOME (its homecoming record is on its owner's queue).
 * Fetching is a compare-and-exchange of that word, so a fetch and the
 * owner's free cannot both win. The pool's list is searched under RCU with
 * no lock; insertions and removals take the pool's spinlock. A carrier taken
 * out of the pool is put back only after a grace period, and given back to
 * its source only through call_rcu() (cpu.c), so a search never follows a
 * link into a carrier that moved or went away.
 *
 * A foreign employer that abandons a carrier, or finds it empty, sends it
 * home: a record in the carrier header goes on the owner's homecoming queue,
 * at most once at a time (the HOME bit), and the owner then keeps it on its
 * list of own pooled carriers, searched first, or gives it back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rcupdate.h>

#include "pcpu/carrier_layer.h"
#include "core/hole.h"
#include "pool.h"
#include "pcpu/remote.h"
#include "trace.h"

struct ka_pool ka_pools[KA_NR_POOLS];

#define KA_EMP_BUSY_BIT	1
static_assert(BIT(KA_EMP_BUSY_BIT) == KA_EMP_BUSY);
/* The employer word keeps its bits below an instance's alignment. */
static_assert(__alignof__(struct ka_instance) > KA_EMP_FLAGS);

void ka_pool_init(struct ka_pool *pool, char name)
{
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->carriers);
	atomic_long_set(&pool->count, 0);
	pool->name = name;
}

static struct ka_pcpu *owner_of(struct ka_carrier *c)
{
	return ka_pcpu_of(c->home);
}

/* A new carrier: never pooled, so free to be pooled at once. */
void ka_pool_carrier_init(struct ka_carrier *c)
{
	struct ka_crr_layer *l = ka_crr_layer(c);

	INIT_LIST_HEAD(&l->pool_link);
	INIT_LIST_HEAD(&l->own_link);
	l->grace = get_completed_synchronize_rcu();
	l->max_free = 0;
}

static void pooled_account(struct ka_pcpu *owner, struct ka_carrier *c, long sign)
{
	atomic_long_add(sign, &owner->mg.pooled.carriers);
	atomic_long_add(sign * (long)c->size, &owner->mg.pooled.carriers_size);
	atomic_long_add(sign * (long)c->used_blocks, &owner->mg.pooled.blocks);
	atomic_long_add(sign * (long)c->used_size, &owner->mg.pooled.blocks_size);
	atomic_long_add(sign * (long)c->given_back, &owner->mg.pooled.given_back);
}

static void pool_link(struct ka_pool *pool, struct ka_carrier *c)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	list_add_tail_rcu(&ka_crr_layer(c)->pool_link, &pool->carriers);
	atomic_long_inc(&pool->count);
	spin_unlock_irqrestore(&pool->lock, flags);
}

static void gp_nudged(struct rcu_head *rcu)
{
	clear_bit(0, &container_of(rcu, struct ka_pcpu, mg.gp_nudge)->mg.gp_nudging);
}

/*
 * Searches may still stand on @c: it may not be linked again before a grace
 * period. start_poll_synchronize_rcu() wants interrupts on, so a grace period
 * is asked for with a callback of @pc's instead, one at a time.
 */
static void pool_unlink(struct ka_pcpu *pc, struct ka_pool *pool, struct ka_carrier *c)
{
	struct ka_crr_layer *l = ka_crr_layer(c);
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	list_del_rcu(&l->pool_link);
	atomic_long_dec(&pool->count);
	spin_unlock_irqrestore(&pool->lock, flags);
	l->grace = get_state_synchronize_rcu();
	if (!test_and_set_bit(0, &pc->mg.gp_nudging))
		call_rcu(&pc->mg.gp_nudge, gp_nudged);
}

/* The owner's list of its pooled carriers: only the owner touches it. */
static void own_add(struct ka_pcpu *owner, struct ka_carrier *c)
{
	struct ka_crr_layer *l = ka_crr_layer(c);

	if (list_empty(&l->own_link))
		list_add_tail(&l->own_link, &owner->mg.own);
}

static void own_del(struct ka_carrier *c)
{
	list_del_init(&ka_crr_layer(c)->own_link);
}

/*
 * @pc, which has just cleared IN_POOL in @c's word and so holds it, takes @c
 * off the pool's list and out of its owner's pooled totals.
 */
static void unpool(struct ka_pcpu *pc, struct ka_carrier *c)
{
	struct ka_pcpu *owner = owner_of(c);

	pool_unlink(pc, owner->mg.pool, c);
	pooled_account(owner, c, -1);
	if (owner == pc)
		own_del(c);
}

/* Owner @pc gives back empty detached carrier @c, which is in no pool. */
static void release(struct ka_pcpu *pc, struct ka_carrier *c)
{
	own_del(c);
	ka_inst_release_detached(&pc->inst, c);
}

static void send_home(struct ka_carrier *c)
{
	struct ka_pcpu *owner = owner_of(c);

	llist_add(&ka_crr_layer(c)->homecoming, &owner->rq.homecoming);
	ka_cpu_kick(owner);
}

void ka_pool_abandon(struct ka_instance *inst, struct ka_carrier *c)
{
	struct ka_pcpu *pc = ka_pcpu_of(inst), *owner = owner_of(c);
	struct ka_crr_layer *l = ka_crr_layer(c);
	unsigned long old, new;

	if (!pc->mg.pool || atomic_long_read(&owner->mg.pooled.carriers) >= inst->p.acnl ||
	    !poll_state_synchronize_rcu(l->grace))
		return;
	ka_inst_mbc_detach(inst, c);
	l->max_free = ka_inst_carrier_largest(inst, c);
	pooled_account(owner, c, 1);
	pool_link(owner->mg.pool, c);
	/* Pooled carriers are employed by their owners; only HOME may change meanwhile. */
	old = READ_ONCE(c->emp);
	do {
		new = (unsigned long)c->home | KA_EMP_IN_POOL | (old & KA_EMP_HOME);
		if (pc != owner)
			new |= KA_EMP_HOME;
	} while (!try_cmpxchg(&c->emp, &old, new));
	if (pc == owner)
		own_add(pc, c);
	else if (!(old & KA_EMP_HOME))
		send_home(c);
	pc->mg.calls.abandoned++;
	trace_ka_carrier_abandon(c, c->size, ka_crr_src_name(c), false, pc->cpu);
}

void ka_pool_foreign_empty(struct ka_instance *inst, struct ka_carrier *c)
{
	unsigned long old = READ_ONCE(c->emp);

	while (!try_cmpxchg(&c->emp, &old, (unsigned long)c->home | KA_EMP_HOME))
		;
	/* A record already on its way finds it empty and detached: the owner releases it. */
	if (!(old & KA_EMP_HOME))
		send_home(c);
}

/* Takes pooled carrier @c if its word is still @emp; false if busy or gone. */
static bool claim(struct ka_pcpu *pc, struct ka_carrier *c, unsigned long emp)
{
	/*
	 * Fully ordered. Pairs with the owner's release of the word in
	 * ka_pool_free(), ka_pool_give_back() and ka_pool_visit_next(): the
	 * carrier is taken as the owner's last change under BUSY left it.
	 */
	if (!try_cmpxchg(&c->emp, &emp, (unsigned long)&pc->inst | (emp & KA_EMP_HOME))) {
		if (emp & KA_EMP_BUSY)
			pc->mg.calls.skip_busy++;
		return false;
	}
	/* The carrier is ours: its owner's frees now come to us. */
	unpool(pc, c);
	ka_inst_mbc_attach(&pc->inst, c);
	pc->mg.calls.fetched++;
	trace_ka_carrier_fetch(c, c->size, ka_crr_src_name(c), false, pc->cpu);
	return true;
}

/*
 * Blocks must be laid out alike (same tags), the fetcher must have an index
 * of the carrier's strategy (one it has used: a class's strategy may have
 * changed since the carrier was made), and a carrier stays on its node: its
 * memory came from its home CPU's node, and a CPU of another node would
 * hand out far memory where kmalloc gives near memory (and ka_alloc_node()
 * promises a node). A pooled carrier's index pointer changes only when it
 * is claimed, and always to an index of the same strategy.
 */
static bool compatible(struct ka_carrier *c, struct ka_instance *inst)
{
	struct ka_instance *home = c->home;

	return home->p.atags == inst->p.atags &&
	       ka_inst_index_of(inst, READ_ONCE(c->ix)->strat) &&
	       cpu_to_node(ka_pcpu_of(home)->cpu) == cpu_to_node(ka_pcpu_of(inst)->cpu);
}

/* Is pooled carrier @c, whose word is @emp, worth a claim for @blk bytes? */
static bool candidate(struct ka_pcpu *pc, struct ka_carrier *c, unsigned long emp, size_t blk)
{
	if (!(emp & KA_EMP_IN_POOL) || !compatible(c, &pc->inst))
		return false;
	/* a shared pool may hold another class's vmalloc carriers */
	if (pc->inst.p.dmap && is_vmalloc_addr(c))
		return false;
	if (emp & KA_EMP_BUSY) {
		pc->mg.calls.skip_busy++;
		return false;
	}
	if (READ_ONCE(ka_crr_layer(c)->max_free) < blk) {
		pc->mg.calls.skip_size++;
		return false;
	}
	return true;
}

bool ka_pool_fetch(struct ka_instance *inst, size_t blk)
{
	struct ka_pcpu *pc = ka_pcpu_of(inst);
	unsigned int budget = KA_POOL_FETCH_MAX;
	struct ka_crr_layer *l, *next;
	struct ka_carrier *c;
	unsigned long emp;
	bool got = false;

	if (!pc->mg.pool)
		return false;
	/* Own carriers first: better for NUMA, and fewer searches start at the head. */
	list_for_each_entry_safe(l, next, &pc->mg.own, own_link) {
		c = ka_layer_carrier(l);
		emp = READ_ONCE(c->emp);
		if (ka_emp_inst(emp) != inst || !(emp & KA_EMP_IN_POOL)) {
			own_del(c);	/* fetched by another instance */
			continue;
		}
		if (!budget--)
			goto out;
		if (candidate(pc, c, emp, blk) && claim(pc, c, emp))
			return true;
	}
	if (!atomic_long_read(&pc->mg.pool->count))
		goto out;
	rcu_read_lock();
	list_for_each_entry_rcu(l, &pc->mg.pool->carriers, pool_link) {
		if (!budget--)
			break;
		c = ka_layer_carrier(l);
		emp = READ_ONCE(c->emp);
		if (candidate(pc, c, emp, blk) && claim(pc, c, emp)) {
			got = true;
			break;
		}
	}
	rcu_read_unlock();
out:
	if (!got)
		pc->mg.calls.fetch_failed++;
	return got;
}

/*
 * Owner @pc frees @ptr into pooled carrier @c whose word it read as @emp.
 * False when @c was fetched meanwhile: the caller sends @ptr to the new
 * employer.
 */
bool ka_pool_free(struct ka_pcpu *pc, struct ka_carrier *c, void *ptr, unsigned long emp)
{
	size_t size = ka_blk_size(ka_payload_blk(ptr)), given = c->given_back;

	/* Only the owner sets BUSY, under its lock: the exchange fails only on a fetch. */
	if (!try_cmpxchg(&c->emp, &emp, emp | KA_EMP_BUSY))
		return false;
	atomic_long_dec(&pc->mg.pooled.blocks);
	atomic_long_sub(size, &pc->mg.pooled.blocks_size);
	if (ka_inst_free_detached(&pc->inst, ptr) && !(emp & KA_EMP_HOME)) {
		/*
		 * Empty: withdraw and give back. With HOME set, the homecoming does it.
		 * Pairs with the fully ordered try_cmpxchg() of claim() and
		 * ka_pool_visit_next(): whoever reads the word without BUSY also
		 * reads the carrier as this free left it.
		 */
		smp_store_release(&c->emp, (unsigned long)&pc->inst);
		unpool(pc, c);
		release(pc, c);
		return true;
	}
	/* the free may have given pages back (hole.h) */
	atomic_long_add(c->given_back - given, &pc->mg.pooled.given_back);
	WRITE_ONCE(ka_crr_layer(c)->max_free, ka_inst_carrier_largest(&pc->inst, c));
	/* Pairs with the try_cmpxchg() of claim(): a fetch sees the carrier after the free. */
	clear_bit_unlock(KA_EMP_BUSY_BIT, &c->emp);
	return true;
}

/*
 * Under memory pressure (reclaim.c): the free pages of @pc's own pooled
 * carriers go back, each held BUSY meanwhile as a free into it is, so that
 * no instance fetches it. @pc is locked. Each carrier visited goes to the
 * end of the list, so that the next call starts where this one stopped.
 * Returns the bytes given back, at most @budget; *@work is what this hold
 * may do (KA_HOLD_WORK), less what it did; *@visits, the carriers a walk
 * over several holds may still visit (so that it ends even if every
 * carrier's sweep takes a whole hold), less those visited.
 */
unsigned long ka_pool_give_back(struct ka_pcpu *pc, unsigned long budget, unsigned int *work,
				unsigned long *visits)
{
	unsigned long given = 0, emp;
	struct ka_crr_layer *l;
	struct ka_carrier *c;
	size_t got;

	lockdep_assert_held(&pc->lock);
	while (!list_empty(&pc->mg.own) && *work && *visits && given + PAGE_SIZE <= budget) {
		l = list_first_entry(&pc->mg.own, struct ka_crr_layer, own_link);
		list_move_tail(&l->own_link, &pc->mg.own);
		(*work)--;
		(*visits)--;
		c = ka_layer_carrier(l);
		emp = READ_ONCE(c->emp);
		if (ka_emp_inst(emp) != &pc->inst ||
		    (emp & (KA_EMP_IN_POOL | KA_EMP_BUSY)) != KA_EMP_IN_POOL ||
		    !try_cmpxchg(&c->emp, &emp, emp | KA_EMP_BUSY))
			continue;
		got = ka_hole_sweep_carrier(&pc->inst, c, budget - given, work);
		if (c->sweep_at) {
			/* stopped for the work: the next hold goes on with it first */
			list_move(&l->own_link, &pc->mg.own);
			(*visits)++;
		}
		atomic_long_add(got, &pc->mg.pooled.given_back);
		WRITE_ONCE(l->max_free, ka_inst_carrier_largest(&pc->inst, c));
		/* Pairs with the try_cmpxchg() of claim(): a fetch sees the swept carrier. */
		clear_bit_unlock(KA_EMP_BUSY_BIT, &c->emp);
		given += got;
	}
	return given;
}

void ka_pool_homecoming(struct ka_pcpu *pc, struct ka_carrier *c)
{
	unsigned long old = READ_ONCE(c->emp), emp;

	do
		emp = old & ~KA_EMP_HOME;
	while (!try_cmpxchg(&c->emp, &old, emp));
	pc->mg.calls.homecomings++;
	if (ka_emp_inst(emp) != &pc->inst)
		return;		/* fetched again since it was sent */
	if (emp & KA_EMP_IN_POOL) {
		/* Pooled carriers change only under BUSY, which only we set. */
		if (c->used_blocks) {
			own_add(pc, c);
		} else if (try_cmpxchg(&c->emp, &emp, (unsigned long)&pc->inst)) {
			unpool(pc, c);
			release(pc, c);
		}
		return;
	}
	/* Sent home empty by its last employer. */
	if (ka_crr_detached(c))
		release(pc, c);
}

/*
 * Carriers @pc employs but does not own go back to their owners: taken out
 * of @pc a few dozen per hold of its lock, then each put in its owner.
 */
void ka_pool_rehome(struct ka_pcpu *pc)
{
	struct ka_carrier cur, *c, *next;
	unsigned long flags;
	unsigned int work;
	LIST_HEAD(foreign);
	bool more;

	ka_crr_cursor_init(&cur);
	do {
		ka_pcpu_lock(pc);
		/* a detach is a strategy's carrier removal: a few dozen tree steps */
		more = true;
		for (work = KA_HOLD_WORK; work >= 32; work -= 32) {
			c = ka_crr_cursor_next(&pc->inst.mbcs, &cur);
			if (!c) {
				more = false;
				break;
			}
			if (c->home == &pc->inst)
				continue;
			ka_inst_mbc_detach(&pc->inst, c);
			list_add_tail(&c->link, &foreign);
		}
		if (!more)
			ka_crr_cursor_done(&cur);
		ka_pcpu_unlock(pc);
	} while (more);
	list_for_each_entry_safe(c, next, &foreign, link) {
		struct ka_pcpu *owner = owner_of(c);

		list_del_init(&c->link);
		spin_lock_irqsave(&owner->lock, flags);
		WARN_ON(READ_ONCE(c->emp) & KA_EMP_FLAGS);
		WRITE_ONCE(c->emp, (unsigned long)c->home);
		ka_inst_mbc_attach(&owner->inst, c);
		spin_unlock_irqrestore(&owner->lock, flags);
	}
}

/* Every pooled carrier back to its owner's index. */
void ka_pool_return_all(struct ka_pool *pool)
{
	struct ka_crr_layer *l, *next;
	unsigned long flags;

	list_for_each_entry_safe(l, next, &pool->carriers, pool_link) {
		struct ka_carrier *c = ka_layer_carrier(l);
		struct ka_pcpu *owner = owner_of(c);

		spin_lock_irqsave(&owner->lock, flags);
		WARN_ON(READ_ONCE(c->emp) != ((unsigned long)c->home | KA_EMP_IN_POOL));
		WRITE_ONCE(c->emp, (unsigned long)c->home);
		unpool(owner, c);
		ka_inst_mbc_attach(&owner->inst, c);
		spin_unlock_irqrestore(&owner->lock, flags);
	}
}

bool ka_pool_visit_next(struct ka_pcpu *owner, u64 *after,
			bool (*fn)(struct ka_carrier *c, void *arg), void *arg)
{
	struct ka_carrier *c, *found = NULL;
	struct ka_crr_layer *l;
	unsigned long flags, emp;
	bool claimed, done = false;

	if (!owner->mg.pool)
		return false;
	rcu_read_lock();
	list_for_each_entry_rcu(l, &owner->mg.pool->carriers, pool_link) {
		c = ka_layer_carrier(l);
		if (c->home == &owner->inst && c->birth > *after &&
		    (!found || c->birth < found->birth))
			found = c;
	}
	if (found) {
		*after = found->birth;
		/*
		 * A hold of the owner's lock per call of @fn; the read section
		 * keeps the carrier's memory between them. Under the owner's
		 * lock BUSY is free; holding it keeps fetches away.
		 */
		do {
			spin_lock_irqsave(&owner->lock, flags);
			emp = READ_ONCE(found->emp);
			claimed = ka_emp_inst(emp) == &owner->inst && (emp & KA_EMP_IN_POOL) &&
				  try_cmpxchg(&found->emp, &emp, emp | KA_EMP_BUSY);
			if (claimed) {
				done = fn(found, arg);
				/* Pairs with claim()'s try_cmpxchg(); @fn only read the carrier. */
				clear_bit_unlock(KA_EMP_BUSY_BIT, &found->emp);
			}
			spin_unlock_irqrestore(&owner->lock, flags);
		} while (claimed && !done);
	}
	rcu_read_unlock();
	/* A carrier fetched meanwhile is not shown, or shown in part; the walk goes on. */
	return found;
}

long ka_pool_check(struct ka_pool *pool, char *why, size_t len)
{
	struct ka_crr_layer *l;
	unsigned long flags;
	long n = 0;

	spin_lock_irqsave(&pool->lock, flags);
	list_for_each_entry(l, &pool->carriers, pool_link) {
		struct ka_carrier *c = ka_layer_carrier(l);
		unsigned long emp = READ_ONCE(c->emp);

		n++;
		if (!(emp & KA_EMP_IN_POOL))
			continue;	/* claimed, about to be unlinked */
		if (ka_emp_inst(emp) != c->home) {
			snprintf(why, len, "pooled carrier not employed by its owner");
			n = -EUCLEAN;
			break;
		}
		if (!ka_crr_detached(c) || ka_crr_sbc(c) || ka_crr_main(c) ||
		    owner_of(c)->mg.pool != pool) {
			snprintf(why, len, "pooled carrier attached, singleblock, main or foreign");
			n = -EUCLEAN;
			break;
		}
	}
	if (n >= 0 && n != atomic_long_read(&pool->count)) {
		snprintf(why, len, "pool lists %ld carriers, counts %ld", n,
			 atomic_long_read(&pool->count));
		n = -EUCLEAN;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return n;
}
