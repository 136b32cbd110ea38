// SPDX-License-Identifier: GPL-2.0
/*
 * Parameters changed in a running kernel. A change is an erts-style option
 * string over the options in force, checked by the load-time parser, so a
 * value is valid at run time exactly when it is valid at load. What it
 * changes reaches each instance under the instance's lock: from its next
 * operation the instance follows the new value, and carriers already made
 * keep their size, source and strategy (Documentation/options.rst).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"
#include "pcpu/pcpu.h"
#include "pcpu/cpu.h"
#include "tune.h"

/* Serializes changes; the options in force. */
static DEFINE_MUTEX(ka_tune_lock);
static struct ka_opts ka_tune_now;

/*
 * What acts only at load, and why: every block's layout (tags), each
 * carrier's memory kind (direct map), whether a class has front caches at
 * all, and the carrier pool are made once for it; a class enabled or not
 * decides where its types' blocks live; the segment source is shared by
 * every class. The strategy changes within the block layout of load
 * (check_live()).
 */
static const char *const load_only[] = {
	"atags", "dmap", "e", "cp",
};

void ka_tune_init(const struct ka_opts *o)
{
	mutex_lock(&ka_tune_lock);
	ka_tune_now = *o;
	mutex_unlock(&ka_tune_lock);
}

bool ka_tune_live(unsigned int i)
{
	const char *erts;
	int k;

	if (!ka_opts_class_param(i, &erts))
		return false;
	for (k = 0; k < ARRAY_SIZE(load_only); k++)
		if (!strcmp(erts, load_only[k]))
			return false;
	return true;
}

static int refuse(char *err, size_t errlen, enum ka_class c, const char *erts, const char *why)
{
	snprintf(err, errlen, "+M%c%s: %s", ka_class_letter(c), erts, why);
	return -EINVAL;
}

/* Whether @next changes only what may change in a running kernel. */
static int check_live(const struct ka_opts *now, const struct ka_opts *next, char *err,
		      size_t errlen)
{
	const char *at_load = "takes effect only at load";
	enum ka_class c;

	if (memcmp(&now->seg, &next->seg, sizeof(now->seg))) {
		snprintf(err, errlen, "+MM: the segment source's parameters act only at load");
		return -EINVAL;
	}
	for (c = 0; c < KA_NR_CLASSES; c++) {
		const struct ka_class_opts *o = &now->cls[c], *n = &next->cls[c];
		const struct ka_strategy *strat = ka_strategy_get(n->p.as);
		const struct ka_class_state *cs = &ka_class_states[c];

		/* the parser already made a migrating class's strategy carrier-oriented */
		if (!ka_strategy_fits(strat, n->p.blk_min, n->p.acul)) {
			char why[128];

			snprintf(why, sizeof(why),
				 "%s indexes no free block under %zu bytes, and blocks of %zu exist: reload",
				 strat->name, ka_strategy_min_block(strat), (size_t)n->p.blk_min);
			return refuse(err, errlen, c, "as", why);
		}
		if (o->p.atags != n->p.atags)
			return refuse(err, errlen, c, "atags", at_load);
		if (o->p.dmap != n->p.dmap)
			return refuse(err, errlen, c, "dmap", at_load);
		if (cs->enabled && o->p.fcmax != n->p.fcmax && (!cs->shape.max || !n->p.fcmax))
			return refuse(err, errlen, c, "fcmax",
				      "turning the front caches on or off takes effect only at load");
		if (o->enabled != n->enabled)
			return refuse(err, errlen, c, "e", at_load);
		if (o->pool != n->pool)
			return refuse(err, errlen, c, "cp", at_load);
		if (!o->p.acul != !n->p.acul)
			return refuse(err, errlen, c, "acul",
				      "turning carrier migration on or off takes effect only at load");
	}
	return 0;
}

int ka_tune_apply(const char *str, char *err, size_t errlen)
{
	struct ka_opts *next = kmalloc(sizeof(*next), GFP_KERNEL);
	enum ka_class c;
	int ret;

	if (!next)
		return -ENOMEM;
	mutex_lock(&ka_tune_lock);
	*next = ka_tune_now;
	ret = ka_opts_parse(next, str, err, errlen);
	if (!ret)
		ret = check_live(&ka_tune_now, next, err, errlen);
	/*
	 * Each class changes whole or not at all; one short of memory stops
	 * the rest, and the options in force say which classes changed.
	 */
	for (c = 0; !ret && c < KA_NR_CLASSES; c++) {
		if (!memcmp(&next->cls[c], &ka_tune_now.cls[c], sizeof(next->cls[c])))
			continue;
		if (memcmp(&next->cls[c].p, &ka_tune_now.cls[c].p, sizeof(next->cls[c].p)))
			ret = ka_cpu_params_set(&ka_class_states[c], &next->cls[c].p);
		if (ret)
			snprintf(err, errlen, "%s: no memory for the new strategy's indexes",
				 ka_class_name(c));
		else
			ka_tune_now.cls[c] = next->cls[c];
	}
	mutex_unlock(&ka_tune_lock);
	kfree(next);
	return ret;
}

int ka_tune_show(enum ka_class c, unsigned int i, char *buf, size_t len)
{
	int n;

	mutex_lock(&ka_tune_lock);
	n = ka_opts_class_show(&ka_tune_now, c, i, buf, len);
	mutex_unlock(&ka_tune_lock);
	return n;
}

int ka_tune_show_all(char *buf, size_t len)
{
	unsigned int i, nparams = ka_opts_class_nparams();
	const char *erts;
	enum ka_class c;
	char val[32];
	int n = 0;

	mutex_lock(&ka_tune_lock);
	for (c = 0; c < KA_NR_CLASSES; c++) {
		for (i = 0; i < nparams; i++) {
			ka_opts_class_param(i, &erts);
			ka_opts_class_show(&ka_tune_now, c, i, val, sizeof(val));
			strim(val);
			n += scnprintf(buf + n, len - n, "%s+M%c%s %s", n ? " " : "",
				       ka_class_letter(c), erts, val);
		}
	}
	mutex_unlock(&ka_tune_lock);
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}
