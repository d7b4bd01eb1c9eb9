/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel benchmark driver.
 *
 * A benchmark case is one implementation of one operation mix of one
 * primitive, e.g. (map, read_mostly, gosync_map) against (map, read_mostly,
 * rhashtable). A primitive declares its cases in its own file:
 *
 *	static const struct gosync_bench_case map_read_gosync = {
 *		.primitive = "map", .name = "read_mostly", .impl = "gosync_map",
 *		.setup = ..., .body = ..., .teardown = ...,
 *	};
 *	GOSYNC_BENCH_SET(map, &map_read_gosync, ...);
 *
 * lists the set in bench.c (gosync_bench_sets[]), and
 * /sys/kernel/debug/gosync_test/bench/ lists and runs it:
 *
 *	cases	(read) one "primitive case impl" line per case
 *	run	(command file) "primitive=P case=C impl=I threads=N
 *		duration_ms=D"; its output is one CSV line
 *		primitive,case,impl,threads,ops,ops_per_sec,ns_per_op
 *
 * A run calls setup() once, runs body() on N kthreads bound to N CPUs for
 * D ms after a common start line (runner.h), then calls teardown().
 * ops_per_sec is the sum over threads of ops / own elapsed time;
 * ns_per_op is threads * 1e9 / ops_per_sec, the mean time one thread
 * spends per operation. Runs are serialized.
 */
#ifndef _GOSYNC_BENCH_H
#define _GOSYNC_BENCH_H

#include "internal.h"
#include "runner.h"

/**
 * struct gosync_bench_case - one benchmark case
 * @primitive: the primitive measured, e.g. "map"
 * @name: the operation mix, e.g. "read_mostly"
 * @impl: the implementation, e.g. "gosync_map" or "rhashtable"
 * @setup: optional; prepares shared state for @threads threads and stores
 *	it in *@data; returns 0 or a negative errno
 * @body: the per-thread loop (see runner.h); reads the state from
 *	t->run->data; returns 0 or a negative errno
 * @teardown: optional; frees what setup() made
 */
struct gosync_bench_case {
	const char *primitive;
	const char *name;
	const char *impl;
	int (*setup)(void **data, unsigned int threads);
	int (*body)(struct gosync_run_thread *t);
	void (*teardown)(void *data);
};

/**
 * struct gosync_bench_set - the benchmark cases of one part of gosync_test.ko
 * @cases: the cases
 * @nr_cases: how many
 */
struct gosync_bench_set {
	const struct gosync_bench_case *const *cases;
	unsigned int nr_cases;
};

/**
 * GOSYNC_BENCH_SET() - define a part's set of benchmark cases
 * @p: the part: the set is gosync_<p>_bench
 * @...: pointers to the cases
 *
 * Starts a line. Kbuild finds every such line of kmod/test and lists the
 * sets for bench.c (gosync_parts.h): defining one is all a part does to
 * have its cases run.
 */
#define GOSYNC_BENCH_SET(p, ...)						\
	extern const struct gosync_bench_set gosync_##p##_bench;		\
	static const struct gosync_bench_case *const gosync_##p##_bench_cases[] = {	\
		__VA_ARGS__							\
	};									\
	const struct gosync_bench_set gosync_##p##_bench = {			\
		.cases = gosync_##p##_bench_cases,					\
		.nr_cases = ARRAY_SIZE(gosync_##p##_bench_cases),			\
	}

/**
 * GOSYNC_BENCH_MIX_CASE() - define and register the case of one operation
 *	mix on one implementation, for a primitive whose bench file names
 *	its parts after a prefix
 * @pfx: the prefix: the file has pfx_setup(data, threads, ops, @arg),
 *	pfx_teardown(), pfx_<mix>(t, ops) and pfx_<which>_ops
 * @prim: the primitive, a string
 * @mix: the operation mix (the case's name)
 * @which: the implementation (the case's impl)
 * @arg: pfx_setup()'s last argument for this case
 *
 * Defines pfx_setup_<mix>_<which>(), pfx_body_<mix>_<which>() (the mix's
 * body with the implementation's ops table, a compile-time constant) and
 * the case pfx_case_<mix>_<which>; GOSYNC_BENCH_SET() lists it.
 */
#define GOSYNC_BENCH_MIX_CASE(pfx, prim, mix, which, arg)			\
static int pfx##_setup_##mix##_##which(void **data, unsigned int threads)	\
{										\
	return pfx##_setup(data, threads, &pfx##_##which##_ops, arg);		\
}										\
static int pfx##_body_##mix##_##which(struct gosync_run_thread *t)		\
{										\
	return pfx##_##mix(t, &pfx##_##which##_ops);				\
}										\
static const struct gosync_bench_case pfx##_case_##mix##_##which = {		\
	.primitive = prim, .name = #mix, .impl = #which,			\
	.setup = pfx##_setup_##mix##_##which,					\
	.body = pfx##_body_##mix##_##which,					\
	.teardown = pfx##_teardown,						\
}

/**
 * struct gosync_bench_result - what one benchmark run measured
 * @threads: threads used
 * @ops: operations done by all threads
 * @ops_per_sec: sum over threads of each thread's own rate
 * @ns_per_op: mean nanoseconds one thread spent per operation
 */
struct gosync_bench_result {
	unsigned int threads;
	u64 ops;
	u64 ops_per_sec;
	u64 ns_per_op;
};

const struct gosync_bench_case *gosync_bench_find(const char *primitive,
						  const char *name,
						  const char *impl);
int gosync_bench_run(const struct gosync_bench_case *c, unsigned int threads,
		     unsigned int duration_ms, struct gosync_bench_result *res);

#endif /* _GOSYNC_BENCH_H */
