// SPDX-License-Identifier: GPL-2.0
/*
 * The core wait of the blocking primitives: gosync_wait_event_state() in
 * internal.h, one step per check of the caller's condition, so that the
 * condition appears once in the macro and is evaluated in the caller.
 */
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "internal.h"

/**
 * gosync_waiter_start() - begin one gosync_wait_event_state()
 * @w: the wait
 * @wq: the wait queue
 * @state: the task state to sleep in
 * @timeout: jiffies; MAX_SCHEDULE_TIMEOUT for none
 *
 * Context: process context.
 */
void gosync_waiter_start(struct gosync_waiter *w, struct wait_queue_head *wq,
			 unsigned int state, long timeout)
{
	w->wq = wq;
	w->state = state;
	w->spin = num_online_cpus() > 1 ? GOSYNC_SPIN_LOOPS : 0;
	w->left = timeout;
	w->intr = 0;
	w->queued = false;
}

/**
 * gosync_waiter_step() - one step of gosync_wait_event_state()
 * @w: the wait
 * @done: the caller's condition, just evaluated
 *
 * Spins, or (once the spinning is over) sleeps until woken and queues
 * again, so that the caller's next check of its condition follows
 * prepare_to_wait_event(), as in ___wait_event().
 *
 * Context: process context; sleeps.
 * Return: 1 to check the condition again; 0 if @done; -ERESTARTSYS if a
 * signal @w->state lets in was pending at the last queueing;
 * -ETIMEDOUT.
 */
int gosync_waiter_step(struct gosync_waiter *w, bool done)
{
	int ret = 0;

	if (done)
		goto out;
	if (w->spin) {
		if (!need_resched()) {
			w->spin--;
			cpu_relax();
			return 1;
		}
		w->spin = 0;
	}
	if (!w->queued) {
		init_wait_entry(&w->wait, 0);
		w->queued = true;
	} else if (w->intr) {
		ret = w->intr;
		goto out;
	} else if (!w->left) {
		ret = -ETIMEDOUT;
		goto out;
	} else {
		w->left = schedule_timeout(w->left);
	}
	w->intr = prepare_to_wait_event(w->wq, &w->wait, w->state);
	return 1;
out:
	if (w->queued)
		finish_wait(w->wq, &w->wait);
	return ret;
}
