// SPDX-License-Identifier: GPL-2.0
/*
 * gosync.ko: module init and exit, and its debugfs root,
 * /sys/kernel/debug/gosync/: the version, and the named objects
 * (kmod/face.c). The library works without debugfs.
 *
 * The test modules (gosync_test.ko, gosync_kunit.ko) and every user
 * depend on gosync.ko, so they are unloaded first and every object they
 * made is gone when exit runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/stringify.h>
#include <generated/utsrelease.h>

#include <gosync/gosync.h>

#include "internal.h"

static struct dentry *gosync_root;

static int gosync_version_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "gosync %u.%u.%u built for %s\n", GOSYNC_VERSION_MAJOR,
		   GOSYNC_VERSION_MINOR, GOSYNC_VERSION_PATCH, UTS_RELEASE);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gosync_version);

static int __init gosync_init(void)
{
	int ret = __gosync_core_init();

	if (ret)
		return ret;
	gosync_root = debugfs_create_dir("gosync", NULL);
	debugfs_create_file("version", 0400, gosync_root, NULL,
			    &gosync_version_fops);
	__gosync_face_init(gosync_root);
	pr_info("version %u.%u.%u loaded\n", GOSYNC_VERSION_MAJOR,
		GOSYNC_VERSION_MINOR, GOSYNC_VERSION_PATCH);
	return 0;
}

static void __exit gosync_exit(void)
{
	__gosync_face_exit();
	debugfs_remove_recursive(gosync_root);
	__gosync_core_exit();
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
