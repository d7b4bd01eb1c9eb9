// SPDX-License-Identifier: GPL-2.0
/*
 * The argument parser of /sys/kernel/debug/gosync_test/phaser/run: the grammar
 * is at the top of kmod/test/phaser_debugfs.c, which creates the file and does
 * the run.
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

#include "parse.h"
#include "phaser_run.h"

const char *const phr_mode_names[PHR_NR_MODES] = {
	[PHR_PLAIN] = "plain",
	[PHR_DELAY] = "delay",
	[PHR_DEREGISTER] = "deregister",
	[PHR_INTERRUPT] = "interrupt",
	[PHR_TIMEOUT] = "timeout",
	[PHR_TERMINATE] = "terminate",
};

const char *const phr_inject_names[PHR_NR_INJECT] = {
	[PHR_INJ_NONE] = "none",
	[PHR_INJ_EARLY] = "early",
	[PHR_INJ_ENTRY] = "entry",
	[PHR_INJ_DOUBLE] = "double",
	[PHR_INJ_PHASE] = "phase",
	[PHR_INJ_PARTIES] = "parties",
	[PHR_INJ_TERMINATED] = "terminated",
};

/**
 * __gosync_phaser_run_parse() - parse and check the arguments of phaser/run
 * @line: the command line, checked by gosync_parse_line(); modified
 * @a: filled with the arguments, the defaults for those not given
 * @out: where to explain a rejection
 * @who: prefix of messages about rejected commands
 *
 * The grammar is at the top of kmod/test/phaser_debugfs.c. Defaults: tier=0,
 * seed=1, mode plain, nothing injected.
 *
 * Context: any context.
 * Return: 0, or a negative errno: the parser's (see parse.h), -EINVAL for
 * an unknown mode or injection, -ERANGE for tier above threads.
 */
int __gosync_phaser_run_parse(char *line, struct phr_args *a,
			      struct seq_buf *out, const char *who)
{
	const struct gosync_param p[] = {
		GOSYNC_PARAM_U32("threads", &a->threads, PHR_THREADS_MIN,
				 PHR_THREADS_MAX, true),
		GOSYNC_PARAM_U32("rounds", &a->rounds, 1, PHR_ROUNDS_MAX, true),
		GOSYNC_PARAM_U32("tier", &a->tier, 0, PHR_THREADS_MAX, false),
		GOSYNC_PARAM_U64("seed", &a->seed, 0, U64_MAX, false),
		GOSYNC_PARAM_STR("mode", a->mode_name, false),
		GOSYNC_PARAM_STR("inject", a->inject_name, false),
	};
	int ret, i;

	*a = (struct phr_args){ .seed = 1 };
	ret = gosync_parse_params(line, p, ARRAY_SIZE(p), out, who);
	if (ret)
		return ret;
	if (a->mode_name[0]) {
		i = match_string(phr_mode_names, PHR_NR_MODES, a->mode_name);
		if (i < 0) {
			gosync_report(out, who, "run: unknown mode '%s'",
				      a->mode_name);
			return -EINVAL;
		}
		a->mode = i;
	}
	if (a->inject_name[0]) {
		i = match_string(phr_inject_names, PHR_NR_INJECT, a->inject_name);
		if (i < 0) {
			gosync_report(out, who, "run: unknown inject '%s'",
				      a->inject_name);
			return -EINVAL;
		}
		a->inject = i;
	}
	if (a->tier > a->threads) {
		gosync_report(out, who, "run: tier=%u is more children than threads=%u",
			      a->tier, a->threads);
		return -ERANGE;
	}
	return 0;
}
