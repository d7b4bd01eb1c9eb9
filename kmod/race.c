// SPDX-License-Identifier: GPL-2.0
/*
 * Race windows (kmod/internal.h): the named places where a test may
 * widen a window with a delay, or hook it to stall exactly where a KUnit
 * case needs to. Compiled in only in test builds (GOSYNC_RACE_HOOKS).
 */
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "internal.h"

static const char *const gosync_race_names[GOSYNC_RACE_NR] = {
	[GOSYNC_RACE_MAP_FUTURE] = "map_future",
	[GOSYNC_RACE_MAP_COUNT] = "map_count",
	[GOSYNC_RACE_BREAKER_CLOSE] = "breaker_close",
	[GOSYNC_RACE_POOL_DROP] = "pool_drop",
	[GOSYNC_RACE_BREAKER_TIMER] = "breaker_timer",
	[GOSYNC_RACE_ONCE_DONE] = "once_done",
	[GOSYNC_RACE_ONCE_WAIT] = "once_wait",
	[GOSYNC_RACE_CTX_CANCEL] = "ctx_cancel",
	[GOSYNC_RACE_SEM_QUEUE] = "sem_queue",
	[GOSYNC_RACE_SEM_CANCEL] = "sem_cancel",
	[GOSYNC_RACE_GROUP_DONE] = "group_done",
	[GOSYNC_RACE_CHAN_CLAIM] = "chan_claim",
	[GOSYNC_RACE_CHAN_CANCEL] = "chan_cancel",
	[GOSYNC_RACE_WPOOL_SUBMIT] = "wpool_submit",
	[GOSYNC_RACE_WPOOL_RETIRE] = "wpool_retire",
	[GOSYNC_RACE_WPOOL_SPAWN] = "wpool_spawn",
	[GOSYNC_RACE_PUBSUB_ENQUEUE] = "pubsub_enqueue",
	[GOSYNC_RACE_PUBSUB_BLOCKED] = "pubsub_blocked",
};

#if GOSYNC_RACE_HOOKS
bool gosync_race_armed;
static gosync_race_fn gosync_race_hook;
static void *gosync_race_arg;
static unsigned int gosync_race_delay_us[GOSYNC_RACE_NR];
static atomic_long_t gosync_race_hits[GOSYNC_RACE_NR];
static DEFINE_MUTEX(gosync_race_lock);	/* serializes the setters */

/*
 * A window was reached while armed: count it, wait its delay, call the
 * hook. Context: the window's, which may be hard interrupt context or
 * hold a raw spinlock: busy-waits, never sleeps.
 */
void __gosync_race_window(enum gosync_race where, const void *obj)
{
	unsigned int us = READ_ONCE(gosync_race_delay_us[where]);
	gosync_race_fn fn;

	atomic_long_inc(&gosync_race_hits[where]);
	if (us)
		udelay(us);
	rcu_read_lock();	/* __gosync_race_set(NULL) waits for us */
	fn = smp_load_acquire(&gosync_race_hook);
	if (fn)
		fn(where, obj, READ_ONCE(gosync_race_arg));
	rcu_read_unlock();
}

/* Armed while a hook or a delay is set. Called with gosync_race_lock. */
static void gosync_race_rearm(void)
{
	bool armed = READ_ONCE(gosync_race_hook);
	unsigned int i;

	for (i = 0; i < GOSYNC_RACE_NR; i++)
		armed |= gosync_race_delay_us[i] != 0;
	WRITE_ONCE(gosync_race_armed, armed);
}
#endif

/**
 * __gosync_race_set() - hook every race window (tests only)
 * @fn: called at each gosync_race_window() reached, or NULL to unhook
 * @arg: passed to @fn
 *
 * One hook at a time: a test sets it, runs, and unhooks it; after
 * unhooking, no call of the old hook is running or will start. Exported
 * to the test modules only.
 *
 * Context: process context; sleeps (a mutex; a grace period when
 * unhooking).
 * Return: true if this build has race windows; false if they compile to
 * nothing (an installed gosync.ko, the native benchmark build), in which
 * case @fn is never called.
 */
bool __gosync_race_set(gosync_race_fn fn, void *arg)
{
#if GOSYNC_RACE_HOOKS
	mutex_lock(&gosync_race_lock);
	if (!fn) {
		WRITE_ONCE(gosync_race_hook, NULL);
		gosync_race_rearm();
		synchronize_rcu();
	} else {
		WRITE_ONCE(gosync_race_arg, arg);
		/* The hook before the flag: pairs with the reader's acquire. */
		smp_store_release(&gosync_race_hook, fn);
		gosync_race_rearm();
	}
	mutex_unlock(&gosync_race_lock);
	return true;
#else
	return false;
#endif
}
EXPORT_SYMBOL_GOSYNC_INTERNAL(__gosync_race_set);

/**
 * __gosync_race_set_delay() - widen one race window (tests only)
 * @where: the window
 * @us: how long every pass through it busy-waits, in microseconds, at
 *	most %GOSYNC_RACE_DELAY_MAX; 0 closes it again
 *
 * The delay holds the window open for every caller that reaches it, in
 * whatever context it is reached (interrupts may be off), until it is set
 * back to 0. A test sets it, runs a stress, and clears it.
 *
 * Context: process context; sleeps (a mutex).
 * Return: 0; -EINVAL for an unknown @where; -ERANGE if @us is over the
 * maximum; -EOPNOTSUPP if this build has no race windows.
 */
int __gosync_race_set_delay(enum gosync_race where, unsigned int us)
{
	if ((unsigned int)where >= GOSYNC_RACE_NR)
		return -EINVAL;
	if (us > GOSYNC_RACE_DELAY_MAX)
		return -ERANGE;
#if GOSYNC_RACE_HOOKS
	mutex_lock(&gosync_race_lock);
	WRITE_ONCE(gosync_race_delay_us[where], us);
	gosync_race_rearm();
	mutex_unlock(&gosync_race_lock);
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}
EXPORT_SYMBOL_GOSYNC_INTERNAL(__gosync_race_set_delay);

/**
 * __gosync_race_name() - the name of a race window
 * @where: the window
 *
 * Context: any context.
 * Return: its name ("map_future", ...), or NULL for an unknown @where.
 */
const char *__gosync_race_name(enum gosync_race where)
{
	return (unsigned int)where < GOSYNC_RACE_NR ? gosync_race_names[where] : NULL;
}
EXPORT_SYMBOL_GOSYNC_INTERNAL(__gosync_race_name);

/**
 * __gosync_race_stat() - a race window's delay and passes
 * @where: the window
 * @us: set to its delay in microseconds
 * @hits: set to how many times it was reached while some window was
 *	widened or hooked (passes are not counted otherwise)
 *
 * Context: any context.
 * Return: 0; -EINVAL for an unknown @where; -EOPNOTSUPP if this build has
 * no race windows.
 */
int __gosync_race_stat(enum gosync_race where, unsigned int *us, u64 *hits)
{
	if ((unsigned int)where >= GOSYNC_RACE_NR)
		return -EINVAL;
#if GOSYNC_RACE_HOOKS
	*us = READ_ONCE(gosync_race_delay_us[where]);
	*hits = atomic_long_read(&gosync_race_hits[where]);
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}
EXPORT_SYMBOL_GOSYNC_INTERNAL(__gosync_race_stat);
