// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_wpool: an adaptive worker pool with a bounded queue (design, and
 * each exported function's contract, in include/gosync/wpool.h).
 *
 * The lock. One raw spinlock guards the queue, the idle list, the
 * worker list and every count. A submit queues under it and, under it,
 * either wakes an idle worker (taken off the idle list by the waker) or
 * arms the growth (hrtimer, or the grow work at once with no worker): so
 * a job is never queued without a worker on its way or a worker starting,
 * and after shutdown has set GWP_STOPPING under the lock, no submit
 * queues and nothing arms the growth again.
 *
 * Workers. A worker takes jobs under the lock until the queue is empty,
 * then puts itself on the idle list and sleeps (TASK_IDLE) for at most
 * the idle timeout. It exits (returns from its thread function; its
 * task_struct is kept, with a reference, on @workers until reaped) only
 * under the lock: with the queue empty, after a timeout, above @min; or
 * above @max at any time (others remain). Exited workers are reaped with
 * kthread_stop() by the next spawn, by resize and by shutdown, all under
 * @manage, so @workers never holds more than @max exited workers.
 *
 * Starting workers: only under @manage (init, resize, the grow work).
 * The kthread is created asleep, then registered under the lock unless
 * shutdown has begun stopping (then stopped at once), then woken.
 * Shutdown takes @manage after GWP_STOPPING: a spawn in progress is over
 * by then, and every thread it created is on @workers or stopped.
 *
 * Race windows: wpool_submit (submit's lockless state check passed, lock
 * not taken: the state is checked again under it), wpool_retire (a worker
 * timed out idle and is about to exit, lock not taken: the queue is
 * checked again under it) and wpool_spawn (a kthread created, not
 * registered: shutdown waits for it on @manage).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <gosync/ctx.h>
#include <gosync/wpool.h>

#include "internal.h"
#include "trace.h"

/* @state: each only moves forward. */
enum {
	GWP_RUNNING,	/* accepting jobs */
	GWP_DRAINING,	/* shutdown: refusing jobs, running the queue */
	GWP_STOPPING,	/* shutdown: the queue dropped, workers stopping */
	GWP_DEAD,	/* shut down */
};

/* One worker kthread. */
struct gwp_worker {
	struct list_head node;		/* in @workers, until reaped */
	struct list_head idle;		/* in @idle_list while idle */
	struct task_struct *task;	/* a reference of ours */
	struct gosync_wpool *p;
	bool exited;			/* returned from gwp_worker_fn() */
};

static bool gwp_bounds_ok(unsigned int min, unsigned int max)
{
	return max >= 1 && max <= GOSYNC_WPOOL_MAX_WORKERS && min <= max;
}

/* Arm the growth. Called with @lock held, only while not stopping. */
static void gwp_arm_grow(struct gosync_wpool *p)
{
	if (p->nr_workers >= p->max || work_pending(&p->grow_work))
		return;
	if (!p->nr_workers || !p->grow_delay) {
		queue_work(system_unbound_wq, &p->grow_work);
		return;
	}
	/* The first arming stands: the queue's wait is counted from it. */
	if (!hrtimer_is_queued(&p->grow_timer))
		hrtimer_start(&p->grow_timer, p->grow_delay, HRTIMER_MODE_REL);
}

/* A job was queued: wake an idle worker, or grow. Called with @lock. */
static void gwp_kick(struct gosync_wpool *p)
{
	struct gwp_worker *w;

	w = list_first_entry_or_null(&p->idle_list, struct gwp_worker, idle);
	if (w) {
		list_del_init(&w->idle);
		p->nr_idle--;
		wake_up_process(w->task);
		return;
	}
	gwp_arm_grow(p);
}

static enum hrtimer_restart gwp_grow_timer_fn(struct hrtimer *t)
{
	struct gosync_wpool *p = container_of(t, struct gosync_wpool, grow_timer);
	unsigned long flags;

	raw_spin_lock_irqsave(&p->lock, flags);
	if (p->state < GWP_STOPPING)
		queue_work(system_unbound_wq, &p->grow_work);
	raw_spin_unlock_irqrestore(&p->lock, flags);
	return HRTIMER_NORESTART;
}

/*
 * A worker's decision to exit, under @lock: above @max at any time;
 * above @min after an idle timeout, with the queue empty (a job queued
 * meanwhile keeps it: it was not woken because it was not idle).
 */
static bool gwp_may_exit(struct gosync_wpool *p, bool timed_out)
{
	if (p->nr_workers > p->max)
		return true;
	return timed_out && list_empty(&p->queue) && p->nr_workers > p->min;
}

static int gwp_worker_fn(void *data)
{
	struct gwp_worker *w = data;
	struct gosync_wpool *p = w->p;
	bool timed_out = false;

	for (;;) {
		struct gosync_wpool_job *job;
		bool drained;

		if (timed_out)
			gosync_race_window(GOSYNC_RACE_WPOOL_RETIRE, p);
		raw_spin_lock_irq(&p->lock);
		if (!list_empty(&w->idle)) {	/* not taken by a waker */
			list_del_init(&w->idle);
			p->nr_idle--;
		}
		if (p->state >= GWP_STOPPING)
			break;
		if (gwp_may_exit(p, timed_out)) {
			p->nr_workers--;
			p->stats.retired++;
			w->exited = true;
			trace_gosync_wpool_worker(p->name, false, p->nr_workers);
			break;
		}
		job = list_first_entry_or_null(&p->queue, struct gosync_wpool_job,
					       node);
		if (!job) {
			list_add(&w->idle, &p->idle_list);
			p->nr_idle++;
			/* A wake_up_process() from now on ends the sleep. */
			set_current_state(TASK_IDLE);
			raw_spin_unlock_irq(&p->lock);
			timed_out = !schedule_timeout(p->idle_timeout);
			continue;
		}
		list_del_init(&job->node);
		WRITE_ONCE(p->queued, p->queued - 1);
		WRITE_ONCE(p->running, p->running + 1);
		/* Jobs left and no one idle to take them: grow. */
		if (!list_empty(&p->queue) && !p->nr_idle)
			gwp_arm_grow(p);
		raw_spin_unlock_irq(&p->lock);

		/* Pairs with the barrier of the submitters' wait. */
		if (wq_has_sleeper(&p->space_wq))
			wake_up_all(&p->space_wq);
		/* The job's last touch: the function may free it. */
		job->fn(&p->ctx, job);

		raw_spin_lock_irq(&p->lock);
		WRITE_ONCE(p->running, p->running - 1);
		p->stats.done++;
		drained = p->state == GWP_DRAINING && !p->queued && !p->running;
		raw_spin_unlock_irq(&p->lock);
		if (drained)
			wake_up_all(&p->drain_wq);
		timed_out = false;
		cond_resched();
	}
	raw_spin_unlock_irq(&p->lock);
	return 0;
}

/* Reap the exited workers. Called with @manage held; sleeps. */
static void gwp_reap(struct gosync_wpool *p, bool all)
{
	struct gwp_worker *w, *tmp;
	LIST_HEAD(reap);

	raw_spin_lock_irq(&p->lock);
	list_for_each_entry_safe(w, tmp, &p->workers, node)
		if (all || w->exited)
			list_move(&w->node, &reap);
	raw_spin_unlock_irq(&p->lock);
	list_for_each_entry_safe(w, tmp, &reap, node) {
		/* Waits for its exit, or for the job it runs (shutdown). */
		kthread_stop(w->task);
		put_task_struct(w->task);
		raw_spin_lock_irq(&p->lock);
		if (!w->exited) {
			p->nr_workers--;
			trace_gosync_wpool_worker(p->name, false, p->nr_workers);
		}
		p->stats.threads--;
		raw_spin_unlock_irq(&p->lock);
		kfree(w);
	}
}

/*
 * Start one worker. Called with @manage held; sleeps. Return: 0, or
 * -ESHUTDOWN once shutdown stops the workers, or -ENOMEM / -EAGAIN.
 */
static int gwp_spawn(struct gosync_wpool *p)
{
	struct task_struct *t;
	struct gwp_worker *w;

	gwp_reap(p, false);
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->p = p;
	INIT_LIST_HEAD(&w->idle);
	t = kthread_create(gwp_worker_fn, w, "gosync-wp/%s", p->name);
	if (IS_ERR(t)) {
		kfree(w);
		return PTR_ERR(t) == -ENOMEM ? -ENOMEM : -EAGAIN;
	}
	get_task_struct(t);	/* kthread_stop() even after it exited */
	w->task = t;
	raw_spin_lock_irq(&p->lock);
	p->stats.threads++;
	raw_spin_unlock_irq(&p->lock);
	gosync_race_window(GOSYNC_RACE_WPOOL_SPAWN, p);
	raw_spin_lock_irq(&p->lock);
	if (p->state >= GWP_STOPPING) {
		raw_spin_unlock_irq(&p->lock);
		kthread_stop(t);	/* never woken: gwp_worker_fn() never runs */
		put_task_struct(t);
		kfree(w);
		raw_spin_lock_irq(&p->lock);
		p->stats.threads--;
		raw_spin_unlock_irq(&p->lock);
		return -ESHUTDOWN;
	}
	list_add(&w->node, &p->workers);
	p->nr_workers++;
	p->stats.spawned++;
	p->stats.peak_workers = max(p->stats.peak_workers, p->nr_workers);
	trace_gosync_wpool_worker(p->name, true, p->nr_workers);
	raw_spin_unlock_irq(&p->lock);
	wake_up_process(t);
	return 0;
}

/* Is another worker wanted now? Under @lock. */
static bool gwp_want_worker(struct gosync_wpool *p)
{
	if (p->state >= GWP_STOPPING || p->nr_workers >= p->max)
		return false;
	return p->nr_workers < p->min || (p->queued && !p->nr_idle);
}

static void gwp_grow_work_fn(struct work_struct *work)
{
	struct gosync_wpool *p = container_of(work, struct gosync_wpool,
					      grow_work);
	bool want;
	int ret;

	mutex_lock(&p->manage);
	raw_spin_lock_irq(&p->lock);
	want = gwp_want_worker(p);
	raw_spin_unlock_irq(&p->lock);
	ret = want ? gwp_spawn(p) : -EAGAIN;
	raw_spin_lock_irq(&p->lock);
	/* Still behind: one more worker after another delay. */
	if (!ret && gwp_want_worker(p))
		gwp_arm_grow(p);
	raw_spin_unlock_irq(&p->lock);
	mutex_unlock(&p->manage);
}

/* Start workers up to @min. Called with @manage held. */
static int gwp_fill(struct gosync_wpool *p)
{
	int ret = 0;

	for (;;) {
		bool want;

		raw_spin_lock_irq(&p->lock);
		want = p->state == GWP_RUNNING && p->nr_workers < p->min;
		raw_spin_unlock_irq(&p->lock);
		if (!want)
			return ret;
		ret = gwp_spawn(p);
		if (ret)
			return ret;
	}
}

/* /sys/kernel/debug/gosync/wpool/<name>/stats of a named pool (face.c). */
static void gwp_face_show(struct seq_file *m, const void *obj)
{
	struct gosync_wpool_stats st;

	gosync_wpool_stats((struct gosync_wpool *)obj, &st);
	seq_printf(m, "state=%u\nqueued=%u\nrunning=%u\nworkers=%u\nidle=%u\n",
		   st.state, st.queued, st.running, st.workers, st.idle);
	seq_printf(m, "min=%u\nmax=%u\ncapacity=%u\nthreads=%u\npeak_workers=%u\n",
		   st.min, st.max, st.capacity, st.threads, st.peak_workers);
	seq_printf(m, "submitted=%llu\ndone=%llu\ndropped=%llu\nbusy=%llu\n",
		   st.submitted, st.done, st.dropped, st.busy);
	seq_printf(m, "spawned=%llu\nretired=%llu\n", st.spawned, st.retired);
}

DEFINE_GOSYNC_FACE_KIND(wpool, gwp_face_show);

int gosync_wpool_init(struct gosync_wpool *p, struct gosync_ctx *parent,
		      const struct gosync_wpool_opts *opts)
{
	int ret;

	might_sleep();
	if (!p || !opts || !gwp_bounds_ok(opts->min, opts->max) ||
	    !opts->capacity || opts->capacity > GOSYNC_WPOOL_MAX_CAPACITY ||
	    opts->grow_delay_us > GOSYNC_WPOOL_MAX_GROW_DELAY_US ||
	    opts->idle_ms > GOSYNC_WPOOL_MAX_IDLE_MS)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	raw_spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->queue);
	INIT_LIST_HEAD(&p->idle_list);
	INIT_LIST_HEAD(&p->workers);
	p->min = opts->min;
	p->max = opts->max;
	p->capacity = opts->capacity;
	p->grow_delay = ns_to_ktime((u64)opts->grow_delay_us * NSEC_PER_USEC);
	p->idle_timeout = msecs_to_jiffies(opts->idle_ms ? opts->idle_ms :
					   GOSYNC_WPOOL_DEFAULT_IDLE_MS);
	p->drop = opts->drop;
	init_waitqueue_head(&p->space_wq);
	init_waitqueue_head(&p->drain_wq);
	hrtimer_init(&p->grow_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	p->grow_timer.function = gwp_grow_timer_fn;
	INIT_WORK(&p->grow_work, gwp_grow_work_fn);
	mutex_init(&p->manage);
	mutex_init(&p->shutdown_lock);
	if (opts->name)
		strscpy(p->name, opts->name, sizeof(p->name));
	gosync_ctx_init(&p->ctx, parent);
	mutex_lock(&p->manage);
	ret = gwp_fill(p);
	mutex_unlock(&p->manage);
	if (ret) {
		gosync_wpool_shutdown(p, NULL, 0);
		gosync_ctx_put(&p->ctx);
		return ret;
	}
	p->face = __gosync_face_add(&__gosync_wpool_face, opts->name, p);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_wpool_init);

/*
 * Queue @job if the pool runs and has room. Context: any but NMI.
 * Return: 0, -ESHUTDOWN or -EBUSY.
 */
static int gwp_queue(struct gosync_wpool *p, struct gosync_wpool_job *job)
{
	unsigned long flags;
	int ret = 0;

	/* A shut pool refuses without the lock; the lock checks again. */
	if (READ_ONCE(p->state) != GWP_RUNNING)
		return -ESHUTDOWN;
	gosync_race_window(GOSYNC_RACE_WPOOL_SUBMIT, p);
	raw_spin_lock_irqsave(&p->lock, flags);
	if (p->state != GWP_RUNNING) {
		ret = -ESHUTDOWN;
	} else if (p->queued >= p->capacity) {
		ret = -EBUSY;
	} else {
		list_add_tail(&job->node, &p->queue);
		WRITE_ONCE(p->queued, p->queued + 1);
		p->stats.submitted++;
		gwp_kick(p);
	}
	raw_spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

/* Room in the queue, or no more waiting to do. Lockless. */
static bool gwp_room(struct gosync_wpool *p)
{
	return READ_ONCE(p->queued) < p->capacity ||
	       READ_ONCE(p->state) != GWP_RUNNING;
}

/* The blocking submits' one core. */
static int gwp_submit(struct gosync_wpool *p, struct gosync_wpool_job *job,
		      struct gosync_ctx *ctx, long timeout)
{
	unsigned long end = jiffies + timeout;
	int ret;

	might_sleep();
	if (!job || !job->fn)
		return -EINVAL;
	for (;;) {
		long left = timeout;

		ret = gwp_queue(p, job);
		if (ret != -EBUSY || !timeout)
			return ret;
		if (timeout != MAX_SCHEDULE_TIMEOUT) {
			left = (long)(end - jiffies);
			if (left <= 0)
				return -ETIMEDOUT;
		}
		ret = gosync_wait_event_ctx(&p->space_wq, gwp_room(p), ctx,
					    TASK_KILLABLE, left);
		if (ret == -ERESTARTSYS)
			return -EINTR;
		if (ret)
			return ret;
	}
}

int gosync_wpool_submit(struct gosync_wpool *p, struct gosync_wpool_job *job,
			struct gosync_ctx *ctx)
{
	return gwp_submit(p, job, ctx, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_wpool_submit);

int gosync_wpool_submit_timeout(struct gosync_wpool *p,
				struct gosync_wpool_job *job,
				struct gosync_ctx *ctx, long timeout)
{
	return gwp_submit(p, job, ctx, max(timeout, 0L));
}
EXPORT_SYMBOL_GOSYNC(gosync_wpool_submit_timeout);

int gosync_wpool_try_submit(struct gosync_wpool *p,
			    struct gosync_wpool_job *job)
{
	unsigned long flags;
	int ret;

	if (!job || !job->fn)
		return -EINVAL;
	ret = gwp_queue(p, job);
	if (ret == -EBUSY) {
		raw_spin_lock_irqsave(&p->lock, flags);
		p->stats.busy++;
		raw_spin_unlock_irqrestore(&p->lock, flags);
	}
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_wpool_try_submit);

int gosync_wpool_resize(struct gosync_wpool *p, unsigned int min,
			unsigned int max)
{
	struct gwp_worker *w, *tmp;
	int ret;

	might_sleep();
	if (!gwp_bounds_ok(min, max))
		return -EINVAL;
	mutex_lock(&p->manage);
	raw_spin_lock_irq(&p->lock);
	if (p->state != GWP_RUNNING) {
		raw_spin_unlock_irq(&p->lock);
		mutex_unlock(&p->manage);
		return -ESHUTDOWN;
	}
	p->min = min;
	p->max = max;
	/* Workers above @max: the idle ones exit now, the others after. */
	if (p->nr_workers > max) {
		list_for_each_entry_safe(w, tmp, &p->idle_list, idle) {
			list_del_init(&w->idle);
			p->nr_idle--;
			wake_up_process(w->task);
		}
	}
	raw_spin_unlock_irq(&p->lock);
	gwp_reap(p, false);
	ret = gwp_fill(p);
	mutex_unlock(&p->manage);
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_wpool_resize);

static bool gwp_drained(struct gosync_wpool *p)
{
	return !READ_ONCE(p->queued) && !READ_ONCE(p->running);
}

int gosync_wpool_shutdown(struct gosync_wpool *p, struct gosync_ctx *ctx,
			  long timeout)
{
	struct gosync_wpool_job *job, *tmp;
	LIST_HEAD(dropped);
	unsigned int n;

	might_sleep();
	mutex_lock(&p->shutdown_lock);
	raw_spin_lock_irq(&p->lock);
	if (p->state != GWP_RUNNING) {
		raw_spin_unlock_irq(&p->lock);
		mutex_unlock(&p->shutdown_lock);
		return 0;
	}
	WRITE_ONCE(p->state, GWP_DRAINING);
	trace_gosync_wpool_shutdown(p->name, GWP_DRAINING, p->queued,
				    p->running);
	raw_spin_unlock_irq(&p->lock);
	wake_up_all(&p->space_wq);	/* blocked submitters: -ESHUTDOWN */

	if (timeout > 0)
		gosync_wait_event_ctx(&p->drain_wq, gwp_drained(p), ctx,
				      TASK_KILLABLE, timeout);

	raw_spin_lock_irq(&p->lock);
	WRITE_ONCE(p->state, GWP_STOPPING);
	list_splice_init(&p->queue, &dropped);
	n = p->queued;
	WRITE_ONCE(p->queued, 0);
	p->stats.dropped += n;
	trace_gosync_wpool_shutdown(p->name, GWP_STOPPING, n, p->running);
	raw_spin_unlock_irq(&p->lock);
	gosync_ctx_cancel(&p->ctx, -ESHUTDOWN);

	/* No arming after GWP_STOPPING: the timer first, then its work. */
	hrtimer_cancel(&p->grow_timer);
	cancel_work_sync(&p->grow_work);
	/* A spawn in progress is over once we hold @manage. */
	mutex_lock(&p->manage);
	gwp_reap(p, true);
	mutex_unlock(&p->manage);

	list_for_each_entry_safe(job, tmp, &dropped, node) {
		list_del_init(&job->node);
		if (p->drop)
			p->drop(job, -ESHUTDOWN);	/* the last touch */
	}
	raw_spin_lock_irq(&p->lock);
	WRITE_ONCE(p->state, GWP_DEAD);
	trace_gosync_wpool_shutdown(p->name, GWP_DEAD, n, 0);
	raw_spin_unlock_irq(&p->lock);
	mutex_unlock(&p->shutdown_lock);
	return n;
}
EXPORT_SYMBOL_GOSYNC(gosync_wpool_shutdown);

void gosync_wpool_destroy(struct gosync_wpool *p)
{
	might_sleep();
	__gosync_face_del(p->face);	/* no reader of its stats is left */
	p->face = NULL;
	gosync_wpool_shutdown(p, NULL, 0);
	gosync_ctx_put(&p->ctx);
	mutex_destroy(&p->manage);
	mutex_destroy(&p->shutdown_lock);
}
EXPORT_SYMBOL_GOSYNC(gosync_wpool_destroy);

void gosync_wpool_stats(struct gosync_wpool *p, struct gosync_wpool_stats *st)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&p->lock, flags);
	*st = p->stats;
	st->queued = p->queued;
	st->running = p->running;
	st->workers = p->nr_workers;
	st->idle = p->nr_idle;
	st->min = p->min;
	st->max = p->max;
	st->capacity = p->capacity;
	st->state = p->state;
	raw_spin_unlock_irqrestore(&p->lock, flags);
}
EXPORT_SYMBOL_GOSYNC(gosync_wpool_stats);
