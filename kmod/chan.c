// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_chan: channels and select (design, and each exported function's
 * contract, in include/gosync/chan.h).
 *
 * Calls. A send, receive or select that must wait is one struct
 * gchan_call on its caller's stack: the task, a state, and the case that
 * completed. The state goes WAIT -> BUSY -> DONE when a peer completes one
 * of its cases, or WAIT -> GONE when the caller gives up. Leaving WAIT is
 * a cmpxchg, so exactly one of the two happens, and a state never goes
 * back to WAIT.
 *
 * Waiters. Each case of a waiting call queues a struct gchan_waiter, on
 * the caller's stack, on its channel's sendq or recvq. A peer (a send, a
 * receive or a close, holding the channel's lock) takes waiters off the
 * head of a queue until it sets one's call BUSY (gchan_claim()); the ones
 * it fails on are stale (their call ended, or is ending through another
 * case) and stay off. It moves the value, stores the case and DONE
 * (release) and wakes the task, all before it drops the lock (race window
 * chan_claim: BUSY, value not moved yet).
 *
 * Leaving. A caller woken by its context, a signal or its timeout sets
 * GONE; if the cmpxchg fails, a peer set BUSY first (race window
 * chan_cancel) and the completion wins. Either way the caller then takes
 * the lock of each of its channels and removes its waiters still queued:
 * the lock of the channel that completed it waits for that peer to be
 * done with its stack, and after the last, no peer can reach it.
 *
 * Select. A call looks at all its channels with all their locks held
 * (gchan_lock(): each channel once, in address order, with lockdep
 * subclass its rank) and, if no case is ready, queues on all of them
 * before dropping any, as Go's selectgo does: no case becomes ready
 * unseen between the look and the queueing, and while it looks the call
 * is queued nowhere, so no peer can complete it meanwhile.
 *
 * Invariants, under a channel's lock: a sender whose call is WAIT is
 * queued only while the ring is full (or the channel unbuffered), a
 * receiver only while it is empty; so a receive that finds values first
 * takes the oldest, then moves the first waiting sender's value to the
 * tail, and FIFO holds for values and for callers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <gosync/chan.h>
#include <gosync/ctx.h>

#include "internal.h"
#include "trace.h"

enum { GCHAN_WAIT, GCHAN_BUSY, GCHAN_DONE, GCHAN_GONE };

struct gchan_call {
	struct task_struct *task;
	atomic_t state;
	unsigned int won;
};

struct gchan_waiter {
	struct list_head node;
	struct gchan_call *call;
	struct gosync_select_case *c;
	unsigned int idx;
};

/* The distinct channels of a select, in address order. */
struct gchan_set {
	struct gosync_chan *ch[GOSYNC_SELECT_MAX];
	unsigned int n;
};

int gosync_chan_init(struct gosync_chan *ch, unsigned int cap, gfp_t gfp)
{
	if (cap > GOSYNC_CHAN_MAX)
		return -EINVAL;
	ch->buf = NULL;
	if (cap) {
		ch->buf = kmalloc_array(cap, sizeof(*ch->buf), gfp);
		if (!ch->buf)
			return -ENOMEM;
	}
	raw_spin_lock_init(&ch->lock);
	ch->cap = cap;
	ch->head = 0;
	ch->count = 0;
	ch->closed = false;
	INIT_LIST_HEAD(&ch->sendq);
	INIT_LIST_HEAD(&ch->recvq);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_init);

int gosync_chan_destroy(struct gosync_chan *ch)
{
	unsigned long flags;
	unsigned int left;
	bool busy;

	raw_spin_lock_irqsave(&ch->lock, flags);
	busy = !list_empty(&ch->sendq) || !list_empty(&ch->recvq);
	left = ch->count;
	raw_spin_unlock_irqrestore(&ch->lock, flags);
	if (WARN_ONCE(busy, "%s() with callers blocked on it: -EBUSY\n",
		      __func__))
		return -EBUSY;
	kfree(ch->buf);
	ch->buf = NULL;
	ch->cap = 0;
	ch->count = 0;
	return left;
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_destroy);

/*
 * Take waiters off the head of @q until one's call can be set BUSY, and
 * return that one (NULL if none): the others are stale. @ch's lock held.
 */
static struct gchan_waiter *gchan_claim(struct gosync_chan *ch,
					struct list_head *q)
{
	struct gchan_waiter *w, *tmp;

	list_for_each_entry_safe(w, tmp, q, node) {
		list_del_init(&w->node);
		if (atomic_cmpxchg(&w->call->state, GCHAN_WAIT,
				   GCHAN_BUSY) == GCHAN_WAIT) {
			gosync_race_window(GOSYNC_RACE_CHAN_CLAIM, ch);
			return w;
		}
	}
	return NULL;
}

/* End @w's call with its case done (@err for it). @w's channel locked. */
static void gchan_done(struct gchan_waiter *w, int err)
{
	struct gchan_call *call = w->call;

	w->c->err = err;
	call->won = w->idx;
	/* Pairs with gchan_wait()'s acquire: the case's outcome is set. */
	atomic_set_release(&call->state, GCHAN_DONE);
	/* @call stays valid: its owner takes our lock before it returns. */
	wake_up_process(call->task);
}

static unsigned int gchan_next(const struct gosync_chan *ch, unsigned int i)
{
	return ++i == ch->cap ? 0 : i;
}

/* Send @val now if that needs no wait: 0, -EPIPE or -EAGAIN. Locked. */
static int gchan_send_locked(struct gosync_chan *ch, void *val)
{
	struct gchan_waiter *w;
	unsigned int tail;

	if (ch->closed)
		return -EPIPE;
	/* A receiver waits only while the ring is empty: hand it over. */
	w = gchan_claim(ch, &ch->recvq);
	if (w) {
		w->c->val = val;
		gchan_done(w, 0);
		return 0;
	}
	if (ch->count == ch->cap)
		return -EAGAIN;
	tail = ch->head + ch->count;
	ch->buf[tail >= ch->cap ? tail - ch->cap : tail] = val;
	WRITE_ONCE(ch->count, ch->count + 1);
	return 0;
}

/* Receive into *@val now if that needs no wait: as above. Locked. */
static int gchan_recv_locked(struct gosync_chan *ch, void **val)
{
	struct gchan_waiter *w;

	if (ch->count) {
		*val = ch->buf[ch->head];
		/* A sender waits only while the ring is full: its value to the tail. */
		w = gchan_claim(ch, &ch->sendq);
		if (w) {
			ch->buf[ch->head] = w->c->val;
			gchan_done(w, 0);
		} else {
			WRITE_ONCE(ch->count, ch->count - 1);
		}
		ch->head = gchan_next(ch, ch->head);
		return 0;
	}
	w = gchan_claim(ch, &ch->sendq);
	if (w) {
		*val = w->c->val;
		gchan_done(w, 0);
		return 0;
	}
	return ch->closed ? -EPIPE : -EAGAIN;
}

static int gchan_try_case(struct gosync_select_case *c)
{
	if (c->dir == GOSYNC_SELECT_SEND)
		return gchan_send_locked(c->chan, c->val);
	return gchan_recv_locked(c->chan, &c->val);
}

int gosync_chan_try_send(struct gosync_chan *ch, void *val)
{
	unsigned long flags;
	int ret;

	raw_spin_lock_irqsave(&ch->lock, flags);
	ret = gchan_send_locked(ch, val);
	raw_spin_unlock_irqrestore(&ch->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_try_send);

int gosync_chan_try_recv(struct gosync_chan *ch, void **val)
{
	unsigned long flags;
	void *v = NULL;
	int ret;

	raw_spin_lock_irqsave(&ch->lock, flags);
	ret = gchan_recv_locked(ch, &v);
	raw_spin_unlock_irqrestore(&ch->lock, flags);
	if (!ret)
		*val = v;
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_try_recv);

int gosync_chan_close(struct gosync_chan *ch)
{
	struct gchan_waiter *w;
	unsigned int woken = 0;
	unsigned long flags;

	raw_spin_lock_irqsave(&ch->lock, flags);
	if (ch->closed) {
		raw_spin_unlock_irqrestore(&ch->lock, flags);
		return -EINVAL;
	}
	ch->closed = true;
	/* Receivers wait only while the ring is empty: none has a value. */
	while ((w = gchan_claim(ch, &ch->sendq)) ||
	       (w = gchan_claim(ch, &ch->recvq))) {
		gchan_done(w, -EPIPE);
		woken++;
	}
	raw_spin_unlock_irqrestore(&ch->lock, flags);
	trace_gosync_chan_close(ch, woken);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_close);

/* The distinct channels of @cases, sorted by address (at most 8). */
static void gchan_set_of(struct gchan_set *s,
			 const struct gosync_select_case *cases, unsigned int n)
{
	unsigned int i, j;

	s->n = 0;
	for (i = 0; i < n; i++) {
		struct gosync_chan *ch = cases[i].chan;

		if (!ch)
			continue;
		for (j = 0; j < s->n && s->ch[j] < ch; j++)
			;
		if (j < s->n && s->ch[j] == ch)
			continue;
		memmove(&s->ch[j + 1], &s->ch[j], (s->n - j) * sizeof(ch));
		s->ch[j] = ch;
		s->n++;
	}
}

/*
 * Lock every channel of @s, interrupts off: address order, rank subclass.
 * For sparse, whose context count cannot follow a loop of locks, the set
 * is the one context taken (__acquire()/__release() are sparse's only).
 */
static unsigned long gchan_lock(const struct gchan_set *s)
	__acquires(s)
{
	unsigned long flags;
	unsigned int i;

	local_irq_save(flags);
	for (i = 0; i < s->n; i++) {
		raw_spin_lock_nested(&s->ch[i]->lock, i);
		__release(&s->ch[i]->lock);
	}
	__acquire(s);
	return flags;
}

static void gchan_unlock(const struct gchan_set *s, unsigned long flags)
	__releases(s)
{
	unsigned int i = s->n;

	while (i--) {
		__acquire(&s->ch[i]->lock);
		raw_spin_unlock(&s->ch[i]->lock);
	}
	__release(s);
	local_irq_restore(flags);
}

/* A starting case in 0..@n-1, spread evenly; any context (no lock). */
static unsigned int gchan_start(unsigned int n)
{
	u32 r;

	if (n == 1)
		return 0;
	r = (u32)((local_clock() * 0x9e3779b97f4a7c15ULL) >> 32);
	return (u32)(((u64)r * n) >> 32);
}

/*
 * Sleep until a peer completes a case of @call or we give up; then leave
 * every channel of @s. Return the index of the completed case, or the
 * cause.
 */
static int gchan_wait(struct gchan_call *call, struct gchan_waiter *w,
		      unsigned int n, const struct gchan_set *s,
		      struct gosync_ctx *ctx, unsigned int state, long timeout)
{
	struct gosync_ctx_watcher cw;
	unsigned long flags;
	unsigned int i;
	int ret = 0;

	gosync_ctx_watch(ctx, &cw);
	/* A peer on another CPU often comes within a microsecond. */
	if (num_online_cpus() > 1) {
		unsigned int spin;

		/* Relaxed: the loop below reads the state again, with acquire. */
		for (spin = 0; spin < GOSYNC_SPIN_LOOPS && !need_resched() &&
		     atomic_read(&call->state) == GCHAN_WAIT &&
		     !gosync_ctx_done(ctx); spin++)
			cpu_relax();
	}
	for (;;) {
		/* Its barrier pairs with gchan_done()'s store and wake-up. */
		set_current_state(state);
		if (atomic_read_acquire(&call->state) != GCHAN_WAIT)
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
	if (ret) {
		gosync_race_window(GOSYNC_RACE_CHAN_CANCEL, call);
		/* A peer that set BUSY first completes the call: it wins. */
		if (atomic_cmpxchg(&call->state, GCHAN_WAIT,
				   GCHAN_GONE) != GCHAN_WAIT)
			ret = 0;
	}
	/*
	 * A peer that set BUSY holds the channel's lock until DONE: wait
	 * here, preemptible, rather than spin on its lock, interrupts off.
	 */
	while (atomic_read(&call->state) == GCHAN_BUSY) {
		cpu_relax();
		cond_resched();
	}
	flags = gchan_lock(s);
	for (i = 0; i < n; i++)
		if (w[i].c->chan && !list_empty(&w[i].node))
			list_del(&w[i].node);
	/* Locked: the peer that completed us is done; DONE and won are set. */
	if (!ret)
		ret = call->won;
	gchan_unlock(s, flags);
	return ret;
}

/*
 * The one core of every send, receive and select: look at the cases, in
 * a random order, and complete the first that is ready; else, unless
 * @flags or a zero @timeout forbid it, queue on every case and wait.
 */
static int gchan_select(struct gosync_select_case *cases, unsigned int n,
			struct gosync_ctx *ctx, unsigned int flags,
			long timeout)
{
	struct gchan_waiter w[GOSYNC_SELECT_MAX];
	struct gchan_call call;
	struct gchan_set s;
	unsigned long irq;
	unsigned int i, k, start;
	int ret;

	if (!n || n > GOSYNC_SELECT_MAX ||
	    (flags & ~(GOSYNC_SELECT_DEFAULT | GOSYNC_SELECT_INTERRUPTIBLE)))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (cases[i].dir != GOSYNC_SELECT_SEND &&
		    cases[i].dir != GOSYNC_SELECT_RECV)
			return -EINVAL;
	if (!(flags & GOSYNC_SELECT_DEFAULT) && timeout)
		might_sleep();
	/* Already cancelled: fail even if a case is ready. */
	ret = gosync_ctx_err(ctx);
	if (ret)
		return ret;

	gchan_set_of(&s, cases, n);
	start = gchan_start(n);
	irq = gchan_lock(&s);
	for (k = 0; k < n; k++) {
		i = start + k < n ? start + k : start + k - n;
		if (!cases[i].chan)
			continue;
		ret = gchan_try_case(&cases[i]);
		if (ret != -EAGAIN) {
			cases[i].err = ret;
			gchan_unlock(&s, irq);
			return i;
		}
	}
	if ((flags & GOSYNC_SELECT_DEFAULT) || !timeout) {
		gchan_unlock(&s, irq);
		return (flags & GOSYNC_SELECT_DEFAULT) ? -EAGAIN : -ETIMEDOUT;
	}
	call.task = current;
	atomic_set(&call.state, GCHAN_WAIT);
	for (i = 0; i < n; i++) {
		struct gosync_chan *ch = cases[i].chan;

		w[i].c = &cases[i];
		if (!ch)
			continue;
		w[i].call = &call;
		w[i].idx = i;
		if (cases[i].dir == GOSYNC_SELECT_SEND)
			list_add_tail(&w[i].node, &ch->sendq);
		else
			list_add_tail(&w[i].node, &ch->recvq);
	}
	gchan_unlock(&s, irq);
	trace_gosync_chan_block(cases[0].chan, n);
	ret = gchan_wait(&call, w, n, &s, ctx,
			 (flags & GOSYNC_SELECT_INTERRUPTIBLE) ?
			 TASK_INTERRUPTIBLE : TASK_KILLABLE, timeout);
	trace_gosync_chan_unblock(cases[0].chan, ret);
	return ret;
}

int gosync_select(struct gosync_select_case *cases, unsigned int n,
		  struct gosync_ctx *ctx, unsigned int flags)
{
	return gchan_select(cases, n, ctx, flags, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_select);

int gosync_select_timeout(struct gosync_select_case *cases, unsigned int n,
			  struct gosync_ctx *ctx, unsigned int flags,
			  long timeout)
{
	if (flags & GOSYNC_SELECT_DEFAULT)
		return -EINVAL;
	return gchan_select(cases, n, ctx, flags, max(timeout, 0L));
}
EXPORT_SYMBOL_GOSYNC(gosync_select_timeout);

/* One case: its outcome (0 or -EPIPE) or the call's error. */
static int gchan_one(struct gosync_chan *ch, enum gosync_select_dir dir,
		     void **val, struct gosync_ctx *ctx, unsigned int flags,
		     long timeout)
{
	struct gosync_select_case c = {
		.chan = ch,
		.dir = dir,
		.val = dir == GOSYNC_SELECT_SEND ? *val : NULL,
	};
	int ret = gchan_select(&c, 1, ctx, flags, timeout);

	if (ret < 0)
		return ret;
	if (!c.err)
		*val = c.val;
	return c.err;
}

int gosync_chan_send(struct gosync_chan *ch, void *val, struct gosync_ctx *ctx)
{
	return gchan_one(ch, GOSYNC_SELECT_SEND, &val, ctx, 0,
			 MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_send);

int gosync_chan_send_interruptible(struct gosync_chan *ch, void *val,
				   struct gosync_ctx *ctx)
{
	return gchan_one(ch, GOSYNC_SELECT_SEND, &val, ctx,
			 GOSYNC_SELECT_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_send_interruptible);

int gosync_chan_send_timeout(struct gosync_chan *ch, void *val,
			     struct gosync_ctx *ctx, long timeout)
{
	return gchan_one(ch, GOSYNC_SELECT_SEND, &val, ctx, 0,
			 timeout < 0 ? 0 : timeout);
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_send_timeout);

int gosync_chan_recv(struct gosync_chan *ch, void **val, struct gosync_ctx *ctx)
{
	return gchan_one(ch, GOSYNC_SELECT_RECV, val, ctx, 0,
			 MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_recv);

int gosync_chan_recv_interruptible(struct gosync_chan *ch, void **val,
				   struct gosync_ctx *ctx)
{
	return gchan_one(ch, GOSYNC_SELECT_RECV, val, ctx,
			 GOSYNC_SELECT_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT);
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_recv_interruptible);

int gosync_chan_recv_timeout(struct gosync_chan *ch, void **val,
			     struct gosync_ctx *ctx, long timeout)
{
	return gchan_one(ch, GOSYNC_SELECT_RECV, val, ctx, 0,
			 timeout < 0 ? 0 : timeout);
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_recv_timeout);
