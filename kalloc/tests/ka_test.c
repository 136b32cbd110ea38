// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by kalloc's KUnit suites, built into kalloc.ko with them
 * (KALLOC_KUNIT_TEST).
 */
#include <kunit/resource.h>
#include <kunit/visibility.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>

#include "ka_test.h"
#include "../internal.h"
#include "../pcpu/cpu_front.h"
#include "../fault.h"
#include "../pcpu/registry.h"

static unsigned int test_order(size_t size)
{
	/* Page blocks are naturally aligned: order 2 gives KA_CARRIER_ALIGN. */
	return max_t(unsigned int, get_order(size), ilog2(KA_CARRIER_ALIGN / PAGE_SIZE));
}

static void *test_src_alloc(struct ka_source *src, size_t *sizep, unsigned int how, gfp_t gfp)
{
	size_t size = *sizep;
	struct ka_test_source *ts = container_of(src, struct ka_test_source, src);
	struct page *page;

	ts->allocs++;
	if (ts->fail)
		return NULL;
	page = alloc_pages(gfp | __GFP_NOWARN, test_order(size));
	if (!page)
		return NULL;
	ts->live += size;
	return page_address(page);
}

static void test_src_free(struct ka_source *src, void *mem, size_t size)
{
	struct ka_test_source *ts = container_of(src, struct ka_test_source, src);

	ts->live -= size;
	__free_pages(virt_to_page(mem), test_order(size));
}

void ka_test_params(struct ka_params *p, enum ka_as as)
{
	ka_params_default(p);
	p->as = as;
	p->sbct = 64 * 1024;
	p->mmbcs = 64 * 1024;
	p->smbcs = 64 * 1024;
	p->lmbcs = 576 * 1024;
	p->mbcgs = 4;
	p->ycs = 256 * 1024;
	p->asbcst = 64 * 1024;
}

static void test_inst_destroy(void *arg)
{
	struct ka_test_inst *ti = arg;

	ka_inst_destroy(&ti->inst);
}

struct ka_test_inst *ka_test_inst_new(struct kunit *test, const struct ka_params *p)
{
	struct ka_test_inst *ti = kunit_kzalloc(test, sizeof(*ti), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ti);
	ti->seg.src = (struct ka_source){ "test-seg", test_src_alloc, test_src_free };
	ti->sys.src = (struct ka_source){ "test-sys", test_src_alloc, test_src_free };
	KUNIT_ASSERT_EQ(test, ka_inst_init(&ti->inst, p, &ti->seg.src, &ti->sys.src,
					   GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, test_inst_destroy, ti), 0);
	return ti;
}

void ka_test_expect_consistent(struct kunit *test, struct ka_instance *inst)
{
	struct ka_check chk;

	KUNIT_EXPECT_EQ_MSG(test, ka_check_instance(inst, &chk), 0,
			    "checker (%s): %s", inst->ix->strat->name, chk.first);
}

/* Misuse reports made while this test runs are counted here, not WARNed. */
int *ka_test_expect_reports(struct kunit *test)
{
	static struct kunit_resource resource;
	static int reports;

	reports = 0;
	kunit_add_named_resource(test, NULL, NULL, &resource, "kalloc_errors", &reports);
	return &reports;
}
EXPORT_SYMBOL_IF_KUNIT(ka_test_expect_reports);

ssize_t ka_test_read_file(const char *dir, const char *rel, char *buf, size_t len)
{
	char path[96];
	struct file *f;
	loff_t pos = 0;
	ssize_t n, got = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	while (got < len - 1 && (n = kernel_read(f, buf + got, len - 1 - got, &pos)) > 0)
		got += n;
	filp_close(f, NULL);
	buf[got] = '\0';
	return got;
}

size_t ka_test_block_size(const void *p)
{
	return ka_blk_size(ka_payload_blk(p));
}

bool ka_test_in_sbc(const void *p)
{
	return ka_blk_carrier(ka_payload_blk(p))->flags & KA_CRR_SBC;
}

ssize_t ka_test_write_file(const char *dir, const char *rel, const char *text)
{
	char path[96];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, text, strlen(text), &pos);
	filp_close(f, NULL);
	return n;
}

int ka_test_read_all_stats(char *buf, size_t len)
{
	static const char *const files[] = { "info", "segments", "memory", "allocations" };
	enum ka_class c;
	char rel[32];
	int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		bad += ka_test_read_stats(files[i], buf, len) <= 0;
	for (c = 0; c < KA_NR_CLASSES; c++) {
		snprintf(rel, sizeof(rel), "%s/info", ka_class_name(c));
		bad += ka_test_read_stats(rel, buf, len) <= 0;
		snprintf(rel, sizeof(rel), "%s/carriers", ka_class_name(c));
		bad += ka_test_read_stats(rel, buf, len) <= 0;
	}
	return bad;
}

static void ka_test_type_destroy(void *type)
{
	ka_type_destroy(type);
}

struct ka_type *ka_test_type(struct kunit *test, const char *name, enum ka_class cls)
{
	struct ka_type *type = ka_type_create(name, cls);

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(type));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ka_test_type_destroy, type), 0);
	return type;
}
EXPORT_SYMBOL_IF_KUNIT(ka_test_type);

void ka_test_expect_all_consistent(struct kunit *test)
{
	enum ka_class cls;
	struct ka_check chk;
	int cpu;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		if (!ka_class_enabled(cls))
			continue;
		for_each_possible_cpu(cpu) {
			struct ka_pcpu *pc = ka_test_pcpu(&ka_class_states[cls], cpu);
			unsigned int bad;

			ka_pcpu_lock(pc);	/* with kalloc's own view of its blocks */
			bad = ka_check_instance(&pc->inst, &chk);
			ka_pcpu_unlock(pc);
			KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "%s/%d: %s", ka_class_name(cls), cpu,
					    chk.first);
		}
	}
}

void ka_test_flush_fronts(void)
{
	enum ka_class cls;

	for (cls = 0; cls < KA_NR_CLASSES; cls++)
		if (ka_class_enabled(cls))
			ka_front_flush_everywhere(&ka_class_states[cls]);
}

struct front_off {
	enum ka_class cls;
	struct ka_front_shape saved;
};

static void front_back_on(void *arg)
{
	struct front_off *o = arg;

	ka_class_states[o->cls].shape = o->saved;
}

void ka_test_front_off(struct kunit *test, enum ka_class cls)
{
	struct ka_class_state *cs = &ka_class_states[cls];
	struct front_off *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	o->cls = cls;
	o->saved = cs->shape;
	ka_front_flush_everywhere(cs);
	WRITE_ONCE(cs->shape.max, 0);
	WRITE_ONCE(cs->shape.max_blk, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, front_back_on, o), 0);
}

struct ka_pcpu *ka_test_pcpu(struct ka_class_state *cs, int cpu)
{
	return ka_pcpu_make(cs, cpu, GFP_KERNEL);
}

u64 ka_test_pcpu_blocks(struct ka_pcpu *pc)
{
	unsigned long flags;
	u64 n;

	ka_test_flush_fronts();
	spin_lock_irqsave(&pc->lock, flags);
	n = pc->inst.st.mbc.blocks.cur + pc->inst.st.sbc.blocks.cur;
	spin_unlock_irqrestore(&pc->lock, flags);
	return n;
}

unsigned long ka_test_peek(const void *addr)
{
	return READ_ONCE(*(const unsigned long *)addr);
}

bool ka_test_blk_cached(const void *p)
{
	return ka_blk_cached(ka_payload_blk(p));
}

size_t ka_test_blk_size(const void *p)
{
	return ka_blk_size(ka_payload_blk(p));
}

unsigned int ka_test_blk_tid(const void *p)
{
	return ka_ptr_tid(p);
}
EXPORT_SYMBOL_IF_KUNIT(ka_test_blk_tid);

unsigned long ka_test_blk_origin(const void *p)
{
	return ka_inst_block_origin(p);
}
EXPORT_SYMBOL_IF_KUNIT(ka_test_blk_origin);

bool ka_test_is_kalloc(const void *p)
{
	return ka_registry_has(p);
}
EXPORT_SYMBOL_IF_KUNIT(ka_test_is_kalloc);

bool ka_test_page_names_block(const void *p)
{
	struct ka_carrier *c;

	rcu_read_lock();
	c = ka_page_carrier(p);
	c = c == ka_blk_carrier(ka_payload_blk(p)) ? c : NULL;
	rcu_read_unlock();
	return c;
}

void *ka_test_front_alloc(struct ka_class_state *cs, size_t size)
{
	return ka_class_alloc(cs, size, 0, 0, GFP_KERNEL);
}

bool ka_test_claim_cached(struct ka_class_state *cs, void *p)
{
	struct ka_block *b = ka_payload_blk(p);
	unsigned int tid = 0;

	return ka_front_takes(cs, b) && ka_blk_claim_to(b, &tid, KA_F_CACHED) == KA_CLAIMED;
}

#ifdef CONFIG_FAULT_INJECTION
void ka_test_fail_this_task(bool on)
{
	if (on) {
		WRITE_ONCE(ka_fail_attr.task_filter, true);
		WRITE_ONCE(ka_fail_attr.verbose, 0);
		atomic_set(&ka_fail_attr.times, -1);
		WRITE_ONCE(ka_fail_attr.interval, 1);
	}
	WRITE_ONCE(ka_fail_attr.probability, on ? 100 : 0);
	current->make_it_fail = on;
}
#endif
