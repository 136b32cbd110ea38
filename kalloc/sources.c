// SPDX-License-Identifier: GPL-2.0
/*
 * The module's shared carrier sources, configured at load with erts's
 * segment-source parameters. Out-of-range values are refused, never clamped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>

#include "internal.h"
#include "seg.h"
#include "sys.h"

static unsigned int mcs = 10;
module_param(mcs, uint, 0444);
MODULE_PARM_DESC(mcs, "max cached segments, 0..30 (erts +MMmcs)");

static unsigned int amcbf = 4096;
module_param(amcbf, uint, 0444);
MODULE_PARM_DESC(amcbf, "absolute max cache bad fit, KiB (erts +MMamcbf)");

static unsigned int rmcbf = 20;
module_param(rmcbf, uint, 0444);
MODULE_PARM_DESC(rmcbf, "relative max cache bad fit, percent (erts +MMrmcbf)");

static unsigned int scs;
module_param(scs, uint, 0444);
MODULE_PARM_DESC(scs, "super carrier size, MiB; 0: none (erts +MMscs)");

static bool sco = true;
module_param(sco, bool, 0444);
MODULE_PARM_DESC(sco, "super carrier only (erts +MMsco)");

struct ka_seg ka_seg_global;
struct ka_sys ka_sys_global;

int ka_sources_init(void)
{
	struct ka_seg_params p;
	int err;

	if (mcs > KA_MCS_MAX) {
		pr_err("mcs=%u is out of range 0..%d\n", mcs, KA_MCS_MAX);
		return -EINVAL;
	}
	if (scs > 64 * 1024) {
		pr_err("scs=%u MiB is more than the 64 GiB kalloc accepts\n", scs);
		return -EINVAL;
	}
	ka_seg_params_default(&p);
	p.mcs = mcs;
	p.amcbf = (size_t)amcbf * 1024;
	p.rmcbf = rmcbf;
	p.scs = (size_t)scs << 20;
	p.sco = sco;
	err = ka_seg_init(&ka_seg_global, &p);
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
