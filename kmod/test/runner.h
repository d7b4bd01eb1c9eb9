/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thread groups for benchmarks and stress runs.
 *
 * gosync_run_threads() starts one kthread per requested thread, each bound
 * to its own online CPU, holds them at a start line until all are ready,
 * lets them run the body for a fixed duration, then stops and joins them.
 * A body loops until gosync_run_continue() says stop:
 *
 *	static int body(struct gosync_run_thread *t)
 *	{
 *		do {
 *			...do a batch of operations...
 *			t->ops += batch;
 *		} while (gosync_run_continue(t));
 *		return 0;
 *	}
 *
 * gosync_run_continue() also reschedules when needed, so bodies never trip
 * the soft-lockup or RCU stall detectors on non-preemptible kernels. Each
 * thread measures its own running time, so start-up skew does not inflate
 * or deflate its rate.
 */
#ifndef _GOSYNC_RUNNER_H
#define _GOSYNC_RUNNER_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/wait.h>

struct gosync_run;

/**
 * struct gosync_run_thread - one thread of a run
 * @run: the run it belongs to
 * @id: index, 0 .. nr_threads - 1
 * @cpu: the CPU it is bound to
 * @ops: operations done; the body adds to it
 * @elapsed_ns: time from start line to the body's return
 * @err: the body's return value
 * @task: the kthread
 */
struct gosync_run_thread {
	struct gosync_run *run;
	unsigned int id;
	unsigned int cpu;
	u64 ops;
	u64 elapsed_ns;
	int err;
	struct task_struct *task;
};

/**
 * struct gosync_run - a group of threads running one body
 * @name: kthread name prefix
 * @nr_threads: how many threads, 1 .. num_online_cpus()
 * @duration_ms: how long the body runs before threads are told to stop
 * @body: the per-thread function
 * @data: the caller's state, for the body
 * @threads: filled in by gosync_run_threads(), valid until gosync_run_free()
 * @ready: threads at the start line
 * @go: set once all are ready
 * @stop: set when the duration is over (or the caller was interrupted)
 * @wq: where threads and the controller wait for @ready and @go
 */
struct gosync_run {
	const char *name;
	unsigned int nr_threads;
	unsigned int duration_ms;
	int (*body)(struct gosync_run_thread *t);
	void *data;
	struct gosync_run_thread *threads;
	atomic_t ready;
	bool go;
	bool stop;
	wait_queue_head_t wq;
};

/**
 * gosync_run_continue() - whether a body should keep going
 * @t: the calling thread
 *
 * Context: a run's thread only.
 * Return: false once the run's duration is over.
 */
static inline bool gosync_run_continue(struct gosync_run_thread *t)
{
	cond_resched();
	/* Pairs with WRITE_ONCE() in gosync_run_threads(); a flag, no data. */
	return !READ_ONCE(t->run->stop);
}

int gosync_run_threads(struct gosync_run *run);
void gosync_run_free(struct gosync_run *run);

/* Violations a stress run describes (the first ones; all are counted). */
#define GOSYNC_VIOLATIONS_KEPT	8
#define GOSYNC_VIOLATION_LEN	160

/**
 * struct gosync_violations - what a stress run found wrong
 * @who: prefix of their log lines, e.g. "barrier: run"
 * @count: violations found
 * @nr_kept: violations described; the first GOSYNC_VIOLATIONS_KEPT are
 *	kept in @why
 * @why: their descriptions
 */
struct gosync_violations {
	const char *who;
	atomic_long_t count;
	atomic_t nr_kept;
	char why[GOSYNC_VIOLATIONS_KEPT][GOSYNC_VIOLATION_LEN];
};

struct seq_buf;

void gosync_violations_init(struct gosync_violations *v, const char *who);
__printf(2, 0) long gosync_vviolation(struct gosync_violations *v,
				      const char *fmt, va_list args);
__printf(2, 3) long gosync_violation(struct gosync_violations *v,
				     const char *fmt, ...);
void gosync_violations_print(struct gosync_violations *v, struct seq_buf *out);

/**
 * gosync_violations_count() - violations found so far
 * @v: the run's violations
 *
 * Context: any.
 * Return: how many gosync_violation() calls there were.
 */
static inline long gosync_violations_count(struct gosync_violations *v)
{
	return atomic_long_read(&v->count);
}

/**
 * gosync_xorshift32() - the stress runs' cheap, repeatable random numbers
 * @x: the state, never 0
 *
 * Context: any.
 * Return: the next number of Marsaglia's xorshift32.
 */
static inline u32 gosync_xorshift32(u32 *x)
{
	u32 v = *x;

	v ^= v << 13;
	v ^= v >> 17;
	v ^= v << 5;
	*x = v;
	return v;
}

#endif /* _GOSYNC_RUNNER_H */
