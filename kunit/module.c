// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc_kunit.ko: every kalloc KUnit suite of the main guest; they run when
 * the module loads. The white-box suites live in kalloc.ko beside the code
 * they test (kalloc/tests/ka_test.h); the black-box ones (trace, shim) here.
 */
#include <linux/module.h>

#include "../kalloc/tests/ka_test.h"

kunit_test_suites(&ka_test_types_suite, &ka_test_strategy_suite, &ka_test_instance_suite,
		  &ka_test_sources_suite, &ka_test_cpu_suite, &ka_test_options_suite,
		  &ka_test_stats_suite, &ka_test_pool_suite, &ka_test_misuse_suite,
		  &ka_test_front_suite, &ka_test_holes_suite, &ka_test_typecache_suite,
		  &ka_test_scale_suite, &ka_test_tune_suite);

/*
 * The suites and helpers are exported with EXPORT_SYMBOL_IF_KUNIT.
 * MODULE_IMPORT_NS() changed from an identifier to a string in 6.13; the
 * MODULE_INFO() it expands to reads the same on every kernel.
 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests for kalloc");
MODULE_LICENSE("GPL");
