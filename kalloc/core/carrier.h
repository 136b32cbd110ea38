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
struct ka_index;

/* Where carrier memory comes from: the mseg and sys_alloc analogues. */
enum ka_src {
	KA_SRC_SEG,
	KA_SRC_SYS,
	KA_NR_SRC,
};

#define KA_CRR_SBC	0x1U	/* singleblock carrier */
#define KA_CRR_MAIN	0x2U	/* the main multiblock carrier, never released */
#define KA_CRR_DETACHED	0x4U	/* an MBC out of every instance's index: in the carrier pool */
#define KA_CRR_KEEPS	0x8U	/* its source cannot give pages of it back (hole.h) */
#define KA_CRR_CURSOR	0x10U	/* no carrier: a walker's place in a carrier list (instance.h) */
#define KA_CRR_LAYER	0x100U	/* the layer above the core's own (registry.c: unmapped) */

/* Room a strategy may use inside each carrier header (carrier-oriented ones). */
#define KA_CRR_STRAT_WORDS 6
/* Room the layer owning the instances may use in each carrier header. */
#define KA_CRR_LAYER_WORDS 14

/*
 * The employer word: the instance that uses the carrier (allocates from it
 * and frees into it), with low bits left to the layer above the core, which
 * changes employment with atomic operations when carriers migrate.
 */
#define KA_EMP_FLAGS	0x7UL

/*
 * Ownership and employment (erts_alloc's terms): the instance that created a
 * carrier owns it for life and alone gives it back to its source; the
 * instance using it employs it. Without a carrier pool the two are the same.
 */
struct ka_carrier {
	size_t size;			/* whole carrier, header included */
	char *end;			/* where its room for blocks ends (ka_crr_layout()) */
	unsigned long *map;		/* an MBC's block-start map; NULL for an SBC */
	unsigned int flags;		/* KA_CRR_* */
	enum ka_src src;
	unsigned long emp;		/* employer | KA_EMP_FLAGS bits */
	struct ka_instance *home;	/* owner */
	struct ka_index *ix;		/* an MBC's: its employer's index of its strategy */
	struct list_head link;		/* on its employer's MBC or SBC list, in birth order */
	u64 birth;			/* creation order, for the age-ordered strategies */
	size_t used_blocks;		/* allocated blocks in it */
	size_t used_size;		/* their total size */
	size_t given_back;		/* bytes of its pages gone back to the system (hole.h) */
	size_t swept_used;		/* used_size when its free blocks were last holed */
	size_t sweep_at;		/* where a sweep stopped (from the carrier); 0: none */
	unsigned long strat[KA_CRR_STRAT_WORDS];
	unsigned long layer[KA_CRR_LAYER_WORDS];	/* for the layer above the core */
};

/* The instance employing @c. */
static inline struct ka_instance *ka_crr_inst(const struct ka_carrier *c)
{
	return (struct ka_instance *)(READ_ONCE(c->emp) & ~KA_EMP_FLAGS);
}

/* First block sits at 8 mod 16 so that every payload is KA_UNIT-aligned. */
#define KA_CRR_HDR_SIZE \
	(ALIGN(sizeof(struct ka_carrier) + KA_HDR_SIZE, KA_UNIT) - KA_HDR_SIZE)

static inline struct ka_block *ka_crr_first(const struct ka_carrier *c)
{
	return (struct ka_block *)((char *)c + KA_CRR_HDR_SIZE);
}

/* Bytes a singleblock carrier of @size offers its block; the odd 8 bytes at its end stay unused. */
static inline size_t ka_sbc_room(size_t size)
{
	return ALIGN_DOWN(size - KA_CRR_HDR_SIZE, KA_UNIT);
}

/*
 * The block-start map of a multiblock carrier: one bit per KA_UNIT of the
 * carrier, set exactly where a block header is. A pointer is taken for a
 * block only if its bit is set, so no byte a caller can write (a copied
 * header, say) makes an interior pointer pass for a block. Only the
 * employer writes the map, under its lock; anyone may read it. It sits at
 * the carrier's end, after the room for blocks. A singleblock carrier needs
 * none: its block starts at ka_crr_first().
 */
static inline size_t ka_mbc_map_bytes(size_t size)
{
	return ALIGN(DIV_ROUND_UP((size - KA_CRR_HDR_SIZE) / KA_UNIT, 8), sizeof(long));
}

static inline size_t ka_mbc_room(size_t size)
{
	return ALIGN_DOWN(size - KA_CRR_HDR_SIZE - ka_mbc_map_bytes(size), KA_UNIT);
}

/* The smallest multiple of PAGE_SIZE, at least @min, that holds a block of @blk bytes. */
static inline size_t ka_mbc_size_for(size_t blk, size_t min)
{
	size_t need = KA_CRR_HDR_SIZE + blk + KA_UNIT;
	size_t size = ALIGN(max(min, need + need / 128), PAGE_SIZE);

	while (ka_mbc_room(size) < blk)
		size += PAGE_SIZE;
	return size;
}

static inline unsigned long *ka_mbc_map(const struct ka_carrier *c)
{
	return c->map;
}

static inline size_t ka_mbc_bit(const struct ka_carrier *c, const struct ka_block *b)
{
	return ((const char *)b - (const char *)c - KA_CRR_HDR_SIZE) / KA_UNIT;
}

static inline void ka_mbc_mark_start(struct ka_carrier *c, const struct ka_block *b)
{
	__set_bit(ka_mbc_bit(c, b), ka_mbc_map(c));
}

static inline void ka_mbc_clear_start(struct ka_carrier *c, const struct ka_block *b)
{
	__clear_bit(ka_mbc_bit(c, b), ka_mbc_map(c));
}

/* Any context; @b must lie in @c's room. */
static inline bool ka_mbc_is_start(const struct ka_carrier *c, const struct ka_block *b)
{
	return test_bit(ka_mbc_bit(c, b), ka_mbc_map(c));
}

/*
 * The first block of MBC @c starting at or after byte @off of its room
 * (from ka_crr_first()), or NULL: where a walk that let go of the lock goes
 * on, whatever merged meanwhile. The caller serialises @c.
 */
static inline struct ka_block *ka_mbc_start_from(const struct ka_carrier *c, size_t off)
{
	size_t units = ((char *)c->end - (char *)ka_crr_first(c)) / KA_UNIT;
	size_t bit = ka_find_next_bit(ka_mbc_map(c), off / KA_UNIT, units);

	return bit < units ? (struct ka_block *)((char *)ka_crr_first(c) + bit * KA_UNIT) : NULL;
}

/* Where the last block of @c ends. */
static inline void *ka_crr_end(const struct ka_carrier *c)
{
	return c->end;
}

/*
 * Records where @c's room ends and its map lies, from its size and kind,
 * once when it is made: the free path's pointer check reads them.
 */
static inline void ka_crr_layout(struct ka_carrier *c)
{
	if (c->flags & KA_CRR_SBC) {
		c->end = (char *)ka_crr_first(c) + ka_sbc_room(c->size);
		c->map = NULL;
	} else {
		c->end = (char *)ka_crr_first(c) + ka_mbc_room(c->size);
		c->map = (unsigned long *)((char *)c + c->size - ka_mbc_map_bytes(c->size));
	}
}

/* The source's name, as the views and trace events give it. */
static inline const char *ka_crr_src_name(const struct ka_carrier *c)
{
	return c->src == KA_SRC_SEG ? "seg" : "sys";
}

static inline bool ka_crr_sbc(const struct ka_carrier *c)
{
	return c->flags & KA_CRR_SBC;
}

static inline bool ka_crr_main(const struct ka_carrier *c)
{
	return c->flags & KA_CRR_MAIN;
}

/* The bytes of @c that still hold memory: its size less the pages given back. */
static inline size_t ka_crr_resident(const struct ka_carrier *c)
{
	return c->size - c->given_back;
}

static inline bool ka_crr_cursor(const struct ka_carrier *c)
{
	return c->flags & KA_CRR_CURSOR;
}

static inline bool ka_crr_detached(const struct ka_carrier *c)
{
	return c->flags & KA_CRR_DETACHED;
}

#endif /* _KALLOC_CARRIER_H */
