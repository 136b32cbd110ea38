// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator core natively, against glibc malloc in the same run: ns per
 * alloc+free pair and per operation of a batch, for each strategy and a few
 * sizes, with the ratio to malloc. Built without sanitizers (make ka_bench).
 */
#include <stdint.h>
#include <time.h>

#include "../../../kalloc/instance.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define PAIRS	2000000
#define BATCH	1024
#define ROUNDS	200

static void *batch[BATCH];
static uintptr_t sink;	/* used at the end, so no pair is optimised away */

struct result {
	double pair, batched;
};

static struct result run(struct ka_instance *inst, size_t size)
{
	struct result r;
	double t0;
	int i, j;

	t0 = now_ns();
	for (i = 0; i < PAIRS; i++) {
		void *p = inst ? ka_inst_alloc(inst, size, 0) : malloc(size);

		sink += (uintptr_t)p;
		if (inst)
			ka_inst_free(inst, p);
		else
			free(p);
	}
	r.pair = (now_ns() - t0) / PAIRS;
	t0 = now_ns();
	for (j = 0; j < ROUNDS; j++) {
		for (i = 0; i < BATCH; i++)
			batch[i] = inst ? ka_inst_alloc(inst, size + (i & 7) * 16, 0)
					: malloc(size + (i & 7) * 16);
		for (i = 0; i < BATCH; i++) {
			if (inst)
				ka_inst_free(inst, batch[(i * 7) % BATCH]);
			else
				free(batch[(i * 7) % BATCH]);
		}
	}
	r.batched = (now_ns() - t0) / (ROUNDS * 2.0 * BATCH);
	return r;
}

int main(void)
{
	static const size_t sizes[] = { 64, 256, 2048 };
	struct ka_source *src = &ka_user_plain_source;
	unsigned int s, as;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct result m = run(NULL, sizes[s]);

		printf("size %4zu %-11s pair %6.1f ns            batch %6.1f ns/op\n", sizes[s],
		       "glibc", m.pair, m.batched);
		for (as = 0; as < KA_NR_AS; as++) {
			struct ka_instance inst;
			struct ka_params p;
			struct result r;

			ka_params_default(&p);
			p.as = as;
			if (ka_inst_init(&inst, &p, src, src, 0))
				return 1;
			r = run(&inst, sizes[s]);
			printf("size %4zu %-11s pair %6.1f ns (x%.2f) batch %6.1f ns/op (x%.2f)\n",
			       sizes[s], ka_strategy_get(as)->name, r.pair, r.pair / m.pair,
			       r.batched, r.batched / m.batched);
			ka_inst_destroy(&inst);
		}
	}
	if (!sink)
		printf("(no allocation succeeded)\n");
	return ka_user_reports || !sink ? 1 : 0;
}
