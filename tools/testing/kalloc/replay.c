// SPDX-License-Identifier: GPL-2.0
/*
 * ka_replay: drives the allocator core through a recorded allocation stream
 * (tools/kalloc-record; Documentation/replay.rst) under one configuration,
 * or computes SLUB's footprint for it from the slab geometry the stream
 * carries. One instance per CPU of the stream, each with a front cache as
 * the kernel's per-CPU layer keeps one; a block goes back to the instance
 * that owns its carrier (the kernel queues it there), and front caches decay
 * once per second of stream time. No carrier pool: acul is not modelled.
 * The kernel's decay work keeps its own phase against the stream, and a
 * workload's peak can move by a carrier with it: -p plays another phase.
 *
 * usage: ka_replay [-S] [-1] [-o 'OPTS'] [-t SERIES.csv] [-e EVERY] [-p MS] < STREAM
 *   -S        SLUB's model instead of kalloc
 *   -1        every event on one CPU's instance (as the guest's REPLAY does)
 *   -o OPTS   erts-style options for the replayed class: "+M<L><param> <value>"
 *             or "<param>=<value>" (as, sbct, mmbcs, smbcs, lmbcs in KiB,
 *             mbcgs, acful, rmbcmt, ramv, atags, fc 0|1)
 *   -t FILE   memory over time: "event t_us carriers resident blocks used"
 *   -e EVERY  a line of the series every EVERY events (default 1000)
 *   -p MS     the decay's phase: each decay MS (0 .. 999) milliseconds later
 *             than by default (the first at the stream's first second)
 * Prints one "key value ..." line of results.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../../kalloc/core/hole.h"
#include "../../../kalloc/core/instance.h"
#include "ka_front_user.h"

#define MAX_CPUS	64
#define DECAY_US	1000000ULL

struct src {
	struct ka_source s;
	unsigned long created;
};

static void *src_alloc(struct ka_source *s, size_t *size, unsigned int how, gfp_t gfp)
{
	void *mem;

	if (posix_memalign(&mem, KA_CARRIER_ALIGN, *size))
		return NULL;
	container_of(s, struct src, s)->created++;
	return mem;
}

static void src_free(struct ka_source *s, void *mem, size_t size)
{
	free(mem);
}

/* Pages "go back" only in the figures: the replay never touches a hole. */
static bool src_give_back(struct ka_source *s, struct ka_carrier *c, unsigned long start,
			  unsigned long end)
{
	return true;
}

static void src_free_holed(struct ka_source *s, struct ka_carrier *c)
{
	free(c);
}

struct cpu {
	struct ka_instance inst;
	struct ka_ufront fc;
	struct src seg, sys;
	bool on;
};

static struct cpu cpus[MAX_CPUS];
static struct ka_params params;
static bool front_on = true;

/* Live blocks by stream id. */
struct live {
	void *ptr;
	size_t size;		/* asked for */
	size_t slub;		/* SLUB's object size */
	unsigned int slab;	/* SLUB model: index of its slab */
};

static struct live *live;
static size_t nlive_max;

static struct live *live_at(unsigned long id)
{
	if (id >= nlive_max) {
		size_t n = nlive_max ? nlive_max : 1 << 16;

		while (n <= id)
			n *= 2;
		live = realloc(live, n * sizeof(*live));
		if (!live)
			abort();
		memset(live + nlive_max, 0, (n - nlive_max) * sizeof(*live));
		nlive_max = n;
	}
	return &live[id];
}

static int set_param(const char *name, const char *val)
{
	unsigned long v = strtoul(val, NULL, 0);

	if (!strcmp(name, "as")) {
		int as;

		for (as = 0; as < KA_NR_AS; as++)
			if (!strcmp(ka_strategy_get(as)->name, val))
				break;
		if (as == KA_NR_AS)
			return -EINVAL;
		params.as = as;
	} else if (!strcmp(name, "sbct")) {
		params.sbct = v * 1024;
	} else if (!strcmp(name, "mmbcs")) {
		params.mmbcs = v * 1024;
	} else if (!strcmp(name, "smbcs")) {
		params.smbcs = v * 1024;
	} else if (!strcmp(name, "lmbcs")) {
		params.lmbcs = v * 1024;
	} else if (!strcmp(name, "mbcgs")) {
		params.mbcgs = v;
	} else if (!strcmp(name, "acful")) {
		params.acful = v;
	} else if (!strcmp(name, "acul")) {
		params.acul = v;	/* no pool here: only acful's cap */
	} else if (!strcmp(name, "rmbcmt")) {
		params.rmbcmt = v;
	} else if (!strcmp(name, "ramv")) {
		params.ramv = v;
	} else if (!strcmp(name, "atags")) {
		params.atags = v;
	} else if (!strcmp(name, "fc")) {
		front_on = v;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* "+MDsbct 512 +MDas bf" or "sbct=512 as=bf". */
static int parse_opts(char *s)
{
	char *tok, *save = NULL, *val;

	for (tok = strtok_r(s, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		val = strchr(tok, '=');
		if (tok[0] == '+' && tok[1] == 'M' && tok[2] && tok[3]) {
			val = strtok_r(NULL, " \t", &save);
			if (!val || set_param(tok + 3, val))
				return -EINVAL;
		} else if (val) {
			*val++ = '\0';
			if (set_param(tok, val))
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

static struct cpu *cpu_of(unsigned int n)
{
	struct cpu *c = &cpus[n % MAX_CPUS];

	if (!c->on) {
		c->seg.s = (struct ka_source){ "seg", src_alloc, src_free, src_give_back,
					       src_free_holed };
		c->sys.s = (struct ka_source){ "sys", src_alloc, src_free };
		if (ka_inst_init(&c->inst, &params, &c->seg.s, &c->sys.s, GFP_KERNEL))
			abort();
		ka_ufront_init(&c->fc, &c->inst, front_on);
		c->on = true;
	}
	return c;
}

struct fig {
	double carriers, resident, blocks, used;
};

static struct fig now_kalloc(void)
{
	struct fig f = { 0 };
	int i;

	for (i = 0; i < MAX_CPUS; i++) {
		const struct ka_inst_stats *st = &cpus[i].inst.st;

		if (!cpus[i].on)
			continue;
		f.carriers += st->mbc.carriers_size.cur + st->sbc.carriers_size.cur;
		f.resident += st->mbc.carriers_size.cur + st->sbc.carriers_size.cur -
			      st->mbc.given_back.cur;
		f.blocks += st->mbc.blocks_size.cur + st->sbc.blocks_size.cur;
	}
	return f;
}

/* ---- SLUB's model ---- */

/*
 * Each object size the stream's bytes_alloc names is a cache with the slab
 * geometry the guest reported (objects per slab, order); an object goes to
 * the cache's newest slab with room, else to a new slab, and a slab that
 * empties is freed at once (SLUB keeps a few: this is a lower bound).
 * Objects above 8 KiB are pages of their own (kmalloc's large path).
 */
struct cache {
	size_t size;
	unsigned int objs, order;
	unsigned int *slab_used;	/* per slab; slabs are never moved */
	unsigned int nslabs, cap, newest;
	size_t live_slabs;
};

static struct cache caches[512];
static unsigned int ncaches;
static double slub_held;

struct geom {
	size_t size;
	unsigned int objs, order;
};

static struct geom geoms[1024];
static unsigned int ngeoms;

static struct cache *cache_for(size_t size)
{
	unsigned int i, objs = 0, order = 0;

	for (i = 0; i < ncaches; i++)
		if (caches[i].size == size)
			return &caches[i];
	for (i = 0; i < ngeoms; i++)
		if (geoms[i].size == size) {
			objs = geoms[i].objs;
			order = geoms[i].order;
			break;
		}
	if (!objs) {		/* not reported: one page's worth, as small caches have */
		order = size > PAGE_SIZE / 4 ? 3 : 0;
		objs = (PAGE_SIZE << order) / size;
	}
	if (ncaches == ARRAY_SIZE(caches))
		abort();
	caches[ncaches] = (struct cache){ .size = size, .objs = objs, .order = order };
	return &caches[ncaches++];
}

static unsigned int slub_order_pages(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void slub_alloc(struct live *l)
{
	struct cache *c;
	unsigned int i;

	if (l->slub > 2 * PAGE_SIZE) {
		slub_held += PAGE_SIZE << slub_order_pages(l->slub);
		return;
	}
	c = cache_for(l->slub);
	if (c->newest < c->nslabs && c->slab_used[c->newest] && c->slab_used[c->newest] < c->objs) {
		i = c->newest;
	} else {
		for (i = 0; i < c->nslabs; i++)
			if (c->slab_used[i] && c->slab_used[i] < c->objs)
				break;
		if (i == c->nslabs) {
			for (i = 0; i < c->nslabs && c->slab_used[i]; i++)
				;
			if (i == c->nslabs) {
				if (c->nslabs == c->cap) {
					c->cap = c->cap ? 2 * c->cap : 64;
					c->slab_used = realloc(c->slab_used,
							       c->cap * sizeof(*c->slab_used));
					if (!c->slab_used)
						abort();
				}
				c->slab_used[c->nslabs++] = 0;
			}
			slub_held += PAGE_SIZE << c->order;
		}
	}
	c->slab_used[i]++;
	c->newest = i;
	l->slab = i;
}

static void slub_free(struct live *l)
{
	struct cache *c;

	if (l->slub > 2 * PAGE_SIZE) {
		slub_held -= PAGE_SIZE << slub_order_pages(l->slub);
		return;
	}
	c = cache_for(l->slub);
	if (!--c->slab_used[l->slab])
		slub_held -= PAGE_SIZE << c->order;
}

/* An "s NAME SLAB_SIZE OBJS_PER_SLAB ORDER" line: SLUB's geometry. */
static void add_geom(const char *line)
{
	struct geom *g = &geoms[ngeoms];
	char name[128];

	if (ngeoms < ARRAY_SIZE(geoms) &&
	    sscanf(line, "s %127s %zu %u %u", name, &g->size, &g->objs, &g->order) == 4)
		ngeoms++;
}

int main(int argc, char **argv)
{
	unsigned long long t_us = 0, next_decay = 0, events = 0, allocs = 0, frees = 0;
	unsigned long long skipped = 0, every = 1000, id, cpu;
	double used = 0, sum_c = 0, sum_r = 0, sum_u = 0, n_samples = 0;
	struct fig peak = { 0 }, f;
	const char *series = NULL;
	struct timespec t0, t1;
	FILE *out = NULL;
	char line[512], kind[8], site[256], *opts = NULL;
	size_t size, alloc_size;
	bool slub = false, one_cpu = false;
	unsigned long phase_ms = 0;
	int opt, i;

	ka_params_default(&params);
	while ((opt = getopt(argc, argv, "S1o:t:e:p:")) != -1) {
		switch (opt) {
		case 'S':
			slub = true;
			break;
		case '1':
			one_cpu = true;
			break;
		case 'o':
			opts = strdup(optarg);
			break;
		case 't':
			series = optarg;
			break;
		case 'e':
			every = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			phase_ms = strtoul(optarg, NULL, 0);
			if (phase_ms >= DECAY_US / 1000) {
				fprintf(stderr, "ka_replay: -p %s: 0 .. 999 ms\n", optarg);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: %s [-S] [-1] [-o OPTS] [-t SERIES]", argv[0]);
			fprintf(stderr, " [-e EVERY] [-p MS] < STREAM\n");
			return 2;
		}
	}
	if (opts) {
		char *copy = strdup(opts);

		if (!copy || parse_opts(copy)) {
			fprintf(stderr, "ka_replay: bad options '%s'\n", opts);
			return 2;
		}
		free(copy);
	}
	if (series) {
		out = fopen(series, "w");
		if (!out) {
			perror(series);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (fgets(line, sizeof(line), stdin)) {
		struct live *l;

		if (line[0] == 's') {
			add_geom(line);
			continue;
		}
		if (line[0] == 'a' && sscanf(line, "a %llu %llu %llu %zu %zu %7s %255s", &t_us,
					     &cpu, &id, &size, &alloc_size, kind, site) == 7) {
			l = live_at(id);
			if (!size || size > KA_MAX_REQUEST) {
				skipped++;
				continue;
			}
			l->size = size;
			l->slub = alloc_size ? alloc_size : size;
			if (slub) {
				l->ptr = l;
				slub_alloc(l);
			} else {
				struct cpu *c = cpu_of(one_cpu ? 0 : cpu);

				l->ptr = ka_ufront_alloc(&c->fc, size, 0, 0);
				if (!l->ptr)
					abort();
			}
			used += size;
			allocs++;
		} else if (line[0] == 'f' &&
			   sscanf(line, "f %llu %llu %llu", &t_us, &cpu, &id) == 3) {
			l = live_at(id);
			if (!l->ptr) {
				skipped++;
				continue;
			}
			if (slub) {
				slub_free(l);
			} else {
				struct ka_instance *owner = ka_ptr_instance(l->ptr);

				ka_ufront_free(&container_of(owner, struct cpu, inst)->fc, l->ptr);
			}
			used -= l->size;
			l->ptr = NULL;
			frees++;
		} else {
			continue;
		}
		/* the first decay at the stream's first second, or its first event after it */
		if (!events++)
			next_decay = (t_us > DECAY_US ? t_us : DECAY_US) + phase_ms * 1000;
		if (!slub && t_us >= next_decay) {
			for (i = 0; i < MAX_CPUS; i++)
				if (cpus[i].on)
					ka_ufront_flush(&cpus[i].fc, false);
			next_decay = t_us + DECAY_US;
		}
		if (events % every)
			continue;
		if (slub)
			f = (struct fig){ slub_held, slub_held, slub_held, used };
		else
			f = now_kalloc();
		f.used = used;
		peak.carriers = f.carriers > peak.carriers ? f.carriers : peak.carriers;
		peak.resident = f.resident > peak.resident ? f.resident : peak.resident;
		peak.used = used > peak.used ? used : peak.used;
		sum_c += f.carriers;
		sum_r += f.resident;
		sum_u += used;
		n_samples++;
		if (out)
			fprintf(out, "%llu %llu %.0f %.0f %.0f %.0f\n", events, t_us, f.carriers,
				f.resident, f.blocks, used);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (out)
		fclose(out);
	if (!n_samples)
		n_samples = 1;
	{
		unsigned long created = 0;

		for (i = 0; i < MAX_CPUS; i++)
			created += cpus[i].seg.created + cpus[i].sys.created;
		printf("model %s events %llu allocs %llu frees %llu skipped %llu",
		       slub ? "slub" : "kalloc", events, allocs, frees, skipped);
		printf(" peak_held %.0f avg_held %.0f peak_carriers %.0f avg_carriers %.0f",
		       peak.resident, sum_r / n_samples, peak.carriers, sum_c / n_samples);
		printf(" peak_used %.0f avg_used %.0f avg_util %.1f carriers_created %lu",
		       peak.used, sum_u / n_samples, sum_r ? 100.0 * sum_u / sum_r : 0, created);
		printf(" ns_per_op %.1f\n",
		       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
		       (events ? events : 1));
	}
	return 0;
}
