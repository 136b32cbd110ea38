// SPDX-License-Identifier: GPL-2.0
/*
 * Randomized stress of the allocator core, built in user space from the same
 * sources as the module. For each strategy it runs a stream of random
 * alloc/realloc/free operations over sizes that cross sbct, fills every block
 * with a pattern and checks it before the block is freed or moved, runs the
 * consistency checker periodically, injects carrier-source failures, and
 * checks that nothing leaks at the end.
 *
 * With -w N the instance changes strategy every N operations, to one drawn
 * at random, as a sysfs write changes a class's: carriers of earlier
 * strategies keep serving under theirs while new ones take the new one.
 *
 *   ka_stress [-n OPS] [-s SEED] [-a STRATEGY] [-c CHECK_EVERY] [-w N] [-j JSON]
 */
#include <getopt.h>
#include <stdint.h>

#include "../../../kalloc/core/instance.h"
#include "../../../kalloc/core/check.h"
#include "ka_front_user.h"

struct user_source {
	struct ka_source src;
	unsigned long live, calls, fail_one_in;
	uint64_t *rng;
};

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: small, fast and good enough for test streams */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void *user_alloc(struct ka_source *s, size_t *sizep, unsigned int how, gfp_t gfp)
{
	struct user_source *us = container_of(s, struct user_source, src);
	size_t size = *sizep;
	void *mem;

	us->calls++;
	if (us->fail_one_in && rng_next(us->rng) % us->fail_one_in == 0)
		return NULL;
	/* Sources may hand out more than asked, as a cached segment does. */
	if (rng_next(us->rng) % 8 == 0)
		size += 2 * KA_CARRIER_ALIGN;
	*sizep = size;
	if (posix_memalign(&mem, KA_CARRIER_ALIGN, size))
		mem = NULL;
	if (mem) {
		us->live += size;
		/* Dirty it so nothing relies on fresh memory being zero. */
		memset(mem, 0x5a, size);
	}
	return mem;
}

static void user_free(struct ka_source *s, void *mem, size_t size)
{
	struct user_source *us = container_of(s, struct user_source, src);

	us->live -= size;
	free(mem);
}

static void user_free_holed(struct ka_source *s, struct ka_carrier *c)
{
	user_free(s, c, ka_user_unhole(c));
}

struct slot {
	unsigned char *ptr;
	size_t size;
	uint64_t seed;
	unsigned int tid;
	unsigned long origin;
};

/* Pattern word for word @i of a block: position-dependent, so shifts show. */
static inline uint64_t pattern(const struct slot *sl, size_t i)
{
	return (sl->seed + i) * 0x9e3779b97f4a7c15ULL;
}

/* Byte @i of the pattern, the same byte the word writes on little endian. */
static inline unsigned char pattern_byte(const struct slot *sl, size_t i)
{
	return (unsigned char)(pattern(sl, i / 8) >> (8 * (i % 8)));
}

static void fill(struct slot *sl)
{
	size_t i, words = sl->size / 8;

	for (i = 0; i < words; i++)
		memcpy(sl->ptr + i * 8, &(uint64_t){ pattern(sl, i) }, 8);
	for (i = words * 8; i < sl->size; i++)
		sl->ptr[i] = pattern_byte(sl, i);
}

static bool intact(const struct slot *sl, size_t len)
{
	size_t i, words = len / 8;
	uint64_t w;

	for (i = 0; i < words; i++) {
		memcpy(&w, sl->ptr + i * 8, 8);
		if (w != pattern(sl, i))
			return false;
	}
	for (i = words * 8; i < len; i++)
		if (sl->ptr[i] != pattern_byte(sl, i))
			return false;
	return true;
}

/* Mostly small blocks, some medium, some large enough to cross sbct. */
static size_t random_size(uint64_t *rng, size_t sbct)
{
	unsigned int r = rng_next(rng) % 100;

	if (r < 60)
		return 1 + rng_next(rng) % 512;
	if (r < 90)
		return 1 + rng_next(rng) % 8192;
	return 1 + rng_next(rng) % (3 * sbct);
}

#define SLOTS 1500
#define BURST 200	/* blocks of one size a burst moves: several magazines */

struct run {
	unsigned long ops, allocs, reallocs, frees, failed, checks;
	u64 max_carriers, holes, holes_bytes;
	u64 swaps, loads, unloads;	/* the front cache's magazine swaps, depot trades */
	unsigned long switches;		/* strategy changes (-w) */
	bool front;
};

/*
 * A batch of one size, freed, then had again: magazines fill, swap, go to
 * the depot and come back from it. Each block is checked as the others are.
 */
static const char *one_size_run(struct ka_ufront *fc, uint64_t *rng)
{
	static struct slot b[BURST];
	size_t size = 1 + rng_next(rng) % 256;
	int round, i;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < BURST; i++) {
			b[i].tid = 1 + rng_next(rng) % KA_TID_MAX;
			b[i].ptr = ka_ufront_alloc(fc, size, b[i].tid, 0);
			if (!b[i].ptr)
				break;
			b[i].size = size;
			b[i].origin = 0;
			b[i].seed = rng_next(rng);
			fill(&b[i]);
		}
		while (i-- > 0) {
			if (!intact(&b[i], size))
				return "a block of a run of one size damaged";
			if (ka_ptr_tid(b[i].ptr) != b[i].tid)
				return "a block of a run of one size changed type";
			ka_ufront_free(fc, b[i].ptr);
		}
	}
	return NULL;
}

static int fail(const char *as, unsigned long op, const char *what)
{
	fprintf(stderr, "ka_stress: %s: operation %lu: %s\n", as, op, what);
	return 1;
}

static unsigned long switch_every;

/* A strategy change to one drawn from @rng. */
static const char *switch_strategy(struct ka_instance *inst, const struct ka_params *p,
				   uint64_t *rng)
{
	enum ka_as as = rng_next(rng) % KA_NR_AS;

	if (ka_user_strategy_set(inst, p, as))
		return "a strategy change failed";
	if (inst->p.as != as || inst->ix->strat != ka_strategy_get(as))
		return "a strategy change did not take";
	return NULL;
}

static int run_strategy(enum ka_as as, unsigned long nops, uint64_t seed,
			unsigned long check_every, struct run *r)
{
	const char *name = ka_strategy_get(as)->name;
	uint64_t rng = seed ? seed : 1;
	struct user_source seg = { { "seg", user_alloc, user_free, ka_user_give_back,
				       user_free_holed }, 0, 0, 0, &rng };
	struct user_source sys = { { "sys", user_alloc, user_free }, 0, 0, 0, &rng };
	static struct slot slots[SLOTS];
	static struct ka_ufront fc;
	struct ka_instance inst;
	struct ka_params p;
	struct ka_check chk;
	unsigned long op;
	int i;

	ka_params_default(&p);
	p.as = as;
	p.sbct = 32 * 1024;		/* small, so SBC traffic is frequent */
	p.mmbcs = 64 * 1024;
	p.smbcs = 64 * 1024;
	p.lmbcs = 512 * 1024;
	p.mbcgs = 4;
	p.ycs = 128 * 1024;
	p.mmmbc = 6;			/* then sys MBCs */
	p.mmsbc = 8;			/* then sys SBCs */
	p.asbcst = 16 * 1024;
	p.ramv = (seed & 3) == 3;	/* some seeds exercise realloc-always-moves */
	p.atags = seed & 1;		/* and half of them allocation tags */
	p.acful = 50;			/* free pages go back (PROT_NONE: a touch crashes) */
	if (switch_every)
		p.blk_min = 64;		/* the largest any strategy needs */
	if (ka_inst_init(&inst, &p, &seg.src, &sys.src, GFP_KERNEL))
		return fail(name, 0, "init failed");
	/* half the runs with a front cache in front of the instance, as in the kernel */
	ka_ufront_init(&fc, &inst, seed & 4);
	seg.fail_one_in = 97;		/* injected source failures */
	sys.fail_one_in = 89;
	memset(slots, 0, sizeof(slots));
	memset(r, 0, sizeof(*r));
	r->front = fc.sh.max > 0;

	for (op = 0; op < nops; op++) {
		struct slot *sl = &slots[rng_next(&rng) % SLOTS];
		unsigned int kind = rng_next(&rng) % 100;

		if (!sl->ptr) {
			size_t size = random_size(&rng, p.sbct);

			r->allocs++;
			sl->tid = rng_next(&rng) % (KA_TID_MAX + 1);
			sl->ptr = ka_ufront_alloc(&fc, size, sl->tid, op + 1);
			sl->origin = p.atags ? op + 1 : 0;
			if (!sl->ptr) {
				r->failed++;
				continue;
			}
			if ((uintptr_t)sl->ptr % KA_UNIT)
				return fail(name, op, "misaligned block");
			if (ka_inst_usable_size(sl->ptr) < size)
				return fail(name, op, "usable size below the request");
			sl->size = size;
			sl->seed = rng_next(&rng);
			fill(sl);
		} else if (kind < 40) {
			size_t size = random_size(&rng, p.sbct);
			unsigned char *np;

			r->reallocs++;
			if (!intact(sl, sl->size))
				return fail(name, op, "block contents damaged before realloc");
			np = ka_inst_realloc(&inst, sl->ptr, size, GFP_KERNEL);
			if (!np) {
				r->failed++;	/* the old block must be untouched */
				if (!intact(sl, sl->size))
					return fail(name, op, "failed realloc damaged the block");
				continue;
			}
			sl->ptr = np;
			if (!intact(sl, min(size, sl->size)))
				return fail(name, op, "realloc lost the contents");
			if (ka_ptr_tid(np) != sl->tid)
				return fail(name, op, "realloc lost the block's type");
			if (ka_inst_block_origin(np) != sl->origin)
				return fail(name, op, "realloc lost the block's tag");
			if (ka_inst_usable_size(np) < size)
				return fail(name, op, "usable size below the realloc request");
			sl->size = size;
			fill(sl);
		} else {
			r->frees++;
			if (!intact(sl, sl->size))
				return fail(name, op, "block contents damaged before free");
			if (ka_ptr_tid(sl->ptr) != sl->tid)
				return fail(name, op, "block's type changed");
			if (ka_inst_block_origin(sl->ptr) != sl->origin)
				return fail(name, op, "block's tag changed");
			ka_ufront_free(&fc, sl->ptr);
			sl->ptr = NULL;
		}
		if (op % 4096 == 4095)
			ka_ufront_flush(&fc, false);	/* a decay period */
		if (switch_every && op % switch_every == switch_every - 1) {
			const char *why = switch_strategy(&inst, &p, &rng);

			if (why)
				return fail(name, op, why);
			r->switches++;
		}
		if (r->front && op % 16384 == 8191) {
			const char *why = one_size_run(&fc, &rng);

			if (why)
				return fail(name, op, why);
		}
		r->max_carriers = max(r->max_carriers,
				      inst.st.mbc.carriers.cur + inst.st.sbc.carriers.cur);
		if (check_every && op % check_every == 0) {
			r->checks++;
			if (ka_check_instance(&inst, &chk))
				return fail(name, op, chk.first);
		}
	}
	r->ops = op;

	seg.fail_one_in = 0;
	sys.fail_one_in = 0;
	for (i = 0; i < SLOTS; i++) {
		if (!slots[i].ptr)
			continue;
		if (!intact(&slots[i], slots[i].size))
			return fail(name, op, "block contents damaged at the end");
		ka_ufront_free(&fc, slots[i].ptr);
	}
	r->swaps = fc.f.n.swaps;
	r->loads = fc.loads;
	r->unloads = fc.unloads;
	ka_ufront_exit(&fc);
	if (fc.f.blocks || fc.f.bytes)
		return fail(name, op, "the front cache holds blocks after a full flush");
	if (r->front && op >= 16384 && (!r->swaps || !r->loads || !r->unloads))
		return fail(name, op, "no magazine swapped or traded with the depot");
	r->checks++;
	if (ka_check_instance(&inst, &chk))
		return fail(name, op, chk.first);
	if (inst.st.mbc.carriers.cur != 1 || inst.st.sbc.carriers.cur)
		return fail(name, op, "carriers besides the main one survive an empty instance");
	r->holes = inst.st.holes_made;
	r->holes_bytes = inst.st.holes_bytes;
	if (nops >= 100000 && !r->holes)
		return fail(name, op, "no free page went back (acful 50)");
	if (ka_inst_destroy(&inst))
		return fail(name, op, "blocks still allocated at destroy");
	if (seg.live || sys.live)
		return fail(name, op, "carrier memory leaked");
	if (ka_user_reports)
		return fail(name, op, "the allocator reported misuse on valid calls");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long nops = 1000000, check_every = 1000;
	const char *only = NULL, *json = NULL;
	uint64_t seed = 0x6b616c6c6f63ULL;
	int opt, as, passed = 0, failed = 0;
	FILE *out;

	while ((opt = getopt(argc, argv, "n:s:a:c:w:j:")) != -1) {
		switch (opt) {
		case 'n':
			nops = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'a':
			only = optarg;
			break;
		case 'c':
			check_every = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			switch_every = strtoul(optarg, NULL, 0);
			break;
		case 'j':
			json = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n OPS] [-s SEED] [-a AS] [-c N] [-w N] [-j JSON]\n",
				argv[0]);
			return 2;
		}
	}
	ka_user_verbose = true;
	if (only && ka_strategy_parse(only) < 0) {
		fprintf(stderr, "ka_stress: unknown strategy '%s'\n", only);
		return 2;
	}

	for (as = 0; as < KA_NR_AS; as++) {
		const char *name = ka_strategy_get(as)->name;
		struct run r;

		if (only && strcmp(only, name))
			continue;
		if (run_strategy(as, nops, seed + as, check_every, &r)) {
			failed++;
			continue;
		}
		passed++;
		printf("ka_stress: %-10s %lu ops (alloc %lu, realloc %lu, free %lu, fail %lu), ",
		       name, r.ops, r.allocs, r.reallocs, r.frees, r.failed);
		printf("%lu checks, max %llu carriers, %llu holes of %llu KiB", r.checks,
		       (unsigned long long)r.max_carriers, (unsigned long long)r.holes,
		       (unsigned long long)r.holes_bytes >> 10);
		if (r.front)
			printf(", front cache (%llu swaps, %llu/%llu depot trades)",
			       (unsigned long long)r.swaps, (unsigned long long)r.loads,
			       (unsigned long long)r.unloads);
		if (r.switches)
			printf(", %lu strategy changes", r.switches);
		printf(": ok\n");
	}
	printf("ka_stress: %d passed, %d failed\n", passed, failed);
	if (json) {
		out = fopen(json, "w");
		if (!out)
			return 1;
		fprintf(out, "{\"passed\": %d, \"failed\": %d, \"skipped\": 0, \"problems\": []}\n",
			passed, failed);
		fclose(out);
	}
	return failed ? 1 : 0;
}
