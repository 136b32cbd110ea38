// SPDX-License-Identifier: GPL-2.0
/*
 * A module written for kmalloc, unaware of kalloc: Kbuild compiles it with
 * -include kalloc_shim.h (Documentation/shim.rst; so no pr_fmt here), so its allocations are
 * served by the kalloc type "kalloc_shim_demo". It keeps a list of named
 * records while loaded: the allocations view shows them under their call
 * sites. Also the shim's compile check on every kernel kalloc builds for.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

struct record {
	struct list_head link;
	struct rcu_head rcu;
	char *name;
	size_t len;
	u8 data[];
};

static LIST_HEAD(records);
static unsigned int nr_records = 64;
module_param(nr_records, uint, 0444);
MODULE_PARM_DESC(nr_records, "records kept while the module is loaded");

static struct record *record_new(unsigned int i)
{
	size_t len = 16 + (i % 8) * 100;
	struct record *r = kzalloc(struct_size(r, data, len), GFP_KERNEL);

	if (!r)
		return NULL;
	r->len = len;
	r->name = kasprintf(GFP_KERNEL, "record-%u", i);	/* the core kernel's */
	if (!r->name) {
		kfree(r);
		return NULL;
	}
	return r;
}

static void record_free_rcu(struct record *r)
{
	kfree(r->name);
	kfree_rcu(r, rcu);
}

static int __init shim_demo_init(void)
{
	char *copy, *grown;
	unsigned int i;

	for (i = 0; i < nr_records; i++) {
		struct record *r = record_new(i);

		if (!r)
			goto fail;
		list_add_tail(&r->link, &records);
	}
	copy = kstrdup("resized", GFP_KERNEL);
	grown = krealloc(copy, 4096, GFP_KERNEL);
	if (grown)
		copy = grown;
	pr_info("kalloc_shim_demo: %u records kept, a %zu-byte block resized\n", nr_records,
		ksize(copy));
	kfree(copy);
	return 0;
fail:
	while (!list_empty(&records)) {
		struct record *r = list_first_entry(&records, struct record, link);

		list_del(&r->link);
		record_free_rcu(r);
	}
	return -ENOMEM;
}

static void __exit shim_demo_exit(void)
{
	struct record *r, *next;

	list_for_each_entry_safe(r, next, &records, link) {
		list_del(&r->link);
		record_free_rcu(r);
	}
}

module_init(shim_demo_init);
module_exit(shim_demo_exit);
MODULE_DESCRIPTION("A kmalloc user run on kalloc through the shim");
MODULE_LICENSE("GPL");
