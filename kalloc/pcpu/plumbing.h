/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The carrier plumbing of a per-CPU instance (plumbing.c): the sources it
 * calls and the hooks through which the core tells the per-CPU layer about
 * its carriers.
 */
#ifndef _KALLOC_PLUMBING_H
#define _KALLOC_PLUMBING_H

#include "pcpu.h"

extern const struct ka_inst_hooks ka_pcpu_hooks;
void ka_plumbing_init(struct ka_pcpu *pc, int node);

#if IS_ENABLED(CONFIG_KUNIT)
extern void (*ka_src_unlocked_test_hook)(struct ka_pcpu *pc);
#endif

#endif /* _KALLOC_PLUMBING_H */
