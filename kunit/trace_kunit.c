// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit case of kalloc's trace events: probes attached to them, as perf and
 * ftrace attach theirs, see an allocation, a free and a carrier's life with
 * the call site, sizes, flags, type and class.
 */
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>

#include "../kalloc/tests/ka_test.h"
#include "../kalloc/trace.h"

struct seen {
	unsigned long alloc_site, free_site;
	const void *alloc_ptr, *free_ptr;
	size_t bytes_req, bytes_alloc;
	gfp_t gfp;
	char type[KA_TRACE_NAME], class[8];
	int cached_frees, uncached_frees;
	int sbc_created, sbc_destroyed;
};

static void on_alloc(void *data, unsigned long call_site, const void *ptr, size_t bytes_req,
		     size_t bytes_alloc, gfp_t gfp, const char *type, const char *class, int node)
{
	struct seen *s = data;

	if (strcmp(type, "kunit_trace") || bytes_req != 100)
		return;
	s->alloc_site = call_site;
	s->alloc_ptr = ptr;
	s->bytes_req = bytes_req;
	s->bytes_alloc = bytes_alloc;
	s->gfp = gfp;
	strscpy(s->type, type, sizeof(s->type));
	strscpy(s->class, class, sizeof(s->class));
}

static void on_free(void *data, unsigned long call_site, const void *ptr, const char *type,
		    bool cached)
{
	struct seen *s = data;

	if (strcmp(type, "kunit_trace"))
		return;
	if (cached) {
		s->cached_frees++;
		s->free_site = call_site;
		s->free_ptr = ptr;
	} else {
		s->uncached_frees++;
	}
}

static void on_create(void *data, const void *carrier, size_t size, const char *source,
		      bool sbc, int cpu)
{
	((struct seen *)data)->sbc_created += sbc && size >= 600 * 1024;
}

static void on_destroy(void *data, const void *carrier, size_t size, const char *source,
		       bool sbc, int cpu)
{
	((struct seen *)data)->sbc_destroyed += sbc && size >= 600 * 1024;
}

static void detach(void *s)
{
	unregister_trace_ka_alloc(on_alloc, s);
	unregister_trace_ka_free(on_free, s);
	unregister_trace_ka_carrier_create(on_create, s);
	unregister_trace_ka_carrier_destroy(on_destroy, s);
	tracepoint_synchronize_unregister();
}

static bool site_in(unsigned long site, const char *fn)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, site);
	return !strncmp(sym, fn, strlen(fn));
}

static void trace_events_record_traffic(struct kunit *test)
{
	struct seen *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct ka_type *t;
	void *p, *big;

	KUNIT_ASSERT_NOT_NULL(test, s);
	t = ka_test_type(test, "kunit_trace", KA_CLASS_STD);
	KUNIT_ASSERT_EQ(test, register_trace_ka_alloc(on_alloc, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_ka_free(on_free, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_ka_carrier_create(on_create, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_ka_carrier_destroy(on_destroy, s), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, detach, s), 0);

	p = ka_alloc(t, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ka_free(t, p);
	big = ka_alloc(t, 600 * 1024, GFP_KERNEL);	/* above sbct: a carrier of its own */
	KUNIT_ASSERT_NOT_NULL(test, big);
	ka_free(t, big);
	kunit_release_action(test, detach, s);

	KUNIT_EXPECT_PTR_EQ(test, s->alloc_ptr, p);
	KUNIT_EXPECT_TRUE(test, site_in(s->alloc_site, "trace_events_record_traffic"));
	/* 100 bytes in std (no tags): a 112-byte block, 104 for its user */
	KUNIT_EXPECT_EQ(test, s->bytes_alloc, 104UL);
	KUNIT_EXPECT_TRUE(test, s->gfp == GFP_KERNEL);
	KUNIT_EXPECT_STREQ(test, s->type, "kunit_trace");
	KUNIT_EXPECT_STREQ(test, s->class, "std");
	KUNIT_EXPECT_PTR_EQ(test, s->free_ptr, p);
	KUNIT_EXPECT_TRUE(test, site_in(s->free_site, "trace_events_record_traffic"));
	KUNIT_EXPECT_EQ(test, s->cached_frees, 1);	/* the small block, into the cache */
	KUNIT_EXPECT_EQ(test, s->uncached_frees, 1);	/* the large one, to its instance */
	KUNIT_EXPECT_EQ(test, s->sbc_created, 1);
	KUNIT_EXPECT_EQ(test, s->sbc_destroyed, 1);
}

static struct kunit_case trace_cases[] = {
	KUNIT_CASE(trace_events_record_traffic),
	{}
};

static struct kunit_suite trace_suite = {
	.name = "kalloc_trace",
	.test_cases = trace_cases,
};

kunit_test_suites(&trace_suite);
