// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's kmem_cache calls (include/kalloc_shim.h): a shimmed module's
 * cache is a kalloc type, and the struct kmem_cache pointer the module
 * holds is the type's address. The type's first word tells it apart from a
 * kernel cache, whose first word is a per-CPU pointer: a cache the kernel
 * made (one kalloc could not serve, or the core kernel's, such as
 * names_cachep behind __getname()) is passed on to the kernel's calls.
 * Documentation/shim.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <kalloc_shim_api.h>

#include "pcpu/pcpu.h"
#include "internal.h"

/* The type behind @c if kalloc made it, NULL for a kernel cache. */
static struct ka_type *ka_cache_type(struct kmem_cache *c)
{
	struct ka_type *t = (struct ka_type *)c;

	return t && READ_ONCE(t->cache_magic) == KA_CACHE_MAGIC ? t : NULL;
}

/*
 * A type name from a cache name: a single word (other characters become
 * '_'), and ".@n" after it for the @n-th cache of that name alive at once,
 * which SLUB allows and kalloc's type names do not.
 */
static void ka_cache_type_name(char *buf, const char *name, unsigned int n)
{
	char suffix[8] = "";
	size_t room, i;

	if (n > 1)
		snprintf(suffix, sizeof(suffix), ".%u", n);
	room = KA_TYPE_NAME_MAX - 1 - strlen(suffix);
	for (i = 0; name[i] && i < room; i++)
		buf[i] = isalnum(name[i]) || strchr("_-.", name[i]) ? name[i] : '_';
	if (!i)
		buf[i++] = '_';
	strscpy(buf + i, suffix, KA_TYPE_NAME_MAX - i);
}

static struct ka_type *ka_cache_type_new(const char *name, enum ka_class class,
					 const struct ka_type_args *args)
{
	char tname[KA_TYPE_NAME_MAX];
	struct ka_type *t = ERR_PTR(-EEXIST);
	unsigned int n;

	for (n = 1; n < 100 && PTR_ERR_OR_ZERO(t) == -EEXIST; n++) {
		ka_cache_type_name(tname, name, n);
		t = ka_type_create_args(tname, class, args);
	}
	return t;
}

struct kmem_cache *ka_shim_cache_create(struct ka_shim *s, const char *name, unsigned int size,
					unsigned int align, unsigned int useroffset,
					unsigned int usersize, unsigned long flags,
					void (*ctor)(void *))
{
	slab_flags_t f = (__force slab_flags_t)flags;
	struct ka_type_args args = {
		.size = size,
		.align = align,
		.ctor = ctor,
		/* list_lru and the rest look objects up by virt_to_page() */
		.flags = KA_CONTIGUOUS,
		.useroffset = useroffset,
		.usersize = usersize,
	};
	struct ka_type *t;

	if (f & SLAB_TYPESAFE_BY_RCU)
		args.flags |= KA_TYPESAFE_BY_RCU;
	if (f & SLAB_HWCACHE_ALIGN)
		args.flags |= KA_HWCACHE_ALIGN;
	if (f & SLAB_RECLAIM_ACCOUNT)
		args.flags |= KA_RECLAIMABLE;
	if (!name || !size || (f & (SLAB_CACHE_DMA | SLAB_CACHE_DMA32)) ||
	    !ka_class_enabled(s->class))
		goto kernel;
	t = ka_cache_type_new(name, s->class, &args);
	if (IS_ERR(t)) {
		pr_warn("module %s: cache %s stays the kernel's: no type (%pe)\n",
			module_name(s->owner), name, t);
		goto kernel;
	}
	WRITE_ONCE(t->cache_magic, KA_CACHE_MAGIC);
	return (struct kmem_cache *)t;
kernel:
	return kmem_cache_create_usercopy(name, size, align, f, useroffset, usersize, ctor);
}
EXPORT_SYMBOL_GPL(ka_shim_cache_create);

void *ka_shim_cache_alloc(struct kmem_cache *c, gfp_t gfp, int node, unsigned long caller)
{
	struct ka_type *t = ka_cache_type(c);

	if (!t)
		return node == NUMA_NO_NODE ? kmem_cache_alloc(c, gfp) :
					      kmem_cache_alloc_node(c, gfp, node);
	/* the cache, not the call, says where objects come from; none is charged */
	return ka_alloc_node_caller(t, ka_type_object_size(t), gfp & ~KA_GFP_REFUSED, node,
				    caller ?: _RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_shim_cache_alloc);

void ka_shim_cache_free(struct kmem_cache *c, void *obj)
{
	struct ka_type *t = ka_cache_type(c);

	if (t)
		ka_free_caller_ip(t, obj, _RET_IP_);
	else
		kmem_cache_free(c, obj);
}
EXPORT_SYMBOL_GPL(ka_shim_cache_free);

int ka_shim_cache_alloc_bulk(struct kmem_cache *c, gfp_t gfp, size_t n, void **p)
{
	struct ka_type *t = ka_cache_type(c);

	if (!t)
		return kmem_cache_alloc_bulk(c, gfp, n, p);
	return ka_alloc_bulk(t, gfp & ~KA_GFP_REFUSED, n, p);
}
EXPORT_SYMBOL_GPL(ka_shim_cache_alloc_bulk);

void ka_shim_cache_free_bulk(struct kmem_cache *c, size_t n, void **p)
{
	struct ka_type *t = ka_cache_type(c);
	size_t i;

	if (t) {
		ka_free_bulk(t, n, p);
	} else if (c) {
		kmem_cache_free_bulk(c, n, p);
	} else {
		/* kfree_bulk(): each block to whoever gave it out */
		for (i = 0; i < n; i++)
			if (!ZERO_OR_NULL_PTR(p[i]) && !ka_free_owned(p[i], _RET_IP_))
				kfree(p[i]);
	}
}
EXPORT_SYMBOL_GPL(ka_shim_cache_free_bulk);

void ka_shim_cache_destroy(struct kmem_cache *c)
{
	struct ka_type *t = ka_cache_type(c);

	if (!t) {
		kmem_cache_destroy(c);
		return;
	}
	/* objects left: reported, and the type kept with them, as SLUB keeps the cache */
	ka_type_destroy(t);
}
EXPORT_SYMBOL_GPL(ka_shim_cache_destroy);

int ka_shim_cache_shrink(struct kmem_cache *c)
{
	struct ka_type *t = ka_cache_type(c);

	if (!t)
		return kmem_cache_shrink(c);
	ka_type_shrink(t);
	return 0;
}
EXPORT_SYMBOL_GPL(ka_shim_cache_shrink);

unsigned int ka_shim_cache_size(struct kmem_cache *c)
{
	struct ka_type *t = ka_cache_type(c);

	return t ? ka_type_object_size(t) : kmem_cache_size(c);
}
EXPORT_SYMBOL_GPL(ka_shim_cache_size);

void *ka_shim_mempool_alloc_slab(gfp_t gfp, void *pool_data)
{
	return ka_shim_cache_alloc(pool_data, gfp, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(ka_shim_mempool_alloc_slab);

void ka_shim_mempool_free_slab(void *element, void *pool_data)
{
	ka_shim_cache_free(pool_data, element);
}
EXPORT_SYMBOL_GPL(ka_shim_mempool_free_slab);
