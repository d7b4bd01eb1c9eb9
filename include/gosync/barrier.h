/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_barrier
 *
 * A reusable barrier for a fixed number of parties, with Java
 * CyclicBarrier's broken state and pthread's serial thread.
 * ``#include <gosync/barrier.h>``.
 *
 * Each of the barrier's parties calls gosync_barrier_wait(); all of them
 * sleep until the last one arrives, which runs the optional action (exactly
 * once per generation, before anyone is released) and releases the rest.
 * The barrier is then at once ready for the next round.
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
 * Results. Every wait returns the caller's arrival index in its
 * generation, 0 for the first arrival up to parties - 1 for the last (the
 * serial one, see gosync_barrier_is_serial()), or a negative errno: never
 * a count of jiffies. Waits with a timeout take jiffies (convert with
 * msecs_to_jiffies()).
 *
 * Broken state. If a waiter is interrupted, killed or times out, it breaks
 * its generation: every other waiter of that generation returns
 * -ECONNABORTED, and so does every later arrival until
 * gosync_barrier_reset(). reset() also breaks the waiters of the current
 * generation, as Java's does.
 *
 * Context rules. The wait calls and gosync_barrier_reset() sleep (process
 * context); gosync_barrier_init(), gosync_barrier_is_broken() and
 * gosync_barrier_is_serial() may be called from any context. The action
 * runs in the last arriver's context, before the release: a wait or a
 * reset() of the same barrier from it would wait for that release, i.e.
 * for itself. Both are refused: they return -EDEADLK and log the misuse
 * once.
 *
 * Lifetime. A barrier owns no memory and has no destroy call; its memory
 * may be freed (or go out of scope) only once no call on it is running,
 * and once it is unnamed if gosync_barrier_set_name() named it.
 * A party's own return does not mean the others have returned: when a
 * wait returns, the last arriver may still be waking the wait queue
 * (which is in the barrier), the other waiters may still be waking up
 * and reading the word, and a waiter that broke the generation, a
 * departing one or a reset() may still be waking the queue too. So free
 * it once every party has been joined (kthread_stop(), or a completion
 * each party completes after its last call), never because one wait (not
 * even the serial one) returned. The same holds for a barrier on a
 * party's stack.
 *
 * Waiting. Every wait flavour goes through one core routine, which spins
 * briefly (200 cpu_relax()es, not on a single CPU, not when the CPU is
 * wanted) before it sleeps: parties that arrive within a microsecond of
 * each other then never sleep, and the last arriver finds no one to wake.
 *
 * Example::
 *
 *	static struct gosync_barrier step;
 *
 *	gosync_barrier_init(&step, nr_workers, merge_results, ctx);
 *
 *	// in each worker, every round:
 *	ret = gosync_barrier_wait_killable(&step);
 *	if (ret < 0)	// -ECONNABORTED: another gave up; -ERESTARTSYS: we did
 *		goto out;
 *	if (gosync_barrier_is_serial(&step, ret))
 *		merge();	// exactly one worker per round
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
 * @name: see gosync_barrier_set_name(); NULL: unnamed
 * @face: its debugfs entry, or NULL
 */
struct gosync_barrier {
	atomic64_t word;
	struct task_struct *action_task;
	unsigned int parties;
	gosync_barrier_action_t action;
	void *arg;
	wait_queue_head_t wq;
	const char *name;
	struct gosync_face *face;
};

/**
 * gosync_barrier_init() - set up a barrier
 * @b: the barrier
 * @parties: threads per generation, 1..%GOSYNC_BARRIER_PARTIES_MAX
 * @action: run by the last arriver of each generation, or NULL
 * @arg: for @action
 *
 * The barrier starts in generation 0, not broken. Initializing a barrier
 * that a call is using is a bug.
 *
 * Context: any context.
 * Return: 0, or -EINVAL for a @parties of 0 or above
 * %GOSYNC_BARRIER_PARTIES_MAX.
 */
int gosync_barrier_init(struct gosync_barrier *b, unsigned int parties,
			gosync_barrier_action_t action, void *arg);

/**
 * gosync_barrier_wait() - arrive and wait for the other parties
 * @b: the barrier
 *
 * Sleeps uninterruptibly until the generation is released or broken. Its
 * return does not mean the other parties have left the barrier: free it
 * only once none of them is in a call (see "Lifetime" in <gosync/barrier.h>).
 *
 * Context: process context; sleeps. Not from @b's action.
 * Return: the arrival index, 0..parties - 1 (parties - 1: the last, which
 * ran the action; see gosync_barrier_is_serial()); -ECONNABORTED if the
 * generation was broken (a waiter gave up, or reset()) or the barrier is
 * broken; -EINVAL if more than parties threads arrived in one generation;
 * -EDEADLK if called from the barrier's own action (it would wait for
 * itself).
 */
int gosync_barrier_wait(struct gosync_barrier *b);

/**
 * gosync_barrier_wait_interruptible() - gosync_barrier_wait(), until a
 *	signal
 * @b: the barrier
 *
 * A signal breaks the generation: the other waiters get -ECONNABORTED.
 * If the last party arrives as the signal comes, the wait succeeds.
 *
 * Context: process context; sleeps.
 * Return: as gosync_barrier_wait(), or -ERESTARTSYS on a signal.
 */
int gosync_barrier_wait_interruptible(struct gosync_barrier *b);

/**
 * gosync_barrier_wait_killable() - gosync_barrier_wait(), until a fatal
 *	signal
 * @b: the barrier
 *
 * A fatal signal breaks the generation, as in
 * gosync_barrier_wait_interruptible().
 *
 * Context: process context; sleeps.
 * Return: as gosync_barrier_wait(), or -ERESTARTSYS on a fatal signal.
 */
int gosync_barrier_wait_killable(struct gosync_barrier *b);

/**
 * gosync_barrier_wait_timeout() - gosync_barrier_wait(), for at most
 *	@timeout jiffies
 * @b: the barrier
 * @timeout: in jiffies, not ms (msecs_to_jiffies() converts);
 *	MAX_SCHEDULE_TIMEOUT waits forever; 0 or less gives up at once
 *	(after a brief spin) unless the generation is released by then
 *
 * Giving up breaks the generation, as a signal does: the other waiters get
 * -ECONNABORTED. If the last party arrives as the timeout expires, the
 * wait succeeds. Unlike wait_event_timeout(), the result is never the
 * time left.
 *
 * Context: process context; sleeps.
 * Return: as gosync_barrier_wait(): the arrival index if released in
 * time; or -ETIMEDOUT.
 */
int gosync_barrier_wait_timeout(struct gosync_barrier *b, long timeout);

struct gosync_ctx;

/**
 * gosync_barrier_wait_ctx() - gosync_barrier_wait(), until a context is
 *	cancelled or a fatal signal
 * @b: the barrier
 * @ctx: the context (include/gosync/ctx.h); NULL: none
 *
 * A cancellation breaks the generation as a signal does: the other
 * waiters get -ECONNABORTED. If the last party arrives as the context is
 * cancelled, the wait succeeds. An already cancelled context still
 * arrives, and breaks the generation at once.
 *
 * Context: process context; sleeps (killable).
 * Return: as gosync_barrier_wait(); the context's cause (gosync_ctx_err())
 * if it was cancelled; -ERESTARTSYS on a fatal signal.
 */
int gosync_barrier_wait_ctx(struct gosync_barrier *b, struct gosync_ctx *ctx);

/**
 * gosync_barrier_reset() - break the current generation and start afresh
 * @b: the barrier
 *
 * The waiters of the current generation return -ECONNABORTED; the next
 * arrivals start a new, unbroken generation. If the current generation's
 * parties have all arrived, it is released first, normally. Waits until
 * every arrival of the broken generation has left it.
 *
 * Context: process context; may sleep (while a last arriver runs the
 * action). Not from the barrier's own action: that would wait for the
 * release the action holds up.
 * Return: 0; -EDEADLK if called from the barrier's own action (nothing
 * is changed).
 */
int gosync_barrier_reset(struct gosync_barrier *b);

/**
 * gosync_barrier_set_name() - name a barrier, or unname it
 * @b: the barrier, set up by gosync_barrier_init() (which leaves it
 *	unnamed)
 * @name: its name, or NULL to remove it; not copied: it must outlive
 *	the barrier, or until the next gosync_barrier_set_name()
 *
 * A named barrier appears in debugfs, and its trace events carry the name
 * (see "Debugfs and tracepoints" in <gosync/gosync.h>). A barrier has no
 * destroy call, so a named one must be unnamed (@name NULL) before its
 * memory is freed or it is initialized again; that call takes its debugfs
 * entry away and waits for a reader of it.
 *
 * Context: process context; sleeps. Like gosync_barrier_init(), while no
 * other call on @b runs.
 */
void gosync_barrier_set_name(struct gosync_barrier *b, const char *name);

/**
 * gosync_barrier_is_broken() - is the current generation broken?
 * @b: the barrier
 *
 * Context: any context.
 * Return: true from the moment a waiter gives up (or a reset() begins)
 * until gosync_barrier_reset() has started the next generation.
 */
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
