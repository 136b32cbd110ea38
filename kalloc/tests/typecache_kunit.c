// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of types created with arguments: alignment, constructors,
 * caches of a type's own, RCU type-safety, bulk calls and frees after a
 * grace period (kalloc/typecache.c, kalloc/rcu_free.c).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "../internal.h"
#include "../pcpu/pcpu.h"
#include "../typecache.h"
#include "ka_test.h"

static void tc_type_destroy(void *type)
{
	ka_type_destroy(type);
}

static struct ka_type *tc_test_type(struct kunit *test, const char *name, enum ka_class cls,
				    const struct ka_type_args *args)
{
	struct ka_type *type = ka_type_create_args(name, cls, args);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(type), "%s: %pe", name, type);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tc_type_destroy, type), 0);
	return type;
}

static void args_reject_what_cannot_be_served(struct kunit *test)
{
	static const struct ka_type_args bad[] = {
		{ .size = 64, .align = 24 },
		{ .size = 64, .align = 2 * PAGE_SIZE },
		{ .size = 64, .flags = 0x1000 },
		{ .size = 64, .useroffset = 32, .usersize = 40 },
		{ .size = 64, .useroffset = 65 },
		{ .size = KA_MAX_SIZE + 1 },
		{ .size = 0, .align = 64 },
		{ .size = 0, .flags = KA_TYPESAFE_BY_RCU },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_PTR_EQ_MSG(test, ka_type_create_args("kunit_tc_bad", KA_CLASS_FIX,
								  &bad[i]),
					ERR_PTR(-EINVAL), "case %d", i);
	/* no arguments: a type of any size */
	tc_test_type(test, "kunit_tc_any", KA_CLASS_STD, NULL);
}

/*
 * Every power-of-two alignment up to PAGE_SIZE, with objects as large as
 * the alignment (lib/test_meminit's align = size caches) and smaller.
 */
static void args_align_up_to_page_size(struct kunit *test)
{
	void **objs = kunit_kcalloc(test, 40, sizeof(void *), GFP_KERNEL);
	size_t align, size;
	int i, round;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (align = 8; align <= PAGE_SIZE; align *= 2) {
		for (round = 0; round < 2; round++) {
			struct ka_type_args args = {
				.size = round ? align / 2 + 3 : align,
				.align = align,
			};
			struct ka_type *type;

			size = args.size;
			type = ka_type_create_args("kunit_tc_align", KA_CLASS_FIX, &args);
			KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(type));
			KUNIT_EXPECT_EQ(test, ka_type_object_size(type), (unsigned int)size);
			for (i = 0; i < 40; i++) {
				objs[i] = ka_alloc_fixed(type, GFP_KERNEL);
				KUNIT_ASSERT_NOT_NULL(test, objs[i]);
				KUNIT_EXPECT_EQ_MSG(test, (unsigned long)objs[i] % align, 0UL,
						    "align %zu size %zu", align, size);
				KUNIT_EXPECT_GE(test, ka_size(type, objs[i]), size);
				memset(objs[i], 0x5a, size);
			}
			for (i = 0; i < 40; i++)
				ka_free(type, objs[i]);
			KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
		}
	}
	ka_test_expect_all_consistent(test);
}

/* mm/slab_common.c's rule: the cache line, halved while the object fits twice. */
static void args_hwcache_align_as_slab(struct kunit *test)
{
	static const struct { size_t size, align; } cases[] = {
		{ 8, 8 }, { 24, 32 }, { 40, 64 }, { 100, 64 }, { 200, 64 },
	};
	size_t line = cache_line_size();
	int i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ka_type_args args = { .size = cases[i].size, .flags = KA_HWCACHE_ALIGN };
		size_t want = min(cases[i].align, line);
		struct ka_type *type = ka_type_create_args("kunit_tc_hw", KA_CLASS_FIX, &args);
		void *p[8];

		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(type));
		for (j = 0; j < ARRAY_SIZE(p); j++) {
			p[j] = ka_alloc_fixed(type, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, p[j]);
			KUNIT_EXPECT_EQ_MSG(test, (unsigned long)p[j] % want, 0UL, "size %zu",
					    cases[i].size);
		}
		for (j = 0; j < ARRAY_SIZE(p); j++)
			ka_free(type, p[j]);
		KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
	}
}

#define TC_OBJ_SIZE	72
#define TC_CTOR_MAGIC	0x6b616c6c6f63ULL

struct tc_obj {
	u64 magic;		/* the constructor's */
	u64 owner;		/* what the last user left */
	u8 rest[TC_OBJ_SIZE - 16];
};

static atomic_t tc_ctor_calls;

static void tc_ctor(void *p)
{
	struct tc_obj *o = p;

	atomic_inc(&tc_ctor_calls);
	o->magic = TC_CTOR_MAGIC;
	o->owner = 0;
	memset(o->rest, 0xc7, sizeof(o->rest));
}

static struct ka_type *tc_ctor_type(struct kunit *test, const char *name, unsigned int flags)
{
	struct ka_type_args args = {
		.size = sizeof(struct tc_obj),
		.ctor = tc_ctor,
		.flags = flags,
	};

	return tc_test_type(test, name, KA_CLASS_FIX, &args);
}

/*
 * The constructor runs when memory becomes the type's, not on each
 * allocation, and an object keeps what its last user left in it: kalloc
 * writes nothing into it between the free and the next allocation.
 */
static void ctor_state_kept_across_free_and_alloc(struct kunit *test)
{
	const int n = 100;
	struct tc_obj **objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	struct ka_type *type = tc_ctor_type(test, "kunit_tc_ctor", 0);
	int i, made, reused = 0, fresh = 0;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	atomic_set(&tc_ctor_calls, 0);
	/* one CPU's caches, so that every free is there for the next allocation */
	migrate_disable();
	for (i = 0; i < n; i++) {
		objs[i] = ka_alloc_fixed(type, GFP_KERNEL);
		if (!objs[i])
			break;
		KUNIT_EXPECT_EQ(test, objs[i]->magic, TC_CTOR_MAGIC);
		KUNIT_EXPECT_EQ(test, objs[i]->owner, 0ULL);
		objs[i]->owner = 1000 + i;
	}
	made = atomic_read(&tc_ctor_calls);
	while (i--)
		ka_free(type, objs[i]);
	for (i = 0; i < n; i++) {
		objs[i] = ka_alloc_fixed(type, GFP_KERNEL);
		if (!objs[i])
			break;
		KUNIT_EXPECT_EQ(test, objs[i]->magic, TC_CTOR_MAGIC);
		KUNIT_EXPECT_EQ(test, objs[i]->rest[5], 0xc7);
		if (objs[i]->owner >= 1000 && objs[i]->owner < 1000 + n)
			reused++;
		else if (!objs[i]->owner)
			fresh++;
	}
	migrate_enable();
	KUNIT_ASSERT_EQ(test, i, n);
	KUNIT_EXPECT_GE(test, made, n);
	/* a fill leaves up to half a chain of new objects cached before the frees */
	KUNIT_EXPECT_EQ(test, reused + fresh, n);
	KUNIT_EXPECT_GE(test, reused, n - KA_TC_BATCH_MAX / 2);
	if (!fresh)
		KUNIT_EXPECT_EQ(test, atomic_read(&tc_ctor_calls), made);
	for (i = 0; i < n; i++)
		ka_free(type, objs[i]);
}

/* __GFP_ZERO would wipe what the constructor made: refused, reported. */
static void ctor_refuses_gfp_zero(struct kunit *test)
{
	struct ka_type *type = tc_ctor_type(test, "kunit_tc_zero", 0);
	int *reports = ka_test_expect_reports(test);

	KUNIT_EXPECT_PTR_EQ(test, ka_alloc_fixed(type, GFP_KERNEL | __GFP_ZERO), NULL);
	KUNIT_EXPECT_EQ(test, *reports, 1);
}

/*
 * A freed object of a type with caches of its own is not handed to another
 * type of the same size and class, nor to a plain allocation, while it is
 * its type's.
 */
static void constructed_object_not_reused_by_another_type(struct kunit *test)
{
	struct ka_type *mine = tc_ctor_type(test, "kunit_tc_mine", 0);
	struct ka_type *other = tc_ctor_type(test, "kunit_tc_other", 0);
	struct ka_type *plain = ka_test_type(test, "kunit_tc_plain", KA_CLASS_FIX);
	const int n = 300;
	void **seen = kunit_kcalloc(test, 2 * n, sizeof(void *), GFP_KERNEL);
	struct tc_obj *o;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	o = ka_alloc_fixed(mine, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o);
	o->owner = 42;
	ka_free(mine, o);
	for (i = 0; i < n; i++) {
		seen[i] = ka_alloc_fixed(other, GFP_KERNEL);
		seen[n + i] = ka_alloc(plain, ka_type_object_size(mine) + KA_TC_LINK_BYTES,
				       GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, seen[i]);
		KUNIT_ASSERT_NOT_NULL(test, seen[n + i]);
		KUNIT_EXPECT_PTR_NE(test, seen[i], (void *)o);
		KUNIT_EXPECT_PTR_NE(test, seen[n + i], (void *)o);
	}
	/* still its type's, as it was left (read past KASAN: it is a freed object) */
	KUNIT_EXPECT_EQ(test, ka_test_peek(&o->magic), (unsigned long)TC_CTOR_MAGIC);
	KUNIT_EXPECT_EQ(test, ka_test_peek(&o->owner), 42UL);
	for (i = 0; i < n; i++) {
		ka_free(other, seen[i]);
		ka_free(plain, seen[n + i]);
	}
}

struct tc_rcu_ctx {
	struct ka_type *type, *plain;
	struct completion done;
	struct work_struct work;
	int overwritten;
};

/* Gives the type's cached memory back and takes as much as it can of the same size. */
static void tc_rcu_churn(struct work_struct *work)
{
	struct tc_rcu_ctx *ctx = container_of(work, struct tc_rcu_ctx, work);
	size_t size = ka_type_object_size(ctx->type) + KA_TC_LINK_BYTES;
	void *p[64];
	int i, round;

	ka_type_shrink(ctx->type);
	for (round = 0; round < 4; round++) {
		for (i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = ka_alloc(ctx->plain, size, GFP_KERNEL);
			if (p[i])
				memset(p[i], 0xee, size);
		}
		for (i = 0; i < ARRAY_SIZE(p); i++)
			ka_free(ctx->plain, p[i]);
	}
	complete(&ctx->done);
}

/*
 * A reader in an RCU read section that found an object before it was freed
 * still finds an object of its type there, whatever else happens: the
 * memory leaves the type only after a grace period.
 */
static void rcu_reader_sees_its_type_after_free(struct kunit *test)
{
	struct tc_rcu_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct tc_obj *o;
	bool finished;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->type = tc_ctor_type(test, "kunit_tc_rcu", KA_TYPESAFE_BY_RCU);
	ctx->plain = ka_test_type(test, "kunit_tc_rcu_plain", KA_CLASS_FIX);
	init_completion(&ctx->done);
	INIT_WORK(&ctx->work, tc_rcu_churn);

	o = ka_alloc_fixed(ctx->type, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o);
	o->owner = 7;
	rcu_read_lock();
	ka_free(ctx->type, o);
	queue_work(system_unbound_wq, &ctx->work);
	mdelay(100);
	/* no grace period can have ended: the shrink waits, the object is as left */
	finished = completion_done(&ctx->done);
	KUNIT_EXPECT_EQ(test, READ_ONCE(o->magic), TC_CTOR_MAGIC);
	KUNIT_EXPECT_EQ(test, READ_ONCE(o->owner), 7ULL);
	rcu_read_unlock();
	KUNIT_EXPECT_FALSE(test, finished);
	wait_for_completion(&ctx->done);
}

/* All or nothing: when one object cannot be had, the others are given back. */
static void bulk_all_or_nothing(struct kunit *test)
{
	struct ka_type_args args = { .size = 2048, .align = 2048 };
	struct ka_type *type = tc_test_type(test, "kunit_tc_bulk", KA_CLASS_FIX, &args);
	const size_t n = 100;
	void **p = kunit_kcalloc(test, n, sizeof(void *), GFP_KERNEL);
	struct ka_type_totals sum;
	size_t i, big;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, ka_alloc_bulk(type, GFP_KERNEL, n, p), (int)n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, (unsigned long)p[i] % 2048, 0UL);
		if (i)
			KUNIT_EXPECT_PTR_NE(test, p[i], p[i - 1]);
	}
	ka_free_bulk(type, n, p);
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, sum.frees);

#ifdef CONFIG_FAULT_INJECTION
	/*
	 * Every carrier source fails for this task: far more than the caches
	 * and carriers hold cannot all be had.
	 */
	big = 64 * 1024;
	p = kvcalloc(big, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ka_test_fail_this_task(true);
	KUNIT_EXPECT_EQ(test, ka_alloc_bulk(type, GFP_KERNEL | __GFP_NOWARN, big, p), 0);
	ka_test_fail_this_task(false);
	kvfree(p);
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, sum.frees);
	KUNIT_EXPECT_GT(test, sum.failed, 0ULL);
#endif
	ka_test_expect_all_consistent(test);
}

/* kfree_bulk()'s form: objects of any type, each freed into its own. */
static void free_bulk_of_any_type(struct kunit *test)
{
	struct ka_type *a = tc_ctor_type(test, "kunit_tc_bulk_a", 0);
	struct ka_type *b = ka_test_type(test, "kunit_tc_bulk_b", KA_CLASS_STD);
	struct ka_type_totals sa, sb;
	void *p[6], *kept;
	int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = i % 2 ? ka_alloc(b, 100 + i, GFP_KERNEL) : ka_alloc_fixed(a, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	kept = p[3];
	p[3] = NULL;
	ka_free_bulk(NULL, ARRAY_SIZE(p), p);
	ka_type_sum(a, &sa);
	ka_type_sum(b, &sb);
	KUNIT_EXPECT_EQ(test, sa.allocs - sa.frees, 0ULL);
	KUNIT_EXPECT_EQ(test, sb.allocs - sb.frees, 1ULL);	/* the NULL entry's block */
	ka_free(b, kept);
}

struct tc_rcu_obj {
	u64 payload[4];
	struct rcu_head rcu;
};

/* ka_free_rcu(): freed after a grace period; ka_type_destroy() waits for it. */
static void free_rcu_then_destroy(struct kunit *test)
{
	struct ka_type *type = ka_type_create("kunit_tc_frcu", KA_CLASS_STD);
	struct ka_type_totals sum;
	struct tc_rcu_obj *o;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(type));
	for (i = 0; i < 10; i++) {
		o = ka_alloc(type, sizeof(*o), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, o);
		ka_free_rcu(type, o, rcu);
	}
	ka_type_sum(type, &sum);
	KUNIT_EXPECT_EQ(test, sum.allocs, 10ULL);
	/* destroy frees what ka_free_rcu() queued, then finds nothing left */
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), 0);
}

/* Objects left: reported, the type kept and still usable, destroyed later. */
static void destroy_with_objects_left_keeps_the_type(struct kunit *test)
{
	struct ka_type *type = tc_ctor_type(test, "kunit_tc_left", 0);
	int *reports = ka_test_expect_reports(test);
	struct tc_obj *o = ka_alloc_fixed(type, GFP_KERNEL), *o2;

	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_EXPECT_EQ(test, ka_type_destroy(type), -EBUSY);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	o2 = ka_alloc_fixed(type, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, o2);
	KUNIT_EXPECT_EQ(test, o->magic, TC_CTOR_MAGIC);
	ka_free(type, o2);
	ka_free(type, o);
	/* the test's action destroys it, now empty */
}

/* A double free of a cached object is reported, and the cache keeps one copy. */
static void double_free_into_own_cache_reported(struct kunit *test)
{
	struct ka_type *type = tc_ctor_type(test, "kunit_tc_dfree", 0);
	int *reports = ka_test_expect_reports(test);
	struct tc_obj *o = ka_alloc_fixed(type, GFP_KERNEL), *a, *b;

	KUNIT_ASSERT_NOT_NULL(test, o);
	ka_free(type, o);
	ka_free(type, o);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	a = ka_alloc_fixed(type, GFP_KERNEL);
	b = ka_alloc_fixed(type, GFP_KERNEL);
	KUNIT_EXPECT_PTR_NE(test, a, b);
	ka_free(type, a);
	ka_free(type, b);
}

/*
 * A class whose carriers are all in the direct map (dmap: fix, driver)
 * takes no vmalloc memory, not even a segment another class left cached:
 * what only vmalloc could give it fails.
 */
static void direct_map_class_takes_no_vmalloc(struct kunit *test)
{
	struct ka_type *std = ka_test_type(test, "kunit_dm_std", KA_CLASS_STD);
	struct ka_type *fix = ka_test_type(test, "kunit_dm_fix", KA_CLASS_FIX);
	struct ka_type_args args = { .size = 64, .flags = KA_CONTIGUOUS };
	void *p;

	KUNIT_ASSERT_TRUE(test, ka_class_states[KA_CLASS_FIX].p.dmap);
	KUNIT_ASSERT_FALSE(test, ka_class_states[KA_CLASS_STD].p.dmap);
	/* beyond the page allocator's largest order: vmalloc, then cached */
	p = ka_alloc(std, 6UL << 20, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(p));
	ka_free(std, p);
	KUNIT_EXPECT_NULL(test, ka_alloc(fix, 5UL << 20, GFP_KERNEL | __GFP_NOWARN));
	p = ka_alloc(fix, 1UL << 20, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, is_vmalloc_addr(p));
	KUNIT_EXPECT_PTR_EQ(test, virt_to_page(p + 4096), virt_to_page(p) + 1);
	ka_free(fix, p);
	/* a contiguous type in a class that may use vmalloc cannot be made */
	KUNIT_EXPECT_PTR_EQ(test, ka_type_create_args("kunit_dm_bad", KA_CLASS_STD, &args),
			    ERR_PTR(-EINVAL));
}

/* The [type_objects] view shows what the type was made with. */
static void type_objects_view_shows_the_arguments(struct kunit *test)
{
	struct ka_type_args args = {
		.size = 100,
		.flags = KA_HWCACHE_ALIGN | KA_TYPESAFE_BY_RCU,
		.ctor = tc_ctor,
		.useroffset = 16,
		.usersize = 24,
	};
	const size_t len = 64 * 1024;
	char *buf = kunit_kzalloc(test, len, GFP_KERNEL), *row;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	tc_test_type(test, "kunit_tc_view", KA_CLASS_FIX, &args);
	KUNIT_ASSERT_GT(test, ka_test_read_stats("info", buf, len), 0);
	row = strstr(buf, "\n[type_objects]\n");
	KUNIT_ASSERT_NOT_NULL(test, row);
	KUNIT_EXPECT_NOT_NULL(test, strstr(row, "\nkunit_tc_view 100 64 rhoc 16 24\n"));
}

static struct kunit_case typecache_cases[] = {
	KUNIT_CASE(args_reject_what_cannot_be_served),
	KUNIT_CASE(args_align_up_to_page_size),
	KUNIT_CASE(args_hwcache_align_as_slab),
	KUNIT_CASE(ctor_state_kept_across_free_and_alloc),
	KUNIT_CASE(ctor_refuses_gfp_zero),
	KUNIT_CASE(constructed_object_not_reused_by_another_type),
	KUNIT_CASE(rcu_reader_sees_its_type_after_free),
	KUNIT_CASE(bulk_all_or_nothing),
	KUNIT_CASE(free_bulk_of_any_type),
	KUNIT_CASE(free_rcu_then_destroy),
	KUNIT_CASE(destroy_with_objects_left_keeps_the_type),
	KUNIT_CASE(double_free_into_own_cache_reported),
	KUNIT_CASE(direct_map_class_takes_no_vmalloc),
	KUNIT_CASE(type_objects_view_shows_the_arguments),
	{}
};

struct kunit_suite ka_test_typecache_suite = {
	.name = "kalloc_typecache",
	.test_cases = typecache_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_typecache_suite);
