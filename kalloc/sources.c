// SPDX-License-Identifier: GPL-2.0
/*
 * The module's shared carrier sources.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "internal.h"
#include "seg.h"
#include "sys.h"

struct ka_seg ka_seg_global;
EXPORT_SYMBOL_IF_KUNIT(ka_seg_global);
struct ka_sys ka_sys_global;

int ka_sources_init(const struct ka_seg_params *p)
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

void ka_sources_exit(void)
{
	ka_seg_destroy(&ka_seg_global);
}
