// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_once: a function run until it succeeds, once at a time (design,
 * and each exported function's contract, in include/gosync/once.h).
 *
 * The lock is bit 0 of @lock, taken with test_and_set_bit_lock() and
 * waited for on the kernel's hashed wait queues (wait_var_event()), so
 * the object needs no wait queue, no mutex and no destructor, and
 * DEFINE_GOSYNC_ONCE() is a plain static initializer.
 *
 * Under the lock, @runs counts the runs that ended and @last holds the
 * latest result. A caller reads @runs before it waits: if it changed by
 * the time the caller holds the lock, a run ended while it waited, and
 * the caller returns that run's result rather than running @fn again.
 * So callers that pile up behind a failing run all get its failure, and
 * only a later call retries: a failing probe runs once per wave of
 * callers, not once per caller.
 *
 * @done is published last, with release, after @result: the inline done
 * path reads it with acquire and then @result. Nothing ever clears it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait_bit.h>

#include <gosync/ctx.h>
#include <gosync/once.h>

#include "internal.h"
#include "trace.h"

#define GONCE_LOCK	0

int gosync_once_init(struct gosync_once *once, unsigned int flags)
{
	if (flags & ~GOSYNC_ONCE_FLAGS)
		return -EINVAL;
	*once = (struct gosync_once){ .flags = flags };
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_once_init);

static bool gonce_trylock(struct gosync_once *once)
{
	return !test_and_set_bit_lock(GONCE_LOCK, &once->lock);
}

static void gonce_unlock(struct gosync_once *once)
{
	clear_bit_unlock(GONCE_LOCK, &once->lock);
	/* The waker's side of wait_var_event(): see wake_up_var(). */
	smp_mb__after_atomic();
	wake_up_var(&once->lock);
}

/*
 * Take the lock, sleeping (killable) while a run holds it; with @ctx,
 * until it is cancelled too. Returns 0 with the lock, or why not.
 */
static int gonce_lock(struct gosync_once *once, struct gosync_ctx *ctx)
{
	struct gosync_ctx_watcher cw;
	bool locked = false;
	int ret;

	if (gonce_trylock(once))
		return 0;
	if (!ctx)
		return wait_var_event_killable(&once->lock,
					       gonce_trylock(once)) ? -EINTR : 0;
	/* Its cancel wakes us in the hashed queue's wait. */
	gosync_ctx_watch(ctx, &cw);
	ret = wait_var_event_killable(&once->lock,
				      (locked = gonce_trylock(once)) ||
				      gosync_ctx_done(ctx));
	gosync_ctx_unwatch(ctx, &cw);
	if (locked)
		return 0;
	return ret ? -EINTR : gosync_ctx_err(ctx);
}

static int gonce_do(struct gosync_once *once, int (*fn)(void *arg),
		    void *arg, struct gosync_ctx *ctx)
{
	unsigned int seen;
	bool final;
	int ret;

	might_sleep();
	ret = gosync_ctx_err(ctx);
	if (ret)
		return ret;
	/* Only this task can have set @runner to itself. */
	if (unlikely(READ_ONCE(once->runner) == current)) {
		pr_warn_once("gosync_once_do(%ps) called from its own function: -EDEADLK\n",
			     fn);
		return -EDEADLK;
	}
	gosync_race_window(GOSYNC_RACE_ONCE_DONE, once);
	seen = READ_ONCE(once->runs);
	gosync_race_window(GOSYNC_RACE_ONCE_WAIT, once);
	ret = gonce_lock(once, ctx);
	if (ret)
		return ret;
	/* The lock's acquire orders these after the last holder's writes. */
	if (once->done) {
		ret = once->result;
		goto out;
	}
	if (once->runs != seen) {
		ret = once->last;
		goto out;
	}
	WRITE_ONCE(once->runner, current);
	ret = fn(arg);
	WRITE_ONCE(once->runner, NULL);
	if (ret < -MAX_ERRNO) {
		pr_warn_once("gosync_once_do(): %ps returned %d, not a result: -EINVAL\n",
			     fn, ret);
		ret = -EINVAL;
	}
	final = ret >= 0 || (once->flags & GOSYNC_ONCE_CACHE_ERR);
	WRITE_ONCE(once->runs, once->runs + 1);
	once->last = ret;
	if (final) {
		WRITE_ONCE(once->result, ret);
		/* Pairs with smp_load_acquire() in gosync_once_do(). */
		smp_store_release(&once->done, 1);
	}
	trace_gosync_once_run(fn, ret, once->runs, final);
out:
	gonce_unlock(once);
	return ret;
}

/* The slow paths of gosync_once_do*(): see include/gosync/once.h. */
int __gosync_once_do(struct gosync_once *once, int (*fn)(void *arg),
		     void *arg)
{
	return gonce_do(once, fn, arg, NULL);
}
EXPORT_SYMBOL_GOSYNC(__gosync_once_do);

int __gosync_once_do_ctx(struct gosync_once *once, int (*fn)(void *arg),
			 void *arg, struct gosync_ctx *ctx)
{
	return gonce_do(once, fn, arg, ctx);
}
EXPORT_SYMBOL_GOSYNC(__gosync_once_do_ctx);
