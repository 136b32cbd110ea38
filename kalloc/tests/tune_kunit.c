// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of parameters changed in a running kernel (kalloc/tune.c,
 * sysfs/sysfs.c): each writable parameter reaches every instance, a bad
 * write changes nothing, a new strategy reaches new carriers, and writes
 * race allocations on every CPU.
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/random.h>

#include "ka_test.h"
#include "../internal.h"
#include "../pcpu/cpu.h"
#include "../pool.h"
#include "../stats.h"
#include "../tune.h"

#define OPTS_MAX	4096

/* A valid value other than the default for each parameter that may change. */
static const char *const live_values[][2] = {
	{ "sbct", "1024" }, { "mmbcs", "64" }, { "smbcs", "256" }, { "lmbcs", "1024" },
	{ "mbcgs", "5" }, { "ycs", "512" }, { "mbsd", "5" }, { "ramv", "true" },
	{ "rmbcmt", "40" }, { "rsbcmt", "70" }, { "rsbcst", "30" }, { "asbcst", "2048" },
	{ "mmmbc", "100" }, { "mmsbc", "100" }, { "acul", "50" }, { "acful", "20" },
	{ "acnl", "10" }, { "acfml", "8192" }, { "fcmax", "2048" }, { "as", "aoffcaobf" },
};

/* The options in force, restored when the case ends. */
static char *saved_options(struct kunit *test)
{
	char *all = kunit_kmalloc(test, OPTS_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, all);
	KUNIT_ASSERT_GT(test, ka_tune_show_all(all, OPTS_MAX), 0);
	return all;
}

static void restore(struct kunit *test, const char *all)
{
	char err[128] = "";

	KUNIT_EXPECT_EQ_MSG(test, ka_tune_apply(all, err, sizeof(err)), 0, "%s", err);
}

/* Every instance made of @cls has the class's parameters. */
static void expect_instances_follow(struct kunit *test, enum ka_class cls)
{
	struct ka_class_state *cs = &ka_class_states[cls];
	struct ka_pcpu *pc;
	int cpu, seen = 0;

	for_each_possible_cpu(cpu) {
		pc = ka_pcpu_peek(cs, cpu);
		if (!pc)
			continue;
		seen++;
		ka_pcpu_lock(pc);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&pc->inst.p, &cs->p, sizeof(cs->p)), 0,
				    "CPU %d's instance of %s", cpu, ka_class_name(cls));
		ka_pcpu_unlock(pc);
	}
	KUNIT_EXPECT_GT(test, seen, 0);
}

static int param_index(const char *erts)
{
	unsigned int i;
	const char *e;

	for (i = 0; i < ka_opts_class_nparams(); i++)
		if (ka_opts_class_param(i, &e) && !strcmp(e, erts))
			return i;
	return -1;
}

/*
 * Each writable parameter, set through its sysfs file's rule: the class and
 * every instance made before (one per online CPU) have the new value, and
 * the file reads it back in the unit it was written in.
 */
static void each_live_parameter_takes_effect(struct kunit *test)
{
	struct ka_class_state *cs = &ka_class_states[KA_CLASS_STD];
	char *all = saved_options(test), err[128], flag[48], val[32];
	unsigned int i, live = 0;
	int cpu, k;

	if (!cs->enabled)
		kunit_skip(test, "needs the std class");
	for_each_online_cpu(cpu)
		KUNIT_ASSERT_NOT_NULL(test, ka_test_pcpu(cs, cpu));
	for (k = 0; k < ARRAY_SIZE(live_values); k++) {
		int idx = param_index(live_values[k][0]);

		KUNIT_ASSERT_GE_MSG(test, idx, 0, "%s", live_values[k][0]);
		KUNIT_EXPECT_TRUE_MSG(test, ka_tune_live(idx), "%s", live_values[k][0]);
		snprintf(flag, sizeof(flag), "+MD%s %s", live_values[k][0], live_values[k][1]);
		KUNIT_EXPECT_EQ_MSG(test, ka_tune_apply(flag, err, sizeof(err)), 0, "%s: %s",
				    flag, err);
		ka_tune_show(KA_CLASS_STD, idx, val, sizeof(val));
		KUNIT_EXPECT_STREQ_MSG(test, strim(val), live_values[k][1], "%s", flag);
		expect_instances_follow(test, KA_CLASS_STD);
	}
	KUNIT_EXPECT_EQ(test, cs->p.sbct, (size_t)1024 * 1024);
	KUNIT_EXPECT_TRUE(test, cs->p.ramv);
	KUNIT_EXPECT_EQ(test, cs->p.acfml, (size_t)8192);
	/* the front caches' bound follows fcmax, and stays below sbct as at load */
	KUNIT_EXPECT_EQ(test, cs->shape.max, (size_t)2048);
	KUNIT_EXPECT_EQ(test, ka_tune_apply("+MDsbct 1 +MDfcmax 4096", err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, cs->shape.max, (size_t)1023);
	KUNIT_EXPECT_EQ(test, cs->shape.max_blk, ka_front_blk(&cs->shape, 1023));
	/* every parameter is either in the table above or acts only at load */
	for (i = 0; i < ka_opts_class_nparams(); i++)
		live += ka_tune_live(i);
	KUNIT_EXPECT_EQ(test, live, (unsigned int)ARRAY_SIZE(live_values));
	restore(test, all);
	expect_instances_follow(test, KA_CLASS_STD);
	KUNIT_EXPECT_STREQ(test, saved_options(test), all);
	KUNIT_EXPECT_EQ(test, cs->shape.max, (size_t)KA_FRONT_MAX);
}

/* A write refused for its value or for acting only at load changes nothing. */
static void bad_writes_change_nothing(struct kunit *test)
{
	static const char *const bad[] = {
		"+MDsbct big", "+MDsbct 0", "+MDmbcgs 0", "+MDmbsd 1001", "+MDacul 101",
		"+MDas af",			/* af is for temp */
		"+MTas bf",			/* temp's 32-byte blocks: bf indexes 64 up */
		"+MDatags true", "+MDdmap true", "+MDfcmax 4097", "+MDe false", "+MDcp @",
		"+MDacul 0",			/* migration off */
		"+MTacul 30",			/* temp has no pool */
		"+MMmcs 3",			/* the segment source */
		"+MDfcmax 0",			/* front caches off */
		"+MDnosuch 1", "+MXsbct 100", "+MDsbct",
		"+MDrmbcmt 20 +MDlmbcs nope",	/* the valid first half is not applied */
		/* out of range: every other parameter that may change */
		"+MDmmbcs 1048561", "+MDsmbcs 8", "+MDlmbcs 2000000", "+MDycs 8",
		"+MDramv maybe", "+MDrmbcmt 101", "+MDrsbcmt 101", "+MDrsbcst 101",
		"+MDasbcst 1048561", "+MDmmmbc 4294967296", "+MDmmsbc 4294967296",
		"+MDacful 101", "+MDacnl 4294967296", "+MDacfml 1073725441",
	};
	struct ka_class_state *cs = &ka_class_states[KA_CLASS_STD];
	char *all = saved_options(test), err[128];
	struct ka_params before = cs->p;
	int k;

	if (!cs->enabled)
		kunit_skip(test, "needs the std class");
	KUNIT_ASSERT_NOT_NULL(test, ka_test_pcpu(cs, raw_smp_processor_id()));
	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		err[0] = '\0';
		KUNIT_EXPECT_EQ_MSG(test, ka_tune_apply(bad[k], err, sizeof(err)), -EINVAL,
				    "%s", bad[k]);
		KUNIT_EXPECT_NE_MSG(test, err[0], '\0', "%s: no reason given", bad[k]);
		KUNIT_EXPECT_STREQ_MSG(test, saved_options(test), all, "%s", bad[k]);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&cs->p, &before, sizeof(before)), 0, "%s",
				    bad[k]);
		expect_instances_follow(test, KA_CLASS_STD);
	}
	/* each parameter that may change has a bad write above ("+M" and a class letter first) */
	for (k = 0; k < ARRAY_SIZE(live_values); k++) {
		bool seen = false;
		int b;

		for (b = 0; b < ARRAY_SIZE(bad); b++) {
			size_t n = strlen(live_values[k][0]);

			seen |= !strncmp(bad[b] + 3, live_values[k][0], n) && bad[b][3 + n] == ' ';
		}
		KUNIT_EXPECT_TRUE_MSG(test, seen, "no bad write of %s", live_values[k][0]);
	}
}

static ssize_t sysfs_write(const char *rel, const char *text)
{
	return ka_test_write_file(KA_TEST_SYSFS, rel, text);
}

static ssize_t sysfs_read(const char *rel, char *buf, size_t len)
{
	return ka_test_read_file(KA_TEST_SYSFS, rel, buf, len);
}

/*
 * The files: one per parameter and class under its plain name, writable
 * when the parameter may change; "options" takes erts flags. A write's
 * effect is seen in the class's behaviour: below a lowered threshold a
 * block gets a carrier of its own.
 */
static void sysfs_files(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_tune", KA_CLASS_STD);
	char *all = saved_options(test), buf[64], rel[64];
	const char *erts, *plain;
	enum ka_class c;
	unsigned int i;
	void *p;

	if (!ka_class_enabled(KA_CLASS_STD))
		kunit_skip(test, "needs the std class");
	for (c = 0; c < KA_NR_CLASSES; c++) {
		for (i = 0; i < ka_opts_class_nparams(); i++) {
			plain = ka_opts_class_param(i, &erts);
			snprintf(rel, sizeof(rel), "%s/%s", ka_class_name(c), plain);
			KUNIT_EXPECT_GT_MSG(test, sysfs_read(rel, buf, sizeof(buf)), 0L, "%s", rel);
		}
	}
	KUNIT_EXPECT_GT(test, sysfs_read("std/sbc_threshold", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "512\n");
	KUNIT_EXPECT_GT(test, sysfs_read("std/strategy", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "bf\n");	/* as asked; aoffcbf in force, with migration */

	/* a block of 10,000 bytes: in a multiblock carrier, then in one of its own */
	p = ka_alloc(t, 10000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, ka_test_in_sbc(p));
	ka_free(t, p);
	KUNIT_EXPECT_EQ(test, sysfs_write("std/sbc_threshold", "8\n"), 2L);
	KUNIT_EXPECT_GT(test, sysfs_read("std/sbc_threshold", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "8\n");
	p = ka_alloc(t, 10000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, ka_test_in_sbc(p));
	ka_free(t, p);

	/* refused: a bad value, two words, a file of a load-time parameter */
	KUNIT_EXPECT_EQ(test, sysfs_write("std/sbc_threshold", "eight"), (ssize_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, sysfs_write("std/sbc_threshold", "8 +MDramv"), (ssize_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, sysfs_write("std/alloc_tags", "true"), (ssize_t)-EACCES);
	KUNIT_EXPECT_EQ(test, sysfs_write("options", "+MTas aobf"), (ssize_t)-EINVAL);
	KUNIT_EXPECT_GT(test, sysfs_read("temp/strategy", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "af\n");
	KUNIT_EXPECT_GT(test, sysfs_read("std/sbc_threshold", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "8\n");

	/* several flags in one write, one class or all */
	KUNIT_EXPECT_EQ(test, sysfs_write("options", "+MDsbct 512 +Murmbcmt 45"), 24L);
	KUNIT_EXPECT_GT(test, sysfs_read("std/sbc_threshold", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "512\n");
	KUNIT_EXPECT_GT(test, sysfs_read("buffer/shrink_move_ratio", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "45\n");
	restore(test, all);
	ka_test_expect_all_consistent(test);
}

/*
 * Calls @fn on each multiblock carrier of each instance of @cls, under the
 * instance's lock.
 */
static void visit_mbcs(enum ka_class cls, void (*fn)(struct ka_carrier *c, void *arg),
		       void *arg)
{
	struct ka_class_state *cs = &ka_class_states[cls];
	struct ka_carrier *c;
	struct ka_pcpu *pc;
	int cpu;

	for_each_possible_cpu(cpu) {
		pc = ka_pcpu_peek(cs, cpu);
		if (!pc)
			continue;
		ka_pcpu_lock(pc);
		list_for_each_entry(c, &pc->inst.mbcs, link)
			if (!ka_crr_cursor(c))
				fn(c, arg);
		ka_pcpu_unlock(pc);
	}
}

struct born_after {
	u64 birth;
	const struct ka_strategy *strat;
	unsigned int carriers, wrong;
};

static void count_born_after(struct ka_carrier *c, void *arg)
{
	struct born_after *ba = arg;

	if (c->birth <= ba->birth)
		return;
	ba->carriers++;
	ba->wrong += c->ix->strat != ba->strat;
}

/*
 * The strategy written to a class's file: every carrier made from then on
 * follows it, on every CPU, while carriers made before keep theirs; the
 * strategy asked for and the one in force read back.
 */
static void strategy_reaches_new_carriers(struct kunit *test)
{
	struct ka_type *t = ka_test_type(test, "kunit_tune_as", KA_CLASS_STD);
	struct ka_class_state *cs = &ka_class_states[KA_CLASS_STD];
	char *all = saved_options(test), buf[64];
	struct born_after ba = { .strat = &ka_strategy_ageffcaoff };
	struct ka_own_stats *own = kunit_kcalloc(test, 2, sizeof(*own), GFP_KERNEL);
	int i, cpu, instances = 0;
	void *p[12];

	KUNIT_ASSERT_NOT_NULL(test, own);
	if (!cs->enabled || !cs->p.acul)
		kunit_skip(test, "needs the std class with carrier migration");
	for_each_possible_cpu(cpu)
		instances += !!ka_pcpu_peek(cs, cpu);
	ka_stats_own(&own[0]);
	ba.birth = ka_core_next_birth();
	KUNIT_ASSERT_EQ(test, sysfs_write("std/strategy", "ageffcaoff\n"), 11L);
	/* each instance made before has an index of its own for it, and [taken] counts it */
	ka_stats_own(&own[1]);
	KUNIT_EXPECT_GE(test, own[1].instances_bytes - own[0].instances_bytes,
			instances * ka_inst_index_size(&cs->p));
	KUNIT_EXPECT_GT(test, sysfs_read("std/strategy", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "ageffcaoff\n");
	KUNIT_EXPECT_EQ(test, cs->p.as, KA_AS_AGEFFCAOFF);
	expect_instances_follow(test, KA_CLASS_STD);
	/* blocks no carrier has room for (sbct is 512 KiB): new carriers */
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = ka_alloc(t, 300 * 1024, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_FALSE(test, ka_test_in_sbc(p[i]));
	}
	visit_mbcs(KA_CLASS_STD, count_born_after, &ba);
	KUNIT_EXPECT_GT(test, ba.carriers, 0U);
	KUNIT_EXPECT_EQ(test, ba.wrong, 0U);
	ka_test_expect_all_consistent(test);

	/* asked for bf, which keeps no index per carrier: migration needs aoffcbf */
	ba.birth = ka_core_next_birth();
	ba.strat = &ka_strategy_aoffcbf;
	ba.carriers = 0;
	KUNIT_ASSERT_EQ(test, sysfs_write("std/strategy", "bf"), 2L);
	KUNIT_EXPECT_GT(test, sysfs_read("std/strategy", buf, sizeof(buf)), 0L);
	KUNIT_EXPECT_STREQ(test, buf, "bf\n");
	KUNIT_EXPECT_EQ(test, cs->p.as, KA_AS_AOFFCBF);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		ka_free(t, p[i]);
		p[i] = ka_alloc(t, 300 * 1024, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	visit_mbcs(KA_CLASS_STD, count_born_after, &ba);
	KUNIT_EXPECT_EQ(test, ba.wrong, 0U);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		ka_free(t, p[i]);
	restore(test, all);
	ka_test_flush_fronts();
	msleep(100);	/* the frees sent home land */
	ka_test_expect_all_consistent(test);
}

/* ---- instances made while the strategy changes ---- */

struct group {
	struct ka_class_state cs;
	struct ka_pool pool;
};

static void group_exit_action(void *g)
{
	ka_cpu_group_exit(&((struct group *)g)->cs);
}

struct flipper {
	struct ka_class_state *cs;
	struct ka_params p;
	struct completion done;
	bool stop;
	int flips, failed;
};

static int flip_strategies(void *arg)
{
	static const enum ka_as order[] = {
		KA_AS_AOFF, KA_AS_AGEFFCBF, KA_AS_AOFFCAOBF, KA_AS_AOFFCBF,
	};
	struct flipper *f = arg;

	while (!READ_ONCE(f->stop)) {
		f->p.as = order[f->flips++ % ARRAY_SIZE(order)];
		if (ka_cpu_params_set(f->cs, &f->p))
			f->failed++;
		cond_resched();
	}
	complete(&f->done);
	return 0;
}

/*
 * A new class's instances are made on every CPU while another thread
 * changes its strategy over and over: an instance made with a strategy
 * that changed before it was published is made again, so every instance
 * ends with the class's strategy in force and an index of it first.
 */
static void instances_made_during_strategy_changes(struct kunit *test)
{
	struct flipper *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	int round, cpu, made = 0;
	struct ka_check chk;

	KUNIT_ASSERT_NOT_NULL(test, f);
	for (round = 0; round < 16; round++) {
		struct group *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
		struct task_struct *t;
		unsigned long left;

		KUNIT_ASSERT_NOT_NULL(test, g);
		ka_params_default(&f->p);
		f->p.as = KA_AS_AOFFCBF;
		f->p.mmbcs = 32 * 1024;
		f->p.acul = 60;
		ka_pool_init(&g->pool, 't');
		KUNIT_ASSERT_EQ(test, ka_cpu_group_init(&g->cs, KA_CLASS_STD, &f->p, &g->pool), 0);
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, group_exit_action, g), 0);
		f->cs = &g->cs;
		f->stop = false;
		init_completion(&f->done);
		t = kthread_run(flip_strategies, f, "ka_tune_flip");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		for_each_online_cpu(cpu)
			made += !!ka_test_pcpu(&g->cs, cpu);
		WRITE_ONCE(f->stop, true);
		left = wait_for_completion_timeout(&f->done, 60 * HZ);
		KUNIT_ASSERT_NE(test, left, 0UL);
		KUNIT_EXPECT_EQ(test, f->failed, 0);
		for_each_online_cpu(cpu) {
			struct ka_pcpu *pc = ka_pcpu_peek(&g->cs, cpu);

			KUNIT_ASSERT_NOT_NULL(test, pc);
			ka_pcpu_lock(pc);
			KUNIT_EXPECT_EQ_MSG(test, pc->inst.p.as, g->cs.p.as, "round %d CPU %d",
					    round, cpu);
			KUNIT_EXPECT_PTR_EQ(test, pc->inst.ix->strat, ka_strategy_get(g->cs.p.as));
			KUNIT_EXPECT_EQ(test, ka_check_instance(&pc->inst, &chk), 0U);
			ka_pcpu_unlock(pc);
		}
	}
	kunit_info(test, "%d instances made during %d strategy changes\n", made, f->flips);
	KUNIT_EXPECT_EQ(test, made, 16 * (int)num_online_cpus());
}

#ifdef CONFIG_FAULT_INJECTION
/*
 * A strategy change needs an index for every instance, allocated before
 * anything changes: without the memory, the write fails and every class,
 * instance and option stays as it was.
 */
static void strategy_change_without_memory(struct kunit *test)
{
	struct ka_class_state *cs = &ka_class_states[KA_CLASS_STD];
	char *all = saved_options(test), err[128] = "";
	struct ka_params before;
	int ret;

	if (!cs->enabled || !cs->p.acul)
		kunit_skip(test, "needs the std class with carrier migration");
	KUNIT_ASSERT_NOT_NULL(test, ka_test_pcpu(cs, raw_smp_processor_id()));
	before = cs->p;
	ka_test_fail_this_task(true);
	ret = ka_tune_apply("+MDas ageffcaobf +MDsbct 256", err, sizeof(err));
	ka_test_fail_this_task(false);
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_NE(test, err[0], '\0');
	KUNIT_EXPECT_EQ(test, memcmp(&cs->p, &before, sizeof(before)), 0);
	KUNIT_EXPECT_STREQ(test, saved_options(test), all);
	expect_instances_follow(test, KA_CLASS_STD);
	/* with memory it goes through */
	KUNIT_EXPECT_EQ(test, ka_tune_apply("+MDas ageffcaobf", err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, cs->p.as, KA_AS_AGEFFCAOBF);
	restore(test, all);
	expect_instances_follow(test, KA_CLASS_STD);
}
#endif

/* ---- writes racing allocations on every CPU ---- */

struct race {
	struct ka_type *type;
	atomic_t running, bad;
	struct completion done, writer_done;
	unsigned int ops;
	int sysfs_writes, sysfs_failed;
	bool stop;			/* the allocators are done: the writer stops */
};

static int race_thread(void *arg)
{
	struct race *r = arg;
	void *held[16] = {};
	unsigned int i, k;

	for (i = 0; i < r->ops; i++) {
		k = get_random_u32_below(ARRAY_SIZE(held));
		if (held[k]) {
			size_t n = ka_size(r->type, held[k]);

			if (memchr_inv(held[k], k, min_t(size_t, n, 64)))
				atomic_inc(&r->bad);
			if (get_random_u32_below(4)) {
				ka_free(r->type, held[k]);
				held[k] = NULL;
				continue;
			}
			held[k] = ka_realloc(r->type, held[k], 64 + get_random_u32_below(20000),
					     GFP_KERNEL);
		} else {
			held[k] = ka_alloc(r->type, 64 + get_random_u32_below(20000), GFP_KERNEL);
		}
		if (!held[k]) {
			atomic_inc(&r->bad);
			continue;
		}
		memset(held[k], k, 64);
		if (i % 64 == 0)
			cond_resched();
	}
	for (k = 0; k < ARRAY_SIZE(held); k++)
		ka_free(r->type, held[k]);
	if (atomic_dec_and_test(&r->running))
		complete(&r->done);
	return 0;
}

/* A second writer, through the files, while the test's own writes go on. */
static int sysfs_writer(void *arg)
{
	static const char *const flips[] = {
		"+MDas ageffcaobf", "+MDmbsd 9", "+MDas aoffcbf", "+MDmbsd 3",
		"+MDacfml 4096", "+MDacfml 0",
	};
	struct race *r = arg;
	int k = 0;

	while (!READ_ONCE(r->stop)) {
		const char *f = flips[k++ % ARRAY_SIZE(flips)];

		if (sysfs_write("options", f) != (ssize_t)strlen(f))
			r->sysfs_failed++;
		r->sysfs_writes++;
		usleep_range(100, 200);
	}
	complete(&r->writer_done);
	return 0;
}

static void writes_race_allocations(struct kunit *test)
{
	static const char *const flips[][2] = {
		{ "+MDsbct 8", "+MDsbct 512" }, { "+MDlmbcs 256", "+MDlmbcs 2048" },
		{ "+MDsmbcs 64", "+MDsmbcs 128" }, { "+MDmbcgs 2", "+MDmbcgs 10" },
		{ "+MDramv true", "+MDramv false" }, { "+MDacul 20", "+MDacul 60" },
		{ "+MDrmbcmt 10", "+MDrmbcmt 50" }, { "+MDmmbcs 0", "+MDmmbcs 32" },
		{ "+MDacful 0", "+MDacful 40" }, { "+MDasbcst 0", "+MDasbcst 4048" },
		{ "+MDfcmax 1024", "+MDfcmax 4096" }, { "+MDas aoff", "+MDas ageffcbf" },
	};
	struct race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	char *all = saved_options(test), err[128];
	int cpu, n = 0, writes = 0;
	unsigned long left;

	KUNIT_ASSERT_NOT_NULL(test, r);
	if (!ka_class_enabled(KA_CLASS_STD))
		kunit_skip(test, "needs the std class");
	r->type = ka_test_type(test, "kunit_tune_race", KA_CLASS_STD);
	r->ops = 4000;
	init_completion(&r->done);
	init_completion(&r->writer_done);
	atomic_set(&r->running, num_online_cpus());
	for_each_online_cpu(cpu) {
		struct task_struct *t = kthread_run_on_cpu(race_thread, r, cpu, "ka_tune/%u");

		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		n++;
	}
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(sysfs_writer, r, "ka_tune_w")));
	while (!completion_done(&r->done)) {
		const char *const *f = flips[writes % ARRAY_SIZE(flips)];

		KUNIT_EXPECT_EQ(test, ka_tune_apply(f[(writes / ARRAY_SIZE(flips)) % 2], err,
						    sizeof(err)), 0);
		writes++;
		usleep_range(100, 200);
	}
	left = wait_for_completion_timeout(&r->done, 600 * HZ);
	/* the writer stops before anything can end the case and free @r */
	WRITE_ONCE(r->stop, true);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&r->writer_done, 60 * HZ), 0UL);
	KUNIT_ASSERT_NE(test, left, 0UL);
	kunit_info(test, "%d + %d writes (two writers) while %d CPUs allocated\n", writes,
		   r->sysfs_writes, n);
	KUNIT_EXPECT_GT(test, writes, 10);
	KUNIT_EXPECT_GT(test, r->sysfs_writes, 10);
	KUNIT_EXPECT_EQ(test, r->sysfs_failed, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->bad), 0);
	restore(test, all);
	expect_instances_follow(test, KA_CLASS_STD);
	ka_test_flush_fronts();
	msleep(100);	/* the frees sent home land */
	ka_test_expect_all_consistent(test);
}

static struct kunit_case tune_cases[] = {
	KUNIT_CASE(each_live_parameter_takes_effect),
	KUNIT_CASE(bad_writes_change_nothing),
	KUNIT_CASE(sysfs_files),
	KUNIT_CASE(strategy_reaches_new_carriers),
	KUNIT_CASE(instances_made_during_strategy_changes),
#ifdef CONFIG_FAULT_INJECTION
	KUNIT_CASE(strategy_change_without_memory),
#endif
	KUNIT_CASE_SLOW(writes_race_allocations),
	{}
};

struct kunit_suite ka_test_tune_suite = {
	.name = "kalloc_tune",
	.test_cases = tune_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_tune_suite);
