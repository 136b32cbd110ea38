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
#include <linux/string.h>

static char *mode = "pass";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "pass, fail or warn");

/*
 * 6.1 runs a module's suites as the module comes (MODULE_STATE_COMING),
 * before its parameters are parsed; the insmod line is in place by then, and
 * parsing cuts it up in place, so a "mode=" still whole in it is unparsed.
 */
static const char *harness_mode(void)
{
	static char unparsed[8];
	const char *arg = THIS_MODULE->args ? strstr(THIS_MODULE->args, "mode=") : NULL;

	if (!arg)
		return mode;
	strscpy(unparsed, arg + strlen("mode="), sizeof(unparsed));
	unparsed[strcspn(unparsed, " ")] = '\0';
	return unparsed;
}

static void harness_selftest_case(struct kunit *test)
{
	const char *asked = harness_mode();

	if (!strcmp(asked, "fail"))
		KUNIT_FAIL(test, "deliberate failure requested by mode=fail");
	else if (!strcmp(asked, "warn"))
		WARN(1, "kalloc harness self-test: deliberate WARN requested by mode=warn\n");
	else
		KUNIT_EXPECT_STREQ(test, asked, "pass");
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
