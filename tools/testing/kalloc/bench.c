// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator core natively, against user-space allocators on the same
 * operation streams: glibc malloc, and jemalloc, mimalloc and tcmalloc when
 * their Debian libraries are installed (loaded with dlopen(), called through
 * their own entry points, so each keeps its own heap). Streams:
 *
 *	pair	alloc+free of one size, PAIRS times
 *	batch	BATCH allocs of one size, then BATCH frees, ROUNDS times
 *	xthread	one thread allocates, another frees, through a ring
 *
 * Prints ns per operation. Under valgrind --tool=callgrind (bench.sh does it
 * with -n, small counts) each stream is bracketed by client requests, so
 * callgrind's dumps give instructions per operation, the figure that repeats.
 * The core is single-threaded by design (one instance per CPU in the kernel,
 * whose cross-CPU llist path is not part of the user-space build): in the
 * xthread stream both threads share it under a mutex.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include "../../../kalloc/core/instance.h"
#include "ka_front_user.h"

static unsigned long PAIRS = 2000000, ROUNDS = 200, HANDOFFS = 1000000;
#define BATCH	512
#define RING	256

static const size_t sizes[] = { 16, 64, 256, 1024, 4096 };

struct alloc {
	const char *name;
	void *(*get)(struct alloc *a, size_t size);
	void (*put)(struct alloc *a, void *p);
	void *(*lib_malloc)(size_t size);
	void (*lib_free)(void *p);
	struct ka_instance inst;
	struct ka_ufront *fc;	/* the core behind a front cache, as in the kernel */
	pthread_mutex_t lock;	/* the core in the xthread stream */
	bool locked;
};

static void *lib_get(struct alloc *a, size_t size)
{
	return a->lib_malloc(size);
}

static void lib_put(struct alloc *a, void *p)
{
	a->lib_free(p);
}

static void *core_get(struct alloc *a, size_t size)
{
	return a->fc ? ka_ufront_alloc(a->fc, size, 0, 0) : ka_inst_alloc(&a->inst, size, 0);
}

static void core_put(struct alloc *a, void *p)
{
	if (a->fc)
		ka_ufront_free(a->fc, p);
	else
		ka_inst_free(&a->inst, p);
}

static void *ka_get(struct alloc *a, size_t size)
{
	void *p;

	if (!a->locked)
		return core_get(a, size);
	pthread_mutex_lock(&a->lock);
	p = core_get(a, size);
	pthread_mutex_unlock(&a->lock);
	return p;
}

static void ka_put(struct alloc *a, void *p)
{
	if (!a->locked) {
		core_put(a, p);
		return;
	}
	pthread_mutex_lock(&a->lock);
	core_put(a, p);
	pthread_mutex_unlock(&a->lock);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uintptr_t sink;	/* used at the end, so no pair is optimised away */
static void *batch[BATCH];

/* Runs one stream, bracketed for callgrind; ns per operation. */
static double stream_begin(void)
{
	CALLGRIND_ZERO_STATS;
	CALLGRIND_TOGGLE_COLLECT;
	return now_ns();
}

static double stream_end(double t0, unsigned long ops, const char *what, struct alloc *a,
			 size_t size)
{
	double ns = (now_ns() - t0) / ops;
	char tag[96];

	CALLGRIND_TOGGLE_COLLECT;
	snprintf(tag, sizeof(tag), "%s %zu %s %lu", what, size, a->name, ops);
	CALLGRIND_DUMP_STATS_AT(tag);
	return ns;
}

static double pair(struct alloc *a, size_t size)
{
	double t0 = stream_begin();
	unsigned long i;

	for (i = 0; i < PAIRS; i++) {
		void *p = a->get(a, size);

		sink += (uintptr_t)p;
		a->put(a, p);
	}
	return stream_end(t0, PAIRS, "pair", a, size);
}

static double batched(struct alloc *a, size_t size)
{
	double t0 = stream_begin();
	unsigned long j;
	int i;

	for (j = 0; j < ROUNDS; j++) {
		for (i = 0; i < BATCH; i++)
			batch[i] = a->get(a, size);
		for (i = 0; i < BATCH; i++)
			a->put(a, batch[i]);
	}
	return stream_end(t0, ROUNDS * 2 * BATCH, "batch", a, size);
}

struct ring {
	struct alloc *a;
	size_t size;
	void *slot[RING];
	unsigned long head, tail;	/* __atomic: producer's, consumer's */
};

static void *consumer(void *arg)
{
	struct ring *r = arg;
	unsigned long i, tail = 0;

	for (i = 0; i < HANDOFFS; i++) {
		while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail)
			sched_yield();
		r->a->put(r->a, r->slot[tail % RING]);
		__atomic_store_n(&r->tail, ++tail, __ATOMIC_RELEASE);
	}
	return NULL;
}

static double xthread(struct alloc *a, size_t size)
{
	struct ring r = { .a = a, .size = size };
	unsigned long i, head = 0;
	pthread_t t;
	double t0;

	a->locked = true;
	t0 = stream_begin();
	if (pthread_create(&t, NULL, consumer, &r))
		return -1;
	for (i = 0; i < HANDOFFS; i++) {
		void *p = a->get(a, size);

		while (head - __atomic_load_n(&r.tail, __ATOMIC_ACQUIRE) == RING)
			sched_yield();
		r.slot[head % RING] = p;
		__atomic_store_n(&r.head, ++head, __ATOMIC_RELEASE);
	}
	pthread_join(t, NULL);
	a->locked = false;
	return stream_end(t0, 2 * HANDOFFS, "xthread", a, size);
}

/* A library allocator's two entry points, if it is installed. */
static bool lib_open(const char *so, const char *m, const char *f, void **mp, void **fp)
{
	void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return false;
	*mp = dlsym(h, m);
	*fp = dlsym(h, f);
	return *mp && *fp;
}

/* Debian's jemalloc exports malloc() unprefixed; mallocx() and dallocx() are its own. */
static void *(*je_mallocx)(size_t size, int flags);
static void (*je_dallocx)(void *p, int flags);

static void *je_malloc(size_t size)
{
	return je_mallocx(size, 0);
}

static void je_free(void *p)
{
	je_dallocx(p, 0);
}

static void lib_add(struct alloc *all, int *n, const char *name, void *(*m)(size_t),
		    void (*f)(void *))
{
	all[(*n)++] = (struct alloc){ name, lib_get, lib_put, m, f };
}

int main(int argc, char **argv)
{
	static const enum ka_as core_as[] = { KA_AS_BF, KA_AS_GF, KA_AS_AF, KA_AS_AOFFCBF,
					      KA_AS_BF };
	static struct ka_ufront front;	/* for the last: bf behind a front cache */
	struct alloc all[4 + ARRAY_SIZE(core_as)] = {};
	int n = 0, i, s;

	/* jemalloc's initial-exec TLS needs room glibc gives a dlopen()ed library on request. */
	if (!getenv("GLIBC_TUNABLES")) {
		setenv("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=65536", 1);
		execv("/proc/self/exe", argv);
	}
	if (argc > 1 && !strcmp(argv[1], "-n")) {	/* small counts, for callgrind */
		PAIRS = 20000;
		ROUNDS = 4;
		HANDOFFS = 10000;
	}
	void *m, *f;

	lib_add(all, &n, "glibc", malloc, free);
	if (lib_open("libjemalloc.so.2", "mallocx", "dallocx", &m, &f)) {
		je_mallocx = m;
		je_dallocx = f;
		lib_add(all, &n, "jemalloc", je_malloc, je_free);
	}
	if (lib_open("libmimalloc.so.2", "mi_malloc", "mi_free", &m, &f))
		lib_add(all, &n, "mimalloc", m, f);
	if (lib_open("libtcmalloc_minimal.so.4", "tc_malloc", "tc_free", &m, &f))
		lib_add(all, &n, "tcmalloc", m, f);
	for (i = 0; i < ARRAY_SIZE(core_as); i++, n++) {
		struct ka_params p;

		ka_params_default(&p);
		p.as = core_as[i];
		if (ka_inst_init(&all[n].inst, &p, &ka_user_plain_source, &ka_user_plain_source, 0))
			return 1;
		all[n].name = ka_strategy_get(core_as[i])->name;
		if (i == ARRAY_SIZE(core_as) - 1) {
			ka_ufront_init(&front, &all[n].inst, true);
			all[n].fc = &front;
			all[n].name = "bf+front";
		}
		all[n].get = ka_get;
		all[n].put = ka_put;
		pthread_mutex_init(&all[n].lock, NULL);
	}

	printf("%-10s %5s %13s %13s %13s   (ns per pair, per op, per op; x: over glibc)\n",
	       "who", "size", "pair", "batch", "xthread");
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		double ref[3] = { 0 };

		for (i = 0; i < n; i++) {
			double r[3] = { pair(&all[i], sizes[s]), batched(&all[i], sizes[s]),
					xthread(&all[i], sizes[s]) };
			int k;

			printf("%-10s %5zu", all[i].name, sizes[s]);
			for (k = 0; k < 3; k++) {
				if (!i)
					ref[k] = r[k];
				printf(" %6.1f", r[k]);
				if (i)
					printf(" x%-5.2f", r[k] / ref[k]);
				else
					printf("       ");
			}
			printf("\n");
		}
	}
	ka_ufront_exit(&front);
	for (i = 0; i < n; i++)
		if (all[i].get == ka_get)
			ka_inst_destroy(&all[i].inst);
	if (!sink)
		printf("(no allocation succeeded)\n");
	return ka_user_reports || !sink ? 1 : 0;
}
