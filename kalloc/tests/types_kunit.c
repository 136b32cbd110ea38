// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of allocation types and the allocation entry points.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "../internal.h"
#include "ka_test.h"

static struct ka_type *types_test_type(struct kunit *test)
{
	struct ka_type *type = ka_type_create("kunit_types", KA_CLASS_STD);

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(type));
	return type;
}

static void types_create_rejects_bad_input(struct kunit *test)
{
	char long_name[KA_TYPE_NAME_MAX + 1];
	struct ka_type *type;

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';

	KUNIT_EXPECT_PTR_EQ(test, ka_type_create(NULL, KA_CLASS_STD), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, ka_type_create("", KA_CLASS_STD), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, ka_type_create(long_name, KA_CLASS_STD), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, ka_type_create("bad_class", KA_NR_CLASSES), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, ka_type_create("bad_class", (enum ka_class)-1),
			    ERR_PTR(-EINVAL));

	type = types_test_type(test);
	KUNIT_EXPECT_PTR_EQ(test, ka_type_create("kunit_types", KA_CLASS_LL), ERR_PTR(-EEXIST));
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);

	/* The name is free again once its type is gone. */
	type = types_test_type(test);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(NULL), 0);
}

static void types_alloc_aligned_and_counted(struct kunit *test)
{
	static const size_t sizes[] = { 1, 7, 8, 15, 16, 17, 48, 96, 100, 192, 4095,
					4096, 4097, 8191, 8192, 70000 };
	struct ka_type *type = types_test_type(test);
	struct ka_type_totals sum;
	void *blocks[ARRAY_SIZE(sizes)];
	int i, *reports;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		blocks[i] = ka_alloc(type, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, blocks[i]);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned long)blocks[i] % KA_MIN_ALIGN, 0UL,
				    "size %zu", sizes[i]);
		/* Writing the whole block lets KASAN catch a short allocation. */
		memset(blocks[i], 0xa5, sizes[i]);
	}
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, (u64)ARRAY_SIZE(sizes));
	KUNIT_EXPECT_EQ(test, sum.frees, 0ULL);
	reports = ka_test_expect_reports(test);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), -EBUSY);
	KUNIT_EXPECT_EQ(test, *reports, 1);

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		ka_free(type, blocks[i]);
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, (u64)ARRAY_SIZE(sizes));
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

static void types_zalloc_zeroes(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	u8 *block;
	int i;

	/* Dirty a block first so a recycled object would show its old bytes. */
	block = ka_alloc(type, 200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, block);
	memset(block, 0xff, 200);
	ka_free(type, block);

	block = ka_zalloc(type, 200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, block);
	for (i = 0; i < 200; i++)
		KUNIT_EXPECT_EQ_MSG(test, block[i], 0, "byte %d", i);
	ka_free(type, block);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

static void types_bad_sizes_give_null(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	struct ka_type_totals sum;

	/* 0 bytes: kmalloc's ZERO_SIZE_PTR, neither an allocation nor a failure */
	KUNIT_EXPECT_PTR_EQ(test, ka_alloc(type, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_NULL(test, ka_alloc(type, KA_MAX_SIZE + 1, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, ka_alloc(type, SIZE_MAX, GFP_KERNEL));
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, 0ULL);
	KUNIT_EXPECT_EQ(test, sum.failed, 2ULL);

	/* Freeing NULL is a no-op and is not counted. */
	ka_free(type, NULL);
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, 0ULL);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

static void types_atomic_alloc_under_spinlock(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	void *blocks[32];
	spinlock_t lock;	/* held only to make the section atomic */
	int i;

	spin_lock_init(&lock);
	/* DEBUG_ATOMIC_SLEEP in the test kernel reports any sleep in here. */
	spin_lock(&lock);
	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		blocks[i] = ka_alloc(type, 64 << (i % 8), GFP_ATOMIC);
	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		ka_free(type, blocks[i]);
	spin_unlock(&lock);

	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		KUNIT_EXPECT_NOT_NULL(test, blocks[i]);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

static void types_counts_on_current_cpu(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	struct ka_type_totals before, after;
	void *block;
	int cpu;

	migrate_disable();
	cpu = smp_processor_id();
	ka_type_read(type, cpu, &before);
	block = ka_alloc(type, 32, GFP_ATOMIC);
	ka_free(type, block);
	ka_type_read(type, cpu, &after);
	migrate_enable();

	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_EQ(test, after.allocs, before.allocs + 1);
	KUNIT_EXPECT_EQ(test, after.frees, before.frees + 1);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

/* kmalloc_array() and kcalloc(): an overflowing count gives NULL, not a short block. */
static void types_array_and_calloc(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	u32 *a;
	int i;

	KUNIT_EXPECT_NULL(test, ka_alloc_array(type, SIZE_MAX / 4 + 2, 4, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, ka_calloc(type, 2, SIZE_MAX / 2 + 1, GFP_KERNEL));
	/* dirty a block so that a recycled one would show its old bytes */
	a = ka_alloc(type, 100 * sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	memset(a, 0xff, 100 * sizeof(*a));
	ka_free(type, a);
	a = ka_calloc(type, 100, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ_MSG(test, a[i], 0U, "element %d", i);
	ka_free(type, a);
	a = ka_alloc_array(type, 25, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_GE(test, ka_size(type, a), 25 * sizeof(*a));
	ka_free(type, a);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

static void types_memdup_and_strdup(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	static const char text[] = "kalloc keeps what you copy";
	u8 src[300], *m;
	char *s;
	int i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = i * 7;
	m = ka_memdup(type, src, sizeof(src), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_EXPECT_EQ(test, memcmp(m, src, sizeof(src)), 0);
	s = ka_strdup(type, text, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, s, text);
	KUNIT_EXPECT_NULL(test, ka_strdup(type, NULL, GFP_KERNEL));
	ka_free(type, s);
	ka_free(type, m);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

/*
 * ksize(): at least what was asked for, all of it usable (KASAN would fail
 * this case on a write past the size asked for otherwise); a pointer that
 * is no live block of the type gets 0 and a report.
 */
static void types_size_is_usable(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	struct ka_type *other = ka_type_create("kunit_types_o", KA_CLASS_STD);
	int *reports = ka_test_expect_reports(test);
	size_t sizes[] = { 1, 100, 1000, 5000, 300000 };
	u8 *p;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(other));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n;

		p = ka_alloc(type, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		n = ka_size(type, p);
		KUNIT_EXPECT_GE(test, n, sizes[i]);
		KUNIT_EXPECT_LT(test, n, sizes[i] + 64 + PAGE_SIZE);
		memset(p, 0x3c, n);
		KUNIT_EXPECT_EQ(test, ka_size(other, p), 0UL);
		ka_free(type, p);
		KUNIT_EXPECT_EQ(test, ka_size(type, p), 0UL);	/* freed */
	}
	KUNIT_EXPECT_EQ(test, *reports, 2 * (int)ARRAY_SIZE(sizes));
	KUNIT_EXPECT_EQ(test, ka_type_destroy(other), 0);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

static struct ka_type *types_scoped_type;
#ifdef DEFINE_FREE
KA_DEFINE_FREE(ka_types_scoped, types_scoped_type)
#endif

/* ka_free_any() reads the type from the block; __free(ka) uses it, KA_DEFINE_FREE() ka_free(). */
static void types_free_any_and_scoped_frees(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	struct ka_type *other = ka_type_create("kunit_types_o", KA_CLASS_LL);
	int *reports = ka_test_expect_reports(test);
	struct ka_type_totals sum;
	void *foreign = kmalloc(32, GFP_KERNEL);
	void *p, *q;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(other));
	KUNIT_ASSERT_NOT_NULL(test, foreign);
	p = ka_alloc(type, 100, GFP_KERNEL);
	q = ka_alloc(other, 5000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	ka_free_any(p);
	ka_free_any(q);
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, 1ULL);
	ka_type_sum(other, &sum);
	KUNIT_EXPECT_EQ(test, sum.frees, 1ULL);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	ka_free_any(p);			/* freed already */
	ka_free_any(foreign);		/* kmalloc's: reported, left alone */
	ka_free_any(NULL);
	KUNIT_EXPECT_EQ(test, *reports, 2);
	kfree(foreign);
#ifdef DEFINE_FREE
	types_scoped_type = type;
	{
		void *a __free(ka) = ka_alloc(type, 64, GFP_KERNEL);
		void *b __free(ka_types_scoped) = ka_alloc(type, 64, GFP_KERNEL);
		void *c __free(ka) = ERR_PTR(-ENOMEM);	/* not freed */

		KUNIT_EXPECT_NOT_NULL(test, a);
		KUNIT_EXPECT_NOT_NULL(test, b);
		KUNIT_EXPECT_TRUE(test, IS_ERR(c));
	}
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, 3ULL);
	KUNIT_EXPECT_EQ(test, sum.frees, 3ULL);
	KUNIT_EXPECT_EQ(test, *reports, 2);
#endif
	KUNIT_EXPECT_EQ(test, ka_type_destroy(other), 0);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

static size_t whole_block(const void *p)
{
	return ka_test_block_size(p);
}

static long free_on(void *arg)
{
	void **p = arg;

	ka_free(p[0], p[1]);
	return 0;
}

#define NBYTES	200

/*
 * ka_type_stats(): a type's live blocks and their bytes, each block counted
 * whole, through allocations, a realloc, frees on this CPU and on another;
 * the maximum follows the peak to within the one CPU's unfolded bytes.
 */
static void types_bytes_and_their_max(struct kunit *test)
{
	struct ka_type *type = types_test_type(test);
	void **p = kunit_kcalloc(test, NBYTES, sizeof(*p), GFP_KERNEL);
	size_t want = 0, peak, first_peak, old;
	struct ka_type_stats ts;
	void *pair[2];
	int i, other;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ka_type_stats(NULL, &ts), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_type_stats(type, NULL), -EINVAL);
	migrate_disable();	/* every byte on one CPU: the maximum's bound is one batch */
	for (i = 0; i < NBYTES; i++) {
		p[i] = ka_alloc(type, 1000 + i, GFP_ATOMIC);
		if (!p[i])
			break;
		want += whole_block(p[i]);
	}
	migrate_enable();
	KUNIT_ASSERT_EQ(test, i, NBYTES);
	KUNIT_ASSERT_EQ(test, ka_type_stats(type, &ts), 0);
	KUNIT_EXPECT_EQ(test, ts.live, (u64)NBYTES);
	KUNIT_EXPECT_EQ(test, ts.allocs, (u64)NBYTES);
	KUNIT_EXPECT_EQ(test, ts.bytes, want);
	KUNIT_EXPECT_GE(test, ts.bytes_max, want);
	KUNIT_EXPECT_GT(test, want, 2 * (size_t)KA_TYPE_BYTES_BATCH);	/* folds happened */
	peak = want;
	first_peak = want;

	/* a realloc counts the new block's bytes instead of the old's */
	old = whole_block(p[0]);
	p[0] = ka_realloc(type, p[0], 20000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p[0]);
	want = want - old + whole_block(p[0]);
	peak = max(peak, want);
	ka_type_stats(type, &ts);
	KUNIT_EXPECT_EQ(test, ts.bytes, want);

	/* a block freed on another CPU leaves this type's bytes all the same */
	other = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (other < nr_cpu_ids) {
		pair[0] = type;
		pair[1] = p[1];
		want -= whole_block(p[1]);
		KUNIT_EXPECT_EQ(test, work_on_cpu(other, free_on, pair), 0L);
		p[1] = NULL;
		ka_type_stats(type, &ts);
		KUNIT_EXPECT_EQ(test, ts.bytes, want);
	}
	for (i = 0; i < NBYTES; i++)
		ka_free(type, p[i]);
	ka_type_stats(type, &ts);
	KUNIT_EXPECT_EQ(test, ts.live, 0ULL);
	KUNIT_EXPECT_EQ(test, ts.bytes, (size_t)0);
	KUNIT_EXPECT_LE(test, ts.bytes_max, peak);
	/* the realloc's CPU may not have folded its part of the later peak */
	KUNIT_EXPECT_GE(test, ts.bytes_max + KA_TYPE_BYTES_BATCH, first_peak);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

static struct kunit_case types_cases[] = {
	KUNIT_CASE(types_create_rejects_bad_input),
	KUNIT_CASE(types_alloc_aligned_and_counted),
	KUNIT_CASE(types_zalloc_zeroes),
	KUNIT_CASE(types_array_and_calloc),
	KUNIT_CASE(types_memdup_and_strdup),
	KUNIT_CASE(types_size_is_usable),
	KUNIT_CASE(types_free_any_and_scoped_frees),
	KUNIT_CASE(types_bad_sizes_give_null),
	KUNIT_CASE(types_atomic_alloc_under_spinlock),
	KUNIT_CASE(types_counts_on_current_cpu),
	KUNIT_CASE(types_bytes_and_their_max),
	{}
};

struct kunit_suite ka_test_types_suite = {
	.name = "kalloc_types",
	.test_cases = types_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_types_suite);
