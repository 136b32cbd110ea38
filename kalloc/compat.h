/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels kalloc builds on (6.1 and 6.12 LTS, and
 * later), kept in one place so the rest of the code reads as one kernel.
 */
#ifndef _KALLOC_COMPAT_H
#define _KALLOC_COMPAT_H

#include <linux/module.h>
#include <linux/version.h>

/* 6.13 turned module namespaces into string literals. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define KA_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define KA_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

#endif /* _KALLOC_COMPAT_H */
