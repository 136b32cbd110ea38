// SPDX-License-Identifier: GPL-2.0
/*
 * fail_kalloc: every point where kalloc itself asks for memory (a carrier
 * from each source, a registry node, per-CPU, magazine and index memory)
 * asks this fault attribute first, as slab allocations ask failslab. It is
 * configured as the kernel's others are: the fail_kalloc module parameter
 * ("<interval>,<probability>,<space>,<times>", as failslab= on the command
 * line) and, with CONFIG_FAULT_INJECTION_DEBUG_FS, /sys/kernel/debug/
 * fail_kalloc/ (probability, interval, times, space, verbose, task-filter,
 * ...). A request with __GFP_NOFAIL is never failed.
 * Documentation/debugging.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/moduleparam.h>

#include "core/core.h"
#include "fault.h"

static char *fail_kalloc;
module_param(fail_kalloc, charp, 0444);
MODULE_PARM_DESC(fail_kalloc,
		 "fault injection at kalloc's own allocations: <interval>,<probability>,<space>,<times> (Documentation/fault-injection; needs CONFIG_FAULT_INJECTION)");

#ifdef CONFIG_FAULT_INJECTION
struct fault_attr ka_fail_attr = FAULT_ATTR_INITIALIZER;

static struct dentry *ka_fail_dir;

bool ka_fail_alloc(gfp_t gfp, size_t size)
{
	if (gfp & __GFP_NOFAIL)
		return false;
	return should_fail(&ka_fail_attr, size);
}

void ka_fault_init(void)
{
	if (fail_kalloc && !setup_fault_attr(&ka_fail_attr, fail_kalloc))
		pr_warn("fail_kalloc=%s: not <interval>,<probability>,<space>,<times>\n",
			fail_kalloc);
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	ka_fail_dir = fault_create_debugfs_attr("fail_kalloc", NULL, &ka_fail_attr);
	if (IS_ERR(ka_fail_dir))
		ka_fail_dir = NULL;
#endif
}

void ka_fault_exit(void)
{
	debugfs_remove_recursive(ka_fail_dir);
}
#else
bool ka_fail_alloc(gfp_t gfp, size_t size)
{
	return false;
}

void ka_fault_init(void)
{
	if (fail_kalloc)
		pr_warn("fail_kalloc=%s: this kernel has no CONFIG_FAULT_INJECTION\n", fail_kalloc);
}

void ka_fault_exit(void)
{
}
#endif
