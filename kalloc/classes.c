// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator classes' names and erts option letters, for every layer
 * that names a class (options, per-CPU instances, views).
 */
#include <kunit/visibility.h>

#include "internal.h"

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
EXPORT_SYMBOL_IF_KUNIT(ka_class_name);

char ka_class_letter(enum ka_class class)
{
	return class < KA_NR_CLASSES ? ka_classes[class].letter : '?';
}
