// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only statistics views under /sys/kernel/debug/kalloc/. They format what
 * the allocator counts and hold no allocator logic. The format is described in
 * Documentation/statistics.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>

#include "../kalloc/cpu.h"
#include "../kalloc/internal.h"
#include "../kalloc/seg.h"
#include "../kalloc/sys.h"

static struct dentry *ka_debugfs_root;

static int ka_show_type(const struct ka_type *type, void *arg)
{
	struct seq_file *m = arg;
	struct ka_type_totals sum;

	ka_type_sum(type, &sum);
	seq_printf(m, "%s %s %llu %llu %llu %llu\n", type->name,
		   ka_class_name(type->class), sum.allocs, sum.frees, sum.failed,
		   sum.allocs - sum.frees);
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

static void ka_show_instances(struct seq_file *m, enum ka_class class)
{
	struct ka_inst_stats st;
	struct ka_pcpu_counts dd;
	int cpu;

	for_each_possible_cpu(cpu) {
		ka_cpu_read(class, cpu, &st, &dd);
		seq_printf(m, "%s %d %llu %llu %llu %llu %llu %llu %llu\n", ka_class_name(class),
			   cpu, st.mbc.blocks.cur, st.mbc.carriers.cur, st.sbc.blocks.cur,
			   st.sbc.carriers.cur, dd.queued, dd.drained, dd.kicks);
	}
}

static int info_show(struct seq_file *m, void *unused)
{
	enum ka_class class;

	seq_printf(m, "version %s\n", KALLOC_VERSION);
	seq_printf(m, "kernel %s\n", init_utsname()->release);
	seq_printf(m, "cpus_possible %u\n", num_possible_cpus());
	seq_printf(m, "cpus_online %u\n", num_online_cpus());
	seq_printf(m, "nodes_online %u\n", num_online_nodes());

	seq_puts(m, "\n[classes]\nclass letter source\n");
	for (class = 0; class < KA_NR_CLASSES; class++)
		seq_printf(m, "%s %c %s\n", ka_class_name(class), ka_class_letter(class),
			   ka_class_enabled(class) ? "instances" : "sys");

	seq_puts(m, "\n[types]\ntype class allocs frees failed live\n");
	ka_visit_types(ka_show_type, m);

	seq_puts(m, "\n[type_cpus]\ntype cpu allocs frees failed\n");
	ka_visit_types(ka_show_type_cpus, m);

	seq_puts(m, "\n[instances]\nclass cpu mbc_blocks mbc_carriers sbc_blocks sbc_carriers dd_queued dd_drained dd_kicks\n");
	for (class = 0; class < KA_NR_CLASSES; class++)
		if (ka_class_enabled(class))
			ka_show_instances(m, class);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

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
	seq_printf(m, "sc_size %llu\nsc_used %llu\nsc_free_segments %llu\nsc_largest_free %llu\n",
		   st.sc_size, st.sc_used, st.sc_free_segments, st.sc_largest_free);
	seq_printf(m, "sys_alloc_calls %llu\nsys_free_calls %llu\nsys_failed %llu\n",
		   ys.alloc_calls, ys.free_calls, ys.failed);
	seq_printf(m, "sys_carriers %llu\nsys_carriers_max %llu\nsys_carriers_size %llu\n",
		   ys.carriers, ys.carriers_max, ys.carriers_size);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(segments);

/* debugfs is a diagnostic aid: its failures are ignored, as the kernel does. */
void ka_debugfs_init(void)
{
	ka_debugfs_root = debugfs_create_dir("kalloc", NULL);
	debugfs_create_file("info", 0400, ka_debugfs_root, NULL, &info_fops);
	debugfs_create_file("segments", 0400, ka_debugfs_root, NULL, &segments_fops);
}

void ka_debugfs_exit(void)
{
	debugfs_remove(ka_debugfs_root);
}
