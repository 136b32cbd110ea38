// SPDX-License-Identifier: GPL-2.0
/*
 * Class defaults and the erts-style option string.
 *
 * "+M<S><param> <value>": <S> is a class letter (T temp, S sl, D std, L ll,
 * F fix, B buffer, R driver), u for every class, or M for the segment source.
 * Sizes are in KiB as in erts (scs in MiB). A name or value that is not valid
 * is refused with a message naming it; nothing is clamped or ignored.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"
#include "options.h"
#include "pool.h"

#define KIB	1024UL
#define NO_SBC	(KA_MAX_REQUEST + 1)	/* sbct above any request: no SBCs */

struct class_default {
	enum ka_as as;
	size_t sbct, mmbcs, smbcs, lmbcs;
	unsigned int acul_de;	/* what acul "de" means for the class, as erts */
};

/*
 * erts_alloc's strategies, with carrier sizes scaled to a kernel's per-CPU
 * instances: lmbcs stays within what the page allocator serves in one piece
 * (4 MiB) and main carriers are small, as every CPU has one per class.
 */
static const struct class_default class_defaults[KA_NR_CLASSES] = {
	[KA_CLASS_TEMP]   = { KA_AS_AF,   512 * KIB, 64 * KIB, 64 * KIB,  1024 * KIB, 0 },
	[KA_CLASS_SL]     = { KA_AS_GF,   512 * KIB, 32 * KIB, 128 * KIB, 2048 * KIB, 60 },
	[KA_CLASS_STD]    = { KA_AS_BF,   512 * KIB, 32 * KIB, 128 * KIB, 2048 * KIB, 60 },
	[KA_CLASS_LL]     = { KA_AS_AOBF, NO_SBC,    64 * KIB, 256 * KIB, 4096 * KIB, 85 },
	[KA_CLASS_FIX]    = { KA_AS_AOBF, 512 * KIB, 32 * KIB, 128 * KIB, 2048 * KIB, 60 },
	[KA_CLASS_BUFFER] = { KA_AS_BF,   512 * KIB, 0,        256 * KIB, 4096 * KIB, 60 },
	[KA_CLASS_DRIVER] = { KA_AS_BF,   512 * KIB, 32 * KIB, 128 * KIB, 2048 * KIB, 60 },
};

/*
 * erts's rule: carriers migrate only with a strategy that keeps a free-block
 * index per carrier, so with acul on any other strategy becomes aoffcbf.
 * acful never exceeds acul.
 */
static void finalize(struct ka_opts *o)
{
	int c;

	for (c = 0; c < KA_NR_CLASSES; c++) {
		struct ka_class_opts *co = &o->cls[c];

		co->p.as = co->as;
		if (co->p.acul && !ka_strategy_get(co->as)->carrier_attach)
			co->p.as = KA_AS_AOFFCBF;
		if (co->acful_de)
			co->p.acful = co->p.acul > 20 ? co->p.acul - 20 : 0;
		co->p.acful = min(co->p.acful, co->p.acul);
	}
}

void ka_opts_fix_layout(struct ka_opts *o)
{
	int c;

	for (c = 0; c < KA_NR_CLASSES; c++)
		o->cls[c].p.blk_min = ka_strategy_min_block(ka_strategy_get(o->cls[c].p.as));
}

void ka_opts_default(struct ka_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	for (c = 0; c < KA_NR_CLASSES; c++) {
		struct ka_params *p = &o->cls[c].p;

		ka_params_default(p);
		p->as = class_defaults[c].as;
		p->sbct = class_defaults[c].sbct;
		p->mmbcs = class_defaults[c].mmbcs;
		p->smbcs = class_defaults[c].smbcs;
		p->lmbcs = class_defaults[c].lmbcs;
		/* as erts: tags on for the buffer and driver allocators */
		p->atags = c == KA_CLASS_BUFFER || c == KA_CLASS_DRIVER;
		/*
		 * kmem_cache objects (fix) and the shim's kmalloc blocks (driver)
		 * must be in the direct map: virt_to_page() users (list_lru)
		 */
		p->dmap = c == KA_CLASS_FIX || c == KA_CLASS_DRIVER;
		/* as erts since 17: carriers migrate by default ("de") */
		p->acul = class_defaults[c].acul_de;
		/* unlike erts (0): free pages go back by default, "de" (sources.rst) */
		o->cls[c].acful_de = true;
		o->cls[c].as = class_defaults[c].as;
		o->cls[c].pool = c;
		o->cls[c].enabled = true;
	}
	ka_seg_params_default(&o->seg);
	finalize(o);
}

enum kind { K_SIZE_KIB, K_UINT, K_PCT, K_BOOL, K_AS, K_SIZE };

struct param {
	const char *name;	/* erts's */
	const char *plain;	/* the sysfs file's (Documentation/options.rst) */
	enum kind kind;
	size_t off;		/* in struct ka_params, or struct ka_seg_params for M */
	size_t size;		/* of the field: sizeof(size_t), unsigned int or bool */
	unsigned long min, max;
};

/* Parameters are named as the fields they set. */
static const struct param class_params[] = {
	{ "sbct", "sbc_threshold", K_SIZE_KIB, offsetof(struct ka_params, sbct),
	  sizeof_field(struct ka_params, sbct), 1, 4UL << 20 },
	{ "mmbcs", "main_carrier_size", K_SIZE_KIB, offsetof(struct ka_params, mmbcs),
	  sizeof_field(struct ka_params, mmbcs), 0, KA_CARRIER_MAX / KIB },
	{ "smbcs", "smallest_carrier_size", K_SIZE_KIB, offsetof(struct ka_params, smbcs),
	  sizeof_field(struct ka_params, smbcs), 16, KA_CARRIER_MAX / KIB },
	{ "lmbcs", "largest_carrier_size", K_SIZE_KIB, offsetof(struct ka_params, lmbcs),
	  sizeof_field(struct ka_params, lmbcs), 16, KA_CARRIER_MAX / KIB },
	{ "mbcgs", "carrier_growth_stages", K_UINT, offsetof(struct ka_params, mbcgs),
	  sizeof_field(struct ka_params, mbcgs), 1, 1000 },
	{ "ycs", "sys_carrier_size", K_SIZE_KIB, offsetof(struct ka_params, ycs),
	  sizeof_field(struct ka_params, ycs), 16, KA_CARRIER_MAX / KIB },
	{ "mbsd", "max_search_depth", K_UINT, offsetof(struct ka_params, mbsd),
	  sizeof_field(struct ka_params, mbsd), 1, 1000 },
	{ "ramv", "realloc_always_moves", K_BOOL, offsetof(struct ka_params, ramv),
	  sizeof_field(struct ka_params, ramv), 0, 1 },
	{ "atags", "alloc_tags", K_BOOL, offsetof(struct ka_params, atags),
	  sizeof_field(struct ka_params, atags), 0, 1 },
	{ "rmbcmt", "shrink_move_ratio", K_PCT, offsetof(struct ka_params, rmbcmt),
	  sizeof_field(struct ka_params, rmbcmt), 0, 100 },
	{ "rsbcmt", "sbc_move_ratio", K_PCT, offsetof(struct ka_params, rsbcmt),
	  sizeof_field(struct ka_params, rsbcmt), 0, 100 },
	{ "rsbcst", "sbc_shrink_ratio", K_PCT, offsetof(struct ka_params, rsbcst),
	  sizeof_field(struct ka_params, rsbcst), 0, 100 },
	{ "asbcst", "sbc_shrink_bytes", K_SIZE_KIB, offsetof(struct ka_params, asbcst),
	  sizeof_field(struct ka_params, asbcst), 0, KA_CARRIER_MAX / KIB },
	{ "mmmbc", "max_seg_mbcs", K_UINT, offsetof(struct ka_params, mmmbc),
	  sizeof_field(struct ka_params, mmmbc), 0, UINT_MAX },
	{ "mmsbc", "max_seg_sbcs", K_UINT, offsetof(struct ka_params, mmsbc),
	  sizeof_field(struct ka_params, mmsbc), 0, UINT_MAX },
	{ "as", "strategy", K_AS, offsetof(struct ka_params, as),
	  sizeof_field(struct ka_params, as), 0, KA_NR_AS - 1 },
	{ "acul", "abandon_limit", K_PCT, offsetof(struct ka_params, acul),
	  sizeof_field(struct ka_params, acul), 0, 100 },
	{ "acful", "give_back_limit", K_PCT, offsetof(struct ka_params, acful),
	  sizeof_field(struct ka_params, acful), 0, 100 },
	{ "acnl", "pool_max_carriers", K_UINT, offsetof(struct ka_params, acnl),
	  sizeof_field(struct ka_params, acnl), 0, UINT_MAX },
	{ "acfml", "abandon_min_free", K_SIZE, offsetof(struct ka_params, acfml),
	  sizeof_field(struct ka_params, acfml), 0, KA_CARRIER_MAX },
	{ "fcmax", "front_cache_max", K_SIZE, offsetof(struct ka_params, fcmax),
	  sizeof_field(struct ka_params, fcmax), 0, KA_FRONT_MAX },
	{ "dmap", "direct_map", K_BOOL, offsetof(struct ka_params, dmap),
	  sizeof_field(struct ka_params, dmap), 0, 1 },
};

static const struct param seg_params[] = {
	{ "mcs", "max_cached_segments", K_UINT, offsetof(struct ka_seg_params, mcs),
	  sizeof_field(struct ka_seg_params, mcs), 0, KA_MCS_MAX },
	{ "amcbf", "cache_bad_fit_bytes", K_SIZE_KIB, offsetof(struct ka_seg_params, amcbf),
	  sizeof_field(struct ka_seg_params, amcbf), 0, KA_CARRIER_MAX / KIB },
	{ "rmcbf", "cache_bad_fit_ratio", K_UINT, offsetof(struct ka_seg_params, rmcbf),
	  sizeof_field(struct ka_seg_params, rmcbf), 0, 100000 },
	{ "scs", "super_carrier_size", K_UINT, offsetof(struct ka_seg_params, scs),
	  sizeof_field(struct ka_seg_params, scs), 0, 64 * 1024 },	/* MiB, made bytes below */
	{ "sco", "super_carrier_only", K_BOOL, offsetof(struct ka_seg_params, sco),
	  sizeof_field(struct ka_seg_params, sco), 0, 1 },
};

static int class_of_letter(char letter)
{
	enum ka_class c;

	for (c = 0; c < KA_NR_CLASSES; c++)
		if (ka_class_letter(c) == letter)
			return c;
	return -1;
}

/* Parses @val for @prm into @out (bytes for sizes); message in @err on failure. */
static int parse_value(const struct param *prm, const char *flag, const char *val,
		       unsigned long *out, char *err, size_t errlen)
{
	unsigned long v;
	int as;

	switch (prm->kind) {
	case K_BOOL:
		if (!strcmp(val, "true") || !strcmp(val, "false")) {
			*out = !strcmp(val, "true");
			return 0;
		}
		snprintf(err, errlen, "%s: '%s' is not true or false", flag, val);
		return -EINVAL;
	case K_AS:
		as = ka_strategy_parse(val);
		if (as < 0) {
			snprintf(err, errlen, "%s: '%s' is not an allocation strategy", flag, val);
			return -EINVAL;
		}
		*out = as;
		return 0;
	default:
		if (kstrtoul(val, 10, &v)) {
			snprintf(err, errlen, "%s: '%s' is not a number", flag, val);
			return -EINVAL;
		}
		if (v < prm->min || v > prm->max) {
			snprintf(err, errlen, "%s: %lu is out of range %lu..%lu", flag, v,
				 prm->min, prm->max);
			return -EINVAL;
		}
		*out = prm->kind == K_SIZE_KIB ? v * KIB : v;
		return 0;
	}
}

static void store(void *base, const struct param *prm, unsigned long v)
{
	void *field = (char *)base + prm->off;

	if (prm->size == sizeof(size_t))
		*(size_t *)field = v;
	else if (prm->size == sizeof(unsigned int))
		*(unsigned int *)field = v;
	else
		*(bool *)field = v;
}

static const struct param *lookup(const struct param *tab, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	return NULL;
}

static int no_temp_pool(const char *flag, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: the temp class cannot migrate carriers", flag);
	return -EINVAL;
}

/* cp: a class letter, @ for the pool all classes may share, : for the class's own. */
static int apply_cp(struct ka_opts *o, const char *flag, const char *val, int first, int last,
		    char *err, size_t errlen)
{
	int c, pool = -1;

	if (!strcmp(val, "@"))
		pool = KA_POOL_SHARED;
	else if (strlen(val) == 1 && val[0] != ':')
		pool = class_of_letter(val[0]);
	if (pool < 0 && strcmp(val, ":")) {
		snprintf(err, errlen, "%s: '%s' is not a class letter, @ or :", flag, val);
		return -EINVAL;
	}
	for (c = first; c <= last; c++)
		o->cls[c].pool = pool < 0 ? c : pool;
	return 0;
}

static int apply(struct ka_opts *o, const char *flag, const char *val, char *err, size_t errlen)
{
	char sys = flag[2];
	const char *name = flag + 3;
	const struct param *prm;
	unsigned long v = 0;
	int c, first, last, ret;
	bool de;

	if (sys == 'M') {
		prm = lookup(seg_params, ARRAY_SIZE(seg_params), name);
		if (!prm)
			goto unknown;
		ret = parse_value(prm, flag, val, &v, err, errlen);
		if (ret)
			return ret;
		store(&o->seg, prm, !strcmp(name, "scs") ? v << 20 : v);
		return 0;
	}
	if (sys == 'u') {
		first = 0;
		last = KA_NR_CLASSES - 1;
	} else {
		first = class_of_letter(sys);
		last = first;
		if (first < 0) {
			snprintf(err, errlen, "%s: no allocator class has the letter '%c'",
				 flag, sys);
			return -EINVAL;
		}
	}
	if (!strcmp(name, "e")) {
		prm = &(const struct param){ "e", "enabled", K_BOOL, 0, sizeof(bool), 0, 1 };
		ret = parse_value(prm, flag, val, &v, err, errlen);
		if (ret)
			return ret;
		for (c = first; c <= last; c++) {
			if (c == KA_CLASS_TEMP && !v) {
				snprintf(err, errlen, "%s: temp cannot be disabled", flag);
				return -EINVAL;
			}
			o->cls[c].enabled = v;
		}
		return 0;
	}
	if (!strcmp(name, "cp"))
		return apply_cp(o, flag, val, first, last, err, errlen);
	prm = lookup(class_params, ARRAY_SIZE(class_params), name);
	if (!prm)
		goto unknown;
	/* "de": the class's recommended value, decided per class below */
	de = (!strcmp(name, "acul") || !strcmp(name, "acful")) && !strcmp(val, "de");
	if (!de) {
		ret = parse_value(prm, flag, val, &v, err, errlen);
		if (ret)
			return ret;
	}
	for (c = first; c <= last; c++) {
		/* erts refuses af everywhere but temp_alloc: it only suits scratch memory */
		if (prm->kind == K_AS && v == KA_AS_AF && c != KA_CLASS_TEMP) {
			snprintf(err, errlen, "%s: af is only for the temp class", flag);
			return -EINVAL;
		}
		if (!strcmp(name, "acful")) {
			o->cls[c].acful_de = de;
			if (de)
				continue;
		}
		if (!strcmp(name, "acul")) {
			if (de)
				v = class_defaults[c].acul_de;
			/* as erts: temp memory never leaves its CPU, so it has no pool */
			if (c == KA_CLASS_TEMP && v && first == last)
				return no_temp_pool(flag, err, errlen);
			if (c == KA_CLASS_TEMP)
				continue;
		}
		if (prm->kind == K_AS)
			o->cls[c].as = v;
		store(&o->cls[c].p, prm, v);
	}
	return 0;

unknown:
	snprintf(err, errlen, "%s: unknown parameter '%s'", flag, name);
	return -EINVAL;
}

/* ---- the parameters one by one, for the sysfs files (kalloc/tune.c) ---- */

/* A class's parameters: the table's, then enabled and pool. */
#define NR_CLASS_PARAMS	(ARRAY_SIZE(class_params) + 2)

unsigned int ka_opts_class_nparams(void)
{
	return NR_CLASS_PARAMS;
}

const char *ka_opts_class_param(unsigned int i, const char **erts)
{
	static const char *const extra[][2] = { { "enabled", "e" }, { "pool", "cp" } };

	if (i < ARRAY_SIZE(class_params)) {
		*erts = class_params[i].name;
		return class_params[i].plain;
	}
	i -= ARRAY_SIZE(class_params);
	if (i >= ARRAY_SIZE(extra))
		return NULL;
	*erts = extra[i][1];
	return extra[i][0];
}

static unsigned long fetch(const void *base, const struct param *prm)
{
	const void *field = (const char *)base + prm->off;

	if (prm->size == sizeof(size_t))
		return *(const size_t *)field;
	if (prm->size == sizeof(unsigned int))
		return *(const unsigned int *)field;
	return *(const bool *)field;
}

/* Parameter @i of class @c in @o as the option string writes it; its length. */
int ka_opts_class_show(const struct ka_opts *o, enum ka_class c, unsigned int i, char *buf,
		       size_t len)
{
	const struct ka_class_opts *co = &o->cls[c];
	const struct param *prm;
	unsigned long v;

	if (i == ARRAY_SIZE(class_params))
		return scnprintf(buf, len, "%s\n", co->enabled ? "true" : "false");
	if (i == ARRAY_SIZE(class_params) + 1)
		return scnprintf(buf, len, "%c\n", co->pool == KA_POOL_SHARED ? '@' :
				 ka_class_letter(co->pool));
	prm = &class_params[i];
	v = fetch(&co->p, prm);
	switch (prm->kind) {
	case K_BOOL:
		return scnprintf(buf, len, "%s\n", v ? "true" : "false");
	case K_AS:
		/* as asked: <class>/info in debugfs shows the one in force */
		return scnprintf(buf, len, "%s\n", ka_strategy_get(co->as)->name);
	case K_SIZE_KIB:
		return scnprintf(buf, len, "%lu\n", DIV_ROUND_UP(v, KIB));
	default:
		return scnprintf(buf, len, "%lu\n", v);
	}
}

int ka_opts_parse(struct ka_opts *o, const char *str, char *err, size_t errlen)
{
	char *copy, *cur, *flag, *val;
	int ret = 0;

	if (!str)
		return 0;
	copy = kstrdup(str, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cur = copy;
	for (;;) {
		do
			flag = strsep(&cur, " \t\n");
		while (flag && !*flag);
		if (!flag)
			break;
		if (strncmp(flag, "+M", 2) || strlen(flag) < 4) {
			snprintf(err, errlen, "'%s' is not a +M<S><param> flag", flag);
			ret = -EINVAL;
			break;
		}
		do
			val = strsep(&cur, " \t\n");
		while (val && !*val);
		if (!val) {
			snprintf(err, errlen, "%s: no value", flag);
			ret = -EINVAL;
			break;
		}
		ret = apply(o, flag, val, err, errlen);
		if (ret)
			break;
	}
	kfree(copy);
	if (!ret)
		finalize(o);
	return ret;
}
