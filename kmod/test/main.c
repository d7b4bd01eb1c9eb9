// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_test.ko: module init and exit; see test.h.
 *
 * Init creates /sys/kernel/debug/gosync_test/ and calls each part's init
 * with its own directory, in the order of gosync_components[], unwinding
 * on failure. Exit first removes the whole debugfs tree, which waits for
 * file operations still running (a benchmark, a stress run), then calls
 * each part's exit in reverse order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "cmdfile.h"
#include "test.h"

/*
 * Every part: Kbuild lists each DEFINE_GOSYNC_COMPONENT() of kmod/test in
 * gosync_parts.h, so a new part edits no list here. Parts are independent
 * of each other (each has its own directory and state), so their order,
 * that of their file names, does not matter.
 */
#include "gosync_parts.h"
static const struct gosync_component *const gosync_components[] = {
	GOSYNC_COMPONENTS
};

static struct dentry *gosync_test_root;

static void gosync_components_exit(unsigned int n)
{
	while (n--)
		if (gosync_components[n]->exit)
			gosync_components[n]->exit();
}

static int __init gosync_test_init(void)
{
	unsigned int i;
	int ret;

	/* Without debugfs there is nothing to drive; parts get an ERR_PTR. */
	gosync_test_root = debugfs_create_dir("gosync_test", NULL);
	for (i = 0; i < ARRAY_SIZE(gosync_components); i++) {
		const struct gosync_component *c = gosync_components[i];
		struct dentry *dir = debugfs_create_dir(c->name, gosync_test_root);
		struct gosync_cmd_file *f;

		ret = c->init ? c->init(dir) : 0;
		for (f = c->files; !ret && f && f->name; f++) {
			f->who = f->who ?: c->name;
			gosync_cmd_file_create(dir, f);
		}
		if (ret) {
			pr_err("%s: init failed: %d\n", c->name, ret);
			debugfs_remove_recursive(gosync_test_root);
			gosync_components_exit(i);
			return ret;
		}
	}
	return 0;
}

static void __exit gosync_test_exit(void)
{
	debugfs_remove_recursive(gosync_test_root);
	gosync_components_exit(ARRAY_SIZE(gosync_components));
}

module_init(gosync_test_init);
module_exit(gosync_test_exit);

MODULE_DESCRIPTION("gosync: command files, stress runs and benchmarks");
MODULE_AUTHOR("The gosync authors");
MODULE_LICENSE("GPL");
GOSYNC_IMPORT_NS();
GOSYNC_IMPORT_NS_INTERNAL();
