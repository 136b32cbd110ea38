/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sys source, erts's sys_alloc: carriers from kmalloc, or vmalloc for
 * sizes kmalloc cannot serve when the caller may sleep. It holds the main
 * carriers and takes over when the segment source is limited or fails.
 */
#ifndef _KALLOC_SYS_H
#define _KALLOC_SYS_H

#include <linux/spinlock.h>

#include "instance.h"

struct ka_sys_stats {
	u64 alloc_calls, free_calls, failed;
	u64 carriers, carriers_max, carriers_size, carriers_size_max;
};

struct ka_sys {
	spinlock_t lock;	/* statistics */
	struct ka_sys_stats st;
};

struct ka_sys_handle {
	struct ka_source src;
	struct ka_sys *sys;
	int node;
};

void ka_sys_init(struct ka_sys *sys);
void ka_sys_handle_init(struct ka_sys_handle *h, struct ka_sys *sys, int node);
void ka_sys_stats_read(struct ka_sys *sys, struct ka_sys_stats *out);

#endif /* _KALLOC_SYS_H */
