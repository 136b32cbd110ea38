/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Blocks: the one-word header, the boundary tags and the O(1) way from a
 * block to its carrier. Documentation/core.rst has the picture.
 *
 * Header word (64-bit), two halves with one writer each:
 *   low half, written only by the instance that employs the carrier (under
 *   its lock), whatever state the block is in:
 *   bits  0..3   flags: FREE, PREV_FREE, LAST, MARK (checker scratch)
 *   bits  4..29  block size in bytes (a multiple of KA_UNIT, below 1 GiB)
 *   high half, which a block's user and the front caches change too:
 *   bit  32      QUEUED: handed back by its user, not yet free (below)
 *   bit  33      CACHED: handed back by its user, held by a front cache (below)
 *   bits 34..47  allocation type id of an allocated block (0: none)
 *   bits 48..63  distance from the block's KA_CARRIER_ALIGN-aligned base down
 *                to its carrier, in KA_CARRIER_ALIGN units
 *
 * Carriers start KA_CARRIER_ALIGN-aligned, so the carrier of any block,
 * allocated or free, is found from its header alone: no lookup, no lock.
 * A free block repeats its size in its last word (the footer) and the block
 * after it has PREV_FREE set, so both neighbours are reachable in O(1).
 *
 * Block states (Documentation/cpu.rst has who moves a block between them):
 *   allocated  FREE and QUEUED clear: the caller's
 *   queued     QUEUED set: given back by ka_free() or ka_realloc() and claimed
 *              by that call; on a remote-free queue, or being freed or moved
 *   cached     CACHED set: given back by ka_free() into a per-CPU front cache,
 *              or taken from the instance to fill one; the instance counts it
 *              as allocated, the front cache as cached (front.h)
 *   free       FREE set: part of the carrier's free space
 *   hole       QUEUED and CACHED both set (no block is ever both): free space
 *              whose inner pages went back to the system (hole.h); no
 *              strategy indexes it, no neighbour merges with it, no caller
 *              may name it, and it lasts as long as its carrier
 * Only ka_blk_claim() leaves the allocated state, with a compare-and-exchange
 * of the high half, so of two calls giving back one block exactly one wins;
 * only ka_blk_uncache() leaves the cached state, by the front cache that
 * holds the block, with a plain store of the high half.
 * Other CPUs may claim an allocated block, and a front cache hand a cached
 * one out, while its employer changes its PREV_FREE: the halves keep them
 * apart, so neither the employer's flag changes (ka_blk_set_flag(),
 * ka_blk_clear_flag()) nor the hand-out need an atomic operation. The
 * employer writes a whole header only of a block no one else may change:
 * free, queued, a hole, or one it is making.
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
#define KA_SIZE_MASK		(((1UL << 30) - 1) & ~KA_FLAGS_MASK)
#define KA_HALF_SHIFT		32
#define KA_F_QUEUED		BIT(32)
#define KA_F_CACHED		BIT(33)
#define KA_STATE_MASK		(KA_F_FREE | KA_F_QUEUED | KA_F_CACHED)
#define KA_F_HOLE		(KA_F_QUEUED | KA_F_CACHED)
#define KA_TID_SHIFT		34
#define KA_TID_MAX		0x3fffU
#define KA_TID_MASK		((unsigned long)KA_TID_MAX << KA_TID_SHIFT)
#define KA_COFF_SHIFT		48
#define KA_COFF_MAX		((1UL << (64 - KA_COFF_SHIFT)) - 1)

/* Largest carrier the header's distance field can describe (1 GiB - 16 KiB). */
#define KA_CARRIER_MAX		(KA_COFF_MAX * KA_CARRIER_ALIGN)
static_assert(KA_CARRIER_MAX <= KA_SIZE_MASK, "a block size must fit its field");

struct ka_carrier;

/* Which of the two 32-bit halves of the header holds bits 32..63. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define KA_HDR_HI		0
#else
#define KA_HDR_HI		1
#endif

struct ka_block {
	union {
		unsigned long hdr;
		unsigned int half[2];	/* [KA_HDR_HI]: bits 32..63; the other: 0..31 */
	};
	/* free blocks: the strategy's index node follows; allocated: payload */
};

static inline unsigned int *ka_hdr_hi(struct ka_block *b)
{
	return &b->half[KA_HDR_HI];
}

static inline unsigned int *ka_hdr_lo(struct ka_block *b)
{
	return &b->half[1 - KA_HDR_HI];
}

static inline unsigned int ka_hi_bits(unsigned long bits)
{
	return bits >> KA_HALF_SHIFT;
}

static inline size_t ka_blk_size(const struct ka_block *b)
{
	return b->hdr & KA_SIZE_MASK;
}

static inline bool ka_blk_free(const struct ka_block *b)
{
	return b->hdr & KA_F_FREE;
}

static inline bool ka_blk_queued(const struct ka_block *b)
{
	return READ_ONCE(b->hdr) & KA_F_QUEUED;
}

static inline bool ka_blk_cached(const struct ka_block *b)
{
	return READ_ONCE(b->hdr) & KA_F_CACHED;
}

static inline bool ka_blk_hole(const struct ka_block *b)
{
	return (READ_ONCE(b->hdr) & KA_F_HOLE) == KA_F_HOLE;
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

/* The bytes the block at payload @p takes: header and tag included. */
static inline size_t ka_payload_blk_bytes(const void *p)
{
	return ka_blk_size(ka_payload_blk(p));
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

/*
 * A flag of the low half (PREV_FREE, MARK), by the employer: a plain store,
 * though @b may be an allocated block another CPU is claiming or a cached
 * one being handed out, which write only the high half.
 */
static inline void ka_blk_set_flag(struct ka_block *b, unsigned long flag)
{
	unsigned int *lo = ka_hdr_lo(b);

	WRITE_ONCE(*lo, *lo | (unsigned int)flag);
}

static inline void ka_blk_clear_flag(struct ka_block *b, unsigned long flag)
{
	unsigned int *lo = ka_hdr_lo(b);

	WRITE_ONCE(*lo, *lo & ~(unsigned int)flag);
}

/* What ka_blk_claim() found. */
enum ka_claim {
	KA_CLAIMED,		/* the block was allocated and is now the caller's to give back */
	KA_CLAIM_FREE,		/* already free */
	KA_CLAIM_QUEUED,	/* already given back, not yet free */
	KA_CLAIM_CACHED,	/* already given back, held by a front cache */
	KA_CLAIM_OTHER_TYPE,	/* allocated, but of another type (*@tid tells which) */
};

/*
 * Moves allocated block @b of type *@tid to state @to (KA_F_QUEUED or
 * KA_F_CACHED). On any other outcome nothing changes and *@tid is the type
 * id the header holds.
 */
static inline enum ka_claim ka_blk_claim_to(struct ka_block *b, unsigned int *tid,
					    unsigned long to)
{
	unsigned long old;
	unsigned int hi;

	/*
	 * FREE is in the low half: a block the exchange finds allocated was
	 * allocated when read (a free block's high half names no type), and
	 * only a claim takes it out of that state. A failed exchange is a rival.
	 */
	do {
		old = READ_ONCE(b->hdr);
		if (old & KA_F_FREE)
			return KA_CLAIM_FREE;
		if (old & KA_F_QUEUED)
			return KA_CLAIM_QUEUED;
		if (old & KA_F_CACHED)
			return KA_CLAIM_CACHED;
		if (((old & KA_TID_MASK) >> KA_TID_SHIFT) != *tid) {
			*tid = (old & KA_TID_MASK) >> KA_TID_SHIFT;
			return KA_CLAIM_OTHER_TYPE;
		}
		hi = old >> KA_HALF_SHIFT;
	} while (!ka_half_try_cmpxchg(ka_hdr_hi(b), &hi, hi | ka_hi_bits(to)));
	return KA_CLAIMED;
}

static inline enum ka_claim ka_blk_claim(struct ka_block *b, unsigned int *tid)
{
	return ka_blk_claim_to(b, tid, KA_F_QUEUED);
}

/*
 * An allocated block its taker holds for a front cache (filling one; it is
 * of no type, so no user's claim can race with this).
 */
static inline void ka_blk_cache(struct ka_block *b)
{
	ka_half_or(ka_hdr_hi(b), ka_hi_bits(KA_F_CACHED));
}

/*
 * A cached block handed out: allocated again, of type @tid. A plain store:
 * claims fail on a cached block without writing, and its employer changes
 * only the low half meanwhile.
 */
static inline void ka_blk_uncache(struct ka_block *b, unsigned int tid)
{
	unsigned int *hi = ka_hdr_hi(b);
	unsigned int keep = READ_ONCE(*hi) & ka_hi_bits(~(KA_TID_MASK | KA_STATE_MASK));

	WRITE_ONCE(*hi, keep | ka_hi_bits(ka_tid_bits(tid)));
}

/*
 * A cached block its holder gives back to the instance: queued, keeping its
 * type id. A plain store, as ka_blk_uncache().
 */
static inline void ka_blk_requeue(struct ka_block *b)
{
	unsigned int *hi = ka_hdr_hi(b);
	unsigned int keep = READ_ONCE(*hi) & ka_hi_bits(~KA_STATE_MASK);

	WRITE_ONCE(*hi, keep | ka_hi_bits(KA_F_QUEUED));
}

/* Back to allocated: a claimed block that could not be moved stays its user's. */
static inline void ka_blk_unclaim(struct ka_block *b)
{
	ka_half_andnot(ka_hdr_hi(b), ka_hi_bits(KA_F_QUEUED));
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
