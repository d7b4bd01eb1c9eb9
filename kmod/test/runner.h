/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stress lifecycle every benchmark and stress run of gosync_test.ko
 * is written on, once: threads, a start line, a duration or a deadline,
 * signals, a violation log, a result line.
 *
 * gosync_run_threads() starts one kthread per requested thread, holds them
 * at a start line until all are ready, lets them run the body, then stops
 * and joins them. A timed run (duration_ms > 0; a benchmark, a stress
 * run) binds thread i to the i-th online CPU and tells the bodies to stop
 * when the duration is over; a body loops until gosync_run_continue()
 * says stop:
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
 * A run to completion (duration_ms == 0; barrier/run, phaser/run) may have
 * more threads than CPUs, unbound, and lasts until every body has
 * returned. Its controller (the writer of the command) calls tick() every
 * poll, and stops the run early on a signal (-EINTR), after
 * GOSYNC_RUN_MAX_MS (-ETIMEDOUT), GOSYNC_RUN_STUCK_MS after the first
 * violation (-EIO), or when tick() says so; then it sets @stop and calls
 * abort() each jiffy until every body has returned, and logs why as a
 * violation ("run stopped: ...").
 *
 * gosync_run_continue() also reschedules when needed, so bodies never trip
 * the soft-lockup or RCU stall detectors on non-preemptible kernels. Each
 * thread measures its own running time, so start-up skew does not inflate
 * or deflate its rate.
 *
 * Violations: a check that fails calls gosync_violation(&run->v, ...);
 * every one is counted, the first GOSYNC_VIOLATIONS_KEPT are described in
 * the log and in the command's output. inject= (each run's own list of
 * names, a GOSYNC_PARAM_ENUM) plants one violation through the check that
 * would catch it, so every check is shown to fire; gosync_run_result()
 * prints the one result line of a run, "result=PASS|FAIL ... errors=N",
 * then the kept violations as "error: <what>" lines.
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

/* Violations a stress run describes (the first ones; all are counted). */
#define GOSYNC_VIOLATIONS_KEPT	8
#define GOSYNC_VIOLATION_LEN	160

/**
 * struct gosync_violations - what a stress run found wrong
 * @who: prefix of their log lines, e.g. "barrier: run"
 * @count: violations found
 * @nr_kept: violations described; the first GOSYNC_VIOLATIONS_KEPT are
 *	kept in @why
 * @first: jiffies of the first
 * @why: their descriptions
 */
struct gosync_violations {
	const char *who;
	atomic_long_t count;
	atomic_t nr_kept;
	unsigned long first;
	char why[GOSYNC_VIOLATIONS_KEPT][GOSYNC_VIOLATION_LEN];
};

/* A run to completion: stopped after this long, or this long stuck. */
#define GOSYNC_RUN_MAX_MS	60000
#define GOSYNC_RUN_STUCK_MS	1000

/**
 * struct gosync_run - a group of threads running one body
 * @name: kthread name prefix
 * @nr_threads: how many threads: 1 .. num_online_cpus() for a timed run,
 *	1 .. GOSYNC_RUN_THREADS_MAX for a run to completion
 * @duration_ms: how long a timed run's body runs before threads are told
 *	to stop; 0 for a run to completion
 * @signals: the threads accept SIGUSR1 (a run that interrupts waits)
 * @body: the per-thread function
 * @tick: a run to completion's controller calls it every poll; returns
 *	the next poll in jiffies, or a negative errno to stop the run (it
 *	logs why itself); NULL polls every HZ / 10
 * @abort: frees threads a stopped run left blocked; called each jiffy
 *	until every body has returned; may be NULL
 * @data: the caller's state, for the body
 * @v: the run's violations (the caller's, initialized): the stuck rule
 *	and the reason a run to completion was stopped go there, and
 *	gosync_run_result() prints them; NULL for a run without checks
 * @threads: filled in by gosync_run_threads(), valid until gosync_run_free()
 * @ready: threads at the start line
 * @alive: threads whose body has not returned
 * @go: set once all are ready
 * @stop: set when the duration is over (or the run was stopped)
 * @wq: where threads and the controller wait for @ready, @go and @alive
 */
struct gosync_run {
	const char *name;
	unsigned int nr_threads;
	unsigned int duration_ms;
	bool signals;
	int (*body)(struct gosync_run_thread *t);
	long (*tick)(struct gosync_run *run);
	void (*abort)(struct gosync_run *run);
	void *data;
	struct gosync_violations *v;
	struct gosync_run_thread *threads;
	atomic_t ready;
	atomic_t alive;
	bool go;
	bool stop;
	wait_queue_head_t wq;
};

#define GOSYNC_RUN_THREADS_MAX	64

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

/**
 * gosync_run_stopping() - whether a run is being stopped or is over
 * @run: the run
 *
 * Context: any.
 * Return: true once @run->stop is set.
 */
static inline bool gosync_run_stopping(struct gosync_run *run)
{
	/* Pairs with WRITE_ONCE() in gosync_run_threads(); a flag, no data. */
	return READ_ONCE(run->stop);
}

struct seq_buf;

void gosync_violations_init(struct gosync_violations *v, const char *who);
__printf(2, 0) long gosync_vviolation(struct gosync_violations *v,
				      const char *fmt, va_list args);
__printf(2, 3) long gosync_violation(struct gosync_violations *v,
				     const char *fmt, ...);
void gosync_violations_print(struct gosync_violations *v, struct seq_buf *out);
__printf(3, 4) int gosync_run_result(struct gosync_run *run, struct seq_buf *out,
				     const char *fmt, ...);

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

/**
 * gosync_xorshift64s() - gosync_xorshift32() in 64 bits
 * @x: the state, never 0
 *
 * Context: any.
 * Return: the next number of xorshift64*.
 */
static inline u64 gosync_xorshift64s(u64 *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

/**
 * gosync_hash32() - a value every thread of a run derives alike
 * @seed: the run's seed
 * @n: what the value is for: a round, a thread, a decision
 *
 * The same @seed and @n give the same value in every thread, without
 * shared state, and a run with the same seed= makes the same choices.
 *
 * Context: any.
 * Return: the high half of splitmix64's mix of @seed and @n.
 */
static inline u32 gosync_hash32(u64 seed, u64 n)
{
	u64 z = seed + (n + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) >> 32;
}

#endif /* _GOSYNC_RUNNER_H */
