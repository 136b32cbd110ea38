// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc_debug_kunit.ko: the kernel's debugging tools see inside kalloc.
 *
 * kalloc_kasan: a use-after-free, a one-byte overrun, a read of a header or
 * of a block queued for another CPU are each reported by KASAN, at the
 * address touched and naming the function that touched it; accesses inside
 * what was asked for are not. For kmemleak, the module sets up a leak and a
 * kmalloc object referenced only from a kalloc block for
 * scripts/guest-debug.sh to look for (below).
 *
 * A KASAN report turns lockdep off for the rest of the boot and marks a
 * running KUnit case failed, so the touching runs in a kthread and the
 * module has a guest of its own (scripts/check.sh, with kasan_multi_shot).
 * Each provoked report is bracketed by KALLOC-EXPECT-REPORT lines, inside
 * which scripts/ktap.py does not count splats; it counts the brackets.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/console.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <trace/events/error_report.h>
#include <kalloc.h>

#include "../../kalloc/compat.h"
#include "peek.h"

/* What the probes saw while armed. */
static struct {
	raw_spinlock_t lock;
	bool armed;
	int reports;
	unsigned long addr;
	size_t len;
	char text[4096];
} seen = { .lock = __RAW_SPIN_LOCK_UNLOCKED(seen.lock) };

static void probe_report(void *ignore, enum error_detector det, unsigned long id)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&seen.lock, flags);
	if (seen.armed && det == ERROR_DETECTOR_KASAN) {
		seen.reports++;
		seen.addr = id;
	}
	raw_spin_unlock_irqrestore(&seen.lock, flags);
}

/*
 * The report's text, as a console sees it: a console of our own rather than
 * the console tracepoint, which 6.1 does not export (netconsole is the
 * precedent for a console enabled without the command line naming it).
 */
static void seen_console_write(struct console *con, const char *buf, unsigned int len)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&seen.lock, flags);
	if (seen.armed) {
		len = min_t(size_t, len, sizeof(seen.text) - 1 - seen.len);
		memcpy(seen.text + seen.len, buf, len);
		seen.len += len;
		seen.text[seen.len] = '\0';
	}
	raw_spin_unlock_irqrestore(&seen.lock, flags);
}

static struct console seen_console = {
	.name = "kadebug",
	.write = seen_console_write,
	.flags = CON_ENABLED,
	.index = -1,
};

static void arm(bool on)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&seen.lock, flags);
	if (on) {
		seen.reports = 0;
		seen.addr = 0;
		seen.len = 0;
		seen.text[0] = '\0';
	}
	seen.armed = on;
	raw_spin_unlock_irqrestore(&seen.lock, flags);
}

static bool seen_text(const char *what)
{
	unsigned long flags;
	bool found;

	raw_spin_lock_irqsave(&seen.lock, flags);
	found = strstr(seen.text, what);
	raw_spin_unlock_irqrestore(&seen.lock, flags);
	return found;
}

/*
 * A console is written after the report is stored, and on PREEMPT_RT by a
 * printing thread, later: give it up to five seconds to show @what.
 */
static bool wait_seen(const char *what)
{
	int i;

	for (i = 0; i < 250 && !seen_text(what); i++)
		msleep(20);
	return seen_text(what);
}

/* The touching: out of line, so each report names its function. */
static noinline void touch_read(void *p)
{
	(void)READ_ONCE(*(char *)p);
}

static noinline void touch_write(void *p)
{
	WRITE_ONCE(*(char *)p, 0x5a);
}

struct touch_job {
	void (*fn)(void *p);
	void *p;
	struct completion done;
};

static int touch_thread(void *data)
{
	struct touch_job *job = data;

	job->fn(job->p);
	kthread_complete_and_exit(&job->done, 0);
}

/* Runs @fn(@p) in a kthread, outside the KUnit case, and waits for it. */
static void touch_in_thread(struct kunit *test, void (*fn)(void *p), void *p)
{
	struct touch_job job = { .fn = fn, .p = p };
	struct task_struct *t;

	init_completion(&job.done);
	t = kthread_run(touch_thread, &job, "ka-debug-touch");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&job.done);
}

/*
 * @fn touches @p: KASAN must report a @bug access at @p in @fn (@fname), or,
 * with @bug NULL, nothing.
 */
static void expect_touch(struct kunit *test, void (*fn)(void *p), const char *fname, void *p,
			 const char *bug)
{
	char title[96];

	snprintf(title, sizeof(title), "BUG: KASAN: %s in %s", bug ?: "", fname);
	arm(true);
	if (bug)
		pr_info("KALLOC-EXPECT-REPORT: begin %s\n", bug);
	touch_in_thread(test, fn, p);
	if (bug)
		wait_seen(title);
	arm(false);
	if (bug)
		pr_info("KALLOC-EXPECT-REPORT: end %s\n", bug);

	KUNIT_EXPECT_EQ_MSG(test, seen.reports, bug ? 1 : 0, "KASAN reports for %s at +%lu",
			    fname, offset_in_page(p));
	if (!bug)
		return;
	KUNIT_EXPECT_EQ(test, seen.addr, (unsigned long)p);
	KUNIT_EXPECT_TRUE_MSG(test, seen_text(title), "no \"%s\" on the console", title);
}

#define EXPECT_TOUCH(test, fn, p, bug) expect_touch(test, fn, #fn, p, bug)

static int debug_suite_init(struct kunit_suite *suite)
{
	int ret;

	ret = register_trace_error_report_end(probe_report, NULL);
	if (ret)
		return ret;
	register_console(&seen_console);
	if (!(seen_console.flags & CON_ENABLED)) {
		unregister_trace_error_report_end(probe_report, NULL);
		return -ENODEV;
	}
	return 0;
}

static void debug_suite_exit(struct kunit_suite *suite)
{
	unregister_console(&seen_console);
	unregister_trace_error_report_end(probe_report, NULL);
	tracepoint_synchronize_unregister();
}

static int kasan_case_init(struct kunit *test)
{
	struct ka_type *t;

	if (!IS_ENABLED(CONFIG_KASAN_GENERIC))
		kunit_skip(test, "needs CONFIG_KASAN_GENERIC");
	t = ka_type_create("debug_kasan", KA_CLASS_STD);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	test->priv = t;
	return 0;
}

/* Every case ends with its blocks freed: the type goes. */
static void kasan_case_exit(struct kunit *test)
{
	if (test->priv)
		KUNIT_EXPECT_EQ(test, ka_type_destroy(test->priv), 0);
}

/* Freed into this CPU's front cache (100 B is below fcmax). */
static void kasan_use_after_free_cached(struct kunit *test)
{
	char *p = ka_alloc(test->priv, 100, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	ka_free(test->priv, p);
	EXPECT_TOUCH(test, touch_read, p, KA_KASAN_UAF);
	EXPECT_TOUCH(test, touch_read, p + 96, KA_KASAN_UAF);
}

/* Freed into the instance (8 KiB is above fcmax): a free block of a carrier. */
static void kasan_use_after_free_in_instance(struct kunit *test)
{
	char *keep = ka_alloc(test->priv, 8192, GFP_KERNEL);	/* keeps the carrier */
	char *p = ka_alloc(test->priv, 8192, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, keep);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ka_free(test->priv, p);
	EXPECT_TOUCH(test, touch_read, p + 4000, KA_KASAN_UAF);
	ka_free(test->priv, keep);
}

/*
 * One byte past the size asked for, inside a multiblock carrier's block:
 * written, as a real overrun would, into the block's own slack (a 100 or
 * 96 byte request gets a 104 byte payload), so nothing of kalloc's breaks.
 */
static void kasan_one_byte_overrun(struct kunit *test)
{
	char *p = ka_alloc(test->priv, 100, GFP_KERNEL);	/* partial last granule */
	char *q = ka_alloc(test->priv, 96, GFP_KERNEL);		/* whole granules */

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	EXPECT_TOUCH(test, touch_write, p + 99, NULL);
	EXPECT_TOUCH(test, touch_write, p + 100, "slab-out-of-bounds");
	EXPECT_TOUCH(test, touch_write, q + 95, NULL);
	EXPECT_TOUCH(test, touch_write, q + 96, "slab-out-of-bounds");
	ka_free(test->priv, q);
	ka_free(test->priv, p);
}

/* The header word before a block is kalloc's, not the caller's. */
static void kasan_header_poisoned(struct kunit *test)
{
	char *p = ka_alloc(test->priv, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	EXPECT_TOUCH(test, touch_read, p - 8, "slab-out-of-bounds");
	ka_free(test->priv, p);
}

/* A block that comes back from its cache is the caller's again, to the byte. */
static void kasan_reused_block_is_whole(struct kunit *test)
{
	char *p = ka_alloc(test->priv, 200, GFP_KERNEL), *q;

	KUNIT_ASSERT_NOT_NULL(test, p);
	migrate_disable();	/* one CPU's cache */
	ka_free(test->priv, p);
	q = ka_alloc(test->priv, 200, GFP_KERNEL);
	migrate_enable();
	KUNIT_ASSERT_PTR_EQ(test, q, p);	/* the cache's newest block */
	EXPECT_TOUCH(test, touch_write, q, NULL);
	EXPECT_TOUCH(test, touch_write, q + 199, NULL);
	/* the next block's header: read, a write would really corrupt it */
	EXPECT_TOUCH(test, touch_read, q + 200, "slab-out-of-bounds");
	ka_free(test->priv, q);
}

/* ka_realloc(): the accessible bytes follow the new size, in place or moved. */
static void kasan_realloc_follows_size(struct kunit *test)
{
	char *p = ka_alloc(test->priv, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p = ka_realloc(test->priv, p, 300, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	EXPECT_TOUCH(test, touch_write, p + 299, NULL);
	EXPECT_TOUCH(test, touch_write, p + 300, "slab-out-of-bounds");
	p = ka_realloc(test->priv, p, 40, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	EXPECT_TOUCH(test, touch_read, p + 39, NULL);
	EXPECT_TOUCH(test, touch_read, p + 40, "slab-out-of-bounds");
	ka_free(test->priv, p);
}

/*
 * A block freed on another CPU waits on its employer's queue until that CPU
 * drains it. The employer's CPU spins with preemption off meanwhile, so the
 * kick that would drain it cannot run: the read finds the block queued.
 */
struct queued_run {
	struct ka_type *type;
	char *p;
	bool was_queued;
	atomic_t stage;		/* 1: allocated, 2: freed and read */
	struct completion owner_done, freer_done;
};

static int queued_owner(void *data)
{
	struct queued_run *r = data;
	unsigned long end = jiffies + 30 * HZ;

	r->p = ka_alloc(r->type, 8192, GFP_KERNEL);
	preempt_disable();
	atomic_set(&r->stage, 1);
	while (r->p && atomic_read(&r->stage) < 2 && time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
	kthread_complete_and_exit(&r->owner_done, 0);
}

static int queued_freer(void *data)
{
	struct queued_run *r = data;

	while (atomic_read(&r->stage) < 1)
		usleep_range(1000, 2000);
	if (r->p) {
		ka_free(r->type, r->p);
		r->was_queued = ka_peek_queued(r->p);
		touch_read(r->p + 100);
	}
	atomic_set(&r->stage, 2);
	kthread_complete_and_exit(&r->freer_done, 0);
}

static void kasan_queued_block_poisoned(struct kunit *test)
{
	struct queued_run r = { .type = test->priv };
	struct task_struct *owner, *freer;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	init_completion(&r.owner_done);
	init_completion(&r.freer_done);
	owner = kthread_create_on_cpu(queued_owner, &r, 0, "ka-debug-owner/%u");
	KUNIT_ASSERT_FALSE(test, IS_ERR(owner));
	freer = kthread_create_on_cpu(queued_freer, &r, 1, "ka-debug-freer/%u");
	KUNIT_ASSERT_FALSE(test, IS_ERR(freer));

	arm(true);
	pr_info("KALLOC-EXPECT-REPORT: begin " KA_KASAN_UAF "\n");
	wake_up_process(owner);
	wake_up_process(freer);
	wait_for_completion(&r.freer_done);
	wait_for_completion(&r.owner_done);
	wait_seen("queued_freer");	/* the caller, in the report's stack: its end */
	arm(false);
	pr_info("KALLOC-EXPECT-REPORT: end " KA_KASAN_UAF "\n");

	KUNIT_ASSERT_NOT_NULL(test, r.p);
	KUNIT_EXPECT_TRUE_MSG(test, r.was_queued, "the block was not queued when read");
	KUNIT_EXPECT_EQ(test, seen.reports, 1);
	KUNIT_EXPECT_EQ(test, seen.addr, (unsigned long)r.p + 100);
	KUNIT_EXPECT_TRUE(test, seen_text("BUG: KASAN: " KA_KASAN_UAF " in touch_read"));
	KUNIT_EXPECT_TRUE(test, seen_text("queued_freer"));	/* the caller, in the stack */
	/* let the owner's CPU drain its queue before the type goes */
	msleep(100);
}

static struct kunit_case kasan_cases[] = {
	KUNIT_CASE(kasan_use_after_free_cached),
	KUNIT_CASE(kasan_use_after_free_in_instance),
	KUNIT_CASE(kasan_one_byte_overrun),
	KUNIT_CASE(kasan_header_poisoned),
	KUNIT_CASE(kasan_reused_block_is_whole),
	KUNIT_CASE(kasan_realloc_follows_size),
	KUNIT_CASE(kasan_queued_block_poisoned),
	{}
};

static struct kunit_suite kasan_suite = {
	.name = "kalloc_kasan",
	.suite_init = debug_suite_init,
	.suite_exit = debug_suite_exit,
	.init = kasan_case_init,
	.exit = kasan_case_exit,
	.test_cases = kasan_cases,
};

/*
 * ---- kmemleak ----
 *
 * kmemleak is read and told to scan through its debugfs file, which the
 * kernel cannot write or read itself (no write_iter/read_iter), so
 * scripts/guest-debug.sh does it: it writes "leak" to
 * /sys/kernel/debug/kalloc_debug/ctl, which leaks LEAK_BLOCKS blocks (their
 * addresses kept only hidden) and keeps a kmalloc object referenced only
 * from inside a held kalloc block; reading the file lists the addresses the
 * script must, and must not, find among kmemleak's suspects. Unloading the
 * module frees everything. "churn" makes traffic for the trace events.
 */
#define LEAK_HIDE	0x5a5a5a5a5a5a5a5aUL	/* a hidden pointer is no pointer */
#define LEAK_BLOCKS	4
#define LEAK_SIZE	120

static struct {
	struct mutex lock;			/* serialises the control file */
	struct ka_type *type;
	unsigned long hidden[LEAK_BLOCKS];
	void **held_block;			/* this module's data references it */
	unsigned long hidden_obj;		/* referenced only from the held block */
	struct dentry *dir;
} leak = { .lock = __MUTEX_INITIALIZER(leak.lock) };

static noinline void leak_blocks(struct ka_type *t, unsigned long *hidden)
{
	int i;

	for (i = 0; i < LEAK_BLOCKS; i++) {
		void *p = ka_alloc(t, LEAK_SIZE, GFP_KERNEL);

		if (p)
			memset(p, 0x6c, LEAK_SIZE);
		hidden[i] = (unsigned long)p ^ LEAK_HIDE;
	}
}

static noinline void hold_kmalloc_in_block(struct ka_type *t)
{
	void *obj = kmalloc(64, GFP_KERNEL);

	leak.held_block = ka_alloc(t, 256, GFP_KERNEL);
	if (leak.held_block) {
		memset(leak.held_block, 0, 256);
		leak.held_block[5] = obj;
	}
	leak.hidden_obj = (unsigned long)obj ^ LEAK_HIDE;
}

/* Dead frames below the stack pointer are scanned too: overwrite them. */
static noinline void scrub_stack(void)
{
	char buf[512];

	memzero_explicit(buf, sizeof(buf));
}

static void leak_release(void)
{
	int i;

	if (!leak.type)
		return;
	for (i = 0; i < LEAK_BLOCKS; i++)
		ka_free(leak.type, (void *)(leak.hidden[i] ^ LEAK_HIDE));
	if (leak.held_block)
		kfree(leak.held_block[5]);
	ka_free(leak.type, leak.held_block);
	leak.held_block = NULL;
	WARN_ON(ka_type_destroy(leak.type));
	leak.type = NULL;
}

static int leak_thread(void *done)
{
	leak_blocks(leak.type, leak.hidden);
	hold_kmalloc_in_block(leak.type);
	scrub_stack();
	kthread_complete_and_exit(done, 0);
}

/*
 * In a kthread that exits: a live task's stack is scanned, dead frames
 * included, and would keep a pointer the leak left behind.
 */
static void set_up_leak(void)
{
	DECLARE_COMPLETION_ONSTACK(done);
	struct task_struct *t;

	if (leak.type)
		return;
	/*
	 * A class nothing else in this guest uses: its carriers have never been
	 * released, so no stale pointer (an RCU callback list's tail, left at
	 * the record a released carrier's first block held) points into them.
	 */
	leak.type = ka_type_create("debug_kmemleak", KA_CLASS_LL);
	if (IS_ERR(leak.type)) {
		leak.type = NULL;
		return;
	}
	t = kthread_run(leak_thread, &done, "ka-debug-leak");
	if (IS_ERR(t)) {
		WARN_ON(ka_type_destroy(leak.type));
		leak.type = NULL;
		return;
	}
	wait_for_completion(&done);
}

/* Traffic for the trace events: a small block and a singleblock carrier's life. */
static noinline int debug_churn(void)
{
	struct ka_type *t = ka_type_create("debug_churn", KA_CLASS_STD);
	void *small, *large;

	if (IS_ERR(t))
		return PTR_ERR(t);
	small = ka_alloc(t, 100, GFP_KERNEL);
	large = ka_alloc(t, 2 << 20, GFP_KERNEL);
	ka_free(t, small);
	ka_free(t, large);
	return small && large && !ka_type_destroy(t) ? 0 : -ENOMEM;
}

/* "leak" or "churn" */
static ssize_t ctl_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char cmd[8] = "";
	int ret = 0;

	if (copy_from_user(cmd, ubuf, min(len, sizeof(cmd) - 1)))
		return -EFAULT;
	mutex_lock(&leak.lock);
	if (sysfs_streq(cmd, "leak")) {
		set_up_leak();
		ret = leak.type ? 0 : -ENOMEM;
	} else if (sysfs_streq(cmd, "churn")) {
		ret = debug_churn();
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&leak.lock);
	return ret ?: len;
}

static int leak_show(struct seq_file *m, void *v)
{
	int i;

	mutex_lock(&leak.lock);
	if (leak.type) {
		for (i = 0; i < LEAK_BLOCKS; i++)
			seq_printf(m, "leaked %lx %d\n", leak.hidden[i] ^ LEAK_HIDE, LEAK_SIZE);
		seq_printf(m, "held %lx\nheld %lx\n", (unsigned long)leak.held_block,
			   leak.hidden_obj ^ LEAK_HIDE);
	}
	mutex_unlock(&leak.lock);
	return 0;
}

static int leak_open(struct inode *inode, struct file *file)
{
	return single_open(file, leak_show, NULL);
}

static const struct file_operations leak_fops = {
	.owner = THIS_MODULE,
	.open = leak_open,
	.read = seq_read,
	.write = ctl_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init debug_init(void)
{
	leak.dir = debugfs_create_dir("kalloc_debug", NULL);
	debugfs_create_file("ctl", 0600, leak.dir, NULL, &leak_fops);
	return 0;
}

static void __exit debug_exit(void)
{
	debugfs_remove_recursive(leak.dir);
	leak_release();
}

module_init(debug_init);
module_exit(debug_exit);

kunit_test_suites(&kasan_suite);

MODULE_DESCRIPTION("kalloc seen by KASAN and kmemleak");
MODULE_LICENSE("GPL");
