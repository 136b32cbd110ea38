// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc_kunit.ko: every kalloc KUnit suite; they run when the module loads.
 */
#include <linux/module.h>

/*
 * The tests reach kalloc internals exported with EXPORT_SYMBOL_IF_KUNIT.
 * MODULE_IMPORT_NS() changed from an identifier to a string in 6.13; the
 * MODULE_INFO() it expands to reads the same on every kernel.
 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests for kalloc");
MODULE_LICENSE("GPL");
