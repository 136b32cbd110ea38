/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Routing between a class's per-CPU instances (cpu.c): which instance
 * allocates, frees and reallocates a block, hotplug, and setting up and
 * tearing down a class. The structures and their locks are pcpu.h's.
 */
#ifndef _KALLOC_CPU_H
#define _KALLOC_CPU_H

#include "../options.h"
#include "pcpu.h"

int ka_cpu_init(const struct ka_opts *o);
void ka_cpu_exit(void);

/* Class states besides the module's own (tests with their own parameters). */
int ka_cpu_group_init(struct ka_class_state *cs, enum ka_class cls, const struct ka_params *p,
		      struct ka_pool *pool);
void ka_cpu_group_exit(struct ka_class_state *cs);

/*
 * New parameters for class @cs (kalloc/tune.c): the class's, then each
 * instance's under its lock (ka_inst_params_set() says what stays; a new
 * strategy reaches new carriers, ka_inst_strategy_set()). The class's
 * smallest block stays as it was set up: -EINVAL for a strategy that
 * cannot index it, or one without an index per carrier while carriers
 * migrate; -ENOMEM without the new strategy's indexes. Either way nothing
 * changed. Takes the instances' locks: process context.
 */
int ka_cpu_params_set(struct ka_class_state *cs, const struct ka_params *p);

/* From this CPU's instance of @cs, under its lock; the front caches' slow path. */
void *ka_cpu_alloc_in(struct ka_class_state *cs, size_t size, unsigned int tid,
		      unsigned long origin, gfp_t gfp);
/*
 * From the instance of @cpu, whichever CPU calls, under its lock (another
 * node's memory for ka_alloc_node()).
 */
void *ka_cpu_alloc_on(struct ka_class_state *cs, unsigned int cpu, size_t size,
		      unsigned int tid, unsigned long origin, gfp_t gfp);
void *ka_cpu_alloc_on_aligned(struct ka_class_state *cs, unsigned int cpu, size_t size,
			      size_t align, unsigned int tid, unsigned long origin, gfp_t gfp);
/* ka_cpu_alloc_in() of a block whose payload is @align-aligned (0: KA_UNIT). */
void *ka_cpu_alloc_aligned(struct ka_class_state *cs, size_t size, size_t align,
			   unsigned int tid, unsigned long origin, gfp_t gfp);
void ka_cpu_free(void *ptr);
/* ka_cpu_free() of a block the debugging tools already saw go (ka_debug_take()). */
void ka_cpu_free_taken(void *ptr);
void ka_cpu_free_queued(void *ptr);
void *ka_cpu_realloc(struct ka_class_state *cs, void *ptr, size_t size, gfp_t gfp);
struct ka_pcpu *ka_cpu_owner(const void *ptr, const char **why);

/* For the pool: send @ptr to the CPU employing its carrier; @pc is locked by the caller. */
void ka_cpu_free_locked(struct ka_pcpu *pc, void *ptr);

#if IS_ENABLED(CONFIG_KUNIT)
extern void (*ka_cpu_offline_test_hook)(unsigned int cpu);
#endif

#endif /* _KALLOC_CPU_H */
