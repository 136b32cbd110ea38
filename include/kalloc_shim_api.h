/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The calls include/kalloc_shim.h makes on a module's behalf. A module uses
 * them through the shim's kmalloc(), kfree() and friends, not by name; they
 * are documented here because they are kalloc's exported interface.
 * See Documentation/shim.rst.
 */
#ifndef _KALLOC_SHIM_API_H
#define _KALLOC_SHIM_API_H

#include "kalloc.h"

struct module;
struct rcu_head;

/**
 * struct ka_shim - what one file of a shimmed module allocates by
 * @name: the type's name (the module's, unless KALLOC_SHIM_NAME says)
 * @class: the class serving it (KALLOC_SHIM_CLASS)
 * @owner: the module (THIS_MODULE), whose unloading destroys the type
 * @type: the type once registered; an ERR_PTR once it cannot be, and then
 *	the file's allocations go to kmalloc
 *
 * Every file of a module has one (the shim header defines it static); they
 * all resolve to the one type of the module.
 */
struct ka_shim {
	const char *name;
	enum ka_class class;
	struct module *owner;
	struct ka_type *type;
};

/* ka_shim_alloc() flags */
#define KA_SHIM_KV	0x1	/* kvmalloc(): no kmalloc size limit; kvfree() what is passed on */

/**
 * ka_shim_alloc() - a kmalloc-family allocation of a shimmed module
 * @s: the file's &struct ka_shim
 * @size: bytes wanted; 0 gives ZERO_SIZE_PTR, as kmalloc(0) does
 * @gfp: allocation flags
 * @node: NUMA_NO_NODE, or the node the memory should come from
 * @flags: KA_SHIM_KV for the kvmalloc() family
 * @caller: the origin to record, or 0 for the caller of this function
 *
 * Served by the module's type (as ka_alloc_node() for a node), registered
 * on the first call that may sleep. kmalloc (or kvmalloc) serves what kalloc
 * does not: a call before the type exists, flags kalloc refuses (__GFP_DMA,
 * __GFP_DMA32, __GFP_ACCOUNT), and, without KA_SHIM_KV, a size above
 * KMALLOC_MAX_SIZE. ka_shim_kfree() tells the two apart.
 *
 * Context: any context the @gfp flags allow.
 * Return: the block, ZERO_SIZE_PTR, or NULL.
 */
void *ka_shim_alloc(struct ka_shim *s, size_t size, gfp_t gfp, int node, unsigned int flags,
		    unsigned long caller) __alloc_size(2);

/**
 * ka_shim_krealloc() - krealloc() or kvrealloc() for a shimmed module
 * @s: the file's &struct ka_shim
 * @p: a block from either allocator, NULL or ZERO_SIZE_PTR
 * @size: new size; 0 frees @p and gives ZERO_SIZE_PTR
 * @gfp: allocation flags; with __GFP_ZERO the bytes past the old usable
 *	size are zeroed, as krealloc() zeroes them
 * @flags: KA_SHIM_KV for kvrealloc()
 * @oldsize: kvrealloc()'s old size on kernels whose kvrealloc() takes one
 *
 * A kalloc block is resized by kalloc, anything else by the kernel's own
 * krealloc() or kvrealloc().
 *
 * Context: any context the @gfp flags allow.
 * Return: the block (possibly moved), ZERO_SIZE_PTR, or NULL with @p untouched.
 */
void *ka_shim_krealloc(struct ka_shim *s, const void *p, size_t size, gfp_t gfp,
		       unsigned int flags, size_t oldsize) __realloc_size(3);

/**
 * ka_shim_kfree() - kfree() for a shimmed module
 * @p: a kalloc block of any type, or anything kfree() takes
 *
 * A pointer into a kalloc carrier is freed by kalloc as a block of its own
 * type (or reported, if it is not a live block); anything else is passed on
 * to kfree(), so a module may free what the core kernel allocated. One table
 * lookup tells them apart.
 *
 * Context: any context but NMI.
 */
void ka_shim_kfree(const void *p);

/**
 * ka_shim_kvfree() - kvfree() for a shimmed module
 * @p: a kalloc block of any type, or anything kvfree() takes
 *
 * As ka_shim_kfree(), passing what is not kalloc's to kvfree().
 *
 * Context: what kvfree() allows for memory not kalloc's (it may sleep for
 * vmalloc memory); any context but NMI for kalloc blocks.
 */
void ka_shim_kvfree(const void *p);

/**
 * ka_shim_kfree_sensitive() - kfree_sensitive() for a shimmed module
 * @p: as for ka_shim_kfree()
 *
 * The whole usable size of a kalloc block is zeroed before it is freed.
 *
 * Context: any context but NMI.
 */
void ka_shim_kfree_sensitive(const void *p);

/**
 * ka_shim_kvfree_sensitive() - kvfree_sensitive() for a shimmed module
 * @p: as for ka_shim_kvfree()
 * @len: bytes to zero first
 *
 * Context: as for ka_shim_kvfree().
 */
void ka_shim_kvfree_sensitive(const void *p, size_t len);

/**
 * ka_shim_kfree_const() - kfree_const() for a shimmed module
 * @p: a kalloc block, or what kfree_const() takes
 *
 * Context: any context but NMI.
 */
void ka_shim_kfree_const(const void *p);

/**
 * ka_shim_ksize() - ksize() for a shimmed module
 * @p: a kalloc block of any type, or what ksize() takes
 *
 * Context: any context but NMI.
 * Return: the usable size; for a pointer that is not kalloc's, ksize()'s answer.
 */
size_t ka_shim_ksize(const void *p);

/**
 * ka_shim_free_rcu() - kfree_rcu() for a shimmed module
 * @p: the object, or NULL (ignored)
 * @head: the &struct rcu_head inside it, which kalloc uses until the free
 *
 * Frees @p as ka_shim_kvfree() does after a grace period: kalloc queues it
 * and a work item waits for the grace period and frees everything queued
 * before. The queue is emptied before a shimmed module's type is destroyed.
 *
 * Context: any context but NMI; never sleeps.
 */
void ka_shim_free_rcu(const void *p, struct rcu_head *head);

/**
 * ka_shim_free_rcu_sleep() - kfree_rcu_mightsleep() for a shimmed module
 * @p: the object, or NULL (ignored)
 *
 * Context: process context; sleeps for a grace period.
 */
void ka_shim_free_rcu_sleep(const void *p);

/*
 * kmem_cache: a module's cache is a kalloc type named after it (made a
 * single word, with ".2", ".3", ... when the name is taken), whose address
 * the module holds as its struct kmem_cache pointer. A cache kalloc cannot
 * serve (DMA, a disabled class) is the kernel's own, and every call below
 * passes such a cache, or one the core kernel made, on to the kernel.
 */
struct kmem_cache;

/**
 * ka_shim_cache_create() - kmem_cache_create() of a shimmed module
 * @s: the file's &struct ka_shim
 * @name: the cache's name
 * @size: object size
 * @align: alignment asked for, 0 for none
 * @useroffset: usercopy region start ...
 * @usersize: ... and length, recorded
 * @flags: SLAB_* flags
 * @ctor: constructor, or NULL
 *
 * Context: process context; may sleep.
 * Return: the cache, or NULL (and a panic under SLAB_PANIC), as
 * kmem_cache_create().
 */
struct kmem_cache *ka_shim_cache_create(struct ka_shim *s, const char *name, unsigned int size,
					unsigned int align, unsigned int useroffset,
					unsigned int usersize, unsigned long flags,
					void (*ctor)(void *));

/**
 * ka_shim_cache_alloc() - kmem_cache_alloc() and its _node, _lru and _zalloc forms
 * @c: the cache
 * @gfp: allocation flags
 * @node: NUMA node, or NUMA_NO_NODE
 * @caller: the call site, 0 for this call's own return address
 *
 * Context: any context the @gfp flags allow.
 * Return: the object, or NULL.
 */
void *ka_shim_cache_alloc(struct kmem_cache *c, gfp_t gfp, int node, unsigned long caller);

/**
 * ka_shim_cache_free() - kmem_cache_free() of a shimmed module
 * @c: the cache
 * @obj: the object, or NULL
 *
 * Context: any context but NMI.
 */
void ka_shim_cache_free(struct kmem_cache *c, void *obj);

/**
 * ka_shim_cache_alloc_bulk() - kmem_cache_alloc_bulk(): all or nothing
 * @c: the cache
 * @gfp: allocation flags
 * @n: how many objects
 * @p: where they go
 *
 * Context: interrupts on, as the @gfp flags allow.
 * Return: @n, or 0.
 */
int ka_shim_cache_alloc_bulk(struct kmem_cache *c, gfp_t gfp, size_t n, void **p);

/**
 * ka_shim_cache_free_bulk() - kmem_cache_free_bulk(), and kfree_bulk() with a NULL @c
 * @c: the cache, or NULL for blocks of any kind
 * @n: how many
 * @p: the objects
 *
 * Context: any context but NMI.
 */
void ka_shim_cache_free_bulk(struct kmem_cache *c, size_t n, void **p);

/**
 * ka_shim_cache_destroy() - kmem_cache_destroy() of a shimmed module
 * @c: the cache, or NULL
 *
 * Objects left are reported, and the cache kept, as SLUB keeps it.
 *
 * Context: process context; may sleep.
 */
void ka_shim_cache_destroy(struct kmem_cache *c);

/**
 * ka_shim_cache_shrink() - kmem_cache_shrink() of a shimmed module
 * @c: the cache
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ka_shim_cache_shrink(struct kmem_cache *c);

/**
 * ka_shim_cache_size() - kmem_cache_size() of a shimmed module
 * @c: the cache
 *
 * Context: any.
 * Return: the object size.
 */
unsigned int ka_shim_cache_size(struct kmem_cache *c);

/**
 * ka_shim_mempool_alloc_slab() - mempool_alloc_slab() for a shimmed cache
 * @gfp: allocation flags
 * @pool_data: the cache
 *
 * Context: as the @gfp flags allow.
 * Return: the object, or NULL.
 */
void *ka_shim_mempool_alloc_slab(gfp_t gfp, void *pool_data);

/**
 * ka_shim_mempool_free_slab() - mempool_free_slab() for a shimmed cache
 * @element: the object
 * @pool_data: the cache
 *
 * Context: any context but NMI.
 */
void ka_shim_mempool_free_slab(void *element, void *pool_data);

#endif /* _KALLOC_SHIM_API_H */
