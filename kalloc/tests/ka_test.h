/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by kalloc's KUnit suites: a page-backed carrier source,
 * instances that are torn down with the test, the checker as an assertion,
 * and counting of deliberately provoked misuse reports.
 *
 * The white-box suites are compiled into kalloc.ko next to the code they
 * test (kalloc/tests/, kalloc/<layer>/tests/, with KALLOC_KUNIT_TEST) and
 * reach its internals directly; kalloc_kunit.ko runs them. The black-box
 * suites in kunit/ see only the public API and the few helpers marked
 * "black-box" below, exported for them.
 */
#ifndef _KA_TEST_H
#define _KA_TEST_H

#include <kunit/test.h>
#include <kunit/visibility.h>
#include <kalloc.h>

#include "../compat.h"
#include "../core/check.h"
#include "../core/instance.h"

struct ka_test_source {
	struct ka_source src;
	long live;		/* bytes handed out and not given back */
	unsigned long allocs;
	bool fail;		/* make every allocation fail */
};

struct ka_test_inst {
	struct ka_instance inst;
	struct ka_test_source seg, sys;
};

/* Parameters small enough for the test VM, otherwise erts's defaults. */
void ka_test_params(struct ka_params *p, enum ka_as as);
struct ka_test_inst *ka_test_inst_new(struct kunit *test, const struct ka_params *p);
void ka_test_expect_consistent(struct kunit *test, struct ka_instance *inst);
/* Black-box: misuse reports made while @test runs are counted, not reported. */
int *ka_test_expect_reports(struct kunit *test);

#define KA_EXPECT_CONSISTENT(test, inst) ka_test_expect_consistent(test, inst)

#ifdef CONFIG_FAULT_INJECTION
/* Every allocation kalloc makes from a source fails for this task while @on. */
void ka_test_fail_this_task(bool on);
#endif

/* The per-CPU layer's suites. */
struct ka_pcpu;
struct ka_class_state;
/* Black-box: a type destroyed when the test ends. */
struct ka_type *ka_test_type(struct kunit *test, const char *name, enum ka_class cls);
/* Every instance of every enabled class of the module, checked under its lock. */
void ka_test_expect_all_consistent(struct kunit *test);
/* Empties every front cache of the module's classes, on every CPU. Sleeps. */
void ka_test_flush_fronts(void);
/*
 * Empties the front caches of @cls and turns them off until the test ends:
 * for cases about the instances themselves. Sleeps.
 */
void ka_test_front_off(struct kunit *test, enum ka_class cls);
/*
 * Blocks allocated in @pc's instance, read under its lock after every front
 * cache is emptied: the blocks its users hold. Sleeps.
 */
u64 ka_test_pcpu_blocks(struct ka_pcpu *pc);
/* @cpu's instance of @cs, made if that CPU has not used the class yet. */
struct ka_pcpu *ka_test_pcpu(struct ka_class_state *cs, int cpu);

#define KA_TEST_DEBUGFS	"/sys/kernel/debug/kalloc"
#define KA_TEST_SYSFS	"/sys/kernel/kalloc"
/* Reads @dir/@rel into @buf (NUL-terminated); bytes or -errno. */
ssize_t ka_test_read_file(const char *dir, const char *rel, char *buf, size_t len);
/* Writes @text to @dir/@rel in one write; the bytes written or -errno. */
ssize_t ka_test_write_file(const char *dir, const char *rel, const char *text);

static inline ssize_t ka_test_read_stats(const char *rel, char *buf, size_t len)
{
	return ka_test_read_file(KA_TEST_DEBUGFS, rel, buf, len);
}

static inline ssize_t ka_test_write_stats(const char *rel, const char *text)
{
	return ka_test_write_file(KA_TEST_DEBUGFS, rel, text);
}

/* The whole block of payload @p, header and tag included (its header is KASAN's). */
size_t ka_test_block_size(const void *p);
/* Whether block @p has a singleblock carrier of its own. */
bool ka_test_in_sbc(const void *p);
/* Reads every statistics file once; the number that could not be read. */
int ka_test_read_all_stats(char *buf, size_t len);

/*
 * Block headers are poisoned under KASAN (kalloc/debug.h): suites read them
 * through these, which are built without instrumentation as kalloc is.
 */
unsigned long ka_test_peek(const void *addr);
bool ka_test_blk_cached(const void *p);
size_t ka_test_blk_size(const void *p);
/* Black-box: the type id in the header of block @p. */
unsigned int ka_test_blk_tid(const void *p);
/* Black-box: the origin in the allocation tag of block @p (0 without atags). */
unsigned long ka_test_blk_origin(const void *p);
/* Black-box: whether @p lies in a kalloc carrier (the registry's answer). */
bool ka_test_is_kalloc(const void *p);
/* Whether the struct page of live block @p names the block's carrier (pcpu/pagemap.h). */
bool ka_test_page_names_block(const void *p);
struct ka_class_state;
/* The front caches' allocation path (ka_class_alloc()) for untyped blocks of @cs. */
void *ka_test_front_alloc(struct ka_class_state *cs, size_t size);
/* Moves allocated block @p to the cached state if @cs's front cache takes it. */
bool ka_test_claim_cached(struct ka_class_state *cs, void *p);

/* The white-box suites, for the modules that run them (kunit/). */
extern struct kunit_suite ka_test_fault_suite;
extern struct kunit_suite ka_test_types_suite, ka_test_strategy_suite, ka_test_instance_suite,
	ka_test_sources_suite, ka_test_cpu_suite, ka_test_options_suite, ka_test_stats_suite,
	ka_test_pool_suite, ka_test_misuse_suite, ka_test_front_suite, ka_test_holes_suite,
	ka_test_exhaust_suite, ka_test_typecache_suite, ka_test_scale_suite, ka_test_tune_suite;

#endif /* _KA_TEST_H */
