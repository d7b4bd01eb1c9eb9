/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_ctx
 *
 * Cancellation, Go's context.Context the kernel way: a tree of contexts,
 * each cancelled once with a cause, by its owner, by its parent's
 * cancellation or by its deadline. ``#include <gosync/ctx.h>``.
 *
 * A context starts live (gosync_ctx_err() is 0). gosync_ctx_cancel()
 * makes it cancelled with a cause (a negative errno: -ECANCELED for
 * plain cancellation, -ETIMEDOUT when its deadline passed, or any errno
 * the canceller chooses), and with it every descendant, each with the
 * same cause, unless cancelled before. The first cause stays: a second
 * cancel changes nothing. A child never cancels its parent.
 *
 * Deadlines. gosync_ctx_set_deadline() arms an hrtimer (CLOCK_MONOTONIC,
 * hard interrupt context) that cancels the context with -ETIMEDOUT. A
 * child's deadline is never later than its parent's: the parent's timer
 * cancels the child too, and gosync_ctx_deadline() returns the earliest
 * deadline of the context and its ancestors.
 *
 * Waiting. gosync_ctx_wait() sleeps until the context is cancelled. A
 * primitive that sleeps for its own reason (a semaphore, a barrier)
 * watches the context instead: between gosync_ctx_watch() and
 * gosync_ctx_unwatch(), a cancellation wakes the watching task with
 * wake_up_process() wherever it sleeps, and the task checks
 * gosync_ctx_err() with its own condition. Users may do the same in their
 * own wait loops. gosync's own blocking calls take a context in their
 * _ctx flavour (gosync_barrier_wait_ctx(),
 * gosync_phaser_arrive_and_await_advance_ctx(),
 * gosync_phaser_await_advance_ctx(), gosync_once_do_ctx()): a cancelled
 * waiter behaves as an interrupted one and returns the cause.
 *
 * Contexts: gosync_ctx_cancel(), gosync_ctx_err(), gosync_ctx_done(),
 * gosync_ctx_deadline() and the watch calls work in any context, hard
 * interrupts included (the locks are raw spinlocks, the wake-ups
 * wake_up_process(), also on PREEMPT_RT); a cancellation's cost grows
 * with the number of descendants and watchers it wakes. gosync_ctx_init()
 * and gosync_ctx_set_deadline() may be called from any context but
 * hardirq; gosync_ctx_wait*() and gosync_ctx_put() sleep.
 *
 * Lifetime. A context lives in its owner's memory, from gosync_ctx_init()
 * to gosync_ctx_put(); on a stack, the task that inits it puts it. put()
 * detaches it from its parent and its children from it (they go on, as
 * roots, with their own state and deadline), and
 * stops its timer; after it returns, no cancellation reaches the memory.
 * Parent and child may be put in either order, concurrently with
 * cancellations anywhere in the tree. A context must not be put while a
 * task waits on it or watches it, nor cancelled directly by another task
 * once its put() may have started (its owner's rule, as for any object).
 *
 * Example::
 *
 *	struct gosync_ctx ctx;
 *
 *	gosync_ctx_init(&ctx, parent);		// parent may be NULL
 *	gosync_ctx_set_deadline(&ctx, ktime_add_ms(ktime_get(), 500));
 *	while (!(err = gosync_ctx_err(&ctx)))
 *		do_some_work();			// stops within one step
 *	gosync_ctx_put(&ctx);
 *	return err;	// -ETIMEDOUT, -ECANCELED or the canceller's errno
 */
#ifndef _GOSYNC_CTX_H
#define _GOSYNC_CTX_H

#include <linux/compiler.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <gosync/gosync.h>

struct task_struct;

/**
 * struct gosync_ctx - a cancellation context
 * @err: 0 while live, the cause once cancelled (set once)
 * @lock: guards @watchers
 * @watchers: the struct gosync_ctx_watcher of the tasks to wake
 * @parent: the parent, NULL for a root (under the tree lock)
 * @children: its children (under the tree lock)
 * @sibling: its place in its parent's @children
 * @deadline: its own deadline (under @lock); KTIME_MAX for none
 * @timer: cancels it at its own deadline
 * @armed: @timer was started
 *
 * Opaque: use the functions below.
 */
struct gosync_ctx {
	int err;
	raw_spinlock_t lock;
	struct list_head watchers;
	struct gosync_ctx *parent;
	struct list_head children;
	struct list_head sibling;
	ktime_t deadline;
	struct hrtimer timer;
	bool armed;
};

/**
 * struct gosync_ctx_watcher - a task that a cancellation must wake
 * @node: its place in the context's watchers
 * @task: the task
 *
 * On the watcher's stack, between gosync_ctx_watch() and
 * gosync_ctx_unwatch().
 */
struct gosync_ctx_watcher {
	struct list_head node;
	struct task_struct *task;
};

/**
 * gosync_ctx_init() - start a live context
 * @ctx: the context
 * @parent: its parent, or NULL for a root
 *
 * A child of a cancelled parent starts cancelled, with the parent's
 * cause; it inherits the parent's deadline (gosync_ctx_deadline()).
 *
 * Context: any context but hardirq.
 */
void gosync_ctx_init(struct gosync_ctx *ctx, struct gosync_ctx *parent);

/**
 * gosync_ctx_cancel() - cancel a context and its descendants
 * @ctx: the context
 * @cause: a negative errno; anything else (0, a positive value, below
 *	-MAX_ERRNO) means -ECANCELED
 *
 * Wakes every task waiting on or watching @ctx or a descendant. A
 * context cancelled before keeps its cause.
 *
 * Context: any context, hardirq included.
 * Return: true if this call cancelled @ctx, false if it was cancelled
 * before.
 */
bool gosync_ctx_cancel(struct gosync_ctx *ctx, int cause);

/**
 * gosync_ctx_err() - the cause of a context's cancellation
 * @ctx: the context; NULL is a context never cancelled
 *
 * One load. What a cancellation made visible before it is visible
 * after it returns non-zero (acquire).
 *
 * Context: any context.
 * Return: 0 while @ctx is live, else its cause (a negative errno).
 */
static inline int gosync_ctx_err(const struct gosync_ctx *ctx)
{
	/* Pairs with the cmpxchg (a full barrier) of the cancellation. */
	return ctx ? smp_load_acquire(&ctx->err) : 0;
}

/**
 * gosync_ctx_done() - whether a context is cancelled
 * @ctx: the context; NULL is a context never cancelled
 *
 * Context: any context.
 * Return: true once gosync_ctx_err() is non-zero.
 */
static inline bool gosync_ctx_done(const struct gosync_ctx *ctx)
{
	return gosync_ctx_err(ctx) != 0;
}

/**
 * gosync_ctx_set_deadline() - cancel a context with -ETIMEDOUT at a time
 * @ctx: the context
 * @deadline: CLOCK_MONOTONIC time (ktime_get()); KTIME_MAX for none
 *
 * Only brings the deadline closer: a later one than the context's
 * current deadline (its own or its parent's) changes nothing. A deadline
 * already past cancels at once.
 *
 * Context: any context but hardirq.
 * Return: 0; -ETIMEDOUT if the deadline is already past (@ctx is then
 * cancelled, or was); -EINVAL for a negative @deadline.
 */
int gosync_ctx_set_deadline(struct gosync_ctx *ctx, ktime_t deadline);

/**
 * gosync_ctx_deadline() - when a context will be cancelled at the latest
 * @ctx: the context
 *
 * Context: any context.
 * Return: the earliest deadline of @ctx and its ancestors, KTIME_MAX for
 * none.
 */
ktime_t gosync_ctx_deadline(struct gosync_ctx *ctx);

/**
 * gosync_ctx_watch() - have a context's cancellation wake the caller
 * @ctx: the context; NULL watches nothing
 * @w: the caller's watcher, on its stack
 *
 * Until gosync_ctx_unwatch(), a cancellation of @ctx wakes current with
 * wake_up_process(). The caller then sleeps as usual (set its state, check
 * its condition and gosync_ctx_err(), schedule()): a cancellation between
 * the check and schedule() makes schedule() return at once.
 *
 * Context: any context.
 */
void gosync_ctx_watch(struct gosync_ctx *ctx, struct gosync_ctx_watcher *w);

/**
 * gosync_ctx_unwatch() - end gosync_ctx_watch()
 * @ctx: the context given to gosync_ctx_watch()
 * @w: the watcher
 *
 * Context: any context.
 */
void gosync_ctx_unwatch(struct gosync_ctx *ctx, struct gosync_ctx_watcher *w);

/**
 * gosync_ctx_wait() - sleep until a context is cancelled
 * @ctx: the context
 *
 * Context: process context; sleeps (killable).
 * Return: the cause, or -EINTR if a fatal signal came first.
 */
int gosync_ctx_wait(struct gosync_ctx *ctx);

/**
 * gosync_ctx_wait_timeout() - gosync_ctx_wait() for at most a while
 * @ctx: the context
 * @timeout: jiffies
 *
 * Context: process context; sleeps (killable).
 * Return: the cause; 0 if @timeout passed first; -EINTR if a fatal signal
 * came first.
 */
int gosync_ctx_wait_timeout(struct gosync_ctx *ctx, long timeout);

/**
 * gosync_ctx_put() - the owner is done with a context
 * @ctx: the context
 *
 * Detaches it from its parent and its children from it (they stay as
 * they are, roots from now on), and stops its timer (waiting for a
 * running expiry). Cancels nothing. No task may wait on or watch @ctx.
 *
 * Context: process context; may sleep.
 */
void gosync_ctx_put(struct gosync_ctx *ctx);

#endif /* _GOSYNC_CTX_H */
