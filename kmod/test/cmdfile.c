// SPDX-License-Identifier: GPL-2.0
/*
 * Command files; see cmdfile.h for the contract.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "cmdfile.h"
#include "parse.h"

static ssize_t gosync_cmd_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct gosync_cmd_file *f = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	if (f->show && !*ppos) {
		struct seq_buf out;

		seq_buf_init(&out, f->out_buf, sizeof(f->out_buf));
		f->show(&out);
		f->out_len = seq_buf_used(&out);
	}
	ret = simple_read_from_buffer(ubuf, count, ppos, f->out_buf, f->out_len);
	mutex_unlock(&f->lock);
	return ret;
}

static ssize_t gosync_cmd_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct gosync_cmd_file *f = file->private_data;
	struct seq_buf out;
	char *buf;
	int ret;

	if (!f->exec)
		return -EINVAL;		/* read-only, as a file with no .write */
	if (*ppos) {
		gosync_report(NULL, f->who, "%s: write the whole command in one write",
			      f->name);
		return -EINVAL;
	}
	if (count > GOSYNC_CMD_MAX_LEN) {
		gosync_report(NULL, f->who, "%s: command of %zu bytes exceeds %d",
			      f->name, count, GOSYNC_CMD_MAX_LEN);
		return -E2BIG;
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	if (mutex_lock_interruptible(&f->lock)) {
		kfree(buf);
		return -EINTR;
	}
	seq_buf_init(&out, f->out_buf, sizeof(f->out_buf));
	ret = gosync_parse_line(buf, count, &out, f->who);
	if (!ret)
		ret = f->exec(f, buf, &out);
	f->out_len = seq_buf_used(&out);
	mutex_unlock(&f->lock);
	kfree(buf);
	return ret < 0 ? ret : count;
}

static const struct file_operations gosync_cmd_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = gosync_cmd_read,
	.write = gosync_cmd_write,
	.llseek = default_llseek,
};

/**
 * gosync_cmd_file_create() - create a command file
 * @dir: the component's debugfs directory (may be an ERR_PTR)
 * @f: a static command file with @name, @who and @exec (or @show) set
 *
 * Nothing to free: debugfs removal at module exit drains running commands
 * before the component's exit() runs.
 *
 * Context: process context, may sleep.
 */
void gosync_cmd_file_create(struct dentry *dir, struct gosync_cmd_file *f)
{
	mutex_init(&f->lock);
	f->out_len = 0;
	debugfs_create_file(f->name, f->exec ? 0600 : 0400, dir, f,
			    &gosync_cmd_fops);
}
