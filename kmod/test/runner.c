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

	atomic_inc(&run->ready);
	wake_up_all(&run->wq);
	/* Pairs with smp_store_release() of @go: the run is fully set up. */
	wait_event(run->wq, smp_load_acquire(&run->go));

	start = ktime_get_ns();
	t->err = run->body(t);
	t->elapsed_ns = ktime_get_ns() - start;

	/* Stay until the controller's kthread_stop(), which reads results. */
	while (!kthread_should_stop()) {
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

/**
 * gosync_run_threads() - run @run->body on @run->nr_threads bound kthreads
 * @run: name, nr_threads, duration_ms, body and data set; the rest is
 *	initialized here
 *
 * Returns once every thread's body has returned. Thread i is bound to the
 * i-th online CPU. A fatal or ordinary signal to the caller ends the run
 * early; threads still stop cleanly. Results stay in @run->threads until
 * gosync_run_free().
 *
 * Context: process context, may sleep for the duration; do not hold locks
 * the body needs. CPU hotplug during a run is not supported.
 * Return: 0; -EINVAL for 0 threads, more threads than online CPUs or a
 * zero duration; -ENOMEM; -EINTR if a signal cut the run short; otherwise
 * the first non-zero value a body returned.
 */
int gosync_run_threads(struct gosync_run *run)
{
	unsigned int i, cpu, nr = 0;
	int ret = 0;

	run->threads = NULL;
	if (!run->nr_threads || run->nr_threads > num_online_cpus() ||
	    !run->duration_ms)
		return -EINVAL;

	run->threads = kcalloc(run->nr_threads, sizeof(*run->threads),
			       GFP_KERNEL);
	if (!run->threads)
		return -ENOMEM;
	atomic_set(&run->ready, 0);
	run->go = false;
	run->stop = false;
	init_waitqueue_head(&run->wq);

	cpu = cpumask_first(cpu_online_mask);
	for (i = 0; i < run->nr_threads; i++) {
		struct gosync_run_thread *t = &run->threads[i];
		struct task_struct *task;

		if (cpu >= nr_cpu_ids) {
			ret = -EINVAL;
			break;
		}
		t->run = run;
		t->id = i;
		t->cpu = cpu;
		task = kthread_create_on_node(gosync_run_thread_fn, t,
					      cpu_to_node(cpu), "gosync/%s:%u",
					      run->name, i);
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			break;
		}
		get_task_struct(task);
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

	if (msleep_interruptible(run->duration_ms))
		ret = -EINTR;
	WRITE_ONCE(run->stop, true);
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
