// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of the statistics files: known allocations on one CPU of the
 * fix class (no other suite uses it), and what debugfs reports of them.
 */
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "ka_test.h"
#include "../pcpu/remote.h"
#include "../internal.h"
#include "../stats.h"

#define NB	10
#define BSIZE	1000	/* a 1008-byte block: the free-block histogram's first bucket */

struct known {
	struct ka_type *type;
	void *p[NB];
	bool odd_only;
};

static long known_alloc(void *arg)
{
	struct known *k = arg;
	int i;

	for (i = 0; i < NB; i++) {
		k->p[i] = ka_alloc(k->type, BSIZE, GFP_KERNEL);
		if (!k->p[i])
			return -ENOMEM;
	}
	return 0;
}

/* Frees the even blocks, or with odd_only the rest. */
static long known_free(void *arg)
{
	struct known *k = arg;
	int i;

	for (i = k->odd_only ? 1 : 0; i < NB; i += 2)
		ka_free(k->type, k->p[i]);
	return 0;
}

/* "@who @stat cur last_max max" of the [stats] section. */
static bool stat_of(const char *text, const char *who, const char *stat, u64 v[3])
{
	char key[48];
	const char *at;

	snprintf(key, sizeof(key), "\n%s %s ", who, stat);
	at = strstr(text, key);
	return at && sscanf(at + strlen(key), "%llu %llu %llu", &v[0], &v[1], &v[2]) == 3;
}

/* Up to @n numbers separated by spaces; returns how many were read. */
static int parse_numbers(const char *s, u64 *out, int n)
{
	int i, used;

	for (i = 0; i < n; i++) {
		if (sscanf(s, "%llu%n", &out[i], &used) != 1)
			break;
		s += used;
	}
	return i;
}

/* What follows "0 <birth> sys main " in a carriers listing: CPU 0's main carrier. */
static const char *main_carrier_line(const char *buf)
{
	const char *line;

	for (line = strstr(buf, "\n0 "); line; line = strstr(line + 1, "\n0 ")) {
		const char *end = strchr(line + 1, '\n');
		const char *kind = strstr(line, " sys main ");

		if (kind && (!end || kind < end))
			return kind + strlen(" sys main ");
	}
	return NULL;
}

static void stats_files(struct kunit *test)
{
	struct known *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	char *buf = kunit_kmalloc(test, 64 * 1024, GFP_KERNEL);
	u64 v[3], hist[KA_FREE_HIST], nums[5 + KA_FREE_HIST];
	unsigned long allocated, blocks;
	const char *line;
	char want[24];
	int i;

	KUNIT_ASSERT_TRUE(test, k && buf);
	if (!cpu_online(0) || !ka_class_enabled(KA_CLASS_FIX))
		kunit_skip(test, "needs CPU 0 and the fix class");
	ka_test_front_off(test, KA_CLASS_FIX);	/* exact counts of the instance's own blocks */
	k->type = ka_type_create("kunit_stats", KA_CLASS_FIX);
	KUNIT_ASSERT_FALSE(test, IS_ERR(k->type));
	KUNIT_ASSERT_GT(test, ka_test_read_stats("fix/info", buf, 64 * 1024), 0L);

	KUNIT_ASSERT_EQ(test, work_on_cpu(0, known_alloc, k), 0L);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("fix/info", buf, 64 * 1024), 0L);
	KUNIT_ASSERT_TRUE(test, stat_of(buf, "0", "mbc_blocks", v));
	KUNIT_EXPECT_EQ(test, v[0], (u64)NB);
	KUNIT_EXPECT_EQ(test, v[1], (u64)NB);
	KUNIT_ASSERT_TRUE(test, stat_of(buf, "0", "mbc_blocks_size", v));
	KUNIT_EXPECT_EQ(test, v[0], (u64)NB * 1008);

	/* allocations: fix keeps no tags; 10 blocks of 1008 bytes, bucket 512 (index 2) */
	KUNIT_ASSERT_GT(test, ka_test_read_stats("allocations", buf, 64 * 1024), 0L);
	KUNIT_EXPECT_NOT_NULL_MSG(test,
				  strstr(buf, "\nkunit_stats fix untagged - 10 10080 0 0 10 0 "),
				  "%s", buf);

	work_on_cpu(0, known_free, k);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("fix/info", buf, 64 * 1024), 0L);
	KUNIT_ASSERT_TRUE(test, stat_of(buf, "0", "mbc_blocks", v));
	KUNIT_EXPECT_EQ(test, v[0], (u64)NB / 2);
	KUNIT_EXPECT_EQ(test, v[1], (u64)NB);		/* the max since the last reset */
	KUNIT_EXPECT_GE(test, v[2], (u64)NB);
	/* reading changed nothing: a second reader sees the same maxima */
	KUNIT_ASSERT_GT(test, ka_test_read_stats("fix/info", buf, 64 * 1024), 0L);
	KUNIT_ASSERT_TRUE(test, stat_of(buf, "0", "mbc_blocks", v));
	KUNIT_EXPECT_EQ(test, v[1], (u64)NB);
	/* a write to last_max_reset restarts it, and only it */
	KUNIT_EXPECT_EQ(test, ka_test_write_stats("fix/last_max_reset", "1\n"), 2L);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("fix/info", buf, 64 * 1024), 0L);
	KUNIT_ASSERT_TRUE(test, stat_of(buf, "0", "mbc_blocks", v));
	KUNIT_EXPECT_EQ(test, v[0], (u64)NB / 2);
	KUNIT_EXPECT_EQ(test, v[1], (u64)NB / 2);
	KUNIT_EXPECT_GE(test, v[2], (u64)NB);		/* max ever stays */
	KUNIT_ASSERT_TRUE(test, stat_of(buf, "total", "mbc_blocks", v));
	KUNIT_EXPECT_GE(test, v[0], (u64)NB / 2);

	/* The main carrier of CPU 0: 5 blocks, 5 holes of 1008 bytes, one free tail. */
	KUNIT_ASSERT_GT(test, ka_test_read_stats("fix/carriers", buf, 64 * 1024), 0L);
	line = main_carrier_line(buf);
	KUNIT_ASSERT_NOT_NULL(test, line);
	/* size allocated blocks pooled unscanned, then the histogram */
	KUNIT_ASSERT_EQ(test, parse_numbers(line, nums, ARRAY_SIZE(nums)),
			(int)ARRAY_SIZE(nums));
	allocated = nums[1];
	blocks = nums[2];
	memcpy(hist, &nums[5], sizeof(hist));
	KUNIT_EXPECT_EQ(test, blocks, (unsigned long)NB / 2);
	KUNIT_EXPECT_EQ(test, allocated, (unsigned long)NB / 2 * 1008);
	KUNIT_EXPECT_EQ(test, hist[0], (u64)NB / 2);
	for (i = 1, v[0] = 0; i < KA_FREE_HIST; i++)
		v[0] += hist[i];
	KUNIT_EXPECT_EQ(test, v[0], 1ULL);		/* the tail */
	/* last, the strategy its free blocks are indexed by: the class's in force */
	snprintf(want, sizeof(want), " %s\n",
		 ka_strategy_get(ka_class_states[KA_CLASS_FIX].p.as)->name);
	KUNIT_EXPECT_PTR_EQ(test, strstr(line, want), strchr(line, '\n') - strlen(want) + 1);

	/* memory: the fix class holds at least these bytes, within its carriers */
	KUNIT_ASSERT_GT(test, ka_test_read_stats("memory", buf, 64 * 1024), 0L);
	line = strstr(buf, "\nfix ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	i = sscanf(line, " fix %llu %llu", &v[0], &v[1]);
	KUNIT_ASSERT_EQ(test, i, 2);
	KUNIT_EXPECT_GE(test, v[0], (u64)NB / 2 * 1008);
	KUNIT_EXPECT_LE(test, v[0], v[1]);

	k->odd_only = true;
	work_on_cpu(0, known_free, k);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(k->type), 0);
}

/* With atags the origin shows as the calling function and its module. */
static void allocations_by_origin(struct kunit *test)
{
	struct ka_type *t = ka_type_create("kunit_origin", KA_CLASS_DRIVER);
	char *buf = kunit_kmalloc(test, 64 * 1024, GFP_KERNEL);
	char want[KSYM_NAME_LEN + 64];
	void *p[3];
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < 3; i++)
		p[i] = ka_alloc(t, 3000, GFP_KERNEL);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("allocations", buf, 64 * 1024), 0L);
	/* 3000 bytes + header + tag: a 3024-byte block, bucket 2048 (index 4) */
	snprintf(want, sizeof(want), "\nkunit_origin driver %s %s 3 9072 0 0 0 0 3 ", __func__,
		 KBUILD_MODNAME);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, want), "no '%s' in %s", want + 1, buf);
	for (i = 0; i < 3; i++)
		ka_free(t, p[i]);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(t), 0);
}

#define POOLED_NB 1500

struct burst {
	struct ka_type *type;
	void *p[POOLED_NB];
};

static long burst_alloc(void *arg)
{
	struct burst *b = arg;
	int i;

	for (i = 0; i < POOLED_NB; i++) {
		b->p[i] = ka_alloc(b->type, BSIZE, GFP_KERNEL);
		if (!b->p[i])
			return -ENOMEM;
	}
	return 0;
}

/* Half, then the rest but every eighth block, as a falling load would. */
static long burst_shrink(void *arg)
{
	struct burst *b = arg;
	int i;

	for (i = 0; i < POOLED_NB; i++)
		if (i % 8 >= 1 && i % 8 <= 4)
			ka_free(b->type, b->p[i]);
	for (i = 0; i < POOLED_NB; i++)
		if (i % 8 >= 5)
			ka_free(b->type, b->p[i]);
	return 0;
}

/* Counts carriers lines of instance @cpu whose pooled column is 1. */
static int pooled_lines(const char *buf, int cpu)
{
	char prefix[8];
	const char *line;
	int n = 0;

	snprintf(prefix, sizeof(prefix), "\n%d ", cpu);
	for (line = strstr(buf, prefix); line; line = strstr(line + 1, prefix)) {
		u64 v[8];

		/* birth, then source and kind, then size allocated blocks pooled */
		if (sscanf(line + strlen(prefix), "%llu %*s %*s %llu %llu %llu %llu", &v[0], &v[1],
			   &v[2], &v[3], &v[4]) == 5 && v[4] == 1)
			n++;
	}
	return n;
}

/* pooled_blocks pooled_blocks_size pooled_carriers pooled_carriers_size of @cpu's [pool] row */
static bool pool_row(const char *buf, int cpu, u64 v[4])
{
	const char *at = strstr(buf, "\n[pool]\n");
	char prefix[8];

	if (!at)
		return false;
	snprintf(prefix, sizeof(prefix), "\n%d ", cpu);
	at = strstr(at + 1, prefix);
	return at && sscanf(at + strlen(prefix), "%llu %llu %llu %llu", &v[0], &v[1], &v[2],
			    &v[3]) == 4;
}

/*
 * Carriers a CPU abandoned after a burst show in the views: marked pooled
 * under their owner in fix/carriers, counted in fix/info's [pool] row, and
 * their blocks still counted in allocations.
 */
static void pooled_carriers_in_views(struct kunit *test)
{
	struct burst *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	char *buf = kunit_kmalloc(test, 256 * 1024, GFP_KERNEL);
	int cpu = cpumask_last(cpu_online_mask), i;
	char line[64];
	u64 v[4];

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	ka_test_front_off(test, KA_CLASS_FIX);	/* carriers abandoned as blocks are freed */
	b->type = ka_type_create("kunit_pooled", KA_CLASS_FIX);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(b->type));
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, burst_alloc, b), 0L);
	work_on_cpu(cpu, burst_shrink, b);

	KUNIT_ASSERT_GT(test, ka_test_read_stats("fix/carriers", buf, 256 * 1024), 0L);
	KUNIT_EXPECT_GT_MSG(test, pooled_lines(buf, cpu), 0, "%s", buf);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("fix/info", buf, 256 * 1024), 0L);
	KUNIT_ASSERT_TRUE(test, pool_row(buf, cpu, v));
	KUNIT_EXPECT_GT(test, v[0], 0ULL);		/* survivors in pooled carriers */
	KUNIT_EXPECT_GT(test, v[2], 0ULL);
	KUNIT_EXPECT_EQ(test, v[1], v[0] * 1008);	/* 1000-byte requests */
	KUNIT_ASSERT_GT(test, ka_test_read_stats("allocations", buf, 256 * 1024), 0L);
	snprintf(line, sizeof(line), "\nkunit_pooled fix untagged - %d %d ",
		 DIV_ROUND_UP(POOLED_NB, 8), DIV_ROUND_UP(POOLED_NB, 8) * 1008);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, line), "%s", buf);

	for (i = 0; i < POOLED_NB; i += 8)
		ka_free(b->type, b->p[i]);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(b->type), 0);
}

static void hist_buckets(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ka_hist_bucket(100, KA_FREE_HIST_FIRST, KA_FREE_HIST), 0U);
	KUNIT_EXPECT_EQ(test, ka_hist_bucket(1023, KA_FREE_HIST_FIRST, KA_FREE_HIST), 0U);
	KUNIT_EXPECT_EQ(test, ka_hist_bucket(1024, KA_FREE_HIST_FIRST, KA_FREE_HIST), 1U);
	KUNIT_EXPECT_EQ(test, ka_hist_bucket(SIZE_MAX / 2, KA_FREE_HIST_FIRST, KA_FREE_HIST),
			KA_FREE_HIST - 1);
	KUNIT_EXPECT_EQ(test, ka_hist_bucket(128, KA_ALLOC_HIST_FIRST, KA_ALLOC_HIST), 0U);
	KUNIT_EXPECT_EQ(test, ka_hist_bucket(256, KA_ALLOC_HIST_FIRST, KA_ALLOC_HIST), 1U);
}

/* The value of the "@key value" line of @text, or -1. */
static long long key_of(const char *text, const char *key)
{
	char want[40];
	const char *at;
	long long v;

	snprintf(want, sizeof(want), "\n%s ", key);
	at = strstr(text, want);
	return at && sscanf(at + strlen(want), "%lld", &v) == 1 ? v : -1;
}

/* info's features name what is on in this load, and nothing that is off. */
static void features_follow_state(struct kunit *test)
{
	char *buf = kunit_kmalloc(test, 64 * 1024, GFP_KERNEL);
	bool atags = false;
	char *line, *end;
	int c;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("info", buf, 64 * 1024), 0L);
	line = strstr(buf, "\nfeatures ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	end = strchr(line + 1, '\n');
	KUNIT_ASSERT_NOT_NULL(test, end);
	*end = '\0';
	for (c = 0; c < KA_NR_CLASSES; c++)
		atags |= ka_class_enabled(c) && ka_class_states[c].p.atags;
	KUNIT_EXPECT_EQ_MSG(test, !!strstr(line, " super_carrier"), key_of(end + 1, "scs") > 0,
			    "%s", line + 1);
	*end = '\n';
	KUNIT_EXPECT_EQ_MSG(test, !!strstr(line, " segment_cache"), key_of(buf, "mcs") > 0,
			    "%.*s", (int)(end - line - 1), line + 1);
	KUNIT_EXPECT_EQ(test, !!strstr(line, " atags"), atags);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, " per_cpu_instances"));
}

struct memory_row {
	u64 blocks, carriers, pct, cached, resident;
};

/* The memory view: every class row and the total; false if one is missing. */
static bool read_memory(char *buf, struct memory_row *rows, struct memory_row *total)
{
	char key[16];
	char *at;
	int c;

	if (ka_test_read_stats("memory", buf, 64 * 1024) <= 0)
		return false;
	for (c = 0; c <= KA_NR_CLASSES; c++) {
		struct memory_row *r = c < KA_NR_CLASSES ? &rows[c] : total;

		snprintf(key, sizeof(key), "\n%s ", c < KA_NR_CLASSES ? ka_class_name(c) : "total");
		memset(r, 0, sizeof(*r));
		at = strstr(buf, key);
		if (!at) {
			if (c == KA_NR_CLASSES || ka_class_enabled(c))
				return false;
			continue;
		}
		if (sscanf(at + strlen(key), "%llu %llu %llu %llu %llu", &r->blocks, &r->carriers,
			   &r->pct, &r->cached, &r->resident) != 5)
			return false;
	}
	return true;
}

/* memory: blocks within carriers, rows adding up, and moving by what was allocated. */
static void memory_view_adds_up(struct kunit *test)
{
	struct memory_row before[KA_NR_CLASSES], after[KA_NR_CLASSES], tb, ta;
	char *buf = kunit_kmalloc(test, 64 * 1024, GFP_KERNEL);
	struct known *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	u64 sum_b = 0, sum_c = 0, sum_r = 0;
	int c;

	KUNIT_ASSERT_TRUE(test, buf && k);
	k->type = ka_type_create("kunit_memory", KA_CLASS_LL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(k->type));
	KUNIT_ASSERT_TRUE(test, read_memory(buf, before, &tb));
	for (c = 0; c < KA_NR_CLASSES; c++) {
		KUNIT_EXPECT_LE_MSG(test, before[c].blocks, before[c].resident, "%s",
				    ka_class_name(c));
		KUNIT_EXPECT_LE_MSG(test, before[c].resident, before[c].carriers, "%s",
				    ka_class_name(c));
		if (before[c].resident)
			KUNIT_EXPECT_EQ(test, before[c].pct,
					before[c].blocks * 100 / before[c].resident);
		sum_b += before[c].blocks;
		sum_c += before[c].carriers;
		sum_r += before[c].resident;
	}
	KUNIT_EXPECT_EQ(test, tb.blocks, sum_b);
	KUNIT_EXPECT_EQ(test, tb.carriers, sum_c);
	KUNIT_EXPECT_EQ(test, tb.resident, sum_r);

	KUNIT_ASSERT_EQ(test, work_on_cpu(0, known_alloc, k), 0L);
	KUNIT_ASSERT_TRUE(test, read_memory(buf, after, &ta));
	/* NB blocks of 1008 bytes (ll has no atags), nothing else moved */
	KUNIT_EXPECT_EQ(test, after[KA_CLASS_LL].blocks, before[KA_CLASS_LL].blocks + NB * 1008);
	KUNIT_EXPECT_EQ(test, ta.blocks, tb.blocks + NB * 1008);
	KUNIT_EXPECT_GE(test, after[KA_CLASS_LL].carriers, before[KA_CLASS_LL].carriers);

	known_free(k);
	k->odd_only = true;
	known_free(k);
	ka_cpu_drain(ka_test_pcpu(&ka_class_states[KA_CLASS_LL], 0));
	KUNIT_ASSERT_TRUE(test, read_memory(buf, after, &ta));
	KUNIT_EXPECT_EQ(test, after[KA_CLASS_LL].blocks, before[KA_CLASS_LL].blocks);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(k->type), 0);
}

static struct kunit_case stats_cases[] = {
	KUNIT_CASE(hist_buckets),
	KUNIT_CASE(stats_files),
	KUNIT_CASE(allocations_by_origin),
	KUNIT_CASE(pooled_carriers_in_views),
	KUNIT_CASE(features_follow_state),
	KUNIT_CASE(memory_view_adds_up),
	{}
};

struct kunit_suite ka_test_stats_suite = {
	.name = "kalloc_stats",
	.test_cases = stats_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_stats_suite);
