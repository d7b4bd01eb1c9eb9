/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_breaker's stress run, /sys/kernel/debug/gosync_test/breaker/stress
 * (kmod/test/breaker_stress_debugfs.c), created by the breaker's debugfs
 * component (kmod/test/breaker_debugfs.c). The argument parser is in
 * kmod/test/breaker_stress_cmd.c, which builds in userspace too, so the fuzzer
 * runs it. The grammar is at the top of kmod/test/breaker_stress_debugfs.c.
 */
#ifndef _GOSYNC_KMOD_BREAKER_STRESS_H
#define _GOSYNC_KMOD_BREAKER_STRESS_H

#include <linux/types.h>

struct dentry;
struct seq_buf;

int brkst_debugfs_init(struct dentry *dir);
void brkst_debugfs_exit(void);

/**
 * enum brkst_policy - what trips the breaker of a stress run
 * @BRKST_CONSECUTIVE: consecutive failures
 * @BRKST_RATE: the failure rate over a rolling window
 * @BRKST_SLOW: the slow-call rate over a rolling window
 * @BRKST_NR_POLICIES: number of policies
 */
enum brkst_policy {
	BRKST_CONSECUTIVE,
	BRKST_RATE,
	BRKST_SLOW,
	BRKST_NR_POLICIES,
};

/**
 * enum brkst_inject - a violation planted after the run, to prove a check
 * @BRKST_INJ_NONE: none
 * @BRKST_INJ_ADMIT_OPEN: a call admitted in an OPEN generation
 * @BRKST_INJ_PROBES: one probe too many in a HALF_OPEN generation
 * @BRKST_INJ_DELAY: a HALF_OPEN 1 ns before its open delay is over
 * @BRKST_INJ_REJECTED: one rejection the breaker did not count
 * @BRKST_INJ_TRANSITION: an illegal transition (OPEN to CLOSED)
 * @BRKST_NR_INJECT: number of injections
 */
enum brkst_inject {
	BRKST_INJ_NONE,
	BRKST_INJ_ADMIT_OPEN,
	BRKST_INJ_PROBES,
	BRKST_INJ_DELAY,
	BRKST_INJ_REJECTED,
	BRKST_INJ_TRANSITION,
	BRKST_NR_INJECT,
};

/* Bounds of the arguments. */
#define BRKST_MAX_MS		10000	/* duration_ms */
#define BRKST_OPEN_MS_MAX	1000	/* open_ms; backoff goes up to 4x */
#define BRKST_BACKOFF_FACTOR	4
#define BRKST_PROBES_MAX	64	/* probes, successes */
#define BRKST_PHASE_MS_MIN	10
#define BRKST_PHASE_MS_MAX	10000
#define BRKST_TIMER_US_MIN	20
#define BRKST_TIMER_US_MAX	100000
#define BRKST_MIN_CALLS_MAX	100000
/* The slow policy: a slow call reports twice this. */
#define BRKST_SLOW_US		5000

/**
 * struct brkst_args - the arguments of a breaker/stress command
 * @threads: threads=, callers, one per CPU (default: every online CPU)
 * @duration_ms: duration_ms=
 * @policy: policy= (consecutive if absent)
 * @open_ms: open_ms=, the open delay
 * @backoff: backoff=, double the delay on each re-trip, up to
 *	BRKST_BACKOFF_FACTOR * @open_ms
 * @probes: probes=, most probes at once in HALF_OPEN
 * @successes: successes=, probe successes that close (0 given: @probes)
 * @consecutive: consecutive=, failures in a row that trip (consecutive
 *	policy only)
 * @rate: rate=, the failure or slow-call percentage that trips (rate and
 *	slow policies only)
 * @min_calls: min_calls=, calls in the window before a rate applies (rate
 *	and slow policies only)
 * @phase_ms: phase_ms=, how long the control thread keeps each phase
 * @fail_pct: fail_pct=, percentage of failing (or slow) calls in a failing
 *	phase; healthy phases have none
 * @ignore_pct: ignore_pct=, percentage of calls that end with an ignored
 *	errno (-ECANCELED), in every phase
 * @irq: irq=, add an hrtimer per thread's CPU calling in hardirq context
 * @timer_us: timer_us=, the period of those timers
 * @notify_timer: notify_timer=, create the breaker with
 *	GOSYNC_BREAKER_NOTIFY_TIMER
 * @inject: inject= (none if absent)
 */
struct brkst_args {
	u32 threads;
	u32 duration_ms;
	u32 policy;
	u32 open_ms;
	u32 backoff;
	u32 probes;
	u32 successes;
	u32 consecutive;
	u32 rate;
	u32 min_calls;
	u32 phase_ms;
	u32 fail_pct;
	u32 ignore_pct;
	u32 irq;
	u32 timer_us;
	u32 notify_timer;
	u32 inject;
};

extern const char *const brkst_policy_names[BRKST_NR_POLICIES];
extern const char *const brkst_inject_names[BRKST_NR_INJECT];

#endif /* _GOSYNC_KMOD_BREAKER_STRESS_H */
