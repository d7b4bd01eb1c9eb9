// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/breaker/stress, parsing only:
 * the input is one write(2), checked by gosync_parse_line() and parsed by
 * __gosync_breaker_stress_parse() (kmod/test/breaker_stress_cmd.c), exactly
 * what brkst_exec() does before it creates a breaker or starts a thread.
 * No stress run starts here.
 *
 * An accepted command must hold arguments a run can use: every bound of
 * the grammar (kmod/test/breaker_stress_debugfs.c), and options that
 * gosync_breaker_init() accepts.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include <gosync/breaker.h>

#include "fuzz.h"
#include "breaker_stress.h"

static const int breaker_stress_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG,
};

static struct brkst_args args;

static int breaker_stress_exec(char *line, struct seq_buf *out)
{
	/* Scribble first: the parser must set every field. */
	memset(&args, 0xa5, sizeof(args));
	return __gosync_breaker_stress_parse(line, &args, out, "breaker");
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	if (fuzz_write(data, size, breaker_stress_exec, "breaker",
		       breaker_stress_errnos, ARRAY_SIZE(breaker_stress_errnos),
		       true))
		return 0;

	FUZZ_CHECK(args.threads >= 1 && args.threads <= num_online_cpus());
	FUZZ_CHECK(args.duration_ms >= 1 && args.duration_ms <= BRKST_MAX_MS);
	FUZZ_CHECK(memchr(args.policy_name, '\0', sizeof(args.policy_name)));
	FUZZ_CHECK(args.policy < BRKST_NR_POLICIES);
	FUZZ_CHECK(args.policy == BRKST_CONSECUTIVE || args.policy_name[0]);
	FUZZ_CHECK(!args.policy_name[0] ||
		   !strcmp(args.policy_name, brkst_policy_names[args.policy]));
	FUZZ_CHECK(memchr(args.inject_name, '\0', sizeof(args.inject_name)));
	FUZZ_CHECK(args.inject < BRKST_NR_INJECT);
	FUZZ_CHECK(args.inject == BRKST_INJ_NONE || args.inject_name[0]);
	FUZZ_CHECK(!args.inject_name[0] ||
		   !strcmp(args.inject_name, brkst_inject_names[args.inject]));
	FUZZ_CHECK(args.open_ms >= 1 && args.open_ms <= BRKST_OPEN_MS_MAX);
	FUZZ_CHECK((u64)args.open_ms * BRKST_BACKOFF_FACTOR <=
		   GOSYNC_BREAKER_OPEN_MS_MAX);
	FUZZ_CHECK(args.backoff <= 1 && args.irq <= 1 && args.notify_timer <= 1);
	FUZZ_CHECK(args.probes >= 1 && args.probes <= BRKST_PROBES_MAX);
	FUZZ_CHECK(args.successes >= 1 && args.successes <= BRKST_PROBES_MAX);
	FUZZ_CHECK(args.consecutive >= 1 &&
		   args.consecutive <= GOSYNC_BREAKER_CONSECUTIVE_MAX);
	FUZZ_CHECK(args.rate >= 1 && args.rate <= 100);
	FUZZ_CHECK(args.min_calls >= 1 && args.min_calls <= BRKST_MIN_CALLS_MAX);
	FUZZ_CHECK(args.phase_ms >= BRKST_PHASE_MS_MIN &&
		   args.phase_ms <= BRKST_PHASE_MS_MAX);
	FUZZ_CHECK(args.fail_pct + args.ignore_pct <= 100);
	FUZZ_CHECK(args.timer_us >= BRKST_TIMER_US_MIN &&
		   args.timer_us <= BRKST_TIMER_US_MAX);
	return 0;
}
