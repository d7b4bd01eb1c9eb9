/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver of the native benchmarks (map_bench.c, pool_bench.c): what a
 * benchmark program does besides its cases and implementations.
 *
 * A program describes itself in a struct bench and hands main() to
 * bench_main(), which parses the command line
 *
 *	<name>_bench [--csv FILE] [--ms MS] [--threads "1 2"] [--reps R]
 *		     [--case C[,C...]] [--impl I[,I...]]
 *	<name>_bench --ops N --case C --impl I
 *	<name>_bench --list
 *
 * (defaults from NATIVE_BENCH_MS, 300; NATIVE_BENCH_THREADS, "1 2";
 * NATIVE_BENCH_REPS, 3) and runs the modes:
 *
 * Timed: every selected case x thread count x implementation, R reps each,
 * the implementations interleaved rep by rep; each run is a fresh setup(),
 * N threads, thread i pinned to the i-th CPU of the process's affinity
 * mask (modulo the CPUs, if the program allows more threads than CPUs:
 * @oversubscribe), released together from a barrier, each calling run()
 * with BENCH_BATCH ops until the controller raises the stop flag and
 * measuring its own elapsed time; then teardown(). ops_per_sec is the sum of each
 * thread's own rate, ns_per_op = threads * 1e9 / ops_per_sec; the row of a
 * configuration is its median-rate rep, appended to FILE (or printed) in
 * the in-VM format (env,primitive,case,impl,threads,ops_per_sec,ns_per_op).
 *
 * Count (for callgrind.sh): setup() of one thread on the first CPU, then
 * exactly N ops in one run() inside nb_measure(), which callgrind counts
 * (inclusive); prints "case impl ops=N" (and what count_note() adds).
 *
 * List: one "case impl" line per pair.
 */
#ifndef _NATIVE_BENCH_MAIN_H
#define _NATIVE_BENCH_MAIN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define BENCH_BATCH		64	/* ops between stop checks */
#define BENCH_MAX_THREADS	64
#define BENCH_MAX_REPS		99

/**
 * struct bench_sync - what a timed run's threads share with the driver;
 *	a member of the program's per-run state
 * @start: releases the threads and the controller together
 * @stop: raised by the controller when the run's time is up (__atomic)
 */
struct bench_sync {
	pthread_barrier_t start;
	int stop;
};

/* bench_stopped() - has the controller raised the stop flag of @sync? */
static inline bool bench_stopped(struct bench_sync *sync)
{
	return __atomic_load_n(&sync->stop, __ATOMIC_RELAXED);
}

struct bench;

/**
 * struct bench_thread - the driver's part of one thread; a member of the
 *	program's per-thread context (container_of() gets back to it)
 * @b: the program
 * @sync: the run's
 * @id: 0 .. threads - 1
 * @cpu: the CPU it is pinned to
 * @ops: ops done; run() adds to it
 * @elapsed_ns: its own time from start to stop (timed mode)
 * @err: 0 or the negative errno that ended its run
 * @tid: its pthread
 */
struct bench_thread {
	const struct bench *b;
	struct bench_sync *sync;
	unsigned int id;
	int cpu;
	uint64_t ops;
	uint64_t elapsed_ns;
	int err;
	pthread_t tid;
};

/**
 * struct bench - one benchmark program
 * @name: the primitive ("map"): the CSV's primitive column, and the
 *	program is <name>_bench
 * @nr_cases: cases, indexed 0 .. nr_cases - 1
 * @nr_impls: implementations, likewise
 * @case_name: case @c's name
 * @impl_name: implementation @m's name
 * @setup: a fresh run of case @c on implementation @m for @threads threads;
 *	its bench_sync, or NULL (said on stderr)
 * @teardown: frees the run (every thread has stopped)
 * @thread: thread @id's context in the run, initialized (a thread runs
 *	nowhere else until the run is torn down)
 * @run: does @n ops on @t, adding them to t->ops (fewer once the run is
 *	stopped); 0 or a negative errno
 * @thread_exit: optional; after a thread's last run()
 * @count_hold: optional; count mode, (true) before and (false) after the
 *	measured run()
 * @count_note: optional; count mode, appends to the result line
 * @note_ns: the progress note of a timed run gives ns/op too
 * @warn_fails: a WARN splat (native_exit()) fails the program
 * @oversubscribe: threads may outnumber the CPUs (their threads sleep,
 *	as a barrier's waiters do): thread i is pinned to CPU i mod CPUs
 */
struct bench {
	const char *name;
	unsigned int nr_cases;
	unsigned int nr_impls;
	const char *(*case_name)(unsigned int c);
	const char *(*impl_name)(unsigned int m);
	struct bench_sync *(*setup)(unsigned int c, unsigned int m,
				    unsigned int threads);
	void (*teardown)(struct bench_sync *sync);
	struct bench_thread *(*thread)(struct bench_sync *sync,
				       unsigned int id);
	int (*run)(struct bench_thread *t, uint64_t n);
	void (*thread_exit)(struct bench_thread *t);
	void (*count_hold)(bool hold);
	void (*count_note)(struct bench_thread *t);
	bool note_ns;
	bool warn_fails;
	bool oversubscribe;
};

/*
 * bench_counting - true in count mode, from before the run's setup(): a
 * program may make its setup deterministic then.
 */
extern bool bench_counting;

int bench_main(const struct bench *b, int argc, char **argv);

#endif /* _NATIVE_BENCH_MAIN_H */
