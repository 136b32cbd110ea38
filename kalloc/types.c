// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation types: the registry of types by name and by the id each block's
 * header carries, their per-CPU call counters, creation and destruction.
 * The allocation entry points are alloc.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/rcupdate.h>
#include <linux/xarray.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pcpu/cpu_front.h"
#include "internal.h"
#include "report.h"
#include "typecache.h"

/*
 * Where the types with caches of their own point their class state: never
 * enabled, so that ka_alloc()'s and ka_free()'s straight lines send them to
 * the paths that know those caches, at no cost to other types.
 */
static struct ka_class_state ka_class_own_caches;

static LIST_HEAD(ka_types);
static DEFINE_MUTEX(ka_types_lock);
static DEFINE_XARRAY_ALLOC1(ka_type_ids);	/* id -> type; 0 marks untyped blocks */

static struct ka_type *ka_type_find(const char *name)
{
	struct ka_type *type;

	lockdep_assert_held(&ka_types_lock);
	list_for_each_entry(type, &ka_types, node)
		if (!strcmp(type->name, name))
			return type;
	return NULL;
}

/*
 * Names are single words of letters, digits, '_', '-' and '.', at most
 * KA_TYPE_NAME_MAX - 1 of them: each view prints one per column, and a blank
 * or a newline in a name would forge a column or a row.
 */
static bool ka_type_name_ok(const char *name)
{
	size_t len, i;

	if (!name)
		return false;
	len = strnlen(name, KA_TYPE_NAME_MAX);
	if (!len || len >= KA_TYPE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_-.", name[i]))
			return false;
	return true;
}

/* The pinned slot of block size @blk, or a free one; KA_FRONT_NONE if neither. */
static unsigned int ka_pin_slot(const struct ka_front_shape *sh, unsigned int blk)
{
	unsigned int s, free = KA_FRONT_NONE;

	for (s = 0; s < KA_FRONT_PINNED; s++) {
		if (sh->slot_blk[s] == blk)
			return s;
		if (!sh->slot_blk[s] && free == KA_FRONT_NONE)
			free = s;
	}
	return free;
}

/*
 * A fixed-size type's block size keeps a bin in every CPU's front cache of
 * its class, up to KA_FRONT_PINNED sizes a class, and that bin settles in
 * the size's slot, where the type's allocations look first; under
 * ka_types_lock, before the type is seen or after it is gone.
 */
static void ka_type_pin(struct ka_type *type, bool pin)
{
	struct ka_front_shape *sh = &ka_class_states[type->class].shape;
	bool pinned = type->front_slot != KA_FRONT_NONE;
	unsigned int i, blk, slot;

	lockdep_assert_held(&ka_types_lock);
	if (!type->fixed_size || type->tc || type->fixed_size > sh->max || pin == pinned)
		return;
	blk = ka_front_blk(sh, type->fixed_size);
	i = blk / KA_UNIT;
	if (pin) {
		slot = ka_pin_slot(sh, blk);
		if (sh->pin[i] == U8_MAX || slot == KA_FRONT_NONE)
			return;		/* no room: its size takes its chances in the bins */
		WRITE_ONCE(sh->pin[i], sh->pin[i] + 1);
		sh->slot_blk[slot] = blk;
		type->front_slot = slot;
		type->front_blk = blk;
	} else {
		WRITE_ONCE(sh->pin[i], sh->pin[i] - 1);
		if (!sh->pin[i])
			sh->slot_blk[type->front_slot] = 0;
		type->front_slot = KA_FRONT_NONE;
	}
}

static struct ka_type *ka_type_new(const char *name, enum ka_class class, size_t fixed_size,
				   const struct ka_type_args *args, bool own_caches,
				   struct module *shim_owner)
{
	struct ka_type *type;
	int err = 0;

	if (!ka_type_name_ok(name) || (unsigned int)class >= KA_NR_CLASSES)
		return ERR_PTR(-EINVAL);

	type = kzalloc(sizeof(*type), GFP_KERNEL);
	if (!type)
		return ERR_PTR(-ENOMEM);
	type->pcpu = alloc_percpu(struct ka_type_pcpu);
	if (!type->pcpu) {
		kfree(type);
		return ERR_PTR(-ENOMEM);
	}
	strscpy(type->name, name, sizeof(type->name));
	type->class = class;
	type->cs = &ka_class_states[class];
	type->fixed_size = fixed_size;
	type->front_slot = KA_FRONT_NONE;
	type->shim = shim_owner;
	type->shim_owner = shim_owner;
	if (args) {
		type->align = args->align;
		type->ctor = args->ctor;
		type->flags = args->flags;
		type->useroffset = args->useroffset;
		type->usersize = args->usersize;
	}
	if (own_caches) {
		err = ka_tc_create(type);
		if (err) {
			free_percpu(type->pcpu);
			kfree(type);
			return ERR_PTR(err);
		}
		type->cs = &ka_class_own_caches;
	}

	mutex_lock(&ka_types_lock);
	if (ka_type_find(name)) {
		err = -EEXIST;
	} else {
		err = xa_alloc(&ka_type_ids, &type->id, type, XA_LIMIT(1, KA_TID_MAX),
			       GFP_KERNEL);
		if (!err) {
			list_add_tail(&type->node, &ka_types);
			ka_type_pin(type, true);
		} else if (err == -EBUSY) {
			err = -ENOSPC;		/* all 16383 type ids are taken */
		}
	}
	mutex_unlock(&ka_types_lock);

	if (err) {
		ka_tc_destroy(type);
		free_percpu(type->pcpu);
		kfree(type);
		return ERR_PTR(err);
	}
	return type;
}

struct ka_type *ka_type_create(const char *name, enum ka_class class)
{
	return ka_type_new(name, class, 0, NULL, false, NULL);
}
EXPORT_SYMBOL_GPL(ka_type_create);

/*
 * A module's shim type, by name: registered for @owner the first time, or
 * taken back from a shim type that an earlier load of the module left with
 * blocks allocated, so that they are freed into the type that counts them.
 * A type of that name that is not a shim type, or belongs to another
 * module, is not taken: -EEXIST.
 */
struct ka_type *ka_type_for_module(const char *name, enum ka_class class, struct module *owner)
{
	struct ka_type *type;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		mutex_lock(&ka_types_lock);
		type = ka_type_find(name);
		if (type && (!type->shim || type->class != class ||
			     (type->shim_owner && type->shim_owner != owner)))
			type = ERR_PTR(-EEXIST);
		else if (type)
			type->shim_owner = owner;
		mutex_unlock(&ka_types_lock);
		if (type)
			return type;
		type = ka_type_new(name, class, 0, NULL, false, owner);
		if (!IS_ERR(type) || PTR_ERR(type) != -EEXIST)
			return type;
		/* another file of the module registered it first: take that one */
	}
	return ERR_PTR(-EEXIST);
}

/* One shim type of @owner, now no longer its (NULL when it has none left). */
struct ka_type *ka_type_take_module(struct module *owner)
{
	struct ka_type *type, *found = NULL;

	mutex_lock(&ka_types_lock);
	list_for_each_entry(type, &ka_types, node) {
		if (type->shim_owner == owner) {
			type->shim_owner = NULL;
			found = type;
			break;
		}
	}
	mutex_unlock(&ka_types_lock);
	return found;
}

/* Blocks are KA_UNIT-aligned; a stricter alignment would need its own carving. */
struct ka_type *ka_type_create_fixed(const char *name, enum ka_class class, size_t size,
				     size_t align)
{
	struct ka_type_args args = { .size = size, .align = align };

	if (!size || size > KA_FIXED_MAX)
		return ERR_PTR(-EINVAL);
	return ka_type_create_args(name, class, &args);
}
EXPORT_SYMBOL_GPL(ka_type_create_fixed);

#define KA_TYPE_FLAGS	(KA_TYPESAFE_BY_RCU | KA_HWCACHE_ALIGN | KA_RECLAIMABLE | KA_PANIC | \
			 KA_CONTIGUOUS)

/*
 * mm/slab_common.c's calculate_alignment(): a hardware-cache-aligned object
 * gets the cache line, halved while the object fits twice in it; then at
 * least a word.
 */
static size_t ka_type_alignment(const struct ka_type_args *a)
{
	size_t align = a->align, ralign;

	if (a->flags & KA_HWCACHE_ALIGN) {
		ralign = cache_line_size();
		while (a->size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	return max_t(size_t, align, sizeof(void *));	/* powers of two: a word's multiple */
}

static struct ka_type *ka_type_make(const char *name, enum ka_class class,
				    const struct ka_type_args *a)
{
	struct ka_type_args args = *a;
	bool own;

	if ((args.flags & ~KA_TYPE_FLAGS) || args.size > KA_MAX_SIZE ||
	    (args.align && !is_power_of_2(args.align)) || args.align > PAGE_SIZE ||
	    args.useroffset > args.size || args.usersize > args.size - args.useroffset)
		return ERR_PTR(-EINVAL);
	if (!args.size) {
		/* a type of any size: nothing about its objects to keep */
		if (args.flags & ~KA_PANIC || args.align || args.ctor || args.usersize)
			return ERR_PTR(-EINVAL);
		return ka_type_new(name, class, 0, NULL, false, NULL);
	}
	args.align = ka_type_alignment(&args);
	if (args.align > PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	own = args.ctor || (args.flags & KA_TYPESAFE_BY_RCU) || args.align > KA_MIN_ALIGN;
	if (args.align <= KA_MIN_ALIGN)
		args.align = 0;
	/* a disabled class's kmalloc keeps no constructed objects */
	if (own && !ka_class_enabled(class))
		return ERR_PTR(-EOPNOTSUPP);
	/* constructed and RCU objects are looked up by virt_to_page() too */
	if ((args.ctor || (args.flags & (KA_TYPESAFE_BY_RCU | KA_CONTIGUOUS))) &&
	    !ka_class_states[class].p.dmap)
		return ERR_PTR(-EINVAL);
	return ka_type_new(name, class, args.size, &args, own, NULL);
}

struct ka_type *ka_type_create_args(const char *name, enum ka_class class,
				    const struct ka_type_args *args)
{
	struct ka_type *type;

	if (!args)
		return ka_type_create(name, class);
	type = ka_type_make(name, class, args);
	if (IS_ERR(type) && (args->flags & KA_PANIC))
		panic("kalloc: failed to create type %s: %pe\n", name, type);
	return type;
}
EXPORT_SYMBOL_GPL(ka_type_create_args);

unsigned int ka_type_object_size(const struct ka_type *type)
{
	return type->fixed_size;
}
EXPORT_SYMBOL_GPL(ka_type_object_size);

void ka_type_shrink(struct ka_type *type)
{
	if (type && type->tc)
		ka_tc_shrink(type);
}
EXPORT_SYMBOL_GPL(ka_type_shrink);

int ka_type_destroy(struct ka_type *type)
{
	struct ka_type_totals sum;

	if (!type)
		return 0;

	/* what ka_free_rcu() queued is freed first, as kmem_cache_destroy() does */
	ka_free_rcu_barrier();
	mutex_lock(&ka_types_lock);
	ka_type_sum(type, &sum);
	if (sum.allocs != sum.frees) {
		mutex_unlock(&ka_types_lock);
		/* as SLUB's "Objects remaining" on kmem_cache_destroy(): misuse */
		ka_report("kalloc: type %s not destroyed from %pS: %llu objects remaining%s\n",
			  type->name, __builtin_return_address(0), sum.allocs - sum.frees,
			  " (the allocations view names their callers)");
		return -EBUSY;
	}
	list_del(&type->node);
	xa_erase(&ka_type_ids, type->id);
	ka_type_pin(type, false);
	mutex_unlock(&ka_types_lock);

	/* What its users gave back goes back to the instances, as kmem_cache_destroy(). */
	ka_tc_destroy(type);
	if (ka_class_enabled(type->class))
		ka_front_flush_everywhere(&ka_class_states[type->class]);
	/* a report may be reading its name */
	synchronize_rcu();
	free_percpu(type->pcpu);
	kfree(type);
	return 0;
}
EXPORT_SYMBOL_GPL(ka_type_destroy);

/* Calls @fn on each registered type in creation order; stops on non-zero. */
int ka_visit_types(ka_type_visitor fn, void *arg)
{
	struct ka_type *type;
	int ret = 0;

	mutex_lock(&ka_types_lock);
	list_for_each_entry(type, &ka_types, node) {
		ret = fn(type, arg);
		if (ret)
			break;
	}
	mutex_unlock(&ka_types_lock);
	return ret;
}

/* The type whose id is @tid, or NULL; the caller is in an RCU read section. */
struct ka_type *ka_type_by_id(unsigned int tid)
{
	return tid ? xa_load(&ka_type_ids, tid) : NULL;
}

void ka_type_read(const struct ka_type *type, int cpu, struct ka_type_totals *out)
{
	const struct ka_type_pcpu *pc = per_cpu_ptr(type->pcpu, cpu);

	out->allocs = READ_ONCE(pc->allocs);
	out->frees = READ_ONCE(pc->frees);
	out->failed = READ_ONCE(pc->failed);
	out->bytes = READ_ONCE(pc->bytes);
}

/*
 * This CPU's bytes into the type's, and the type's maximum raised to what
 * they now make. Taking the CPU's figure with an exchange keeps every byte
 * counted once, from whatever context or CPU the caller finds itself on.
 */
void ka_type_bytes_fold(struct ka_type *type)
{
	long now = atomic_long_add_return(this_cpu_xchg(type->pcpu->bytes, 0), &type->bytes);
	long max = atomic_long_read(&type->bytes_max);

	while (now > max && !atomic_long_try_cmpxchg(&type->bytes_max, &max, now))
		;
}

size_t ka_types_own_bytes(unsigned int *types)
{
	size_t pcpu = num_possible_cpus(), bytes = 0;
	struct ka_type *type;

	*types = 0;
	mutex_lock(&ka_types_lock);
	list_for_each_entry(type, &ka_types, node) {
		(*types)++;
		bytes += ksize(type) + pcpu * sizeof(struct ka_type_pcpu);
		if (type->tc)
			bytes += sizeof(*type->tc) + pcpu * sizeof(struct ka_tc_cpu);
	}
	mutex_unlock(&ka_types_lock);
	return bytes;
}

void ka_type_sum(const struct ka_type *type, struct ka_type_totals *out)
{
	struct ka_type_totals one;
	int cpu;

	memset(out, 0, sizeof(*out));
	out->bytes = atomic_long_read(&type->bytes);
	for_each_possible_cpu(cpu) {
		ka_type_read(type, cpu, &one);
		out->allocs += one.allocs;
		out->frees += one.frees;
		out->failed += one.failed;
		out->bytes += one.bytes;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ka_type_sum);

int ka_type_stats(struct ka_type *type, struct ka_type_stats *out)
{
	struct ka_type_totals sum;

	if (!type || !out)
		return -EINVAL;
	ka_type_sum(type, &sum);
	out->allocs = sum.allocs;
	out->frees = sum.frees;
	out->failed = sum.failed;
	out->live = sum.allocs - sum.frees;
	/* CPUs' figures read a moment apart may sum below zero for a moment */
	out->bytes = max(sum.bytes, 0L);
	out->bytes_max = max_t(long, atomic_long_read(&type->bytes_max), out->bytes);
	return 0;
}
EXPORT_SYMBOL_GPL(ka_type_stats);

/*
 * Users hold a module reference while their types exist, so a type left at
 * unload was never destroyed: say so, and release its bookkeeping.
 */
void ka_types_exit(void)
{
	struct ka_type *type, *next;

	list_for_each_entry_safe(type, next, &ka_types, node) {
		pr_warn("type %s was never destroyed\n", type->name);
		if (type->tc) {
			/* its cached objects go with the instances' carriers */
			cancel_work_sync(&type->tc->trim);
			free_percpu(type->tc->cpu);
			kfree(type->tc);
		}
		list_del(&type->node);
		xa_erase(&ka_type_ids, type->id);
		free_percpu(type->pcpu);
		kfree(type);
	}
}
