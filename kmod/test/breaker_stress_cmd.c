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
#include "test.h"

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

/* Keys the policy does not take, defaults that depend on others. */
static int brkst_args_check(void *args, struct seq_buf *out, const char *who)
{
	struct brkst_args *a = args;

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
	a->threads = a->threads ?: num_online_cpus();
	a->probes = a->probes ?: 2;
	a->successes = a->successes ?: a->probes;
	a->consecutive = a->consecutive ?: 5;
	a->rate = a->rate ?: 50;
	a->min_calls = a->min_calls ?: 20;
	return 0;
}

/*
 * Zero: not given (the keys that may be given as 0 have default 0). The
 * rest of the defaults, in brkst_args_check(): every online CPU, policy
 * consecutive (5 failures in a row), rate 50% over at least 20 calls for
 * the rate policies, 2 probes and as many successes.
 */
static const struct brkst_args brkst_defaults = {
	.duration_ms = 1000,
	.open_ms = 20,
	.phase_ms = 100,
	.fail_pct = 90,
	.ignore_pct = 2,
	.timer_us = 200,
};

#define BRKST_U32(k, lo, hi)	GOSYNC_ARG_U32(#k, struct brkst_args, k, lo, hi, false)

static const struct gosync_param brkst_params[] = {
	GOSYNC_ARG_CPUS("threads", struct brkst_args, threads),
	BRKST_U32(duration_ms, 1, BRKST_MAX_MS),
	GOSYNC_ARG_ENUM("policy", struct brkst_args, policy, brkst_policy_names,
			BRKST_NR_POLICIES),
	BRKST_U32(open_ms, 1, BRKST_OPEN_MS_MAX),
	BRKST_U32(backoff, 0, 1),
	BRKST_U32(probes, 1, BRKST_PROBES_MAX),
	BRKST_U32(successes, 1, BRKST_PROBES_MAX),
	BRKST_U32(consecutive, 1, GOSYNC_BREAKER_CONSECUTIVE_MAX),
	BRKST_U32(rate, 1, 100),
	BRKST_U32(min_calls, 1, BRKST_MIN_CALLS_MAX),
	BRKST_U32(phase_ms, BRKST_PHASE_MS_MIN, BRKST_PHASE_MS_MAX),
	BRKST_U32(fail_pct, 0, 100),
	BRKST_U32(ignore_pct, 0, 100),
	BRKST_U32(irq, 0, 1),
	BRKST_U32(timer_us, BRKST_TIMER_US_MIN, BRKST_TIMER_US_MAX),
	BRKST_U32(notify_timer, 0, 1),
	GOSYNC_ARG_ENUM("inject", struct brkst_args, inject, brkst_inject_names,
			BRKST_NR_INJECT),
};

/*
 * The arguments of breaker/stress (grammar at the top of
 * kmod/test/breaker_stress_debugfs.c); the fuzzers run them too.
 */
const struct gosync_args gosync_breaker_stress_args = {
	.params = brkst_params,
	.nr = ARRAY_SIZE(brkst_params),
	.size = sizeof(struct brkst_args),
	.defaults = &brkst_defaults,
	.check = brkst_args_check,
};
