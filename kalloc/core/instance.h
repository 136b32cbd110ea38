/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An allocator instance: its carriers, its free-block index and its
 * statistics. The instance does no locking of its own; whoever owns it
 * (one CPU, or a test) serialises its calls.
 */
#ifndef _KALLOC_INSTANCE_H
#define _KALLOC_INSTANCE_H

#include "carrier.h"
#include "strategy/strategy.h"

/* Requests above this get NULL; matches KA_MAX_SIZE of include/kalloc.h. */
#define KA_MAX_REQUEST	((size_t)1 << 29)
#define KA_UNLIMITED	(~0U)
/* Largest request a front cache may hold (front.h): fcmax's upper bound. */
#define KA_FRONT_MAX	4096

/**
 * struct ka_source - where carriers come from
 * @name: for statistics
 * @alloc: at least *@size bytes aligned to KA_CARRIER_ALIGN, or NULL; sets
 *	*@size to what it gave (a cached or rounded segment may be larger);
 *	@how: KA_SRC_SBC for a singleblock carrier, KA_SRC_DIRECT for memory
 *	of the direct map only (no vmalloc memory, new or cached); honours @gfp
 * @free: give back what @alloc returned, with the size it set
 * @give_back: optional; the whole pages [@start, @end) inside carrier @c go
 *	back to the system now and for good (hole.h); false, changing nothing,
 *	if @c's memory cannot do that. Called under the instance's lock.
 * @free_holed: required with @give_back; give back empty carrier @c, some
 *	of whose pages went back through @give_back: only the rest
 *	(ka_hole_kept_next())
 */
#define KA_SRC_SBC		0x1U
#define KA_SRC_DIRECT		0x2U

struct ka_source {
	const char *name;
	void *(*alloc)(struct ka_source *src, size_t *size, unsigned int how, gfp_t gfp);
	void (*free)(struct ka_source *src, void *mem, size_t size);
	bool (*give_back)(struct ka_source *src, struct ka_carrier *c, unsigned long start,
			  unsigned long end);
	void (*free_holed)(struct ka_source *src, struct ka_carrier *c);
};

/* The erts_alloc parameters of one allocator; sizes in bytes. */
struct ka_params {
	enum ka_as as;
	size_t sbct;		/* requests of at least this go to an SBC */
	size_t mmbcs;		/* main MBC, from sys, made on first use; 0: none */
	size_t smbcs, lmbcs;	/* smallest and largest segment MBC */
	unsigned int mbcgs;	/* MBC growth stages */
	size_t ycs;		/* sys carriers are multiples of this */
	unsigned int mbsd;	/* gf search depth */
	bool ramv;		/* realloc always moves */
	bool atags;		/* each block ends with a tag word: who allocated it */
	unsigned int rmbcmt;	/* % freed by an MBC shrink above which it moves */
	unsigned int rsbcmt;	/* % unused above which a shrunk SBC block moves to an MBC */
	unsigned int rsbcst;	/* % unused below which an SBC is not shrunk ... */
	size_t asbcst;		/* ... if also below this many bytes */
	unsigned int mmmbc;	/* segment MBCs before sys takes over */
	unsigned int mmsbc;	/* segment SBCs before sys takes over */
	unsigned int acul;	/* % utilization at or below which MBCs are abandoned; 0: never */
	size_t acfml;		/* ... if their largest free block is at least this */
	unsigned int acnl;	/* ... while fewer of the owner's carriers are pooled */
	unsigned int acful;	/* % below which free pages would go back (no source can) */
	size_t fcmax;		/* largest request a per-CPU front cache holds; 0: none */
	bool dmap;		/* carriers in the direct map only: no vmalloc memory */
	size_t blk_min;		/* no block smaller, whatever the strategy; 0: the strategy's */
};

struct ka_stat {
	u64 cur;
	u64 last_max;		/* max since the statistics were last read */
	u64 max;		/* max ever */
};

static inline void ka_stat_add(struct ka_stat *s, u64 delta)
{
	s->cur += delta;
	if (s->cur > s->last_max)
		s->last_max = s->cur;
	if (s->cur > s->max)
		s->max = s->cur;
}

static inline void ka_stat_sub(struct ka_stat *s, u64 delta)
{
	s->cur -= delta;
}

struct ka_carrier_stats {
	struct ka_stat blocks, blocks_size, carriers, carriers_size;
	struct ka_stat given_back;	/* of carriers_size: pages gone back (hole.h) */
	u64 src_carriers[KA_NR_SRC], src_carriers_size[KA_NR_SRC];
};

struct ka_inst_stats {
	struct ka_carrier_stats mbc, sbc;
	u64 alloc_calls, free_calls, realloc_calls;
	u64 src_creates[KA_NR_SRC], src_destroys[KA_NR_SRC];
	u64 holes_made, holes_bytes;	/* pages given back: holes, bytes, ever */
	u64 sweep_steps;		/* blocks sweeps visited, ever */
};

/**
 * struct ka_inst_hooks - what the layer owning an instance learns of carriers
 * @carrier_created: @c has its header and is about to take blocks
 * @carrier_destroying: @c is about to go back to its source
 * @carrier_abandon: @c meets the instance's abandon conditions (acul, acfml,
 *	not the main carrier, not while allocation ramps up); the layer may
 *	detach it (ka_inst_mbc_detach()) into its carrier pool. Optional.
 * @carrier_fetch: the instance needs a carrier with a free block of @blk
 *	bytes; the layer may attach one from its pool (ka_inst_mbc_attach())
 *	and return true. Optional.
 * @carrier_foreign_empty: @c, owned by another instance, has become empty
 *	and was detached; the layer sends it to its owner. Required with a pool.
 * @main_empty: the last block of the main carrier was freed; the layer may
 *	give the carrier back later (ka_inst_release_main()). Optional.
 * @block_moved: a resize copied block @p elsewhere and is about to free it:
 *	its last moment as the caller's, before its carrier may go. Optional.
 */
struct ka_inst_hooks {
	void (*carrier_created)(struct ka_instance *inst, struct ka_carrier *c);
	void (*carrier_destroying)(struct ka_instance *inst, struct ka_carrier *c);
	void (*carrier_abandon)(struct ka_instance *inst, struct ka_carrier *c);
	bool (*carrier_fetch)(struct ka_instance *inst, size_t blk);
	void (*carrier_foreign_empty)(struct ka_instance *inst, struct ka_carrier *c);
	void (*main_empty)(struct ka_instance *inst);
	void (*block_moved)(struct ka_instance *inst, void *p);
};

/*
 * The free blocks of an instance's multiblock carriers of one strategy.
 * Each MBC points at the index of its strategy in the instance employing
 * it, so a block freed into it goes to the right index at no extra cost.
 * An instance starts with one index; a strategy change adds one for the
 * new strategy, and carriers made before keep theirs until they go.
 * Indexes are freed only with the instance: carriers detached into the
 * pool still point at the one they left, and a carrier of a strategy met
 * before finds its index again.
 */
struct ka_index {
	const struct ka_strategy *strat;
	struct ka_index *older;		/* the instance's next index, if any */
	bool owned;			/* allocated by the core, freed with the instance */
	unsigned long mem[];		/* the strategy's state: strat->index_size bytes */
};

/* Free block @b of MBC @c into the index @c belongs to, or out of it. */
static inline void ka_ix_insert(struct ka_carrier *c, struct ka_block *b)
{
	c->ix->strat->insert(c->ix->mem, c, b);
}

static inline void ka_ix_remove(struct ka_carrier *c, struct ka_block *b)
{
	c->ix->strat->remove(c->ix->mem, c, b);
}

struct ka_instance {
	const struct ka_inst_hooks *hooks;	/* may be NULL */
	struct ka_index *ix;		/* where new carriers go: strategy p.as; then older ones */
	struct ka_params p;
	size_t min_block;		/* every strategy indexed here takes blocks this small */
	struct ka_source *src[KA_NR_SRC];
	struct list_head mbcs, sbcs;
	struct ka_carrier *main;
	unsigned int abandon_holdoff;	/* no abandoning while allocation ramps up */
	unsigned int lean;		/* carriers still to make small after a failure */
	size_t copy_limit;		/* a realloc copies at most this much itself */
	struct ka_inst_stats st;
};

void ka_params_default(struct ka_params *p);
/*
 * Sets up an instance with no carrier: the main carrier comes with the first
 * allocation. Its strategy's index goes in @idx, ka_inst_index_size() bytes
 * of the caller's, or, with @idx NULL, in memory allocated with @gfp.
 */
int ka_inst_init_hooked(struct ka_instance *inst, const struct ka_params *p,
			struct ka_source *seg, struct ka_source *sys,
			const struct ka_inst_hooks *hooks, void *idx, gfp_t gfp);
size_t ka_inst_index_size(const struct ka_params *p);
/*
 * New parameters for an instance in use, under its owner's lock: each acts
 * from the next operation that reads it. The strategy (ka_inst_strategy_set())
 * and allocation tags stay: every block's layout was made for the tags.
 */
void ka_inst_params_set(struct ka_instance *inst, const struct ka_params *p);

/*
 * A strategy change, in two steps because the index memory must come from
 * where the caller may sleep. ka_inst_index_new() makes an empty index of
 * strategy @p->as for @inst's parameters @p; ka_inst_strategy_set(), under
 * the owner's lock, makes @as the strategy of every MBC made from then on,
 * using the instance's index of @as if it has one, else *@spare (set to
 * NULL when used). The caller frees an unused spare (ka_inst_index_free()).
 * Carriers already there keep their strategy and index until they go.
 * -EINVAL if @as indexes blocks larger than the instance's smallest or,
 * with carrier migration, keeps no index per carrier; -ENOMEM without an
 * index to use.
 */
struct ka_index *ka_inst_index_new(const struct ka_params *p, gfp_t gfp);
void ka_inst_index_free(struct ka_index *ix);
int ka_inst_strategy_set(struct ka_instance *inst, enum ka_as as, struct ka_index **spare);
/* @inst's index of strategy @strat, or NULL. */
struct ka_index *ka_inst_index_of(const struct ka_instance *inst,
				  const struct ka_strategy *strat);
/* Bytes of index memory the core allocated for @inst (not the caller's @idx). */
size_t ka_inst_index_bytes(const struct ka_instance *inst);

static inline int ka_inst_init(struct ka_instance *inst, const struct ka_params *p,
			       struct ka_source *seg, struct ka_source *sys, gfp_t gfp)
{
	return ka_inst_init_hooked(inst, p, seg, sys, NULL, NULL, gfp);
}

/*
 * Gives the main carrier back if no block lives in it; the next allocation
 * that needs a carrier makes it again. True if it went.
 */
bool ka_inst_release_main(struct ka_instance *inst);

size_t ka_inst_destroy(struct ka_instance *inst);

/*
 * A block whose payload is aligned to @align (a power of two up to
 * KA_ALIGN_MAX), for types whose objects ask for more than KA_UNIT.
 */
#define KA_ALIGN_MAX		4096UL
void *ka_inst_alloc_aligned(struct ka_instance *inst, size_t size, size_t align,
			    unsigned int tid, unsigned long origin, gfp_t gfp);
void *ka_inst_alloc_tagged(struct ka_instance *inst, size_t size, unsigned int tid,
			   unsigned long origin, gfp_t gfp);

static inline void *ka_inst_alloc_tid(struct ka_instance *inst, size_t size, unsigned int tid,
				      gfp_t gfp)
{
	return ka_inst_alloc_tagged(inst, size, tid, 0, gfp);
}

void ka_inst_free(struct ka_instance *inst, void *ptr);
unsigned int ka_inst_alloc_run(struct ka_instance *inst, size_t blk, unsigned long state,
			       void **out, unsigned int n);

/* An untyped block (type id 0). */
static inline void *ka_inst_alloc(struct ka_instance *inst, size_t size, gfp_t gfp)
{
	return ka_inst_alloc_tid(inst, size, 0, gfp);
}

void *ka_inst_realloc(struct ka_instance *inst, void *ptr, size_t size, gfp_t gfp);

/*
 * ka_inst_realloc() for a caller that copies outside its lock: a resize in
 * place, or a move copying at most KA_COPY_IN_PLACE bytes, is done; a larger
 * move returns KA_RESIZE_MOVE (the caller allocates, copies and frees) or
 * KA_RESIZE_MAY_MOVE (a shrink the block also survives where it is).
 */
#define KA_COPY_IN_PLACE	4096
#define KA_RESIZE_MOVE		((void *)1)
#define KA_RESIZE_MAY_MOVE	((void *)2)
void *ka_inst_resize(struct ka_instance *inst, void *ptr, size_t size, gfp_t gfp);

/* Bytes the caller may use at @ptr (at least what was asked). */
size_t ka_inst_usable_size(const void *ptr);
/* init_on_free=1: the usable bytes of the block at @ptr wiped as it is freed, as kmalloc's are. */
void ka_inst_wipe(void *ptr);
/* The allocation tag (origin) of the block at @ptr; 0 without atags. */
unsigned long ka_inst_block_origin(const void *ptr);

/* Size of the MBC block a request of @size bytes takes. */
size_t ka_inst_block_size(const struct ka_instance *inst, size_t size);
/* Records @origin in the tag of the block at @ptr (nothing without atags). */
void ka_inst_set_origin(const struct ka_instance *inst, void *ptr, unsigned long origin);

/* The allocation type id stored in the block at @ptr. */
static inline unsigned int ka_ptr_tid(const void *ptr)
{
	return ka_blk_tid(ka_payload_blk(ptr));
}

/* The instance a block belongs to, in O(1). */
struct ka_instance *ka_ptr_instance(const void *ptr);

/* Restarts each "max since the last reset" at the current value. */
void ka_inst_last_max_reset(struct ka_instance *inst);

/*
 * Carrier migration, for the layer that runs a carrier pool. A detached MBC
 * keeps its free blocks in its own index (carrier-oriented strategies only)
 * and counts in no instance's statistics; only its employer touches it.
 */
static inline bool ka_inst_can_migrate(const struct ka_instance *inst)
{
	return inst->p.acul && inst->ix->strat->carrier_attach;
}

void ka_inst_mbc_detach(struct ka_instance *inst, struct ka_carrier *c);
void ka_inst_mbc_attach(struct ka_instance *inst, struct ka_carrier *c);
bool ka_inst_free_detached(struct ka_instance *inst, void *ptr);
void ka_inst_release_detached(struct ka_instance *inst, struct ka_carrier *c);
/*
 * Work done per hold of an instance's lock by anything that walks carriers
 * or their blocks (views, sweeps, retiring): a block visited is one unit, a
 * page given back KA_PAGE_WORK, a carrier stepped over one, one offered to
 * the pool or taken out of it 32. With KA_HOLD_WORK a hold stays within a
 * few tens of thousands of instructions whatever the instance holds
 * (Documentation/locking.rst); the walk resumes where it stopped.
 */
#define KA_HOLD_WORK		512U
#define KA_PAGE_WORK		2U

/*
 * Changes when a free or an allocation did more than its own block's work
 * (swept, gave pages back, made or released a carrier): a caller freeing
 * many blocks under the lock lets go after such a one.
 */
static inline u64 ka_inst_heavy_work(const struct ka_instance *inst)
{
	return inst->st.holes_bytes + inst->st.sweep_steps + inst->st.mbc.carriers.cur +
	       inst->st.sbc.carriers.cur;
}

/*
 * A cursor: a walker's place in an instance's carrier list (mbcs or sbcs)
 * kept across holds of its lock. It is a carrier header marked
 * KA_CRR_CURSOR sitting in the list, after the carrier last returned;
 * carriers come and go around it, and every walker of the lists steps over
 * cursors. Only under the lock, but init; done takes it out of the list.
 */
void ka_crr_cursor_init(struct ka_carrier *cur);
struct ka_carrier *ka_crr_cursor_next(struct list_head *list, struct ka_carrier *cur);
struct ka_carrier *ka_crr_cursor_current(struct list_head *list, struct ka_carrier *cur);
void ka_crr_cursor_done(struct ka_carrier *cur);

/*
 * The instance's CPU went offline: give up what can go (instance.c), at
 * most about KA_HOLD_WORK per call; true while there is more.
 */
bool ka_inst_retire(struct ka_instance *inst, struct ka_carrier *cur);
size_t ka_inst_carrier_largest(struct ka_instance *inst, struct ka_carrier *c);

#endif /* _KALLOC_INSTANCE_H */
