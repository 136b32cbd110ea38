/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every carrier of every per-CPU instance, by address, so that a pointer can
 * be checked to be a kalloc block before its header is trusted: in O(1) by
 * a radix table of address granules, and in a tree for verify_pointers.
 */
#ifndef _KALLOC_REGISTRY_H
#define _KALLOC_REGISTRY_H

#include "../core/carrier.h"
#include "pagemap.h"

void ka_registry_init(void);
void ka_registry_exit(void);
bool ka_registry_verifying(void);
void ka_registry_set_verify(bool on);
/*
 * Table slots written per hold of the registry lock (4 MiB of carriers):
 * a larger carrier is entered and removed in several holds, and one that
 * needs more than one is entered after, and removed before, its employer's
 * lock is held (plumbing.c), so that interrupts stay off for no longer than
 * one hold (Documentation/locking.rst).
 */
#define KA_REG_HOLD_SLOTS	256U

extern unsigned int ka_registry_longest_irqsoff;

static inline bool ka_registry_takes_holds(const struct ka_carrier *c)
{
	return c->size > (size_t)KA_REG_HOLD_SLOTS * KA_CARRIER_ALIGN;
}

void ka_registry_add(struct ka_carrier *c);
void ka_registry_del(struct ka_carrier *c);
struct ka_carrier *ka_registry_find_slow(const void *addr, struct ka_carrier *c);

/*
 * The table (registry.c): the granule number of an address's bits 14..56;
 * kernel addresses have bits 57..63 set (x86-64 with 4- or 5-level paging,
 * arm64). A root of 128 entries, then four levels of 512.
 */
#define KA_MAP_SHIFT		14
#define KA_MAP_BITS		43
#define KA_MAP_FANOUT		9
#define KA_MAP_ROOT_BITS	(KA_MAP_BITS - 4 * KA_MAP_FANOUT)
#define KA_MAP_KERNEL		0x7fUL		/* bits 57..63 of a kernel address */
static_assert(1UL << KA_MAP_SHIFT == KA_CARRIER_ALIGN, "one granule per carrier alignment");

struct ka_map_node {
	void *slot[1 << KA_MAP_FANOUT];	/* ka_map_node, or ka_carrier at the last level */
};

extern struct ka_map_node *ka_map_root[1 << KA_MAP_ROOT_BITS];
extern bool ka_registry_slow;
/* Pages the table holds (the memory view counts them as kalloc's own). */
extern unsigned long ka_registry_pages;

static inline unsigned long ka_map_key(unsigned long a)
{
	return (a >> KA_MAP_SHIFT) & ((1UL << KA_MAP_BITS) - 1);
}

static inline unsigned int ka_map_index(unsigned long key, int level)
{
	return (key >> ((4 - level) * KA_MAP_FANOUT)) & ((1 << KA_MAP_FANOUT) - 1);
}

/*
 * The last leaf a CPU's lookups used, kept per class and CPU in its front
 * cache (under its lock): the next pointer of the same 8 MiB finds its
 * leaf with one compare instead of four loads (jemalloc's rtree cache).
 * Leaves are never freed before unload, so a remembered one stays valid.
 */
struct ka_map_hint {
	unsigned long key;		/* the leaf's key (granule >> KA_MAP_FANOUT) + 1; 0: none */
	struct ka_map_node *leaf;
};

/* The leaf of granule @key, or NULL: four loads. */
static __always_inline struct ka_map_node *ka_map_leaf(unsigned long key)
{
	struct ka_map_node *n;

	/* Each load pairs with the smp_store_release() of map_slot() (registry.c). */
	n = READ_ONCE(ka_map_root[key >> (4 * KA_MAP_FANOUT)]);
	if (n)
		n = READ_ONCE(n->slot[ka_map_index(key, 1)]);
	if (n)
		n = READ_ONCE(n->slot[ka_map_index(key, 2)]);
	if (n)
		n = READ_ONCE(n->slot[ka_map_index(key, 3)]);
	return n;
}

/*
 * The table's answer: five loads (one, and a compare, when @hint holds the
 * leaf), and no byte at @addr read.
 */
static __always_inline struct ka_carrier *ka_map_find_hinted(const void *addr,
							     struct ka_map_hint *hint)
{
	unsigned long a = (unsigned long)addr, key = ka_map_key(a);
	struct ka_map_node *n;
	struct ka_carrier *c;

	if (a >> (KA_MAP_SHIFT + KA_MAP_BITS) != KA_MAP_KERNEL)
		return NULL;
	if (hint && hint->key == (key >> KA_MAP_FANOUT) + 1) {
		n = hint->leaf;
	} else {
		n = ka_map_leaf(key);
		if (!n)
			return NULL;
		if (hint) {
			hint->key = (key >> KA_MAP_FANOUT) + 1;
			hint->leaf = n;
		}
	}
	c = READ_ONCE(n->slot[ka_map_index(key, 4)]);
	/* the carrier's last granule may reach past its end */
	if (c && a - (unsigned long)c >= READ_ONCE(c->size))
		return NULL;
	return c;
}

static __always_inline struct ka_carrier *ka_map_find(const void *addr)
{
	return ka_map_find_hinted(addr, NULL);
}

bool ka_registry_in_hole(const struct ka_carrier *c, const void *addr);

/*
 * The carrier holding @addr, or NULL; the caller is in an RCU read section.
 * Pages a carrier gave back (hole.h) are not in it: the system may have
 * given them to anyone since, and a pointer there is theirs. A page of a
 * direct-map carrier names it (pagemap.h); the table answers for the rest.
 */
static __always_inline struct ka_carrier *ka_registry_find_hinted(const void *addr,
								  struct ka_map_hint *hint)
{
	struct ka_carrier *c = ka_page_carrier(addr);

	if (unlikely(!c)) {
		c = ka_map_find_hinted(addr, hint);
		if (unlikely(c && READ_ONCE(c->given_back)) && ka_registry_in_hole(c, addr))
			c = NULL;
	}
	if (unlikely(READ_ONCE(ka_registry_slow)))
		return ka_registry_find_slow(addr, c);
	return c;
}

static __always_inline struct ka_carrier *ka_registry_find(const void *addr)
{
	return ka_registry_find_hinted(addr, NULL);
}

/*
 * The block @ptr is the payload of, in whatever state, if @ptr starts a block
 * of a registered carrier; otherwise NULL and the reason in @why. Decided by
 * the registry and the carrier's block-start map, never by bytes before @ptr,
 * which its user may have written. The caller is in an RCU read section;
 * @hint, if given, is its CPU's (ka_map_find_hinted()).
 */
static __always_inline struct ka_block *ka_registry_block_hinted(const void *ptr, const char **why,
								 struct ka_map_hint *hint)
{
	struct ka_carrier *c = ka_registry_find_hinted(ptr, hint);
	struct ka_block *b = ka_payload_blk(ptr);

	if (!c) {
		*why = "not a block kalloc gave out";
		return NULL;
	}
	if ((unsigned long)ptr % KA_UNIT || (void *)b < (void *)ka_crr_first(c) ||
	    (void *)b >= ka_crr_end(c) ||
	    (ka_crr_sbc(c) ? b != ka_crr_first(c) : !ka_mbc_is_start(c, b))) {
		*why = "not the start of a block (an interior pointer, or freed and merged)";
		return NULL;
	}
	return b;
}

static __always_inline struct ka_block *ka_registry_block(const void *ptr, const char **why)
{
	return ka_registry_block_hinted(ptr, why, NULL);
}

struct ka_instance *ka_registry_owner(const void *ptr, const char **why);
bool ka_registry_has(const void *addr);

#endif /* _KALLOC_REGISTRY_H */
