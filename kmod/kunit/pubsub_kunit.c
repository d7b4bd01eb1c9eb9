// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_pubsub (kmod/pubsub.c): fan-out in publish order
 * with the release called exactly once per message; the three full-queue
 * policies and their drop counts; a blocked publisher woken by a
 * receiver, ended by its timeout, its context and close; try_publish and
 * try_recv in atomic context; recv's flavours; unsubscribe releasing its
 * queued messages; close draining then -EPIPE; bad arguments; and the two
 * race windows: a publisher that read the subscriber before unsubscribe
 * marked it dead (pubsub_enqueue: it must queue nothing the unsubscribe
 * does not release), and a blocked publisher woken by the unsubscribe of
 * its subscriber, not yet locked (pubsub_blocked: the unsubscribe must
 * not return, and its caller free the subscriber, until it let go).
 *
 * Calls that block run on kthreads, bounded by GPK_STUCK_SECS.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include <gosync/ctx.h>
#include <gosync/pubsub.h>

#include "internal.h"

#ifdef GOSYNC_NATIVE
#include <shim/native.h>
#endif

#define GPK_STUCK_SECS	10
#define GPK_MSGS	16

/* A case's messages and what the topic's release saw. */
struct gpk {
	struct gosync_pubsub t;
	struct gpk_msg {
		struct gosync_pubsub_msg m;
		int seq;
		atomic_t released;
	} msg[GPK_MSGS];
	atomic_t releases;
};

static void gpk_release(struct gosync_pubsub_msg *m, void *arg)
{
	struct gpk *k = arg;

	atomic_inc(&container_of(m, struct gpk_msg, m)->released);
	atomic_inc(&k->releases);
}

static struct gpk *gpk_new(struct kunit *test)
{
	struct gpk *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, k);
	gosync_pubsub_init(&k->t, gpk_release, k);
	for (i = 0; i < GPK_MSGS; i++) {
		gosync_pubsub_msg_init(&k->msg[i].m);
		k->msg[i].seq = i;
	}
	return k;
}

/* Every message was released exactly once. */
static void gpk_all_released(struct kunit *test, struct gpk *k, int n)
{
	int i;

	KUNIT_EXPECT_EQ(test, atomic_read(&k->releases), n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&k->msg[i].released), 1,
				    "message %d", i);
}

/* Receive one message without waiting: its seq, or the error. */
static int gpk_take(struct kunit *test, struct gpk *k,
		    struct gosync_pubsub_sub *s)
{
	struct gosync_pubsub_msg *m;
	int ret = gosync_pubsub_try_recv(s, &m), seq;

	if (ret)
		return ret;
	seq = container_of(m, struct gpk_msg, m)->seq;
	gosync_pubsub_put(&k->t, m);
	return seq;
}

static void pubsub_fanout_test(struct kunit *test)
{
	struct gpk *k = gpk_new(test);
	struct gosync_pubsub_sub s[3];
	struct gosync_pubsub_stats st;
	int i, j;

	for (j = 0; j < 3; j++)
		KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, &s[j], GPK_MSGS,
							      j, GFP_KERNEL), 0);
	for (i = 0; i < GPK_MSGS; i++)
		KUNIT_EXPECT_EQ(test, gosync_pubsub_publish(&k->t, &k->msg[i].m,
							    NULL), 3);
	/* Queued, not released: each subscriber holds a reference. */
	KUNIT_EXPECT_EQ(test, atomic_read(&k->releases), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->msg[0].m.refs), 3);
	for (j = 0; j < 3; j++) {
		for (i = 0; i < GPK_MSGS; i++)
			KUNIT_EXPECT_EQ(test, gpk_take(test, k, &s[j]), i);
		KUNIT_EXPECT_EQ(test, gpk_take(test, k, &s[j]), -EAGAIN);
		gosync_pubsub_stats(&s[j], &st);
		KUNIT_EXPECT_EQ(test, st.queued, (u64)GPK_MSGS);
		KUNIT_EXPECT_EQ(test, st.received, (u64)GPK_MSGS);
		KUNIT_EXPECT_EQ(test, st.dropped, 0ULL);
		KUNIT_EXPECT_EQ(test, st.pending, 0U);
	}
	gpk_all_released(test, k, GPK_MSGS);
	for (j = 0; j < 3; j++)
		KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&s[j]), 0);
	/* No subscriber: released by the publish itself. */
	gosync_pubsub_msg_init(&k->msg[0].m);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_publish(&k->t, &k->msg[0].m, NULL), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->msg[0].released), 2);
	gosync_pubsub_close(&k->t);
}

/* Depth 4, 10 published: which survive, how many are counted dropped. */
static void pubsub_drop_test(struct kunit *test)
{
	struct gpk *k = gpk_new(test);
	struct gosync_pubsub_sub newest, oldest, block;
	struct gosync_pubsub_stats st;
	int i;

	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, &newest, 4,
						      GOSYNC_PUBSUB_DROP_NEWEST,
						      GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, &oldest, 4,
						      GOSYNC_PUBSUB_DROP_OLDEST,
						      GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, &block, 4,
						      GOSYNC_PUBSUB_BLOCK,
						      GFP_KERNEL), 0);
	for (i = 0; i < 10; i++) {
		int ret = gosync_pubsub_try_publish(&k->t, &k->msg[i].m);

		/* The BLOCK queue is full from the 5th on: a try drops. */
		KUNIT_EXPECT_EQ(test, ret, i < 4 ? 3 : -ETIMEDOUT);
	}
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, gpk_take(test, k, &newest), i);
		KUNIT_EXPECT_EQ(test, gpk_take(test, k, &oldest), 6 + i);
		KUNIT_EXPECT_EQ(test, gpk_take(test, k, &block), i);
	}
	gosync_pubsub_stats(&newest, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 6ULL);
	KUNIT_EXPECT_EQ(test, st.received, 4ULL);
	gosync_pubsub_stats(&oldest, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 6ULL);
	KUNIT_EXPECT_EQ(test, st.queued, 10ULL);
	gosync_pubsub_stats(&block, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 6ULL);
	gpk_all_released(test, k, 10);
	/* A timeout ends the wait the same way. */
	for (i = 10; i < 14; i++)
		KUNIT_EXPECT_EQ(test, gosync_pubsub_publish(&k->t, &k->msg[i].m,
							    NULL), 3);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_publish_timeout(&k->t, &k->msg[14].m,
							    NULL, 2), -ETIMEDOUT);
	gosync_pubsub_stats(&block, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 7ULL);
	/* Queued messages are released by unsubscribe. */
	KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&newest), 0);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&oldest), 0);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&block), 0);
	gpk_all_released(test, k, 15);
	gosync_pubsub_close(&k->t);
}

/* A blocking call on a kthread. */
struct gpk_call {
	struct gpk *k;
	struct gosync_pubsub_sub *s;
	struct gosync_ctx *ctx;
	int idx;		/* the message to publish; -1: receive */
	int ret;
	struct completion done;
	struct task_struct *task;
};

static int gpk_call_fn(void *data)
{
	struct gpk_call *c = data;
	struct gosync_pubsub_msg *m;

	if (c->idx >= 0) {
		c->ret = gosync_pubsub_publish(&c->k->t, &c->k->msg[c->idx].m,
					       c->ctx);
	} else {
		c->ret = gosync_pubsub_recv(c->s, c->ctx, &m);
		if (!c->ret) {
			c->ret = container_of(m, struct gpk_msg, m)->seq;
			gosync_pubsub_put(&c->k->t, m);
		}
	}
	complete(&c->done);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void gpk_call_start(struct kunit *test, struct gpk_call *c,
			   struct gpk *k, struct gosync_pubsub_sub *s,
			   struct gosync_ctx *ctx, int idx)
{
	*c = (struct gpk_call){ .k = k, .s = s, .ctx = ctx, .idx = idx };
	init_completion(&c->done);
	c->task = kthread_create(gpk_call_fn, c, "gosync-pk");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->task));
	get_task_struct(c->task);
	wake_up_process(c->task);
}

static int gpk_call_join(struct kunit *test, struct gpk_call *c)
{
	if (!wait_for_completion_timeout(&c->done, GPK_STUCK_SECS * HZ)) {
		KUNIT_FAIL(test, "a call is still blocked after %d s",
			   GPK_STUCK_SECS);
		gosync_pubsub_close(&c->k->t);
		wait_for_completion(&c->done);
	}
	kthread_stop(c->task);
	put_task_struct(c->task);
	return c->ret;
}

/* The call has not returned after a while: it sleeps. */
static void gpk_still_blocked(struct kunit *test, struct gpk_call *c)
{
	msleep(30);
	KUNIT_EXPECT_FALSE(test, completion_done(&c->done));
}

static void pubsub_block_test(struct kunit *test)
{
	struct gpk *k = gpk_new(test);
	struct gosync_pubsub_sub s;
	struct gosync_pubsub_stats st;
	struct gpk_call c;
	struct gosync_ctx ctx;

	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, &s, 1,
						      GOSYNC_PUBSUB_BLOCK,
						      GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_publish(&k->t, &k->msg[0].m, NULL), 1);
	/* Full: the publish sleeps until a receiver makes room. */
	gpk_call_start(test, &c, k, &s, NULL, 1);
	gpk_still_blocked(test, &c);
	KUNIT_EXPECT_EQ(test, gpk_take(test, k, &s), 0);
	KUNIT_EXPECT_EQ(test, gpk_call_join(test, &c), 1);
	/* Its context ends it, with the cause, counted as a drop. */
	gosync_ctx_init(&ctx, NULL);
	gpk_call_start(test, &c, k, &s, &ctx, 2);
	gpk_still_blocked(test, &c);
	gosync_ctx_cancel(&ctx, -ENOLINK);
	KUNIT_EXPECT_EQ(test, gpk_call_join(test, &c), -ENOLINK);
	gosync_ctx_put(&ctx);
	gosync_pubsub_stats(&s, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 1ULL);
	/* Close ends it with -EPIPE; the queued message is still received. */
	gpk_call_start(test, &c, k, &s, NULL, 3);
	gpk_still_blocked(test, &c);
	gosync_pubsub_close(&k->t);
	KUNIT_EXPECT_EQ(test, gpk_call_join(test, &c), -EPIPE);
	KUNIT_EXPECT_EQ(test, gpk_take(test, k, &s), 1);
	KUNIT_EXPECT_EQ(test, gpk_take(test, k, &s), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_publish(&k->t, &k->msg[4].m, NULL),
			-EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&s), 0);
	/* The refused publish released its message too. */
	gpk_all_released(test, k, 5);
}

static void pubsub_recv_test(struct kunit *test)
{
	struct gpk *k = gpk_new(test);
	struct gosync_pubsub_sub s, late;
	struct gosync_pubsub_msg *m;
	struct gosync_ctx ctx;
	struct gpk_call c;

	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, &s, 2,
						      GOSYNC_PUBSUB_DROP_NEWEST,
						      GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_recv_timeout(&s, NULL, &m, 0),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_recv_timeout(&s, NULL, &m, 2),
			-ETIMEDOUT);
	gosync_ctx_init(&ctx, NULL);
	gosync_ctx_cancel(&ctx, -ENOLINK);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_recv(&s, &ctx, &m), -ENOLINK);
	gosync_ctx_put(&ctx);
	/* A receiver sleeps until a publish. */
	gpk_call_start(test, &c, k, &s, NULL, -1);
	gpk_still_blocked(test, &c);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_publish(&k->t, &k->msg[5].m, NULL), 1);
	KUNIT_EXPECT_EQ(test, gpk_call_join(test, &c), 5);
	/* ... or until close. */
	gpk_call_start(test, &c, k, &s, NULL, -1);
	gpk_still_blocked(test, &c);
	gosync_pubsub_close(&k->t);
	KUNIT_EXPECT_EQ(test, gpk_call_join(test, &c), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_subscribe(&k->t, &late, 2,
						      GOSYNC_PUBSUB_BLOCK,
						      GFP_KERNEL), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&s), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->releases), 1);
}

/* The drop policies and try_recv with interrupts (or softirqs) off. */
static void pubsub_atomic_test(struct kunit *test)
{
	struct gpk *k = gpk_new(test);
	struct gosync_pubsub_sub s;
	struct gosync_pubsub_msg *m = NULL;
	unsigned long flags;
	int a, b, c;

	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, &s, 1,
						      GOSYNC_PUBSUB_DROP_OLDEST,
						      GFP_KERNEL), 0);
	flags = gosync_test_atomic_enter();
	a = gosync_pubsub_publish(&k->t, &k->msg[0].m, NULL);
	b = gosync_pubsub_publish(&k->t, &k->msg[1].m, NULL);
	c = gosync_pubsub_try_recv(&s, &m);
	if (!c)
		gosync_pubsub_put(&k->t, m);
	gosync_test_atomic_exit(flags);
	KUNIT_EXPECT_EQ(test, a, 1);
	KUNIT_EXPECT_EQ(test, b, 1);
	KUNIT_EXPECT_EQ(test, c, 0);
	KUNIT_EXPECT_PTR_EQ(test, m, &k->msg[1].m);
	gpk_all_released(test, k, 2);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&s), 0);
	gosync_pubsub_close(&k->t);
}

static void pubsub_args_test(struct kunit *test)
{
	struct gpk *k = gpk_new(test);
	struct gosync_pubsub_sub s;

	KUNIT_EXPECT_EQ(test, gosync_pubsub_subscribe(&k->t, &s, 0,
						      GOSYNC_PUBSUB_BLOCK,
						      GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_subscribe(&k->t, &s,
						      GOSYNC_PUBSUB_DEPTH_MAX + 1,
						      GOSYNC_PUBSUB_BLOCK,
						      GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_subscribe(&k->t, &s, 1,
						      GOSYNC_PUBSUB_NR_POLICIES,
						      GFP_KERNEL), -EINVAL);
#ifdef GOSYNC_NATIVE
	/* Their WARNs would splat the kernel log: checked natively. */
	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, &s, 1,
						      GOSYNC_PUBSUB_BLOCK,
						      GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_publish(&k->t, &k->msg[0].m, NULL), 1);
	native_expect_warnings(2);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_try_publish(&k->t, &k->msg[0].m),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&s), 0);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_unsubscribe(&s), -EINVAL);
	KUNIT_EXPECT_EQ(test, native_expect_warnings(0), 0UL);
	gpk_all_released(test, k, 1);
#endif
	gosync_pubsub_close(&k->t);
	gosync_pubsub_close(&k->t);
}

/*
 * The race windows. A hook stalls one publisher in a window (busy-wait:
 * hooks may not sleep) until the case lets it go.
 */
struct gpk_stall {
	enum gosync_race where;
	const void *obj;
	struct completion in_window;
	struct completion go_on;
	atomic_t stalled;
};

static void gpk_stall_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct gpk_stall *st = arg;
	unsigned int t;

	if (where != st->where || obj != st->obj ||
	    atomic_cmpxchg(&st->stalled, 0, 1))
		return;
	complete(&st->in_window);
	for (t = 0; t < GPK_STUCK_SECS * 200000 &&
	     !completion_done(&st->go_on); t++)
		udelay(5);
}

/* An unsubscribe on a kthread; frees the subscriber when it returns. */
struct gpk_unsub {
	struct gosync_pubsub_sub *s;
	int ret;
	struct completion done;
	struct task_struct *task;
};

static int gpk_unsub_fn(void *data)
{
	struct gpk_unsub *u = data;

	u->ret = gosync_pubsub_unsubscribe(u->s);
	kfree(u->s);	/* a publish touching it now is a use after free */
	complete(&u->done);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void gpk_unsub_start(struct kunit *test, struct gpk_unsub *u)
{
	init_completion(&u->done);
	u->task = kthread_create(gpk_unsub_fn, u, "gosync-pk-un");
	KUNIT_ASSERT_FALSE(test, IS_ERR(u->task));
	get_task_struct(u->task);
	wake_up_process(u->task);
}

static void gpk_unsub_join(struct kunit *test, struct gpk_unsub *u)
{
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&u->done,
							  GPK_STUCK_SECS * HZ),
			0UL);
	kthread_stop(u->task);
	put_task_struct(u->task);
	KUNIT_EXPECT_EQ(test, u->ret, 0);
}

static struct gpk_stall *gpk_stall_new(struct kunit *test,
				       enum gosync_race where, const void *obj)
{
	struct gpk_stall *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	st->where = where;
	st->obj = obj;
	init_completion(&st->in_window);
	init_completion(&st->go_on);
	return st;
}

/*
 * pubsub_enqueue: a publish read the subscriber from the list and stalls
 * before its lock, while unsubscribe marks it dead and drains its queue.
 * Let go, it must queue nothing: the message is released exactly once,
 * by the publish, and the freed subscriber is never touched.
 */
static void pubsub_enqueue_window_test(struct kunit *test)
{
	struct gpk *k = gpk_new(test);
	struct gosync_pubsub_sub *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct gpk_unsub *u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	struct gpk_stall *st;
	struct gpk_call c;
	unsigned int t;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, u);
	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, s, 4,
						      GOSYNC_PUBSUB_DROP_NEWEST,
						      GFP_KERNEL), 0);
	st = gpk_stall_new(test, GOSYNC_RACE_PUBSUB_ENQUEUE, s);
	if (!__gosync_race_set(gpk_stall_hook, st)) {
		gosync_pubsub_unsubscribe(s);
		kfree(s);
		kunit_skip(test, "gosync.ko without race windows");
	}
	gpk_call_start(test, &c, k, NULL, NULL, 0);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&st->in_window,
							  GPK_STUCK_SECS * HZ),
			0UL);
	u->s = s;
	gpk_unsub_start(test, u);
	/* The dead mark is set; unsubscribe waits for the grace period. */
	for (t = 0; t < GPK_STUCK_SECS * 1000 && !READ_ONCE(s->dead); t++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s->dead));
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&u->done));
	complete(&st->go_on);
	gpk_unsub_join(test, u);
	KUNIT_EXPECT_EQ(test, gpk_call_join(test, &c), 0);
	__gosync_race_set(NULL, NULL);
	gpk_all_released(test, k, 1);
	gosync_pubsub_close(&k->t);
}

/*
 * pubsub_blocked: a publisher blocked on the full queue of a subscriber
 * that is unsubscribed; woken, it stalls before it retakes the lock. The
 * unsubscribe must wait for it (its caller frees the subscriber at
 * once); the publish then delivers to nobody and every message is
 * released once.
 */
static void pubsub_blocked_window_test(struct kunit *test)
{
	struct gpk *k = gpk_new(test);
	struct gosync_pubsub_sub *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct gpk_unsub *u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	struct gpk_stall *st;
	struct gpk_call c;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, u);
	KUNIT_ASSERT_EQ(test, gosync_pubsub_subscribe(&k->t, s, 1,
						      GOSYNC_PUBSUB_BLOCK,
						      GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, gosync_pubsub_publish(&k->t, &k->msg[0].m, NULL), 1);
	st = gpk_stall_new(test, GOSYNC_RACE_PUBSUB_BLOCKED, s);
	if (!__gosync_race_set(gpk_stall_hook, st)) {
		gosync_pubsub_unsubscribe(s);
		kfree(s);
		kunit_skip(test, "gosync.ko without race windows");
	}
	gpk_call_start(test, &c, k, NULL, NULL, 1);
	gpk_still_blocked(test, &c);
	u->s = s;
	gpk_unsub_start(test, u);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&st->in_window,
							  GPK_STUCK_SECS * HZ),
			0UL);
	msleep(30);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&u->done),
			       "unsubscribe returned while a publisher still held the subscriber");
	complete(&st->go_on);
	gpk_unsub_join(test, u);
	KUNIT_EXPECT_EQ(test, gpk_call_join(test, &c), 0);
	__gosync_race_set(NULL, NULL);
	gpk_all_released(test, k, 2);
	gosync_pubsub_close(&k->t);
}

static struct kunit_case gosync_pubsub_cases[] = {
	KUNIT_CASE(pubsub_fanout_test),
	KUNIT_CASE(pubsub_drop_test),
	KUNIT_CASE(pubsub_block_test),
	KUNIT_CASE(pubsub_recv_test),
	KUNIT_CASE(pubsub_atomic_test),
	KUNIT_CASE(pubsub_args_test),
	KUNIT_CASE(pubsub_enqueue_window_test),
	KUNIT_CASE(pubsub_blocked_window_test),
	{}
};

static struct kunit_suite gosync_pubsub_suite = {
	.name = "gosync_pubsub",
	.test_cases = gosync_pubsub_cases,
};

kunit_test_suite(gosync_pubsub_suite);
