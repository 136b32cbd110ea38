// SPDX-License-Identifier: GPL-2.0
/*
 * The carrier registry: which carrier, if any, holds an address.
 *
 * The free path asks in O(1), searching no global structure: a radix table
 * (jemalloc's rtree) maps each KA_CARRIER_ALIGN granule of kernel address
 * space to the carrier on it. Carriers start on a granule and no two share
 * one, so five loads decide any address, whatever it is and without reading
 * memory it points at: a pointer kalloc never gave out finds an empty slot.
 * A carrier that gave pages back (hole.h) is the exception: an address
 * there is looked up in its block-start map too, and another carrier may
 * be made in those pages, taking over their granules (map_set()).
 * The table's nodes are a page each, made as carriers appear (GFP_NOWAIT,
 * under the registry lock) and kept until unload; 512 entries a node, so a
 * leaf covers 8 MiB of address space. While a carrier the table could not
 * take lives, a miss asks the tree.
 *
 * Beside the table, a latched red-black tree (rbtree_latch.h, as the module
 * loader uses for its address lookups) whose nodes live in the carriers'
 * headers keeps every carrier by address. It answers when the table could
 * not get a node, and with the verify_pointers module parameter every lookup
 * asks it too and reports a disagreement, as slub_debug's consistency checks
 * do. Lookups take no lock and run under RCU (any context); insertions and
 * removals happen only when carriers are made or released, and a removed
 * carrier's memory is given back only after a grace period (plumbing.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/moduleparam.h>
#include <linux/rbtree_latch.h>
#include <linux/spinlock.h>

#include "../compat.h"
#include "carrier_layer.h"
#include "../core/hole.h"
#include "registry.h"

static bool verify_pointers;
/* Most table slots written with interrupts off in one go: for the suites. */
unsigned int ka_registry_longest_irqsoff;
static bool ka_map_partial;	/* a node could not be had: ask the tree on a miss */
static unsigned int ka_map_unmapped;	/* carriers with granules missing (registry lock) */
/*
 * Set on a carrier the table could not take, by its creator; read by its
 * destroyer: both under its employer's lock, as the core's flags are.
 */
#define KA_CRR_UNMAPPED	KA_CRR_LAYER

static int verify_set(const char *val, const struct kernel_param *kp)
{
	int err = param_set_bool(val, kp);

	if (!err)
		WRITE_ONCE(ka_registry_slow, verify_pointers || READ_ONCE(ka_map_partial));
	return err;
}

static const struct kernel_param_ops verify_ops = {
	.set = verify_set,
	.get = param_get_bool,
};

module_param_cb(verify_pointers, &verify_ops, &verify_pointers, 0644);
MODULE_PARM_DESC(verify_pointers,
		 "check every pointer lookup against the carrier tree too (debugging; slower)");

static struct latch_tree_root ka_registry;
static DEFINE_SPINLOCK(ka_registry_lock);

static inline struct latch_tree_node *reg_node(struct ka_carrier *c)
{
	return &ka_crr_layer(c)->reg;
}

static inline struct ka_carrier *reg_carrier(struct latch_tree_node *n)
{
	return ka_layer_carrier(container_of(n, struct ka_crr_layer, reg));
}

static __always_inline bool reg_less(struct latch_tree_node *a, struct latch_tree_node *b)
{
	return reg_carrier(a) < reg_carrier(b);
}

/* Whether @c holds @addr: in its range and not in a page it gave back. */
static bool holds(const struct ka_carrier *c, const char *addr)
{
	return addr >= (const char *)c && addr < (const char *)c + READ_ONCE(c->size) &&
	       !(READ_ONCE(c->given_back) && ka_registry_in_hole(c, addr));
}

/*
 * Ordered by start. A carrier made in pages another one gave back lies
 * inside that one's range: an address in the outer one's hole lies further
 * on (towards the inner), and one past the inner carrier but held by the
 * outer lies towards the outer one, whose start is lower.
 */
static __always_inline int reg_comp(void *key, struct latch_tree_node *n)
{
	struct ka_carrier *c = reg_carrier(n), *outer;
	char *addr = key;

	if (addr < (char *)c)
		return -1;
	if (holds(c, addr))
		return 0;
	outer = READ_ONCE(ka_crr_layer(c)->nested_in);
	if (outer && holds(outer, addr))
		return -1;
	return 1;
}

static const struct latch_tree_ops reg_ops = {
	.less = reg_less,
	.comp = reg_comp,
};

struct ka_map_node *ka_map_root[1 << KA_MAP_ROOT_BITS];
unsigned long ka_registry_pages;	/* table nodes, a page each; under the lock */
bool ka_registry_slow;		/* verify_pointers, or a table node could not be had */

/* The leaf slot of granule @key, made if @make; the caller holds the lock. */
static void **map_slot(unsigned long key, bool make)
{
	void **slot = (void **)&ka_map_root[key >> (4 * KA_MAP_FANOUT)];
	int level;

	for (level = 1; level <= 4; level++) {
		struct ka_map_node *n = *slot;

		if (!n) {
			if (!make)
				return NULL;
			n = ka_fail_alloc(GFP_NOWAIT, PAGE_SIZE) ? NULL :
				(void *)get_zeroed_page(GFP_NOWAIT | __GFP_NOWARN);
			if (!n)
				return NULL;
			WRITE_ONCE(ka_registry_pages, ka_registry_pages + 1);
			/*
			 * Zeroed before it is seen. Pairs with the READ_ONCE()
			 * loads of ka_map_find() (registry.h), whose address
			 * dependency orders the node's slots after its pointer.
			 */
			smp_store_release(slot, n);
		}
		slot = &n->slot[ka_map_index(key, level)];
	}
	return slot;
}

/*
 * The end of the pages of @c that may hold a block start: a singleblock
 * carrier's one block starts in its first page, and a pointer into the rest
 * is no block start, which the table answers as well (a large block's pages
 * are not walked when it comes and goes).
 */
static unsigned long pagemap_end(const struct ka_carrier *c)
{
	return (unsigned long)c + (ka_crr_sbc(c) ? PAGE_SIZE : c->size);
}

/*
 * Every page of @c that may hold a block start names it, but those in its
 * holes: pages it gave back before it was registered (a suite's carrier)
 * are not kalloc's.
 */
static void pagemap_set(struct ka_carrier *c)
{
	unsigned long a, end = pagemap_end(c);

	if (!READ_ONCE(c->given_back)) {
		ka_pagemap_set(c, (unsigned long)c, end);
		return;
	}
	for (a = (unsigned long)c; a < end; a += PAGE_SIZE)
		if (!ka_registry_in_hole(c, (void *)a))
			ka_pagemap_set(c, a, a + PAGE_SIZE);
}

/*
 * Points every granule of @c at @val (NULL: those still pointing at @c);
 * false if a node could not be had. A carrier with holes may have granules
 * of its range taken over by a carrier made in the pages it gave back: a
 * page-allocator block of 16 KiB and more is whole granules, all inside the
 * hole, so no granule has two carriers that hold memory in it. The lock,
 * held on entry with interrupts off, is dropped every KA_REG_HOLD_SLOTS
 * slots: each slot changes whole under it, and a lookup meanwhile finds
 * each granule either way, which is all it can tell of a carrier whose
 * blocks nobody holds yet (or any more). @caller_irqsoff: interrupts were
 * off before the lock (an instance's lock held), so that the whole call is
 * one section for ka_registry_longest_irqsoff.
 */
static bool map_set(struct ka_carrier *c, struct ka_carrier *val, unsigned long *flags,
		    bool caller_irqsoff)
{
	unsigned long a, end = (unsigned long)c + c->size;
	bool whole = true;
	unsigned int held = 0, run = 0;
	void **slot;

	for (a = (unsigned long)c; a < end; a += KA_CARRIER_ALIGN) {
		if (++held > KA_REG_HOLD_SLOTS) {
			spin_unlock_irqrestore(&ka_registry_lock, *flags);
			spin_lock_irqsave(&ka_registry_lock, *flags);
			held = 1;
		}
		run = caller_irqsoff ? run + 1 : held;
		if (run > ka_registry_longest_irqsoff)
			WRITE_ONCE(ka_registry_longest_irqsoff, run);
		slot = map_slot(ka_map_key(a), !!val);
		if (!slot) {
			whole = whole && !val;
			continue;
		}
		if (!val && *slot && *slot != c) {
			/* a carrier made in @c's hole: @c is going */
			WRITE_ONCE(ka_crr_layer(*slot)->nested_in, NULL);
			continue;
		}
		WRITE_ONCE(*slot, val);
	}
	return whole;
}

static void map_free(struct ka_map_node *n, int level)
{
	int i;

	if (!n)
		return;
	if (level < 4)
		for (i = 0; i < ARRAY_SIZE(n->slot); i++)
			map_free(n->slot[i], level + 1);
	free_page((unsigned long)n);
}

bool ka_registry_verifying(void)
{
	return READ_ONCE(verify_pointers);
}

/* For the tests: what writing the parameter does. */
void ka_registry_set_verify(bool on)
{
	WRITE_ONCE(verify_pointers, on);
	WRITE_ONCE(ka_registry_slow, on || READ_ONCE(ka_map_partial));
}

void ka_registry_init(void)
{
	ka_pagemap_init();
}

void ka_registry_exit(void)
{
	int i;

	ka_pagemap_exit();

	for (i = 0; i < ARRAY_SIZE(ka_map_root); i++) {
		map_free(ka_map_root[i], 1);
		ka_map_root[i] = NULL;
	}
	ka_registry_pages = 0;
}

void ka_registry_add(struct ka_carrier *c)
{
	bool caller_irqsoff = irqs_disabled();
	struct ka_carrier *outer;
	unsigned long flags;

	spin_lock_irqsave(&ka_registry_lock, flags);
	/* made in pages a registered carrier gave back? (map_set()) */
	outer = ka_map_find(c);
	ka_crr_layer(c)->nested_in = outer != c ? outer : NULL;
	latch_tree_insert(reg_node(c), &ka_registry, &reg_ops);
	pagemap_set(c);
	if (!map_set(c, c, &flags, caller_irqsoff)) {
		c->flags |= KA_CRR_UNMAPPED;
		ka_map_unmapped++;
		WRITE_ONCE(ka_map_partial, true);
		WRITE_ONCE(ka_registry_slow, true);
	}
	spin_unlock_irqrestore(&ka_registry_lock, flags);
}

void ka_registry_del(struct ka_carrier *c)
{
	bool caller_irqsoff = irqs_disabled();
	unsigned long flags;

	spin_lock_irqsave(&ka_registry_lock, flags);
	ka_pagemap_clear(c, (unsigned long)c, pagemap_end(c));
	/* the last carrier the table lacks is going: lookups trust the table again */
	if ((c->flags & KA_CRR_UNMAPPED) && !--ka_map_unmapped) {
		WRITE_ONCE(ka_map_partial, false);
		WRITE_ONCE(ka_registry_slow, READ_ONCE(verify_pointers));
	}
	map_set(c, NULL, &flags, caller_irqsoff);
	latch_tree_erase(reg_node(c), &ka_registry, &reg_ops);
	spin_unlock_irqrestore(&ka_registry_lock, flags);
}

/* The tree's answer; the caller is in an RCU read section. */
static struct ka_carrier *tree_find(const void *addr)
{
	struct latch_tree_node *n = latch_tree_find((void *)addr, &ka_registry, &reg_ops);

	return n ? reg_carrier(n) : NULL;
}

/*
 * ka_registry_find() when the table alone does not decide: with
 * verify_pointers the tree decides and a disagreement is reported; after a
 * table node could not be had, a miss asks the tree.
 */
struct ka_carrier *ka_registry_find_slow(const void *addr, struct ka_carrier *c)
{
	struct ka_carrier *t;

	if (READ_ONCE(verify_pointers)) {
		t = tree_find(addr);
		if (t != c && !(!c && READ_ONCE(ka_map_partial)))
			ka_report("kalloc: pointer %p: the table says carrier %p, the tree %p\n",
				  addr, c, t);
		return t;
	}
	return c ? c : tree_find(addr);
}

/*
 * Whether @addr lies in pages carrier @c gave back: in the hole that the
 * nearest block start at or before it begins. The block-start map has no
 * bit inside a hole, and its bits change only under the employer's lock
 * before pages go back, so a pointer the system handed out from such a page
 * finds the hole's bit. Any context, in an RCU read section.
 */
bool ka_registry_in_hole(const struct ka_carrier *c, const void *addr)
{
	const struct ka_block *first = ka_crr_first(c), *h;
	const unsigned long *map;
	unsigned long unit;

	if (ka_crr_sbc(c) || addr < (void *)first || addr >= ka_crr_end(c))
		return false;
	map = ka_mbc_map(c);
	unit = ((const char *)addr - (const char *)first) / KA_UNIT;
	if (!test_bit(unit, map)) {
		unit = ka_find_last_bit(map, unit);
		if (unit >= ((const char *)addr - (const char *)first) / KA_UNIT)
			return false;
	}
	h = (const struct ka_block *)((const char *)first + unit * KA_UNIT);
	return ka_blk_hole(h) && (unsigned long)addr >= ka_hole_first(h) &&
	       (unsigned long)addr < ka_hole_end(h);
}

/* Whether @addr lies in a registered carrier: for the suites. Any context. */
bool ka_registry_has(const void *addr)
{
	bool ours;

	rcu_read_lock();
	ours = ka_registry_find(addr);
	rcu_read_unlock();
	return ours;
}

/*
 * The instance employing the carrier of @ptr, if it is an allocated block;
 * otherwise NULL and a reason in @why. Any context; the answer may be stale
 * by the time it is used, unless the caller holds the block claimed.
 */
struct ka_instance *ka_registry_owner(const void *ptr, const char **why)
{
	struct ka_instance *inst = NULL;
	struct ka_block *b;

	ka_lookup_lock();
	b = ka_registry_block(ptr, why);
	if (b && ka_blk_free(b))
		*why = "already free";
	else if (b && (ka_blk_queued(b) || ka_blk_cached(b)))
		*why = "given back, not yet free";
	else if (b)
		inst = ka_crr_inst(ka_blk_carrier(b));
	ka_lookup_unlock();
	return inst;
}
