// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/kalloc/: every class parameter under its plain name, in the
 * unit of its erts flag, writable when it may change in a running kernel
 * (mode 0644; 0444 when it acts only at load), and "options", which takes
 * and gives erts-style option strings. Each write goes through
 * ka_tune_apply(), which holds the rules; nothing here knows an allocator.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "../kalloc/internal.h"
#include "../kalloc/tune.h"

struct ka_param_attr {
	struct kobj_attribute attr;
	enum ka_class cls;
	unsigned int idx;
};

static struct kobject *ka_sysfs_root;
static struct kobject *ka_sysfs_class[KA_NR_CLASSES];
static struct ka_param_attr *ka_sysfs_attrs[KA_NR_CLASSES];
static struct attribute **ka_sysfs_lists[KA_NR_CLASSES];

/* Applies @str, and says why in the kernel log when it is refused. */
static ssize_t tune(const char *str, size_t count)
{
	char err[128] = "";
	int ret = ka_tune_apply(str, err, sizeof(err));

	if (ret && err[0])
		pr_info_ratelimited("%s: %s\n", ret == -EINVAL ? "refused" : "failed", err);
	return ret ? ret : count;
}

static ssize_t param_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct ka_param_attr *pa = container_of(attr, struct ka_param_attr, attr);

	return ka_tune_show(pa->cls, pa->idx, buf, PAGE_SIZE);
}

static ssize_t param_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			   size_t count)
{
	struct ka_param_attr *pa = container_of(attr, struct ka_param_attr, attr);
	char *val, *word, *flag = NULL;
	const char *erts;
	ssize_t ret = -EINVAL;

	val = kstrndup(buf, count, GFP_KERNEL);
	if (!val)
		return -ENOMEM;
	ka_opts_class_param(pa->idx, &erts);
	word = strim(val);
	/* one word: more would be read as more flags */
	if (*word && !strpbrk(word, " \t\n")) {
		flag = kasprintf(GFP_KERNEL, "+M%c%s %s", ka_class_letter(pa->cls), erts, word);
		ret = flag ? tune(flag, count) : -ENOMEM;
	}
	kfree(flag);
	kfree(val);
	return ret;
}

static ssize_t options_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return ka_tune_show_all(buf, PAGE_SIZE);
}

static ssize_t options_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	char *str = kstrndup(buf, count, GFP_KERNEL);
	ssize_t ret;

	if (!str)
		return -ENOMEM;
	ret = tune(str, count);
	kfree(str);
	return ret;
}

static struct kobj_attribute options_attr = __ATTR(options, 0644, options_show, options_store);

static int class_dir(enum ka_class c)
{
	unsigned int i, n = ka_opts_class_nparams();
	struct attribute_group group = {};
	const char *erts;

	ka_sysfs_attrs[c] = kcalloc(n, sizeof(*ka_sysfs_attrs[c]), GFP_KERNEL);
	ka_sysfs_lists[c] = kcalloc(n + 1, sizeof(*ka_sysfs_lists[c]), GFP_KERNEL);
	ka_sysfs_class[c] = kobject_create_and_add(ka_class_name(c), ka_sysfs_root);
	if (!ka_sysfs_attrs[c] || !ka_sysfs_lists[c] || !ka_sysfs_class[c])
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct ka_param_attr *pa = &ka_sysfs_attrs[c][i];

		pa->cls = c;
		pa->idx = i;
		sysfs_attr_init(&pa->attr.attr);
		pa->attr.attr.name = ka_opts_class_param(i, &erts);
		pa->attr.attr.mode = ka_tune_live(i) ? 0644 : 0444;
		pa->attr.show = param_show;
		pa->attr.store = ka_tune_live(i) ? param_store : NULL;
		ka_sysfs_lists[c][i] = &pa->attr.attr;
	}
	group.attrs = ka_sysfs_lists[c];
	return sysfs_create_group(ka_sysfs_class[c], &group);
}

void ka_sysfs_exit(void)
{
	enum ka_class c;

	for (c = 0; c < KA_NR_CLASSES; c++) {
		/* removing the directory removes its files, before their attributes go */
		kobject_put(ka_sysfs_class[c]);
		ka_sysfs_class[c] = NULL;
		kfree(ka_sysfs_lists[c]);
		kfree(ka_sysfs_attrs[c]);
		ka_sysfs_lists[c] = NULL;
		ka_sysfs_attrs[c] = NULL;
	}
	kobject_put(ka_sysfs_root);
	ka_sysfs_root = NULL;
}

int ka_sysfs_init(void)
{
	enum ka_class c;
	int err;

	ka_sysfs_root = kobject_create_and_add("kalloc", kernel_kobj);
	if (!ka_sysfs_root)
		return -ENOMEM;
	err = sysfs_create_file(ka_sysfs_root, &options_attr.attr);
	for (c = 0; !err && c < KA_NR_CLASSES; c++)
		err = class_dir(c);
	if (err)
		ka_sysfs_exit();
	return err;
}
