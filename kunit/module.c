// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc_kunit.ko: every kalloc KUnit suite; they run when the module loads.
 */
#include <linux/module.h>

#include "../kalloc/compat.h"

KA_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for kalloc");
MODULE_LICENSE("GPL");
