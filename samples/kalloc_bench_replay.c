// SPDX-License-Identifier: GPL-2.0
/*
 * REPLAY of `make bench` (only=REPLAY): plays a recorded allocation stream
 * (tools/kalloc-record, Documentation/replay.rst) through kalloc in the
 * guest, every event on one CPU, with a type of the std class, and prints
 * the memory the class holds (its resident_size), sampled every @every
 * events, so that the advice tools/kalloc-replay gives offline can be
 * checked against the module itself (scripts/replay-check.sh).
 *
 * One run's peak moves by a carrier now and then (the decay works on the
 * guest's clock, not the stream's), so the stream plays @runs times, each
 * in the stream's own time (@paced) and from the state the first started
 * in (settle_class()), and the figures are those of the median peak's run:
 *
 *	R REPLAY.peak_held 0 std <KiB>
 *	R REPLAY.avg_held 0 std <KiB>
 *	R REPLAY.events 0 std <events>
 *	R REPLAY.peak_carriers 0 std <KiB>	(the class's carriers at the peak sample)
 *	R REPLAY.peak_util 0 std <percent>	(its blocks over what it held, then)
 *
 * and one "REPLAY: run i of n: peak held <KiB> KiB, <ms> ms" line per run. The stream
 * is read uncompressed from @stream (a file the VM runner put in the guest).
 */
#define pr_fmt(fmt) "kalloc_bench: " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <kalloc.h>

#include "kalloc_bench.h"

static char *stream_path = "/lib/kalloc/stream";
module_param_named(stream, stream_path, charp, 0444);
MODULE_PARM_DESC(stream, "REPLAY: the allocation stream to play, uncompressed");

static unsigned int sample_every = 200;
module_param_named(every, sample_every, uint, 0444);
MODULE_PARM_DESC(every, "REPLAY: events between two samples of the memory held");

static bool paced = true;
module_param(paced, bool, 0444);
MODULE_PARM_DESC(paced, "REPLAY: each event no sooner than the recording had it (default true)");

static unsigned int runs = 1;
module_param(runs, uint, 0444);
MODULE_PARM_DESC(runs, "REPLAY: plays of the stream; the figures are the median peak's run's");

#define RUNS_MAX	15
#define SETTLE_MS	20000U	/* decay gives a run's memory back well within */

/*
 * One event of the stream: an allocation of @size bytes, or (@size 0) a
 * free, of block @id, @t microseconds into the recording.
 */
struct event {
	u64 t;
	u32 id;
	u32 size;
};

/* What one play of the stream gave. */
struct run {
	u64 events, peak, sum, samples, peak_carriers, peak_used;
};

/*
 * kvrealloc() without its 6.1/6.12 difference: @old's @had bytes moved into
 * @want zeroed bytes; NULL, @old left as it was, if they cannot be had.
 */
static void *grow(void *old, size_t had, size_t want)
{
	void *p = kvzalloc(want, GFP_KERNEL);

	if (!p)
		return NULL;
	if (old)
		memcpy(p, old, had);
	kvfree(old);
	return p;
}

static char *read_stream(size_t *len)
{
	struct file *f = filp_open(stream_path, O_RDONLY, 0);
	size_t cap = 0, got = 0;
	char *buf = NULL, *bigger;
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return NULL;
	for (;;) {
		if (got + 1 >= cap) {
			bigger = grow(buf, got, cap ? 2 * cap : 1 << 20);
			if (!bigger) {
				kvfree(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap = cap ? 2 * cap : 1 << 20;
		}
		n = kernel_read(f, buf + got, cap - 1 - got, &pos);
		if (n <= 0)
			break;
		got += n;
	}
	filp_close(f, NULL);
	if (buf)
		buf[got] = '\0';
	*len = got;
	return buf;
}

static u64 held(void)
{
	return bench_view_figure("memory", "std", 4);
}

/* The memory view's std row: blocks_size 0, carriers_size 1, resident_size 4. */
static void at_peak(u64 *carriers, u64 *used)
{
	*carriers = bench_view_figure("memory", "std", 1);
	*used = bench_view_figure("memory", "std", 0);
}

/*
 * The stream's allocations and frees, in order, that one play can serve:
 * sizes kalloc takes, frees of blocks the stream allocated. How many, and
 * in @ids one more than the largest block id; 0 if memory ran out.
 */
static size_t parse(char *buf, struct event **events, size_t *ids)
{
	unsigned long long t, cpu, id;
	struct event *ev = NULL, *bigger;
	size_t n = 0, cap = 0, size, alloc;
	char *line, *p, kind[8];

	*ids = 0;
	for (p = buf; (line = strsep(&p, "\n"));) {
		if (line[0] == 'a' &&
		    sscanf(line, "a %llu %llu %llu %zu %zu %7s", &t, &cpu, &id, &size, &alloc,
			   kind) == 6) {
			if (!size || size > KA_MAX_SIZE || id >= U32_MAX)
				continue;
		} else if (line[0] == 'f' && sscanf(line, "f %llu %llu %llu", &t, &cpu, &id) == 3) {
			if (id >= *ids)
				continue;
			size = 0;
		} else {
			continue;
		}
		if (n == cap) {
			bigger = grow(ev, cap * sizeof(*ev), (cap + 65536) * sizeof(*ev));
			if (!bigger) {
				kvfree(ev);
				return 0;
			}
			ev = bigger;
			cap += 65536;
		}
		ev[n++] = (struct event){ .t = t, .id = id, .size = size };
		*ids = max_t(size_t, *ids, id + 1);
	}
	*events = ev;
	return n;
}

/* The segments kalloc's segment cache holds, in bytes. */
static u64 cached(void)
{
	return bench_view_figure("segments", "cached_size", 0);
}

/*
 * Waits, up to SETTLE_MS, for the std class to hold no more than @base
 * bytes again and the segment cache no more than @base_cached: the next run
 * starts as the first did, not from segments the last one left cached.
 */
static void settle_class(u64 base, u64 base_cached, unsigned int after)
{
	unsigned long end = jiffies + msecs_to_jiffies(SETTLE_MS);
	u64 now, seg;

	for (;;) {
		now = held();
		seg = cached();
		if ((now <= base && seg <= base_cached) || !time_before(jiffies, end))
			break;
		msleep(100);
	}
	if (now > base || seg > base_cached)
		pr_info("REPLAY: the class still held %llu KiB more, the segment cache %llu KiB more, %u ms after run %u\n",
			(now - min(now, base)) >> 10, (seg - min(seg, base_cached)) >> 10,
			SETTLE_MS, after);
}

/*
 * Sleeps until @ev is as far into this run as it was into the recording,
 * when the run is more than a millisecond early: the decay then runs as
 * often in stream time as it did when recorded, and as the user-space
 * replay has it (once a second of stream time).
 */
static void pace(const struct event *ev, u64 t0, ktime_t start)
{
	s64 early = (s64)(ev->t - t0) - ktime_us_delta(ktime_get(), start);

	if (early > USEC_PER_MSEC)
		usleep_range(early, early + USEC_PER_MSEC / 4);
}

/* One play of @n events through @type into @r; @live has room for every block id. */
static void play(struct ka_type *type, const struct event *ev, size_t n, void **live,
		 struct run *r)
{
	ktime_t start = ktime_get();
	size_t i;
	u64 now;

	*r = (struct run){};
	for (i = 0; i < n; i++) {
		void **slot = &live[ev[i].id];

		if (paced)
			pace(&ev[i], ev[0].t, start);
		if (ev[i].size) {
			if (*slot)	/* an id allocated twice: the stream lost a free */
				ka_free(type, *slot);
			*slot = ka_alloc(type, ev[i].size, GFP_KERNEL);
		} else if (*slot) {
			ka_free(type, *slot);
			*slot = NULL;
		} else {
			continue;	/* as the user-space replay, not an event */
		}
		if (++r->events % sample_every)
			continue;
		now = held();
		if (now > r->peak) {
			at_peak(&r->peak_carriers, &r->peak_used);
			r->peak = now;
		}
		r->sum += now;
		r->samples++;
	}
}

static int by_peak(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return x->peak < y->peak ? -1 : x->peak > y->peak;
}

long bench_replay(void *unused)
{
	unsigned int nruns = clamp(runs, 1U, RUNS_MAX), k;
	struct run r[RUNS_MAX], *mid;
	struct event *events;
	struct ka_type *type;
	size_t len, n, ids, id;
	void **live;
	char *buf;
	u64 base, base_cached;

	buf = read_stream(&len);
	if (!buf) {
		pr_err("REPLAY: cannot read %s\n", stream_path);
		return -ENOENT;
	}
	n = parse(buf, &events, &ids);
	kvfree(buf);
	if (!n) {
		pr_err("REPLAY: no events in %s, or no memory for them\n", stream_path);
		return -ENOMEM;
	}
	live = kvcalloc(ids, sizeof(*live), GFP_KERNEL);
	type = ka_type_create("bench_replay", KA_CLASS_STD);
	if (!live || IS_ERR(type)) {
		kvfree(live);
		kvfree(events);
		return IS_ERR(type) ? PTR_ERR(type) : -ENOMEM;
	}
	base = held();
	base_cached = cached();
	for (k = 0; k < nruns; k++) {
		unsigned long start = jiffies;

		play(type, events, n, live, &r[k]);
		for (id = 0; id < ids; id++) {
			if (live[id])
				ka_free(type, live[id]);
			live[id] = NULL;
		}
		pr_info("REPLAY: run %u of %u: peak held %llu KiB, %u ms\n", k + 1, nruns,
			r[k].peak >> 10, jiffies_to_msecs(jiffies - start));
		if (k + 1 < nruns)
			settle_class(base, base_cached, k + 1);
	}
	sort(r, nruns, sizeof(*r), by_peak, NULL);
	mid = &r[(nruns - 1) / 2];
	result("REPLAY.peak_held", 0, KA_FIRST + KA_CLASS_STD, mid->peak >> 10);
	result("REPLAY.avg_held", 0, KA_FIRST + KA_CLASS_STD,
	       mid->samples ? div64_u64(mid->sum, mid->samples) >> 10 : 0);
	result("REPLAY.events", 0, KA_FIRST + KA_CLASS_STD, mid->events);
	result("REPLAY.peak_carriers", 0, KA_FIRST + KA_CLASS_STD, mid->peak_carriers >> 10);
	result("REPLAY.peak_util", 0, KA_FIRST + KA_CLASS_STD,
	       mid->peak ? div64_u64(100 * mid->peak_used, mid->peak) : 0);
	kvfree(live);
	kvfree(events);
	ka_type_destroy(type);
	return 0;
}
