// SPDX-License-Identifier: GPL-2.0
/*
 * The argument parser of /sys/kernel/debug/gosync_test/breaker/stress: the
 * grammar is at the top of kmod/test/breaker_stress_debugfs.c, which creates
 * the file and runs the stress.
 *
 * This file has no debugfs, seq_file, kthread or command-file dependency,
 * so the userspace build (tools/native) compiles it unchanged and fuzzes
 * it with the inputs a write(2) to that file would carry.
 */
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/seq_buf.h>
#include <linux/string.h>

#include <gosync/breaker.h>

#include "breaker_stress.h"
#include "parse.h"

const char *const brkst_policy_names[BRKST_NR_POLICIES] = {
	[BRKST_CONSECUTIVE] = "consecutive",
	[BRKST_RATE] = "rate",
	[BRKST_SLOW] = "slow",
};

const char *const brkst_inject_names[BRKST_NR_INJECT] = {
	[BRKST_INJ_NONE] = "none",
	[BRKST_INJ_ADMIT_OPEN] = "admit-open",
	[BRKST_INJ_PROBES] = "probes",
	[BRKST_INJ_DELAY] = "delay",
	[BRKST_INJ_REJECTED] = "rejected",
	[BRKST_INJ_TRANSITION] = "transition",
};

static_assert(BRKST_PROBES_MAX <= GOSYNC_BREAKER_PROBES_MAX,
	      "probes= and successes= must be valid breaker options");
static_assert(BRKST_OPEN_MS_MAX * BRKST_BACKOFF_FACTOR <= GOSYNC_BREAKER_OPEN_MS_MAX,
	      "the longest backoff must be a valid open_max_ms");

/* Index of @name in @names[0 .. @nr), or -1. */

/**
 * __gosync_breaker_stress_parse() - parse and check the arguments of
 *	breaker/stress
 * @line: the command line, checked by gosync_parse_line(); modified
 * @a: filled with the arguments, the defaults for those not given
 * @out: where to explain a rejection
 * @who: prefix of messages about rejected commands
 *
 * The grammar is at the top of kmod/test/breaker_stress_debugfs.c. Defaults:
 * every online CPU, 1000 ms, policy consecutive (5 failures in a row),
 * rate 50% over at least 20 calls for the rate policies, a 20 ms open
 * delay without backoff, 2 probes and as many successes, phases of 100 ms,
 * 90% failures in a failing phase, 2% ignored results, no hardirq callers
 * (an hrtimer every 200 us with irq=1), no notify timer, nothing injected.
 *
 * Context: any context.
 * Return: 0, or a negative errno: the parser's (see parse.h), -EINVAL for
 * an unknown policy or injection or a key the policy does not take,
 * -ERANGE for fail_pct + ignore_pct above 100.
 */
int __gosync_breaker_stress_parse(char *line, struct brkst_args *a,
				  struct seq_buf *out, const char *who)
{
	const struct gosync_param p[] = {
		GOSYNC_PARAM_U32("threads", &a->threads, 1, num_online_cpus(), false),
		GOSYNC_PARAM_U32("duration_ms", &a->duration_ms, 1, BRKST_MAX_MS, false),
		GOSYNC_PARAM_STR("policy", a->policy_name, false),
		GOSYNC_PARAM_U32("open_ms", &a->open_ms, 1, BRKST_OPEN_MS_MAX, false),
		GOSYNC_PARAM_U32("backoff", &a->backoff, 0, 1, false),
		GOSYNC_PARAM_U32("probes", &a->probes, 1, BRKST_PROBES_MAX, false),
		GOSYNC_PARAM_U32("successes", &a->successes, 1, BRKST_PROBES_MAX, false),
		GOSYNC_PARAM_U32("consecutive", &a->consecutive, 1,
				 GOSYNC_BREAKER_CONSECUTIVE_MAX, false),
		GOSYNC_PARAM_U32("rate", &a->rate, 1, 100, false),
		GOSYNC_PARAM_U32("min_calls", &a->min_calls, 1, BRKST_MIN_CALLS_MAX, false),
		GOSYNC_PARAM_U32("phase_ms", &a->phase_ms, BRKST_PHASE_MS_MIN,
				 BRKST_PHASE_MS_MAX, false),
		GOSYNC_PARAM_U32("fail_pct", &a->fail_pct, 0, 100, false),
		GOSYNC_PARAM_U32("ignore_pct", &a->ignore_pct, 0, 100, false),
		GOSYNC_PARAM_U32("irq", &a->irq, 0, 1, false),
		GOSYNC_PARAM_U32("timer_us", &a->timer_us, BRKST_TIMER_US_MIN,
				 BRKST_TIMER_US_MAX, false),
		GOSYNC_PARAM_U32("notify_timer", &a->notify_timer, 0, 1, false),
		GOSYNC_PARAM_STR("inject", a->inject_name, false),
	};
	int ret, i;

	/* Zero: not given (the keys that may be given as 0 have default 0). */
	*a = (struct brkst_args){
		.threads = num_online_cpus(),
		.duration_ms = 1000,
		.open_ms = 20,
		.phase_ms = 100,
		.fail_pct = 90,
		.ignore_pct = 2,
		.timer_us = 200,
	};
	ret = gosync_parse_params(line, p, ARRAY_SIZE(p), out, who);
	if (ret)
		return ret;
	if (a->policy_name[0]) {
		i = match_string(brkst_policy_names, BRKST_NR_POLICIES,
				 a->policy_name);
		if (i < 0) {
			gosync_report(out, who,
				      "stress: unknown policy '%s' (consecutive|rate|slow)",
				      a->policy_name);
			return -EINVAL;
		}
		a->policy = i;
	}
	if (a->inject_name[0]) {
		i = match_string(brkst_inject_names, BRKST_NR_INJECT,
				 a->inject_name);
		if (i < 0) {
			gosync_report(out, who, "stress: unknown inject '%s'",
				      a->inject_name);
			return -EINVAL;
		}
		a->inject = i;
	}
	if (a->policy == BRKST_CONSECUTIVE && (a->rate || a->min_calls)) {
		gosync_report(out, who, "stress: rate and min_calls are for policy=rate|slow");
		return -EINVAL;
	}
	if (a->policy != BRKST_CONSECUTIVE && a->consecutive) {
		gosync_report(out, who, "stress: consecutive is for policy=consecutive");
		return -EINVAL;
	}
	if (a->fail_pct + a->ignore_pct > 100) {
		gosync_report(out, who, "stress: fail_pct %u + ignore_pct %u > 100",
			      a->fail_pct, a->ignore_pct);
		return -ERANGE;
	}
	a->probes = a->probes ?: 2;
	a->successes = a->successes ?: a->probes;
	a->consecutive = a->consecutive ?: 5;
	a->rate = a->rate ?: 50;
	a->min_calls = a->min_calls ?: 20;
	return 0;
}
