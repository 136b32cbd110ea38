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

#include "../kalloc/internal.h"

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
		seq_printf(m, "%s %c sys\n", ka_class_name(class), ka_class_letter(class));

	seq_puts(m, "\n[types]\ntype class allocs frees failed live\n");
	ka_visit_types(ka_show_type, m);

	seq_puts(m, "\n[type_cpus]\ntype cpu allocs frees failed\n");
	ka_visit_types(ka_show_type_cpus, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

/* debugfs is a diagnostic aid: its failures are ignored, as the kernel does. */
void ka_debugfs_init(void)
{
	ka_debugfs_root = debugfs_create_dir("kalloc", NULL);
	debugfs_create_file("info", 0400, ka_debugfs_root, NULL, &info_fops);
}

void ka_debugfs_exit(void)
{
	debugfs_remove(ka_debugfs_root);
}
