// SPDX-License-Identifier: GPL-2.0
/*
 * The argument parsers of bench/run and counter/stress; see cmd_args.h.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "cmd_args.h"
#include "parse.h"

#define GOSYNC_BENCH_DURATION_MAX	60000
#define COUNTER_STRESS_MAX_MS		60000

/**
 * gosync_bench_parse() - parse the arguments of a bench/run command
 * @line: "primitive=P case=C impl=I [threads=N] [duration_ms=D]", checked
 *	by gosync_parse_line(); modified
 * @a: filled with the arguments, the defaults for those not given
 * @out: where to explain a rejection
 * @who: prefix of messages about rejected commands
 *
 * Context: any context.
 * Return: 0, or the parser's negative errno (see parse.h).
 */
int gosync_bench_parse(char *line, struct gosync_bench_args *a,
		       struct seq_buf *out, const char *who)
{
	const struct gosync_param params[] = {
		GOSYNC_PARAM_STR("primitive", a->primitive, true),
		GOSYNC_PARAM_STR("case", a->name, true),
		GOSYNC_PARAM_STR("impl", a->impl, true),
		GOSYNC_PARAM_U32("threads", &a->threads, 1, num_online_cpus(), false),
		GOSYNC_PARAM_U32("duration_ms", &a->duration_ms, 1,
				 GOSYNC_BENCH_DURATION_MAX, false),
	};

	a->threads = 1;
	a->duration_ms = 1000;
	return gosync_parse_params(line, params, ARRAY_SIZE(params), out, who);
}

/**
 * gosync_counter_parse() - parse the arguments of a counter/stress command
 * @line: "[threads=N] [duration_ms=D]", checked by gosync_parse_line();
 *	modified
 * @a: filled with the arguments, the defaults for those not given
 * @out: where to explain a rejection
 * @who: prefix of messages about rejected commands
 *
 * Context: any context.
 * Return: 0, or the parser's negative errno (see parse.h).
 */
int gosync_counter_parse(char *line, struct gosync_counter_args *a,
			 struct seq_buf *out, const char *who)
{
	const struct gosync_param params[] = {
		GOSYNC_PARAM_U32("threads", &a->threads, 1, num_online_cpus(),
				 false),
		GOSYNC_PARAM_U32("duration_ms", &a->duration_ms, 1,
				 COUNTER_STRESS_MAX_MS, false),
	};

	a->threads = num_online_cpus();
	a->duration_ms = 1000;
	return gosync_parse_params(line, params, ARRAY_SIZE(params), out, who);
}
