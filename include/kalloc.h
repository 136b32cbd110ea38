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
 * @align: alignment the objects need, a power of two up to KA_MIN_ALIGN;
 *	0 means KA_MIN_ALIGN
 *
 * The type gets per-CPU free lists of exactly its objects' block size (a bin
 * of each CPU's front cache kept for it, as kmem_cache_create() gives a cache
 * its per-CPU slabs). Allocate with ka_alloc_fixed(), or ka_alloc() of at
 * most @size bytes (which gets an object of @size); free with ka_free().
 *
 * Context: process context; may sleep.
 * Return: the new type, or the errors of ka_type_create(), and
 * ERR_PTR(-EINVAL) for a size or alignment it cannot serve.
 */
struct ka_type *ka_type_create_fixed(const char *name, enum ka_class class, size_t size,
				     size_t align);

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
