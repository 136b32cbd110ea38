/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The allocation strategies' interface. A strategy indexes free blocks; it
 * knows nothing of CPUs, sources or statistics, and the instance knows
 * nothing of its index. Index nodes live inside the free blocks (after the
 * header); carrier-oriented strategies also use the carrier header's strat[]
 * words. One strategy family per file.
 */
#ifndef _KALLOC_STRATEGY_H
#define _KALLOC_STRATEGY_H

#include "../carrier.h"

/* The erts_alloc allocation strategies, by their option names. */
enum ka_as {
	KA_AS_BF,
	KA_AS_AOBF,
	KA_AS_AOFF,
	KA_AS_AOFFCBF,
	KA_AS_AOFFCAOBF,
	KA_AS_AGEFFCAOFF,
	KA_AS_AGEFFCBF,
	KA_AS_AGEFFCAOBF,
	KA_AS_GF,
	KA_AS_AF,
	KA_NR_AS,
};

struct ka_check;

/* Settings a strategy may read when its index is set up. */
struct ka_strategy_params {
	size_t sbct;		/* gf: sizes its last bucket range */
	unsigned int mbsd;	/* gf: blocks inspected per list */
};

typedef void (*ka_check_visit_fn)(struct ka_check *chk, struct ka_block *b);

/**
 * struct ka_strategy - one allocation strategy
 * @name: the erts option value ("bf", "aoffcbf", ...)
 * @node_size: index bytes a free block must hold after its header
 * @index_size: bytes of per-instance index state (zeroed before @init)
 * @init: set up an empty index
 * @carrier_add: a new MBC joins the instance (before any insert into it)
 * @carrier_remove: an MBC leaves the instance: after its last block left, or
 *	with its free blocks, which stay in its own index (carrier migration)
 * @carrier_attach: an MBC removed from another instance of the same strategy
 *	joins this one with its free blocks; NULL where the strategy keeps no
 *	per-carrier index and so cannot migrate carriers
 * @carrier_largest: the largest free block of @c (with @carrier_attach)
 * @insert: index free block @b of carrier @c (its header and footer are set)
 * @remove: unindex free block @b of carrier @c (before its header changes)
 * @find: a free block of at least @size bytes, left in the index; or NULL
 * @check: verify the index's invariants and call @visit once per indexed
 *	block; report failures through ka_check_fail()
 */
struct ka_strategy {
	const char *name;
	size_t node_size;
	size_t index_size;
	void (*init)(void *idx, const struct ka_strategy_params *p);
	/* optional: new search parameters for an index in use (mbsd; sbct's layout stays) */
	void (*tune)(void *idx, const struct ka_strategy_params *p);
	void (*carrier_add)(void *idx, struct ka_carrier *c);
	void (*carrier_remove)(void *idx, struct ka_carrier *c);
	void (*carrier_attach)(void *idx, struct ka_carrier *c);
	size_t (*carrier_largest)(void *idx, struct ka_carrier *c);
	void (*insert)(void *idx, struct ka_carrier *c, struct ka_block *b);
	void (*remove)(void *idx, struct ka_carrier *c, struct ka_block *b);
	struct ka_block *(*find)(void *idx, size_t size);
	void (*check)(void *idx, struct ka_check *chk, ka_check_visit_fn visit);
};

extern const struct ka_strategy ka_strategy_bf, ka_strategy_aobf;
extern const struct ka_strategy ka_strategy_aoff, ka_strategy_aoffcbf,
	ka_strategy_aoffcaobf, ka_strategy_ageffcaoff, ka_strategy_ageffcbf,
	ka_strategy_ageffcaobf;
extern const struct ka_strategy ka_strategy_gf, ka_strategy_af;

/* carrier_add/carrier_remove of strategies that keep nothing per carrier */
void ka_strategy_carrier_noop(void *idx, struct ka_carrier *c);

const struct ka_strategy *ka_strategy_get(enum ka_as as);
int ka_strategy_parse(const char *name);

/* Smallest block a strategy can index: header, its node and the footer. */
static inline size_t ka_strategy_min_block(const struct ka_strategy *s)
{
	return ALIGN(KA_HDR_SIZE + s->node_size + sizeof(unsigned long), KA_UNIT);
}

/*
 * Whether @s can take over free blocks laid out with @min_block as the
 * smallest, and, when @migrates, keeps the index per carrier that carrier
 * migration needs: the rule for a strategy changed in use.
 */
static inline bool ka_strategy_fits(const struct ka_strategy *s, size_t min_block,
				    bool migrates)
{
	return s && ka_strategy_min_block(s) <= min_block && (!migrates || s->carrier_attach);
}

#endif /* _KALLOC_STRATEGY_H */
