/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_phaser's run, /sys/kernel/debug/gosync_test/phaser/run, created by
 * kmod/test/phaser_debugfs.c. The argument parser is in kmod/test/phaser_run_cmd.c,
 * which builds in userspace too, so the fuzzer runs it. The grammar is at
 * the top of kmod/test/phaser_debugfs.c.
 */
#ifndef _GOSYNC_KMOD_PHASER_RUN_H
#define _GOSYNC_KMOD_PHASER_RUN_H

#include <linux/types.h>

struct seq_buf;

/* Bounds of the arguments; tier= is at most threads=, too. */
#define PHR_THREADS_MIN		2
#define PHR_THREADS_MAX		64
#define PHR_ROUNDS_MAX		1000000

/**
 * enum phr_mode - what a run does besides its rounds
 * @PHR_PLAIN: nothing
 * @PHR_DELAY: random delays before arriving
 * @PHR_DEREGISTER: threads leave, and re-register, at random
 * @PHR_INTERRUPT: a signalled victim per round
 * @PHR_TIMEOUT: a timed-out victim per round
 * @PHR_TERMINATE: force_termination() at a random point
 * @PHR_NR_MODES: number of modes
 */
enum phr_mode {
	PHR_PLAIN,
	PHR_DELAY,
	PHR_DEREGISTER,
	PHR_INTERRUPT,
	PHR_TIMEOUT,
	PHR_TERMINATE,
	PHR_NR_MODES,
};

/**
 * enum phr_inject - a violation planted once, to prove a check fires
 * @PHR_INJ_NONE: none
 * @PHR_INJ_EARLY: a released thread reads a peer's entry one round behind
 * @PHR_INJ_ENTRY: on_advance reads a wrong entry
 * @PHR_INJ_DOUBLE: on_advance counts a phase twice
 * @PHR_INJ_PHASE: a thread is given a phase one too far
 * @PHR_INJ_PARTIES: on_advance expects one party more
 * @PHR_INJ_TERMINATED: the final check expects the other state
 * @PHR_NR_INJECT: number of injections
 */
enum phr_inject {
	PHR_INJ_NONE,
	PHR_INJ_EARLY,
	PHR_INJ_ENTRY,
	PHR_INJ_DOUBLE,
	PHR_INJ_PHASE,
	PHR_INJ_PARTIES,
	PHR_INJ_TERMINATED,
	PHR_NR_INJECT,
};

/**
 * struct phr_args - the arguments of a phaser/run command
 * @threads: threads=
 * @rounds: rounds=
 * @tier: tier=, child phasers (0: flat)
 * @seed: seed=
 * @mode_name: mode= as written
 * @mode: @mode_name parsed
 * @inject_name: inject= as written
 * @inject: @inject_name parsed
 */
struct phr_args {
	u32 threads;
	u32 rounds;
	u32 tier;
	u64 seed;
	char mode_name[16];
	enum phr_mode mode;
	char inject_name[16];
	enum phr_inject inject;
};

extern const char *const phr_mode_names[PHR_NR_MODES];
extern const char *const phr_inject_names[PHR_NR_INJECT];

int __gosync_phaser_run_parse(char *line, struct phr_args *a,
			      struct seq_buf *out, const char *who);

#endif /* _GOSYNC_KMOD_PHASER_RUN_H */
