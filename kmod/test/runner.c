// SPDX-License-Identifier: GPL-2.0
/*
 * Thread groups for benchmarks and stress runs; see runner.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include "internal.h"
#include "runner.h"
#include "test.h"

static int gosync_run_thread_fn(void *arg)
{
	struct gosync_run_thread *t = arg;
	struct gosync_run *run = t->run;
	u64 start;

	if (run->signals)
		allow_signal(SIGUSR1);
	atomic_inc(&run->ready);
	wake_up_all(&run->wq);
	/* Pairs with smp_store_release() of @go: the run is fully set up. */
	wait_event(run->wq, smp_load_acquire(&run->go));

	start = ktime_get_ns();
	t->err = run->body(t);
	t->elapsed_ns = ktime_get_ns() - start;
	if (atomic_dec_and_test(&run->alive))
		wake_up_all(&run->wq);

	/* Stay until the controller's kthread_stop(), which reads results. */
	while (!kthread_should_stop()) {
		flush_signals(current);
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void gosync_run_stop_all(struct gosync_run *run, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		kthread_stop(run->threads[i].task);
		put_task_struct(run->threads[i].task);
		run->threads[i].task = NULL;
	}
}

static bool gosync_run_done(struct gosync_run *run)
{
	return !atomic_read(&run->alive);
}

/* Why a run to completion must stop now, or 0. */
static int gosync_run_why(struct gosync_run *run, unsigned long deadline)
{
	unsigned long stuck = msecs_to_jiffies(GOSYNC_RUN_STUCK_MS);

	if (signal_pending(current))
		return -EINTR;
	if (time_after(jiffies, deadline))
		return -ETIMEDOUT;
	if (run->v && gosync_violations_count(run->v) &&
	    time_after(jiffies, READ_ONCE(run->v->first) + stuck))
		return -EIO;
	return 0;
}

/* The controller of a run to completion; 0 or why it stopped the run. */
static int gosync_run_control(struct gosync_run *run)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(GOSYNC_RUN_MAX_MS);
	long poll;
	int why;

	while (!gosync_run_done(run)) {
		poll = run->tick ? run->tick(run) : HZ / 10;
		why = poll < 0 ? poll : gosync_run_why(run, deadline);
		if (why) {
			if (poll >= 0 && run->v)
				gosync_violation(run->v, "run stopped: %s",
						 why == -EINTR ? "interrupted by a signal" :
						 why == -ETIMEDOUT ? "still running after 60 s" :
						 "stuck after a violation");
			return why;
		}
		wait_event_interruptible_timeout(run->wq, gosync_run_done(run),
						 poll);
	}
	return 0;
}

/**
 * gosync_run_threads() - run @run->body on @run->nr_threads kthreads
 * @run: name, nr_threads, duration_ms, body and data set, and for a run
 *	to completion signals, tick, abort and v if used; the rest is
 *	initialized here
 *
 * Returns once every thread's body has returned. A timed run binds
 * thread i to the i-th online CPU; a fatal or ordinary signal to the
 * caller ends it early; threads still stop cleanly. A run to completion
 * is controlled as runner.h says. Results stay in @run->threads until
 * gosync_run_free().
 *
 * Context: process context, may sleep for the duration; do not hold locks
 * the body needs. CPU hotplug during a timed run is not supported.
 * Return: 0; -EINVAL for 0 threads or too many; -ENOMEM; -EINTR if a
 * signal cut the run short; -ETIMEDOUT or -EIO (or tick()'s errno) for a
 * run to completion stopped early; otherwise the first non-zero value a
 * body returned.
 */
int gosync_run_threads(struct gosync_run *run)
{
	bool bound = run->duration_ms;
	unsigned int i, cpu, nr = 0;
	int ret = 0;

	run->threads = NULL;
	if (!run->nr_threads || run->nr_threads > (bound ? num_online_cpus() :
						   GOSYNC_RUN_THREADS_MAX))
		return -EINVAL;

	run->threads = kcalloc(run->nr_threads, sizeof(*run->threads),
			       GFP_KERNEL);
	if (!run->threads)
		return -ENOMEM;
	atomic_set(&run->ready, 0);
	atomic_set(&run->alive, run->nr_threads);
	run->go = false;
	run->stop = false;
	init_waitqueue_head(&run->wq);

	cpu = cpumask_first(cpu_online_mask);
	for (i = 0; i < run->nr_threads; i++) {
		struct gosync_run_thread *t = &run->threads[i];
		struct task_struct *task;

		if (bound && cpu >= nr_cpu_ids) {
			ret = -EINVAL;
			break;
		}
		t->run = run;
		t->id = i;
		t->cpu = bound ? cpu : 0;
		task = kthread_create_on_node(gosync_run_thread_fn, t,
					      bound ? cpu_to_node(cpu) : NUMA_NO_NODE,
					      "gosync/%s:%u", run->name, i);
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			break;
		}
		get_task_struct(task);
		if (bound)
			kthread_bind(task, cpu);
		t->task = task;
		nr++;
		cpu = cpumask_next(cpu, cpu_online_mask);
	}
	if (ret) {
		/* Never woken: kthread_stop() makes them exit before the body. */
		gosync_run_stop_all(run, nr);
		return ret;
	}

	for (i = 0; i < nr; i++)
		wake_up_process(run->threads[i].task);
	wait_event(run->wq, atomic_read(&run->ready) == nr);
	/* Pairs with smp_load_acquire() in gosync_run_thread_fn(). */
	smp_store_release(&run->go, true);
	wake_up_all(&run->wq);

	if (bound) {
		if (msleep_interruptible(run->duration_ms))
			ret = -EINTR;
	} else {
		ret = gosync_run_control(run);
	}
	/* Pairs with READ_ONCE() in gosync_run_continue() and _stopping(). */
	WRITE_ONCE(run->stop, true);
	while (!bound && !gosync_run_done(run)) {
		if (run->abort)
			run->abort(run);
		wait_event_timeout(run->wq, gosync_run_done(run), 1);
	}
	/* kthread_stop() waits for the body; its completion orders results. */
	gosync_run_stop_all(run, nr);

	for (i = 0; i < nr && !ret; i++)
		ret = run->threads[i].err;
	return ret;
}
EXPORT_SYMBOL_GOSYNC_TEST(gosync_run_threads);

/**
 * gosync_run_free() - free the per-thread results of a run
 * @run: a run passed to gosync_run_threads(), whatever it returned
 *
 * Context: any context.
 */
void gosync_run_free(struct gosync_run *run)
{
	kfree(run->threads);
	run->threads = NULL;
}
EXPORT_SYMBOL_GOSYNC_TEST(gosync_run_free);

/**
 * gosync_violations_init() - start a run's record of violations
 * @v: the record
 * @who: prefix of the log lines, e.g. "barrier: run"
 *
 * Context: any.
 */
void gosync_violations_init(struct gosync_violations *v, const char *who)
{
	v->who = who;
	v->first = 0;
	atomic_long_set(&v->count, 0);
	atomic_set(&v->nr_kept, 0);
}

/**
 * gosync_vviolation() - record one violation
 * @v: the run's record
 * @fmt: what went wrong, printf-style
 * @args: for @fmt
 *
 * Counts it; the first GOSYNC_VIOLATIONS_KEPT are described in @v and in
 * the kernel log (rate limited).
 *
 * Context: any.
 * Return: the violations counted so far, this one included.
 */
long gosync_vviolation(struct gosync_violations *v, const char *fmt,
		       va_list args)
{
	long count = atomic_long_inc_return(&v->count);
	int n = atomic_inc_return(&v->nr_kept) - 1;

	if (count == 1)
		WRITE_ONCE(v->first, jiffies);

	if (n < GOSYNC_VIOLATIONS_KEPT) {
		vsnprintf(v->why[n], GOSYNC_VIOLATION_LEN, fmt, args);
		pr_err_ratelimited("%s: %s\n", v->who, v->why[n]);
	}
	return count;
}

/**
 * gosync_violation() - gosync_vviolation() with the arguments inline
 * @v: the run's record
 * @fmt: what went wrong, printf-style
 *
 * Context: any.
 * Return: the violations counted so far, this one included.
 */
long gosync_violation(struct gosync_violations *v, const char *fmt, ...)
{
	va_list args;
	long count;

	va_start(args, fmt);
	count = gosync_vviolation(v, fmt, args);
	va_end(args);
	return count;
}

/**
 * gosync_violations_print() - one "error: <what>" line per kept violation
 * @v: the run's record, no longer written
 * @out: where
 *
 * Context: any.
 */
void gosync_violations_print(struct gosync_violations *v, struct seq_buf *out)
{
	int i, nr = min(atomic_read(&v->nr_kept), GOSYNC_VIOLATIONS_KEPT);

	for (i = 0; i < nr; i++)
		seq_buf_printf(out, "error: %s\n", v->why[i]);
}

/**
 * gosync_run_result() - print the result line of a run and its violations
 * @run: the run, over, with its @v
 * @out: where
 * @fmt: what follows "result=PASS|FAIL " on the line: the run's arguments
 *	and counts, printf-style, without "errors=" or a newline
 *
 * Context: any.
 * Return: 0, or -EIO if the run found a violation.
 */
int gosync_run_result(struct gosync_run *run, struct seq_buf *out,
		      const char *fmt, ...)
{
	long errors = gosync_violations_count(run->v);
	va_list args;
	size_t room;
	char *buf;

	seq_buf_printf(out, "result=%s ", errors ? "FAIL" : "PASS");
	room = seq_buf_get_buf(out, &buf);
	va_start(args, fmt);
	/* seq_buf_vprintf() is not exported before 6.2. */
	seq_buf_commit(out, min_t(size_t, vsnprintf(buf, room, fmt, args),
				  room ? room - 1 : 0));
	va_end(args);
	seq_buf_printf(out, " errors=%ld\n", errors);
	gosync_violations_print(run->v, out);
	return errors ? -EIO : 0;
}
