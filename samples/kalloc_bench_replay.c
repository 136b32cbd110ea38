// SPDX-License-Identifier: GPL-2.0
/*
 * REPLAY of `make bench` (only=REPLAY): plays a recorded allocation stream
 * (tools/kalloc-record, Documentation/replay.rst) through kalloc in the
 * guest, every event on one CPU, with a type of the std class, and prints
 * the memory the class holds (its resident_size), sampled every @every
 * events, so that the advice tools/kalloc-replay gives offline can be
 * checked against the module itself (scripts/replay-check.sh):
 *
 *	R REPLAY.peak_held 0 std <KiB>
 *	R REPLAY.avg_held 0 std <KiB>
 *	R REPLAY.events 0 std <events>
 *	R REPLAY.peak_carriers 0 std <KiB>	(the class's carriers at the peak sample)
 *	R REPLAY.peak_util 0 std <percent>	(its blocks over what it held, then)
 *
 * The stream is read uncompressed from @stream (a file the VM runner put in
 * the guest).
 */
#define pr_fmt(fmt) "kalloc_bench: " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kalloc.h>

#include "kalloc_bench.h"

static char *stream_path = "/lib/kalloc/stream";
module_param_named(stream, stream_path, charp, 0444);
MODULE_PARM_DESC(stream, "REPLAY: the allocation stream to play, uncompressed");

static unsigned int sample_every = 200;
module_param_named(every, sample_every, uint, 0444);
MODULE_PARM_DESC(every, "REPLAY: events between two samples of the memory held");

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

long bench_replay(void *unused)
{
	unsigned long long t, cpu, id, events = 0, samples = 0;
	u64 peak = 0, sum = 0, now, peak_carriers = 0, peak_used = 0;
	void **live = NULL, **bigger;
	size_t len, nlive = 0, size, alloc;
	char *buf, *line, *p, kind[8];
	struct ka_type *type;

	buf = read_stream(&len);
	if (!buf) {
		pr_err("REPLAY: cannot read %s\n", stream_path);
		return -ENOENT;
	}
	type = ka_type_create("bench_replay", KA_CLASS_STD);
	if (IS_ERR(type)) {
		kvfree(buf);
		return PTR_ERR(type);
	}
	for (p = buf; (line = strsep(&p, "\n"));) {
		if (line[0] == 'a' &&
		    sscanf(line, "a %llu %llu %llu %zu %zu %7s", &t, &cpu, &id, &size, &alloc,
			   kind) == 6) {
			if (id >= nlive) {
				size_t n = max_t(size_t, 2 * nlive, id + 4096);

				bigger = grow(live, nlive * sizeof(*live), n * sizeof(*live));
				if (!bigger)
					break;
				live = bigger;
				nlive = n;
			}
			if (!size || size > KA_MAX_SIZE)
				continue;
			live[id] = ka_alloc(type, size, GFP_KERNEL);
		} else if (line[0] == 'f' && sscanf(line, "f %llu %llu %llu", &t, &cpu, &id) == 3) {
			if (id >= nlive || !live[id])
				continue;
			ka_free(type, live[id]);
			live[id] = NULL;
		} else {
			continue;
		}
		if (++events % sample_every)
			continue;
		now = held();
		if (now > peak)
			at_peak(&peak_carriers, &peak_used);
		peak = max(peak, now);
		sum += now;
		samples++;
	}
	result("REPLAY.peak_held", 0, KA_FIRST + KA_CLASS_STD, peak >> 10);
	result("REPLAY.avg_held", 0, KA_FIRST + KA_CLASS_STD,
	       samples ? div64_u64(sum, samples) >> 10 : 0);
	result("REPLAY.events", 0, KA_FIRST + KA_CLASS_STD, events);
	result("REPLAY.peak_carriers", 0, KA_FIRST + KA_CLASS_STD, peak_carriers >> 10);
	result("REPLAY.peak_util", 0, KA_FIRST + KA_CLASS_STD,
	       peak ? div64_u64(100 * peak_used, peak) : 0);
	for (id = 0; id < nlive; id++)
		if (live[id])
			ka_free(type, live[id]);
	kvfree(live);
	kvfree(buf);
	ka_type_destroy(type);
	return 0;
}
