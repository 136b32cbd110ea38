// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit cases of the erts-style option string.
 */
#include "ka_test.h"
#include "../options.h"
#include "../pool.h"

static void options_valid(struct kunit *test)
{
	struct ka_opts *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	char err[128] = "";

	KUNIT_ASSERT_NOT_NULL(test, o);
	ka_opts_default(o);
	/* free pages go back by default: acful "de", acul - 20 */
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_BUFFER].p.acful, 40U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_LL].p.acful, 65U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_TEMP].p.acful, 0U);
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "+MBas aobf +MBsbct 2048 +MMmcs 20", err,
					    sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_BUFFER].as, KA_AS_AOBF);
	/* as erts: carrier migration (acul "de") needs a carrier-oriented strategy */
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_BUFFER].p.acul, 60U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_BUFFER].p.as, KA_AS_AOFFCBF);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_BUFFER].p.sbct, (size_t)2048 * 1024);
	KUNIT_EXPECT_EQ(test, o->seg.mcs, 20U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_STD].as, KA_AS_BF);	/* others untouched */
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_LL].p.acul, 85U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_TEMP].p.acul, 0U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_TEMP].p.as, KA_AS_AF);
	KUNIT_EXPECT_TRUE(test, o->cls[KA_CLASS_BUFFER].p.atags);	/* as erts */
	KUNIT_EXPECT_FALSE(test, o->cls[KA_CLASS_STD].p.atags);

	/* Options add up over calls, white space of any kind separates them. */
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "  +Muramv true\t+MDe false +MTas af\n",
					    err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "+MLlmbcs 1024 +MRmmsbc 0 +MMscs 4 +MMsco false",
					    err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "+MSrmbcmt 0 +MFmbsd 7 +Muycs 256",
					    err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "+MBatags false +MDatags true", err, sizeof(err)),
			0);
	KUNIT_EXPECT_FALSE(test, o->cls[KA_CLASS_BUFFER].p.atags);
	KUNIT_EXPECT_TRUE(test, o->cls[KA_CLASS_STD].p.atags);
	KUNIT_EXPECT_TRUE(test, o->cls[KA_CLASS_SL].p.ramv && o->cls[KA_CLASS_LL].p.ramv);
	KUNIT_EXPECT_FALSE(test, o->cls[KA_CLASS_STD].enabled);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_TEMP].p.as, KA_AS_AF);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_LL].p.lmbcs, (size_t)1024 * 1024);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_DRIVER].p.mmsbc, 0U);
	KUNIT_EXPECT_EQ(test, o->seg.scs, (size_t)4 << 20);
	KUNIT_EXPECT_FALSE(test, o->seg.sco);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_SL].p.rmbcmt, 0U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_FIX].p.mbsd, 7U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_DRIVER].p.ycs, (size_t)256 * 1024);
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "", err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, NULL, err, sizeof(err)), 0);

	/* The carrier pool's parameters. */
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "+MBacul 0 +Muacul 70 +MSacul de +MDacful de",
					    err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_TEMP].p.acul, 0U);	/* u skips temp */
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_BUFFER].p.acul, 70U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_SL].p.acul, 60U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_STD].p.acful, 50U);	/* de: acul - 20 */
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "+MDacul 30 +MLacful 90 +MFacnl 5 +MFacfml 4096",
					    err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_STD].p.acful, 10U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_LL].p.acful, 70U);	/* never above acul */
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_FIX].p.acnl, 5U);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_FIX].p.acfml, (size_t)4096);
	KUNIT_EXPECT_EQ(test, ka_opts_parse(o, "+MRacul 0 +MRas bf +MDcp @ +MBcp D +MLcp :",
					    err, sizeof(err)), 0);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_DRIVER].p.as, KA_AS_BF);	/* no migration */
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_STD].pool, (unsigned int)KA_POOL_SHARED);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_BUFFER].pool, (unsigned int)KA_CLASS_STD);
	KUNIT_EXPECT_EQ(test, o->cls[KA_CLASS_LL].pool, (unsigned int)KA_CLASS_LL);
}

static void options_invalid(struct kunit *test)
{
	static const struct { const char *opts, *says; } bad[] = {
		{ "+MBas best", "+MBas: 'best' is not an allocation strategy" },
		{ "+MDas af", "+MDas: af is only for the temp class" },
		{ "+MQsbct 10", "no allocator class has the letter 'Q'" },
		{ "+MBfoo 1", "+MBfoo: unknown parameter 'foo'" },
		{ "+MBsbct", "+MBsbct: no value" },
		{ "+MBsbct big", "+MBsbct: 'big' is not a number" },
		{ "+MBsbct 0", "+MBsbct: 0 is out of range" },
		{ "+MMmcs 31", "+MMmcs: 31 is out of range 0..30" },
		{ "+MBrmbcmt 101", "+MBrmbcmt: 101 is out of range 0..100" },
		{ "+MTacul 50", "+MTacul: the temp class cannot migrate carriers" },
		{ "+MDacul 101", "+MDacul: 101 is out of range 0..100" },
		{ "+MDacul often", "+MDacul: 'often' is not a number" },
		{ "+MDcp Q", "+MDcp: 'Q' is not a class letter, @ or :" },
		{ "+MBramv yes", "+MBramv: 'yes' is not true or false" },
		{ "+MTe false", "+MTe: temp cannot be disabled" },
		{ "MBsbct 10", "'MBsbct' is not a +M<S><param> flag" },
		{ "+MBsbct -1", "+MBsbct: '-1' is not a number" },
	};
	struct ka_opts *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	char err[128];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, o);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ka_opts_default(o);
		err[0] = '\0';
		KUNIT_EXPECT_EQ_MSG(test, ka_opts_parse(o, bad[i].opts, err, sizeof(err)), -EINVAL,
				    "%s", bad[i].opts);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(err, bad[i].says), "'%s' said '%s'",
					  bad[i].opts, err);
	}
}

static struct kunit_case options_cases[] = {
	KUNIT_CASE(options_valid),
	KUNIT_CASE(options_invalid),
	{}
};

struct kunit_suite ka_test_options_suite = {
	.name = "kalloc_options",
	.test_cases = options_cases,
};
EXPORT_SYMBOL_IF_KUNIT(ka_test_options_suite);
