// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_chan (kmod/chan.c, kmod/chan_pipe.c): init
 * bounds, buffered FIFO, unbuffered hand-over, blocked senders served in
 * order, close (drain, then -EPIPE; twice -EINVAL; blocked callers woken),
 * cancellation by context, timeout and signals, select (bad arguments,
 * default, nil cases, a random pick among ready cases, blocking on
 * several, select against select), try_send and try_recv from a hard
 * interrupt, the two windows of a blocked call held open (chan_claim: a
 * peer between claiming a call and completing it, while the call gives
 * up; chan_cancel: a call that gave up, not gone yet, completed by a
 * peer), and the pipes (a stage, a filter, a merge, stop, a failing
 * function, an output closed by someone else).
 *
 * Every blocking call runs on a kthread joined with a bound
 * (GCHAN_STUCK_SECS); one still blocked then fails the case and is ended
 * through its context, so every thread is joined.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include <gosync/chan.h>
#include <gosync/ctx.h>

#include "internal.h"

#ifdef GOSYNC_NATIVE
#include <shim/native.h>
#endif

#define GCHAN_STUCK_SECS	10
#define GCHAN_V(x)	((void *)(unsigned long)(x))

/* The callers blocked on @ch (stale waiters included). */
static unsigned int gchan_queued(struct gosync_chan *ch)
{
	struct list_head *p;
	unsigned long flags;
	unsigned int n = 0;

	raw_spin_lock_irqsave(&ch->lock, flags);
	list_for_each(p, &ch->sendq)
		n++;
	list_for_each(p, &ch->recvq)
		n++;
	raw_spin_unlock_irqrestore(&ch->lock, flags);
	return n;
}

/* Sleep until @n callers are queued on @ch; false after the bound. */
static bool gchan_wait_queued(struct gosync_chan *ch, unsigned int n)
{
	unsigned int t;

	for (t = 0; t < GCHAN_STUCK_SECS * 500; t++) {
		if (gchan_queued(ch) == n)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

enum gchan_op { GCHAN_SEND, GCHAN_RECV, GCHAN_RECV_INTR, GCHAN_RECV_TIMEOUT, GCHAN_SELECT };

/* One blocking call on a kthread. */
struct gchan_kcall {
	enum gchan_op op;
	struct gosync_chan *ch;
	void *val;
	long timeout;
	struct gosync_select_case cases[GOSYNC_SELECT_MAX];
	unsigned int n;
	struct gosync_ctx ctx;	/* its context; cancelled if it is stuck */
	atomic_t *order;
	int rank;
	int ret;
	struct completion done;
	struct task_struct *task;
};

static int gchan_kcall_fn(void *arg)
{
	struct gchan_kcall *c = arg;

	allow_signal(SIGKILL);
	allow_signal(SIGUSR1);
	switch (c->op) {
	case GCHAN_SEND:
		c->ret = gosync_chan_send(c->ch, c->val, &c->ctx);
		break;
	case GCHAN_RECV:
		c->ret = gosync_chan_recv(c->ch, &c->val, &c->ctx);
		break;
	case GCHAN_RECV_INTR:
		c->ret = gosync_chan_recv_interruptible(c->ch, &c->val, &c->ctx);
		break;
	case GCHAN_RECV_TIMEOUT:
		c->ret = gosync_chan_recv_timeout(c->ch, &c->val, &c->ctx,
						  c->timeout);
		break;
	case GCHAN_SELECT:
		c->ret = gosync_select(c->cases, c->n, &c->ctx, 0);
		break;
	}
	if (c->order)
		c->rank = atomic_inc_return(c->order);
	complete(&c->done);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void gchan_kcall_start(struct kunit *test, struct gchan_kcall *c, enum gchan_op op,
			      struct gosync_chan *ch, void *val)
{
	c->op = op;
	c->ch = ch;
	c->val = val;
	gosync_ctx_init(&c->ctx, NULL);
	init_completion(&c->done);
	c->task = kthread_create(gchan_kcall_fn, c, "gosync-chan-call");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->task));
	get_task_struct(c->task);
	wake_up_process(c->task);
}

/* The call's result; a call blocked for GCHAN_STUCK_SECS fails the case. */
static int gchan_kcall_join(struct kunit *test, struct gchan_kcall *c)
{
	if (!wait_for_completion_timeout(&c->done, GCHAN_STUCK_SECS * HZ)) {
		KUNIT_FAIL(test, "a call (op %d) is still blocked after %d s",
			   c->op, GCHAN_STUCK_SECS);
		gosync_ctx_cancel(&c->ctx, -ECANCELED);
		wait_for_completion(&c->done);
	}
	kthread_stop(c->task);
	put_task_struct(c->task);
	gosync_ctx_put(&c->ctx);
	return c->ret;
}

static bool gchan_kcall_returned(struct gchan_kcall *c, unsigned int ms)
{
	return wait_for_completion_timeout(&c->done, msecs_to_jiffies(ms));
}

static struct gosync_chan *gchan_new(struct kunit *test, unsigned int cap)
{
	struct gosync_chan *ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ch);
	KUNIT_ASSERT_EQ(test, gosync_chan_init(ch, cap, GFP_KERNEL), 0);
	return ch;
}

static struct gchan_kcall *gchan_kcalls(struct kunit *test, unsigned int n)
{
	struct gchan_kcall *c = kunit_kcalloc(test, n, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	return c;
}

static void chan_init_test(struct kunit *test)
{
	struct gosync_chan ch;
	void *v;

	KUNIT_EXPECT_EQ(test, gosync_chan_init(&ch, GOSYNC_CHAN_MAX + 1,
					       GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_chan_init(&ch, UINT_MAX, GFP_KERNEL),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, gosync_chan_init(&ch, 0, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_cap(&ch), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_send(&ch, GCHAN_V(1)), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_recv(&ch, &v), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(&ch), 0);
	KUNIT_ASSERT_EQ(test, gosync_chan_init(&ch, 3, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_cap(&ch), 3U);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_send(&ch, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_send(&ch, GCHAN_V(2)), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_len(&ch), 2U);
	/* Two values left: forgotten, counted. */
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(&ch), 2);
}

/* FIFO through a ring that wraps; close drains, then -EPIPE. */
static void chan_buffered_test(struct kunit *test)
{
	struct gosync_chan *ch = gchan_new(test, 3);
	unsigned long i, next = 0;
	void *v;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, gosync_chan_try_send(ch, GCHAN_V(i)), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_send(ch, GCHAN_V(9)), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gosync_chan_send_timeout(ch, GCHAN_V(9), NULL, 0),
			-ETIMEDOUT);
	for (i = 3; i < 20; i++) {
		KUNIT_EXPECT_EQ(test, gosync_chan_recv(ch, &v, NULL), 0);
		KUNIT_EXPECT_PTR_EQ(test, v, GCHAN_V(next));
		next++;
		KUNIT_EXPECT_EQ(test, gosync_chan_send(ch, GCHAN_V(i), NULL), 0);
	}
	KUNIT_EXPECT_EQ(test, gosync_chan_len(ch), 3U);
	KUNIT_EXPECT_EQ(test, gosync_chan_close(ch), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_close(ch), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_send(ch, GCHAN_V(1)), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_chan_send(ch, GCHAN_V(1), NULL), -EPIPE);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, gosync_chan_try_recv(ch, &v), 0);
		KUNIT_EXPECT_PTR_EQ(test, v, GCHAN_V(next));
		next++;
	}
	v = GCHAN_V(77);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_recv(ch, &v), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_chan_recv(ch, &v, NULL), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_chan_recv_timeout(ch, &v, NULL, 0), -EPIPE);
	KUNIT_EXPECT_PTR_EQ(test, v, GCHAN_V(77));
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), 0);
}

/* Unbuffered: a send completes only when a receiver takes the value. */
static void chan_unbuffered_test(struct kunit *test)
{
	struct gosync_chan *ch = gchan_new(test, 0);
	struct gchan_kcall *c = gchan_kcalls(test, 2);
	void *v = NULL;

	gchan_kcall_start(test, &c[0], GCHAN_RECV, ch, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 1));
	KUNIT_EXPECT_EQ(test, gosync_chan_try_send(ch, GCHAN_V(5)), 0);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), 0);
	KUNIT_EXPECT_PTR_EQ(test, c[0].val, GCHAN_V(5));

	gchan_kcall_start(test, &c[1], GCHAN_SEND, ch, GCHAN_V(6));
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 1));
	KUNIT_EXPECT_FALSE(test, gchan_kcall_returned(&c[1], 50));
	KUNIT_EXPECT_EQ(test, gosync_chan_len(ch), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_recv(ch, &v), 0);
	KUNIT_EXPECT_PTR_EQ(test, v, GCHAN_V(6));
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[1]), 0);
	KUNIT_EXPECT_EQ(test, gchan_queued(ch), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), 0);
}

/* Blocked senders of a full ring are served in arrival order. */
static void chan_sender_order_test(struct kunit *test)
{
	struct gosync_chan *ch = gchan_new(test, 1);
	struct gchan_kcall *c = gchan_kcalls(test, 3);
	atomic_t order = ATOMIC_INIT(0);
	unsigned long i;
	void *v;

	KUNIT_ASSERT_EQ(test, gosync_chan_try_send(ch, GCHAN_V(100)), 0);
	for (i = 0; i < 3; i++) {
		c[i].order = &order;
		gchan_kcall_start(test, &c[i], GCHAN_SEND, ch, GCHAN_V(101 + i));
		KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, i + 1));
	}
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, gosync_chan_recv(ch, &v, NULL), 0);
		KUNIT_EXPECT_PTR_EQ(test, v, GCHAN_V(100 + i));
		if (i < 3)
			KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[i]), 0);
	}
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, c[i].rank, (int)i + 1);
	KUNIT_EXPECT_EQ(test, gosync_chan_len(ch), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), 0);
}

/* Close wakes blocked receivers and senders with -EPIPE. */
static void chan_close_test(struct kunit *test)
{
	struct gosync_chan *rx = gchan_new(test, 2), *tx = gchan_new(test, 0);
	struct gchan_kcall *c = gchan_kcalls(test, 4);

	gchan_kcall_start(test, &c[0], GCHAN_RECV, rx, NULL);
	gchan_kcall_start(test, &c[1], GCHAN_RECV, rx, NULL);
	gchan_kcall_start(test, &c[2], GCHAN_SEND, tx, GCHAN_V(1));
	gchan_kcall_start(test, &c[3], GCHAN_SEND, tx, GCHAN_V(2));
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(rx, 2));
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(tx, 2));
	KUNIT_EXPECT_EQ(test, gosync_chan_close(rx), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_close(tx), 0);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), -EPIPE);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[1]), -EPIPE);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[2]), -EPIPE);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[3]), -EPIPE);
	KUNIT_EXPECT_EQ(test, gchan_queued(rx) + gchan_queued(tx), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(rx), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(tx), 0);
}

/*
 * A context ends a blocked call with its cause, a timeout with
 * -ETIMEDOUT, SIGKILL a killable one, SIGUSR1 an interruptible one; an
 * already-cancelled context fails a call that could complete, which then
 * moves nothing.
 */
static void chan_cancel_test(struct kunit *test)
{
	struct gosync_chan *ch = gchan_new(test, 1);
	struct gchan_kcall *c = gchan_kcalls(test, 4);
	struct gosync_ctx ctx;
	void *v = NULL;

	gchan_kcall_start(test, &c[0], GCHAN_RECV, ch, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 1));
	gosync_ctx_cancel(&c[0].ctx, -ENODEV);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), -ENODEV);

	c[1].timeout = msecs_to_jiffies(30);
	gchan_kcall_start(test, &c[1], GCHAN_RECV_TIMEOUT, ch, NULL);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[1]), -ETIMEDOUT);

	gchan_kcall_start(test, &c[2], GCHAN_RECV, ch, NULL);
	gchan_kcall_start(test, &c[3], GCHAN_RECV_INTR, ch, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 2));
	send_sig(SIGUSR1, c[2].task, 1);
	KUNIT_EXPECT_FALSE(test, gchan_kcall_returned(&c[2], 50));
	send_sig(SIGUSR1, c[3].task, 1);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[3]), -EINTR);
	send_sig(SIGKILL, c[2].task, 1);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[2]), -EINTR);
	KUNIT_EXPECT_EQ(test, gchan_queued(ch), 0U);

	KUNIT_ASSERT_EQ(test, gosync_chan_try_send(ch, GCHAN_V(3)), 0);
	gosync_ctx_init(&ctx, NULL);
	gosync_ctx_cancel(&ctx, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_chan_recv(ch, &v, &ctx), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_chan_recv_timeout(ch, &v, &ctx, 0),
			-ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_chan_send(ch, GCHAN_V(4), &ctx), -ESHUTDOWN);
	gosync_ctx_put(&ctx);
	KUNIT_EXPECT_EQ(test, gosync_chan_len(ch), 1U);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_recv(ch, &v), 0);
	KUNIT_EXPECT_PTR_EQ(test, v, GCHAN_V(3));
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), 0);
}

/* Destroy refuses a channel with a caller blocked on it. */
static void chan_destroy_busy_test(struct kunit *test)
{
#ifdef GOSYNC_NATIVE
	struct gosync_chan *ch = gchan_new(test, 0);
	struct gchan_kcall *c = gchan_kcalls(test, 1);

	gchan_kcall_start(test, &c[0], GCHAN_RECV, ch, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 1));
	native_expect_warnings(1);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), -EBUSY);
	KUNIT_EXPECT_EQ(test, native_expect_warnings(0), 0UL);
	KUNIT_EXPECT_EQ(test, gosync_chan_close(ch), 0);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), 0);
#else
	kunit_skip(test, "its WARN would splat the kernel log: checked natively");
#endif
}

static void gchan_case(struct gosync_select_case *c, struct gosync_chan *ch,
		       enum gosync_select_dir dir, void *val)
{
	c->chan = ch;
	c->dir = dir;
	c->val = val;
	c->err = 1;
}

/* Bad arguments, the default case, nil channels, closed channels. */
static void select_args_test(struct kunit *test)
{
	struct gosync_chan *a = gchan_new(test, 1), *b = gchan_new(test, 0);
	struct gosync_select_case c[GOSYNC_SELECT_MAX + 1];
	unsigned int i;

	for (i = 0; i <= GOSYNC_SELECT_MAX; i++)
		gchan_case(&c[i], NULL, GOSYNC_SELECT_RECV, NULL);
	KUNIT_EXPECT_EQ(test, gosync_select(c, 0, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_select(c, GOSYNC_SELECT_MAX + 1, NULL, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_select(c, 1, NULL, 0x80), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_select_timeout(c, 1, NULL,
						    GOSYNC_SELECT_DEFAULT, 1),
			-EINVAL);
	c[0].dir = 7;
	KUNIT_EXPECT_EQ(test, gosync_select(c, 1, NULL, GOSYNC_SELECT_DEFAULT),
			-EINVAL);
	/* Nil cases only: never ready. */
	KUNIT_EXPECT_EQ(test, gosync_select(c + 1, GOSYNC_SELECT_MAX, NULL,
					    GOSYNC_SELECT_DEFAULT), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gosync_select_timeout(c + 1, 2, NULL, 0,
						    msecs_to_jiffies(10)),
			-ETIMEDOUT);

	gchan_case(&c[0], a, GOSYNC_SELECT_RECV, NULL);
	gchan_case(&c[1], b, GOSYNC_SELECT_RECV, NULL);
	gchan_case(&c[2], b, GOSYNC_SELECT_SEND, GCHAN_V(1));
	gchan_case(&c[3], NULL, GOSYNC_SELECT_SEND, GCHAN_V(1));
	KUNIT_EXPECT_EQ(test, gosync_select(c, 4, NULL, GOSYNC_SELECT_DEFAULT),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, gosync_select_timeout(c, 4, NULL, 0, 0),
			-ETIMEDOUT);
	/* The only ready case: a send to @a's room. */
	gchan_case(&c[0], a, GOSYNC_SELECT_SEND, GCHAN_V(8));
	KUNIT_EXPECT_EQ(test, gosync_select(c, 4, NULL, GOSYNC_SELECT_DEFAULT), 0);
	KUNIT_EXPECT_EQ(test, c[0].err, 0);
	KUNIT_EXPECT_EQ(test, c[1].err, 1);
	KUNIT_EXPECT_EQ(test, c[2].err, 1);
	KUNIT_EXPECT_EQ(test, gosync_chan_len(a), 1U);
	/* Closed: a receive gets the value, then -EPIPE; a send -EPIPE. */
	KUNIT_EXPECT_EQ(test, gosync_chan_close(a), 0);
	gchan_case(&c[0], a, GOSYNC_SELECT_RECV, NULL);
	KUNIT_EXPECT_EQ(test, gosync_select(c, 3, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, c[0].err, 0);
	KUNIT_EXPECT_PTR_EQ(test, c[0].val, GCHAN_V(8));
	KUNIT_EXPECT_EQ(test, gosync_select(c, 3, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, c[0].err, -EPIPE);
	gchan_case(&c[0], a, GOSYNC_SELECT_SEND, NULL);
	KUNIT_EXPECT_EQ(test, gosync_select(c, 1, NULL, GOSYNC_SELECT_DEFAULT), 0);
	KUNIT_EXPECT_EQ(test, c[0].err, -EPIPE);
	KUNIT_EXPECT_EQ(test, gchan_queued(a) + gchan_queued(b), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(a), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(b), 0);
}

/* Among cases ready at the call, each gets picked. */
static void select_random_test(struct kunit *test)
{
	struct gosync_chan *ch = kunit_kcalloc(test, 4, sizeof(*ch), GFP_KERNEL);
	struct gosync_select_case c[4];
	unsigned int picked[4] = {}, i, round;

	KUNIT_ASSERT_NOT_NULL(test, ch);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, gosync_chan_init(&ch[i], 1, GFP_KERNEL), 0);
	for (round = 0; round < 400; round++) {
		int k;

		for (i = 0; i < 4; i++) {
			gosync_chan_try_send(&ch[i], GCHAN_V(i));
			gchan_case(&c[i], &ch[i], GOSYNC_SELECT_RECV, NULL);
		}
		k = gosync_select(c, 4, NULL, GOSYNC_SELECT_DEFAULT);
		KUNIT_ASSERT_GE(test, k, 0);
		KUNIT_ASSERT_LT(test, k, 4);
		KUNIT_EXPECT_PTR_EQ(test, c[k].val, GCHAN_V(k));
		picked[k]++;
		/* Usleep: the pick comes from the clock. */
		if (!(round % 16))
			usleep_range(10, 20);
	}
	/* Three values left, one per channel but the last round's. */
	for (i = 0, round = 0; i < 4; i++) {
		KUNIT_EXPECT_GT(test, picked[i], 0U);
		round += gosync_chan_destroy(&ch[i]);
	}
	KUNIT_EXPECT_EQ(test, round, 3U);
}

/*
 * A select blocked on several channels completes exactly one case, and
 * leaves no waiter behind on the others; select against select pairs.
 */
static void select_block_test(struct kunit *test)
{
	struct gosync_chan *a = gchan_new(test, 0), *b = gchan_new(test, 0);
	struct gchan_kcall *c = gchan_kcalls(test, 3);
	void *v = NULL;

	gchan_case(&c[0].cases[0], a, GOSYNC_SELECT_RECV, NULL);
	gchan_case(&c[0].cases[1], b, GOSYNC_SELECT_RECV, NULL);
	gchan_case(&c[0].cases[2], b, GOSYNC_SELECT_SEND, GCHAN_V(40));
	c[0].n = 3;
	gchan_kcall_start(test, &c[0], GCHAN_SELECT, NULL, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(b, 2));
	KUNIT_EXPECT_EQ(test, gchan_queued(a), 1U);
	/* Take its send on @b. */
	KUNIT_EXPECT_EQ(test, gosync_chan_try_recv(b, &v), 0);
	KUNIT_EXPECT_PTR_EQ(test, v, GCHAN_V(40));
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), 2);
	KUNIT_EXPECT_EQ(test, c[0].cases[2].err, 0);
	KUNIT_EXPECT_EQ(test, c[0].cases[0].err, 1);
	KUNIT_EXPECT_EQ(test, c[0].cases[1].err, 1);
	KUNIT_EXPECT_EQ(test, gchan_queued(a) + gchan_queued(b), 0U);

	/* Select {send a} against select {recv b, recv a}. */
	gchan_case(&c[1].cases[0], a, GOSYNC_SELECT_SEND, GCHAN_V(41));
	c[1].n = 1;
	gchan_kcall_start(test, &c[1], GCHAN_SELECT, NULL, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(a, 1));
	gchan_case(&c[2].cases[0], b, GOSYNC_SELECT_RECV, NULL);
	gchan_case(&c[2].cases[1], a, GOSYNC_SELECT_RECV, NULL);
	c[2].n = 2;
	gchan_kcall_start(test, &c[2], GCHAN_SELECT, NULL, NULL);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[2]), 1);
	KUNIT_EXPECT_PTR_EQ(test, c[2].cases[1].val, GCHAN_V(41));
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[1]), 0);
	KUNIT_EXPECT_EQ(test, gchan_queued(a) + gchan_queued(b), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(a), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(b), 0);
}

/* try_send and try_recv from a hard interrupt complete blocked calls. */
struct gchan_irq {
	struct hrtimer timer;
	struct gosync_chan *ch;
	int send_ret, recv_ret;
	void *got;
	atomic_t fired;
};

static enum hrtimer_restart gchan_irq_fn(struct hrtimer *t)
{
	struct gchan_irq *x = container_of(t, struct gchan_irq, timer);

	x->send_ret = gosync_chan_try_send(x->ch, GCHAN_V(50));
	x->recv_ret = gosync_chan_try_recv(x->ch, &x->got);
	atomic_set_release(&x->fired, 1);
	return HRTIMER_NORESTART;
}

static void chan_irq_test(struct kunit *test)
{
	struct gosync_chan *ch = gchan_new(test, 0);
	struct gchan_kcall *c = gchan_kcalls(test, 2);
	struct gchan_irq *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	unsigned int t;

	KUNIT_ASSERT_NOT_NULL(test, x);
	x->ch = ch;
	/* A blocked receiver and a blocked sender: the timer serves both. */
	gchan_kcall_start(test, &c[0], GCHAN_RECV, ch, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 1));
	gchan_kcall_start(test, &c[1], GCHAN_SEND, ch, GCHAN_V(51));
	/* A sender does not queue while a receiver waits: it hands over. */
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[1]), 0);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), 0);
	KUNIT_EXPECT_PTR_EQ(test, c[0].val, GCHAN_V(51));

	gchan_kcall_start(test, &c[0], GCHAN_RECV, ch, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 1));
	hrtimer_init(&x->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	x->timer.function = gchan_irq_fn;
	hrtimer_start(&x->timer, ns_to_ktime(1000), HRTIMER_MODE_REL_HARD);
	for (t = 0; t < GCHAN_STUCK_SECS * 1000 && !atomic_read_acquire(&x->fired);
	     t++)
		usleep_range(500, 1000);
	hrtimer_cancel(&x->timer);
	KUNIT_EXPECT_EQ(test, x->send_ret, 0);
	KUNIT_EXPECT_EQ(test, x->recv_ret, -EAGAIN);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), 0);
	KUNIT_EXPECT_PTR_EQ(test, c[0].val, GCHAN_V(50));
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), 0);
}

/* Stall the first pass through window @s->where with object @s->obj. */
struct gchan_stall {
	const void *obj;	/* NULL: any */
	enum gosync_race where;
	struct completion in_window;
	struct completion go_on;
	atomic_t stalled;
};

static void gchan_stall_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct gchan_stall *s = arg;
	unsigned int t;

	if (where != s->where || (s->obj && obj != s->obj) ||
	    atomic_cmpxchg(&s->stalled, 0, 1))
		return;
	complete(&s->in_window);
	/* Hooks may not sleep: busy-wait, bounded, while another CPU acts. */
	for (t = 0; t < GCHAN_STUCK_SECS * 200000 &&
	     !completion_done(&s->go_on); t++)
		udelay(5);
}

static struct gchan_stall *gchan_stall_start(struct kunit *test, const void *obj,
					     enum gosync_race where)
{
	struct gchan_stall *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->obj = obj;
	s->where = where;
	init_completion(&s->in_window);
	init_completion(&s->go_on);
	if (!__gosync_race_set(gchan_stall_hook, s))
		kunit_skip(test, "gosync.ko without race windows");
	return s;
}

static bool gchan_in_window(struct gchan_stall *s)
{
	return wait_for_completion_timeout(&s->in_window, GCHAN_STUCK_SECS * HZ);
}

/*
 * chan_claim: a sender claimed a blocked receiver and stalls before
 * completing it; meanwhile the receiver's context is cancelled. The
 * claim wins: the receiver returns 0 with the value, exactly once.
 */
static void chan_claim_window_test(struct kunit *test)
{
	struct gosync_chan *ch = gchan_new(test, 0);
	struct gchan_kcall *c = gchan_kcalls(test, 2);
	struct gchan_stall *s;

	gchan_kcall_start(test, &c[0], GCHAN_RECV, ch, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 1));
	s = gchan_stall_start(test, ch, GOSYNC_RACE_CHAN_CLAIM);
	gchan_kcall_start(test, &c[1], GCHAN_SEND, ch, GCHAN_V(60));
	KUNIT_EXPECT_TRUE(test, gchan_in_window(s));
	gosync_ctx_cancel(&c[0].ctx, -ECANCELED);
	KUNIT_EXPECT_FALSE(test, gchan_kcall_returned(&c[0], 50));
	complete(&s->go_on);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[1]), 0);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), 0);
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_PTR_EQ(test, c[0].val, GCHAN_V(60));
	KUNIT_EXPECT_EQ(test, gchan_queued(ch), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_try_send(ch, GCHAN_V(61)), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), 0);
}

/*
 * chan_cancel: a blocked receiver saw its context cancelled and stalls
 * before it gives up; a try_send completes it meanwhile. The completion
 * wins: the receiver returns 0 with the value, which is neither lost
 * (the send said 0) nor left in the channel.
 */
static void chan_cancel_window_test(struct kunit *test)
{
	struct gosync_chan *ch = gchan_new(test, 0);
	struct gchan_kcall *c = gchan_kcalls(test, 1);
	struct gchan_stall *s;

	s = gchan_stall_start(test, NULL, GOSYNC_RACE_CHAN_CANCEL);
	gchan_kcall_start(test, &c[0], GCHAN_RECV, ch, NULL);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(ch, 1));
	gosync_ctx_cancel(&c[0].ctx, -ECANCELED);
	KUNIT_EXPECT_TRUE(test, gchan_in_window(s));
	KUNIT_EXPECT_EQ(test, gosync_chan_try_send(ch, GCHAN_V(70)), 0);
	complete(&s->go_on);
	KUNIT_EXPECT_EQ(test, gchan_kcall_join(test, &c[0]), 0);
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_PTR_EQ(test, c[0].val, GCHAN_V(70));
	KUNIT_EXPECT_EQ(test, gchan_queued(ch), 0U);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(ch), 0);
}

/* A stage's function: odd values doubled, multiples of 4 filtered out, 13 fails. */
struct gchan_pipe_fx {
	atomic_t dropped;
	atomic_long_t dropped_sum;
};

static int gchan_double(struct gosync_ctx *ctx, void *arg, void *in, void **out)
{
	unsigned long v = (unsigned long)in;

	if (v == 13)
		return -EPROTO;
	if (!(v % 4))
		return 1;
	*out = GCHAN_V(v * 2);
	return 0;
}

static void gchan_drop(void *arg, void *val)
{
	struct gchan_pipe_fx *fx = arg;

	atomic_inc(&fx->dropped);
	atomic_long_add((unsigned long)val, &fx->dropped_sum);
}

/* Receive everything until -EPIPE: the sum and count of the values. */
static unsigned int gchan_drain(struct kunit *test, struct gosync_chan *ch,
				unsigned long *sum)
{
	unsigned int n = 0;
	void *v;
	int ret;

	*sum = 0;
	while (!(ret = gosync_chan_recv_timeout(ch, &v, NULL,
						GCHAN_STUCK_SECS * HZ))) {
		*sum += (unsigned long)v;
		n++;
	}
	KUNIT_EXPECT_EQ(test, ret, -EPIPE);
	return n;
}

static void chan_stage_test(struct kunit *test)
{
	struct gosync_chan *in = gchan_new(test, 4), *out = gchan_new(test, 16);
	struct gchan_pipe_fx fx = {};
	struct gosync_chan_pipe_opts o = {
		.fn = gchan_double, .drop = gchan_drop, .arg = &fx, .name = "kunit-stage",
	};
	struct gosync_chan_pipe *p;
	unsigned long i, sum;

	p = gosync_chan_stage(in, out, NULL, &o, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	/* 1..8: 4 and 8 filtered; the rest doubled. */
	for (i = 1; i <= 8; i++)
		KUNIT_EXPECT_EQ(test, gosync_chan_send(in, GCHAN_V(i), NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_close(in), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_pipe_wait(p), 0);
	KUNIT_EXPECT_EQ(test, gchan_drain(test, out, &sum), 6U);
	KUNIT_EXPECT_EQ(test, sum, 2UL * (1 + 2 + 3 + 5 + 6 + 7));
	KUNIT_EXPECT_EQ(test, atomic_read(&fx.dropped), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(in), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(out), 0);

	/* The function fails at 13: the stage ends with its error. */
	in = gchan_new(test, 4);
	out = gchan_new(test, 16);
	p = gosync_chan_stage(in, out, NULL, &o, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_EQ(test, gosync_chan_send(in, GCHAN_V(11), NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_send(in, GCHAN_V(13), NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_pipe_wait(p), -EPROTO);
	KUNIT_EXPECT_EQ(test, gchan_drain(test, out, &sum), 1U);
	KUNIT_EXPECT_EQ(test, sum, 22UL);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(in), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(out), 0);

	/* Someone else closes the output: -EPIPE, the value to drop. */
	in = gchan_new(test, 4);
	out = gchan_new(test, 0);
	p = gosync_chan_stage(in, out, NULL, &o, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_EQ(test, gosync_chan_send(in, GCHAN_V(5), NULL), 0);
	KUNIT_EXPECT_TRUE(test, gchan_wait_queued(out, 1));
	KUNIT_EXPECT_EQ(test, gosync_chan_close(out), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_pipe_wait(p), -EPIPE);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx.dropped), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&fx.dropped_sum), 10L);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(in), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(out), 0);

	/* Bad arguments. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_chan_stage(NULL, out, NULL, NULL,
							GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_chan_stage(in, in, NULL, NULL,
							GFP_KERNEL)), -EINVAL);
}

static void chan_merge_test(struct kunit *test)
{
	struct gosync_chan *in[3], *dup[2], *out = gchan_new(test, 32);
	unsigned long i, sum, want_sum = 0;
	struct gosync_chan_pipe *p;
	unsigned int want = 0;
	struct gosync_ctx ctx;

	for (i = 0; i < 3; i++)
		in[i] = gchan_new(test, 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_chan_merge(out, in, 0, NULL, NULL,
							GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_chan_merge(out, in,
							GOSYNC_SELECT_MAX + 1,
							NULL, NULL, GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_chan_merge(in[1], in, 3, NULL,
							NULL, GFP_KERNEL)),
			-EINVAL);
	dup[0] = in[0];
	dup[1] = in[0];
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_chan_merge(out, dup, 2, NULL, NULL,
							GFP_KERNEL)), -EINVAL);

	/* 30 values over 3 inputs; the second closes after 20. */
	p = gosync_chan_merge(out, in, 3, NULL, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	for (i = 1; i <= 30; i++) {
		if (i == 21)
			KUNIT_EXPECT_EQ(test, gosync_chan_close(in[1]), 0);
		if (i > 20 && i % 3 == 1) {
			KUNIT_EXPECT_EQ(test, gosync_chan_send(in[1], GCHAN_V(i),
							       NULL), -EPIPE);
			continue;
		}
		KUNIT_EXPECT_EQ(test, gosync_chan_send(in[i % 3], GCHAN_V(i), NULL),
				0);
		want_sum += i;
		want++;
	}
	KUNIT_EXPECT_EQ(test, gosync_chan_close(in[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_close(in[2]), 0);
	KUNIT_EXPECT_EQ(test, gchan_drain(test, out, &sum), want);
	KUNIT_EXPECT_EQ(test, sum, want_sum);
	KUNIT_EXPECT_EQ(test, gosync_chan_pipe_wait(p), 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, gosync_chan_destroy(in[i]), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(out), 0);

	/* Stop: the output closes, -ECANCELED; a parent's cancel too. */
	out = gchan_new(test, 0);
	for (i = 0; i < 3; i++)
		in[i] = gchan_new(test, 1);
	p = gosync_chan_merge(out, in, 3, NULL, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_EQ(test, gosync_chan_pipe_stop(p), -ECANCELED);
	KUNIT_EXPECT_EQ(test, gosync_chan_close(out), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(out), 0);
	out = gchan_new(test, 0);
	gosync_ctx_init(&ctx, NULL);
	p = gosync_chan_merge(out, in, 3, &ctx, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	gosync_ctx_cancel(&ctx, -ENODEV);
	KUNIT_EXPECT_EQ(test, gosync_chan_pipe_wait(p), -ENODEV);
	gosync_ctx_put(&ctx);
	KUNIT_EXPECT_EQ(test, gosync_chan_close(out), -EINVAL);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, gosync_chan_destroy(in[i]), 0);
	KUNIT_EXPECT_EQ(test, gosync_chan_destroy(out), 0);
}

static struct kunit_case gosync_chan_cases[] = {
	KUNIT_CASE(chan_init_test),
	KUNIT_CASE(chan_buffered_test),
	KUNIT_CASE(chan_unbuffered_test),
	KUNIT_CASE(chan_sender_order_test),
	KUNIT_CASE(chan_close_test),
	KUNIT_CASE(chan_cancel_test),
	KUNIT_CASE(chan_destroy_busy_test),
	KUNIT_CASE(select_args_test),
	KUNIT_CASE(select_random_test),
	KUNIT_CASE(select_block_test),
	KUNIT_CASE(chan_irq_test),
	KUNIT_CASE(chan_claim_window_test),
	KUNIT_CASE(chan_cancel_window_test),
	KUNIT_CASE(chan_stage_test),
	KUNIT_CASE(chan_merge_test),
	{}
};

static struct kunit_suite gosync_chan_suite = {
	.name = "gosync_chan",
	.test_cases = gosync_chan_cases,
};

kunit_test_suite(gosync_chan_suite);
