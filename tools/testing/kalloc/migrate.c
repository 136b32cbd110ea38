// SPDX-License-Identifier: GPL-2.0
/*
 * Carrier migration in the allocator core, natively and under ASan/UBSan:
 * several instances of one carrier-oriented strategy share a pool kept by
 * this program in one thread (the kernel's pool.c adds the concurrency), so
 * only the core's part is under test: detaching a carrier with its free
 * blocks, freeing into it while detached, attaching it to another instance,
 * and the rule that only the owner gives a carrier back.
 *
 * Random allocations and frees on random instances, with blocks freed by the
 * instance that employs their carrier (its owner while pooled, as in erts);
 * block contents checked, every instance checked periodically, and at the
 * end nothing may be left but the main carriers.
 *
 * A last run mixes strategies: instances change strategy as they go, as a
 * class changed in sysfs does, so carriers of several strategies live side
 * by side and migrate to instances that have used their strategy.
 *
 *   ka_migrate [-n OPS] [-s SEED]      (every carrier-oriented strategy, then mixed)
 */
#include <getopt.h>
#include <stdint.h>

#include "../../../kalloc/core/instance.h"
#include "../../../kalloc/core/check.h"

#define NINST	4
#define SLOTS	4096
#define POOL	256

static uint64_t rng = 0x6d696772617465ULL;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static struct ka_instance inst[NINST];
static struct ka_carrier *pool[POOL];
static unsigned int pooled, abandoned, fetched, homecomings, switches, errors;
static long live_bytes;

static void problem(const char *what)
{
	fprintf(stderr, "ka_migrate: %s\n", what);
	errors++;
}

static void *src_alloc(struct ka_source *s, size_t *size, unsigned int how, gfp_t gfp)
{
	void *mem;

	if (posix_memalign(&mem, KA_CARRIER_ALIGN, *size))
		return NULL;
	memset(mem, 0x5a, *size);
	live_bytes += *size;
	return mem;
}

static void src_free(struct ka_source *s, void *mem, size_t size)
{
	live_bytes -= size;
	free(mem);
}

static void src_free_holed(struct ka_source *s, struct ka_carrier *c)
{
	src_free(s, c, ka_user_unhole(c));
}

/* Pages given back become PROT_NONE: a carrier touching one crashes the run. */
static struct ka_source src = { "user", src_alloc, src_free, ka_user_give_back,
				src_free_holed };

static void pool_del(struct ka_carrier *c)
{
	unsigned int i;

	for (i = 0; i < pooled; i++)
		if (pool[i] == c) {
			pool[i] = pool[--pooled];
			return;
		}
	problem("carrier missing from the pool");
}

static void created(struct ka_instance *in, struct ka_carrier *c)
{
}

static void destroying(struct ka_instance *in, struct ka_carrier *c)
{
	if (c->home != in || ka_crr_inst(c) != in)
		problem("a carrier was given back by an instance not owning and employing it");
	if (c->used_blocks)
		problem("a carrier was given back with blocks in it");
}

static void abandon(struct ka_instance *in, struct ka_carrier *c)
{
	if (pooled == POOL)
		return;
	ka_inst_mbc_detach(in, c);
	/* pooled carriers are employed by their owner */
	c->emp = (unsigned long)c->home;
	pool[pooled++] = c;
	abandoned++;
	if (c->home != in)
		homecomings++;
}

static bool fetch(struct ka_instance *in, size_t blk)
{
	unsigned int i;

	for (i = 0; i < pooled && i < 100; i++) {
		struct ka_carrier *c = pool[i];

		/* an instance takes carriers of the strategies it has an index of */
		if (!ka_inst_index_of(in, c->ix->strat) ||
		    ka_inst_carrier_largest(c->home, c) < blk)
			continue;
		pool[i] = pool[--pooled];
		c->emp = (unsigned long)in;
		ka_inst_mbc_attach(in, c);
		fetched++;
		return true;
	}
	return false;
}

static void foreign_empty(struct ka_instance *in, struct ka_carrier *c)
{
	if (!ka_crr_detached(c) || c->home == in)
		problem("foreign-empty hook on an attached or own carrier");
	c->emp = (unsigned long)c->home;
	homecomings++;
	ka_inst_release_detached(c->home, c);
}

static const struct ka_inst_hooks hooks = {
	.carrier_created = created,
	.carrier_destroying = destroying,
	.carrier_abandon = abandon,
	.carrier_fetch = fetch,
	.carrier_foreign_empty = foreign_empty,
};

struct slot {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

static struct slot slots[SLOTS];

/* The free goes to the carrier's employer, detached or not, as the kernel routes it. */
static void free_block(struct slot *sl)
{
	struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(sl->p));
	struct ka_instance *emp = ka_crr_inst(c);
	size_t i;

	for (i = 0; i < sl->size; i++)
		if (sl->p[i] != sl->fill) {
			problem("block contents damaged");
			break;
		}
	if (!ka_crr_detached(c)) {
		ka_inst_free(emp, sl->p);
	} else if (ka_inst_free_detached(emp, sl->p)) {
		pool_del(c);
		ka_inst_release_detached(emp, c);
	}
	sl->p = NULL;
}

static void check_all(void)
{
	struct ka_check chk;
	int i;

	for (i = 0; i < NINST; i++)
		if (ka_check_instance(&inst[i], &chk)) {
			fprintf(stderr, "ka_migrate: instance %d: %s\n", i, chk.first);
			errors++;
		}
}

/* Instance @in takes a random carrier-oriented strategy, as a sysfs write makes it. */
static void switch_strategy(struct ka_instance *in, const struct ka_params *p)
{
	enum ka_as as;

	do
		as = rnd() % KA_NR_AS;
	while (!ka_strategy_get(as)->carrier_attach);
	if (ka_user_strategy_set(in, p, as))
		problem("a strategy change failed");
	switches++;
}

static int run(enum ka_as as, bool mixed, unsigned long nops)
{
	unsigned long op;
	struct ka_params p;
	int i, hot = 0;

	switches = 0;
	pooled = 0;
	abandoned = 0;
	fetched = 0;
	homecomings = 0;
	memset(slots, 0, sizeof(slots));
	ka_params_default(&p);
	p.as = as;
	p.sbct = 16 * 1024;
	p.mmbcs = 32 * 1024;
	p.smbcs = 32 * 1024;
	p.lmbcs = 128 * 1024;
	p.mbcgs = 3;
	p.acul = 60;
	p.acful = 40;
	p.blk_min = 64;		/* every carrier-oriented strategy's blocks fit */
	for (i = 0; i < NINST; i++)
		if (ka_inst_init_hooked(&inst[i], &p, &src, &src, &hooks, NULL, GFP_KERNEL))
			return 1;

	for (op = 0; op < nops && !errors; op++) {
		struct slot *sl = &slots[rnd() % SLOTS];
		/* phases: load moves between the instances, as CPU load does */
		struct ka_instance *in = &inst[rnd() % 4 ? hot : rnd() % NINST];

		if (op % 20000 == 0)
			hot = rnd() % NINST;
		if (mixed && op % 7000 == 0)
			switch_strategy(&inst[rnd() % NINST], &p);
		if (sl->p) {
			free_block(sl);
			continue;
		}
		sl->size = 1 + rnd() % (rnd() % 16 ? 700 : 12000);
		sl->p = ka_inst_alloc(in, sl->size, GFP_KERNEL);
		if (!sl->p) {
			problem("allocation failed");
			break;
		}
		sl->fill = rnd();
		memset(sl->p, sl->fill, sl->size);
		if (op % 5000 == 0)
			check_all();
	}
	check_all();
	for (i = 0; i < SLOTS; i++)
		if (slots[i].p)
			free_block(&slots[i]);
	check_all();
	if (pooled)
		problem("carriers left in the pool with every block freed");
	for (i = 0; i < NINST; i++) {
		if (inst[i].st.mbc.carriers.cur != 1)
			problem("an instance kept carriers besides its main one");
		if (ka_inst_destroy(&inst[i]))
			problem("blocks left at destroy");
	}
	if (live_bytes)
		problem("carrier memory leaked");
	if (ka_user_reports)
		problem("the allocator reported misuse on valid calls");
	printf("ka_migrate: %-10s %lu ops on %d instances: ",
	       mixed ? "mixed" : ka_strategy_get(as)->name, op, NINST);
	printf("%u abandoned, %u fetched, %u sent home", abandoned, fetched, homecomings);
	if (mixed)
		printf(", %u strategy changes", switches);
	printf(": %s\n", errors ? "FAILED" : "ok");
	return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long nops = 400000;
	int opt, as, failed = 0;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			nops = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			rng = strtoull(optarg, NULL, 0) | 1;
		else
			return 2;
	}
	ka_user_verbose = true;
	/* every strategy that keeps a free-block index per carrier */
	for (as = 0; as < KA_NR_AS; as++) {
		if (!ka_strategy_get(as)->carrier_attach)
			continue;
		errors = 0;
		failed += run(as, false, nops);
	}
	errors = 0;
	failed += run(KA_AS_AOFFCBF, true, nops);
	return failed ? 1 : 0;
}
