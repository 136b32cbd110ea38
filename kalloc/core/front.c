// SPDX-License-Identifier: GPL-2.0
/*
 * A front cache's shape and its batch moves: finding a bin for a block size,
 * swapping and trading its magazines, filling a bin from the instance, and
 * choosing what goes back on overflow and on decay. The caller serialises
 * the cache (per-CPU layer: its trylock) and, for ka_front_fill(), the
 * instance. front.h has the invariants.
 */
#include "front.h"

void ka_front_shape_init(struct ka_front_shape *sh, const struct ka_instance *inst)
{
	size_t max = min_t(size_t, inst->p.fcmax, KA_FRONT_MAX);

	memset(sh, 0, sizeof(*sh));
	/* Requests at or above sbct go to singleblock carriers, which are never cached. */
	if (inst->p.sbct && max >= inst->p.sbct)
		max = inst->p.sbct - 1;
	if (!max)
		return;
	sh->overhead = KA_HDR_SIZE + (inst->p.atags ? sizeof(unsigned long) : 0);
	sh->min_block = inst->min_block;
	sh->max = max;
	sh->max_blk = ka_front_blk(sh, max);
	BUILD_BUG_ON(KA_FRONT_PINNED >= KA_FRONT_BINS);
	/* The cache hands out what the instance would: the same block size. */
	WARN_ON(sh->max_blk != ka_inst_block_size(inst, max) ||
		ka_front_blk(sh, 1) != ka_inst_block_size(inst, 1));
}

void ka_front_init(struct ka_front *f)
{
	memset(f, 0, sizeof(*f));
	memset(f->map, KA_FRONT_NONE, sizeof(f->map));
}

/* Frees the magazines of an emptied cache. */
void ka_front_exit(struct ka_front *f)
{
	unsigned int i;

	for (i = 0; i < KA_FRONT_BINS; i++) {
		ka_core_free(f->bin[i].loaded);
		ka_core_free(f->bin[i].spare);
		f->bin[i].loaded = NULL;
		f->bin[i].spare = NULL;
	}
}

static struct ka_mag *mag_new(void)
{
	struct ka_mag *m = ka_core_mag_alloc(sizeof(*m));

	if (m) {
		m->next = NULL;
		m->count = 0;
		m->blk = 0;
	}
	return m;
}

static unsigned int bin_cap(unsigned int blk)
{
	return clamp_t(unsigned int, KA_FRONT_BIN_BYTES / blk, KA_FRONT_MIN_SLOTS,
		       KA_MAG_SLOTS);
}

/* Moves up to @n of @m's oldest blocks to @out; how many. */
static unsigned int mag_take_oldest(struct ka_mag *m, unsigned int n, void **out)
{
	if (!m)
		return 0;
	n = min(n, m->count);
	if (!n)
		return 0;
	memcpy(out, m->slot, n * sizeof(*out));
	memmove(m->slot, m->slot + n, (m->count - n) * sizeof(*m->slot));
	m->count -= n;
	return n;
}

static void bin_taken(struct ka_front *f, struct ka_front_bin *b, unsigned int n)
{
	b->count -= n;
	b->low = min(b->low, b->count);
	f->bytes -= (size_t)n * b->blk;
	f->blocks -= n;
}

/* Takes up to @n of the oldest blocks of bin @bin into @out (the spare's first); how many. */
unsigned int ka_front_take_oldest(struct ka_front *f, unsigned int bin, unsigned int n,
				  void **out)
{
	struct ka_front_bin *b = &f->bin[bin];
	unsigned int got;

	got = mag_take_oldest(b->spare, n, out);
	got += mag_take_oldest(b->loaded, n - got, out + got);
	bin_taken(f, b, got);
	return got;
}

static void swap_mags(struct ka_front *f, struct ka_front_bin *b)
{
	struct ka_mag *m = b->loaded;

	b->loaded = b->spare;
	b->spare = m;
	f->n.swaps++;
}

static struct ka_front_bin *bin_of(struct ka_front *f, unsigned int blk)
{
	unsigned int i = f->map[blk / KA_UNIT];

	return i == KA_FRONT_NONE ? NULL : &f->bin[i];
}

/*
 * The loaded magazine of @blk is empty: if the spare holds blocks, the two
 * swap and the newest block is popped; else NULL.
 */
void *ka_front_pop_slow(struct ka_front *f, unsigned int blk)
{
	struct ka_front_bin *b = bin_of(f, blk);

	if (!b || !b->spare || !b->spare->count)
		return NULL;
	swap_mags(f, b);
	return ka_front_pop(f, blk);
}

/*
 * The loaded magazine of @blk is full (or not there yet): the spare, empty,
 * takes its place (one is made if the bin has none) and @ptr is pushed;
 * false if that cannot be (the spare full too, no memory for a magazine, or
 * the byte bound).
 */
bool ka_front_push_slow(struct ka_front *f, unsigned int blk, void *ptr)
{
	struct ka_front_bin *b = bin_of(f, blk);

	if (!b)
		return false;
	if (!b->loaded) {
		b->loaded = mag_new();
		return ka_front_push(f, blk, ptr);
	}
	if (b->loaded->count < b->cap)
		return false;		/* the byte bound, not the magazine */
	if (!b->spare)
		b->spare = mag_new();
	if (!b->spare || b->spare->count)
		return false;
	swap_mags(f, b);
	return ka_front_push(f, blk, ptr);
}

/* Whether bin @blk has both magazines empty (an allocation would trade with the depot). */
bool ka_front_wants_full(const struct ka_front *f, unsigned int blk)
{
	unsigned int i = f->map[blk / KA_UNIT];

	return i != KA_FRONT_NONE && !f->bin[i].count;
}

/* Whether bin @blk has both magazines full (a free would trade with the depot). */
bool ka_front_both_full(const struct ka_front *f, unsigned int blk)
{
	unsigned int i = f->map[blk / KA_UNIT];
	const struct ka_front_bin *b;

	if (i == KA_FRONT_NONE)
		return false;
	b = &f->bin[i];
	return b->loaded && b->spare && b->loaded->count >= b->cap &&
	       b->spare->count >= b->cap;
}

/*
 * Makes @full, a depot's magazine of @blk blocks, the loaded magazine of a
 * bin whose magazines are both empty (ka_front_wants_full()). Returns the
 * magazine to give the depot back: the former loaded one (empty; NULL if
 * there was none), or @full itself if the cache's byte bound refuses it.
 */
struct ka_mag *ka_front_load_full(struct ka_front *f, unsigned int blk, struct ka_mag *full)
{
	struct ka_front_bin *b = bin_of(f, blk);
	struct ka_mag *old;

	if (!b || b->count || full->count > b->cap ||
	    f->bytes + (size_t)full->count * blk > KA_FRONT_BYTES)
		return full;
	old = b->loaded;
	b->loaded = full;
	b->count = full->count;
	b->filled = ++f->clock;
	f->bytes += (size_t)full->count * blk;
	f->blocks += full->count;
	return old;
}

/*
 * Gives up the loaded magazine of a bin whose magazines are both full
 * (ka_front_both_full()) for @empty, and returns it for the depot.
 */
struct ka_mag *ka_front_unload_full(struct ka_front *f, unsigned int blk, struct ka_mag *empty)
{
	struct ka_front_bin *b = bin_of(f, blk);
	struct ka_mag *full = b->loaded;

	b->loaded = empty;
	empty->count = 0;
	full->blk = blk;
	bin_taken(f, b, full->count);
	return full;
}

static bool pinned(const struct ka_front_shape *sh, unsigned int blk)
{
	return READ_ONCE(sh->pin[blk / KA_UNIT]);
}

/*
 * Moves the bin of @blk, if it has one elsewhere, to bin @slot, and
 * whatever bin @slot held to where it was: two bins trade places, blocks,
 * magazines and all, and the map follows them. The caller holds the cache.
 */
void ka_front_settle(struct ka_front *f, unsigned int blk, unsigned int slot)
{
	unsigned int i = f->map[blk / KA_UNIT];
	struct ka_front_bin tmp;

	if (i == KA_FRONT_NONE || i == slot)
		return;
	tmp = f->bin[slot];
	f->bin[slot] = f->bin[i];
	f->bin[i] = tmp;
	f->map[blk / KA_UNIT] = slot;
	if (tmp.blk)
		f->map[tmp.blk / KA_UNIT] = i;
}

/* The unpinned bin filled longest ago, among the empty ones if @empty; -1 if none. */
static int oldest_bin(struct ka_front *f, const struct ka_front_shape *sh, bool empty)
{
	int i, best = -1;

	for (i = 0; i < KA_FRONT_BINS; i++) {
		if (empty && f->bin[i].count)
			continue;
		if (!f->bin[i].blk)
			return i;
		if (pinned(sh, f->bin[i].blk))
			continue;
		if (best < 0 || f->bin[i].filled < f->bin[best].filled)
			best = i;
	}
	return best;
}

/*
 * Whose blocks go when the byte bound is reached for bin @i: the bin with
 * blocks filled longest ago, a fixed-size type's only when no other has any,
 * @i itself only when it is the last with blocks.
 */
static unsigned int byte_victim(struct ka_front *f, const struct ka_front_shape *sh,
				unsigned int i)
{
	unsigned int j, victim = i;
	bool victim_pinned = true;

	for (j = 0; j < KA_FRONT_BINS; j++) {
		bool pin;

		if (j == i || !f->bin[j].count)
			continue;
		pin = pinned(sh, f->bin[j].blk);
		if (victim == i || (victim_pinned && !pin) ||
		    (pin == victim_pinned && f->bin[j].filled < f->bin[victim].filled)) {
			victim = j;
			victim_pinned = pin;
		}
	}
	return victim;
}

static void unassign(struct ka_front *f, unsigned int bin)
{
	f->map[f->bin[bin].blk / KA_UNIT] = KA_FRONT_NONE;
	f->bin[bin].blk = 0;
}

/*
 * Makes room for one more block of @blk bytes: gives the size a bin (an
 * unused one, else the one filled longest ago, whose blocks go) and a
 * loaded magazine, then, if both magazines are full, frees the oldest half
 * of the spare and swaps, then takes the oldest halves of the bins filled
 * longest ago until the byte bound allows it. Whatever must go back to the
 * instance is in @out (room for 2 * KA_FRONT_SLOTS); how many.
 */
unsigned int ka_front_make_room(struct ka_front *f, const struct ka_front_shape *sh,
				unsigned int blk, void **out)
{
	unsigned int i = f->map[blk / KA_UNIT], n = 0, tries;
	struct ka_front_bin *b;

	if (i == KA_FRONT_NONE) {
		int v = oldest_bin(f, sh, true);

		if (v < 0)
			v = oldest_bin(f, sh, false);
		if (v < 0)		/* all pinned: cannot happen below KA_FRONT_PINNED */
			return 0;
		i = v;
		n = ka_front_take_oldest(f, i, 2 * KA_FRONT_SLOTS, out);
		if (f->bin[i].blk)
			unassign(f, i);
		b = &f->bin[i];
		b->blk = blk;
		b->cap = bin_cap(blk);
		b->low = 0;
		f->map[blk / KA_UNIT] = i;
	}
	b = &f->bin[i];
	b->filled = ++f->clock;
	if (!b->loaded)
		b->loaded = mag_new();
	if (b->loaded && b->loaded->count >= b->cap) {
		struct ka_mag *older = b->spare ? b->spare : b->loaded;
		unsigned int got = mag_take_oldest(older, b->cap / 2, out + n);

		bin_taken(f, b, got);
		n += got;
		if (b->spare)
			swap_mags(f, b);
	}
	for (tries = 0; f->bytes + blk > KA_FRONT_BYTES && tries < KA_FRONT_BINS; tries++) {
		unsigned int victim = byte_victim(f, sh, i);

		n += ka_front_take_oldest(f, victim,
					  min(DIV_ROUND_UP(f->bin[victim].count, 2),
					      2 * KA_FRONT_SLOTS - n), out + n);
		if (n == 2 * KA_FRONT_SLOTS)
			break;
	}
	return n;
}

/* Blocks one trip to the instance brings for @blk: half a bin. */
unsigned int ka_front_refill_count(unsigned int blk)
{
	return max(bin_cap(blk) / 2, 1U);
}

/*
 * Allocates up to @n blocks of @blk bytes from @inst's free blocks into
 * @out, in the cached state; how many it got. They are extras beside a
 * block the caller took with its own flags, so they never wait for memory
 * nor make a carrier. The caller serialises @inst. A free block whose
 * remainder would be too small to split off is left alone.
 */
unsigned int ka_front_fill(struct ka_instance *inst, unsigned int blk, void **out, unsigned int n)
{
	unsigned int got = 0, more;

	/*
	 * As many as each free block gives at once, and no more than the free
	 * blocks give: a carrier is made only for an allocation, which may let
	 * go of the lock for it, never for a magazine's spare blocks with
	 * interrupts off (a page-allocator block of 2 MiB asked for under the
	 * lock held them off for 40,000 to 200,000 instructions).
	 */
	while (got < n) {
		more = ka_inst_alloc_run(inst, blk, KA_F_CACHED, out + got, n - got);
		if (!more)
			break;
		got += more;
	}
	return got;
}

/*
 * Incremental decay, as jemalloc's thread-cache GC: of the blocks bin @bin
 * kept unused through the whole period (its low-water mark) three quarters
 * go back, rounded up, so an idle bin empties in a few periods and a busy
 * one keeps what it uses. Starts the bin's next period; an empty bin gives
 * up its size and frees its magazines. How many are in @out (at most
 * KA_FRONT_SLOTS).
 */
unsigned int ka_front_take_decayed(struct ka_front *f, const struct ka_front_shape *sh,
				   unsigned int bin, void **out)
{
	struct ka_front_bin *b = &f->bin[bin];
	unsigned int n;

	if (!b->blk)
		return 0;
	n = ka_front_take_oldest(f, bin, min_t(unsigned int, b->low - b->low / 4, KA_FRONT_SLOTS),
				 out);
	b->low = b->count;
	if (!b->count && !pinned(sh, b->blk)) {
		/* an idle size gives up its bin and its magazines' memory */
		unassign(f, bin);
		ka_core_free(b->loaded);
		ka_core_free(b->spare);
		b->loaded = NULL;
		b->spare = NULL;
	}
	return n;
}
