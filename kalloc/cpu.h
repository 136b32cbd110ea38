/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One instance per class per possible CPU, and the delayed-dealloc queues
 * that carry frees from other CPUs to the owner. Documentation/cpu.rst.
 */
#ifndef _KALLOC_CPU_H
#define _KALLOC_CPU_H

#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <kalloc.h>

#include "instance.h"
#include "options.h"
#include "seg.h"
#include "sys.h"

/* An instance of one class on one CPU. */
struct ka_pcpu {
	spinlock_t lock;		/* the instance; taken with interrupts off */
	unsigned long irqflags;		/* the holder's, to drop the lock around a sleep */
	bool locked;			/* held by an allocation path (may be dropped) */
	struct ka_instance inst;
	struct ka_source seg_src, sys_src;	/* what the instance calls */
	struct ka_seg_handle seg;		/* the shared sources behind them */
	struct ka_sys_handle sys;
	struct llist_head remote;	/* blocks freed by other CPUs */
	struct llist_node *pending;	/* taken off @remote, not yet freed; under @lock */
	atomic_t pushes;
	struct work_struct kick;
	enum ka_class cls;
	int cpu;
	atomic64_t dd_queued, dd_kicks;
	u64 dd_drained;			/* under @lock */
};

struct ka_class_state {
	bool enabled;
	struct ka_params p;
	struct ka_pcpu **pcpu;		/* [nr_cpu_ids], possible CPUs only */
};

extern struct ka_class_state ka_class_states[KA_NR_CLASSES];

int ka_cpu_init(const struct ka_opts *o);
void ka_cpu_exit(void);

void *ka_cpu_alloc(enum ka_class cls, size_t size, unsigned int tid, unsigned long origin,
		   gfp_t gfp);
void ka_cpu_free(struct ka_pcpu *owner, void *ptr);
void *ka_cpu_realloc(struct ka_pcpu *owner, void *ptr, size_t size, gfp_t gfp);
struct ka_pcpu *ka_cpu_owner(const void *ptr, const char **why);
void ka_cpu_drain(struct ka_pcpu *pc);

/* Delayed-dealloc counters of one instance, as the statistics views show them. */
struct ka_pcpu_counts {
	u64 queued, drained, kicks;
};

static inline bool ka_class_enabled(enum ka_class cls)
{
	return ka_class_states[cls].enabled;
}

#endif /* _KALLOC_CPU_H */
