// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc module entry: brings the allocator up and down.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "internal.h"

static int __init kalloc_init(void)
{
	int err = ka_sources_init();

	if (err)
		return err;
	ka_debugfs_init();
	pr_info("version %s loaded\n", KALLOC_VERSION);
	return 0;
}

static void __exit kalloc_exit(void)
{
	ka_debugfs_exit();
	ka_types_exit();
	ka_sources_exit();
	pr_info("unloaded\n");
}

module_init(kalloc_init);
module_exit(kalloc_exit);

MODULE_DESCRIPTION("kalloc: erts_alloc-style allocator classes, carriers and statistics");
MODULE_LICENSE("GPL");
MODULE_VERSION(KALLOC_VERSION);
