/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_wpool
 *
 * An adaptive worker pool with a bounded queue: Go's pool of goroutines
 * reading jobs from a buffered channel, the kernel way.
 * ``#include <gosync/wpool.h>``.
 *
 * What it is for. A workqueue never says no: queue_work() always
 * queues, and a producer faster than its consumers grows the backlog
 * without bound. A gosync_wpool has a queue of fixed capacity, so a
 * producer feels backpressure: gosync_wpool_submit() sleeps (killable,
 * ended by a context or a timeout) while the queue is full, and
 * gosync_wpool_try_submit() fails with -EBUSY instead. The jobs run on
 * the pool's own kthreads, between @min and @max of them.
 *
 * Jobs. The caller embeds a &struct gosync_wpool_job in its own object,
 * as it would a work_struct, and sets its function with
 * gosync_wpool_job_init(): submitting allocates nothing. A worker calls
 * ``fn(ctx, job)``, ctx being the pool's context (gosync_wpool_ctx(), a
 * child of the parent given at init). Jobs start in submission order
 * (FIFO); with several workers they run concurrently.
 *
 * Ownership. From a successful submit until the pool calls the job's
 * function or its drop callback, the job belongs to the pool: the caller
 * must not touch, resubmit or free it. The pool touches the job for the
 * last time just before it calls one of them: the function (or the drop
 * callback) may free the job, or submit it again. A submit that fails
 * leaves the job with the caller, untouched. Each accepted job is either
 * run exactly once or dropped exactly once.
 *
 * Workers. init starts @min workers (kthreads "gosync-wp/<name>"). A
 * submit wakes an idle worker if there is one; if there is none and the
 * pool has fewer than @max, a new worker is started once the queue has
 * stayed non-empty, with no worker idle, for @grow_delay_us (an hrtimer,
 * then a work on system_unbound_wq; rearmed while that lasts: one new
 * worker per delay). A worker idle for @idle_ms exits if more than @min
 * are left; a worker that finds more than @max workers between jobs exits
 * at once. gosync_wpool_resize() changes @min and @max at run time: it
 * starts workers up to the new @min before it returns, and workers above
 * the new @max exit as they go idle. @min may be 0: a job submitted to a
 * pool without workers starts one at once. An exiting worker decides
 * under the pool's lock with the queue empty, so a job is never left
 * queued with no worker to run it.
 *
 * Shutdown. gosync_wpool_shutdown(pool, ctx, timeout):
 *
 * 1. refuses new jobs at once: submits return -ESHUTDOWN, and blocked
 *    submitters wake with it;
 * 2. lets the workers drain the queue until it is empty and no job runs,
 *    the @timeout passes, @ctx is cancelled (an absolute deadline: a ctx
 *    with gosync_ctx_set_deadline()) or a fatal signal comes;
 * 3. cancels the pool's context with -ESHUTDOWN, so that running jobs
 *    that watch it stop, and takes every job still queued off the queue:
 *    those never run; each is passed to the drop callback
 *    (&gosync_wpool_opts.drop, with -ESHUTDOWN), in the caller's context,
 *    before shutdown returns, and counted as dropped;
 * 4. stops every worker (kthread_stop()), waiting for the jobs running,
 *    including one that ignores the context;
 * 5. returns the number of jobs dropped.
 *
 * After it returns no job runs, no drop callback runs, no worker thread
 * exists and no delayed work of the pool is pending: the pool's memory
 * may be freed after gosync_wpool_destroy(). A second shutdown returns 0
 * once the first one is over. Without a drop callback, dropped jobs are
 * only counted: the owner must be able to find them (it knows what it
 * submitted and what ran).
 *
 * Statistics. gosync_wpool_stats(); a named pool also shows them in
 * /sys/kernel/debug/gosync/wpool/<name>/stats (queued, running, done,
 * dropped, workers, ...). Tracepoints gosync_wpool_worker (a worker
 * started or exited) and gosync_wpool_shutdown (each phase).
 *
 * Contexts: gosync_wpool_try_submit() never sleeps: any context but NMI
 * (on PREEMPT_RT, not hard interrupt context); the pool's lock is a raw
 * spinlock held for a few list operations. gosync_wpool_submit*() sleep
 * only while the queue is full. init, resize, shutdown and destroy sleep
 * (they start and stop kthreads). A job runs in process context, on a
 * kthread of the pool's, and may sleep; it may try_submit to its own
 * pool, but a blocking submit from a job can wait for itself.
 *
 * Limitations. Blocked submitters are not served in FIFO order (all are
 * woken when room frees, the first to take the lock wins). Growth is
 * paced by @grow_delay_us with jiffy resolution. A job that ignores the
 * context delays shutdown for as long as it runs (the hung-task detector
 * names the wait). No per-CPU queue: one lock per submit and per job.
 *
 * Example::
 *
 *	struct req { struct gosync_wpool_job job; ... };
 *
 *	static void handle(struct gosync_ctx *ctx, struct gosync_wpool_job *j)
 *	{
 *		struct req *r = container_of(j, struct req, job);
 *		...				// may check gosync_ctx_err(ctx)
 *		kfree(r);
 *	}
 *
 *	static void drop(struct gosync_wpool_job *j, int cause)
 *	{
 *		kfree(container_of(j, struct req, job));
 *	}
 *
 *	struct gosync_wpool_opts o = { .name = "rx", .min = 1, .max = 8,
 *				       .capacity = 256, .drop = drop };
 *	err = gosync_wpool_init(&pool, NULL, &o);
 *	...
 *	gosync_wpool_job_init(&r->job, handle);
 *	err = gosync_wpool_submit(&pool, &r->job, NULL);  // sleeps if full
 *	if (err)
 *		kfree(r);			// still ours
 *	...
 *	dropped = gosync_wpool_shutdown(&pool, NULL, HZ);  // drain for 1 s
 *	gosync_wpool_destroy(&pool);
 */
#ifndef _GOSYNC_WPOOL_H
#define _GOSYNC_WPOOL_H

#include <linux/bits.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <gosync/ctx.h>
#include <gosync/gosync.h>

struct gosync_face;
struct gosync_wpool_job;

/* Limits, checked by init and resize. */
#define GOSYNC_WPOOL_MAX_WORKERS	1024U	/* largest @max */
#define GOSYNC_WPOOL_MAX_CAPACITY	BIT(20)	/* largest queue */
#define GOSYNC_WPOOL_MAX_GROW_DELAY_US	(10U * USEC_PER_SEC)
#define GOSYNC_WPOOL_MAX_IDLE_MS	(3600U * MSEC_PER_SEC)
/* &gosync_wpool_opts.idle_ms 0 means this. */
#define GOSYNC_WPOOL_DEFAULT_IDLE_MS	5000U

/**
 * typedef gosync_wpool_fn - a job's function
 * @ctx: the pool's context (gosync_wpool_ctx()), cancelled with
 *	-ESHUTDOWN when a shutdown's drain ends, or by its parent
 * @job: the job; the pool does not touch it after this call begins, so
 *	the function may free it or submit it again
 *
 * Runs in process context, on a worker kthread, and may sleep.
 */
typedef void (*gosync_wpool_fn)(struct gosync_ctx *ctx,
				struct gosync_wpool_job *job);

/**
 * typedef gosync_wpool_drop_fn - a queued job that shutdown takes back
 * @job: the job, which never ran and never will; its owner's again
 * @cause: -ESHUTDOWN
 *
 * Called by gosync_wpool_shutdown() (or destroy) in the caller's context,
 * for each job still queued when the drain ended, with no lock held. It
 * may free the job; it must not submit it to the same pool.
 */
typedef void (*gosync_wpool_drop_fn)(struct gosync_wpool_job *job, int cause);

/**
 * struct gosync_wpool_job - a job, embedded in the caller's object
 * @node: its place in the queue, while queued
 * @fn: what a worker calls
 */
struct gosync_wpool_job {
	struct list_head node;
	gosync_wpool_fn fn;
};

/**
 * gosync_wpool_job_init() - set a job's function
 * @job: the job
 * @fn: its function
 *
 * Once, before the first submit; the job may then be submitted again
 * each time the pool has handed it back (called @fn or dropped it).
 *
 * Context: any context.
 */
static inline void gosync_wpool_job_init(struct gosync_wpool_job *job,
					 gosync_wpool_fn fn)
{
	INIT_LIST_HEAD(&job->node);
	job->fn = fn;
}

/**
 * struct gosync_wpool_opts - a pool's shape
 * @name: NULL or a name (cut to %GOSYNC_NAME_MAX - 1 bytes): the workers'
 *	thread name, the debugfs face and the tracepoints; copied
 * @min: workers always there, 0 to %GOSYNC_WPOOL_MAX_WORKERS, <= @max
 * @max: most workers, 1 to %GOSYNC_WPOOL_MAX_WORKERS
 * @capacity: most jobs queued (not counting those running), 1 to
 *	%GOSYNC_WPOOL_MAX_CAPACITY
 * @grow_delay_us: how long the queue must stay non-empty with no idle
 *	worker before another worker starts, up to
 *	%GOSYNC_WPOOL_MAX_GROW_DELAY_US; 0 starts one at once
 * @idle_ms: how long a worker above @min waits for a job before it
 *	exits, up to %GOSYNC_WPOOL_MAX_IDLE_MS; 0 for
 *	%GOSYNC_WPOOL_DEFAULT_IDLE_MS
 * @drop: called for each job shutdown drops; NULL to only count them
 */
struct gosync_wpool_opts {
	const char *name;
	unsigned int min;
	unsigned int max;
	unsigned int capacity;
	unsigned int grow_delay_us;
	unsigned int idle_ms;
	gosync_wpool_drop_fn drop;
};

/**
 * struct gosync_wpool_stats - a pool's counters, read under its lock
 * @queued: jobs waiting in the queue now
 * @running: jobs running now
 * @workers: worker threads now (running a job or idle)
 * @idle: of which idle
 * @min: the current minimum of workers
 * @max: the current maximum
 * @capacity: the queue's capacity
 * @submitted: jobs accepted since init
 * @done: jobs whose function returned
 * @dropped: jobs dropped by shutdown
 * @busy: try_submit calls refused with -EBUSY (queue full)
 * @spawned: workers started since init
 * @retired: workers that exited idle or above @max
 * @peak_workers: most workers at once
 * @threads: worker kthreads created and not yet reaped (exited workers
 *	are reaped when the next one starts, at resize and at shutdown)
 * @state: 0 running, 1 draining, 2 stopping, 3 shut down
 */
struct gosync_wpool_stats {
	unsigned int queued;
	unsigned int running;
	unsigned int workers;
	unsigned int idle;
	unsigned int min;
	unsigned int max;
	unsigned int capacity;
	u64 submitted;
	u64 done;
	u64 dropped;
	u64 busy;
	u64 spawned;
	u64 retired;
	unsigned int peak_workers;
	unsigned int threads;
	unsigned int state;
};

/**
 * struct gosync_wpool - an adaptive worker pool
 * @lock: guards everything below up to @stats (raw: try_submit may run
 *	with interrupts off)
 * @queue: the jobs waiting, oldest first
 * @idle_list: the idle workers, last idle first
 * @workers: every worker not yet reaped (running, idle or exited)
 * @queued: jobs in @queue
 * @nr_workers: workers that have not exited
 * @nr_idle: workers in @idle_list
 * @running: jobs running
 * @min: minimum of workers
 * @max: maximum of workers
 * @state: running, draining, stopping, dead (GWP_* in wpool.c)
 * @stats: the counters
 * @capacity: most jobs queued
 * @grow_delay: ktime
 * @idle_timeout: jiffies
 * @drop: &gosync_wpool_opts.drop
 * @ctx: the jobs' context
 * @space_wq: submitters waiting for room; shutdown
 * @drain_wq: shutdown waiting for the drain
 * @grow_timer: queues @grow_work once the queue has waited @grow_delay
 * @grow_work: starts workers
 * @manage: serializes starting and reaping workers
 * @shutdown_lock: serializes shutdowns
 * @face: the debugfs face
 * @name: &gosync_wpool_opts.name
 *
 * Opaque: use the functions below.
 */
struct gosync_wpool {
	raw_spinlock_t lock;
	struct list_head queue;
	struct list_head idle_list;
	struct list_head workers;
	unsigned int queued;
	unsigned int nr_workers;
	unsigned int nr_idle;
	unsigned int running;
	unsigned int min;
	unsigned int max;
	unsigned int state;
	struct gosync_wpool_stats stats;
	unsigned int capacity;
	ktime_t grow_delay;
	unsigned long idle_timeout;
	gosync_wpool_drop_fn drop;
	struct gosync_ctx ctx;
	struct wait_queue_head space_wq;
	struct wait_queue_head drain_wq;
	struct hrtimer grow_timer;
	struct work_struct grow_work;
	struct mutex manage;		/* starting, reaping workers */
	struct mutex shutdown_lock;	/* one shutdown at a time */
	struct gosync_face *face;
	char name[GOSYNC_NAME_MAX];
};

/**
 * gosync_wpool_init() - start a pool with its minimum of workers
 * @p: the pool
 * @parent: the parent of the pool's context, or NULL; its cancellation
 *	cancels the jobs' context (the pool goes on accepting and running
 *	jobs: they see the cancelled context)
 * @opts: its shape (see &struct gosync_wpool_opts)
 *
 * Context: process context; sleeps (starts @min kthreads).
 * Return: 0; -EINVAL for an option out of its range (@p is then
 * untouched); -ENOMEM or -EAGAIN if a worker could not be started
 * (nothing is left behind).
 */
int gosync_wpool_init(struct gosync_wpool *p, struct gosync_ctx *parent,
		      const struct gosync_wpool_opts *opts);

/**
 * gosync_wpool_submit() - queue a job, sleeping while the queue is full
 * @p: the pool
 * @job: the job (gosync_wpool_job_init() done), not queued in any pool
 * @ctx: a context whose cancellation ends the wait, or NULL
 *
 * Context: process context; sleeps while the queue is full
 * (TASK_KILLABLE).
 * Return: 0 if the job was queued (the pool owns it now); -ESHUTDOWN if
 * the pool's shutdown has begun (also for a submitter it wakes); the
 * cause of @ctx's cancellation; -EINTR on a fatal signal; -EINVAL for a
 * job without a function. On error the job is the caller's, untouched.
 */
int gosync_wpool_submit(struct gosync_wpool *p, struct gosync_wpool_job *job,
			struct gosync_ctx *ctx);

/**
 * gosync_wpool_submit_timeout() - gosync_wpool_submit() for at most a while
 * @p: the pool
 * @job: the job
 * @ctx: a context whose cancellation ends the wait, or NULL
 * @timeout: jiffies to wait for room; 0 is gosync_wpool_try_submit()
 *	from process context
 *
 * Context: process context; sleeps while the queue is full
 * (TASK_KILLABLE).
 * Return: as gosync_wpool_submit(); -ETIMEDOUT if @timeout passed with
 * the queue full (-EBUSY for a @timeout of 0).
 */
int gosync_wpool_submit_timeout(struct gosync_wpool *p,
				struct gosync_wpool_job *job,
				struct gosync_ctx *ctx, long timeout);

/**
 * gosync_wpool_try_submit() - queue a job if there is room now
 * @p: the pool
 * @job: the job
 *
 * Never sleeps. With no worker idle, it arms the pool's grow work (a
 * delayed work).
 *
 * Context: any context but NMI; on PREEMPT_RT, not hard interrupt
 * context.
 * Return: 0 if the job was queued; -EBUSY if the queue is full;
 * -ESHUTDOWN; -EINVAL, as gosync_wpool_submit().
 */
int gosync_wpool_try_submit(struct gosync_wpool *p,
			    struct gosync_wpool_job *job);

/**
 * gosync_wpool_resize() - change the number of workers at run time
 * @p: the pool
 * @min: the new minimum, <= @max
 * @max: the new maximum, 1 to %GOSYNC_WPOOL_MAX_WORKERS
 *
 * Starts workers up to @min before it returns; workers above @max exit
 * as soon as they are between jobs (a running job is never interrupted).
 *
 * Context: process context; sleeps (starts kthreads, reaps exited ones).
 * Never from a job of @p (shutdown holds what resize waits for while it
 * waits for the jobs).
 * Return: 0; -EINVAL for bad bounds (nothing changes); -ESHUTDOWN once
 * a shutdown has begun; -ENOMEM or -EAGAIN if a worker could not be
 * started (the bounds are changed, fewer than @min workers run until
 * the pool grows with its queue).
 */
int gosync_wpool_resize(struct gosync_wpool *p, unsigned int min,
			unsigned int max);

/**
 * gosync_wpool_shutdown() - refuse new jobs, drain, drop the rest, stop
 * @p: the pool
 * @ctx: a context whose cancellation ends the drain early (an absolute
 *	deadline), or NULL
 * @timeout: jiffies the drain may last; 0 drops every queued job at
 *	once; MAX_SCHEDULE_TIMEOUT drains to the end
 *
 * See "Shutdown" above. The drain also ends on a fatal signal; the rest
 * of the shutdown is done anyway: when this returns, no job of @p runs or
 * will, and no worker thread is left.
 *
 * Context: process context; sleeps (killable during the drain, then
 * uninterruptibly for the running jobs). Never from a job of @p.
 * Return: the number of jobs dropped (never run) by this call; 0 if the
 * pool was already shut down.
 */
int gosync_wpool_shutdown(struct gosync_wpool *p, struct gosync_ctx *ctx,
			  long timeout);

/**
 * gosync_wpool_destroy() - the owner is done with a pool
 * @p: the pool
 *
 * Shuts the pool down with a timeout of 0 if no shutdown has (every
 * queued job dropped, running jobs waited for), removes its face and puts
 * its context. @p may then be freed. No other call on @p may be in
 * progress or start (a submitter that shutdown woke must have returned):
 * the owner's rule, as for any object.
 *
 * Context: process context; sleeps. Never from a job of @p.
 */
void gosync_wpool_destroy(struct gosync_wpool *p);

/**
 * gosync_wpool_stats() - a snapshot of a pool's counters
 * @p: the pool
 * @st: filled in
 *
 * Context: any context but NMI (the pool's raw lock).
 */
void gosync_wpool_stats(struct gosync_wpool *p, struct gosync_wpool_stats *st);

/**
 * gosync_wpool_ctx() - the context the pool's jobs get
 * @p: the pool
 *
 * Valid until gosync_wpool_destroy(); to derive contexts from or check.
 *
 * Context: any context.
 * Return: the pool's context.
 */
static inline struct gosync_ctx *gosync_wpool_ctx(struct gosync_wpool *p)
{
	return &p->ctx;
}

#endif /* _GOSYNC_WPOOL_H */
