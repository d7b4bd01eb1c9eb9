/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_group
 *
 * An error group, Go's golang.org/x/sync/errgroup the kernel way: start
 * jobs, wait for all of them, get the first error; the first error
 * cancels the others through the group's context.
 * ``#include <gosync/group.h>``.
 *
 * gosync_group_init() starts a group with a context of its own
 * (gosync_group_ctx(), a child of the caller's, which may be NULL).
 * gosync_group_go(g, fn, arg) runs ``fn(ctx, arg)`` with that context, on
 * a workqueue (system_unbound_wq by default, or the caller's) or, with
 * %GOSYNC_GROUP_KTHREAD, on a kthread of its own. gosync_group_wait()
 * waits for every job and returns the first error a job returned (a
 * negative value; a job's value >= 0 is a success). That first error
 * cancels the group's context with itself as the cause: jobs that poll
 * gosync_ctx_err() or wait on it stop early, and gosync_group_go() starts
 * no job once the context is cancelled (it returns the cause). A parent's
 * cancellation does the same with the parent's cause. After the jobs end,
 * gosync_group_wait() cancels the context with -ECANCELED, as Go's Wait
 * does, so that anything derived from it ends too.
 *
 * Limit. With a limit of K (&gosync_group_opts.limit), at most K jobs
 * run at once: gosync_group_go() sleeps for a free slot (a weighted
 * semaphore, include/gosync/sem.h, FIFO), killable and ended by the
 * group's cancellation; gosync_group_try_go() returns -EBUSY instead.
 * A limit of 0 (%GOSYNC_GROUP_NO_LIMIT) never waits.
 *
 * Results. gosync_group_go_result() also stores the job's return value in
 * the caller's int; every result is there once gosync_group_wait()
 * returns (a job refused by go gets none).
 *
 * Waiting is not interruptible, unlike gosync's other waits: a job holds
 * a pointer to the group until it ends, so gosync_group_wait() cannot
 * return, for a signal or anything else, while one runs. A job that
 * ignores the cancellation is waited for, however long it takes (the
 * hung-task detector names a wait stuck behind it). The last job's
 * completion is a completion's handshake (complete_all() under its lock,
 * which the waiter takes before returning): once gosync_group_wait() has
 * returned, no job touches the group, and its memory may be freed.
 *
 * Lifetime and reuse. init, any number of go calls (also from the jobs
 * themselves, while gosync_group_wait() waits: a running job keeps the
 * group open), wait, destroy. Once gosync_group_wait() has seen every job
 * end, the group is closed: go calls return -ESHUTDOWN, further waits
 * return the same error at once. To reuse the memory, destroy it and init
 * it again. gosync_group_destroy() of a group with jobs running, or with
 * a go call in progress, WARNs once and returns -EBUSY, touching nothing
 * (the jobs go on; wait for them and destroy again).
 *
 * Contexts: gosync_group_go(), _go_result() and wait sleep (process
 * context). gosync_group_try_go() in workqueue mode never sleeps: any
 * context but hard interrupts and NMI (GFP_NOWAIT, queue_work()), and on
 * PREEMPT_RT not with interrupts off or a raw spinlock held either (the
 * allocator's locks sleep there); in
 * kthread mode it creates a kthread and so sleeps like go, only never
 * waiting for a slot. A job runs in process context (a worker or its
 * kthread) and may sleep.
 *
 * Cost. A job is one small allocation (GFP_KERNEL; GFP_NOWAIT for
 * try_go) and one queue_work() or kthread_run(); with a limit, one
 * cmpxchg to take its slot and one to give it back while the group is
 * not full.
 *
 * Example, probe every port, stop at the first failure::
 *
 *	struct gosync_group g;
 *	struct gosync_group_opts o = { .limit = 4 };
 *	int i, err;
 *
 *	gosync_group_init(&g, NULL, &o);
 *	for (i = 0; i < nr_ports; i++)
 *		if (gosync_group_go(&g, probe_port, &port[i]))
 *			break;		// cancelled by a failed probe
 *	err = gosync_group_wait(&g);	// the first probe's error, or 0
 *	gosync_group_destroy(&g);
 *
 *	static int probe_port(struct gosync_ctx *ctx, void *arg)
 *	{
 *		...
 *		if (gosync_ctx_err(ctx))	// another probe failed
 *			return gosync_ctx_err(ctx);
 *		...
 *	}
 */
#ifndef _GOSYNC_GROUP_H
#define _GOSYNC_GROUP_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/types.h>

#include <gosync/ctx.h>
#include <gosync/gosync.h>
#include <gosync/sem.h>

struct workqueue_struct;

/* &gosync_group_opts.limit for a group without a limit. */
#define GOSYNC_GROUP_NO_LIMIT	0U

/* Flags of &gosync_group_opts.flags. */
#define GOSYNC_GROUP_KTHREAD	BIT(0)	/* each job on a kthread of its own */
#define GOSYNC_GROUP_FLAGS	GOSYNC_GROUP_KTHREAD

/**
 * typedef gosync_group_fn - a job of a group
 * @ctx: the group's context (gosync_group_ctx()), cancelled by the
 *	group's first error, its parent or the end of gosync_group_wait()
 * @arg: the go call's @arg
 *
 * Runs in process context and may sleep.
 *
 * Return: >= 0 for success; a negative errno fails the group.
 */
typedef int (*gosync_group_fn)(struct gosync_ctx *ctx, void *arg);

/**
 * struct gosync_group_opts - how a group runs its jobs
 * @limit: jobs that may run at once; %GOSYNC_GROUP_NO_LIMIT (0) for any
 *	number
 * @wq: the workqueue of the jobs; NULL for system_unbound_wq; must be
 *	NULL with %GOSYNC_GROUP_KTHREAD. It must outlive every job, and a
 *	job must not wait for another on an ordered (or max_active 1) queue.
 * @flags: %GOSYNC_GROUP_KTHREAD, or 0
 */
struct gosync_group_opts {
	unsigned int limit;
	struct workqueue_struct *wq;
	unsigned int flags;
};

/**
 * struct gosync_group - an error group
 * @ctx: the jobs' context
 * @sem: the running jobs' slots (with a limit)
 * @done: completed (all) when the last job ended after the group closed
 * @jobs: jobs running and go calls in progress, plus one until the group
 *	closes (the first gosync_group_wait())
 * @err: the first job's error, 0 if none (set once)
 * @closed: a gosync_group_wait() has started
 * @limit: &gosync_group_opts.limit
 * @flags: &gosync_group_opts.flags
 * @wq: where jobs run (workqueue mode)
 *
 * Opaque: use the functions below.
 */
struct gosync_group {
	struct gosync_ctx ctx;
	struct gosync_sem sem;
	struct completion done;
	atomic_t jobs;
	int err;
	unsigned long closed;
	unsigned int limit;
	unsigned int flags;
	struct workqueue_struct *wq;
};

/**
 * gosync_group_init() - start an empty group
 * @g: the group
 * @parent: the parent of the group's context, or NULL; its cancellation
 *	cancels the group
 * @opts: limit, executor and flags; NULL for no limit on system_unbound_wq
 *
 * Context: process context (may sleep in a later version; today it
 * does not).
 * Return: 0; -EINVAL for unknown flags or a workqueue with
 * %GOSYNC_GROUP_KTHREAD (@g is then untouched).
 */
int gosync_group_init(struct gosync_group *g, struct gosync_ctx *parent,
		      const struct gosync_group_opts *opts);

/**
 * gosync_group_go() - run a job in a group, waiting for a slot
 * @g: the group
 * @fn: the job
 * @arg: its argument
 *
 * Sleeps while the group's limit of running jobs is reached (FIFO among
 * go calls), until a slot frees, the group's context is cancelled (the
 * group's first error, its parent) or a fatal signal comes. A cancelled
 * group starts nothing.
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: 0 if the job was started; the cause of the group context's
 * cancellation; -EINTR on a fatal signal; -ENOMEM; -EAGAIN if a kthread
 * could not be created; -ESHUTDOWN once the group has been waited for;
 * -EINVAL for a NULL @fn. On error the job never runs.
 */
int gosync_group_go(struct gosync_group *g, gosync_group_fn fn, void *arg);

/**
 * gosync_group_go_result() - gosync_group_go(), keeping the job's result
 * @g: the group
 * @fn: the job
 * @arg: its argument
 * @result: where the job's return value goes; it must stay valid until
 *	gosync_group_wait() returns, and is read only after it
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: as gosync_group_go(); on error *@result is not written.
 */
int gosync_group_go_result(struct gosync_group *g, gosync_group_fn fn,
			   void *arg, int *result);

/**
 * gosync_group_try_go() - run a job in a group if a slot is free now
 * @g: the group
 * @fn: the job
 * @arg: its argument
 *
 * gosync_group_go() that never waits for a slot, and allocates with
 * GFP_NOWAIT.
 *
 * Context: workqueue mode: any context but hardirq and NMI (with
 * PREEMPT_RT, not under a raw spinlock or with interrupts off), never
 * sleeps; kthread mode: process context, sleeps to create the kthread.
 * Return: 0 if the job was started; -EBUSY if the limit of running jobs
 * is reached (or go calls wait for a slot); the cause of the group
 * context's cancellation; -ENOMEM; -EAGAIN; -ESHUTDOWN; -EINVAL, as
 * gosync_group_go().
 */
int gosync_group_try_go(struct gosync_group *g, gosync_group_fn fn,
			void *arg);

/**
 * gosync_group_wait() - wait for every job; the first error
 * @g: the group
 *
 * Closes the group to new jobs once none runs (a running job may still
 * start others), waits for every job, including those that ignore the
 * cancellation, then cancels the group's context with -ECANCELED (if no
 * error did). After it returns, no job touches @g. Further calls return
 * the same at once.
 *
 * Context: process context; sleeps, uninterruptibly (TASK_UNINTERRUPTIBLE):
 * a job holds the group until it ends. Never from a job of @g.
 * Return: the first error a job returned, 0 if none failed.
 */
int gosync_group_wait(struct gosync_group *g);

/**
 * gosync_group_ctx() - the context the group's jobs get
 * @g: the group
 *
 * To derive contexts from, cancel the group from outside
 * (gosync_ctx_cancel() with a cause: go calls then fail with it), or
 * check it. Valid until gosync_group_destroy().
 *
 * Context: any context.
 * Return: the group's context.
 */
static inline struct gosync_ctx *gosync_group_ctx(struct gosync_group *g)
{
	return &g->ctx;
}

/**
 * gosync_group_destroy() - the owner is done with a group
 * @g: the group
 *
 * Puts the group's context. A group with jobs running or go calls in
 * progress is refused, with a WARN once: that is a bug of the caller,
 * which must gosync_group_wait() first. A group that started no job may
 * be destroyed without a wait.
 *
 * Context: process context; may sleep.
 * Return: 0; -EBUSY if jobs run (nothing is changed then).
 */
int gosync_group_destroy(struct gosync_group *g);

#endif /* _GOSYNC_GROUP_H */
