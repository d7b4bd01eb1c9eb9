// SPDX-License-Identifier: GPL-2.0
/*
 * The argument parser of /sys/kernel/debug/gosync_test/barrier/run: the grammar
 * is at the top of kmod/test/barrier_debugfs.c, which creates the file and
 * does the run.
 *
 * This file has no debugfs, seq_file, kthread or command-file dependency,
 * so the userspace build (tools/native) compiles it unchanged and fuzzes
 * it with the inputs a write(2) to that file would carry.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/seq_buf.h>
#include <linux/string.h>

#include "barrier_run.h"
#include "parse.h"

const char *const barst_mode_names[BARST_NR_MODES] = {
	[BARST_PLAIN] = "plain",
	[BARST_DELAY] = "delay",
	[BARST_INTERRUPT] = "interrupt",
	[BARST_TIMEOUT] = "timeout",
	[BARST_RESET] = "reset",
};

const char *const barst_inject_names[BARST_NR_INJECT] = {
	[BARST_INJ_NONE] = "none",
	[BARST_INJ_EARLY] = "early",
	[BARST_INJ_ACTION] = "action",
	[BARST_INJ_SERIAL] = "serial",
	[BARST_INJ_INDEX] = "index",
	[BARST_INJ_ROUND] = "round",
};

/**
 * __gosync_barrier_run_parse() - parse and check the arguments of barrier/run
 * @line: the command line, checked by gosync_parse_line(); modified
 * @a: filled with the arguments, the defaults for those not given
 * @out: where to explain a rejection
 * @who: prefix of messages about rejected commands
 *
 * The grammar is at the top of kmod/test/barrier_debugfs.c. Defaults: mode
 * plain, action=1, seed=1, nothing injected.
 *
 * Context: any context.
 * Return: 0, or a negative errno: the parser's (see parse.h), -EINVAL for
 * an unknown mode or injection.
 */
int __gosync_barrier_run_parse(char *line, struct barst_args *a,
			       struct seq_buf *out, const char *who)
{
	const struct gosync_param p[] = {
		GOSYNC_PARAM_U32("threads", &a->threads, 2, BARST_THREADS_MAX, true),
		GOSYNC_PARAM_U32("rounds", &a->rounds, 1, BARST_ROUNDS_MAX, true),
		GOSYNC_PARAM_STR("mode", a->mode_name, false),
		GOSYNC_PARAM_U32("action", &a->action, 0, 1, false),
		GOSYNC_PARAM_U32("seed", &a->seed, 0, U32_MAX, false),
		GOSYNC_PARAM_STR("inject", a->inject_name, false),
	};
	int ret, i;

	*a = (struct barst_args){ .action = 1, .seed = 1 };
	ret = gosync_parse_params(line, p, ARRAY_SIZE(p), out, who);
	if (ret)
		return ret;
	if (a->mode_name[0]) {
		i = match_string(barst_mode_names, BARST_NR_MODES, a->mode_name);
		if (i < 0) {
			gosync_report(out, who,
				      "run: unknown mode '%s' (plain|delay|interrupt|timeout|reset)",
				      a->mode_name);
			return -EINVAL;
		}
		a->mode = i;
	}
	if (a->inject_name[0]) {
		i = match_string(barst_inject_names, BARST_NR_INJECT,
				 a->inject_name);
		if (i < 0) {
			gosync_report(out, who, "run: unknown inject '%s'",
				      a->inject_name);
			return -EINVAL;
		}
		a->inject = i;
	}
	return 0;
}
