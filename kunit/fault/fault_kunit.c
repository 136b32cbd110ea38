// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc_fault_kunit.ko: the concurrent stress with faults injected into
 * kalloc's own allocations and the page allocator's (the kalloc_fault suite,
 * kalloc/pcpu/tests/cpu_kunit.c, built into kalloc.ko), run in a guest of its
 * own whose script sets fail_page_alloc up first (scripts/guest-fault.sh).
 */
#include <linux/module.h>

#include "../../kalloc/tests/ka_test.h"

kunit_test_suites(&ka_test_fault_suite);

MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("kalloc under injected allocation faults");
MODULE_LICENSE("GPL");
