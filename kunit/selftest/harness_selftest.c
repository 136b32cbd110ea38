// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberate failures for `make check-harness`, which proves that the test
 * harness notices them. Never loaded by `make check`.
 *
 *   mode=fail  one KUnit case fails
 *   mode=warn  one KUnit case passes but triggers a WARN()
 *   mode=pass  the suite passes cleanly (the control run)
 */
#include <kunit/test.h>
#include <linux/module.h>

static char *mode = "pass";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "pass, fail or warn");

static void harness_selftest_case(struct kunit *test)
{
	if (!strcmp(mode, "fail"))
		KUNIT_FAIL(test, "deliberate failure requested by mode=fail");
	else if (!strcmp(mode, "warn"))
		WARN(1, "kalloc harness self-test: deliberate WARN requested by mode=warn\n");
	else
		KUNIT_EXPECT_STREQ(test, mode, "pass");
}

static struct kunit_case harness_selftest_cases[] = {
	KUNIT_CASE(harness_selftest_case),
	{}
};

static struct kunit_suite harness_selftest_suite = {
	.name = "kalloc_harness_selftest",
	.test_cases = harness_selftest_cases,
};

kunit_test_suites(&harness_selftest_suite);

MODULE_DESCRIPTION("kalloc test-harness self-test (deliberate failures)");
MODULE_LICENSE("GPL");
