// SPDX-License-Identifier: GPL-2.0
/*
 * The carrier registry: a latched red-black tree (rbtree_latch.h, as the
 * module loader uses for its address lookups) whose nodes live in the
 * carriers' headers. Lookups take no lock and run under RCU (any context);
 * insertions and removals are serialised by a spinlock and happen only when
 * carriers are made or released. A removed carrier's memory is given back
 * only after a grace period (see cpu.c), so a lookup never walks freed memory.
 */
#include <linux/rbtree_latch.h>
#include <linux/spinlock.h>

#include "layer.h"
#include "registry.h"

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

static __always_inline int reg_comp(void *key, struct latch_tree_node *n)
{
	struct ka_carrier *c = reg_carrier(n);
	char *addr = key;

	if (addr < (char *)c)
		return -1;
	if (addr >= (char *)c + READ_ONCE(c->size))
		return 1;
	return 0;
}

static const struct latch_tree_ops reg_ops = {
	.less = reg_less,
	.comp = reg_comp,
};

void ka_registry_add(struct ka_carrier *c)
{
	unsigned long flags;

	spin_lock_irqsave(&ka_registry_lock, flags);
	latch_tree_insert(reg_node(c), &ka_registry, &reg_ops);
	spin_unlock_irqrestore(&ka_registry_lock, flags);
}

void ka_registry_del(struct ka_carrier *c)
{
	unsigned long flags;

	spin_lock_irqsave(&ka_registry_lock, flags);
	latch_tree_erase(reg_node(c), &ka_registry, &reg_ops);
	spin_unlock_irqrestore(&ka_registry_lock, flags);
}

/* The carrier holding @addr, or NULL; the caller is in an RCU read section. */
struct ka_carrier *ka_registry_find(const void *addr)
{
	struct latch_tree_node *n = latch_tree_find((void *)addr, &ka_registry, &reg_ops);

	return n ? reg_carrier(n) : NULL;
}

/*
 * The block @ptr is the payload of, in whatever state, if @ptr starts a block
 * of a registered carrier; otherwise NULL and the reason in @why. Decided by
 * the registry and the carrier's block-start map, never by bytes before @ptr,
 * which its user may have written. The caller is in an RCU read section.
 */
struct ka_block *ka_registry_block(const void *ptr, const char **why)
{
	struct ka_carrier *c = ka_registry_find(ptr);
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
