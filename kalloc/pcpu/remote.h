/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The remote-free queue of a per-CPU instance (remote.c): blocks freed by
 * other CPUs and carriers sent home, waiting for the employing instance.
 */
#ifndef _KALLOC_REMOTE_H
#define _KALLOC_REMOTE_H

#include "pcpu.h"

#define KA_DRAIN_PER_PASS	20	/* blocks a drain pass frees before it lets go */

void ka_remote_init(struct ka_remote *rq);
void ka_remote_push(struct ka_pcpu *pc, void *ptr);
void ka_remote_push_batch(struct ka_pcpu *pc, struct llist_node *first, struct llist_node *last,
			  unsigned int n);
/* With @pc locked: frees up to @budget queued blocks; how many it freed. */
unsigned int ka_remote_drain(struct ka_pcpu *pc, unsigned int budget);
unsigned int ka_remote_take_cached(struct ka_pcpu *pc, const struct ka_front_shape *sh,
				   void **out, unsigned int max);
bool ka_remote_pending(struct ka_pcpu *pc);
void ka_cpu_kick(struct ka_pcpu *pc);
/* Tear-down and tests: drain @pc's queue completely / whether anything is queued. */
void ka_cpu_drain(struct ka_pcpu *pc);
bool ka_cpu_queued(struct ka_pcpu *pc);

#endif /* _KALLOC_REMOTE_H */
