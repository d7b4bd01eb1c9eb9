// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_ctx (kmod/ctx.c): causes (the first one stays),
 * a tree cancelled from a middle node (descendants with its cause, the
 * parent and siblings untouched), a child of a cancelled parent, parent
 * and child put in either order, deadlines (own, inherited, past,
 * invalid) fired from the hard-interrupt hrtimer, waiters woken with the
 * cause, timing out on a live context, killed, a task sleeping on its own
 * wait queue woken through a watch, and the ctx_cancel window (a child
 * linked, and another put, between the cancel's cause and its walk).
 *
 * Every blocking call of a case runs on a kthread joined with a bound
 * (GCTX_STUCK_SECS): a waiter still blocked then fails the case, which
 * cancels its context to free it.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/wait.h>

#include <gosync/ctx.h>

#include "internal.h"

#define GCTX_STUCK_SECS	10

static void ctx_cause_test(struct kunit *test)
{
	struct gosync_ctx a, b, c, d;

	gosync_ctx_init(&a, NULL);
	gosync_ctx_init(&b, NULL);
	gosync_ctx_init(&c, NULL);
	gosync_ctx_init(&d, NULL);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&a), 0);
	KUNIT_EXPECT_FALSE(test, gosync_ctx_done(&a));
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(NULL), 0);
	KUNIT_EXPECT_TRUE(test, gosync_ctx_cancel(&a, -EIO));
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&a), -EIO);
	KUNIT_EXPECT_TRUE(test, gosync_ctx_done(&a));
	/* The first cause stays. */
	KUNIT_EXPECT_FALSE(test, gosync_ctx_cancel(&a, -ENODEV));
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&a), -EIO);
	/* Not an errno: -ECANCELED. */
	gosync_ctx_cancel(&b, 0);
	gosync_ctx_cancel(&c, 5);
	gosync_ctx_cancel(&d, -MAX_ERRNO - 1);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&b), -ECANCELED);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&c), -ECANCELED);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&d), -ECANCELED);
	gosync_ctx_put(&a);
	gosync_ctx_put(&b);
	gosync_ctx_put(&c);
	gosync_ctx_put(&d);
}

/* root -> a, b; a -> a1, a2; a1 -> x. */
struct gctx_tree {
	struct gosync_ctx root, a, b, a1, a2, x;
};

static void gctx_tree_init(struct gctx_tree *t)
{
	gosync_ctx_init(&t->root, NULL);
	gosync_ctx_init(&t->a, &t->root);
	gosync_ctx_init(&t->b, &t->root);
	gosync_ctx_init(&t->a1, &t->a);
	gosync_ctx_init(&t->a2, &t->a);
	gosync_ctx_init(&t->x, &t->a1);
}

static void gctx_tree_put(struct gctx_tree *t)
{
	gosync_ctx_put(&t->x);
	gosync_ctx_put(&t->a2);
	gosync_ctx_put(&t->a1);
	gosync_ctx_put(&t->b);
	gosync_ctx_put(&t->a);
	gosync_ctx_put(&t->root);
}

static void ctx_tree_test(struct kunit *test)
{
	struct gctx_tree *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct gosync_ctx late;

	KUNIT_ASSERT_NOT_NULL(test, t);
	gctx_tree_init(t);
	KUNIT_EXPECT_TRUE(test, gosync_ctx_cancel(&t->a, -ENODEV));
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a), -ENODEV);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a1), -ENODEV);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a2), -ENODEV);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->x), -ENODEV);
	/* A child never cancels its parent, nor its siblings. */
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->root), 0);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->b), 0);
	/* A child of a cancelled parent starts cancelled. */
	gosync_ctx_init(&late, &t->a2);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&late), -ENODEV);
	gosync_ctx_put(&late);
	/* The root's cause reaches what is still live, only that. */
	KUNIT_EXPECT_TRUE(test, gosync_ctx_cancel(&t->root, -EPIPE));
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->b), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a), -ENODEV);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->x), -ENODEV);
	gctx_tree_put(t);
}

/* Put in either order: a put context is out of its tree. */
static void ctx_put_order_test(struct kunit *test)
{
	struct gctx_tree *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	gctx_tree_init(t);
	/* a first: its children become roots, b stays under root. */
	gosync_ctx_put(&t->a);
	KUNIT_EXPECT_NULL(test, t->a1.parent);
	KUNIT_EXPECT_NULL(test, t->a2.parent);
	KUNIT_EXPECT_PTR_EQ(test, t->x.parent, &t->a1);
	gosync_ctx_cancel(&t->root, -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->b), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a1), 0);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a), 0);
	/* A put leaf: its parent's cancel does not reach it. */
	gosync_ctx_put(&t->x);
	gosync_ctx_cancel(&t->a1, -EIO);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->x), 0);
	/* The root before its child. */
	gosync_ctx_put(&t->root);
	KUNIT_EXPECT_NULL(test, t->b.parent);
	gosync_ctx_put(&t->b);
	gosync_ctx_put(&t->a1);
	gosync_ctx_put(&t->a2);
}

static void ctx_deadline_test(struct kunit *test)
{
	struct gctx_tree *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	ktime_t now = ktime_get(), d;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	gctx_tree_init(t);
	KUNIT_EXPECT_EQ(test, gosync_ctx_set_deadline(&t->a, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_ctx_set_deadline(&t->a, KTIME_MAX), 0);
	KUNIT_EXPECT_EQ(test, gosync_ctx_deadline(&t->x), KTIME_MAX);
	d = ktime_add_ms(now, 200);
	KUNIT_EXPECT_EQ(test, gosync_ctx_set_deadline(&t->a, d), 0);
	/* Inherited; a later own one changes nothing, an earlier one does. */
	KUNIT_EXPECT_EQ(test, gosync_ctx_deadline(&t->x), d);
	KUNIT_EXPECT_EQ(test, gosync_ctx_set_deadline(&t->x, ktime_add_ms(d, 1000)), 0);
	KUNIT_EXPECT_EQ(test, gosync_ctx_deadline(&t->x), d);
	KUNIT_EXPECT_EQ(test, gosync_ctx_set_deadline(&t->a2, ktime_add_ms(now, 50)), 0);
	KUNIT_EXPECT_EQ(test, gosync_ctx_deadline(&t->a2), ktime_add_ms(now, 50));
	KUNIT_EXPECT_EQ(test, gosync_ctx_deadline(&t->root), KTIME_MAX);
	/* A past deadline: at once. */
	KUNIT_EXPECT_EQ(test, gosync_ctx_set_deadline(&t->b, now), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->b), -ETIMEDOUT);
	/* The timers fire in hard interrupt context, a2's first. */
	for (i = 0; i < GCTX_STUCK_SECS * 50 && !gosync_ctx_done(&t->x); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a2), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->a1), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->x), -ETIMEDOUT);
	KUNIT_EXPECT_FALSE(test, ktime_before(ktime_get(), d));
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&t->root), 0);
	gctx_tree_put(t);
}

/* A put context's armed timer is stopped: it never fires. */
static void ctx_put_stops_timer_test(struct kunit *test)
{
	struct gosync_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	gosync_ctx_init(c, NULL);
	KUNIT_EXPECT_EQ(test, gosync_ctx_set_deadline(c, ktime_add_ms(ktime_get(), 30)), 0);
	gosync_ctx_put(c);
	msleep(100);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(c), 0);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&c->timer));
}

/* One waiter on a kthread. */
struct gctx_call {
	struct gosync_ctx *ctx;
	long timeout;		/* jiffies; 0: gosync_ctx_wait() */
	bool own_wq;		/* sleep on @wq for @flag, watching @ctx */
	wait_queue_head_t wq;
	bool flag;
	int ret;
	struct completion started;
	struct completion done;
	struct task_struct *task;
};

static int gctx_call_fn(void *arg)
{
	struct gctx_call *c = arg;

	allow_signal(SIGKILL);
	complete(&c->started);
	if (c->own_wq) {
		struct gosync_ctx_watcher w;

		gosync_ctx_watch(c->ctx, &w);
		c->ret = wait_event_killable(c->wq, READ_ONCE(c->flag) ||
					     gosync_ctx_done(c->ctx));
		if (!c->ret)
			c->ret = gosync_ctx_err(c->ctx);
		gosync_ctx_unwatch(c->ctx, &w);
	} else if (c->timeout) {
		c->ret = gosync_ctx_wait_timeout(c->ctx, c->timeout);
	} else {
		c->ret = gosync_ctx_wait(c->ctx);
	}
	complete(&c->done);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void gctx_call_start(struct kunit *test, struct gctx_call *c,
			    struct gosync_ctx *ctx)
{
	c->ctx = ctx;
	init_waitqueue_head(&c->wq);
	init_completion(&c->started);
	init_completion(&c->done);
	c->task = kthread_create(gctx_call_fn, c, "gosync-ck-wait");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->task));
	get_task_struct(c->task);
	wake_up_process(c->task);
	wait_for_completion(&c->started);
}

static int gctx_call_join(struct kunit *test, struct gctx_call *c)
{
	if (!wait_for_completion_timeout(&c->done, GCTX_STUCK_SECS * HZ)) {
		KUNIT_FAIL(test, "a waiter is still blocked after %d s",
			   GCTX_STUCK_SECS);
		gosync_ctx_cancel(c->ctx, -EDEADLK);
		wait_for_completion(&c->done);
	}
	kthread_stop(c->task);
	put_task_struct(c->task);
	return c->ret;
}

static void ctx_wait_test(struct kunit *test)
{
	struct gctx_call *c = kunit_kcalloc(test, 3, sizeof(*c), GFP_KERNEL);
	struct gosync_ctx root, child;

	KUNIT_ASSERT_NOT_NULL(test, c);
	gosync_ctx_init(&root, NULL);
	gosync_ctx_init(&child, &root);
	/* Live: a bounded wait times out. */
	KUNIT_EXPECT_EQ(test, gosync_ctx_wait_timeout(&child, 2), 0);
	KUNIT_EXPECT_EQ(test, gosync_ctx_wait_timeout(&child, 0), 0);
	gctx_call_start(test, &c[0], &child);
	c[1].timeout = 60 * HZ;
	gctx_call_start(test, &c[1], &root);
	c[2].own_wq = true;
	gctx_call_start(test, &c[2], &child);
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&c[0].done));
	KUNIT_EXPECT_FALSE(test, completion_done(&c[2].done));
	/* The root's cancel wakes all three, wherever they sleep. */
	gosync_ctx_cancel(&root, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gctx_call_join(test, &c[0]), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gctx_call_join(test, &c[1]), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gctx_call_join(test, &c[2]), -ESHUTDOWN);
	/* Cancelled: a wait returns at once. */
	KUNIT_EXPECT_EQ(test, gosync_ctx_wait(&child), -ESHUTDOWN);
	gosync_ctx_put(&child);
	gosync_ctx_put(&root);
}

static void ctx_killed_waiter_test(struct kunit *test)
{
	struct gctx_call *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct gosync_ctx ctx;

	KUNIT_ASSERT_NOT_NULL(test, c);
	gosync_ctx_init(&ctx, NULL);
	gctx_call_start(test, c, &ctx);
	msleep(20);
	send_sig(SIGUSR1, c->task, 1);
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&c->done, HZ / 20), 0UL);
	send_sig(SIGKILL, c->task, 1);
	KUNIT_EXPECT_EQ(test, gctx_call_join(test, c), -EINTR);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&ctx), 0);
	gosync_ctx_put(&ctx);
}

/*
 * The ctx_cancel window: the canceller has set the cause and woken the
 * watchers, not walked the subtree yet. A child linked then must start
 * cancelled; a child put then must not be reached.
 */
struct gctx_stall {
	struct gosync_ctx *ctx;
	struct completion in_window;
	struct completion go_on;
	atomic_t stalled;
};

static void gctx_stall_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct gctx_stall *s = arg;
	unsigned int t;

	if (where != GOSYNC_RACE_CTX_CANCEL || obj != s->ctx ||
	    atomic_cmpxchg(&s->stalled, 0, 1))
		return;
	complete(&s->in_window);
	for (t = 0; t < GCTX_STUCK_SECS * 200000 && !completion_done(&s->go_on); t++)
		udelay(5);
}

struct gctx_canceller {
	struct gosync_ctx *ctx;
	struct completion done;
};

static int gctx_canceller_fn(void *arg)
{
	struct gctx_canceller *k = arg;

	gosync_ctx_cancel(k->ctx, -EIO);
	complete(&k->done);
	return 0;
}

static void ctx_cancel_window_test(struct kunit *test)
{
	struct gctx_stall *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct gctx_canceller *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct gosync_ctx *root = kunit_kzalloc(test, 3 * sizeof(*root),
						GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_NOT_NULL(test, root);
	gosync_ctx_init(&root[0], NULL);
	gosync_ctx_init(&root[1], &root[0]);	/* put in the window */
	s->ctx = &root[0];
	init_completion(&s->in_window);
	init_completion(&s->go_on);
	k->ctx = &root[0];
	init_completion(&k->done);
	if (!__gosync_race_set(gctx_stall_hook, s))
		kunit_skip(test, "gosync.ko without race windows");
	task = kthread_run(gctx_canceller_fn, k, "gosync-ck-cancel");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->in_window,
							  GCTX_STUCK_SECS * HZ),
			0UL);
	gosync_ctx_init(&root[2], &root[0]);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&root[2]), -EIO);
	gosync_ctx_put(&root[1]);
	complete(&s->go_on);
	wait_for_completion(&k->done);
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&root[1]), 0);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(&root[2]), -EIO);
	gosync_ctx_put(&root[2]);
	gosync_ctx_put(&root[0]);
}

static struct kunit_case gosync_ctx_cases[] = {
	KUNIT_CASE(ctx_cause_test),
	KUNIT_CASE(ctx_tree_test),
	KUNIT_CASE(ctx_put_order_test),
	KUNIT_CASE(ctx_deadline_test),
	KUNIT_CASE(ctx_put_stops_timer_test),
	KUNIT_CASE(ctx_wait_test),
	KUNIT_CASE(ctx_killed_waiter_test),
	KUNIT_CASE(ctx_cancel_window_test),
	{}
};

static struct kunit_suite gosync_ctx_suite = {
	.name = "gosync_ctx",
	.test_cases = gosync_ctx_cases,
};

kunit_test_suite(gosync_ctx_suite);
