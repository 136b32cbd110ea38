// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the kmalloc shim (include/kalloc_shim.h), which Kbuild
 * force-includes into this file only: the kmalloc-family calls below are the
 * kernel's names, served by kalloc_kunit.ko's own type.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/mempool.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../kalloc/internal.h"
#include "../kalloc/tests/ka_test.h"

/* The module's shim type, registered by the first allocation that may sleep. */
static struct ka_type *shim_type(struct kunit *test)
{
	void *p = kmalloc(8, GFP_KERNEL);
	struct ka_type *t = READ_ONCE(__ka_shim.type);

	kfree(p);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(t));
	return t;
}

static u64 shim_live(struct ka_type *t)
{
	struct ka_type_totals sum;

	ka_type_sum(t, &sum);
	return sum.allocs - sum.frees;
}

static void expect_shim_block(struct kunit *test, struct ka_type *t, const void *p,
			      const char *what)
{
	KUNIT_ASSERT_FALSE_MSG(test, ZERO_OR_NULL_PTR(p), "%s failed", what);
	KUNIT_ASSERT_TRUE_MSG(test, ka_test_is_kalloc(p), "%s: not kalloc's", what);
	KUNIT_EXPECT_EQ_MSG(test, ka_test_blk_tid(p), t->id, "%s: another type's", what);
}

#define EXPECT_SHIM_BLOCK(test, t, p) expect_shim_block(test, t, p, #p)

static bool all_zero(const u8 *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static void shim_serves_kmalloc_family(struct kunit *test)
{
	struct ka_type *t = shim_type(test);
	int *reports = ka_test_expect_reports(test);
	u64 live = shim_live(t);
	void *p[24];
	char *s;
	int i = 0;

	p[i] = kmalloc(100, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	KUNIT_EXPECT_GE(test, ksize(p[i]), 100UL);
	i++;
	p[i] = kzalloc(300, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	KUNIT_EXPECT_TRUE(test, all_zero(p[i], 300));
	i++;
	p[i] = kcalloc(10, 48, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	KUNIT_EXPECT_TRUE(test, all_zero(p[i], 480));
	i++;
	p[i] = kmalloc_array(7, 9, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	i++;
	p[i] = kmalloc_node(64, GFP_KERNEL, NUMA_NO_NODE);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	i++;
	p[i] = kzalloc_node(64, GFP_KERNEL, numa_mem_id());
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	KUNIT_EXPECT_TRUE(test, all_zero(p[i], 64));
	i++;
	if (num_online_nodes() > 1) {	/* another node's memory, as kmalloc_node() gives it */
		int node = numa_mem_id() == first_online_node ?
			   next_online_node(first_online_node) : first_online_node;

		p[i] = kmalloc_node(3000, GFP_KERNEL, node);
		EXPECT_SHIM_BLOCK(test, t, p[i]);
		KUNIT_EXPECT_EQ(test, page_to_nid(virt_to_page(p[i])), node);
		i++;
	}
	p[i] = kvmalloc(2000, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	i++;
	p[i] = kvzalloc(1 << 20, GFP_KERNEL);	/* beyond kmalloc's slabs: a singleblock carrier */
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	KUNIT_EXPECT_TRUE(test, all_zero(p[i], 1 << 20));
	i++;
	p[i] = kvmalloc_array(100, 100, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	i++;
	p[i] = kvcalloc(3, 1000, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	KUNIT_EXPECT_TRUE(test, all_zero(p[i], 3000));
	i++;
	p[i] = kmemdup("kalloc", 7, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	KUNIT_EXPECT_STREQ(test, (char *)p[i], "kalloc");
	i++;
	s = kstrdup("erts_alloc", GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, s);
	KUNIT_EXPECT_STREQ(test, s, "erts_alloc");
	p[i++] = s;
	s = kstrndup("erts_alloc", 4, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, s);
	KUNIT_EXPECT_STREQ(test, s, "erts");
	p[i++] = s;
	s = kmemdup_nul("carrier pool", 7, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, s);
	KUNIT_EXPECT_STREQ(test, s, "carrier");
	p[i++] = s;
	p[i] = kmalloc_track_caller(40, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p[i]);
	i++;
	KUNIT_EXPECT_EQ(test, shim_live(t), live + i);

	while (i--) {
		if (i & 1)
			kvfree(p[i]);
		else
			kfree(p[i]);
	}
	KUNIT_EXPECT_EQ(test, shim_live(t), live);
	KUNIT_EXPECT_EQ(test, *reports, 0);
}

static noinline void *shim_alloc_for_caller(void)
{
	return kmalloc_track_caller(24, GFP_KERNEL);
}

/* The driver class keeps allocation tags: each block names its call site. */
static void shim_origin_is_call_site(struct kunit *test)
{
	char sym[KSYM_SYMBOL_LEN], here[KSYM_SYMBOL_LEN];
	void *p, *q;

	shim_type(test);
	p = kmalloc(200, GFP_KERNEL);
	q = shim_alloc_for_caller();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	snprintf(here, sizeof(here), "%s [%s]", __func__, KBUILD_MODNAME);
	snprintf(sym, sizeof(sym), "%ps", (void *)ka_test_blk_origin(p));
	KUNIT_EXPECT_STREQ(test, sym, here);
	/* kmalloc_track_caller() names the caller of the function calling it */
	snprintf(sym, sizeof(sym), "%ps", (void *)ka_test_blk_origin(q));
	KUNIT_EXPECT_STREQ(test, sym, here);
	kfree(q);
	kfree(p);
}

/* What the core kernel allocated, or kalloc cannot serve, is the kernel's to free. */
static void shim_passes_on_what_is_not_kallocs(struct kunit *test)
{
	struct ka_type *t = shim_type(test);
	int *reports = ka_test_expect_reports(test);
	u64 live = shim_live(t);
	char *core = kasprintf(GFP_KERNEL, "core %d", 42), *grown;
	void *acct = kmalloc(64, GFP_KERNEL_ACCOUNT);

	KUNIT_ASSERT_NOT_NULL(test, core);
	KUNIT_ASSERT_NOT_NULL(test, acct);
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc(core));
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc(acct));	/* memcg charging: kmalloc */
	KUNIT_EXPECT_GE(test, ksize(core), strlen(core) + 1);
	grown = krealloc(core, 4000, GFP_KERNEL);	/* stays the kernel's */
	KUNIT_ASSERT_NOT_NULL(test, grown);
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc(grown));
	KUNIT_EXPECT_STREQ(test, grown, "core 42");
	kfree(grown);
	kfree(acct);

	KUNIT_EXPECT_PTR_EQ(test, kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	kvfree(NULL);
	KUNIT_EXPECT_EQ(test, shim_live(t), live);
	KUNIT_EXPECT_EQ(test, *reports, 0);
}

static void shim_realloc(struct kunit *test)
{
	struct ka_type *t = shim_type(test);
	u64 live = shim_live(t);
	size_t old;
	u8 *p, *q;

	p = krealloc(NULL, 10, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, t, p);
	memset(p, 0x5a, 10);
	old = ksize(p);
	q = krealloc(p, 5000, GFP_KERNEL | __GFP_ZERO);
	EXPECT_SHIM_BLOCK(test, t, q);
	KUNIT_EXPECT_EQ(test, q[0], 0x5a);
	KUNIT_EXPECT_EQ(test, q[9], 0x5a);
	KUNIT_EXPECT_TRUE(test, all_zero(q + old, 5000 - old));
	KUNIT_EXPECT_EQ(test, shim_live(t), live + 1);
	p = krealloc_array(q, SIZE_MAX / 4, 8, GFP_KERNEL);
	KUNIT_EXPECT_NULL(test, p);			/* overflow: q untouched */
	KUNIT_EXPECT_EQ(test, q[9], 0x5a);
#ifdef vrealloc
	p = kvrealloc(q, 100000, GFP_KERNEL);
#else
	p = kvrealloc(q, 5000, 100000, GFP_KERNEL);
#endif
	EXPECT_SHIM_BLOCK(test, t, p);
	KUNIT_EXPECT_EQ(test, p[9], 0x5a);
	KUNIT_EXPECT_PTR_EQ(test, krealloc(p, 0, GFP_KERNEL), (void *)ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, shim_live(t), live);
}

static void shim_overflow_gives_null(struct kunit *test)
{
	struct ka_type *t = shim_type(test);
	u64 live = shim_live(t);
	size_t n = SIZE_MAX / 16 + 2;

	OPTIMIZER_HIDE_VAR(n);	/* overflow found at run time, as a module's would be */

	KUNIT_EXPECT_NULL(test, kmalloc_array(n, 16, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kmalloc_array_node(n, 16, GFP_KERNEL, NUMA_NO_NODE));
	KUNIT_EXPECT_NULL(test, kcalloc(n, 16, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kcalloc_node(16, n, GFP_KERNEL, NUMA_NO_NODE));
	KUNIT_EXPECT_NULL(test, kvmalloc_array(n, 16, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kvcalloc(16, n, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kmemdup_array("x", n, 16, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, shim_live(t), live);
}

struct shim_rcu_obj {
	long payload[5];
	struct rcu_head rcu;
};

static void shim_kfree_rcu_waits_for_a_grace_period(struct kunit *test)
{
	struct ka_type *t = shim_type(test);
	int *reports = ka_test_expect_reports(test);
	u64 live = shim_live(t);
	struct shim_rcu_obj *o = kmalloc(sizeof(*o), GFP_KERNEL);
	struct shim_rcu_obj *k = kmalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	struct shim_rcu_obj *m = kmalloc(sizeof(*m), GFP_KERNEL);

	EXPECT_SHIM_BLOCK(test, t, o);
	KUNIT_ASSERT_NOT_NULL(test, k);
	EXPECT_SHIM_BLOCK(test, t, m);
	kfree_rcu_mightsleep(m);		/* waits, then frees */
	KUNIT_EXPECT_EQ(test, shim_live(t), live + 1);
	rcu_read_lock();
	kfree_rcu(o, rcu);
	kfree_rcu(k, rcu);			/* the kernel's object, freed by the kernel */
	/* a reader that saw o may still use it: it is not freed yet */
	KUNIT_EXPECT_EQ(test, shim_live(t), live + 1);
	rcu_read_unlock();
	ka_free_rcu_barrier();
	KUNIT_EXPECT_EQ(test, shim_live(t), live);
	KUNIT_EXPECT_EQ(test, *reports, 0);
}

/* The compiler knows each block's size, as for kmalloc: FORTIFY_SOURCE checks stay. */
#if __has_builtin(__builtin_dynamic_object_size)
static void shim_keeps_allocation_sizes_known(struct kunit *test)
{
	size_t bytes = 37;
	u8 *p, *q;

	OPTIMIZER_HIDE_VAR(bytes);	/* a size known only at run time */
	p = kmalloc(bytes, GFP_KERNEL);
	q = kzalloc_node(3 * bytes, GFP_KERNEL, NUMA_NO_NODE);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, __builtin_dynamic_object_size(p, 0), bytes);
	KUNIT_EXPECT_EQ(test, __builtin_dynamic_object_size(q, 0), 3 * bytes);
	kfree(q);
	kfree(p);
}
#endif

#ifdef DEFINE_FREE
static void shim_scoped_kfree(struct kunit *test)
{
	struct ka_type *t = shim_type(test);
	u64 live = shim_live(t);

	{
		void *p __free(kfree) = kmalloc(64, GFP_KERNEL);
		void *q __free(kvfree) = kvmalloc(64, GFP_KERNEL);

		EXPECT_SHIM_BLOCK(test, t, p);
		EXPECT_SHIM_BLOCK(test, t, q);
		KUNIT_EXPECT_EQ(test, shim_live(t), live + 2);
	}
	KUNIT_EXPECT_EQ(test, shim_live(t), live);
}
#endif

/* kmalloc aligns a power-of-two size naturally: so does the shim, up to a page. */
static void shim_power_of_two_sizes_naturally_aligned(struct kunit *test)
{
	struct ka_type *t = shim_type(test);
	void *p[4];
	size_t size;
	int i;

	for (size = 32; size <= 4 * PAGE_SIZE; size *= 2) {
		for (i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = i % 2 ? kzalloc(size, GFP_KERNEL) : kmalloc(size, GFP_KERNEL);
			EXPECT_SHIM_BLOCK(test, t, p[i]);
			KUNIT_EXPECT_EQ_MSG(test,
					    (unsigned long)p[i] % min_t(size_t, size, PAGE_SIZE),
					    0UL, "kmalloc(%zu)", size);
			KUNIT_EXPECT_GE(test, ksize(p[i]), size);
		}
		KUNIT_EXPECT_TRUE(test, all_zero(p[1], size));
		for (i = 0; i < ARRAY_SIZE(p); i++)
			kfree(p[i]);
	}
}

struct shim_cached {
	unsigned long state;
	struct rcu_head rcu;
	char name[40];
} ____cacheline_aligned;

static atomic_t shim_ctor_calls;

static void shim_cached_ctor(void *p)
{
	struct shim_cached *o = p;

	atomic_inc(&shim_ctor_calls);
	o->state = 1;
}

/*
 * A module's caches are kalloc types named after them, in every form of
 * kmem_cache_create(); their objects are freed by kmem_cache_free(),
 * kfree(), kfree_rcu() and kfree_bulk() alike, and a mempool on one works.
 */
static void shim_serves_kmem_caches(struct kunit *test)
{
	struct kmem_cache *c = KMEM_CACHE(shim_cached, SLAB_HWCACHE_ALIGN);
	struct kmem_cache *d = kmem_cache_create("kunit shim cache", 100, 0, 0, NULL);
	struct kmem_cache *u = kmem_cache_create_usercopy("kunit_shim_uc", 64, 0, 0, 8, 16,
							  shim_cached_ctor);
	struct ka_type *tc = (struct ka_type *)c, *td = (struct ka_type *)d;
	struct shim_cached *o, *q;
	mempool_t *pool;
	void *b[3];
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(c));
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(d));
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(u));
	KUNIT_EXPECT_STREQ(test, tc->name, "shim_cached");
	KUNIT_EXPECT_STREQ(test, td->name, "kunit_shim_cache");
	KUNIT_EXPECT_EQ(test, kmem_cache_size(c), (unsigned int)sizeof(struct shim_cached));
	KUNIT_EXPECT_EQ(test, ((struct ka_type *)u)->usersize, 16U);

	o = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, tc, o);
	KUNIT_EXPECT_EQ(test, (unsigned long)o % L1_CACHE_BYTES, 0UL);
	KUNIT_EXPECT_GE(test, ksize(o), sizeof(*o));
	kfree(o);			/* allowed since 6.4, as for SLUB */
	o = kmem_cache_zalloc(c, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, tc, o);
	KUNIT_EXPECT_TRUE(test, all_zero((u8 *)o, sizeof(*o)));
	kfree_rcu(o, rcu);
	ka_free_rcu_barrier();
	KUNIT_EXPECT_EQ(test, shim_live(tc), 0ULL);

	atomic_set(&shim_ctor_calls, 0);
	q = kmem_cache_alloc_node(u, GFP_KERNEL, numa_node_id());
	EXPECT_SHIM_BLOCK(test, (struct ka_type *)u, q);
	KUNIT_EXPECT_EQ(test, q->state, 1UL);
	KUNIT_EXPECT_GE(test, atomic_read(&shim_ctor_calls), 1);
	kmem_cache_free(u, q);

	KUNIT_ASSERT_EQ(test, kmem_cache_alloc_bulk(d, GFP_KERNEL, ARRAY_SIZE(b), b),
			(int)ARRAY_SIZE(b));
	for (i = 0; i < ARRAY_SIZE(b); i++)
		EXPECT_SHIM_BLOCK(test, td, b[i]);
	kfree_bulk(ARRAY_SIZE(b), b);
	KUNIT_EXPECT_EQ(test, shim_live(td), 0ULL);

	pool = mempool_create_slab_pool(2, d);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	b[0] = mempool_alloc(pool, GFP_KERNEL);
	EXPECT_SHIM_BLOCK(test, td, b[0]);
	mempool_free(b[0], pool);
	mempool_destroy(pool);
	KUNIT_EXPECT_EQ(test, shim_live(td), 0ULL);

	KUNIT_EXPECT_EQ(test, kmem_cache_shrink(c), 0);
	kmem_cache_destroy(u);
	kmem_cache_destroy(d);
	kmem_cache_destroy(c);
	kmem_cache_destroy(NULL);
}

/*
 * Two caches of one name live at once, as SLUB allows; a cache kalloc
 * cannot serve (DMA) is the kernel's, and every call passes it on.
 */
static void shim_cache_names_and_kernel_caches(struct kunit *test)
{
	struct kmem_cache *a = kmem_cache_create("kunit_twice", 48, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("kunit_twice", 48, 0, 0, NULL);
	struct kmem_cache *k = kmem_cache_create("kunit_dma", 48, 0, SLAB_CACHE_DMA, NULL);
	void *p;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(a));
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(b));
	KUNIT_EXPECT_STRNEQ(test, ((struct ka_type *)a)->name, ((struct ka_type *)b)->name);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(k));
	p = kmem_cache_alloc(k, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, ka_test_is_kalloc(p));
	KUNIT_EXPECT_EQ(test, kmem_cache_size(k), 48U);
	kmem_cache_free(k, p);
	kmem_cache_destroy(k);
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
}

static struct kunit_case shim_cases[] = {
	KUNIT_CASE(shim_serves_kmalloc_family),
	KUNIT_CASE(shim_power_of_two_sizes_naturally_aligned),
	KUNIT_CASE(shim_serves_kmem_caches),
	KUNIT_CASE(shim_cache_names_and_kernel_caches),
	KUNIT_CASE(shim_origin_is_call_site),
	KUNIT_CASE(shim_passes_on_what_is_not_kallocs),
	KUNIT_CASE(shim_realloc),
	KUNIT_CASE(shim_overflow_gives_null),
	KUNIT_CASE(shim_kfree_rcu_waits_for_a_grace_period),
#if __has_builtin(__builtin_dynamic_object_size)
	KUNIT_CASE(shim_keeps_allocation_sizes_known),
#endif
#ifdef DEFINE_FREE
	KUNIT_CASE(shim_scoped_kfree),
#endif
	{}
};

static struct kunit_suite shim_suite = {
	.name = "kalloc_shim",
	.test_cases = shim_cases,
};

kunit_test_suites(&shim_suite);
