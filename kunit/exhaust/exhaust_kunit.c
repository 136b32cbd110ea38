// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc_exhaust_kunit.ko: memory exhaustion with the flags drivers pass
 * (kalloc/tests/exhaust-kunit.h, built into kalloc.ko), run in a guest of its
 * own with little memory (scripts/check.sh).
 */
#include <linux/module.h>

#include "../../kalloc/tests/ka_test.h"

kunit_test_suites(&ka_test_exhaust_suite);

MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("kalloc under memory exhaustion");
MODULE_LICENSE("GPL");
