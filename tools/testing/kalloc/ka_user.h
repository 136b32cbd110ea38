/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-space side of kalloc/core/core.h: the kernel's tools/include headers
 * (the same ones perf and tools/testing/vma build on) plus the few things the
 * core needs that they lack.
 */
#ifndef _KA_USER_H
#define _KA_USER_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/align.h>
#include <linux/math.h>
#include <linux/build_bug.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/rbtree_augmented.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <asm/bug.h>

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096UL
#endif
#ifndef BITS_PER_LONG
#define BITS_PER_LONG 64
#endif
#ifndef PAGE_ALIGNED
#define PAGE_ALIGNED(x) (((unsigned long)(x) & (PAGE_SIZE - 1)) == 0)
#endif
#ifndef ALIGN_DOWN
#define ALIGN_DOWN(x, a) ((x) & ~((typeof(x))(a) - 1))
#endif
#ifndef clamp_t
#define clamp_t(type, val, lo, hi) clamp((type)(val), (type)(lo), (type)(hi))
#endif
#ifndef max3
#define max3(x, y, z) max((typeof(x))max(x, y), z)
#endif

static inline unsigned long __ka_ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

#ifndef __ffs
#define __ffs(w) __ka_ffs(w)
#endif

static inline void ka_half_or(unsigned int *w, unsigned int bits)
{
	__atomic_fetch_or(w, bits, __ATOMIC_RELAXED);
}

static inline void ka_half_andnot(unsigned int *w, unsigned int bits)
{
	__atomic_fetch_and(w, ~bits, __ATOMIC_RELAXED);
}

static inline bool ka_half_try_cmpxchg(unsigned int *w, unsigned int *old, unsigned int new)
{
	return __atomic_compare_exchange_n(w, old, new, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_RELAXED);
}

static inline unsigned int ka_popcount(unsigned long w)
{
	return __builtin_popcountl(w);
}

/* No init_on_free in user space: blocks keep their bytes when freed. */
static inline bool ka_core_init_on_free(void)
{
	return false;
}

static inline void *ka_core_zalloc_gfp(size_t size, gfp_t gfp)
{
	return calloc(1, size);
}

static inline void *ka_core_mag_alloc(size_t size)
{
	return malloc(size);
}

static inline void ka_core_free(void *ptr)
{
	free(ptr);
}

static inline u64 ka_core_next_birth(void)
{
	static u64 births;

	return __atomic_add_fetch(&births, 1, __ATOMIC_RELAXED);
}

/* User-space sources have no vmalloc to fall back to. */
static inline gfp_t ka_gfp_no_vmalloc(gfp_t gfp)
{
	return gfp;
}

/* Reports of misuse; the user-space programs count them (ka_user.c). */
extern unsigned long ka_user_reports;
extern bool ka_user_verbose;
__printf(1, 2) void ka_report(const char *fmt, ...);

/* A carrier source over posix_memalign; pages it gives back become PROT_NONE. */
struct ka_source;
struct ka_carrier;
extern struct ka_source ka_user_plain_source;
bool ka_user_give_back(struct ka_source *s, struct ka_carrier *c, unsigned long start,
		       unsigned long end);
size_t ka_user_unhole(struct ka_carrier *c);

/*
 * Instance @inst, made with @p, takes strategy @as as ka_cpu_params_set()
 * makes it take one: index memory first, then the change. 0 or its error.
 */
struct ka_instance;
struct ka_params;
int ka_user_strategy_set(struct ka_instance *inst, const struct ka_params *p, int as);

#endif /* _KA_USER_H */
