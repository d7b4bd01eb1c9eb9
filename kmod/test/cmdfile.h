/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command files: the debugfs idiom every gosync component uses to let
 * userspace drive it.
 *
 * A command file is a root-only (0600) debugfs file. A write(2) carries one
 * command line (grammar in parse.h); the file checks the bytes, runs the
 * component's exec() under the file's mutex, and returns the written count
 * on success or exec()'s negative errno. A read returns what the last
 * command printed (its result, or "error: <why>" after a rejection).
 *
 * A file with show() and no exec() is read-only (0400) instead: each read
 * from offset 0 prints show()'s text anew (a stats file).
 *
 * Commands on one file are serialized; a reader may see the output of a
 * command another process ran. Long commands (a benchmark, a stress run)
 * run in the writer's context and keep the module pinned while the file
 * is open, so the module cannot unload under them.
 */
#ifndef _GOSYNC_CMDFILE_H
#define _GOSYNC_CMDFILE_H

#include <linux/mutex.h>
#include <linux/types.h>

struct dentry;
struct seq_buf;

#define GOSYNC_CMD_MAX_LEN	512
#define GOSYNC_CMD_OUT_SIZE	4096

/**
 * struct gosync_cmd_file - a debugfs file that runs one-line commands
 * @name: file name in the component's directory
 * @who: prefix of messages about rejected commands; NULL: the name of
 *	its component (test.h)
 * @exec: runs one checked command line (writable, NUL terminated, without
 *	its newline) and prints its result to @out; returns 0 or a negative
 *	errno; may sleep; called with @lock held
 * @show: prints the text of a read-only file; may sleep; called with
 *	@lock held
 * @lock: serializes commands and guards @out_buf
 * @out_len: bytes of @out_buf a read returns
 * @out_buf: output of the last command
 */
struct gosync_cmd_file {
	const char *name;
	const char *who;
	int (*exec)(struct gosync_cmd_file *f, char *line, struct seq_buf *out);
	void (*show)(struct seq_buf *out);
	struct mutex lock;	/* serializes commands, guards out_buf */
	size_t out_len;
	char out_buf[GOSYNC_CMD_OUT_SIZE];
};

void gosync_cmd_file_create(struct dentry *dir, struct gosync_cmd_file *f);

#endif /* _GOSYNC_CMDFILE_H */
