/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load-time options in erts_alloc's syntax: "+M<S><param> <value> ...".
 * Documentation/options.rst has the table of letters, parameters and units.
 */
#ifndef _KALLOC_OPTIONS_H
#define _KALLOC_OPTIONS_H

#include <kalloc.h>

#include "core/instance.h"
#include "sources/seg.h"

struct ka_class_opts {
	struct ka_params p;	/* p.as is effective: aoffcbf when acul needs it */
	enum ka_as as;		/* the strategy asked for */
	bool acful_de;		/* acful "de": acul - 20, worked out once acul is known */
	unsigned int pool;	/* cp: index in ka_pools */
	bool enabled;		/* e: false sends the class's types to the sys source */
};

struct ka_opts {
	struct ka_class_opts cls[KA_NR_CLASSES];
	struct ka_seg_params seg;
};

void ka_opts_default(struct ka_opts *o);
int ka_opts_parse(struct ka_opts *o, const char *str, char *err, size_t errlen);
/*
 * Once the options are parsed at load: each class's smallest block, the
 * strategy's in force then, which stays for the life of the module (a
 * strategy changed later must index blocks that small; tune.c).
 */
void ka_opts_fix_layout(struct ka_opts *o);

/* A class's parameters one by one: their number, the plain and erts names of one. */
unsigned int ka_opts_class_nparams(void);
const char *ka_opts_class_param(unsigned int i, const char **erts);
/* Parameter @i of class @c as the option string would give it, with a newline. */
int ka_opts_class_show(const struct ka_opts *o, enum ka_class c, unsigned int i, char *buf,
		       size_t len);

#endif /* _KALLOC_OPTIONS_H */
