// SPDX-License-Identifier: GPL-2.0
/*
 * The module: the class table every layer names classes by, the shared
 * carrier sources, the trace events, and loading and unloading in order
 * (options, sources, per-CPU instances, shim, statistics views).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "pcpu/cpu.h"
#include "internal.h"
#include "pcpu/registry.h"
#include "fault.h"
#include "report.h"
#include "options.h"
#include "tune.h"

/* The trace events of trace.h, made once for the module; other modules may attach probes. */
#define CREATE_TRACE_POINTS
#include "trace.h"

EXPORT_TRACEPOINT_SYMBOL_GPL(ka_alloc);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_free);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_carrier_create);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_carrier_destroy);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_carrier_abandon);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_carrier_fetch);

/* The classes' names and erts option letters (+M<letter> options). */
static const struct {
	const char *name;
	char letter;	/* erts_alloc's option letter, used by +M<letter> options */
} ka_classes[KA_NR_CLASSES] = {
	[KA_CLASS_TEMP]   = { "temp",   'T' },
	[KA_CLASS_SL]     = { "sl",     'S' },
	[KA_CLASS_STD]    = { "std",    'D' },
	[KA_CLASS_LL]     = { "ll",     'L' },
	[KA_CLASS_FIX]    = { "fix",    'F' },
	[KA_CLASS_BUFFER] = { "buffer", 'B' },
	[KA_CLASS_DRIVER] = { "driver", 'R' },
};

const char *ka_class_name(enum ka_class class)
{
	return class < KA_NR_CLASSES ? ka_classes[class].name : "?";
}

char ka_class_letter(enum ka_class class)
{
	return class < KA_NR_CLASSES ? ka_classes[class].letter : '?';
}

/* The shared carrier sources: one segment source and one sys source. */
struct ka_seg ka_seg_global;
struct ka_sys ka_sys_global;

static int ka_sources_init(const struct ka_seg_params *p)
{
	int err = ka_seg_init(&ka_seg_global, p);

	if (err) {
		pr_err("segment source: %s\n",
		       err == -ENOMEM ? "cannot reserve the super carrier" : "bad parameters");
		return err;
	}
	ka_sys_init(&ka_sys_global);
	return 0;
}

static void ka_sources_exit(void)
{
	ka_seg_destroy(&ka_seg_global);
}

static char *opts;
module_param(opts, charp, 0444);
MODULE_PARM_DESC(opts, "erts-style options, e.g. \"+MBas aobf +MBsbct 2048 +MMmcs 20\"");

static struct ka_opts ka_options;
struct workqueue_struct *ka_wq;

static int __init kalloc_init(void)
{
	char err[128] = "";
	int ret;

	ka_opts_default(&ka_options);
	ret = ka_opts_parse(&ka_options, opts, err, sizeof(err));
	if (ret) {
		pr_err("opts: %s\n", ret == -ENOMEM ? "out of memory" : err);
		return ret;
	}
	ka_opts_fix_layout(&ka_options);
	ka_wq = alloc_workqueue("kalloc", WQ_MEM_RECLAIM, 0);
	if (!ka_wq)
		return -ENOMEM;
	ka_fault_init();
	ka_registry_init();
	ret = ka_sources_init(&ka_options.seg);
	if (ret) {
		ka_registry_exit();
		ka_fault_exit();
		destroy_workqueue(ka_wq);
		return ret;
	}
	ret = ka_cpu_init(&ka_options);
	if (ret) {
		ka_sources_exit();
		ka_registry_exit();
		ka_fault_exit();
		destroy_workqueue(ka_wq);
		return ret;
	}
	ret = ka_shim_init();
	if (ret) {
		ka_cpu_exit();
		ka_sources_exit();
		ka_registry_exit();
		ka_fault_exit();
		destroy_workqueue(ka_wq);
		return ret;
	}
	ka_tune_init(&ka_options);
	/* tuning is an aid, as the views are: kalloc works without its files */
	if (ka_sysfs_init())
		pr_warn("no /sys/kernel/kalloc: parameters stay as loaded\n");
	ka_debugfs_init();
	pr_info("version %s loaded\n", KALLOC_VERSION);
	return 0;
}

static void __exit kalloc_exit(void)
{
	ka_debugfs_exit();
	ka_sysfs_exit();
	ka_shim_exit();
	ka_free_rcu_exit();
	ka_types_exit();
	ka_cpu_exit();
	ka_sources_exit();
	ka_registry_exit();
	ka_report_exit();
	ka_fault_exit();
	destroy_workqueue(ka_wq);
	pr_info("unloaded\n");
}

module_init(kalloc_init);
module_exit(kalloc_exit);

MODULE_DESCRIPTION("kalloc: erts_alloc-style allocator classes, carriers and statistics");
MODULE_LICENSE("GPL");
MODULE_VERSION(KALLOC_VERSION);
MODULE_AUTHOR("The kalloc developers");
