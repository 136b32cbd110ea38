// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kalloc_fault: the per-CPU stress (stress.h) with faults
 * injected into kalloc's own allocations (fail_kalloc, kalloc/fault.c) and
 * the page allocator's (fail_page_alloc, set up by the guest's script,
 * scripts/guest-fault.sh). Run by kalloc_fault_kunit.ko in a guest of its
 * own, since the page allocator's faults reach whoever the filter lets in.
 */
#include <linux/cpu.h>

#include "../../tests/ka_test.h"
#include "../../fault.h"
#include "../cpu.h"
#include "stress.h"

/* Runs the stress with fail_kalloc failing @percent % of the threads' requests. */
static struct stress *run_with_faults(struct kunit *test, unsigned int ops,
				      unsigned int percent, int *injected)
{
	const int times = 1000000;
	struct stress *s;

	WRITE_ONCE(ka_fail_attr.task_filter, true);
	WRITE_ONCE(ka_fail_attr.verbose, 0);
	WRITE_ONCE(ka_fail_attr.interval, 1);
	atomic_set(&ka_fail_attr.space, 0);
	atomic_set(&ka_fail_attr.times, times);
	WRITE_ONCE(ka_fail_attr.probability, percent);
	s = ka_stress_run(test, ops, true);
	WRITE_ONCE(ka_fail_attr.probability, 0);
	*injected = times - atomic_read(&ka_fail_attr.times);
	kunit_info(test, "%u %%: %u operations on %u CPUs, %d faults injected by fail_kalloc: %d NULLs, %d reallocs kept their block\n",
		   percent, ops * num_online_cpus(), num_online_cpus(), *injected,
		   atomic_read(&s->nulls), atomic_read(&s->kept));
	pr_info("KALLOC-FAULT: ops %u at %u %% injected %d nulls %d kept %d\n",
		ops * num_online_cpus(), percent, *injected, atomic_read(&s->nulls),
		atomic_read(&s->kept));
	return s;
}

/*
 * 1 % of the stress threads' own requests failing for 20,000 operations a
 * CPU, and of their page allocator requests (the guest's script): kalloc's
 * fallbacks (a lean carrier, another source) absorb most, and whatever
 * reaches a caller is a clean NULL, or the old block kept whole by a
 * realloc. Then a burst with every one of kalloc's own requests failing,
 * so that failures do reach the callers: only what free space the carriers
 * and caches already have can be given.
 */
static void stress_survives_injected_faults(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct stress *s;
	int injected;

	s = run_with_faults(test, 20000, 1, &injected);
	KUNIT_EXPECT_GT(test, injected, 0);
	ka_test_flush_fronts();
	ka_stress_expect_balanced(test, s, true);

	s = run_with_faults(test, 2000, 100, &injected);
	KUNIT_EXPECT_GT(test, injected, 0);
	KUNIT_EXPECT_GT(test, atomic_read(&s->nulls) + atomic_read(&s->kept), 0);
	ka_test_flush_fronts();
	ka_stress_expect_balanced(test, s, true);
#else
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
#endif
}

static struct kunit_case fault_cases[] = {
	KUNIT_CASE_SLOW(stress_survives_injected_faults),
	{}
};

struct kunit_suite ka_test_fault_suite = {
	.name = "kalloc_fault",
	.test_cases = fault_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_fault_suite);
