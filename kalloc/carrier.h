/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Carriers: the areas blocks live in. A multiblock carrier (MBC) holds many
 * blocks, a singleblock carrier (SBC) one. Every carrier starts
 * KA_CARRIER_ALIGN-aligned with this header; the first block follows it.
 */
#ifndef _KALLOC_CARRIER_H
#define _KALLOC_CARRIER_H

#include "block.h"

struct ka_instance;

/* Where carrier memory comes from: the mseg and sys_alloc analogues. */
enum ka_src {
	KA_SRC_SEG,
	KA_SRC_SYS,
	KA_NR_SRC,
};

#define KA_CRR_SBC	0x1U	/* singleblock carrier */
#define KA_CRR_MAIN	0x2U	/* the main multiblock carrier, never released */

/* Room a strategy may use inside each carrier header (carrier-oriented ones). */
#define KA_CRR_STRAT_WORDS 6
/* Room the layer owning the instance may use in each carrier header. */
#define KA_CRR_OWNER_WORDS 6

struct ka_carrier {
	size_t size;			/* whole carrier, header included */
	unsigned int flags;		/* KA_CRR_* */
	enum ka_src src;
	struct ka_instance *inst;	/* the instance that owns it */
	struct list_head link;		/* on the instance's MBC or SBC list */
	u64 birth;			/* creation order, for the age-ordered strategies */
	size_t used_blocks;		/* allocated blocks in it */
	size_t used_size;		/* their total size */
	unsigned long strat[KA_CRR_STRAT_WORDS];
	unsigned long owner[KA_CRR_OWNER_WORDS];	/* for the layer above the core */
};

/* First block sits at 8 mod 16 so that every payload is KA_UNIT-aligned. */
#define KA_CRR_HDR_SIZE \
	(ALIGN(sizeof(struct ka_carrier) + KA_HDR_SIZE, KA_UNIT) - KA_HDR_SIZE)

static inline struct ka_block *ka_crr_first(const struct ka_carrier *c)
{
	return (struct ka_block *)((char *)c + KA_CRR_HDR_SIZE);
}

/* Bytes a carrier of @size offers to blocks; the odd 8 bytes at its end stay unused. */
static inline size_t ka_crr_room(size_t size)
{
	return ALIGN_DOWN(size - KA_CRR_HDR_SIZE, KA_UNIT);
}

/* Where the last block of @c ends. */
static inline void *ka_crr_end(const struct ka_carrier *c)
{
	return (char *)ka_crr_first(c) + ka_crr_room(c->size);
}

static inline bool ka_crr_sbc(const struct ka_carrier *c)
{
	return c->flags & KA_CRR_SBC;
}

static inline bool ka_crr_main(const struct ka_carrier *c)
{
	return c->flags & KA_CRR_MAIN;
}

#endif /* _KALLOC_CARRIER_H */
