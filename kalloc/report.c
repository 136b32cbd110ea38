// SPDX-License-Identifier: GPL-2.0
/*
 * Reports of allocator misuse (double free, foreign pointer, wrong type, ...)
 * as SLUB reports a bad object: a banner naming what was wrong, the stack of
 * the call, the kernel tainted (TAINT_BAD_PAGE), ratelimited; and notices of
 * requests kalloc refuses although they are legal (a DMA zone, an offline
 * node), one line once per type and caller. The misuse module parameter
 * turns misuse into WARN() or panic() for those who want it.
 *
 * A report is never printed where it is made: the call may hold an instance
 * lock with interrupts off, or a CPU's front cache. The text and the stack
 * are saved in one of a few records and printed by a work item; what finds
 * the records full is counted and said later.
 *
 * A KUnit test that provokes a report on purpose holds a named resource
 * "kalloc_errors" (or sets a sink for other contexts) and the report is
 * counted there instead, as lib/slub_kunit.c does, so the harness can stay
 * strict about splats. Also the core's other kernel-side service: carrier
 * birth numbers. Documentation/api.rst.
 */
/* No pr_fmt: a report's banner starts its line, as SLUB's does. */
#include <kunit/resource.h>
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/workqueue.h>

#include "core/core.h"
#include "report.h"

enum ka_misuse_action { KA_MISUSE_REPORT, KA_MISUSE_WARN, KA_MISUSE_PANIC };

static const char *const ka_misuse_names[] = { "report", "warn", "panic" };
static int ka_misuse_action;

static int misuse_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(ka_misuse_names, val);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(ka_misuse_action, i);
	return 0;
}

static int misuse_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", ka_misuse_names[READ_ONCE(ka_misuse_action)]);
}

static const struct kernel_param_ops misuse_ops = {
	.set = misuse_set,
	.get = misuse_get,
};

module_param_cb(misuse, &misuse_ops, NULL, 0644);
MODULE_PARM_DESC(misuse,
		 "what a misuse (double free, foreign pointer, ...) does: report (a ratelimited report with a stack, the default), warn (WARN()) or panic");

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

#define KA_REPORT_RECORDS	8
#define KA_REPORT_TEXT		256
#define KA_REPORT_DEPTH		16

struct ka_report_record {
	char text[KA_REPORT_TEXT];
	unsigned long stack[KA_REPORT_DEPTH];
	unsigned int depth;
};

/* Records waiting for the work item; a raw lock, as a report may come from any context. */
static struct ka_report_record ka_records[KA_REPORT_RECORDS];
static unsigned int ka_records_head, ka_records_count;
static DEFINE_RAW_SPINLOCK(ka_records_lock);
static atomic_t ka_reports_dropped = ATOMIC_INIT(0);
atomic_t ka_reports_made = ATOMIC_INIT(0);
/* As printk_ratelimit(): 10 reports every 5 seconds, the rest counted. */
static DEFINE_RATELIMIT_STATE(ka_report_rs, 5 * HZ, 10);

static void ka_report_print(struct work_struct *work)
{
	struct ka_report_record r;
	unsigned long flags;
	int dropped;

	for (;;) {
		raw_spin_lock_irqsave(&ka_records_lock, flags);
		if (!ka_records_count) {
			raw_spin_unlock_irqrestore(&ka_records_lock, flags);
			break;
		}
		r = ka_records[ka_records_head];
		ka_records_head = (ka_records_head + 1) % KA_REPORT_RECORDS;
		ka_records_count--;
		raw_spin_unlock_irqrestore(&ka_records_lock, flags);

		pr_err("=============================================================================\n");
		pr_err("BUG kalloc: %s", r.text);
		pr_err("-----------------------------------------------------------------------------\n");
#ifdef CONFIG_STACKTRACE
		stack_trace_print(r.stack, r.depth, 0);
#endif
	}
	dropped = atomic_xchg(&ka_reports_dropped, 0);
	if (dropped)
		pr_err("kalloc: %d misuse report(s) not printed (ratelimited)\n", dropped);
}

static DECLARE_WORK(ka_report_work, ka_report_print);

/* Saves a report for the work item; false if there is no room. */
static bool ka_report_save(struct va_format *vaf)
{
	struct ka_report_record r;
	unsigned long flags;
	const char *text;
	bool saved = false;

#ifdef CONFIG_STACKTRACE
	r.depth = stack_trace_save(r.stack, KA_REPORT_DEPTH, 2);
#else
	r.depth = 0;	/* the kernel keeps no stack traces */
#endif
	scnprintf(r.text, sizeof(r.text), "%pV", vaf);
	/* the messages name kalloc already: the banner does */
	text = strncmp(r.text, "kalloc: ", 8) ? r.text : r.text + 8;
	memmove(r.text, text, strlen(text) + 1);

	raw_spin_lock_irqsave(&ka_records_lock, flags);
	if (ka_records_count < KA_REPORT_RECORDS) {
		ka_records[(ka_records_head + ka_records_count) % KA_REPORT_RECORDS] = r;
		ka_records_count++;
		saved = true;
	}
	raw_spin_unlock_irqrestore(&ka_records_lock, flags);
	return saved;
}

void ka_report(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (ka_report_counted()) {
		pr_info("kalloc: expected by the running test: %pV", &vaf);
	} else {
		atomic_inc(&ka_reports_made);
		switch (READ_ONCE(ka_misuse_action)) {
		case KA_MISUSE_PANIC:
			panic("kalloc: %pV", &vaf);
			break;
		case KA_MISUSE_WARN:
			WARN(1, "%pV", &vaf);
			break;
		default:
			/* nothing was changed: lockdep and the rest stay trustworthy */
			add_taint(TAINT_BAD_PAGE, LOCKDEP_STILL_OK);
			if (__ratelimit(&ka_report_rs) && ka_report_save(&vaf))
				schedule_work(&ka_report_work);
			else
				atomic_inc(&ka_reports_dropped);
		}
	}
	va_end(args);
}

/* Waits until every report made so far is printed. */
void ka_report_flush(void)
{
	flush_work(&ka_report_work);
}

/*
 * Which type and caller have had their notice, by a hash of the pair: a
 * pair that collides with another may be told again, still ratelimited.
 */
#define KA_NOTICE_SLOTS	256
static unsigned long ka_noticed[KA_NOTICE_SLOTS];
atomic_t ka_notices_made = ATOMIC_INIT(0);

void ka_notice(unsigned int tid, unsigned long caller, const char *fmt, ...)
{
	unsigned long key = (caller ^ hash_long(tid, BITS_PER_LONG)) | 1;
	unsigned long *slot = &ka_noticed[hash_long(key, ilog2(KA_NOTICE_SLOTS))];
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 10);
	struct va_format vaf;
	va_list args;

	if (READ_ONCE(*slot) == key)
		return;
	WRITE_ONCE(*slot, key);
	atomic_inc(&ka_notices_made);
	if (!__ratelimit(&rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_notice("kalloc: %pV", &vaf);
	va_end(args);
}

/* At unload: the last reports are printed before the code that prints them goes. */
void ka_report_exit(void)
{
	flush_work(&ka_report_work);
}

static atomic64_t ka_births = ATOMIC64_INIT(0);

/* Carriers migrate between instances, so their ages come from one counter. */
u64 ka_core_next_birth(void)
{
	return atomic64_inc_return(&ka_births);
}
