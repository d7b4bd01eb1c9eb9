/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_sem
 *
 * A weighted semaphore, Go's golang.org/x/sync/semaphore the kernel way:
 * a capacity of units, and callers that acquire and release any number
 * of them at a time. ``#include <gosync/sem.h>``.
 *
 * gosync_sem_acquire(sem, n, ctx) takes @n units, sleeping until they are
 * available; gosync_sem_release(sem, n) gives them back. The kernel's
 * struct semaphore counts one unit per call and cannot be cancelled; a
 * counter under a mutex must be polled or paired with a wait queue.
 *
 * FIFO, head of line. Blocked callers queue in arrival order and are
 * served strictly in that order: a release serves the head of the queue
 * and then the next, as long as each fits, and stops at the first that
 * does not. A large request at the head is therefore never starved by
 * small ones that arrive after it, and neither try_acquire nor the
 * lockless acquire path overtakes a queue that is not empty. The price
 * (golang/go issue 56910): while a large request waits at the head,
 * smaller ones behind it wait too, even when they would fit.
 *
 * Cancellation. A blocked acquire ends with the cause when its context is
 * cancelled (include/gosync/ctx.h), with -EINTR on a fatal signal (or
 * any signal, for the _interruptible form), or with -ETIMEDOUT when its
 * timeout passes. A waiter that leaves the head of the queue serves the
 * followers that now fit (golang/go issue 37852). An acquire whose
 * context is already cancelled fails with the cause even when @n would
 * fit at once (golang/go issue 63615). If the units were granted before
 * the waiter saw its cancellation, the grant wins: the call returns 0 and
 * the caller holds the units.
 *
 * Errors are the caller's, never a crash: acquiring more than the
 * capacity fails at once with -EINVAL (it could never succeed); releasing
 * more units than are held WARNs once and returns -EINVAL, changing
 * nothing.
 *
 * Cost. The state is one 64-bit word: the units available, and a bit
 * saying that callers are queued. While no one is queued, acquire and
 * release are one cmpxchg on that word, no lock, no sleep (cache line
 * ping-pong is the only cost when CPUs share it). A caller whose units
 * are not free, with no one queued, first spins for them (at most 10 us,
 * less if it should reschedule, never on one CPU), as a mutex waiter
 * spins on a running owner: short holds then hand over without a sleep
 * and a wake-up. A caller that must wait, and every release while
 * callers wait, takes the semaphore's raw spinlock; a release wakes,
 * under that lock, every waiter it serves, and a waiter spins briefly
 * before it sleeps. FIFO applies from the queueing on: spinners that are
 * not queued yet take units in no particular order.
 *
 * Context: gosync_sem_try_acquire(): any context, NMI included (one
 * cmpxchg loop on an atomic64_t, lock-free on 64-bit architectures; the
 * generic 32-bit atomic64_t takes a lock, and there NMI is excluded).
 * gosync_sem_release(): any context but NMI (the raw lock,
 * with interrupts off, also on PREEMPT_RT). gosync_sem_acquire*():
 * process context, may sleep.
 *
 * Lifetime. A gosync_sem owns no memory and has no destroy call; free it
 * once no task is queued on it. Units still held at that point are the
 * caller's bookkeeping, as with any counter.
 *
 * Example, at most 4 probes at a time::
 *
 *	static struct gosync_sem probe_sem;
 *
 *	gosync_sem_init(&probe_sem, 4);		// at module init
 *	...
 *	err = gosync_sem_acquire(&probe_sem, 1, ctx);
 *	if (err)
 *		return err;	// the context's cause, or -EINTR
 *	err = probe_one(dev);
 *	gosync_sem_release(&probe_sem, 1);
 */
#ifndef _GOSYNC_SEM_H
#define _GOSYNC_SEM_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/limits.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <gosync/gosync.h>

struct gosync_ctx;

/* The largest capacity: the word's top bit says that callers are queued. */
#define GOSYNC_SEM_MAX		((u64)S64_MAX)

/**
 * struct gosync_sem - a weighted semaphore
 * @state: the units available, plus bit 63 while @waiters is not empty
 * @size: the capacity
 * @lock: guards @waiters and the queued bit
 * @waiters: the queued callers, FIFO
 *
 * Opaque: use the functions below. gosync_sem_init() initializes it.
 */
struct gosync_sem {
	atomic64_t state;
	u64 size;
	raw_spinlock_t lock;
	struct list_head waiters;
};

/**
 * gosync_sem_init() - initialize a semaphore with every unit available
 * @sem: the semaphore
 * @capacity: units, 1..%GOSYNC_SEM_MAX
 *
 * Context: any context.
 * Return: 0, or -EINVAL for a capacity out of range (@sem is then
 * untouched).
 */
int gosync_sem_init(struct gosync_sem *sem, u64 capacity);

/**
 * gosync_sem_try_acquire() - take units if they are available now
 * @sem: the semaphore
 * @n: units; 0 succeeds unless callers are queued
 *
 * Never waits, never overtakes a caller that is queued.
 *
 * Context: any context, NMI included.
 * Return: true if the caller now holds @n units; false if they are not
 * available, if callers are queued, or if @n exceeds the capacity.
 */
bool gosync_sem_try_acquire(struct gosync_sem *sem, u64 n);

/**
 * gosync_sem_acquire() - take units, waiting for them (killable)
 * @sem: the semaphore
 * @n: units, at most the capacity
 * @ctx: a context that ends the wait when cancelled, or NULL
 *
 * Waits, in FIFO order, until @n units are available.
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: 0 with @n units held; the cause of @ctx's cancellation (also
 * when @ctx was cancelled before the call); -EINTR on a fatal signal;
 * -EINVAL if @n exceeds the capacity. On error, nothing is held.
 */
int gosync_sem_acquire(struct gosync_sem *sem, u64 n, struct gosync_ctx *ctx);

/**
 * gosync_sem_acquire_interruptible() - gosync_sem_acquire(), any signal
 *	ends the wait
 * @sem: the semaphore
 * @n: units, at most the capacity
 * @ctx: a context that ends the wait when cancelled, or NULL
 *
 * Context: process context; sleeps (TASK_INTERRUPTIBLE).
 * Return: as gosync_sem_acquire(), with -EINTR on any pending signal.
 */
int gosync_sem_acquire_interruptible(struct gosync_sem *sem, u64 n,
				     struct gosync_ctx *ctx);

/**
 * gosync_sem_acquire_timeout() - gosync_sem_acquire() for at most a while
 * @sem: the semaphore
 * @n: units, at most the capacity
 * @ctx: a context that ends the wait when cancelled, or NULL
 * @timeout: jiffies to wait at most; 0 tries once, as a try_acquire that
 *	also checks @ctx
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: as gosync_sem_acquire(), or -ETIMEDOUT when @timeout passed
 * first.
 */
int gosync_sem_acquire_timeout(struct gosync_sem *sem, u64 n,
			       struct gosync_ctx *ctx, long timeout);

/**
 * gosync_sem_release() - give units back
 * @sem: the semaphore
 * @n: units, at most the number held in all
 *
 * Serves the queued callers, in order, that now fit.
 *
 * Context: any context but NMI.
 * Return: 0; -EINVAL (with a WARN, once) if @n is more than the units
 * held, in which case nothing changes.
 */
int gosync_sem_release(struct gosync_sem *sem, u64 n);

/**
 * gosync_sem_available() - the units available now
 * @sem: the semaphore
 *
 * A snapshot, for statistics and tests: it may change as soon as it is
 * read.
 *
 * Context: any context.
 * Return: the units no caller holds.
 */
static inline u64 gosync_sem_available(const struct gosync_sem *sem)
{
	return (u64)atomic64_read(&sem->state) & GOSYNC_SEM_MAX;
}

/**
 * gosync_sem_capacity() - the capacity given at init
 * @sem: the semaphore
 *
 * Context: any context.
 * Return: the capacity.
 */
static inline u64 gosync_sem_capacity(const struct gosync_sem *sem)
{
	return sem->size;
}

#endif /* _GOSYNC_SEM_H */
