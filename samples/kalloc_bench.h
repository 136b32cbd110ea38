/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark module's files share (samples/kalloc_bench.c holds
 * P1-P4, samples/kalloc_bench_footprint.c P5, samples/kalloc_bench_replay.c
 * the replay of a recorded stream).
 */
#ifndef _KALLOC_BENCH_H
#define _KALLOC_BENCH_H

#include <linux/types.h>
#include <kalloc.h>

/* Who serves a figure: the kernel's allocators, then one kalloc type per class. */
/* The kernel's allocators, then one type of each kalloc class, then a fixed-size type. */
enum who {
	KMALLOC, KMEM_CACHE, VMALLOC, KVMALLOC, KA_FIRST,
	KA_FIXED = KA_FIRST + KA_NR_CLASSES,
};

#define NR_WHO KA_FIXED

void *get(enum who w, size_t size);
void put(enum who w, void *p);
/* One raw line: "kalloc_bench: R <measure> <param> <who> <value>". */
void result(const char *measure, size_t param, enum who w, u64 value);
/* Lets what one figure released settle before the next is taken. */
void settle(void);
/* @n divided by the scale parameter, at least 1. */
unsigned int bench_count(unsigned int n);

/* Column @column of the row named @key in a kalloc debugfs view (0 if none). */
u64 bench_view_figure(const char *file, const char *key, int column);

int bench_footprint(void);
long bench_replay(void *unused);

#endif /* _KALLOC_BENCH_H */
