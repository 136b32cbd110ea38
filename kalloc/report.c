// SPDX-License-Identifier: GPL-2.0
/*
 * Reports of allocator misuse (double free, foreign pointer, ...). Normally a
 * WARN naming the problem; a KUnit test that provokes one on purpose holds a
 * named resource "kalloc_errors" and the report is counted there instead, as
 * lib/slub_kunit.c does, so the harness can stay strict about splats.
 * Also the core's other kernel-side service: carrier birth numbers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/resource.h>
#include <linux/atomic.h>
#include <linux/sched.h>

#include "core/core.h"

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * Reports a running test provoked in another context (a timer, an IPI, a
 * thread on another CPU), counted here while the test has set it.
 */
static atomic_t *ka_report_sink;

void ka_report_sink_set(atomic_t *sink)
{
	WRITE_ONCE(ka_report_sink, sink);
}
#endif

static bool ka_report_counted(void)
{
#if IS_ENABLED(CONFIG_KUNIT)
	struct kunit_resource *res;
	atomic_t *sink = READ_ONCE(ka_report_sink);

	if (sink) {
		atomic_inc(sink);
		return true;
	}
	if (!current->kunit_test)
		return false;
	res = kunit_find_named_resource(current->kunit_test, "kalloc_errors");
	if (!res)
		return false;
	(*(int *)res->data)++;
	kunit_put_resource(res);
	return true;
#else
	return false;
#endif
}

void ka_report(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (ka_report_counted())
		pr_info("expected by the running test: %pV", &vaf);
	else
		WARN(1, "%pV", &vaf);
	va_end(args);
}

static atomic64_t ka_births = ATOMIC64_INIT(0);

/* Carriers migrate between instances, so their ages come from one counter. */
u64 ka_core_next_birth(void)
{
	return atomic64_inc_return(&ka_births);
}
