/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_barrier's run, /sys/kernel/debug/gosync_test/barrier/run, created by
 * kmod/test/barrier_debugfs.c. The argument parser is in kmod/test/barrier_run_cmd.c,
 * which builds in userspace too, so the fuzzer runs it. The grammar is at
 * the top of kmod/test/barrier_debugfs.c.
 */
#ifndef _GOSYNC_KMOD_BARRIER_RUN_H
#define _GOSYNC_KMOD_BARRIER_RUN_H

#include <linux/types.h>

struct seq_buf;

/* Bounds of the arguments. */
#define BARST_THREADS_MAX	64	/* the index masks are 64 bits */
#define BARST_ROUNDS_MAX	1000000

/**
 * enum barst_mode - how the threads of a run arrive
 * @BARST_PLAIN: gosync_barrier_wait() at once
 * @BARST_DELAY: random delays and wait flavours
 * @BARST_INTERRUPT: now and then a victim is interrupted by a signal
 * @BARST_TIMEOUT: now and then a victim's wait times out
 * @BARST_RESET: a controller resets the barrier now and then
 * @BARST_NR_MODES: number of modes
 */
enum barst_mode {
	BARST_PLAIN,
	BARST_DELAY,
	BARST_INTERRUPT,
	BARST_TIMEOUT,
	BARST_RESET,
	BARST_NR_MODES,
};

/**
 * enum barst_inject - a violation planted after the run
 * @BARST_INJ_NONE: none
 * @BARST_INJ_EARLY: a thread released with the slots a round behind
 * @BARST_INJ_ACTION: the action run once more
 * @BARST_INJ_SERIAL: a serial waiter too many
 * @BARST_INJ_INDEX: an arrival index returned twice in a round
 * @BARST_INJ_ROUND: two threads failing different rounds in an epoch
 * @BARST_NR_INJECT: number of injections
 */
enum barst_inject {
	BARST_INJ_NONE,
	BARST_INJ_EARLY,
	BARST_INJ_ACTION,
	BARST_INJ_SERIAL,
	BARST_INJ_INDEX,
	BARST_INJ_ROUND,
	BARST_NR_INJECT,
};

/**
 * struct barst_args - the arguments of a barrier/run command
 * @threads: threads=, the parties
 * @rounds: rounds=, rounds each thread passes
 * @mode_name: mode= as written
 * @mode: @mode_name parsed (plain if absent)
 * @action: action=, give the barrier the checking action
 * @seed: seed=, of the random choices
 * @inject_name: inject= as written
 * @inject: @inject_name parsed (none if absent)
 */
struct barst_args {
	u32 threads;
	u32 rounds;
	char mode_name[16];
	enum barst_mode mode;
	u32 action;
	u32 seed;
	char inject_name[16];
	enum barst_inject inject;
};

extern const char *const barst_mode_names[BARST_NR_MODES];
extern const char *const barst_inject_names[BARST_NR_INJECT];

int __gosync_barrier_run_parse(char *line, struct barst_args *a,
			       struct seq_buf *out, const char *who);

#endif /* _GOSYNC_KMOD_BARRIER_RUN_H */
