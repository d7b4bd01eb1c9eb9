/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The argument parsers of the command files bench/run (kmod/test/bench/bench.c) and
 * counter/stress (kmod/test/counter.c), kept apart from the code that runs the
 * commands (kthreads, debugfs) so that the userspace build (tools/native)
 * compiles and fuzzes them unchanged. A primitive's own command files
 * have theirs next to the primitive (e.g. kmod/test/map.c).
 */
#ifndef _GOSYNC_CMD_ARGS_H
#define _GOSYNC_CMD_ARGS_H

#include <linux/types.h>

struct gosync_args;

#define GOSYNC_BENCH_NAME_MAX		32

/**
 * struct gosync_bench_args - the arguments of a bench/run command
 * @primitive: primitive=, e.g. "map"
 * @name: case=, e.g. "read_mostly"
 * @impl: impl=, e.g. "gosync_map"
 * @threads: threads=, default 1
 * @duration_ms: duration_ms=, default 1000
 */
struct gosync_bench_args {
	char primitive[GOSYNC_BENCH_NAME_MAX];
	char name[GOSYNC_BENCH_NAME_MAX];
	char impl[GOSYNC_BENCH_NAME_MAX];
	u32 threads;
	u32 duration_ms;
};

/**
 * struct gosync_counter_args - the arguments of a counter/stress command
 * @threads: threads=, default every online CPU
 * @duration_ms: duration_ms=, default 1000
 */
struct gosync_counter_args {
	u32 threads;
	u32 duration_ms;
};

/* Their struct gosync_args (parse.h), in cmd_args.c. */
extern const struct gosync_args gosync_bench_run_args;
extern const struct gosync_args gosync_counter_stress_args;

#endif /* _GOSYNC_CMD_ARGS_H */
