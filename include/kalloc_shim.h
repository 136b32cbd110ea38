/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Try kalloc on a module without changing its code: in its Kbuild,
 *
 *	NOSTDINC_FLAGS += -I<kalloc>/include/shim
 *	KBUILD_EXTRA_SYMBOLS += <kalloc>/Module.symvers
 *
 * (include/shim/linux/slab.h then brings this header with the kernel's
 * <linux/slab.h>; "-include kalloc_shim.h" works too, for files that do not
 * define pr_fmt before their includes), and its kmalloc(), kzalloc(),
 * kcalloc(), kmalloc_array(), krealloc(), kfree(), kvmalloc(), kvzalloc(),
 * kvfree(), kmemdup(), kstrdup() and friends (the _node, _track_caller and
 * _sensitive forms, ksize(), kfree_rcu(), __free(kfree)) are served by a
 * kalloc type of the module's own, with each call site as its blocks'
 * origin, and each of its kmem_caches by a type named after the cache
 * (kmem_cache_create() in both kernels' forms, KMEM_CACHE(), the _alloc,
 * _zalloc, _node, _lru and _bulk calls, kfree_bulk(), the mempool slab
 * pools). In ccflags-y a module may set
 *
 *	-DKALLOC_SHIM_NAME='"name"'	the type's name (default: the module's)
 *	-DKALLOC_SHIM_CLASS=KA_CLASS_STD  its class (default: KA_CLASS_DRIVER,
 *				whose blocks carry their origin for the
 *				allocations view)
 *	-DKALLOC_SHIM_CACHE_CLASS=KA_CLASS_LL  its caches' class (default:
 *				KA_CLASS_FIX)
 *
 * A pointer kalloc did not give out is passed on to the kernel's kfree(),
 * so the module may free what the core kernel allocated. The reverse cannot
 * work: core kernel code must not kfree() a block the module allocated
 * through the shim. Documentation/shim.rst says how to recognise that.
 */
#ifndef _KALLOC_SHIM_H
#define _KALLOC_SHIM_H

#ifndef MODULE
#error "kalloc_shim.h is for modules: built-in code cannot depend on kalloc.ko"
#endif

/* Everything that defines the calls comes first, so the definitions below stick. */
#include <linux/mempool.h>	/* its slab-pool helpers are redefined below */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>	/* vrealloc tells which kvrealloc() this kernel has */
#include "kalloc_shim_api.h"

#ifndef KALLOC_SHIM_NAME
#define KALLOC_SHIM_NAME KBUILD_MODNAME
#endif
#ifndef KALLOC_SHIM_CLASS
#define KALLOC_SHIM_CLASS KA_CLASS_DRIVER
#endif
#ifndef KALLOC_SHIM_CACHE_CLASS
#define KALLOC_SHIM_CACHE_CLASS KA_CLASS_FIX
#endif

/* One per file; all of a module's resolve to its one type (kalloc/shim.c). */
static struct ka_shim __ka_shim __maybe_unused = {
	.name = KALLOC_SHIM_NAME,
	.class = KALLOC_SHIM_CLASS,
	.owner = THIS_MODULE,
};

/* What its kmem_cache_create() calls make: a type per cache (kalloc/shim_cache.c). */
static struct ka_shim __ka_shim_caches __maybe_unused = {
	.name = KALLOC_SHIM_NAME,
	.class = KALLOC_SHIM_CACHE_CLASS,
	.owner = THIS_MODULE,
};

/*
 * Always inlined, so that the call into kalloc is made from the module's
 * own code: its return address is the call site recorded as the origin.
 */
static __always_inline __alloc_size(1) void *ka_shim_kmalloc_node(size_t size, gfp_t gfp,
								  int node)
{
	return ka_shim_alloc(&__ka_shim, size, gfp, node, 0, 0);
}

static __always_inline __alloc_size(1) void *ka_shim_kmalloc(size_t size, gfp_t gfp)
{
	return ka_shim_alloc(&__ka_shim, size, gfp, NUMA_NO_NODE, 0, 0);
}

static __always_inline __alloc_size(1) void *ka_shim_kzalloc(size_t size, gfp_t gfp)
{
	return ka_shim_alloc(&__ka_shim, size, gfp | __GFP_ZERO, NUMA_NO_NODE, 0, 0);
}

static __always_inline __alloc_size(1) void *ka_shim_kzalloc_node(size_t size, gfp_t gfp,
								  int node)
{
	return ka_shim_alloc(&__ka_shim, size, gfp | __GFP_ZERO, node, 0, 0);
}

static __always_inline __alloc_size(1, 2) void *ka_shim_kmalloc_array_node(size_t n, size_t size,
									   gfp_t gfp, int node)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return ka_shim_alloc(&__ka_shim, bytes, gfp, node, 0, 0);
}

static __always_inline __alloc_size(1, 2) void *ka_shim_kmalloc_array(size_t n, size_t size,
								      gfp_t gfp)
{
	return ka_shim_kmalloc_array_node(n, size, gfp, NUMA_NO_NODE);
}

static __always_inline __alloc_size(1, 2) void *ka_shim_kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return ka_shim_kmalloc_array_node(n, size, gfp | __GFP_ZERO, NUMA_NO_NODE);
}

static __always_inline __alloc_size(1, 2) void *ka_shim_kcalloc_node(size_t n, size_t size,
								     gfp_t gfp, int node)
{
	return ka_shim_kmalloc_array_node(n, size, gfp | __GFP_ZERO, node);
}

static __always_inline __alloc_size(1) void *ka_shim_kvmalloc_node(size_t size, gfp_t gfp,
								   int node)
{
	return ka_shim_alloc(&__ka_shim, size, gfp, node, KA_SHIM_KV, 0);
}

static __always_inline __alloc_size(1) void *ka_shim_kvmalloc(size_t size, gfp_t gfp)
{
	return ka_shim_alloc(&__ka_shim, size, gfp, NUMA_NO_NODE, KA_SHIM_KV, 0);
}

static __always_inline __alloc_size(1) void *ka_shim_kvzalloc(size_t size, gfp_t gfp)
{
	return ka_shim_alloc(&__ka_shim, size, gfp | __GFP_ZERO, NUMA_NO_NODE, KA_SHIM_KV, 0);
}

static __always_inline __alloc_size(1) void *ka_shim_kvzalloc_node(size_t size, gfp_t gfp,
								   int node)
{
	return ka_shim_alloc(&__ka_shim, size, gfp | __GFP_ZERO, node, KA_SHIM_KV, 0);
}

static __always_inline __alloc_size(1, 2) void *ka_shim_kvmalloc_array(size_t n, size_t size,
								       gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return ka_shim_alloc(&__ka_shim, bytes, gfp, NUMA_NO_NODE, KA_SHIM_KV, 0);
}

static __always_inline __alloc_size(1, 2) void *ka_shim_kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return ka_shim_kvmalloc_array(n, size, gfp | __GFP_ZERO);
}

/* _RET_IP_ here, inlined, is the module function's own caller. */
static __always_inline __alloc_size(1) void *ka_shim_kmalloc_track_caller(size_t size, gfp_t gfp)
{
	return ka_shim_alloc(&__ka_shim, size, gfp, NUMA_NO_NODE, 0, _RET_IP_);
}

static __always_inline __alloc_size(1) void *ka_shim_kmalloc_node_track_caller(size_t size,
									       gfp_t gfp,
									       int node)
{
	return ka_shim_alloc(&__ka_shim, size, gfp, node, 0, _RET_IP_);
}

static __always_inline __realloc_size(2) void *ka_shim_krealloc_one(const void *p, size_t size,
								    gfp_t gfp)
{
	return ka_shim_krealloc(&__ka_shim, p, size, gfp, 0, 0);
}

static __always_inline __realloc_size(2, 3) void *ka_shim_krealloc_array(void *p, size_t n,
									 size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return ka_shim_krealloc(&__ka_shim, p, bytes, gfp, 0, 0);
}

#ifdef vrealloc		/* 6.12: kvrealloc(p, size, gfp) */
static __always_inline __realloc_size(2) void *ka_shim_kvrealloc(const void *p, size_t size,
								 gfp_t gfp)
{
	return ka_shim_krealloc(&__ka_shim, p, size, gfp, KA_SHIM_KV, 0);
}
#else			/* 6.1: kvrealloc(p, oldsize, newsize, gfp) */
static __always_inline __realloc_size(3) void *ka_shim_kvrealloc(const void *p, size_t oldsize,
								 size_t size, gfp_t gfp)
{
	return ka_shim_krealloc(&__ka_shim, p, size, gfp, KA_SHIM_KV, oldsize);
}
#endif

static __always_inline __alloc_size(2) void *ka_shim_kmemdup(const void *src, size_t len,
							     gfp_t gfp)
{
	void *p = ka_shim_alloc(&__ka_shim, len, gfp, NUMA_NO_NODE, 0, 0);

	if (!ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}

static __always_inline __alloc_size(2, 3) void *ka_shim_kmemdup_array(const void *src,
								      size_t n, size_t size,
								      gfp_t gfp)
{
	size_t bytes;
	void *p;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	p = ka_shim_alloc(&__ka_shim, bytes, gfp, NUMA_NO_NODE, 0, 0);
	if (!ZERO_OR_NULL_PTR(p))
		memcpy(p, src, bytes);
	return p;
}

static __always_inline char *ka_shim_kmemdup_nul(const char *s, size_t len, gfp_t gfp)
{
	char *p;

	if (!s)
		return NULL;
	p = ka_shim_alloc(&__ka_shim, len + 1, gfp, NUMA_NO_NODE, 0, 0);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static __always_inline char *ka_shim_kstrndup(const char *s, size_t max, gfp_t gfp)
{
	return s ? ka_shim_kmemdup_nul(s, strnlen(s, max), gfp) : NULL;
}

static __always_inline char *ka_shim_kstrdup(const char *s, gfp_t gfp)
{
	return s ? ka_shim_kmemdup_nul(s, strlen(s), gfp) : NULL;
}

static inline void ka_shim_cleanup_kfree(void *pp)
{
	void *p = *(void **)pp;

	if (!IS_ERR_OR_NULL(p))
		ka_shim_kfree(p);
}

static inline void ka_shim_cleanup_kvfree(void *pp)
{
	void *p = *(void **)pp;

	if (!IS_ERR_OR_NULL(p))
		ka_shim_kvfree(p);
}

/* ---- kmem_cache ---- */

static __always_inline struct kmem_cache *
ka_shim_kmem_cache_create_usercopy(const char *name, unsigned int size, unsigned int align,
				   slab_flags_t flags, unsigned int useroffset,
				   unsigned int usersize, void (*ctor)(void *))
{
	return ka_shim_cache_create(&__ka_shim_caches, name, size, align, useroffset, usersize,
				    (__force unsigned long)flags, ctor);
}

static __always_inline struct kmem_cache *
ka_shim_kmem_cache_create_align(const char *name, unsigned int size, unsigned int align,
				slab_flags_t flags, void (*ctor)(void *))
{
	return ka_shim_kmem_cache_create_usercopy(name, size, align, flags, 0, 0, ctor);
}

#ifdef kmem_cache_create	/* 6.12: a _Generic over its third argument */
static __always_inline struct kmem_cache *
ka_shim_kmem_cache_create_args(const char *name, unsigned int size,
			       struct kmem_cache_args *args, slab_flags_t flags)
{
	/* a free pointer inside the object is not needed: kalloc's is outside */
	if (!args)
		return ka_shim_kmem_cache_create_usercopy(name, size, 0, flags, 0, 0, NULL);
	return ka_shim_kmem_cache_create_usercopy(name, size, args->align, flags,
						  args->useroffset, args->usersize, args->ctor);
}

static __always_inline struct kmem_cache *
ka_shim_kmem_cache_default_args(const char *name, unsigned int size,
				struct kmem_cache_args *args, slab_flags_t flags)
{
	return ka_shim_kmem_cache_create_args(name, size, NULL, flags);
}
#endif

static __always_inline void *ka_shim_kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	return ka_shim_cache_alloc(c, gfp, NUMA_NO_NODE, 0);
}

static __always_inline void *ka_shim_kmem_cache_zalloc(struct kmem_cache *c, gfp_t gfp)
{
	return ka_shim_cache_alloc(c, gfp | __GFP_ZERO, NUMA_NO_NODE, 0);
}

static __always_inline void *ka_shim_kmem_cache_alloc_node(struct kmem_cache *c, gfp_t gfp,
							   int node)
{
	return ka_shim_cache_alloc(c, gfp, node, 0);
}

/* No memory cgroups: the list_lru needs nothing of the allocation. */
static __always_inline void *ka_shim_kmem_cache_alloc_lru(struct kmem_cache *c,
							  struct list_lru *lru, gfp_t gfp)
{
	return ka_shim_cache_alloc(c, gfp, NUMA_NO_NODE, 0);
}

static __always_inline void ka_shim_kfree_bulk(size_t n, void **p)
{
	ka_shim_cache_free_bulk(NULL, n, p);
}

static inline void ka_shim_cleanup_cache_destroy(void *pc)
{
	struct kmem_cache *c = *(struct kmem_cache **)pc;

	if (!IS_ERR_OR_NULL(c))
		ka_shim_cache_destroy(c);
}

#ifdef kmem_cache_create
#define __kmem_cache_create_args	ka_shim_kmem_cache_create_args
#define __kmem_cache_create		ka_shim_kmem_cache_create_align
#define __kmem_cache_default_args	ka_shim_kmem_cache_default_args
#else				/* 6.1: functions, which KMEM_CACHE() calls by name */
#define kmem_cache_create		ka_shim_kmem_cache_create_align
#endif
#undef kmem_cache_alloc
#undef kmem_cache_alloc_noprof
#undef kmem_cache_alloc_node
#undef kmem_cache_alloc_node_noprof
#undef kmem_cache_alloc_lru
#undef kmem_cache_alloc_lru_noprof
#undef kmem_cache_alloc_bulk
#undef kmem_cache_alloc_bulk_noprof
#undef kmem_cache_zalloc
#undef mempool_create_slab_pool
#undef mempool_init_slab_pool
#define kmem_cache_create_usercopy	ka_shim_kmem_cache_create_usercopy
#define kmem_cache_alloc		ka_shim_kmem_cache_alloc
#define kmem_cache_alloc_noprof		ka_shim_kmem_cache_alloc
#define kmem_cache_alloc_node		ka_shim_kmem_cache_alloc_node
#define kmem_cache_alloc_node_noprof	ka_shim_kmem_cache_alloc_node
#define kmem_cache_alloc_lru		ka_shim_kmem_cache_alloc_lru
#define kmem_cache_alloc_lru_noprof	ka_shim_kmem_cache_alloc_lru
#define kmem_cache_alloc_bulk		ka_shim_cache_alloc_bulk
#define kmem_cache_alloc_bulk_noprof	ka_shim_cache_alloc_bulk
#define kmem_cache_zalloc		ka_shim_kmem_cache_zalloc
#define kmem_cache_free			ka_shim_cache_free
#define kmem_cache_free_bulk		ka_shim_cache_free_bulk
#define kfree_bulk			ka_shim_kfree_bulk
#define kmem_cache_destroy		ka_shim_cache_destroy
#define kmem_cache_shrink		ka_shim_cache_shrink
#define kmem_cache_size			ka_shim_cache_size
#define __free_kmem_cache_destroy	ka_shim_cleanup_cache_destroy
#define mempool_alloc_slab		ka_shim_mempool_alloc_slab
#define mempool_free_slab		ka_shim_mempool_free_slab
#define mempool_create_slab_pool(_min_nr, _kc)					\
	mempool_create((_min_nr), ka_shim_mempool_alloc_slab, ka_shim_mempool_free_slab,	\
		       (void *)(_kc))
#define mempool_init_slab_pool(_pool, _min_nr, _kc)				\
	mempool_init((_pool), (_min_nr), ka_shim_mempool_alloc_slab,		\
		     ka_shim_mempool_free_slab, (void *)(_kc))

/*
 * Object-like where the kernel's own are called by name or taken by address
 * (kfree as a callback), so that no use escapes. The kernel's definitions,
 * macros since 6.10, are dropped first.
 */
#undef kmalloc
#undef kmalloc_node
#undef kzalloc
#undef kzalloc_node
#undef kcalloc
#undef kcalloc_node
#undef kmalloc_array
#undef kmalloc_array_node
#undef kmalloc_track_caller
#undef kmalloc_node_track_caller
#undef krealloc
#undef krealloc_array
#undef kvmalloc
#undef kvmalloc_node
#undef kvzalloc
#undef kvzalloc_node
#undef kvmalloc_array
#undef kvcalloc
#undef kvrealloc
#undef kmemdup
#undef kmemdup_array
#undef kmemdup_nul
#undef kstrdup
#undef kstrndup
#undef kfree
#undef kvfree
#undef kfree_sensitive
#undef kvfree_sensitive
#undef kfree_const
#undef ksize
#undef kvfree_rcu_arg_1
#undef kvfree_rcu_arg_2

#define kmalloc			ka_shim_kmalloc
#define kmalloc_node		ka_shim_kmalloc_node
#define kzalloc			ka_shim_kzalloc
#define kzalloc_node		ka_shim_kzalloc_node
#define kcalloc			ka_shim_kcalloc
#define kcalloc_node		ka_shim_kcalloc_node
#define kmalloc_array		ka_shim_kmalloc_array
#define kmalloc_array_node	ka_shim_kmalloc_array_node
#define kmalloc_track_caller	ka_shim_kmalloc_track_caller
#define kmalloc_node_track_caller ka_shim_kmalloc_node_track_caller
#define krealloc		ka_shim_krealloc_one
#define krealloc_array		ka_shim_krealloc_array
#define kvmalloc		ka_shim_kvmalloc
#define kvmalloc_node		ka_shim_kvmalloc_node
#define kvzalloc		ka_shim_kvzalloc
#define kvzalloc_node		ka_shim_kvzalloc_node
#define kvmalloc_array		ka_shim_kvmalloc_array
#define kvcalloc		ka_shim_kvcalloc
#define kvrealloc		ka_shim_kvrealloc
#define kmemdup			ka_shim_kmemdup
#define kmemdup_array		ka_shim_kmemdup_array
#define kmemdup_nul		ka_shim_kmemdup_nul
#define kstrdup			ka_shim_kstrdup
#define kstrndup		ka_shim_kstrndup
#define kfree			ka_shim_kfree
#define kvfree			ka_shim_kvfree
#define kfree_sensitive		ka_shim_kfree_sensitive
#define kvfree_sensitive	ka_shim_kvfree_sensitive
#define kfree_const		ka_shim_kfree_const
#define ksize			ka_shim_ksize
/* __free(kfree) and __free(kvfree) name the cleanup functions these replace */
#define __free_kfree		ka_shim_cleanup_kfree
#define __free_kvfree		ka_shim_cleanup_kvfree

/* kfree_rcu(), kvfree_rcu() and their _mightsleep forms, on 6.1 and 6.12 alike */
#define kvfree_rcu_arg_2(ptr, rhf)					\
do {									\
	typeof(ptr) ___p = (ptr);					\
									\
	if (___p)							\
		ka_shim_free_rcu(___p, (void *)___p +		\
				 offsetof(typeof(*___p), rhf));	\
} while (0)
#define kvfree_rcu_arg_1(ptr)	ka_shim_free_rcu_sleep(ptr)

#endif /* _KALLOC_SHIM_H */
