// SPDX-License-Identifier: GPL-2.0
/*
 * The arguments of bench/run and counter/stress; see cmd_args.h.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "cmd_args.h"
#include "parse.h"
#include "test.h"

#define GOSYNC_BENCH_DURATION_MAX	60000
#define COUNTER_STRESS_MAX_MS		60000

static const struct gosync_bench_args gosync_bench_defaults = {
	.threads = 1,
	.duration_ms = 1000,
};

static const struct gosync_param gosync_bench_params[] = {
	GOSYNC_ARG_STR("primitive", struct gosync_bench_args, primitive,
		       GOSYNC_BENCH_NAME_MAX, true),
	GOSYNC_ARG_STR("case", struct gosync_bench_args, name,
		       GOSYNC_BENCH_NAME_MAX, true),
	GOSYNC_ARG_STR("impl", struct gosync_bench_args, impl,
		       GOSYNC_BENCH_NAME_MAX, true),
	GOSYNC_ARG_CPUS("threads", struct gosync_bench_args, threads),
	GOSYNC_ARG_U32("duration_ms", struct gosync_bench_args, duration_ms, 1,
		       GOSYNC_BENCH_DURATION_MAX, false),
};

/* bench/run: "primitive=P case=C impl=I [threads=N] [duration_ms=D]". */
const struct gosync_args gosync_bench_run_args =
	GOSYNC_ARGS(gosync_bench_params, struct gosync_bench_args,
		    &gosync_bench_defaults, NULL);

/* threads= is 0 until here when not given: every online CPU. */
static int gosync_counter_check(void *args, struct seq_buf *out,
				const char *who)
{
	struct gosync_counter_args *a = args;

	a->threads = a->threads ?: num_online_cpus();
	return 0;
}

static const struct gosync_counter_args gosync_counter_defaults = {
	.duration_ms = 1000,
};

static const struct gosync_param gosync_counter_params[] = {
	GOSYNC_ARG_CPUS("threads", struct gosync_counter_args, threads),
	GOSYNC_ARG_U32("duration_ms", struct gosync_counter_args, duration_ms,
		       1, COUNTER_STRESS_MAX_MS, false),
};

/* counter/stress: "[threads=N] [duration_ms=D]". */
const struct gosync_args gosync_counter_stress_args =
	GOSYNC_ARGS(gosync_counter_params, struct gosync_counter_args,
		    &gosync_counter_defaults, gosync_counter_check);
