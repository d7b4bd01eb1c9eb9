/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_barrier: a reusable barrier for a fixed number of parties, with
 * Java CyclicBarrier's broken state and pthread's serial thread.
 *
 * Each of @parties threads calls gosync_barrier_wait(); all of them sleep
 * until the last one arrives, which runs the optional action (exactly once
 * per generation, before anyone is released) and releases the rest. The
 * barrier is then at once ready for the next round.
 *
 * How it works. One 64-bit atomic word holds the generation (high bits),
 * a broken bit and the arrival count of the current generation. Arriving
 * is one atomic add that returns the caller's arrival index; the last
 * arriver runs the action, publishes the next generation with count zero
 * (release) and wakes the wait queue. Waiters sleep until the word's
 * generation differs from the one they arrived in, so a fast waiter that
 * races into the next round cannot see or corrupt the old one: that is the
 * seed's bug (see ANCHORS.md), fixed by the generation number.
 *
 * Broken state. If a waiter is interrupted, killed or times out, it breaks
 * its generation: every other waiter of that generation returns
 * -ECONNABORTED, and so does every later arrival until
 * gosync_barrier_reset(). reset() also breaks the waiters of the current
 * generation, as Java's does.
 *
 * Context: the wait calls and gosync_barrier_reset() sleep (process
 * context); gosync_barrier_is_broken() and gosync_barrier_is_serial() may
 * be called from any context. The action runs in the last arriver's
 * context, before the release: a wait or a reset() of the same barrier
 * from it would wait for that release, i.e. for itself. Both are refused:
 * they return -EDEADLK and log the misuse once.
 *
 * Lifetime. A barrier owns no memory and has no destroy call; its memory
 * may be freed (or go out of scope) only once no call on it is running.
 * A party's own return does not mean the others have returned: when a
 * wait returns, the last arriver may still be waking the wait queue
 * (which is in the barrier), the other waiters may still be waking up
 * and reading the word, and a waiter that broke the generation, a
 * departing one or a reset() may still be waking the queue too. So free
 * it once every party has been joined (kthread_stop(), or a completion
 * each party completes after its last call), never because one wait (not
 * even the serial one) returned. The same holds for a barrier on a
 * party's stack.
 */
#ifndef _GOSYNC_BARRIER_H
#define _GOSYNC_BARRIER_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <gosync/gosync.h>

struct task_struct;

/* At most this many parties (the count field is 32 bits wide). */
#define GOSYNC_BARRIER_PARTIES_MAX	BIT(30)

/**
 * typedef gosync_barrier_action_t - run once per generation
 * @arg: gosync_barrier_init()'s @arg
 *
 * Runs in the last arriver, before any waiter of the generation is
 * released; may sleep if the waiters' context allows. A
 * gosync_barrier_wait*() or gosync_barrier_reset() of the same barrier
 * from it returns -EDEADLK.
 */
typedef void (*gosync_barrier_action_t)(void *arg);

/**
 * struct gosync_barrier - a reusable barrier; fields are private
 * @word: generation << 33 | broken << 32 | count: the arrivals, and once
 *	broken the arrivals that have not departed yet
 * @action_task: the task running @action, or NULL; its calls on the
 *	barrier are refused
 * @parties: threads per generation
 * @action: optional, see gosync_barrier_action_t
 * @arg: for @action
 * @wq: where the waiters sleep
 */
struct gosync_barrier {
	atomic64_t word;
	struct task_struct *action_task;
	unsigned int parties;
	gosync_barrier_action_t action;
	void *arg;
	wait_queue_head_t wq;
};

int gosync_barrier_init(struct gosync_barrier *b, unsigned int parties,
			gosync_barrier_action_t action, void *arg);
int gosync_barrier_wait(struct gosync_barrier *b);
int gosync_barrier_wait_interruptible(struct gosync_barrier *b);
int gosync_barrier_wait_killable(struct gosync_barrier *b);
int gosync_barrier_wait_timeout(struct gosync_barrier *b, long timeout);
int gosync_barrier_reset(struct gosync_barrier *b);
bool gosync_barrier_is_broken(struct gosync_barrier *b);

/**
 * gosync_barrier_is_serial() - was this wait the generation's last arrival?
 * @b: the barrier
 * @ret: what a gosync_barrier_wait*() call returned
 *
 * The last arriver ran the action; like pthread's
 * PTHREAD_BARRIER_SERIAL_THREAD, exactly one waiter per generation sees
 * true.
 *
 * Context: any.
 * Return: true if @ret is the arrival index parties - 1.
 */
static inline bool gosync_barrier_is_serial(const struct gosync_barrier *b,
					    int ret)
{
	return ret >= 0 && (unsigned int)ret == b->parties - 1;
}

#endif /* _GOSYNC_BARRIER_H */
