// SPDX-License-Identifier: GPL-2.0
/*
 * Race windows (kmod/internal.h): one hook for every gosync_race_window()
 * mark, set by KUnit cases that need an interleaving to happen every time.
 */
#include <linux/compiler.h>
#include <linux/rcupdate.h>

#include "internal.h"

#if GOSYNC_RACE_HOOKS
bool gosync_race_armed;
static gosync_race_fn gosync_race_hook;
static void *gosync_race_arg;

/* A window was reached with a hook set: call it. Context: the window's. */
void __gosync_race_window(enum gosync_race where, const void *obj)
{
	gosync_race_fn fn;

	rcu_read_lock();	/* __gosync_race_set(NULL) waits for us */
	fn = smp_load_acquire(&gosync_race_hook);
	if (fn)
		fn(where, obj, READ_ONCE(gosync_race_arg));
	rcu_read_unlock();
}
#endif

/**
 * __gosync_race_set() - hook every race window (tests only)
 * @fn: called at each gosync_race_window() reached, or NULL to unhook
 * @arg: passed to @fn
 *
 * One hook at a time: a test sets it, runs, and unhooks it; after
 * unhooking, no call of the old hook is running or will start. Exported
 * to gosync_kunit.ko only.
 *
 * Context: process context; sleeps when unhooking (a grace period).
 * Return: true if this build has race windows; false if they compile to
 * nothing (a kernel without KUnit, the native benchmark build), in which
 * case @fn is never called.
 */
bool __gosync_race_set(gosync_race_fn fn, void *arg)
{
#if GOSYNC_RACE_HOOKS
	if (!fn) {
		WRITE_ONCE(gosync_race_armed, false);
		WRITE_ONCE(gosync_race_hook, NULL);
		synchronize_rcu();
		return true;
	}
	WRITE_ONCE(gosync_race_arg, arg);
	/* The hook before the flag: pairs with the reader's dependency. */
	smp_store_release(&gosync_race_hook, fn);
	WRITE_ONCE(gosync_race_armed, true);
	return true;
#else
	return false;
#endif
}
EXPORT_SYMBOL_GOSYNC_KUNIT(__gosync_race_set);
