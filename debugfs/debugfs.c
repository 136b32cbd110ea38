// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only statistics views under /sys/kernel/debug/kalloc/. They format
 * snapshots the allocator takes (kalloc/stats.c, the sources, the types) and
 * hold no allocator logic. Documentation/statistics.rst describes the format:
 * "key value" lines, then sections of "[name]", a header line and rows.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kallsyms.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/utsname.h>

#include "../kalloc/pcpu/depot.h"
#include "../kalloc/pcpu/pcpu.h"
#include "../kalloc/internal.h"
#include "../kalloc/pool.h"
#include "../kalloc/reclaim.h"
#include "../kalloc/sources/seg.h"
#include "../kalloc/stats.h"
#include "../kalloc/sources/pages.h"

static struct dentry *ka_debugfs_root;

/*
 * DEFINE_SHOW_ATTRIBUTE with .read_iter, so the files can also be read with
 * kernel_read() (the KUnit suites do), and the inode's private data (a class)
 * handed to the show function.
 */
#define KA_DEFINE_SHOW(name)						\
static int name##_open(struct inode *inode, struct file *file)		\
{									\
	return single_open(file, name##_show, inode->i_private);	\
}									\
static const struct file_operations name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = name##_open,						\
	.read_iter = seq_read_iter,					\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

static const char *const src_names[KA_NR_SRC] = { "seg", "sys" };

static int ka_show_type(const struct ka_type *type, void *arg)
{
	struct seq_file *m = arg;
	struct ka_type_stats ts;

	ka_type_stats((struct ka_type *)type, &ts);
	seq_printf(m, "%s %s %llu %llu %llu %llu %zu %zu\n", type->name,
		   ka_class_name(type->class), ts.allocs, ts.frees, ts.failed, ts.live,
		   ts.bytes, ts.bytes_max);
	return 0;
}

static int ka_show_type_cpus(const struct ka_type *type, void *arg)
{
	struct seq_file *m = arg;
	struct ka_type_totals one;
	int cpu;

	for_each_possible_cpu(cpu) {
		ka_type_read(type, cpu, &one);
		seq_printf(m, "%s %d %llu %llu %llu\n", type->name, cpu,
			   one.allocs, one.frees, one.failed);
	}
	return 0;
}

/*
 * What a fixed-size type's objects are, as ka_type_create_args() made it:
 * one row per type of one object size. The flags: r (KA_TYPESAFE_BY_RCU),
 * h (KA_HWCACHE_ALIGN), e (KA_RECLAIMABLE), d (KA_CONTIGUOUS), o (caches of
 * its own), c (a constructor); "-" for none.
 */
static int ka_show_type_objects(const struct ka_type *type, void *arg)
{
	static const struct { unsigned int flag; char letter; } letters[] = {
		{ KA_TYPESAFE_BY_RCU, 'r' }, { KA_HWCACHE_ALIGN, 'h' },
		{ KA_RECLAIMABLE, 'e' }, { KA_CONTIGUOUS, 'd' },
	};
	struct seq_file *m = arg;
	char flags[8];
	int i, n = 0;

	if (!type->fixed_size)
		return 0;
	for (i = 0; i < ARRAY_SIZE(letters); i++)
		if (type->flags & letters[i].flag)
			flags[n++] = letters[i].letter;
	if (type->tc)
		flags[n++] = 'o';
	if (type->ctor)
		flags[n++] = 'c';
	if (!n)
		flags[n++] = '-';
	flags[n] = '\0';
	seq_printf(m, "%s %u %u %s %u %u\n", type->name, ka_type_object_size(type),
		   type->align ?: (unsigned int)KA_MIN_ALIGN, flags, type->useroffset,
		   type->usersize);
	return 0;
}

/* What this load of kalloc does, from its state: nothing listed that is off. */
static void show_features(struct seq_file *m)
{
	bool instances = false, pool = false, atags = false, front = false;
	enum ka_class class;

	for (class = 0; class < KA_NR_CLASSES; class++) {
		const struct ka_params *p = &ka_class_states[class].p;

		if (!ka_class_enabled(class))
			continue;
		instances = true;
		pool |= p->acul > 0;
		atags |= p->atags;
		front |= ka_class_states[class].shape.max > 0;
	}
	seq_puts(m, "features");
	if (instances)
		seq_puts(m, " per_cpu_instances delayed_dealloc carrier_registry block_states");
	if (front)
		seq_puts(m, " front_cache");
	if (pool)
		seq_puts(m, " carrier_pool");
	if (atags)
		seq_puts(m, " atags");
	if (ka_seg_global.p.mcs)
		seq_puts(m, " segment_cache");
	if (ka_seg_global.p.scs)
		seq_puts(m, " super_carrier");
	seq_putc(m, '\n');
}

static int info_show(struct seq_file *m, void *unused)
{
	enum ka_class class;

	seq_printf(m, "version %s\n", KALLOC_VERSION);
	seq_printf(m, "kernel %s\n", init_utsname()->release);
	seq_printf(m, "cpus_possible %u\n", num_possible_cpus());
	seq_printf(m, "cpus_online %u\n", num_online_cpus());
	seq_printf(m, "nodes_online %u\n", num_online_nodes());
	show_features(m);
	seq_printf(m, "mcs %u\nscs %zu\nsco %d\n", ka_seg_global.p.mcs, ka_seg_global.p.scs,
		   ka_seg_global.p.sco);

	seq_puts(m, "\n[classes]\nclass letter source as sbct atags\n");
	for (class = 0; class < KA_NR_CLASSES; class++) {
		const struct ka_params *p = &ka_class_states[class].p;

		seq_printf(m, "%s %c %s %s %zu %d\n", ka_class_name(class),
			   ka_class_letter(class), ka_class_enabled(class) ? "instances" : "sys",
			   ka_strategy_get(p->as)->name, p->sbct, p->atags);
	}

	seq_puts(m, "\n[types]\ntype class allocs frees failed live bytes bytes_max\n");
	ka_visit_types(ka_show_type, m);

	seq_puts(m, "\n[type_cpus]\ntype cpu allocs frees failed\n");
	ka_visit_types(ka_show_type_cpus, m);

	seq_puts(m, "\n[type_objects]\ntype size align flags useroffset usersize\n");
	ka_visit_types(ka_show_type_objects, m);
	return 0;
}

KA_DEFINE_SHOW(info);

static void add_stat(struct ka_stat *sum, const struct ka_stat *s)
{
	sum->cur += s->cur;
	sum->last_max += s->last_max;
	sum->max += s->max;
}

/* Sums @st into @sum: the total's maxima are sums of the instances' maxima. */
static void add_inst(struct ka_inst_stats *sum, const struct ka_inst_stats *st)
{
	const struct ka_carrier_stats *from[2] = { &st->mbc, &st->sbc };
	struct ka_carrier_stats *to[2] = { &sum->mbc, &sum->sbc };
	int k, s;

	for (k = 0; k < 2; k++) {
		add_stat(&to[k]->blocks, &from[k]->blocks);
		add_stat(&to[k]->blocks_size, &from[k]->blocks_size);
		add_stat(&to[k]->carriers, &from[k]->carriers);
		add_stat(&to[k]->carriers_size, &from[k]->carriers_size);
		add_stat(&to[k]->given_back, &from[k]->given_back);
		for (s = 0; s < KA_NR_SRC; s++) {
			to[k]->src_carriers[s] += from[k]->src_carriers[s];
			to[k]->src_carriers_size[s] += from[k]->src_carriers_size[s];
		}
	}
	sum->alloc_calls += st->alloc_calls;
	sum->free_calls += st->free_calls;
	sum->realloc_calls += st->realloc_calls;
	for (s = 0; s < KA_NR_SRC; s++) {
		sum->src_creates[s] += st->src_creates[s];
		sum->src_destroys[s] += st->src_destroys[s];
	}
}

static void show_stats(struct seq_file *m, const char *who, const struct ka_inst_stats *st)
{
	const struct ka_carrier_stats *cs[2] = { &st->mbc, &st->sbc };
	static const char *const kind[2] = { "mbc", "sbc" };
	int k;

	for (k = 0; k < 2; k++) {
		const struct { const char *name; const struct ka_stat *s; } rows[] = {
			{ "blocks", &cs[k]->blocks },
			{ "blocks_size", &cs[k]->blocks_size },
			{ "carriers", &cs[k]->carriers },
			{ "carriers_size", &cs[k]->carriers_size },
			{ "given_back", &cs[k]->given_back },
		};
		int r;

		for (r = 0; r < ARRAY_SIZE(rows); r++)
			seq_printf(m, "%s %s_%s %llu %llu %llu\n", who, kind[k], rows[r].name,
				   rows[r].s->cur, rows[r].s->last_max, rows[r].s->max);
	}
}

static void show_calls(struct seq_file *m, const char *who, const struct ka_inst_stats *st,
		       const struct ka_pcpu_counts *dd)
{
	seq_printf(m, "%s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n", who,
		   st->alloc_calls, st->free_calls, st->realloc_calls,
		   st->src_creates[KA_SRC_SEG], st->src_destroys[KA_SRC_SEG],
		   st->src_creates[KA_SRC_SYS], st->src_destroys[KA_SRC_SYS],
		   dd->queued, dd->drained, dd->kicks);
}

static void show_sources(struct seq_file *m, const char *who, const struct ka_inst_stats *st)
{
	int s;

	for (s = 0; s < KA_NR_SRC; s++)
		seq_printf(m, "%s %s %llu %llu %llu %llu\n", who, src_names[s],
			   st->mbc.src_carriers[s], st->mbc.src_carriers_size[s],
			   st->sbc.src_carriers[s], st->sbc.src_carriers_size[s]);
}

static void add_pool_counts(struct ka_pcpu_counts *sum, const struct ka_pcpu_counts *c)
{
	sum->pooled_blocks += c->pooled_blocks;
	sum->pooled_blocks_size += c->pooled_blocks_size;
	sum->pooled_carriers += c->pooled_carriers;
	sum->pooled_carriers_size += c->pooled_carriers_size;
	sum->pooled_given_back += c->pooled_given_back;
	sum->pool.abandoned += c->pool.abandoned;
	sum->pool.fetched += c->pool.fetched;
	sum->pool.fetch_failed += c->pool.fetch_failed;
	sum->pool.skip_busy += c->pool.skip_busy;
	sum->pool.skip_size += c->pool.skip_size;
	sum->pool.homecomings += c->pool.homecomings;
}

/* Pooled totals are of the carriers the instance owns; the calls are its own. */
static void show_pool(struct seq_file *m, const char *who, const struct ka_pcpu_counts *c)
{
	seq_printf(m, "%s %ld %ld %ld %ld %llu %llu %llu %llu %llu %llu %ld\n", who,
		   c->pooled_blocks, c->pooled_blocks_size, c->pooled_carriers,
		   c->pooled_carriers_size, c->pool.abandoned, c->pool.fetched,
		   c->pool.fetch_failed, c->pool.skip_busy, c->pool.skip_size,
		   c->pool.homecomings, c->pooled_given_back);
}

static void add_front_counts(struct ka_pcpu_counts *sum, const struct ka_pcpu_counts *c)
{
	sum->cached_blocks += c->cached_blocks;
	sum->cached_bytes += c->cached_bytes;
	ka_front_counts_add(&sum->front, &c->front);
}

/* Cached blocks also count in the instance's blocks: the instance gave them out. */
static void show_front(struct seq_file *m, const char *who, const struct ka_pcpu_counts *c)
{
	seq_printf(m, "%s %llu %llu %llu %llu %llu %llu %llu %llu\n", who, c->cached_blocks,
		   c->cached_bytes, c->front.hits, c->front.refills, c->front.refilled,
		   c->front.flushes, c->front.flushed, c->front.swaps);
}

static int class_info_show(struct seq_file *m, void *data)
{
	enum ka_class class = (uintptr_t)m->private;
	const struct ka_params *p = &ka_class_states[class].p;
	struct ka_inst_stats *st, sum = {};
	struct ka_pcpu_counts *dd, ddsum = {};
	char who[16];
	int cpu, node;

	seq_printf(m, "class %s\nletter %c\nenabled %d\n", ka_class_name(class),
		   ka_class_letter(class), ka_class_enabled(class));
	seq_printf(m, "as %s\nsbct %zu\nmmbcs %zu\nsmbcs %zu\nlmbcs %zu\nmbcgs %u\nycs %zu\n",
		   ka_strategy_get(p->as)->name, p->sbct, p->mmbcs, p->smbcs, p->lmbcs,
		   p->mbcgs, p->ycs);
	seq_printf(m, "mbsd %u\nramv %d\natags %d\nrmbcmt %u\nrsbcmt %u\nrsbcst %u\nasbcst %zu\n",
		   p->mbsd, p->ramv, p->atags, p->rmbcmt, p->rsbcmt, p->rsbcst, p->asbcst);
	seq_printf(m, "mmmbc %u\nmmsbc %u\n", p->mmmbc, p->mmsbc);
	seq_printf(m, "acul %u\nacfml %zu\nacnl %u\nacful %u\ncp %c\n", p->acul, p->acfml,
		   p->acnl, p->acful, ka_class_states[class].pool && p->acul ?
		   ka_class_states[class].pool->name : '-');
	seq_printf(m, "fcmax %zu\ndmap %d\n", ka_class_states[class].shape.max, p->dmap);
	if (!ka_class_enabled(class))
		return 0;

	/* One snapshot per instance, so the three sections agree. */
	st = kcalloc(nr_cpu_ids, sizeof(*st), GFP_KERNEL);
	dd = kcalloc(nr_cpu_ids, sizeof(*dd), GFP_KERNEL);
	if (!st || !dd) {
		kfree(st);
		kfree(dd);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		ka_stats_instance(class, cpu, &st[cpu], &dd[cpu]);
		add_inst(&sum, &st[cpu]);
		ddsum.queued += dd[cpu].queued;
		ddsum.drained += dd[cpu].drained;
		ddsum.kicks += dd[cpu].kicks;
		add_pool_counts(&ddsum, &dd[cpu]);
		add_front_counts(&ddsum, &dd[cpu]);
	}

	seq_puts(m, "\n[stats]\ninstance stat cur last_max max\n");
	for_each_possible_cpu(cpu) {
		snprintf(who, sizeof(who), "%d", cpu);
		show_stats(m, who, &st[cpu]);
	}
	show_stats(m, "total", &sum);

	seq_puts(m, "\n[sources]\ninstance source mbc_carriers mbc_carriers_size sbc_carriers sbc_carriers_size\n");
	for_each_possible_cpu(cpu) {
		snprintf(who, sizeof(who), "%d", cpu);
		show_sources(m, who, &st[cpu]);
	}
	show_sources(m, "total", &sum);

	seq_puts(m, "\n[calls]\ninstance alloc free realloc seg_create seg_destroy sys_create sys_destroy dd_queued dd_drained dd_kicks\n");
	for_each_possible_cpu(cpu) {
		snprintf(who, sizeof(who), "%d", cpu);
		show_calls(m, who, &st[cpu], &dd[cpu]);
	}
	show_calls(m, "total", &sum, &ddsum);

	seq_puts(m, "\n[pool]\ninstance pooled_blocks pooled_blocks_size pooled_carriers pooled_carriers_size abandoned fetched fetch_failed skip_busy skip_size homecomings pooled_given_back\n");
	for_each_possible_cpu(cpu) {
		snprintf(who, sizeof(who), "%d", cpu);
		show_pool(m, who, &dd[cpu]);
	}
	show_pool(m, "total", &ddsum);

	seq_puts(m, "\n[front]\ninstance cached_blocks cached_bytes hits refills refilled flushes flushed swaps\n");
	for_each_possible_cpu(cpu) {
		snprintf(who, sizeof(who), "%d", cpu);
		show_front(m, who, &dd[cpu]);
	}
	show_front(m, "total", &ddsum);

	seq_puts(m, "\n[depot]\nnode full_magazines empty_magazines cached_blocks cached_bytes to_cpus from_cpus flushed\n");
	for_each_online_node(node) {
		struct ka_depot_counts dc;

		ka_depot_counts(&ka_class_states[class], node, &dc);
		seq_printf(m, "%d %u %u %lu %lu %llu %llu %llu\n", node, dc.full, dc.empty,
			   dc.blocks, dc.bytes, dc.to_cpus, dc.from_cpus, dc.flushed);
	}
	kfree(st);
	kfree(dd);
	return 0;
}

#define CARRIERS_PER_STEP 8

static void show_carrier(struct seq_file *m, int cpu, const struct ka_carrier_info *ci)
{
	unsigned int h;

	seq_printf(m, "%d %llu %s %s %zu %zu %zu %d %zu", cpu, ci->birth, src_names[ci->src],
		   ci->sbc ? "sbc" : ci->main ? "main" : "mbc", ci->size, ci->used_size,
		   ci->used_blocks, ci->pooled, ci->unscanned);
	for (h = 0; h < KA_FREE_HIST; h++)
		seq_printf(m, " %u", ci->free_hist[h]);
	seq_printf(m, " %zu %s\n", ci->given_back, ci->strategy);
}

/* The carriers of one instance, one at a time (stats.h bounds each hold of its lock). */
static void show_instance_carriers(struct seq_file *m, enum ka_class class, int cpu,
				   struct ka_carrier_info *ci)
{
	struct ka_carrier cur;
	unsigned int n, i;
	u64 after;
	int sbc;

	for (sbc = 0; sbc < 2; sbc++) {
		ka_crr_cursor_init(&cur);
		while (ka_stats_next_carrier(class, cpu, sbc, &cur, ci)) {
			show_carrier(m, cpu, ci);
			cond_resched();
		}
	}
	/* Pooled carriers are listed under their owner. */
	after = 0;
	do {
		n = ka_stats_pooled_carriers(class, cpu, &after, ci, CARRIERS_PER_STEP);
		for (i = 0; i < n; i++)
			show_carrier(m, cpu, &ci[i]);
		cond_resched();
	} while (n == CARRIERS_PER_STEP);
}

static int class_carriers_show(struct seq_file *m, void *data)
{
	enum ka_class class = (uintptr_t)m->private;
	struct ka_carrier_info *ci;
	unsigned int h;
	int cpu;

	seq_puts(m, "[carriers]\ninstance birth source kind size allocated blocks pooled unscanned");
	for (h = 0; h < KA_FREE_HIST; h++)
		seq_printf(m, " free_%u", 1U << (KA_FREE_HIST_FIRST + h));
	seq_puts(m, " given_back strategy\n");
	if (!ka_class_enabled(class))
		return 0;
	ci = kcalloc(CARRIERS_PER_STEP, sizeof(*ci), GFP_KERNEL);
	if (!ci)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		show_instance_carriers(m, class, cpu, ci);
	kfree(ci);
	return 0;
}

KA_DEFINE_SHOW(class_info);
KA_DEFINE_SHOW(class_carriers);

#define ALLOC_SLOTS 4096

struct tid_name {
	unsigned int tid;
	const char *name;
};

static int find_tid(const struct ka_type *type, void *arg)
{
	struct tid_name *tn = arg;

	if (type->id != tn->tid)
		return 0;
	tn->name = type->name;
	return 1;
}

static void show_allocation(struct seq_file *m, const struct ka_alloc_entry *e)
{
	struct tid_name tn = { e->tid, "-" };	/* "-": destroyed meanwhile */
	char origin[KSYM_SYMBOL_LEN], *module;
	unsigned int h;

	ka_visit_types(find_tid, &tn);
	if (e->origin) {
		/* "function [module]": two columns, and no raw address */
		sprint_symbol_no_offset(origin, e->origin);
		module = strchr(origin, ' ');
		if (!strncmp(origin, "0x", 2)) {
			/* kallsyms knows no symbol there: the module that allocated is gone */
			strscpy(origin, "[unloaded]", sizeof(origin));
			module = "[unloaded]";
		} else if (module) {
			*module++ = '\0';
			module[strcspn(module, "]")] = '\0';
			module++;
		} else {
			module = "kernel";
		}
	} else {
		strscpy(origin, "untagged", sizeof(origin));
		module = "-";
	}
	seq_printf(m, "%s %s %s %s %llu %llu", tn.name, ka_class_name(e->cls), origin, module,
		   e->count, e->size);
	for (h = 0; h < KA_ALLOC_HIST; h++)
		seq_printf(m, " %u", e->hist[h]);
	seq_putc(m, '\n');
}

/* The instrument:allocations() analogue. */
static int allocations_show(struct seq_file *m, void *unused)
{
	struct ka_alloc_table *t;
	unsigned int i, h;

	t = kvzalloc(struct_size(t, e, ALLOC_SLOTS), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->slots = ALLOC_SLOTS;
	ka_stats_allocations(t);
	seq_printf(m, "dropped_blocks %llu\nunscanned_size %llu\n", t->dropped, t->unscanned);
	seq_puts(m, "\n[allocations]\ntype class origin module blocks blocks_size");
	for (h = 0; h < KA_ALLOC_HIST; h++)
		seq_printf(m, " size_%u", 1U << (KA_ALLOC_HIST_FIRST + h));
	seq_putc(m, '\n');
	for (i = 0; i < t->slots; i++)
		if (t->e[i].tid)
			show_allocation(m, &t->e[i]);
	kvfree(t);
	return 0;
}

KA_DEFINE_SHOW(allocations);

/*
 * [own]: what kalloc holds for itself (stats.h), and [taken]: every byte it
 * took from its sources, carriers and the segment cache included, also per
 * possible CPU: what loading kalloc costs a machine of that many CPUs.
 */
static void show_own(struct seq_file *m, u64 carriers)
{
	unsigned int cpus = num_possible_cpus();
	struct ka_own_stats o;
	struct ka_seg_stats ss;
	u64 taken;

	ka_stats_own(&o);
	ka_seg_stats_read(&ka_seg_global, &ss);
	seq_puts(m, "\n[own]\nwhat count bytes\n");
	seq_printf(m, "instances %u %zu\nfront_caches %u %zu\nmagazines %u %zu\ntypes %u %zu\n",
		   o.instances, o.instances_bytes, o.fronts, o.fronts_bytes, o.magazines,
		   o.magazines_bytes, o.types, o.types_bytes);
	seq_printf(m, "per_cpu_words - %zu\ndepots - %zu\nregistry - %zu\ntotal - %zu\n",
		   o.percpu_bytes, o.depots_bytes, o.registry_bytes, o.total);
	taken = carriers + ss.cached_size + o.total;
	seq_printf(m, "\n[taken]\ncarriers %llu\nsegment_cache %llu\nown %zu\ntotal %llu\npossible_cpus %u\nper_possible_cpu %llu\n",
		   carriers, ss.cached_size, o.total, taken, cpus, taken / cpus);
}

/*
 * The erlang:memory() analogue: bytes in blocks against bytes in carriers.
 * blocks_size is what users hold; what front caches hold is cached_size.
 * resident_size is carriers_size less the pages given back (hole.h), and
 * usage_percent is of it: what the carriers hold in memory. [reclaim] is
 * what the shrinker was asked for and gave (kalloc/reclaim.c).
 */
static int memory_show(struct seq_file *m, void *unused)
{
	u64 blocks_total = 0, carriers_total = 0, cached_total = 0, resident_total = 0;
	struct ka_reclaim_stats rs;
	struct ka_inst_stats st;
	struct ka_pcpu_counts dd;
	enum ka_class class;
	int cpu, node;

	seq_puts(m, "[classes]\nclass blocks_size carriers_size usage_percent cached_size resident_size\n");
	for (class = 0; class < KA_NR_CLASSES; class++) {
		u64 blocks = 0, carriers = 0, cached = 0, given = 0, resident;

		if (!ka_class_enabled(class))
			continue;
		for_each_possible_cpu(cpu) {
			ka_stats_instance(class, cpu, &st, &dd);
			/* pooled carriers count with their owner */
			blocks += st.mbc.blocks_size.cur + st.sbc.blocks_size.cur +
				  dd.pooled_blocks_size;
			carriers += st.mbc.carriers_size.cur + st.sbc.carriers_size.cur +
				    dd.pooled_carriers_size;
			given += st.mbc.given_back.cur + dd.pooled_given_back;
			cached += dd.cached_bytes;
		}
		for_each_online_node(node)
			cached += ka_depot_cached_bytes(&ka_class_states[class], node);
		/* read apart from the instances: never let the differences go below 0 */
		blocks -= min(blocks, cached);
		resident = carriers - min(carriers, given);
		seq_printf(m, "%s %llu %llu %llu %llu %llu\n", ka_class_name(class), blocks,
			   carriers, resident ? blocks * 100 / resident : 0, cached, resident);
		blocks_total += blocks;
		carriers_total += carriers;
		cached_total += cached;
		resident_total += resident;
	}
	seq_printf(m, "total %llu %llu %llu %llu %llu\n", blocks_total, carriers_total,
		   resident_total ? blocks_total * 100 / resident_total : 0, cached_total,
		   resident_total);
	show_own(m, carriers_total);
	ka_reclaim_stats_read(&rs);
	seq_printf(m, "\n[reclaim]\nscans %llu\nasked_pages %llu\nfront_blocks %llu\nsegment_pages %llu\nfree_pages %llu\n",
		   rs.scans, rs.asked, rs.front_blocks, rs.seg_pages, rs.free_pages);
	return 0;
}

KA_DEFINE_SHOW(memory);

static int segments_show(struct seq_file *m, void *unused)
{
	struct ka_seg_stats st;
	struct ka_sys_stats ys;

	ka_seg_stats_read(&ka_seg_global, &st);
	ka_sys_stats_read(&ka_sys_global, &ys);
	seq_printf(m, "mcs %u\namcbf %zu\nrmcbf %u\nscs %zu\nsco %d\n",
		   ka_seg_global.p.mcs, ka_seg_global.p.amcbf, ka_seg_global.p.rmcbf,
		   ka_seg_global.p.scs, ka_seg_global.p.sco);
	seq_printf(m, "seg_alloc_calls %llu\nseg_free_calls %llu\nseg_failed %llu\n",
		   st.alloc_calls, st.free_calls, st.failed);
	seq_printf(m, "segments %llu\nsegments_max %llu\nsegments_size %llu\nsegments_size_max %llu\n",
		   st.segments, st.segments_max, st.segments_size, st.segments_size_max);
	seq_printf(m, "page_segments %llu\nvmalloc_segments %llu\nsc_segments %llu\n",
		   st.page_segments, st.vmalloc_segments, st.sc_segments);
	seq_printf(m, "cache_hits %llu\ncache_misses %llu\ncached %llu\ncached_size %llu\n",
		   st.cache_hits, st.cache_misses, st.cached, st.cached_size);
	seq_printf(m, "given_back %llu\n", st.given_back);
	seq_printf(m, "sc_size %llu\nsc_used %llu\nsc_free_segments %llu\nsc_largest_free %llu\n",
		   st.sc_size, st.sc_used, st.sc_free_segments, st.sc_largest_free);
	seq_printf(m, "sys_alloc_calls %llu\nsys_free_calls %llu\nsys_failed %llu\n",
		   ys.alloc_calls, ys.free_calls, ys.failed);
	seq_printf(m, "sys_carriers %llu\nsys_carriers_max %llu\nsys_carriers_size %llu\n",
		   ys.carriers, ys.carriers_max, ys.carriers_size);
	return 0;
}

KA_DEFINE_SHOW(segments);

/*
 * Any write restarts the "max since the last reset" column of the class's
 * [stats] in every instance; reading info never does, so that a monitor
 * polling it changes nothing another reader sees (Documentation/statistics.rst).
 */
static ssize_t last_max_reset_write(struct kiocb *iocb, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);

	ka_stats_last_max_reset((uintptr_t)file_inode(iocb->ki_filp)->i_private);
	iov_iter_advance(from, count);
	return count;
}

/* .write_iter, so that kernel_write() (the KUnit suites) can write it too */
static const struct file_operations last_max_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write_iter = last_max_reset_write,
	.llseek = noop_llseek,
};

/*
 * debugfs is a diagnostic aid: its failures are ignored, as the kernel does.
 * The files are created "unsafe" (without debugfs's proxy, which has no
 * read_iter) because .owner pins the module while a file is open, and the
 * data they show outlives the files.
 */
void ka_debugfs_init(void)
{
	enum ka_class class;

	ka_debugfs_root = debugfs_create_dir("kalloc", NULL);
	debugfs_create_file_unsafe("info", 0400, ka_debugfs_root, NULL, &info_fops);
	debugfs_create_file_unsafe("segments", 0400, ka_debugfs_root, NULL, &segments_fops);
	debugfs_create_file_unsafe("memory", 0400, ka_debugfs_root, NULL, &memory_fops);
	debugfs_create_file_unsafe("allocations", 0400, ka_debugfs_root, NULL, &allocations_fops);
	for (class = 0; class < KA_NR_CLASSES; class++) {
		struct dentry *dir = debugfs_create_dir(ka_class_name(class), ka_debugfs_root);
		void *arg = (void *)(uintptr_t)class;

		debugfs_create_file_unsafe("info", 0400, dir, arg, &class_info_fops);
		debugfs_create_file_unsafe("carriers", 0400, dir, arg, &class_carriers_fops);
		debugfs_create_file_unsafe("last_max_reset", 0200, dir, arg,
					   &last_max_reset_fops);
	}
}

void ka_debugfs_exit(void)
{
	debugfs_remove(ka_debugfs_root);
}
