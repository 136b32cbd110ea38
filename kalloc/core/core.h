/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only kernel surface the allocator core (blocks, carriers, strategies,
 * instance, checker) uses. In the kernel these are the real headers; the
 * user-space build (tools/testing/kalloc) compiles the same sources against
 * the kernel's tools/include plus a thin shim.
 */
#ifndef _KALLOC_CORE_H
#define _KALLOC_CORE_H

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include <linux/kmemleak.h>
#include <linux/string.h>
#include <linux/types.h>

/* fail_kalloc (fault.c): whether this allocation of kalloc's own is to fail. */
bool ka_fail_alloc(gfp_t gfp, size_t size);

static inline void *ka_core_zalloc_gfp(size_t size, gfp_t gfp)
{
	if (ka_fail_alloc(gfp, size))
		return NULL;
	return kzalloc(size, gfp);
}

/*
 * A magazine, where the caller may not sleep. Out of kmemleak's view: its
 * slots beyond the count keep stale pointers to blocks handed out since,
 * which would hide their leaks if scanned.
 */
static inline void *ka_core_mag_alloc(size_t size)
{
	void *m;

	if (ka_fail_alloc(GFP_NOWAIT, size))
		return NULL;
	m = kmalloc(size, GFP_NOWAIT | __GFP_NOWARN);
	if (m)
		kmemleak_ignore(m);
	return m;
}

static inline void ka_core_free(void *ptr)
{
	kfree(ptr);
}

/* Atomic operations on the high half of a block header (blocks of other CPUs are claimed). */
static inline void ka_half_or(unsigned int *w, unsigned int bits)
{
	atomic_or(bits, (atomic_t *)w);
}

static inline void ka_half_andnot(unsigned int *w, unsigned int bits)
{
	atomic_andnot(bits, (atomic_t *)w);
}

static inline bool ka_half_try_cmpxchg(unsigned int *w, unsigned int *old, unsigned int new)
{
	return try_cmpxchg(w, old, new);
}

static inline unsigned int ka_popcount(unsigned long w)
{
	return hweight_long(w);
}

/* init_on_free=1: a freed block's bytes are wiped, as kmalloc's are. */
static inline bool ka_core_init_on_free(void)
{
	return want_init_on_free();
}

/* Misuse of the allocator: a report, or counted when a test expects it. */
__printf(1, 2) void ka_report(const char *fmt, ...);
#if IS_ENABLED(CONFIG_KUNIT)
void ka_report_sink_set(atomic_t *sink);
#endif

/* Carrier birth numbers, unique and rising across all instances. */
u64 ka_core_next_birth(void);

/* @gfp without the hard retries that let a source fall back to vmalloc (pages.c). */
static inline gfp_t ka_gfp_no_vmalloc(gfp_t gfp)
{
	return gfp | __GFP_NORETRY;
}
#else
#include "ka_user.h"
#endif

/*
 * The last bit set in @map below @bit, or @bit if none: find_last_bit(),
 * here because lib/find_bit is instrumented and kalloc's maps lie in
 * poisoned carrier memory.
 */
static inline size_t ka_find_last_bit(const unsigned long *map, size_t bit)
{
	size_t w = bit / BITS_PER_LONG;
	unsigned long word;

	if (bit % BITS_PER_LONG) {
		word = map[w] & (~0UL >> (BITS_PER_LONG - bit % BITS_PER_LONG));
		if (word)
			return w * BITS_PER_LONG + __fls(word);
	}
	while (w--)
		if (map[w])
			return w * BITS_PER_LONG + __fls(map[w]);
	return bit;
}

/* The first bit set in @map from @bit on, below @nbits; @nbits if none. */
static inline size_t ka_find_next_bit(const unsigned long *map, size_t bit, size_t nbits)
{
	size_t w = bit / BITS_PER_LONG;
	unsigned long word;

	if (bit >= nbits)
		return nbits;
	word = map[w] & (~0UL << (bit % BITS_PER_LONG));
	for (;;) {
		if (word) {
			bit = w * BITS_PER_LONG + __ffs(word);
			return bit < nbits ? bit : nbits;
		}
		if (++w * BITS_PER_LONG >= nbits)
			return nbits;
		word = map[w];
	}
}

#endif /* _KALLOC_CORE_H */
