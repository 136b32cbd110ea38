// SPDX-License-Identifier: GPL-2.0
/*
 * The concurrent stress of the per-CPU layer (stress.h).
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>

#include "../../tests/ka_test.h"
#include "../remote.h"
#include "stress.h"

static bool stress_ok(struct stress *s, struct stress_hdr *h)
{
	return h->type < STRESS_TYPES && h->size >= sizeof(*h) &&
	       !memchr_inv(h + 1, h->seed, h->size - sizeof(*h));
}

static void stress_fill(struct stress_hdr *h, size_t size, unsigned int type)
{
	h->size = size;
	h->type = type;
	h->seed = get_random_u32();
	memset(h + 1, h->seed, size - sizeof(*h));
}

static size_t stress_size(void)
{
	u32 r = get_random_u32_below(1000);

	if (r < 5)
		return 520 * 1024 + get_random_u32_below(64 * 1024);	/* above sbct */
	if (r < 200)
		return 4096 + get_random_u32_below(60000);
	return sizeof(struct stress_hdr) + get_random_u32_below(1024);
}

static int stress_thread(void *arg)
{
	struct stress *s = arg;
	unsigned int i;

#ifdef CONFIG_FAULT_INJECTION
	/* fail_kalloc and fail_page_alloc, task-filtered, fail this thread's requests */
	current->make_it_fail = s->faults;
#endif
	for (i = 0; i < s->ops; i++) {
		atomic_long_t *slot = &s->slot[get_random_u32_below(STRESS_SLOTS)];
		struct stress_hdr *h = (void *)atomic_long_xchg(slot, 0);
		unsigned int t;
		size_t size;
		bool zero;

		if (h) {
			if (!stress_ok(s, h))
				atomic_inc(&s->bad);
			if (get_random_u32_below(4) == 0) {	/* resize, maybe a foreign block */
				struct stress_hdr *n;

				size = stress_size();
				n = ka_realloc(s->types[h->type], h, size, GFP_KERNEL);
				if (!n && s->faults) {
					/* a failed realloc keeps the old block whole */
					atomic_inc(&s->kept);
					if (!stress_ok(s, h))
						atomic_inc(&s->bad);
					ka_free(s->types[h->type], h);
					continue;
				}
				h = n;
				if (!h) {
					atomic_inc(&s->bad);
					continue;
				}
				stress_fill(h, size, h->type);
				h = (void *)atomic_long_xchg(slot, (long)h);
				if (!h)
					continue;
			}
			ka_free(s->types[h->type], h);	/* often another CPU's block */
			continue;
		}
		t = get_random_u32_below(STRESS_TYPES);
		size = stress_size();
		zero = get_random_u32_below(8) == 0;
		h = ka_alloc(s->types[t], size, zero ? GFP_KERNEL | __GFP_ZERO : GFP_KERNEL);
		if (!h) {
			atomic_inc(s->faults ? &s->nulls : &s->bad);
			continue;
		}
		if (zero && memchr_inv(h, 0, size))
			atomic_inc(&s->zero_bad);
		stress_fill(h, size, t);
		h = (void *)atomic_long_xchg(slot, (long)h);
		if (h)
			ka_free(s->types[h->type], h);
		if (i % 32 == 0)
			cond_resched();
	}
	if (atomic_dec_and_test(&s->running))
		complete(&s->done);
	return 0;
}

const enum ka_class ka_stress_cls[STRESS_TYPES] = {
	KA_CLASS_STD, KA_CLASS_SL, KA_CLASS_LL, KA_CLASS_BUFFER, KA_CLASS_DRIVER,
	KA_CLASS_STD,
};

/*
 * The stress on every online CPU, @ops operations a thread, with the last
 * CPU going offline and back and the statistics read meanwhile; every live
 * block is checked and freed at the end.
 */
struct stress *ka_stress_run(struct kunit *test, unsigned int ops, bool faults)
{
	static unsigned int runs;	/* each run's types have names of their own */

	const enum ka_class *cls = ka_stress_cls;
	struct stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	int victim = nr_cpu_ids - 1, nthreads = num_online_cpus(), i;
	int reads = 0;
	char *buf;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < STRESS_TYPES; i++) {
		char name[24];

		snprintf(name, sizeof(name), "kunit_stress%u_%d", runs, i);
		s->types[i] = ka_test_type(test, name, cls[i]);
	}
	runs++;
	s->ops = ops;
	s->faults = faults;
	atomic_set(&s->running, nthreads);
	init_completion(&s->done);
	for (i = 0; i < nthreads; i++) {
		struct task_struct *t = kthread_run(stress_thread, s, "ka_cpu_stress/%d", i);

		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}

	msleep(200);
	if (victim > 0 && cpu_online(victim)) {
		KUNIT_EXPECT_EQ(test, remove_cpu(victim), 0);
		msleep(200);
		KUNIT_EXPECT_EQ(test, add_cpu(victim), 0);
	}
	/* Every statistics file stays readable, and harmless, under the load. */
	buf = kunit_kmalloc(test, 64 * 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	while (!completion_done(&s->done)) {
		KUNIT_EXPECT_EQ(test, ka_test_read_all_stats(buf, 64 * 1024), 0);
		reads++;
	}
	kunit_info(test, "read every statistics file %d times during the stress\n", reads);
	KUNIT_EXPECT_GT(test, reads, 0);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&s->done, 600 * HZ), 0UL);

	for (i = 0; i < STRESS_SLOTS; i++) {
		struct stress_hdr *h = (void *)atomic_long_xchg(&s->slot[i], 0);

		if (!h)
			continue;
		if (!stress_ok(s, h))
			atomic_inc(&s->bad);
		ka_free(s->types[h->type], h);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&s->bad), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->zero_bad), 0);
	return s;
}

/*
 * After a run, its blocks all freed: every queue drained, each type's
 * allocations and frees equal (and, unless @failures were allowed, none
 * failed), every instance consistent.
 */
void ka_stress_expect_balanced(struct kunit *test, struct stress *s, bool failures)
{
	struct ka_type_totals sum;
	int i, cpu;

	for (i = 0; i < KA_NR_CLASSES; i++)
		if (ka_class_enabled(i))
			for_each_possible_cpu(cpu)
				ka_cpu_drain(ka_test_pcpu(&ka_class_states[i], cpu));
	for (i = 0; i < STRESS_TYPES; i++) {
		ka_type_sum(s->types[i], &sum);
		KUNIT_EXPECT_EQ_MSG(test, sum.allocs, sum.frees, "type %d", i);
		if (!failures)
			KUNIT_EXPECT_EQ(test, sum.failed, 0ULL);
	}
	ka_test_expect_all_consistent(test);
}
