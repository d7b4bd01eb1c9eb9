/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzzer of breaker/cmd (tools/native/fuzz/breaker_cmd.c) needs
 * of kmod/test/breaker.c, where the grammar is documented.
 */
#ifndef _GOSYNC_TEST_BREAKER_H
#define _GOSYNC_TEST_BREAKER_H

#include <linux/types.h>

struct seq_buf;

#define GOSYNC_BREAKER_CMD_BREAKERS	8	/* test breakers at once */
#define GOSYNC_BREAKER_CMD_NAME_MAX	15	/* a name, without its NUL */
#define GOSYNC_BREAKER_CMD_TICKETS	1024	/* tickets kept for "done" */
#define GOSYNC_BREAKER_CMD_EVENTS	256	/* events kept, the newest */

int gb_cmd_exec(char *line, struct seq_buf *out,
		const char *who);
void gb_cmd_exit(void);

#endif /* _GOSYNC_TEST_BREAKER_H */
