/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kalloc: the Erlang runtime's allocator design (erts_alloc) for kernel code.
 *
 * Kernel code registers named allocation types, each bound to an allocator
 * class chosen by how the memory is used, and allocates and frees by type.
 * See Documentation/index.rst.
 */
#ifndef _KALLOC_H
#define _KALLOC_H

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/types.h>

struct rcu_head;

/**
 * enum ka_class - allocator classes, chosen by how memory is used
 * @KA_CLASS_TEMP: CPU-local scratch memory freed soon after allocation
 *	(erts temp_alloc)
 * @KA_CLASS_SL: short-lived blocks (erts sl_alloc)
 * @KA_CLASS_STD: everything without a better class (erts std_alloc)
 * @KA_CLASS_LL: long-lived blocks, e.g. tables built at init (erts ll_alloc)
 * @KA_CLASS_FIX: frequently used fixed-size objects (erts fix_alloc)
 * @KA_CLASS_BUFFER: bulk data buffers (erts binary_alloc)
 * @KA_CLASS_DRIVER: driver private data (erts driver_alloc)
 * @KA_NR_CLASSES: number of classes; not a class
 */
enum ka_class {
	KA_CLASS_TEMP,
	KA_CLASS_SL,
	KA_CLASS_STD,
	KA_CLASS_LL,
	KA_CLASS_FIX,
	KA_CLASS_BUFFER,
	KA_CLASS_DRIVER,
	KA_NR_CLASSES,
};

struct ka_type;

/**
 * ka_type_create() - register a named allocation type
 * @name: name shown in statistics; copied, at most 31 characters, unique
 * @class: the allocator class that serves this type
 *
 * Context: process context; may sleep.
 * Return: the new type, or ERR_PTR(-EINVAL) for a bad name or class,
 * ERR_PTR(-EEXIST) if a type of that name exists, ERR_PTR(-ENOSPC) when
 * 16383 types exist, ERR_PTR(-ENOMEM).
 */
struct ka_type *ka_type_create(const char *name, enum ka_class class);

/**
 * ka_type_create_fixed() - register a type of one object size (erts's fix_alloc)
 * @name: as for ka_type_create()
 * @class: the allocator class that serves this type
 * @size: the size of every object, 1 to KA_FIXED_MAX bytes
 * @align: alignment the objects need, a power of two up to PAGE_SIZE;
 *	0 means KA_MIN_ALIGN
 *
 * The type gets per-CPU free lists of exactly its objects' block size (a bin
 * of each CPU's front cache kept for it, as kmem_cache_create() gives a cache
 * its per-CPU slabs), or caches of its own for an @align above KA_MIN_ALIGN
 * (ka_type_create_args(), of which this is a shorthand). Allocate with
 * ka_alloc_fixed(), or ka_alloc() of at most @size bytes (which gets an
 * object of @size); free with ka_free().
 *
 * Context: process context; may sleep.
 * Return: the new type, or the errors of ka_type_create(), and
 * ERR_PTR(-EINVAL) for a size or alignment it cannot serve.
 */
struct ka_type *ka_type_create_fixed(const char *name, enum ka_class class, size_t size,
				     size_t align);

/* ka_type_args.flags */
#define KA_TYPESAFE_BY_RCU	0x1U	/* as SLAB_TYPESAFE_BY_RCU: see ka_type_create_args() */
#define KA_HWCACHE_ALIGN	0x2U	/* as SLAB_HWCACHE_ALIGN: align to the cache line */
#define KA_RECLAIMABLE		0x4U	/* as SLAB_RECLAIM_ACCOUNT: recorded and shown */
#define KA_PANIC		0x8U	/* as SLAB_PANIC: panic if the type cannot be made */
#define KA_CONTIGUOUS		0x10U	/* objects in the direct map: virt_to_page() works */

/**
 * struct ka_type_args - what a type's objects need, as struct kmem_cache_args
 * @size: the size of every object (a fixed-size type, whose objects come from
 *	caches of its own when @ctor, @align or @flags ask for one); 0 for a
 *	type of any size, which takes no other field but @flags' KA_PANIC
 * @align: alignment, a power of two up to PAGE_SIZE; 0 means KA_MIN_ALIGN.
 *	KA_HWCACHE_ALIGN raises it as kmem_cache_create() does: to the cache
 *	line, halved while the object fits twice in it
 * @ctor: called on each object when its memory becomes the type's, never
 *	on an allocation: objects keep what the caller left in them when freed
 * @flags: KA_TYPESAFE_BY_RCU, KA_HWCACHE_ALIGN, KA_RECLAIMABLE, KA_PANIC,
 *	KA_CONTIGUOUS
 * @useroffset: start of the region copied to or from user space ...
 * @usersize: ... and its length; recorded and shown, not enforced
 *	(Documentation/api.rst)
 */
struct ka_type_args {
	size_t size;
	size_t align;
	void (*ctor)(void *obj);
	unsigned int flags;
	unsigned int useroffset;
	unsigned int usersize;
};

/**
 * ka_type_create_args() - register a type whose objects need more than a size
 * @name: as for ka_type_create()
 * @class: the allocator class whose instances the objects' memory comes from
 * @args: what the objects need; NULL is a type of any size
 *
 * A type with a constructor, KA_TYPESAFE_BY_RCU or an alignment above
 * KA_MIN_ALIGN keeps freed objects in per-CPU caches of its own, so that
 * no other type and no coalescing takes their memory while they are the
 * type's: kalloc never writes into such an object after it is freed. With
 * KA_TYPESAFE_BY_RCU an object may be reused by its type at once, but its
 * memory leaves the type only after an RCU grace period, so a reader in an
 * RCU read section may still look at a freed object and find it of the type
 * (as SLAB_TYPESAFE_BY_RCU). Such types, and KA_CONTIGUOUS ones, get memory
 * from the direct map only.
 *
 * Context: process context; may sleep.
 * Return: the new type, or the errors of ka_type_create(), and
 * ERR_PTR(-EINVAL) for arguments it cannot serve (a size above KA_MAX_SIZE,
 * an alignment that is not a power of two or above PAGE_SIZE, a flag it
 * does not know, a user region outside the object). With KA_PANIC a
 * failure panics instead.
 */
struct ka_type *ka_type_create_args(const char *name, enum ka_class class,
				    const struct ka_type_args *args);

/**
 * ka_type_shrink() - give back what a type's caches hold, as kmem_cache_shrink()
 * @type: a type, or NULL (ignored)
 *
 * Objects freed into the caches of a type that has its own go back to the
 * instances (after a grace period for KA_TYPESAFE_BY_RCU); other types'
 * freed blocks are in their class's caches and stay.
 *
 * Context: process context; may sleep.
 */
void ka_type_shrink(struct ka_type *type);

/**
 * ka_type_object_size() - the size of a type's objects, as kmem_cache_size()
 * @type: a type
 *
 * Context: any.
 * Return: the object size given at creation, 0 for a type of any size.
 */
unsigned int ka_type_object_size(const struct ka_type *type);

/**
 * ka_alloc_bulk() - allocate @n objects at once, as kmem_cache_alloc_bulk()
 * @type: a fixed-size type
 * @gfp: allocation flags
 * @n: how many
 * @p: where their addresses go
 *
 * All or nothing: when one cannot be had, those already had are freed.
 *
 * Context: any context the @gfp flags allow, with interrupts on.
 * Return: @n, or 0.
 */
int ka_alloc_bulk(struct ka_type *type, gfp_t gfp, size_t n, void **p);

/**
 * ka_free_bulk() - free @n objects of a type, as kmem_cache_free_bulk()
 * @type: their type, or NULL for objects of any type (kfree_bulk())
 * @n: how many
 * @p: their addresses; NULL entries are skipped
 *
 * Each is checked and reported as ka_free() checks one.
 *
 * Context: any context but NMI; never sleeps.
 */
void ka_free_bulk(struct ka_type *type, size_t n, void **p);

/**
 * ka_free_rcu_head() - free a block of a type after an RCU grace period
 * @type: the block's type
 * @ptr: the block, or NULL (ignored)
 * @head: an rcu_head inside the block, which kalloc uses until then
 *
 * Use ka_free_rcu(). The block is checked now, as ka_free() checks it, and
 * freed after a grace period that begins after this call; ka_type_destroy()
 * waits for the frees queued before it.
 *
 * Context: any context but NMI; never sleeps.
 */
void ka_free_rcu_head(struct ka_type *type, const void *ptr, struct rcu_head *head);

/**
 * ka_free_rcu() - kfree_rcu() for a block of a type
 * @type: the block's type
 * @ptr: a pointer to a structure that is the block
 * @rhf: the name of its struct rcu_head member
 */
#define ka_free_rcu(type, ptr, rhf)						\
	do {									\
		typeof(ptr) ___p = (ptr);					\
										\
		if (___p)							\
			ka_free_rcu_head((type), ___p, (void *)___p +		\
					 offsetof(typeof(*___p), rhf));	\
	} while (0)

/**
 * ka_alloc_fixed() - allocate an object of a fixed-size type
 * @type: a type from ka_type_create_fixed()
 * @gfp: allocation flags, as for kmem_cache_alloc()
 *
 * Context: any context the @gfp flags allow.
 * Return: the object, or NULL (also for a type of no fixed size, reported).
 */
void *ka_alloc_fixed(struct ka_type *type, gfp_t gfp) __malloc;

/**
 * ka_type_destroy() - unregister an allocation type
 * @type: a type from ka_type_create(), or NULL (ignored)
 *
 * Every block of @type must have been freed; a type that still has blocks
 * is reported in the kernel log and kept registered, so its blocks stay valid.
 *
 * Context: process context; may sleep.
 * Return: 0, or -EBUSY if blocks of @type are still allocated.
 */
int ka_type_destroy(struct ka_type *type);

/**
 * struct ka_type_stats - what one allocation type holds and has done
 * @allocs: blocks allocated, ever (ka_alloc() and the calls built on it)
 * @frees: blocks freed, ever
 * @failed: allocations that returned NULL, ever
 * @live: blocks allocated and not yet freed (@allocs - @frees)
 * @bytes: bytes of those blocks, each counted whole (its header and tag
 *	included, as the statistics views count blocks); 0 for a type of a
 *	disabled class, whose blocks kmalloc and vmalloc keep
 * @bytes_max: the most @bytes has been since the type was created, to
 *	within 64 KiB per CPU (each CPU adds its bytes to the type's every
 *	64 KiB), and never below @bytes
 */
struct ka_type_stats {
	u64 allocs;
	u64 frees;
	u64 failed;
	u64 live;
	size_t bytes;
	size_t bytes_max;
};

/**
 * ka_type_stats() - a type's own figures, as the statistics views show them
 * @type: a type from ka_type_create() and its kind
 * @out: where to put them
 *
 * The figures are summed over every CPU without stopping any: each is one
 * the type had, and they may be a moment apart.
 *
 * Context: any context; does not sleep.
 * Return: 0, or -EINVAL if @type or @out is NULL.
 */
int ka_type_stats(struct ka_type *type, struct ka_type_stats *out);

/**
 * ka_alloc() - allocate a block of a type
 * @type: allocation type
 * @size: bytes wanted; 0 or more than KA_MAX_SIZE (512 MiB) gives NULL
 * @gfp: allocation flags, as for kmalloc()
 *
 * The block is aligned to at least KA_MIN_ALIGN bytes.
 *
 * Context: any context the @gfp flags allow.
 * Return: the block, or NULL.
 */
void *ka_alloc(struct ka_type *type, size_t size, gfp_t gfp) __alloc_size(2);

/**
 * ka_alloc_caller() - ka_alloc() on behalf of a caller, as kmalloc_track_caller()
 * @type: allocation type
 * @size: bytes wanted, as for ka_alloc()
 * @gfp: allocation flags, as for kmalloc()
 * @caller: the code address recorded as the block's origin (allocation tag,
 *	trace records, reports), usually _RET_IP_ of a wrapper
 *
 * Context: any context the @gfp flags allow.
 * Return: the block, or NULL.
 */
void *ka_alloc_caller(struct ka_type *type, size_t size, gfp_t gfp, unsigned long caller)
	__alloc_size(2);

/**
 * ka_alloc_node() - allocate a block of a type from a NUMA node's memory
 * @type: allocation type
 * @size: bytes wanted, as for ka_alloc()
 * @gfp: allocation flags; with __GFP_THISNODE no other node's memory
 * @node: the node, or NUMA_NO_NODE (then this is ka_alloc())
 *
 * As kmalloc_node(): the block comes from the instance of an online CPU of
 * @node, whose carriers are that node's memory; a node without online CPUs
 * gets this CPU's memory unless @gfp has __GFP_THISNODE. A node that is not
 * online is reported and refused.
 *
 * Context: any context the @gfp flags allow.
 * Return: the block, or NULL.
 */
void *ka_alloc_node(struct ka_type *type, size_t size, gfp_t gfp, int node) __alloc_size(2);

/**
 * ka_zalloc() - allocate a zeroed block of a type
 * @type: allocation type
 * @size: bytes wanted
 * @gfp: allocation flags
 *
 * Context: any context the @gfp flags allow.
 * Return: the zeroed block, or NULL.
 */
static inline __alloc_size(2) void *ka_zalloc(struct ka_type *type, size_t size, gfp_t gfp)
{
	return ka_alloc(type, size, gfp | __GFP_ZERO);
}

/**
 * ka_alloc_array() - allocate a block for an array, as kmalloc_array()
 * @type: allocation type
 * @n: number of elements
 * @size: bytes per element
 * @gfp: allocation flags
 *
 * Context: any context the @gfp flags allow.
 * Return: the block, or NULL, also when @n * @size overflows.
 */
static inline __alloc_size(2, 3)
void *ka_alloc_array(struct ka_type *type, size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return ka_alloc(type, bytes, gfp);
}

/**
 * ka_calloc() - allocate a zeroed block for an array, as kcalloc()
 * @type: allocation type
 * @n: number of elements
 * @size: bytes per element
 * @gfp: allocation flags
 *
 * Context: any context the @gfp flags allow.
 * Return: the zeroed block, or NULL, also when @n * @size overflows.
 */
static inline __alloc_size(2, 3)
void *ka_calloc(struct ka_type *type, size_t n, size_t size, gfp_t gfp)
{
	return ka_alloc_array(type, n, size, gfp | __GFP_ZERO);
}

/**
 * ka_memdup() - a copy of memory in a block of a type, as kmemdup()
 * @type: allocation type
 * @src: what to copy
 * @len: bytes to copy
 * @gfp: allocation flags
 *
 * Context: any context the @gfp flags allow.
 * Return: the copy, or NULL.
 */
static inline __alloc_size(3)
void *ka_memdup(struct ka_type *type, const void *src, size_t len, gfp_t gfp)
{
	void *p = ka_alloc(type, len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

/**
 * ka_strdup() - a copy of a string in a block of a type, as kstrdup()
 * @type: allocation type
 * @s: the string, or NULL
 * @gfp: allocation flags
 *
 * Context: any context the @gfp flags allow.
 * Return: the copy, or NULL (also for a NULL @s).
 */
static inline char *ka_strdup(struct ka_type *type, const char *s, gfp_t gfp)
{
	return s ? ka_memdup(type, s, strlen(s) + 1, gfp) : NULL;
}

/**
 * ka_size() - the bytes a block may use, as ksize()
 * @type: the type the block was allocated with
 * @ptr: the block
 *
 * At least the size asked for: the whole payload of a kalloc block, or what
 * kmalloc gave a disabled class's block. All of it may be used afterwards
 * (under KASAN it becomes accessible, as with ksize()); prefer asking for
 * the size needed. A pointer that is not a live block of @type is reported
 * as ka_free() reports it.
 *
 * Context: any context but NMI; never sleeps.
 * Return: the usable size, or 0 for a pointer that is not a live block of
 * @type or a disabled class's block that vmalloc served.
 */
size_t ka_size(struct ka_type *type, const void *ptr);

/**
 * ka_realloc() - resize a block of a type
 * @type: the type the block was allocated with
 * @ptr: the block, or NULL (then this is ka_alloc())
 * @size: new size; 0 frees the block and returns NULL
 * @gfp: allocation flags for a block that must move
 *
 * The contents up to the smaller of the two sizes are kept. Space gained is
 * not zeroed, whatever @gfp says. A block freed on another CPU than its own
 * is allocated anew on this CPU, copied, and the old block sent home.
 *
 * Context: any context the @gfp flags allow.
 * Return: the block (possibly moved), or NULL; on failure @ptr is untouched.
 */
void *ka_realloc(struct ka_type *type, void *ptr, size_t size, gfp_t gfp) __realloc_size(3);

/**
 * ka_free() - free a block of a type
 * @type: the type the block was allocated with
 * @ptr: the block, or NULL (ignored)
 *
 * A pointer that is not a live block of @type (another type's, a freed one,
 * or one kalloc never gave out) is reported as SLUB reports a bad object
 * (Documentation/api.rst: a message naming the type and the caller, a
 * stack, ratelimited), and left alone.
 *
 * Context: any context but NMI; never sleeps.
 */
void ka_free(struct ka_type *type, const void *ptr);

/**
 * ka_free_any() - free a block of whatever type it is
 * @ptr: a block of any type, or NULL (ignored)
 *
 * The type is read from the block, whose carrier kalloc looks up first: a
 * pointer that is not a live kalloc block is reported and left alone, as
 * ka_free() does. Use ka_free() where the type is at hand: it also catches a
 * block freed as the wrong type. Blocks of a disabled class come from
 * kmalloc and carry no type: those need ka_free().
 *
 * Context: any context but NMI; never sleeps.
 */
void ka_free_any(const void *ptr);

/*
 * Scoped frees (<linux/cleanup.h>, 6.5 and later; on 6.1 neither is
 * defined): "void *p __free(ka) = ka_alloc(t, n, gfp);" frees p with
 * ka_free_any() when it goes out of scope, and KA_DEFINE_FREE(name, type)
 * makes a __free(name) that frees with ka_free() as @type, checking it.
 */
#ifdef DEFINE_FREE	/* <linux/gfp.h> brings <linux/cleanup.h> where it exists */
DEFINE_FREE(ka, void *, if (!IS_ERR_OR_NULL(_T)) ka_free_any(_T))
#define KA_DEFINE_FREE(_name, _type) \
	DEFINE_FREE(_name, void *, if (!IS_ERR_OR_NULL(_T)) ka_free((_type), _T))
#endif

/* Largest object of a fixed-size type: what the per-CPU front caches hold. */
#define KA_FIXED_MAX	4096

/* Alignment every block is guaranteed to have. */
#define KA_MIN_ALIGN	16
/* Largest request kalloc accepts; larger ones get NULL, never a wrapped size. */
#define KA_MAX_SIZE	((size_t)1 << 29)

#endif /* _KALLOC_H */
