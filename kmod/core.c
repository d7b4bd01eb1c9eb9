// SPDX-License-Identifier: GPL-2.0
/*
 * gosync.ko: module init and exit, the debugfs root, the version query.
 *
 * Init walks the component table (internal.h) in link order, giving each
 * component its own directory under /sys/kernel/debug/gosync/. Exit first
 * removes the whole debugfs tree, which waits for file operations still
 * running (a benchmark, a stress run), then calls each component's exit()
 * in reverse order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/stringify.h>
#include <generated/utsrelease.h>

#include <gosync/gosync.h>

#include "internal.h"

static struct dentry *gosync_root;

u32 gosync_version(void)
{
	return GOSYNC_VERSION_CODE;
}
EXPORT_SYMBOL_GOSYNC(gosync_version);

static int gosync_version_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "gosync %u.%u.%u built for %s\n", GOSYNC_VERSION_MAJOR,
		   GOSYNC_VERSION_MINOR, GOSYNC_VERSION_PATCH, UTS_RELEASE);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gosync_version);

static void gosync_components_exit(const struct gosync_component *const *end)
{
	const struct gosync_component *const *p = end;

	while (p > __gosync_components_start) {
		p--;
		if ((*p)->exit)
			(*p)->exit();
	}
}

static int __init gosync_init(void)
{
	const struct gosync_component *const *p;
	int ret;

	/* Without debugfs the library still works; components get an ERR_PTR. */
	gosync_root = debugfs_create_dir("gosync", NULL);
	debugfs_create_file("version", 0400, gosync_root, NULL,
			    &gosync_version_fops);

	for (p = __gosync_components_start; p < __gosync_components_end; p++) {
		const struct gosync_component *c = *p;

		ret = c->init(c->no_debugfs ? ERR_PTR(-ENOENT) :
			      debugfs_create_dir(c->name, gosync_root));
		if (ret) {
			pr_err("%s: init failed: %d\n", c->name, ret);
			debugfs_remove_recursive(gosync_root);
			gosync_components_exit(p);
			return ret;
		}
	}
	pr_info("version %u.%u.%u loaded, %td components\n",
		GOSYNC_VERSION_MAJOR, GOSYNC_VERSION_MINOR, GOSYNC_VERSION_PATCH,
		__gosync_components_end - __gosync_components_start);
	return 0;
}

static void __exit gosync_exit(void)
{
	debugfs_remove_recursive(gosync_root);
	gosync_components_exit(__gosync_components_end);
	pr_info("unloaded\n");
}

module_init(gosync_init);
module_exit(gosync_exit);

MODULE_DESCRIPTION("gosync: Go's concurrency patterns for kernel code");
MODULE_AUTHOR("The gosync authors");
MODULE_LICENSE("GPL");
/* "major.minor.patch" from gosync.h, as dkms.conf's PACKAGE_VERSION */
MODULE_VERSION(__stringify(GOSYNC_VERSION_MAJOR) "."
	       __stringify(GOSYNC_VERSION_MINOR) "."
	       __stringify(GOSYNC_VERSION_PATCH));
