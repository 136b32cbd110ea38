/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only kernel surface the allocator core (blocks, carriers, strategies,
 * instance, checker) uses. In the kernel these are the real headers; the
 * user-space build (tools/testing/kalloc) compiles the same sources against
 * the kernel's tools/include plus a thin shim.
 */
#ifndef _KALLOC_CORE_H
#define _KALLOC_CORE_H

#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

static inline void *ka_core_zalloc(size_t size)
{
	return kzalloc(size, GFP_KERNEL);
}

static inline void ka_core_free(void *ptr)
{
	kfree(ptr);
}

/* Misuse of the allocator: a WARN, or counted when a test expects it. */
__printf(1, 2) void ka_report(const char *fmt, ...);

/* Carrier birth numbers, unique and rising across all instances. */
u64 ka_core_next_birth(void);
#else
#include "ka_user.h"
#endif

#endif /* _KALLOC_CORE_H */
