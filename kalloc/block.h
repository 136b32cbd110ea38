/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Blocks: the one-word header, the boundary tags and the O(1) way from a
 * block to its carrier. Documentation/core.rst has the picture.
 *
 * Header word (64-bit):
 *   bits  0..3   flags: FREE, PREV_FREE, LAST, MARK (checker scratch)
 *   bits  4..31  block size in bytes (a multiple of KA_UNIT)
 *   bits 32..47  allocation type id of an allocated block (0: none)
 *   bits 48..63  distance from the block's KA_CARRIER_ALIGN-aligned base down
 *                to its carrier, in KA_CARRIER_ALIGN units
 *
 * Carriers start KA_CARRIER_ALIGN-aligned, so the carrier of any block,
 * allocated or free, is found from its header alone: no lookup, no lock.
 * A free block repeats its size in its last word (the footer) and the block
 * after it has PREV_FREE set, so both neighbours are reachable in O(1).
 */
#ifndef _KALLOC_BLOCK_H
#define _KALLOC_BLOCK_H

#include "core.h"

#define KA_UNIT			16UL	/* block size granularity and payload alignment */
#define KA_HDR_SIZE		sizeof(unsigned long)
#define KA_CARRIER_ALIGN	(16UL * 1024)

#define KA_F_FREE		0x1UL
#define KA_F_PREV_FREE		0x2UL
#define KA_F_LAST		0x4UL
#define KA_F_MARK		0x8UL
#define KA_FLAGS_MASK		0xfUL
#define KA_SIZE_MASK		(((1UL << 32) - 1) & ~KA_FLAGS_MASK)
#define KA_TID_SHIFT		32
#define KA_TID_MASK		(0xffffUL << KA_TID_SHIFT)
#define KA_TID_MAX		0xffffU
#define KA_COFF_SHIFT		48
#define KA_COFF_MAX		((1UL << (64 - KA_COFF_SHIFT)) - 1)

/* Largest carrier the header's distance field can describe (1 GiB - 16 KiB). */
#define KA_CARRIER_MAX		(KA_COFF_MAX * KA_CARRIER_ALIGN)

struct ka_carrier;

struct ka_block {
	unsigned long hdr;
	/* free blocks: the strategy's index node follows; allocated: payload */
};

static inline size_t ka_blk_size(const struct ka_block *b)
{
	return b->hdr & KA_SIZE_MASK;
}

static inline bool ka_blk_free(const struct ka_block *b)
{
	return b->hdr & KA_F_FREE;
}

static inline bool ka_blk_prev_free(const struct ka_block *b)
{
	return b->hdr & KA_F_PREV_FREE;
}

static inline bool ka_blk_last(const struct ka_block *b)
{
	return b->hdr & KA_F_LAST;
}

static inline unsigned int ka_blk_tid(const struct ka_block *b)
{
	return (b->hdr & KA_TID_MASK) >> KA_TID_SHIFT;
}

static inline unsigned long ka_tid_bits(unsigned int tid)
{
	return (unsigned long)tid << KA_TID_SHIFT;
}

static inline struct ka_block *ka_blk_next(const struct ka_block *b)
{
	return (struct ka_block *)((char *)b + ka_blk_size(b));
}

static inline unsigned long *ka_blk_footer(const struct ka_block *b)
{
	return (unsigned long *)((char *)b + ka_blk_size(b)) - 1;
}

/* Only valid when @b has PREV_FREE set: the footer before it is the size. */
static inline struct ka_block *ka_blk_prev(const struct ka_block *b)
{
	return (struct ka_block *)((char *)b - ((const unsigned long *)b)[-1]);
}

static inline void *ka_blk_payload(const struct ka_block *b)
{
	return (char *)b + KA_HDR_SIZE;
}

static inline struct ka_block *ka_payload_blk(const void *p)
{
	return (struct ka_block *)((char *)p - KA_HDR_SIZE);
}

/* Index node of a free block, right after its header. */
static inline void *ka_blk_node(const struct ka_block *b)
{
	return (char *)b + KA_HDR_SIZE;
}

static inline struct ka_block *ka_node_blk(const void *node)
{
	return (struct ka_block *)((char *)node - KA_HDR_SIZE);
}

static inline struct ka_carrier *ka_blk_carrier(const struct ka_block *b)
{
	unsigned long base = (unsigned long)b & ~(KA_CARRIER_ALIGN - 1);

	return (struct ka_carrier *)(base - (b->hdr >> KA_COFF_SHIFT) * KA_CARRIER_ALIGN);
}

static inline unsigned long ka_blk_coff(const struct ka_block *b, const struct ka_carrier *c)
{
	unsigned long base = (unsigned long)b & ~(KA_CARRIER_ALIGN - 1);

	return ((base - (unsigned long)c) / KA_CARRIER_ALIGN) << KA_COFF_SHIFT;
}

/* Writes a whole header; the carrier distance is derived from @b and @c. */
static inline void ka_blk_set(struct ka_block *b, const struct ka_carrier *c,
			      size_t size, unsigned long flags)
{
	b->hdr = ka_blk_coff(b, c) | size | flags;
}

static inline void ka_blk_set_flag(struct ka_block *b, unsigned long flag)
{
	b->hdr |= flag;
}

static inline void ka_blk_clear_flag(struct ka_block *b, unsigned long flag)
{
	b->hdr &= ~flag;
}

/* Makes @b a free block of @size: header, footer, and the next block's tag. */
static inline void ka_blk_make_free(struct ka_block *b, const struct ka_carrier *c,
				    size_t size, unsigned long keep_flags)
{
	ka_blk_set(b, c, size, KA_F_FREE | (keep_flags & (KA_F_PREV_FREE | KA_F_LAST)));
	*ka_blk_footer(b) = size;
	if (!ka_blk_last(b))
		ka_blk_set_flag(ka_blk_next(b), KA_F_PREV_FREE);
}

#endif /* _KALLOC_BLOCK_H */
