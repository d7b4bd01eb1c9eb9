// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_group: an error group (design, and each exported function's
 * contract, in include/gosync/group.h).
 *
 * The count. @jobs counts the jobs started and not ended plus the go
 * calls in progress, plus one, the group's own reference, until the first
 * gosync_group_wait() drops it. A go call takes its count with
 * atomic_inc_not_zero(): it gets one while the group is open or while
 * any job runs (a job may start others while the owner waits), and never
 * once the count reached zero, which is final.
 *
 * The last touch. A job ends with: result stored, first error recorded
 * (and the context cancelled), slot released, job memory freed, and only
 * then its count dropped. The drop that reaches zero is the last thing
 * the group's jobs do to it: that job completes @done (complete_all(),
 * under the completion's lock) and the waiter, which returns from
 * wait_for_completion() only after taking that lock, may free the group.
 * A drop that does not reach zero touches nothing after it. So no job
 * touches @g after gosync_group_wait() returned; the group_done race
 * window sits between the last drop and the completion, where a wake-up
 * through anything the waiter does not wait for would be a use after
 * free (kmod/kunit/group_kunit.c, group_done_window_test).
 *
 * The first error: a cmpxchg of @err from 0; its winner cancels the
 * context with it. What the job did before is visible to the waiter
 * through the completion (and the count's full barrier).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <gosync/ctx.h>
#include <gosync/group.h>
#include <gosync/sem.h>

#include "internal.h"
#include "trace.h"

#define GGRP_CLOSED	0	/* bit of @closed */

/* One job, from its go call to its end. */
struct ggrp_job {
	struct work_struct work;
	struct gosync_group *g;
	gosync_group_fn fn;
	void *arg;
	int *result;
};

int gosync_group_init(struct gosync_group *g, struct gosync_ctx *parent,
		      const struct gosync_group_opts *opts)
{
	static const struct gosync_group_opts defaults;
	int ret;

	if (!opts)
		opts = &defaults;
	if (opts->flags & ~GOSYNC_GROUP_FLAGS)
		return -EINVAL;
	if ((opts->flags & GOSYNC_GROUP_KTHREAD) && opts->wq)
		return -EINVAL;
	if (opts->limit) {
		ret = gosync_sem_init(&g->sem, opts->limit);
		if (ret)
			return ret;
	}
	g->limit = opts->limit;
	g->flags = opts->flags;
	g->wq = opts->wq ? opts->wq : system_unbound_wq;
	g->err = 0;
	g->closed = 0;
	atomic_set(&g->jobs, 1);
	init_completion(&g->done);
	gosync_ctx_init(&g->ctx, parent);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_group_init);

/*
 * Drop a count. The drop to zero completes @done: from then on the
 * waiter may free @g, so after it this touches only what the completion
 * allows (see the top of the file).
 */
static void ggrp_put(struct gosync_group *g)
{
	if (!atomic_dec_and_test(&g->jobs))
		return;
	gosync_race_window(GOSYNC_RACE_GROUP_DONE, g);
	complete_all(&g->done);
}

/* The end of a job: every touch of @g, then its count last. */
static void ggrp_run(struct ggrp_job *job)
{
	struct gosync_group *g = job->g;
	gosync_group_fn fn = job->fn;
	int ret;

	ret = fn(&g->ctx, job->arg);
	if (job->result)
		*job->result = ret;
	if (ret < 0 && !cmpxchg(&g->err, 0, ret)) {
		trace_gosync_group_cancel(fn, ret);
		gosync_ctx_cancel(&g->ctx, ret);
	}
	trace_gosync_group_job(fn, ret);
	kfree(job);	/* the work item may free itself: not touched again */
	if (g->limit)
		gosync_sem_release(&g->sem, 1);
	ggrp_put(g);
}

static void ggrp_work_fn(struct work_struct *work)
{
	ggrp_run(container_of(work, struct ggrp_job, work));
}

static int ggrp_kthread_fn(void *data)
{
	ggrp_run(data);
	return 0;
}

/*
 * The go calls' one core: a count, a slot (@wait: sleep for it), the job,
 * its start. Context: as the callers'.
 */
static int ggrp_go(struct gosync_group *g, gosync_group_fn fn, void *arg,
		   int *result, bool wait)
{
	struct ggrp_job *job;
	int ret;

	if (!fn)
		return -EINVAL;
	/* Pairs with the drop to zero: a closed, finished group stays so. */
	if (!atomic_inc_not_zero(&g->jobs))
		return -ESHUTDOWN;
	ret = gosync_ctx_err(&g->ctx);
	if (ret)
		goto put;
	if (g->limit) {
		if (wait) {
			ret = gosync_sem_acquire(&g->sem, 1, &g->ctx);
			if (ret)
				goto put;
		} else if (!gosync_sem_try_acquire(&g->sem, 1)) {
			ret = -EBUSY;
			goto put;
		}
	}
	job = kmalloc(sizeof(*job), wait ? GFP_KERNEL : GFP_NOWAIT);
	if (!job) {
		ret = -ENOMEM;
		goto release;
	}
	job->g = g;
	job->fn = fn;
	job->arg = arg;
	job->result = result;
	if (g->flags & GOSYNC_GROUP_KTHREAD) {
		struct task_struct *t;

		t = kthread_run(ggrp_kthread_fn, job, "gosync-group");
		if (IS_ERR(t)) {
			kfree(job);
			ret = -EAGAIN;
			goto release;
		}
	} else {
		INIT_WORK(&job->work, ggrp_work_fn);
		queue_work(g->wq, &job->work);
	}
	return 0;
release:
	if (g->limit)
		gosync_sem_release(&g->sem, 1);
put:
	ggrp_put(g);
	return ret;
}

int gosync_group_go(struct gosync_group *g, gosync_group_fn fn, void *arg)
{
	might_sleep();
	return ggrp_go(g, fn, arg, NULL, true);
}
EXPORT_SYMBOL_GOSYNC(gosync_group_go);

int gosync_group_go_result(struct gosync_group *g, gosync_group_fn fn,
			   void *arg, int *result)
{
	might_sleep();
	return ggrp_go(g, fn, arg, result, true);
}
EXPORT_SYMBOL_GOSYNC(gosync_group_go_result);

int gosync_group_try_go(struct gosync_group *g, gosync_group_fn fn,
			void *arg)
{
	if (g->flags & GOSYNC_GROUP_KTHREAD)
		might_sleep();
	return ggrp_go(g, fn, arg, NULL, false);
}
EXPORT_SYMBOL_GOSYNC(gosync_group_try_go);

int gosync_group_wait(struct gosync_group *g)
{
	might_sleep();
	/* The first wait drops the group's own count: closed once idle. */
	if (!test_and_set_bit(GGRP_CLOSED, &g->closed))
		ggrp_put(g);
	/*
	 * Not killable: a job holds @g until its count is dropped. Returns
	 * only after complete_all() released the completion's lock.
	 */
	wait_for_completion(&g->done);
	gosync_ctx_cancel(&g->ctx, -ECANCELED);
	/* Pairs with the cmpxchg: the completion ordered it before us. */
	return READ_ONCE(g->err);
}
EXPORT_SYMBOL_GOSYNC(gosync_group_wait);

int gosync_group_destroy(struct gosync_group *g)
{
	bool closed = test_bit(GGRP_CLOSED, &g->closed);
	int running = atomic_read(&g->jobs) - !closed;

	might_sleep();
	if (WARN_ONCE(running, "%s() of a group with %d jobs running\n",
		      __func__, running))
		return -EBUSY;
	/* A wait of another task's may not be over: the last job's is. */
	if (closed)
		wait_for_completion(&g->done);
	gosync_ctx_put(&g->ctx);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_group_destroy);
