/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The consistency checker: walks an instance and verifies every invariant of
 * its carriers, blocks, index and statistics. Failures are collected, not
 * printed, so tests can assert on them without a splat.
 */
#ifndef _KALLOC_CHECK_H
#define _KALLOC_CHECK_H

#include "core.h"

struct ka_instance;
struct ka_index;

struct ka_check {
	unsigned int errors;
	char first[192];	/* the first failure, for the test's message */
	/* scratch of the walk */
	struct ka_instance *inst;
	struct ka_index *ix;	/* the index being checked */
	size_t indexed;		/* free blocks the strategy reported */
	size_t walked_free;	/* free blocks found walking the carriers */
};

__printf(2, 3) void ka_check_fail(struct ka_check *chk, const char *fmt, ...);

/*
 * Red-black shape of a tree: root black, no red node with a red child, the
 * same number of black nodes on every path, parent links right. Returns the
 * black height.
 */
int ka_check_rb(struct ka_check *chk, const struct rb_root *root, const char *what);

/* Runs every check on @inst; returns the number of failures (0: consistent). */
unsigned int ka_check_instance(struct ka_instance *inst, struct ka_check *chk);

#endif /* _KALLOC_CHECK_H */
