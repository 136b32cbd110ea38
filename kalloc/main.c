// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc module entry: options, sources, per-CPU instances, statistics.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "cpu.h"
#include "internal.h"
#include "registry.h"
#include "options.h"

static char *opts;
module_param(opts, charp, 0444);
MODULE_PARM_DESC(opts, "erts-style options, e.g. \"+MBas aobf +MBsbct 2048 +MMmcs 20\"");

static struct ka_opts ka_options;

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
	ret = ka_sources_init(&ka_options.seg);
	if (ret)
		return ret;
	ret = ka_cpu_init(&ka_options);
	if (ret) {
		ka_sources_exit();
		ka_registry_exit();
		return ret;
	}
	ret = ka_shim_init();
	if (ret) {
		ka_cpu_exit();
		ka_sources_exit();
		ka_registry_exit();
		return ret;
	}
	ka_debugfs_init();
	pr_info("version %s loaded\n", KALLOC_VERSION);
	return 0;
}

static void __exit kalloc_exit(void)
{
	ka_debugfs_exit();
	ka_shim_exit();
	ka_types_exit();
	ka_cpu_exit();
	ka_sources_exit();
	ka_registry_exit();
	pr_info("unloaded\n");
}

module_init(kalloc_init);
module_exit(kalloc_exit);

MODULE_DESCRIPTION("kalloc: erts_alloc-style allocator classes, carriers and statistics");
MODULE_LICENSE("GPL");
MODULE_VERSION(KALLOC_VERSION);
MODULE_AUTHOR("The kalloc developers");
