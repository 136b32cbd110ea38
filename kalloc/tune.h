/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parameters changed in a running kernel (Documentation/options.rst,
 * "Changing parameters at run time"), for the sysfs files.
 */
#ifndef _KALLOC_TUNE_H
#define _KALLOC_TUNE_H

#include "options.h"

/* The options the module was loaded with, as the ones in force. */
void ka_tune_init(const struct ka_opts *o);

/*
 * Applies erts-style option string @str over the options in force: checked
 * as at load, then refused (-EINVAL, the reason in @err, nothing changed)
 * if it changes a parameter that acts only at load; otherwise every class
 * it changes takes its new parameters, each instance under its lock.
 * May sleep.
 */
int ka_tune_apply(const char *str, char *err, size_t errlen);

/* Parameter @i of class @c in force, as ka_opts_class_show() gives it. */
int ka_tune_show(enum ka_class c, unsigned int i, char *buf, size_t len);

/* Whether parameter @i of a class may change after the load. */
bool ka_tune_live(unsigned int i);

/* Every class parameter in force as one option string, with a newline. */
int ka_tune_show_all(char *buf, size_t len);

#endif /* _KALLOC_TUNE_H */
