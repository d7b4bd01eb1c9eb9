/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_breaker's debugfs face: the command interpreter of breaker/cmd
 * (kmod/test/breaker_cmd.c, which builds in userspace too, so the fuzzer runs
 * it), used by kmod/test/breaker_debugfs.c, which creates the file. The
 * grammar is at the top of kmod/test/breaker_debugfs.c.
 */
#ifndef _GOSYNC_KMOD_BREAKER_CMD_H
#define _GOSYNC_KMOD_BREAKER_CMD_H

#include <linux/types.h>

struct seq_buf;

/* At most this many test breakers at once. */
#define GOSYNC_BREAKER_CMD_BREAKERS	8
/* A test breaker's name, without its NUL. */
#define GOSYNC_BREAKER_CMD_NAME_MAX	15
/* Tickets of admitted calls a test breaker keeps for later "done". */
#define GOSYNC_BREAKER_CMD_TICKETS	1024
/* State changes a test breaker's notifier keeps (the newest). */
#define GOSYNC_BREAKER_CMD_EVENTS	256
/* Most allow+done pairs of one kind one "feed" makes. */
#define GOSYNC_BREAKER_CMD_FEED_MAX	1000000
/* Where a fake clock starts, in ns. */
#define GOSYNC_BREAKER_CMD_CLOCK0	(1000ULL * 1000000000ULL)

int __gosync_breaker_cmd_init(void);
void __gosync_breaker_cmd_exit(void);
int __gosync_breaker_cmd_exec(char *line, struct seq_buf *out,
			      const char *who);

#endif /* _GOSYNC_KMOD_BREAKER_CMD_H */
