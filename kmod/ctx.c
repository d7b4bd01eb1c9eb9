// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_ctx: cancellation contexts (design, and each exported function's
 * contract, in include/gosync/ctx.h).
 *
 * Locks. The tree's links (parent, children, sibling) of every context
 * are guarded by one raw spinlock, gctx_tree_lock: a put() on one side of
 * a link and a cancellation walking it on the other always meet there,
 * whichever of parent and child goes first, so no context is reached
 * after its put() returned. Each context's watchers are guarded by its
 * own raw lock, taken inside the tree lock by a walk. Both are raw and
 * taken with interrupts off: a cancellation may come from hard interrupt
 * context (a deadline's timer, a driver's handler), also on PREEMPT_RT.
 * wake_up_process() is safe there.
 *
 * Cancel. The cause is set once with a cmpxchg (the first cause wins, and
 * the barrier orders what the canceller did before against the acquire
 * of gosync_ctx_err()); the canceller then wakes the watchers and walks
 * the subtree, cancelling every descendant not cancelled yet. A child
 * linked under a parent whose cause is set either is walked or sees the
 * cause when it links (both under the tree lock).
 *
 * The walk is iterative (pre-order, by the parent pointers), so a deep
 * tree costs no stack in interrupt context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/spinlock.h>

#include <gosync/ctx.h>

#include "internal.h"
#include "trace.h"

static DEFINE_RAW_SPINLOCK(gctx_tree_lock);

static enum hrtimer_restart gctx_timer_fn(struct hrtimer *t)
{
	struct gosync_ctx *ctx = container_of(t, struct gosync_ctx, timer);

	gosync_ctx_cancel(ctx, -ETIMEDOUT);
	return HRTIMER_NORESTART;
}

void gosync_ctx_init(struct gosync_ctx *ctx, struct gosync_ctx *parent)
{
	unsigned long flags;

	ctx->err = 0;
	raw_spin_lock_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->watchers);
	INIT_LIST_HEAD(&ctx->children);
	INIT_LIST_HEAD(&ctx->sibling);
	ctx->parent = NULL;
	ctx->deadline = KTIME_MAX;
	ctx->armed = false;
	/* A context on its owner's stack: a timer debugobjects knows so. */
	if (object_is_on_stack(ctx))
		hrtimer_init_on_stack(&ctx->timer, CLOCK_MONOTONIC,
				      HRTIMER_MODE_ABS_HARD);
	else
		hrtimer_init(&ctx->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_ABS_HARD);
	ctx->timer.function = gctx_timer_fn;
	if (!parent)
		return;
	raw_spin_lock_irqsave(&gctx_tree_lock, flags);
	ctx->parent = parent;
	list_add_tail(&ctx->sibling, &parent->children);
	/* Linked: a cancellation of the parent from now on walks us. */
	ctx->err = READ_ONCE(parent->err);
	raw_spin_unlock_irqrestore(&gctx_tree_lock, flags);
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_init);

/* Wake whoever watches @ctx. Any context. */
static void gctx_wake(struct gosync_ctx *ctx)
{
	struct gosync_ctx_watcher *w;
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	list_for_each_entry(w, &ctx->watchers, node)
		wake_up_process(w->task);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
}

/* The next context after @c in a pre-order walk of @root's subtree. */
static struct gosync_ctx *gctx_next(struct gosync_ctx *root,
				    struct gosync_ctx *c)
{
	if (!list_empty(&c->children))
		return list_first_entry(&c->children, struct gosync_ctx, sibling);
	for (; c != root; c = c->parent)
		if (!list_is_last(&c->sibling, &c->parent->children))
			return list_next_entry(c, sibling);
	return NULL;
}

bool gosync_ctx_cancel(struct gosync_ctx *ctx, int cause)
{
	struct gosync_ctx *c;
	unsigned long flags;
	unsigned int n = 0;

	if (cause >= 0 || cause < -MAX_ERRNO)
		cause = -ECANCELED;
	if (cmpxchg(&ctx->err, 0, cause))
		return false;
	gctx_wake(ctx);
	gosync_race_window(GOSYNC_RACE_CTX_CANCEL, ctx);
	raw_spin_lock_irqsave(&gctx_tree_lock, flags);
	for (c = gctx_next(ctx, ctx); c; c = gctx_next(ctx, c)) {
		if (cmpxchg(&c->err, 0, cause))
			continue;
		gctx_wake(c);
		n++;
	}
	raw_spin_unlock_irqrestore(&gctx_tree_lock, flags);
	trace_gosync_ctx_cancel(cause, n);
	return true;
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_cancel);

int gosync_ctx_set_deadline(struct gosync_ctx *ctx, ktime_t deadline)
{
	unsigned long flags;

	if (deadline < 0)
		return -EINVAL;
	if (deadline == KTIME_MAX)
		return 0;
	if (ktime_compare(deadline, ktime_get()) <= 0) {
		gosync_ctx_cancel(ctx, -ETIMEDOUT);
		return -ETIMEDOUT;
	}
	raw_spin_lock_irqsave(&ctx->lock, flags);
	if (!ctx->armed ||
	    ktime_before(deadline, hrtimer_get_expires(&ctx->timer))) {
		ctx->armed = true;
		hrtimer_start(&ctx->timer, deadline, HRTIMER_MODE_ABS_HARD);
	}
	if (ktime_before(deadline, ctx->deadline))
		ctx->deadline = deadline;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_set_deadline);

ktime_t gosync_ctx_deadline(struct gosync_ctx *ctx)
{
	ktime_t d = KTIME_MAX;
	unsigned long flags;

	raw_spin_lock_irqsave(&gctx_tree_lock, flags);
	for (; ctx; ctx = ctx->parent) {
		raw_spin_lock(&ctx->lock);
		if (ktime_before(ctx->deadline, d))
			d = ctx->deadline;
		raw_spin_unlock(&ctx->lock);
	}
	raw_spin_unlock_irqrestore(&gctx_tree_lock, flags);
	return d;
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_deadline);

void gosync_ctx_watch(struct gosync_ctx *ctx, struct gosync_ctx_watcher *w)
{
	unsigned long flags;

	w->task = current;
	INIT_LIST_HEAD(&w->node);
	if (!ctx)
		return;
	raw_spin_lock_irqsave(&ctx->lock, flags);
	list_add_tail(&w->node, &ctx->watchers);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_watch);

void gosync_ctx_unwatch(struct gosync_ctx *ctx, struct gosync_ctx_watcher *w)
{
	unsigned long flags;

	if (!ctx)
		return;
	raw_spin_lock_irqsave(&ctx->lock, flags);
	list_del_init(&w->node);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_unwatch);

int gosync_ctx_wait_timeout(struct gosync_ctx *ctx, long timeout)
{
	struct gosync_ctx_watcher w;
	int err;

	might_sleep();
	gosync_ctx_watch(ctx, &w);
	for (;;) {
		/* The barrier of set_current_state() pairs with the cmpxchg. */
		set_current_state(TASK_KILLABLE);
		err = gosync_ctx_err(ctx);
		if (err)
			break;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (!timeout)
			break;
		timeout = schedule_timeout(timeout);
	}
	__set_current_state(TASK_RUNNING);
	gosync_ctx_unwatch(ctx, &w);
	return err;
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_wait_timeout);

int gosync_ctx_wait(struct gosync_ctx *ctx)
{
	return gosync_ctx_wait_timeout(ctx, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_wait);

void gosync_ctx_put(struct gosync_ctx *ctx)
{
	struct gosync_ctx *c, *tmp;
	unsigned long flags;

	might_sleep();
	/* No expiry runs after this; the owner no longer arms it. */
	hrtimer_cancel(&ctx->timer);
	raw_spin_lock_irqsave(&gctx_tree_lock, flags);
	if (ctx->parent) {
		list_del_init(&ctx->sibling);
		ctx->parent = NULL;
	}
	list_for_each_entry_safe(c, tmp, &ctx->children, sibling) {
		list_del_init(&c->sibling);
		c->parent = NULL;
	}
	raw_spin_unlock_irqrestore(&gctx_tree_lock, flags);
	WARN_ONCE(!list_empty(&ctx->watchers),
		  "%s() of a context a task still waits on\n", __func__);
	if (object_is_on_stack(ctx))
		destroy_hrtimer_on_stack(&ctx->timer);
}
EXPORT_SYMBOL_GOSYNC(gosync_ctx_put);
