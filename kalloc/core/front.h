/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A front cache: magazines of cached blocks, a loaded and a spare one per
 * block size in use, in front of one allocator instance (Bonwick's magazine
 * layer; jemalloc's thread cache, erts's fix lists). It knows nothing of
 * CPUs or locks: the per-CPU layer (cpu_front.c) keeps one per class and
 * CPU under a per-CPU trylock and trades whole magazines with its node's
 * depot (depot.c); the user-space build keeps one per instance.
 * Documentation/front.rst.
 *
 * Blocks are cached by their exact size, as the instance made them: a
 * request gets the block size it would get from the instance, so caching
 * changes no block size and no statistic but the cached figures. A cache
 * has KA_FRONT_BINS bins; @map gives the bin of each block size (in
 * KA_UNIT steps), and a size without a bin takes the least recently filled
 * one when it first needs one.
 *
 * A magazine (struct ka_mag) is an array of block pointers; allocation pops
 * the loaded one, a free pushes it. When the loaded one is empty (full) and
 * the spare is not, the two swap; only when both are empty (full) does the
 * cache trade a whole magazine with the depot, or go to the instance.
 *
 * Invariants:
 *  - every block in a magazine is in the cached state (block.h) and its size
 *    is exactly its bin's @blk; map[blk / KA_UNIT] names the bin, and every
 *    bin with blocks is named by exactly one map entry;
 *  - a bin of a pinned size (a fixed-size type's) keeps its size; slot_blk
 *    names each pinned size's slot at most once;
 *  - a bin's @count is the blocks of its loaded and spare magazines, each
 *    holding at most @cap <= KA_MAG_SLOTS; @bytes is the sum of the cached
 *    blocks' sizes, at most KA_FRONT_BYTES (the bound per cache);
 *  - a magazine's slot[0] is its oldest block: allocation takes the newest
 *    (warm in cache), flushes give back the oldest, the spare's first.
 */
#ifndef _KALLOC_FRONT_H
#define _KALLOC_FRONT_H

#include "block.h"
#include "instance.h"

#define KA_FRONT_BINS		16	/* block sizes one cache holds at a time */
#define KA_MAG_SLOTS		30	/* most blocks a magazine holds (small blocks): 256 bytes */
#define KA_FRONT_SLOTS		KA_MAG_SLOTS
#define KA_FRONT_BIN_BYTES	8192	/* larger blocks: about this many bytes a magazine ... */
#define KA_FRONT_MIN_SLOTS	4	/* ... but at least this many blocks */
#define KA_FRONT_BYTES		(64 * 1024)	/* most bytes one cache holds */
#define KA_FRONT_NONE		0xff	/* a map entry: the size has no bin */
#define KA_FRONT_PINNED		(KA_FRONT_BINS / 2)	/* most pinned sizes a class */
/* Map entries: block sizes up to that of a KA_FRONT_MAX request with a tag. */
#define KA_FRONT_SIZES		((KA_FRONT_MAX + 2 * KA_HDR_SIZE) / KA_UNIT + 2)

struct ka_mag {
	struct ka_mag *next;		/* in a depot's list */
	unsigned int count;
	unsigned int blk;		/* its blocks' size while it holds any */
	void *slot[KA_MAG_SLOTS];	/* payload pointers, oldest first */
};

struct ka_front_bin {
	unsigned int blk;		/* block size; 0: the bin is unassigned */
	unsigned int cap;		/* most blocks a magazine of it holds */
	unsigned int count;		/* blocks in @loaded and @spare */
	unsigned int low;		/* fewest blocks held since the last decay pass */
	unsigned long filled;		/* the cache's clock when last filled, for reuse */
	struct ka_mag *loaded;		/* NULL until the bin first holds a block */
	struct ka_mag *spare;		/* NULL until the first swap */
};

/* What one class's caches cache; the same for all its instances. */
struct ka_front_shape {
	size_t max;			/* largest request cached; 0: the class caches nothing */
	unsigned int max_blk;		/* the block size of such a request */
	unsigned int overhead;		/* header and tag: block size = request + this, aligned */
	unsigned int min_block;
	/*
	 * Sizes of fixed-size types (ka_type_create_fixed()): a bin of such a
	 * size is never taken for another size, so the type's per-CPU free
	 * lists stay. Counts of types, by block size / KA_UNIT; at most
	 * KA_FRONT_PINNED sizes, so that other sizes keep bins.
	 */
	u8 pin[KA_FRONT_SIZES];
	/*
	 * The block size each pinned slot is for (0: free): slot i is bin i of
	 * every cache, where that size's bin settles (ka_front_settle()), so
	 * its types reach their magazines without a size lookup.
	 */
	unsigned int slot_blk[KA_FRONT_PINNED];
};

struct ka_front_counts {
	u64 hits;			/* allocations served from the cache */
	u64 swaps;			/* loaded and spare magazines swapped */
	u64 refills, refilled;		/* trips to the instance to fill a bin, blocks got */
	u64 flushes, flushed;		/* trips back, blocks given back */
};

static inline void ka_front_counts_add(struct ka_front_counts *to,
				       const struct ka_front_counts *from)
{
	to->hits += from->hits;
	to->swaps += from->swaps;
	to->refills += from->refills;
	to->refilled += from->refilled;
	to->flushes += from->flushes;
	to->flushed += from->flushed;
}

struct ka_front {
	u8 map[KA_FRONT_SIZES];
	struct ka_front_bin bin[KA_FRONT_BINS];
	size_t bytes;			/* cached, in block sizes */
	unsigned int blocks;
	unsigned long clock;		/* counts fills */
	struct ka_front_counts n;
};

/* The block size a request of @size bytes (1..@sh->max) gets from the instance. */
static inline unsigned int ka_front_blk(const struct ka_front_shape *sh, size_t size)
{
	unsigned int blk = ALIGN(size + sh->overhead, KA_UNIT);

	return blk < sh->min_block ? sh->min_block : blk;
}

/* Whether a block of @blk bytes may be cached. */
static inline bool ka_front_holds(const struct ka_front_shape *sh, size_t blk)
{
	return blk <= sh->max_blk;
}

/* ka_front_pop() from bin @b, which holds blocks of @blk bytes. */
static __always_inline void *ka_front_pop_from(struct ka_front *f, struct ka_front_bin *b,
					       unsigned int blk)
{
	struct ka_mag *m = b->loaded;

	if (unlikely(!m || !m->count))
		return NULL;
	b->count--;
	if (b->count < b->low)
		b->low = b->count;
	f->bytes -= blk;
	f->blocks--;
	f->n.hits++;
	return m->slot[--m->count];
}

/*
 * The newest block of the loaded magazine of @blk bytes, or NULL (no bin,
 * or the loaded magazine empty: ka_front_pop_slow()); the caller holds the
 * cache.
 */
static inline void *ka_front_pop(struct ka_front *f, unsigned int blk)
{
	unsigned int i = f->map[blk / KA_UNIT];

	if (unlikely(i == KA_FRONT_NONE))
		return NULL;
	return ka_front_pop_from(f, &f->bin[i], blk);
}

/*
 * ka_front_pop() for a pinned size that knows its slot (@i, the bin a
 * fixed-size type's blocks settle in: ka_front_settle()): no size lookup,
 * only a check that the bin holds them now.
 */
static inline void *ka_front_pop_slot(struct ka_front *f, unsigned int i, unsigned int blk)
{
	struct ka_front_bin *b = &f->bin[i];

	if (unlikely(b->blk != blk))
		return NULL;
	return ka_front_pop_from(f, b, blk);
}

/*
 * Caches @ptr, a cached-state block of @blk bytes, if the loaded magazine of
 * its bin has room and the cache's byte bound allows; the caller holds the
 * cache.
 */
static inline bool ka_front_push(struct ka_front *f, unsigned int blk, void *ptr)
{
	unsigned int i = f->map[blk / KA_UNIT];
	struct ka_front_bin *b;
	struct ka_mag *m;

	if (unlikely(i == KA_FRONT_NONE))
		return false;
	b = &f->bin[i];
	m = b->loaded;
	if (unlikely(!m || m->count >= b->cap || f->bytes + blk > KA_FRONT_BYTES))
		return false;
	m->slot[m->count++] = ptr;
	b->count++;
	f->bytes += blk;
	f->blocks++;
	return true;
}

/*
 * A cached block becomes the caller's: type @tid and, with atags, tagged
 * with @origin. An allocated block's tag is its last word (instance.c), where
 * a free block keeps its footer.
 */
static inline void *ka_front_hand_out(void *ptr, unsigned int tid, unsigned long origin,
				      bool atags)
{
	struct ka_block *b = ka_payload_blk(ptr);

	ka_blk_uncache(b, tid);
	if (atags)
		*ka_blk_footer(b) = origin;
	return ptr;
}

void ka_front_shape_init(struct ka_front_shape *sh, const struct ka_instance *inst);
void ka_front_init(struct ka_front *f);
void ka_front_exit(struct ka_front *f);
void *ka_front_pop_slow(struct ka_front *f, unsigned int blk);
void ka_front_settle(struct ka_front *f, unsigned int blk, unsigned int slot);
bool ka_front_push_slow(struct ka_front *f, unsigned int blk, void *ptr);
struct ka_mag *ka_front_load_full(struct ka_front *f, unsigned int blk, struct ka_mag *full);
struct ka_mag *ka_front_unload_full(struct ka_front *f, unsigned int blk, struct ka_mag *empty);
bool ka_front_wants_full(const struct ka_front *f, unsigned int blk);
bool ka_front_both_full(const struct ka_front *f, unsigned int blk);

/* The loaded magazine of bin @blk, which must exist. */
static inline struct ka_mag *ka_front_loaded(const struct ka_front *f, unsigned int blk)
{
	return f->bin[f->map[blk / KA_UNIT]].loaded;
}

unsigned int ka_front_make_room(struct ka_front *f, const struct ka_front_shape *sh,
				unsigned int blk, void **out);
unsigned int ka_front_refill_count(unsigned int blk);
unsigned int ka_front_fill(struct ka_instance *inst, unsigned int blk, void **out, unsigned int n);
unsigned int ka_front_take_oldest(struct ka_front *f, unsigned int bin, unsigned int n,
				  void **out);
unsigned int ka_front_take_decayed(struct ka_front *f, const struct ka_front_shape *sh,
				   unsigned int bin, void **out);

#endif /* _KALLOC_FRONT_H */
