/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation types (types.c), the entry points (alloc.c), the shim's calls
 * (shim.c) and the module's set-up (main.c), as kalloc's own files see
 * them; not for kalloc users.
 */
#ifndef _KALLOC_INTERNAL_H
#define _KALLOC_INTERNAL_H

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#define KALLOC_VERSION		"0.1.0"
#define KA_TYPE_NAME_MAX	32

/* Per-CPU call counters of one type; only the owning CPU writes them. */
struct ka_type_pcpu {
	u64 allocs;
	u64 frees;
	u64 failed;
	/* block bytes allocated less freed on this CPU, not yet in the type's @bytes */
	long bytes;
};

/*
 * A CPU folds its bytes into the type's once they pass this either way: the
 * type's maximum is then exact to within this much per CPU, and the fold,
 * the one atomic operation of the count, comes at most once per this many
 * bytes allocated or freed on a CPU.
 */
#define KA_TYPE_BYTES_BATCH	(64L * 1024)

struct ka_class_state;
struct ka_tcache;

struct ka_type {
	/*
	 * KA_CACHE_MAGIC for a shimmed module's kmem_cache (shim_cache.c),
	 * whose address the module holds as its cache: first, where a kernel
	 * kmem_cache has a per-CPU pointer, which never has this value.
	 */
	unsigned long cache_magic;
	struct list_head node;		/* on ka_types, under ka_types_lock */
	char name[KA_TYPE_NAME_MAX];
	enum ka_class class;
	struct ka_class_state *cs;	/* &ka_class_states[@class], for the fast path */
	unsigned int id;		/* in the header of each of its blocks */
	size_t fixed_size;		/* a fixed-size type's object size; 0: any size */
	/* ka_type_create_args()'s */
	unsigned int align;		/* 0: KA_MIN_ALIGN */
	unsigned int flags;		/* KA_TYPESAFE_BY_RCU, ... */
	unsigned int useroffset, usersize;
	void (*ctor)(void *obj);
	struct ka_tcache *tc;		/* caches of its own (typecache.h), or NULL */
	/* its size's bin in its class's front caches: the slot (KA_FRONT_NONE: none), ... */
	u8 front_slot;
	unsigned int front_blk;		/* ... which holds blocks of this size */
	/*
	 * A module's shim type (include/kalloc_shim.h): @shim_owner is the
	 * module while it is loaded, NULL after it left blocks behind.
	 */
	bool shim;
	struct module *shim_owner;
	struct ka_type_pcpu __percpu *pcpu;
	/* block bytes of its live blocks as folded by the CPUs, and the most that reached */
	atomic_long_t bytes, bytes_max;
};

/* Not a canonical address: no kernel cache's first word. */
#define KA_CACHE_MAGIC		0xdead4b4d43414348UL

/* Summed counters of one type, as the statistics views read them. */
struct ka_type_totals {
	u64 allocs;
	u64 frees;
	u64 failed;
	long bytes;		/* of the CPU's, or of every CPU and the type's: its live blocks */
};

void ka_type_bytes_fold(struct ka_type *type);

/*
 * Counts @bytes of blocks allocated (or, negative, freed) by @type on this
 * CPU: one per-CPU add, and a fold into the type's figure every
 * KA_TYPE_BYTES_BATCH. A disabled class's types count no bytes: kmalloc and
 * vmalloc keep its blocks' sizes, not kalloc.
 */
static __always_inline void ka_type_bytes_add(struct ka_type *type, long bytes)
{
	long unfolded = this_cpu_add_return(type->pcpu->bytes, bytes);

	if (unlikely((unsigned long)(unfolded + KA_TYPE_BYTES_BATCH) > 2 * KA_TYPE_BYTES_BATCH))
		ka_type_bytes_fold(type);
}

/*
 * Flags kalloc refuses: it has no DMA zones, and no per-object memory cgroup
 * charging (carriers are shared by the blocks of every cgroup).
 */
#define KA_GFP_REFUSED	(__GFP_DMA | __GFP_DMA32 | __GFP_ACCOUNT)
extern atomic_t ka_alloc_failure_warnings;

/*
 * The workqueue of every work item that gives memory back (remote-free
 * kicks, cache decay, deferred vfree): WQ_MEM_RECLAIM, so that its rescuer
 * runs them when memory is short and no new worker can be made. Bound to
 * CPUs, as the per-CPU items need. Made first at load, destroyed last.
 */
extern struct workqueue_struct *ka_wq;

const char *ka_class_name(enum ka_class class);
char ka_class_letter(enum ka_class class);
struct ka_type *ka_type_by_id(unsigned int tid);
void ka_type_read(const struct ka_type *type, int cpu, struct ka_type_totals *out);
void ka_type_sum(const struct ka_type *type, struct ka_type_totals *out);
typedef int (*ka_type_visitor)(const struct ka_type *type, void *arg);
int ka_visit_types(ka_type_visitor fn, void *arg);
void ka_types_exit(void);

/* Module-owned types and frees by the block's own type (kalloc/shim.c). */
struct module;
struct ka_type *ka_type_for_module(const char *name, enum ka_class class,
				   struct module *owner);
struct ka_type *ka_type_take_module(struct module *owner);
bool ka_free_owned(const void *ptr, unsigned long caller);
void ka_free_caller_ip(struct ka_type *type, const void *ptr, unsigned long caller);
size_t ka_size_owned(const void *ptr, bool *ours);
/* What the live types' structures take, and how many there are (the memory view). */
size_t ka_types_own_bytes(unsigned int *types);
void *ka_realloc_owned(void *ptr, size_t size, gfp_t gfp, unsigned long caller, bool *ours);
void *ka_alloc_node_caller(struct ka_type *type, size_t size, gfp_t gfp, int node,
			   unsigned long caller);
void *ka_alloc_aligned_caller(struct ka_type *type, size_t size, size_t align, gfp_t gfp,
			      int node, unsigned long caller);

/* Frees after a grace period (kalloc/rcu_free.c). */
void ka_free_rcu_queue(const void *ptr, struct rcu_head *head);
void ka_free_rcu_barrier(void);
void ka_free_rcu_exit(void);
bool ka_block_is_live(struct ka_type *type, const void *ptr, const char *op,
		      unsigned long caller);
/* Claims a live block of @type for a cache of the type's own (alloc.c). */
bool ka_claim_cached(struct ka_type *type, const void *ptr, const char *op, void *caller);
int ka_shim_init(void);
void ka_shim_exit(void);

/* front_alloc() of alloc.c out of line: the suites' classes of their own. */
struct ka_class_state;
void *ka_class_alloc(struct ka_class_state *cs, size_t size, unsigned int tid,
		     unsigned long origin, gfp_t gfp);

/* The module's shared carrier sources (main.c). */
extern struct ka_seg ka_seg_global;
extern struct ka_sys ka_sys_global;

void ka_debugfs_init(void);
void ka_debugfs_exit(void);
int ka_sysfs_init(void);
void ka_sysfs_exit(void);

#endif /* _KALLOC_INTERNAL_H */
