/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel's debugging tools see of a per-CPU instance's blocks
 * (Documentation/debugging.rst says why it is done this way):
 *
 * kmemleak: every block handed out is an object of the size asked for,
 * scanned, reported when unreachable; carriers are not objects
 * (sources/pages.c takes kmalloc's and vmalloc's record of them away), so
 * kmemleak never scans a carrier whole.
 *
 * KASAN (generic): exactly the bytes each caller asked for are accessible.
 * Invariant, for every carrier of a per-CPU instance (plumbing.c makes it
 * hold from birth to release): the carrier header is accessible; of the
 * blocks area, only [p, p + size) of each block p handed out for size bytes
 * is. Block headers, boundary tags, allocation tags, the tail past the size
 * asked for, and free, cached and queued blocks are poisoned. The per-CPU
 * layer moves the shadow as a block changes hands (alloc.c, cpu.c,
 * cpu_front.c); the files that read block memory for kalloc itself are built
 * without KASAN instrumentation (Kbuild), as mm/slub.c is.
 *
 * Without CONFIG_KASAN_GENERIC and CONFIG_DEBUG_KMEMLEAK all of it compiles
 * to nothing.
 */
#ifndef _KALLOC_DEBUG_H
#define _KALLOC_DEBUG_H

#include <linux/kasan.h>
#include <linux/kmemleak.h>

#include "compat.h"
#include "core/carrier.h"
#include "core/hole.h"
#include "core/instance.h"

#ifdef CONFIG_KASAN_GENERIC

/* Exported by mm/kasan/shadow.c; its prototype lives in KASAN's internal header. */
void kasan_poison(const void *addr, size_t size, u8 value, bool init);

#define KA_KASAN_GRANULE	BIT(KASAN_SHADOW_SCALE_SHIFT)
/* mm/kasan/kasan.h's values, so that reports name the bug as for a slab object */
#define KA_KASAN_REDZONE	0xFC	/* "slab-out-of-bounds" */
#define KA_KASAN_FREE		0xFB	/* "slab-use-after-free" */

/* Without KASAN_VMALLOC the vmalloc area's shadow is one shared read-only page. */
static inline bool ka_kasan_covers(const void *p)
{
	return IS_ENABLED(CONFIG_KASAN_VMALLOC) || !is_vmalloc_addr(p);
}

/* A new carrier: everything past its header is poisoned. */
static inline void ka_kasan_carrier_new(struct ka_carrier *c)
{
	if (ka_kasan_covers(c))
		kasan_poison(ka_crr_first(c), c->size - KA_CRR_HDR_SIZE, KA_KASAN_REDZONE, false);
}

/*
 * A carrier going back to its source leaves as it came: all accessible,
 * but for the pages it gave back, which are the page allocator's to mark.
 */
static inline void ka_kasan_carrier_gone(struct ka_carrier *c)
{
	unsigned long start, end;
	struct ka_hole_walk w;

	if (!ka_kasan_covers(c))
		return;
	if (!c->given_back) {
		kasan_poison(c, c->size, 0, false);
		return;
	}
	ka_hole_walk_init(&w, c);
	while (ka_hole_kept_next(&w, &start, &end))
		kasan_poison((void *)start, end - start, 0, false);
}

/*
 * Block @p goes to a caller who asked for @size bytes: those, to the byte
 * (a partial last granule holds its count), and no more. The rest of the
 * block and the next block's header become redzone, whatever they held
 * before, so that an overrun is reported as one (KASAN names the bug from
 * the granule after a partial one).
 */
static inline void ka_kasan_give(void *p, size_t size)
{
	const struct ka_block *b = ka_payload_blk(p);
	char *end = (char *)b + ka_blk_size(b);
	char *tail;

	if (!ka_kasan_covers(p))
		return;
	if (!ka_blk_last(b))
		end += KA_HDR_SIZE;
	tail = (char *)p + round_down(size, KA_KASAN_GRANULE);
	kasan_poison(p, tail - (char *)p, 0, false);
	if (tail < (char *)p + size) {
		*(u8 *)kasan_mem_to_shadow(tail) = (char *)p + size - tail;
		tail += KA_KASAN_GRANULE;
	}
	if (end > tail)
		kasan_poison(tail, end - tail, KA_KASAN_REDZONE, false);
}

/* The first @len bytes of block @p, a multiple of 8, are no longer anybody's. */
static inline void ka_kasan_take_range(const void *p, size_t len)
{
	if (ka_kasan_covers(p))
		kasan_poison(p, len, KA_KASAN_FREE, false);
}

/* Block @p leaves its caller: to a front cache, a remote queue or the instance. */
static inline void ka_kasan_take(const void *p)
{
	ka_kasan_take_range(p, ka_inst_usable_size(p));
}

/* What ka_debug_resized() needs of @p before a resize, read only under KASAN. */
static inline size_t ka_kasan_usable(const void *p)
{
	return ka_inst_usable_size(p);
}

#else

static inline void ka_kasan_carrier_new(struct ka_carrier *c) { }
static inline void ka_kasan_carrier_gone(struct ka_carrier *c) { }
static inline void ka_kasan_give(void *p, size_t size) { }
static inline void ka_kasan_take_range(const void *p, size_t len) { }
static inline void ka_kasan_take(const void *p) { }
static inline size_t ka_kasan_usable(const void *p) { return 0; }

#endif /* CONFIG_KASAN_GENERIC */

/*
 * Block @p goes to a caller who asked for @size bytes with @gfp; not under
 * kalloc's locks (kmemleak allocates its record with @gfp).
 */
static inline void ka_debug_give(void *p, size_t size, gfp_t gfp)
{
	ka_kasan_give(p, size);
	ka_kmemleak_alloc(p, size, gfp);
}

/* Block @p leaves its caller; any context. */
static inline void ka_debug_take(const void *p)
{
	kmemleak_free(p);
	ka_kasan_take(p);
}

/*
 * Block @p, whose first @had bytes were its caller's, was resized to @size
 * bytes where it is, under its instance's lock, which the caller still holds.
 */
static inline void ka_debug_resized(void *p, size_t had, size_t size)
{
	ka_kasan_take_range(p, had);
	ka_kasan_give(p, size);
	kmemleak_free(p);
	kmemleak_alloc(p, size, 1, GFP_ATOMIC);
}

/*
 * A resize moved its block to @p, @size bytes, under the instance's lock;
 * the old block left the tools before it was freed (ka_pcpu_hooks'
 * block_moved), since freeing it may give its carrier's memory back, to be
 * another CPU's at once.
 */
static inline void ka_debug_moved(void *p, size_t size)
{
	ka_kasan_give(p, size);
	kmemleak_alloc(p, size, 1, GFP_ATOMIC);
}

/*
 * kalloc's own work on its blocks: lib/rbtree and lib/llist, instrumented,
 * walk the index nodes and queue links inside poisoned blocks. Nests.
 */
static inline void ka_debug_own_begin(void)
{
	kasan_disable_current();
}

static inline void ka_debug_own_end(void)
{
	kasan_enable_current();
}

#endif /* _KALLOC_DEBUG_H */
