/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels kalloc builds on (6.1 and 6.12 LTS), kept in
 * one place so the rest of the code reads as one kernel.
 */
#ifndef _KALLOC_COMPAT_H
#define _KALLOC_COMPAT_H

#include <linux/hardirq.h>
#include <linux/mmzone.h>
#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

/*
 * Scoped frees: <linux/cleanup.h> came in 6.5. include/kalloc.h defines
 * __free(ka) and KA_DEFINE_FREE() only where DEFINE_FREE exists, so on 6.1
 * a caller frees by hand; include/kalloc_shim.h maps __free(kfree) only
 * where the kernel has it.
 */

/* 6.8 renamed MAX_ORDER (exclusive) to MAX_PAGE_ORDER (inclusive). */
#ifndef MAX_PAGE_ORDER
#define MAX_PAGE_ORDER (MAX_ORDER - 1)
#endif

typedef unsigned long (*ka_shrink_fn)(struct shrinker *s, struct shrink_control *sc);

/*
 * Shrinkers: 6.7 replaced register_shrinker() on a caller-owned struct with
 * shrinker_alloc()/shrinker_register() and added private_data; its
 * SHRINKER_ALLOCATED flag tells the two apart.
 */
#ifdef SHRINKER_ALLOCATED
static inline struct shrinker *ka_shrinker_create(ka_shrink_fn count, ka_shrink_fn scan,
						  void *priv, const char *name,
						  unsigned int flags)
{
	struct shrinker *s = shrinker_alloc(flags, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->private_data = priv;
	shrinker_register(s);
	return s;
}

static inline void *ka_shrinker_priv(struct shrinker *s)
{
	return s->private_data;
}

static inline void ka_shrinker_destroy(struct shrinker *s)
{
	shrinker_free(s);
}
#else
struct ka_shrinker {
	struct shrinker s;
	void *priv;
};

static inline struct shrinker *ka_shrinker_create(ka_shrink_fn count, ka_shrink_fn scan,
						  void *priv, const char *name,
						  unsigned int flags)
{
	struct ka_shrinker *ks = kzalloc(sizeof(*ks), GFP_KERNEL);

	if (!ks)
		return NULL;
	ks->s.flags = flags;
	ks->s.count_objects = count;
	ks->s.scan_objects = scan;
	ks->s.seeks = DEFAULT_SEEKS;
	ks->priv = priv;
	if (register_shrinker(&ks->s, "%s", name)) {
		kfree(ks);
		return NULL;
	}
	return &ks->s;
}

static inline void *ka_shrinker_priv(struct shrinker *s)
{
	return container_of(s, struct ka_shrinker, s)->priv;
}

static inline void ka_shrinker_destroy(struct shrinker *s)
{
	unregister_shrinker(s);
	kfree(container_of(s, struct ka_shrinker, s));
}
#endif

/*
 * kvrealloc(): 6.12 takes the new size only; 6.1 also needs the old one,
 * which no exported call tells for vmalloc memory, so there a vmalloc'd
 * block is not resized (NULL, the block untouched). Either way a vmalloc'd
 * block is resized only where the caller may sleep, as vmalloc needs.
 */
static inline void *ka_kvrealloc(void *p, size_t size, gfp_t gfp)
{
	if (is_vmalloc_addr(p) && !gfpflags_allow_blocking(gfp))
		return NULL;
#ifdef vrealloc		/* came with the two-size kvrealloc()'s end, in 6.12 */
	return kvrealloc(p, size, gfp);
#else
	if (is_vmalloc_addr(p) || size > KMALLOC_MAX_SIZE)
		return NULL;
	return krealloc(p, size, gfp);
#endif
}

/*
 * The kernel's kvrealloc() as a shimmed module called it, with the old size
 * its 6.1 form takes.
 */
static inline void *ka_compat_kvrealloc(const void *p, size_t oldsize, size_t size, gfp_t gfp)
{
#ifdef vrealloc
	return kvrealloc(p, size, gfp);
#else
	return kvrealloc(p, oldsize, size, gfp);
#endif
}

/*
 * The read-side section registry lookups need (carriers go back after
 * call_rcu(), which waits for both flavours): with preemption off, cheaper
 * to enter than rcu_read_lock() under PREEMPT_RCU; on PREEMPT_RT, where a
 * report from inside may take a sleeping lock, the preemptible one.
 */
static inline void ka_lookup_lock(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		rcu_read_lock();
	else
		rcu_read_lock_sched();
}

static inline void ka_lookup_unlock(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		rcu_read_unlock();
	else
		rcu_read_unlock_sched();
}

/*
 * On PREEMPT_RT kalloc's locks sleep, as kmalloc's do: no allocation and no
 * locked free in hard-irq context or with preemption or interrupts off.
 */
static inline bool ka_rt_atomic(void)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible();
}

#endif /* _KALLOC_COMPAT_H */
