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

#endif /* _KALLOC_SHIM_API_H */
