/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The concurrent stress of the per-CPU layer, shared by kalloc_cpu (plain)
 * and kalloc_fault (with injected faults): threads on every CPU allocate,
 * zero-allocate, reallocate and free blocks of six types in five classes,
 * most freed by another CPU, while the last CPU goes offline and back and
 * the statistics are read. Every block's fill pattern is checked.
 */
#ifndef _KALLOC_PCPU_TESTS_STRESS_H
#define _KALLOC_PCPU_TESTS_STRESS_H

#include <kunit/test.h>
#include <linux/completion.h>

#include "../../internal.h"

#define STRESS_SLOTS	256
#define STRESS_TYPES	6

struct stress_hdr {		/* at the start of every stress block */
	u32 size;
	u8 type, seed;
};

struct stress {
	struct ka_type *types[STRESS_TYPES];
	atomic_long_t slot[STRESS_SLOTS];
	atomic_t bad, running;
	/* with injected faults: NULLs from an allocation, old blocks a realloc kept */
	atomic_t nulls, kept;
	atomic_t zero_bad;
	unsigned int ops;
	bool faults;
	struct completion done;
};

extern const enum ka_class ka_stress_cls[STRESS_TYPES];

struct stress *ka_stress_run(struct kunit *test, unsigned int ops, bool faults);
void ka_stress_expect_balanced(struct kunit *test, struct stress *s, bool failures);

#endif /* _KALLOC_PCPU_TESTS_STRESS_H */
