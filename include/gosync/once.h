/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_once
 *
 * Run a function once, with a result: Go's sync.Once and sync.OnceValue,
 * with a retry on failure that a driver's late probe wants.
 * ``#include <gosync/once.h>``.
 *
 * gosync_once_do(once, fn, arg) calls ``fn(arg)`` until it succeeds, at
 * most once at a time, and returns what it returned. Success is a
 * return value >= 0 (0, or a value the caller wants back, such as a
 * count or an index): it is final, and every later call returns it
 * without calling @fn. A negative errno is a failure: by default it is
 * returned to the caller whose call ran @fn and to every caller that
 * was waiting for that run, and the next call runs @fn again (a probe
 * that may succeed later). With %GOSYNC_ONCE_CACHE_ERR the first result
 * is final whatever it is, as Go's OnceValue: @fn runs exactly once.
 *
 * Callers that arrive while @fn runs sleep (killable) until it returns,
 * then get its result. They do not spin, and they do not run @fn again
 * for a failure they waited for: only a call that starts after a failed
 * run retries.
 *
 * Cost. Once the result is final, gosync_once_do() is one acquire load
 * and a branch (inline), from any context. Before that it takes a bit
 * lock in the object and may sleep; the first run sleeps as @fn does.
 *
 * Compared with the kernel's DO_ONCE()/DO_ONCE_SLEEPABLE(): those take no
 * result (a failing function is never retried and its error is lost),
 * serialize every first call in the kernel on one global lock, and their
 * done path is a static key, patched once per call site: cheaper than a
 * load, but a static key per site cannot live in a dynamically allocated
 * object. A gosync_once can be embedded anywhere.
 *
 * Context: the done path: any context. Any call that may run @fn:
 * process context, may sleep; @fn runs in the caller's context with no
 * lock held. @fn must not call gosync_once_do() on the same object: that
 * would wait for itself, and is refused with -EDEADLK (logged once).
 *
 * Lifetime. A gosync_once owns no memory and has no destroy call; free it
 * once no call on it is running. Waiters sleep on a hashed wait queue of
 * the kernel (wait_var_event()), not in the object.
 *
 * Locking: the bit lock is invisible to lockdep; @fn's own locks are
 * checked as usual.
 *
 * Example::
 *
 *	static DEFINE_GOSYNC_ONCE(fw_once, 0);
 *
 *	static int load_fw(void *dev)
 *	{
 *		return request_firmware_into_buf(...);	// may fail; retried
 *	}
 *
 *	ret = gosync_once_do(&fw_once, load_fw, dev);
 *	if (ret < 0)
 *		return ret;	// this run's error, or -EINTR if killed
 */
#ifndef _GOSYNC_ONCE_H
#define _GOSYNC_ONCE_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/barrier.h>

#include <gosync/gosync.h>

struct task_struct;

/* Cache a failure too: the first result is final, as Go's OnceValue. */
#define GOSYNC_ONCE_CACHE_ERR	BIT(0)
#define GOSYNC_ONCE_FLAGS	GOSYNC_ONCE_CACHE_ERR

/**
 * struct gosync_once - the state of a function run once
 * @done: 1 once @result is final (written with release, read with acquire)
 * @result: the final result, valid once @done
 * @runs: runs of the function completed (under the lock); waiters compare
 *	it to tell that a run ended while they slept
 * @last: the result of the latest run (under the lock)
 * @flags: %GOSYNC_ONCE_CACHE_ERR or 0
 * @runner: the task running the function, to refuse a recursive call
 * @lock: bit 0: the lock a run holds
 *
 * Opaque: use the functions below. Initialize with DEFINE_GOSYNC_ONCE()
 * or gosync_once_init().
 */
struct gosync_once {
	int done;
	int result;
	unsigned int runs;
	int last;
	unsigned int flags;
	struct task_struct *runner;
	unsigned long lock;
};

/**
 * DEFINE_GOSYNC_ONCE() - define and initialize a struct gosync_once
 * @name: the variable
 * @fl: %GOSYNC_ONCE_CACHE_ERR or 0
 */
#define DEFINE_GOSYNC_ONCE(name, fl)	struct gosync_once name = { .flags = (fl) }

/**
 * gosync_once_init() - initialize a struct gosync_once
 * @once: the object
 * @flags: %GOSYNC_ONCE_CACHE_ERR or 0
 *
 * Never call it on an object a call may be using.
 *
 * Context: any context.
 * Return: 0, or -EINVAL for an unknown flag (@once is then left as it was).
 */
int gosync_once_init(struct gosync_once *once, unsigned int flags);

/**
 * __gosync_once_do() - gosync_once_do() when the result is not final
 * @once: the object
 * @fn: the function
 * @arg: its argument
 *
 * Internal: exported for the inline gosync_once_do(). Call that instead.
 *
 * Context: process context; may sleep.
 * Return: as gosync_once_do().
 */
int __gosync_once_do(struct gosync_once *once, int (*fn)(void *arg),
		     void *arg);

/**
 * gosync_once_do() - run a function until it succeeds, once at a time
 * @once: the object
 * @fn: the function; returns >= 0 on success, a negative errno on failure
 * @arg: its argument
 *
 * The done path is inline: one acquire load and a branch. The result is
 * read after the load, so what @fn wrote before returning is visible to
 * every caller that got its result.
 *
 * Context: the result is final: any context. Otherwise process context;
 * may sleep (killable) and may run @fn.
 * Return: the final result once there is one; else the result of the run
 * this call made or waited for; -EINTR if a fatal signal ended the wait;
 * -EDEADLK if called from @fn on the same object.
 */
static inline int gosync_once_do(struct gosync_once *once,
				 int (*fn)(void *arg), void *arg)
{
	/* Pairs with smp_store_release() in __gosync_once_do(). */
	if (likely(smp_load_acquire(&once->done)))
		return READ_ONCE(once->result);
	return __gosync_once_do(once, fn, arg);
}

struct gosync_ctx;

/**
 * __gosync_once_do_ctx() - gosync_once_do_ctx() when the result is not
 *	final
 * @once: the object
 * @fn: the function
 * @arg: its argument
 * @ctx: the context
 *
 * Internal: exported for the inline gosync_once_do_ctx(). Call that
 * instead.
 *
 * Context: process context; may sleep.
 * Return: as gosync_once_do_ctx().
 */
int __gosync_once_do_ctx(struct gosync_once *once, int (*fn)(void *arg),
			 void *arg, struct gosync_ctx *ctx);

/**
 * gosync_once_do_ctx() - gosync_once_do(), a wait also ended by a context
 * @once: the object
 * @fn: the function
 * @arg: its argument
 * @ctx: the context (include/gosync/ctx.h); NULL: none
 *
 * A final result is returned whatever @ctx says. Otherwise a cancelled
 * @ctx returns its cause without running @fn, and a cancellation while
 * the call waits for another caller's run ends the wait with the cause
 * (that run goes on). @fn itself is not told: pass it @ctx in @arg if it
 * should stop too.
 *
 * Context: the result is final: any context. Otherwise process context;
 * may sleep (killable) and may run @fn.
 * Return: as gosync_once_do(), or the cause of @ctx's cancellation.
 */
static inline int gosync_once_do_ctx(struct gosync_once *once,
				     int (*fn)(void *arg), void *arg,
				     struct gosync_ctx *ctx)
{
	/* Pairs with smp_store_release() in __gosync_once_do(). */
	if (likely(smp_load_acquire(&once->done)))
		return READ_ONCE(once->result);
	return __gosync_once_do_ctx(once, fn, arg, ctx);
}

/**
 * gosync_once_done() - whether the result is final
 * @once: the object
 *
 * Context: any context.
 * Return: true once a run succeeded, or once one ran with
 * %GOSYNC_ONCE_CACHE_ERR; what the run wrote is then visible (acquire).
 */
static inline bool gosync_once_done(const struct gosync_once *once)
{
	/* Pairs with smp_store_release() in __gosync_once_do(). */
	return smp_load_acquire(&once->done);
}

/**
 * gosync_once_result() - the final result, without running anything
 * @once: the object
 *
 * Context: any context.
 * Return: the final result (>= 0, or the cached error), or -EAGAIN while
 * there is none.
 */
static inline int gosync_once_result(const struct gosync_once *once)
{
	return gosync_once_done(once) ? READ_ONCE(once->result) : -EAGAIN;
}

#endif /* _GOSYNC_ONCE_H */
