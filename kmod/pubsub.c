// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pubsub: publish/subscribe topics (design, and each exported
 * function's contract, in include/gosync/pubsub.h).
 *
 * The list. A topic's subscribers are a singly linked list: added at the
 * head, unlinked by pointing the predecessor past them, both under the
 * topic's mutex with rcu_assign_pointer(); publish walks it under
 * rcu_read_lock(). An unlinked subscriber keeps its @next, so a walker
 * standing on it goes on; its memory is the caller's again only after a
 * grace period (unsubscribe waits for one).
 *
 * Queueing. A publish takes the subscriber's raw lock and queues only if
 * the subscriber is neither dead nor closed: those marks are set under
 * the same lock, so a publish that read the subscriber from the list
 * before unsubscribe unlinked it (race window pubsub_enqueue) either
 * queued before the dead mark, and unsubscribe then releases the message,
 * or queues nothing. Checking the mark before the lock would queue for a
 * subscriber whose queue unsubscribe has already emptied: the message
 * would never be released.
 *
 * Blocking. A publish that must wait for room cannot sleep under RCU. It
 * pins the subscriber (@pins, under its lock, while not dead), leaves the
 * RCU section and sleeps; when woken it takes the RCU read lock again and
 * the subscriber's lock, queues or gives up, reads @next and unpins. A
 * pinned subscriber stays linked: unsubscribe marks it dead, wakes its
 * waiters and waits for @pins to reach 0 before it unlinks it, so the
 * @next a woken publisher reads is that of a linked subscriber, valid
 * until its rcu_read_unlock() (race window pubsub_blocked: the woken
 * publisher, not yet locked).
 *
 * Waking. Receivers and blocked publishers of a subscriber queue a
 * struct gps_waiter on its @waiters, under its raw lock, and sleep; every
 * change they may wait for (a message queued or taken, dead, closed, a
 * pin dropped) wakes them all with wake_up_process(), which any context
 * may do (a wait queue's spinlock_t sleeps on PREEMPT_RT).
 *
 * References. publish sets @refs from 0 to 1 (its own), adds one per
 * queue, and puts its own at the end; receivers, drop-oldest evictions
 * and unsubscribe put theirs, always outside the subscriber's lock. The
 * put that reaches 0 calls the topic's release.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <gosync/ctx.h>
#include <gosync/pubsub.h>

#include "internal.h"
#include "trace.h"

/* A task sleeping on a subscriber's queue. */
struct gps_waiter {
	struct list_head node;
	struct task_struct *task;
};

/* What one publish did, for its return and its trace. */
struct gps_pub {
	struct gosync_ctx *ctx;
	long timeout;		/* jiffies left; 0: do not wait */
	int err;		/* the first reason it stopped waiting */
	int delivered;
	bool closed;		/* a closed subscriber was met */
};

void gosync_pubsub_init(struct gosync_pubsub *t,
			gosync_pubsub_release_t release, void *arg)
{
	RCU_INIT_POINTER(t->subs, NULL);
	mutex_init(&t->lock);
	t->release = release;
	t->arg = arg;
	t->closed = false;
	t->nr_subs = 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_init);

void gosync_pubsub_put(struct gosync_pubsub *t, struct gosync_pubsub_msg *msg)
{
	if (atomic_dec_and_test(&msg->refs) && t->release)
		t->release(msg, t->arg);
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_put);

/* Wake every task sleeping on @s. With its lock held. */
static void gps_wake(struct gosync_pubsub_sub *s)
{
	struct gps_waiter *w;

	lockdep_assert_held(&s->lock);
	list_for_each_entry(w, &s->waiters, node)
		wake_up_process(w->task);
}

/*
 * Sleep on @s until @ready(s), @ctx is cancelled, a signal @state lets
 * in is pending, or *@timeout passes. Called and returns with @s->lock
 * held (interrupts saved in *@flags); the lock is dropped while asleep.
 * Return: 0 when ready, else the reason.
 */
static int gps_wait(struct gosync_pubsub_sub *s,
		    bool (*ready)(const struct gosync_pubsub_sub *s),
		    struct gosync_ctx *ctx, unsigned int state, long *timeout,
		    unsigned long *flags)
{
	struct gps_waiter w = { .task = current };
	int ret = 0;

	list_add_tail(&w.node, &s->waiters);
	for (;;) {
		/* Under the lock: a waker takes it before waking us. */
		set_current_state(state);
		if (ready(s))
			break;
		ret = gosync_ctx_err(ctx);
		if (!ret && signal_pending_state(state, current))
			ret = -EINTR;
		if (!ret && !*timeout)
			ret = -ETIMEDOUT;
		if (ret)
			break;
		raw_spin_unlock_irqrestore(&s->lock, *flags);
		*timeout = schedule_timeout(*timeout);
		raw_spin_lock_irqsave(&s->lock, *flags);
	}
	__set_current_state(TASK_RUNNING);
	list_del(&w.node);
	/* Unsubscribe waits for the others to leave. */
	if (s->dead && !list_empty(&s->waiters))
		gps_wake(s);
	return ret;
}

static bool gps_has_room(const struct gosync_pubsub_sub *s)
{
	return s->count < s->depth || s->dead || s->closed;
}

static bool gps_has_msg(const struct gosync_pubsub_sub *s)
{
	return s->count || s->dead || s->closed;
}

static void gps_push(struct gosync_pubsub_sub *s, struct gosync_pubsub_msg *m)
{
	u32 slot = s->head + s->count;

	if (slot >= s->depth)
		slot -= s->depth;
	s->ring[slot] = m;
	s->count++;
	s->queued++;
	atomic_inc(&m->refs);
	if (!list_empty(&s->waiters))
		gps_wake(s);
}

static struct gosync_pubsub_msg *gps_pop(struct gosync_pubsub_sub *s)
{
	struct gosync_pubsub_msg *m = s->ring[s->head];

	s->ring[s->head] = NULL;
	if (++s->head == s->depth)
		s->head = 0;
	s->count--;
	if (!list_empty(&s->waiters))
		gps_wake(s);
	return m;
}

/*
 * Wait for room in @s, which is full, for a publish in process context.
 * With @s->lock held, returns with it held, and under rcu_read_lock()
 * on entry and on return; in between, @s is pinned instead.
 */
static int gps_wait_room(struct gosync_pubsub_sub *s, struct gps_pub *p,
			 unsigned long *flags)
	__must_hold(&s->lock) __must_hold(RCU)
{
	struct gosync_ctx_watcher cw;
	int ret;

	s->pins++;
	trace_gosync_pubsub_block(s, s->count);
	raw_spin_unlock_irqrestore(&s->lock, *flags);
	rcu_read_unlock();
	might_sleep();
	gosync_ctx_watch(p->ctx, &cw);
	raw_spin_lock_irqsave(&s->lock, *flags);
	ret = gps_wait(s, gps_has_room, p->ctx, TASK_KILLABLE, &p->timeout,
		       flags);
	raw_spin_unlock_irqrestore(&s->lock, *flags);
	gosync_ctx_unwatch(p->ctx, &cw);
	/* Woken (maybe by unsubscribe), not yet locked. */
	gosync_race_window(GOSYNC_RACE_PUBSUB_BLOCKED, s);
	rcu_read_lock();
	raw_spin_lock_irqsave(&s->lock, *flags);
	if (!--s->pins && s->dead)
		gps_wake(s);	/* unsubscribe waits for us to let go */
	return ret;
}

/*
 * Offer @m to @s. Called under rcu_read_lock(); returns the message the
 * queue dropped to make room, to put outside the lock, or NULL.
 */
static struct gosync_pubsub_msg *gps_offer(struct gosync_pubsub_sub *s,
					   struct gosync_pubsub_msg *m,
					   struct gps_pub *p)
{
	struct gosync_pubsub_msg *old = NULL;
	unsigned long flags;

	/* Read from the list; unsubscribe may be marking it dead now. */
	gosync_race_window(GOSYNC_RACE_PUBSUB_ENQUEUE, s);
	raw_spin_lock_irqsave(&s->lock, flags);
	while (!s->dead && !s->closed && s->count == s->depth) {
		if (s->policy == GOSYNC_PUBSUB_DROP_OLDEST) {
			old = gps_pop(s);
			s->dropped++;
			trace_gosync_pubsub_drop(s, old, s->policy);
			break;
		}
		if (s->policy == GOSYNC_PUBSUB_BLOCK && !p->err) {
			/* No time to wait: a try, or a timeout that passed. */
			p->err = p->timeout ? gps_wait_room(s, p, &flags) :
					      -ETIMEDOUT;
			if (!p->err)
				continue;
		}
		/* Drop newest, or a blocking publish that gave up. */
		s->dropped++;
		trace_gosync_pubsub_drop(s, m, s->policy);
		raw_spin_unlock_irqrestore(&s->lock, flags);
		return NULL;
	}
	if (s->closed && !s->dead) {
		p->closed = true;
	} else if (!s->dead) {
		gps_push(s, m);
		p->delivered++;
	}
	raw_spin_unlock_irqrestore(&s->lock, flags);
	return old;
}

static int gps_publish(struct gosync_pubsub *t, struct gosync_pubsub_msg *m,
		       struct gps_pub *p)
{
	struct gosync_pubsub_sub *s;

	if (WARN_ONCE(atomic_cmpxchg(&m->refs, 0, 1),
		      "gosync_pubsub_publish() of a message still referenced: -EBUSY\n"))
		return -EBUSY;
	/* The message is ours now: released even when refused. */
	if (READ_ONCE(t->closed)) {
		gosync_pubsub_put(t, m);
		return -EPIPE;
	}
	rcu_read_lock();
	for (s = rcu_dereference(t->subs); s; s = rcu_dereference(s->next)) {
		struct gosync_pubsub_msg *old = gps_offer(s, m, p);

		if (old)
			gosync_pubsub_put(t, old);
	}
	rcu_read_unlock();
	trace_gosync_pubsub_publish(t, m, p->delivered, p->err);
	gosync_pubsub_put(t, m);
	if (p->err)
		return p->err;
	return p->closed ? -EPIPE : p->delivered;
}

int gosync_pubsub_publish_timeout(struct gosync_pubsub *t,
				  struct gosync_pubsub_msg *msg,
				  struct gosync_ctx *ctx, long timeout)
{
	struct gps_pub p = { .ctx = ctx, .timeout = timeout < 0 ? 0 : timeout };

	return gps_publish(t, msg, &p);
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_publish_timeout);

int gosync_pubsub_publish(struct gosync_pubsub *t,
			  struct gosync_pubsub_msg *msg, struct gosync_ctx *ctx)
{
	return gosync_pubsub_publish_timeout(t, msg, ctx, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_publish);

int gosync_pubsub_try_publish(struct gosync_pubsub *t,
			      struct gosync_pubsub_msg *msg)
{
	struct gps_pub p = { .timeout = 0 };

	return gps_publish(t, msg, &p);
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_try_publish);

int gosync_pubsub_subscribe(struct gosync_pubsub *t,
			    struct gosync_pubsub_sub *sub, u32 depth,
			    enum gosync_pubsub_policy policy, gfp_t gfp)
{
	struct gosync_pubsub_sub *first;
	struct gosync_pubsub_msg **ring;

	might_sleep();
	if (!depth || depth > GOSYNC_PUBSUB_DEPTH_MAX ||
	    (unsigned int)policy >= GOSYNC_PUBSUB_NR_POLICIES)
		return -EINVAL;
	ring = kcalloc(depth, sizeof(*ring), gfp);
	if (!ring)
		return -ENOMEM;
	*sub = (struct gosync_pubsub_sub){
		.topic = t, .ring = ring, .depth = depth, .policy = policy,
	};
	raw_spin_lock_init(&sub->lock);
	INIT_LIST_HEAD(&sub->waiters);
	mutex_lock(&t->lock);
	if (t->closed) {
		mutex_unlock(&t->lock);
		kfree(ring);
		sub->ring = NULL;
		sub->topic = NULL;
		return -EPIPE;
	}
	first = rcu_dereference_protected(t->subs, lockdep_is_held(&t->lock));
	RCU_INIT_POINTER(sub->next, first);
	rcu_assign_pointer(t->subs, sub);
	t->nr_subs++;
	mutex_unlock(&t->lock);
	trace_gosync_pubsub_subscribe(t, sub, depth, policy);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_subscribe);

/* No publisher pinned, no other task waiting: only unsubscribe's own. */
static bool gps_alone(const struct gosync_pubsub_sub *s)
{
	return !s->pins && list_is_singular(&s->waiters);
}

/* Unlink @s from @t's list. With the topic's mutex. */
static void gps_unlink(struct gosync_pubsub *t, struct gosync_pubsub_sub *s)
{
	struct gosync_pubsub_sub __rcu **pp = &t->subs;
	struct gosync_pubsub_sub *cur;

	while ((cur = rcu_dereference_protected(*pp,
						lockdep_is_held(&t->lock)))) {
		if (cur == s) {
			cur = rcu_dereference_protected(s->next,
							lockdep_is_held(&t->lock));
			rcu_assign_pointer(*pp, cur);
			t->nr_subs--;
			return;
		}
		pp = &cur->next;
	}
	WARN_ONCE(1, "gosync_pubsub: a subscriber not in its topic's list\n");
}

int gosync_pubsub_unsubscribe(struct gosync_pubsub_sub *sub)
{
	struct gosync_pubsub *t = READ_ONCE(sub->topic);
	unsigned long flags;
	long forever = MAX_SCHEDULE_TIMEOUT;
	u32 n;

	might_sleep();
	if (WARN_ONCE(!t, "%s() of a subscriber not subscribed: -EINVAL\n",
		      __func__))
		return -EINVAL;
	mutex_lock(&t->lock);
	if (WARN_ONCE(sub->topic != t, "%s() twice: -EINVAL\n", __func__)) {
		mutex_unlock(&t->lock);
		return -EINVAL;
	}
	/* Under the mutex: a racing second unsubscribe is refused. */
	WRITE_ONCE(sub->topic, NULL);
	raw_spin_lock_irqsave(&sub->lock, flags);
	WRITE_ONCE(sub->dead, true);	/* tests poll it */
	gps_wake(sub);
	/* Blocked publishers and receivers leave; none may stay. */
	gps_wait(sub, gps_alone, NULL, TASK_UNINTERRUPTIBLE, &forever, &flags);
	raw_spin_unlock_irqrestore(&sub->lock, flags);
	gps_unlink(t, sub);
	mutex_unlock(&t->lock);
	/* No publish holds @sub after this, nor queues for it (dead). */
	synchronize_rcu();
	for (n = 0; ; n++) {
		struct gosync_pubsub_msg *m = NULL;

		raw_spin_lock_irqsave(&sub->lock, flags);
		if (sub->count)
			m = gps_pop(sub);
		raw_spin_unlock_irqrestore(&sub->lock, flags);
		if (!m)
			break;
		gosync_pubsub_put(t, m);
	}
	trace_gosync_pubsub_unsubscribe(t, sub, n);
	kfree(sub->ring);
	sub->ring = NULL;
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_unsubscribe);

void gosync_pubsub_close(struct gosync_pubsub *t)
{
	struct gosync_pubsub_sub *s;
	unsigned long flags;

	might_sleep();
	mutex_lock(&t->lock);
	WRITE_ONCE(t->closed, true);
	for (s = rcu_dereference_protected(t->subs, lockdep_is_held(&t->lock));
	     s; s = rcu_dereference_protected(s->next,
					      lockdep_is_held(&t->lock))) {
		raw_spin_lock_irqsave(&s->lock, flags);
		s->closed = true;
		gps_wake(s);
		raw_spin_unlock_irqrestore(&s->lock, flags);
	}
	mutex_unlock(&t->lock);
	trace_gosync_pubsub_close(t);
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_close);

/* Take the oldest message, or say why there is none. With the lock. */
static int gps_take(struct gosync_pubsub_sub *s, struct gosync_pubsub_msg **m)
{
	if (s->count) {
		*m = gps_pop(s);
		s->received++;
		return 0;
	}
	return s->dead || s->closed ? -EPIPE : -EAGAIN;
}

int gosync_pubsub_try_recv(struct gosync_pubsub_sub *sub,
			   struct gosync_pubsub_msg **msg)
{
	unsigned long flags;
	int ret;

	raw_spin_lock_irqsave(&sub->lock, flags);
	ret = gps_take(sub, msg);
	raw_spin_unlock_irqrestore(&sub->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_try_recv);

int gosync_pubsub_recv_timeout(struct gosync_pubsub_sub *sub,
			       struct gosync_ctx *ctx,
			       struct gosync_pubsub_msg **msg, long timeout)
{
	struct gosync_ctx_watcher cw;
	unsigned long flags;
	int ret;

	might_sleep();
	if (timeout < 0)
		timeout = 0;
	/*
	 * Watch first: from its lock to its place among the waiters, a
	 * receiver never lets go of @sub's lock, so an unsubscribe sees it.
	 */
	gosync_ctx_watch(ctx, &cw);
	raw_spin_lock_irqsave(&sub->lock, flags);
	ret = gps_take(sub, msg);
	if (ret == -EAGAIN) {
		ret = gps_wait(sub, gps_has_msg, ctx, TASK_KILLABLE, &timeout,
			       &flags);
		/* A message that came wins over the cancellation. */
		if (!ret || sub->count)
			ret = gps_take(sub, msg);
	}
	raw_spin_unlock_irqrestore(&sub->lock, flags);
	gosync_ctx_unwatch(ctx, &cw);
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_recv_timeout);

int gosync_pubsub_recv(struct gosync_pubsub_sub *sub, struct gosync_ctx *ctx,
		       struct gosync_pubsub_msg **msg)
{
	return gosync_pubsub_recv_timeout(sub, ctx, msg, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_recv);

void gosync_pubsub_stats(struct gosync_pubsub_sub *sub,
			 struct gosync_pubsub_stats *st)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sub->lock, flags);
	st->queued = sub->queued;
	st->received = sub->received;
	st->dropped = sub->dropped;
	st->pending = sub->count;
	raw_spin_unlock_irqrestore(&sub->lock, flags);
}
EXPORT_SYMBOL_GOSYNC(gosync_pubsub_stats);
