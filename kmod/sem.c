// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_sem: a weighted semaphore (design, and each exported function's
 * contract, in include/gosync/sem.h).
 *
 * State. @state holds the units available in its low 63 bits and
 * GSEM_QUEUED, its sign bit, while @waiters is not empty. The bit is set
 * and cleared only under @lock, and both the lockless paths and the
 * locked ones change the word with a cmpxchg of the whole of it: so a
 * lockless acquire or release either sees the bit, and takes the lock, or
 * succeeds on a word that had no waiters at that instant.
 *
 * Queue. A caller that cannot take its units queues a struct gsem_waiter
 * on its stack and sets the bit, then serves the queue itself
 * (gsem_serve()): a release that came between its lockless attempt and
 * the lock did not see the bit and served no one, and without this the
 * caller would sleep with its units free (race window sem_queue). Serving
 * takes the head's units while they fit, marks it granted, wakes it, and
 * goes on to the next; with the queue empty it clears the bit.
 *
 * Leaving. A granted waiter's stack frame is still read by the server
 * until it drops @lock, so a waiter that sees @granted takes and drops
 * @lock before it returns. A waiter ended by its context, a signal or its
 * timeout takes @lock and looks again: granted meanwhile (race window
 * sem_cancel), it keeps the units and returns 0; otherwise it leaves the
 * queue and serves it, since the followers it held back may fit now.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>

#include <gosync/ctx.h>
#include <gosync/sem.h>

#include "internal.h"
#include "trace.h"

#define GSEM_QUEUED	S64_MIN
#define GSEM_SPIN_NS	(10 * NSEC_PER_USEC)	/* gsem_spin_take() */

struct gsem_waiter {
	struct list_head node;
	struct task_struct *task;
	u64 n;
	bool granted;
};

int gosync_sem_init(struct gosync_sem *sem, u64 capacity)
{
	if (!capacity || capacity > GOSYNC_SEM_MAX)
		return -EINVAL;
	atomic64_set(&sem->state, capacity);
	sem->size = capacity;
	raw_spin_lock_init(&sem->lock);
	INIT_LIST_HEAD(&sem->waiters);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_sem_init);

/* Take @n units if no one is queued and they fit: one cmpxchg, no lock. */
static bool gsem_take(struct gosync_sem *sem, u64 n)
{
	s64 v = atomic64_read(&sem->state);

	do {
		if (v < 0 || (u64)v < n)
			return false;
	} while (!atomic64_try_cmpxchg_acquire(&sem->state, &v, v - n));
	return true;
}

bool gosync_sem_try_acquire(struct gosync_sem *sem, u64 n)
{
	return n <= sem->size && gsem_take(sem, n);
}
EXPORT_SYMBOL_GOSYNC(gosync_sem_try_acquire);

/*
 * Grant the head of the queue its units, then the next, while they fit;
 * clear GSEM_QUEUED once the queue is empty. With @lock held: while the
 * bit is set, only a holder of @lock changes @state.
 */
static void gsem_serve(struct gosync_sem *sem)
{
	struct gsem_waiter *w;

	lockdep_assert_held(&sem->lock);
	while ((w = list_first_entry_or_null(&sem->waiters,
					     struct gsem_waiter, node))) {
		s64 v = atomic64_read(&sem->state);

		if ((u64)(v & GOSYNC_SEM_MAX) < w->n)
			return;
		atomic64_sub(w->n, &sem->state);
		list_del_init(&w->node);
		/* Before the wake-up: see gsem_wait(). It reads @w again under @lock. */
		smp_store_release(&w->granted, true);
		wake_up_process(w->task);
	}
	atomic64_andnot(GSEM_QUEUED, &sem->state);
}

/*
 * Queue for @n units and sleep until they are granted, @ctx is cancelled,
 * a signal that @state lets in is pending, or @timeout passes.
 */
static int gsem_wait(struct gosync_sem *sem, u64 n, struct gosync_ctx *ctx,
		     unsigned int state, long timeout)
{
	struct gsem_waiter w = { .task = current, .n = n };
	struct gosync_ctx_watcher cw;
	unsigned long flags;
	int ret = 0;

	gosync_ctx_watch(ctx, &cw);
	raw_spin_lock_irqsave(&sem->lock, flags);
	list_add_tail(&w.node, &sem->waiters);
	/* Fully ordered: acquires what a lockless release published. */
	atomic64_fetch_or(GSEM_QUEUED, &sem->state);
	/* Units released since gsem_take() failed did not see the bit. */
	gsem_serve(sem);
	raw_spin_unlock_irqrestore(&sem->lock, flags);
	trace_gosync_sem_queue(sem, n, gosync_sem_available(sem));

	/*
	 * Spin briefly first: a holder on another CPU that releases soon
	 * grants us the units while we run, and the hand-off costs no
	 * sleep and wake-up (FIFO stays: only the server grants).
	 */
	if (num_online_cpus() > 1) {
		unsigned int spin;

		/* Relaxed: the loop below reads @granted again, with acquire. */
		for (spin = 0; spin < GOSYNC_SPIN_LOOPS && !need_resched() &&
		     !READ_ONCE(w.granted) && !gosync_ctx_done(ctx); spin++)
			cpu_relax();
	}

	for (;;) {
		/* Its barrier pairs with gsem_serve()'s store and wake-up. */
		set_current_state(state);
		/* Pairs with gsem_serve()'s release: the units are ours. */
		if (smp_load_acquire(&w.granted))
			break;
		ret = gosync_ctx_err(ctx);
		if (!ret && signal_pending_state(state, current))
			ret = -EINTR;
		if (!ret && !timeout)
			ret = -ETIMEDOUT;
		if (ret)
			break;
		timeout = schedule_timeout(timeout);
	}
	__set_current_state(TASK_RUNNING);
	gosync_ctx_unwatch(ctx, &cw);

	if (ret)
		gosync_race_window(GOSYNC_RACE_SEM_CANCEL, sem);
	/* Granted: the server may still read @w until it drops the lock. */
	raw_spin_lock_irqsave(&sem->lock, flags);
	if (ret && !w.granted) {
		list_del(&w.node);
		/* Those we held back may fit now (golang/go issue 37852). */
		gsem_serve(sem);
	} else {
		ret = 0;
	}
	raw_spin_unlock_irqrestore(&sem->lock, flags);
	trace_gosync_sem_dequeue(sem, n, ret);
	return ret;
}

/*
 * Spin for @n units, at most GSEM_SPIN_NS, while no one is queued, as a
 * mutex waiter spinning on its owner does: a holder on another CPU that
 * releases soon hands over without a sleep and a wake-up (natively, 2
 * threads on one unit: 0.03x sem_t's rate without it). Queued callers
 * are never overtaken: once one is, gsem_take() fails and we stop.
 */
static bool gsem_spin_take(struct gosync_sem *sem, u64 n,
			   struct gosync_ctx *ctx)
{
	u64 end, spin;

	if (num_online_cpus() < 2)
		return false;
	end = ktime_get_ns() + GSEM_SPIN_NS;
	for (spin = 1; ; spin++) {
		if (need_resched() || gosync_ctx_done(ctx) ||
		    atomic64_read(&sem->state) < 0)
			return false;
		cpu_relax();
		if (gsem_take(sem, n))
			return true;
		if (!(spin % 64) && ktime_get_ns() > end)
			return false;
	}
}

static int gsem_acquire(struct gosync_sem *sem, u64 n, struct gosync_ctx *ctx,
			unsigned int state, long timeout)
{
	int ret;

	might_sleep();
	if (n > sem->size)
		return -EINVAL;
	/* Already cancelled: fail even if @n fits (golang/go issue 63615). */
	ret = gosync_ctx_err(ctx);
	if (ret)
		return ret;
	if (gsem_take(sem, n) || gsem_spin_take(sem, n, ctx))
		return 0;
	if (!timeout)
		return -ETIMEDOUT;
	gosync_race_window(GOSYNC_RACE_SEM_QUEUE, sem);
	return gsem_wait(sem, n, ctx, state, timeout);
}

int gosync_sem_acquire(struct gosync_sem *sem, u64 n, struct gosync_ctx *ctx)
{
	return gsem_acquire(sem, n, ctx, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_sem_acquire);

int gosync_sem_acquire_interruptible(struct gosync_sem *sem, u64 n,
				     struct gosync_ctx *ctx)
{
	return gsem_acquire(sem, n, ctx, TASK_INTERRUPTIBLE,
			    MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_sem_acquire_interruptible);

int gosync_sem_acquire_timeout(struct gosync_sem *sem, u64 n,
			       struct gosync_ctx *ctx, long timeout)
{
	return gsem_acquire(sem, n, ctx, TASK_KILLABLE,
			    timeout < 0 ? 0 : timeout);
}
EXPORT_SYMBOL_GOSYNC(gosync_sem_acquire_timeout);

static int gsem_over_release(struct gosync_sem *sem, u64 n, s64 v)
{
	WARN_ONCE(1, "gosync_sem_release(%llu) with %llu units held: -EINVAL\n",
		  n, sem->size - (u64)(v & GOSYNC_SEM_MAX));
	return -EINVAL;
}

int gosync_sem_release(struct gosync_sem *sem, u64 n)
{
	unsigned long flags;
	s64 v = atomic64_read(&sem->state);

	/* Lockless while no one is queued. */
	while (v >= 0) {
		if (n > sem->size - (u64)v)
			return gsem_over_release(sem, n, v);
		if (atomic64_try_cmpxchg_release(&sem->state, &v, v + n))
			return 0;
	}
	raw_spin_lock_irqsave(&sem->lock, flags);
	/* The bit may have been cleared since: lockless takers may race. */
	v = atomic64_read(&sem->state);
	do {
		if (n > sem->size - (u64)(v & GOSYNC_SEM_MAX)) {
			raw_spin_unlock_irqrestore(&sem->lock, flags);
			return gsem_over_release(sem, n, v);
		}
	} while (!atomic64_try_cmpxchg_release(&sem->state, &v,
					       (s64)((u64)v + n)));
	gsem_serve(sem);
	raw_spin_unlock_irqrestore(&sem->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_sem_release);
