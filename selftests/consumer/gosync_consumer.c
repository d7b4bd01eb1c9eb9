// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_consumer: a module that uses gosync.ko the way any outside module
 * does: it includes <gosync/gosync.h>, imports the GOSYNC namespace and
 * calls exported symbols. The tests load it to prove the exports resolve,
 * that it cannot load without gosync.ko, and that gosync.ko stays pinned
 * while it is loaded.
 *
 * /sys/kernel/debug/gosync_consumer/status reports what it observed.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include <gosync/gosync.h>

static struct dentry *consumer_dir;
static u32 consumer_seen_version;

static int consumer_status_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "gosync %u.%u.%u ok\n", consumer_seen_version >> 16,
		   (consumer_seen_version >> 8) & 0xff,
		   consumer_seen_version & 0xff);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(consumer_status);

static int __init consumer_init(void)
{
	int ret = gosync_check_version();

	if (ret) {
		pr_err("gosync_consumer: gosync.ko %#x is not compatible with %#x\n",
		       gosync_version(), GOSYNC_VERSION_CODE);
		return ret;
	}
	consumer_seen_version = gosync_version();
	consumer_dir = debugfs_create_dir("gosync_consumer", NULL);
	debugfs_create_file("status", 0400, consumer_dir, NULL,
			    &consumer_status_fops);
	return 0;
}

static void __exit consumer_exit(void)
{
	debugfs_remove_recursive(consumer_dir);
}

module_init(consumer_init);
module_exit(consumer_exit);

GOSYNC_IMPORT_NS();
MODULE_DESCRIPTION("gosync test consumer: uses gosync.ko like an outside module");
MODULE_LICENSE("GPL");
