/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels kalloc builds on (6.1 and 6.12 LTS), kept in
 * one place so the rest of the code reads as one kernel.
 */
#ifndef _KALLOC_COMPAT_H
#define _KALLOC_COMPAT_H

#include <linux/hardirq.h>
#include <linux/kmemleak.h>
/* first: on PREEMPT_RT local_lock.h uses spinlock_t without including it */
#include <linux/spinlock.h>
#include <linux/local_lock.h>
#include <linux/lockdep.h>
#include <linux/mmzone.h>
#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/version.h>

/*
 * Where no macro or type tells a feature from its absence, the version does;
 * this file is the one place that asks (scripts/style.sh lets it).
 */
#define KA_KERNEL_BEFORE(major, minor) (KERNEL_VERSION(major, minor, 0) > LINUX_VERSION_CODE)

/*
 * kmemleak records an allocation's stack less the top three frames, its
 * own. On 6.1 its helpers are inlined into kmemleak_alloc(), so the third
 * is the caller's: a block handed out on ka_alloc()'s fast path, where the
 * call is inlined into ka_alloc(), was reported without ka_alloc() in its
 * stack. There kmemleak is called from a frame of kalloc's own.
 */
#if KA_KERNEL_BEFORE(6, 12) && IS_ENABLED(CONFIG_DEBUG_KMEMLEAK)
static noinline __maybe_unused void ka_kmemleak_alloc(const void *p, size_t size, gfp_t gfp)
{
	kmemleak_alloc(p, size, 1, gfp);
	barrier();	/* a frame of its own: no tail call */
}
#else
static __always_inline void ka_kmemleak_alloc(const void *p, size_t size, gfp_t gfp)
{
	kmemleak_alloc(p, size, 1, gfp);
}
#endif

/*
 * KASAN's name for an access to a freed block of a slab-like allocator, as
 * its report's title says it: 6.1 prints plain "use-after-free", 6.12
 * "slab-use-after-free" (the slab- prefix came in 6.4). kalloc's poison
 * for freed blocks is that kind (kalloc/debug.h).
 */
#if KA_KERNEL_BEFORE(6, 4)
#define KA_KASAN_UAF "use-after-free"
#else
#define KA_KASAN_UAF "slab-use-after-free"
#endif

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

/*
 * A per-CPU lock that is never waited for on its own CPU: local_trylock_t
 * (6.18's, which SLUB's sheaves use), which neither 6.1 nor 6.12 has.
 * Without PREEMPT_RT the holder keeps preemption off and marks the lock
 * taken; interrupts stay on. Code that interrupts a holder on its CPU (a
 * hard or soft irq) finds the mark and must go another way, so the lock
 * costs a preempt count and a per-CPU byte, not an interrupt save and
 * restore. Only its CPU writes the mark, and an interrupt sees its CPU's
 * program order, so no barrier beyond the compiler's is needed. Task
 * context never finds it taken: a holder cannot be preempted.
 *
 * On PREEMPT_RT it is a local_lock_t, a per-CPU sleeping lock with
 * migration off, which a task may wait for; hard-irq callers never reach
 * it there (ka_rt_atomic()). Either way the section is a read-side section
 * of RCU: a preempt-off region, or an RT spinlock's rcu_read_lock().
 */
struct ka_local_trylock {
#ifdef CONFIG_PREEMPT_RT
	local_lock_t lock;
#else
	u8 acquired;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
#endif
};

static inline void ka_local_trylock_init(struct ka_local_trylock *l)
{
#ifdef CONFIG_PREEMPT_RT
	local_lock_init(&l->lock);
#else
	l->acquired = 0;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	{
		static struct lock_class_key key;

		lockdep_init_map(&l->dep_map, "ka_front", &key, 0);
	}
#endif
#endif
}

/* Takes this CPU's @l, or fails (false) if code this call interrupted holds it. */
static __always_inline bool ka_local_trylock(struct ka_local_trylock __percpu *l)
{
#ifdef CONFIG_PREEMPT_RT
	local_lock(&l->lock);
#else
	preempt_disable();
	if (unlikely(__this_cpu_read(l->acquired))) {
		preempt_enable();
		return false;
	}
	__this_cpu_write(l->acquired, 1);
	barrier();
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lock_map_acquire_try(&this_cpu_ptr(l)->dep_map);
#endif
#endif
	return true;
}

static __always_inline void ka_local_unlock(struct ka_local_trylock __percpu *l)
{
#ifdef CONFIG_PREEMPT_RT
	local_unlock(&l->lock);
#else
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lock_map_release(&this_cpu_ptr(l)->dep_map);
#endif
	barrier();
	__this_cpu_write(l->acquired, 0);
	preempt_enable();
#endif
}

/*
 * KUnit, for the suites: deferred actions (kunit_add_action_or_reset(),
 * kunit_release_action()) came in 6.5 and case attributes (KUNIT_CASE_SLOW)
 * in 6.6. On 6.1 an action is a resource whose release runs it: resources
 * are released last-added first at the end of a case, as actions are.
 * A slow case there is an ordinary one (6.1 has no filter on speed either).
 */
#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/resource.h>
#include <kunit/test.h>

#ifndef KUNIT_CASE_SLOW
#define KUNIT_CASE_SLOW(fn) KUNIT_CASE(fn)
#endif

#if KA_KERNEL_BEFORE(6, 5)
typedef void (kunit_action_t)(void *);

struct ka_kunit_action {
	kunit_action_t *fn;
	void *ctx;
};

static inline int ka_kunit_action_init(struct kunit_resource *res, void *action)
{
	res->data = action;
	return 0;
}

static inline void ka_kunit_action_run(struct kunit_resource *res)
{
	struct ka_kunit_action *a = res->data;

	a->fn(a->ctx);
	kfree(a);
}

static inline int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *fn, void *ctx)
{
	struct ka_kunit_action *a = kmalloc(sizeof(*a), GFP_KERNEL);

	if (a) {
		a->fn = fn;
		a->ctx = ctx;
		if (kunit_alloc_resource(test, ka_kunit_action_init, ka_kunit_action_run,
					 GFP_KERNEL, a))
			return 0;
		kfree(a);
	}
	fn(ctx);
	return -ENOMEM;
}

static inline bool ka_kunit_action_match(struct kunit *test, struct kunit_resource *res,
					 void *wanted)
{
	const struct ka_kunit_action *a = res->data, *w = wanted;

	return res->free == ka_kunit_action_run && a->fn == w->fn && a->ctx == w->ctx;
}

/* Runs the action now, once, and drops it from the end of the case. */
static inline void kunit_release_action(struct kunit *test, kunit_action_t *fn, void *ctx)
{
	struct ka_kunit_action wanted = { .fn = fn, .ctx = ctx };

	kunit_destroy_resource(test, ka_kunit_action_match, &wanted);
}
#endif
#endif /* CONFIG_KUNIT */

#endif /* _KALLOC_COMPAT_H */
