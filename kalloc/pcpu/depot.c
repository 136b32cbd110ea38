// SPDX-License-Identifier: GPL-2.0
/*
 * Per-node depots of magazines (core/depot.h): when a front cache's loaded
 * and spare magazines of a size are both empty, an allocation takes a full
 * one from its node's depot and leaves the empty one there; when both are
 * full, a free leaves the full one and takes an empty one. One lock round
 * trip moves a whole magazine, so a batch larger than a cache, or blocks
 * one CPU frees and another of the node allocates, cost a depot trip per
 * magazine, not an instance trip per block. Documentation/front.rst.
 *
 * Only the depot goes to the instances: a full magazine it cannot keep
 * stays with the front cache, which gives blocks back as before; decay,
 * the shrinker, a CPU going offline, type destroy and unload give its
 * magazines back (ka_front_give_back(): blocks of other CPUs' instances go
 * home grouped by owner, one llist_add_batch() each).
 *
 * Lock order: a front cache, then a depot, then an instance; a depot's
 * lock is never held while its blocks are given back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/slab.h>

#include "carrier_layer.h"
#include "cpu_front.h"
#include "depot.h"

static struct ka_depot *depot_of(struct ka_class_state *cs, int node)
{
	return cs->depot ? READ_ONCE(cs->depot[node]) : NULL;
}

static struct ka_depot *this_depot(struct ka_class_state *cs)
{
	return depot_of(cs, numa_mem_id());
}

/* Whether this CPU's node's depot has a full magazine of @blk blocks (a racy peek). */
bool ka_depot_has(struct ka_class_state *cs, unsigned int blk)
{
	struct ka_depot *dp = this_depot(cs);

	return dp && ka_depot_stack_of(&dp->d, blk);
}

/*
 * Both magazines of @blk in @f are empty: a full one from the depot becomes
 * the loaded one, and its newest block is popped; NULL if the depot has
 * none of that size.
 */
void *ka_depot_load(struct ka_class_state *cs, struct ka_front *f, unsigned int blk)
{
	struct ka_depot *dp = this_depot(cs);
	struct ka_mag *drop;
	unsigned long flags;
	bool loaded;

	if (!dp || !ka_front_wants_full(f, blk) || !READ_ONCE(dp->d.nr_full))
		return NULL;
	spin_lock_irqsave(&dp->lock, flags);
	loaded = ka_depot_load_into(&dp->d, f, blk, &drop);
	if (loaded) {
		dp->to_cpus++;
		dp->used = true;
	}
	spin_unlock_irqrestore(&dp->lock, flags);
	kfree(drop);
	return loaded ? ka_front_pop(f, blk) : NULL;
}

/* Moves the loaded magazine of @blk in @f into @dp for an empty one, if it fits. */
static bool unload_into(struct ka_depot *dp, struct ka_front *f, unsigned int blk)
{
	unsigned long flags;
	bool done;

	if (READ_ONCE(dp->d.nr_full) >= KA_DEPOT_FULL)
		return false;
	spin_lock_irqsave(&dp->lock, flags);
	done = ka_depot_unload_from(&dp->d, f, blk);
	if (done) {
		dp->from_cpus++;
		dp->used = true;
	}
	spin_unlock_irqrestore(&dp->lock, flags);
	return done;
}

/*
 * The node whose instance employs the carrier of @ptr, a cached block: its
 * carrier stays while the block is cached, and an employer that moves on
 * meanwhile only makes the guess stale, never wrong in effect.
 */
static int home_node(void *ptr)
{
	struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(ptr));
	struct ka_instance *emp = ka_emp_inst(READ_ONCE(c->emp));

	return emp ? cpu_to_node(ka_pcpu_of(emp)->cpu) : NUMA_NO_NODE;
}

/*
 * Both magazines of @blk in @f are full: the loaded one goes to a depot for
 * an empty one. Magazines go home: to the depot of the node whose instance
 * employs the carrier of their newest block (a producer on one node, a
 * consumer on another: the producer's node gets whole magazines back), else
 * to this node's. False if neither has room or no empty magazine can be had.
 */
bool ka_depot_unload(struct ka_class_state *cs, struct ka_front *f, unsigned int blk)
{
	struct ka_depot *here = this_depot(cs), *home;
	struct ka_mag *m;
	int node;

	if (!here || !ka_front_both_full(f, blk))
		return false;
	m = ka_front_loaded(f, blk);
	node = home_node(m->slot[m->count - 1]);
	home = node == NUMA_NO_NODE ? here : depot_of(cs, node);
	if (home && home != here && unload_into(home, f, blk))
		return true;
	return unload_into(here, f, blk);
}

/* Gives @m's blocks back and keeps or frees the magazine. */
static void give_back_mag(struct ka_class_state *cs, struct ka_depot *dp, struct ka_mag *m)
{
	unsigned long flags;
	bool kept;

	ka_front_give_back(cs, m->slot, m->count);
	m->count = 0;
	spin_lock_irqsave(&dp->lock, flags);
	kept = ka_depot_put_empty(&dp->d, m);
	spin_unlock_irqrestore(&dp->lock, flags);
	if (!kept)
		kfree(m);
}

unsigned long ka_depot_flush(struct ka_class_state *cs, int node, unsigned long nr)
{
	struct ka_depot *dp = depot_of(cs, node);
	unsigned long blocks = 0, flags;
	struct ka_mag *m;

	if (!dp)
		return 0;
	while (nr--) {
		spin_lock_irqsave(&dp->lock, flags);
		m = ka_depot_take_any_full(&dp->d);
		if (m)
			dp->flushed++;
		spin_unlock_irqrestore(&dp->lock, flags);
		if (!m)
			break;
		blocks += m->count;
		give_back_mag(cs, dp, m);
	}
	return blocks;
}

/* Frees the empty magazines of @dp, which holds no full one: idle, it needs none. */
static void free_empties(struct ka_depot *dp)
{
	struct ka_mag *empties = NULL, *m;
	unsigned long flags;

	spin_lock_irqsave(&dp->lock, flags);
	while (!dp->d.nr_full && (m = ka_depot_take_empty(&dp->d))) {
		m->next = empties;
		empties = m;
	}
	spin_unlock_irqrestore(&dp->lock, flags);
	while ((m = empties)) {
		empties = m->next;
		kfree(m);
	}
}

/*
 * One decay period of @node's depot, from whichever of its CPUs' decay work
 * runs first in the period: a depot no front cache traded with gives back
 * half its full magazines, rounded up, and one without full magazines its
 * empty ones.
 */
void ka_depot_decay(struct ka_class_state *cs, int node)
{
	struct ka_depot *dp = depot_of(cs, node);
	unsigned long flags, nr = 0;

	if (!dp)
		return;
	if (!READ_ONCE(dp->d.nr_full)) {
		if (READ_ONCE(dp->d.nr_empty))
			free_empties(dp);
		return;
	}
	spin_lock_irqsave(&dp->lock, flags);
	if (time_after(jiffies, dp->decayed + msecs_to_jiffies(KA_FRONT_DECAY_MS) / 2)) {
		dp->decayed = jiffies;
		if (!dp->used)
			nr = DIV_ROUND_UP(dp->d.nr_full, 2);
		dp->used = false;
	}
	spin_unlock_irqrestore(&dp->lock, flags);
	ka_depot_flush(cs, node, nr);
}

/* Cached blocks in @node's depot (a racy read, for the shrinker and the decay). */
unsigned long ka_depot_blocks(struct ka_class_state *cs, int node)
{
	struct ka_depot *dp = depot_of(cs, node);

	return dp ? READ_ONCE(dp->d.blocks) : 0;
}

/* Bytes of the blocks in @node's depot (a racy read, for the memory view). */
unsigned long ka_depot_cached_bytes(struct ka_class_state *cs, int node)
{
	struct ka_depot *dp = depot_of(cs, node);

	return dp ? READ_ONCE(dp->d.bytes) : 0;
}

void ka_depot_counts(struct ka_class_state *cs, int node, struct ka_depot_counts *dc)
{
	struct ka_depot *dp = depot_of(cs, node);
	unsigned long flags;

	memset(dc, 0, sizeof(*dc));
	if (!dp)
		return;
	spin_lock_irqsave(&dp->lock, flags);
	dc->full = dp->d.nr_full;
	dc->empty = dp->d.nr_empty;
	dc->blocks = dp->d.blocks;
	dc->bytes = dp->d.bytes;
	dc->to_cpus = dp->to_cpus;
	dc->from_cpus = dp->from_cpus;
	dc->flushed = dp->flushed;
	spin_unlock_irqrestore(&dp->lock, flags);
}

/*
 * The depot of @node, made when the first of its CPUs gets a front cache
 * (cpu_front.c): a node whose CPUs never use the class has none. False if
 * it could not be had; the caches of the node then trade with no depot.
 * Any context a GFP_NOWAIT allocation may be made in.
 */
bool ka_depot_make(struct ka_class_state *cs, int node)
{
	struct ka_depot *dp;

	if (!cs->depot || depot_of(cs, node))
		return true;
	dp = ka_fail_alloc(GFP_NOWAIT, sizeof(*dp)) ? NULL :
	     kzalloc_node(sizeof(*dp), GFP_NOWAIT | __GFP_NOWARN, node);
	if (!dp)
		return false;
	spin_lock_init(&dp->lock);
	dp->decayed = jiffies;
	/* fully ordered: a CPU that sees the pointer sees the depot set up */
	if (cmpxchg(&cs->depot[node], NULL, dp))
		kfree(dp);
	return true;
}

int ka_depot_group_init(struct ka_class_state *cs)
{
	cs->depot = kcalloc(nr_node_ids, sizeof(*cs->depot), GFP_KERNEL);
	return cs->depot ? 0 : -ENOMEM;
}

/* After the front caches are emptied, with the class no longer in use. */
void ka_depot_group_exit(struct ka_class_state *cs)
{
	struct ka_mag *m;
	int node;

	if (!cs->depot)
		return;
	for_each_node(node) {
		struct ka_depot *dp = cs->depot[node];

		if (!dp)
			continue;
		ka_depot_flush(cs, node, ULONG_MAX);
		while ((m = ka_depot_take_empty(&dp->d)))
			kfree(m);
		kfree(dp);
	}
	kfree(cs->depot);
	cs->depot = NULL;
}
