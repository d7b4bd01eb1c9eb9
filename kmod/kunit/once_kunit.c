// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_once (kmod/once.c): flags, a value returned to
 * every caller, a failure retried by the next call, a failure cached
 * with GOSYNC_ONCE_CACHE_ERR, a result that is not an errno, a call from
 * the function itself, waiters that share the result of the run they
 * waited for (a failure included, with exactly one run), a killed
 * waiter, a waiter whose context is cancelled, and the window between a
 * caller's "not done" and its lock, held open while another caller
 * completes the run.
 *
 * Every blocking call of a case runs on a kthread joined with a bound
 * (GONCE_STUCK_SECS): a caller still blocked then fails the case, which
 * releases the function it waits for, so that every thread is joined.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include <gosync/ctx.h>
#include <gosync/once.h>

#include "internal.h"

#define GONCE_WAITERS	4
#define GONCE_STUCK_SECS	10

/* A function to run once: counts its runs, returns what it is told. */
struct gonce_fn {
	struct gosync_once once;
	atomic_t runs;
	atomic_t inside;	/* runs in progress */
	atomic_t overlaps;	/* a run started while another was inside */
	int rets[4];		/* what run i returns; the last one after */
	struct completion release;	/* a held run waits for it */
	bool hold;
	atomic_t passes;	/* callers that reached the lock window */
	unsigned int want_passes;	/* a held run waits for this many too */
	int value;		/* written by a successful run */
};

static int gonce_fn_run(void *arg)
{
	struct gonce_fn *f = arg;
	int i = atomic_inc_return(&f->runs) - 1;
	int ret;

	if (atomic_inc_return(&f->inside) > 1)
		atomic_inc(&f->overlaps);
	if (f->hold) {
		unsigned int t;

		/* Bounded: a caller that never comes fails the case. */
		for (t = 0; t < GONCE_STUCK_SECS * 50 &&
		     (unsigned int)atomic_read(&f->passes) < f->want_passes; t++)
			msleep(20);
		wait_for_completion_timeout(&f->release, GONCE_STUCK_SECS * HZ);
	}
	ret = f->rets[min_t(int, i, ARRAY_SIZE(f->rets) - 1)];
	if (ret >= 0)
		WRITE_ONCE(f->value, 42);
	atomic_dec(&f->inside);
	return ret;
}

static void gonce_fn_init(struct gonce_fn *f, unsigned int flags, int r0,
			  int r1, int r2, int r3)
{
	memset(f, 0, sizeof(*f));
	gosync_once_init(&f->once, flags);
	f->rets[0] = r0;
	f->rets[1] = r1;
	f->rets[2] = r2;
	f->rets[3] = r3;
	init_completion(&f->release);
}

static int gonce_do(struct gonce_fn *f)
{
	return gosync_once_do(&f->once, gonce_fn_run, f);
}

/* One caller on a kthread. */
struct gonce_call {
	struct gonce_fn *f;
	struct gosync_ctx *ctx;	/* gosync_once_do_ctx() if set */
	int ret;
	int value;		/* f->value as it saw it on success */
	struct completion done;
	struct task_struct *task;
};

static int gonce_call_fn(void *arg)
{
	struct gonce_call *c = arg;

	allow_signal(SIGKILL);
	c->ret = c->ctx ? gosync_once_do_ctx(&c->f->once, gonce_fn_run, c->f,
					     c->ctx) : gonce_do(c->f);
	if (c->ret >= 0)
		c->value = READ_ONCE(c->f->value);
	complete(&c->done);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void gonce_call_start(struct kunit *test, struct gonce_call *c,
			     struct gonce_fn *f)
{
	c->f = f;
	init_completion(&c->done);
	c->task = kthread_create(gonce_call_fn, c, "gosync-ok-call");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->task));
	get_task_struct(c->task);
	wake_up_process(c->task);
}

/* The call's result; a call blocked for GONCE_STUCK_SECS fails the case. */
static int gonce_call_join(struct kunit *test, struct gonce_call *c)
{
	if (!wait_for_completion_timeout(&c->done, GONCE_STUCK_SECS * HZ)) {
		KUNIT_FAIL(test, "a caller is still blocked after %d s",
			   GONCE_STUCK_SECS);
		complete_all(&c->f->release);
		wait_for_completion(&c->done);
	}
	kthread_stop(c->task);
	put_task_struct(c->task);
	return c->ret;
}

static DEFINE_GOSYNC_ONCE(gonce_static, GOSYNC_ONCE_CACHE_ERR);

static void once_init_test(struct kunit *test)
{
	struct gosync_once o;

	KUNIT_EXPECT_EQ(test, gosync_once_init(&o, 0x80), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_once_init(&o, GOSYNC_ONCE_FLAGS), 0);
	KUNIT_EXPECT_FALSE(test, gosync_once_done(&o));
	KUNIT_EXPECT_EQ(test, gosync_once_result(&o), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gonce_static.flags, (unsigned int)GOSYNC_ONCE_CACHE_ERR);
	KUNIT_EXPECT_FALSE(test, gosync_once_done(&gonce_static));
}

/* A value: returned to every caller, the function run once. */
static void once_value_test(struct kunit *test)
{
	struct gonce_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	gonce_fn_init(f, 0, 7, 8, 9, 10);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, gonce_do(f), 7);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->runs), 1);
	KUNIT_EXPECT_TRUE(test, gosync_once_done(&f->once));
	KUNIT_EXPECT_EQ(test, gosync_once_result(&f->once), 7);
	KUNIT_EXPECT_EQ(test, f->value, 42);
}

/* A failure is not final: each later call runs the function again. */
static void once_retry_test(struct kunit *test)
{
	struct gonce_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	gonce_fn_init(f, 0, -EIO, -ENODEV, 0, 5);
	KUNIT_EXPECT_EQ(test, gonce_do(f), -EIO);
	KUNIT_EXPECT_FALSE(test, gosync_once_done(&f->once));
	KUNIT_EXPECT_EQ(test, gosync_once_result(&f->once), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gonce_do(f), -ENODEV);
	KUNIT_EXPECT_EQ(test, gonce_do(f), 0);
	KUNIT_EXPECT_EQ(test, gonce_do(f), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->runs), 3);
	KUNIT_EXPECT_EQ(test, gosync_once_result(&f->once), 0);
}

/* GOSYNC_ONCE_CACHE_ERR: the first result is final, a failure too. */
static void once_cache_err_test(struct kunit *test)
{
	struct gonce_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	gonce_fn_init(f, GOSYNC_ONCE_CACHE_ERR, -ENODEV, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, gonce_do(f), -ENODEV);
	KUNIT_EXPECT_TRUE(test, gosync_once_done(&f->once));
	KUNIT_EXPECT_EQ(test, gonce_do(f), -ENODEV);
	KUNIT_EXPECT_EQ(test, gosync_once_result(&f->once), -ENODEV);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->runs), 1);
}

/* A return below -MAX_ERRNO is no result: -EINVAL, and not final. */
static void once_bad_result_test(struct kunit *test)
{
	struct gonce_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	gonce_fn_init(f, GOSYNC_ONCE_CACHE_ERR, -MAX_ERRNO - 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, gonce_do(f), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_once_result(&f->once), -EINVAL);
}

struct gonce_reenter {
	struct gosync_once once;
	int inner;
	int runs;
};

static int gonce_reenter_fn(void *arg)
{
	struct gonce_reenter *r = arg;

	r->runs++;
	r->inner = gosync_once_do(&r->once, gonce_reenter_fn, r);
	return 3;
}

/* The function calls its own once: refused, the run goes on. */
static void once_reenter_test(struct kunit *test)
{
	struct gonce_reenter r = { .inner = 1 };

	gosync_once_init(&r.once, 0);
	KUNIT_EXPECT_EQ(test, gosync_once_do(&r.once, gonce_reenter_fn, &r), 3);
	KUNIT_EXPECT_EQ(test, r.inner, -EDEADLK);
	KUNIT_EXPECT_EQ(test, r.runs, 1);
	KUNIT_EXPECT_EQ(test, gosync_once_do(&r.once, gonce_reenter_fn, &r), 3);
	KUNIT_EXPECT_EQ(test, r.runs, 1);
}

/* Counts the callers that read the run count and go for the lock. */
static void gonce_count_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct gonce_fn *f = arg;

	if (where == GOSYNC_RACE_ONCE_WAIT && obj == &f->once)
		atomic_inc(&f->passes);
}

/*
 * Callers that arrive while a run is in progress wait and get its
 * result, a failure too, without running the function again; the next
 * caller after that retries. The run is held until every waiter has
 * reached the once_wait window, so each of them read the run count
 * before the run ended.
 */
static void gonce_waiters_share(struct kunit *test, int ret)
{
	struct gonce_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct gonce_call *c = kunit_kcalloc(test, GONCE_WAITERS, sizeof(*c),
					  GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, c);
	gonce_fn_init(f, 0, ret, 11, 11, 11);
	f->hold = true;
	f->want_passes = GONCE_WAITERS;
	if (!__gosync_race_set(gonce_count_hook, f))
		kunit_skip(test, "gosync.ko without race windows");
	for (i = 0; i < GONCE_WAITERS; i++)
		gonce_call_start(test, &c[i], f);
	/* Every caller is past its window, one runs the held function. */
	for (i = 0; i < GONCE_STUCK_SECS * 50 &&
	     atomic_read(&f->passes) < GONCE_WAITERS; i++)
		msleep(20);
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->passes), GONCE_WAITERS);
	complete_all(&f->release);
	for (i = 0; i < GONCE_WAITERS; i++) {
		KUNIT_EXPECT_EQ(test, gonce_call_join(test, &c[i]), ret);
		if (ret >= 0)
			KUNIT_EXPECT_EQ(test, c[i].value, 42);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&f->runs), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->overlaps), 0);
	/* Later: a failure is retried, a success is final. */
	f->hold = false;
	KUNIT_EXPECT_EQ(test, gonce_do(f), ret < 0 ? 11 : ret);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->runs), ret < 0 ? 2 : 1);
}

static void once_waiters_share_success_test(struct kunit *test)
{
	gonce_waiters_share(test, 5);
}

static void once_waiters_share_failure_test(struct kunit *test)
{
	gonce_waiters_share(test, -EAGAIN);
}

/* A killed waiter returns -EINTR; the run and the others go on. */
static void once_killed_waiter_test(struct kunit *test)
{
	struct gonce_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct gonce_call *c = kunit_kcalloc(test, 2, sizeof(*c), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, c);
	gonce_fn_init(f, 0, 1, 2, 2, 2);
	f->hold = true;
	if (!__gosync_race_set(gonce_count_hook, f))
		kunit_skip(test, "gosync.ko without race windows");
	gonce_call_start(test, &c[0], f);
	for (i = 0; i < GONCE_STUCK_SECS * 50 && !atomic_read(&f->inside); i++)
		msleep(20);
	gonce_call_start(test, &c[1], f);
	/* The waiter is past allow_signal() and at the lock. */
	for (i = 0; i < GONCE_STUCK_SECS * 50 && atomic_read(&f->passes) < 2; i++)
		msleep(20);
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->inside), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->passes), 2);
	msleep(20);
	/* Not a fatal signal: it sleeps on. */
	send_sig(SIGUSR1, c[1].task, 1);
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&c[1].done, HZ / 20),
			0UL);
	send_sig(SIGKILL, c[1].task, 1);
	KUNIT_EXPECT_EQ(test, gonce_call_join(test, &c[1]), -EINTR);
	complete_all(&f->release);
	KUNIT_EXPECT_EQ(test, gonce_call_join(test, &c[0]), 1);
	KUNIT_EXPECT_EQ(test, gonce_do(f), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->runs), 1);
}

/*
 * The once_done window, between "not done" and the read of the run
 * count: a caller stalls there while another completes the run. It must
 * find the result final under the lock, and not run the function again.
 */
struct gonce_stall {
	struct gonce_fn *f;
	struct completion in_window;
	struct completion go_on;
	atomic_t stalled;
};

static void gonce_stall_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct gonce_stall *s = arg;
	unsigned int t;

	if (where != GOSYNC_RACE_ONCE_DONE || obj != &s->f->once ||
	    atomic_cmpxchg(&s->stalled, 0, 1))
		return;
	complete(&s->in_window);
	/* Hooks may not sleep: busy-wait, bounded, while another CPU runs it. */
	for (t = 0; t < GONCE_STUCK_SECS * 200000 &&
	     !completion_done(&s->go_on); t++)
		udelay(5);
}

static void once_lock_window_test(struct kunit *test)
{
	struct gonce_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct gonce_stall *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct gonce_call *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, c);
	gonce_fn_init(f, 0, 9, 10, 10, 10);
	s->f = f;
	init_completion(&s->in_window);
	init_completion(&s->go_on);
	if (!__gosync_race_set(gonce_stall_hook, s))
		kunit_skip(test, "gosync.ko without race windows");
	gonce_call_start(test, c, f);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->in_window,
							  GONCE_STUCK_SECS * HZ),
			0UL);
	/* The first caller stalls, not done; we run it to the end. */
	KUNIT_EXPECT_EQ(test, gonce_do(f), 9);
	complete(&s->go_on);
	KUNIT_EXPECT_EQ(test, gonce_call_join(test, c), 9);
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->runs), 1);
	KUNIT_EXPECT_EQ(test, c->value, 42);
}

/*
 * gosync_once_do_ctx(): a cancellation ends a wait for another's run
 * with its cause (the run goes on); a cancelled context does not run the
 * function; a final result is returned whatever the context.
 */
static void once_ctx_test(struct kunit *test)
{
	struct gonce_fn *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct gonce_call *c = kunit_kcalloc(test, 2, sizeof(*c), GFP_KERNEL);
	struct gosync_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	gonce_fn_init(f, 0, 4, 5, 5, 5);
	f->hold = true;
	gosync_ctx_init(ctx, NULL);
	gonce_call_start(test, &c[0], f);
	for (i = 0; i < GONCE_STUCK_SECS * 50 && !atomic_read(&f->inside); i++)
		msleep(20);
	KUNIT_ASSERT_EQ(test, atomic_read(&f->inside), 1);
	c[1].ctx = ctx;
	gonce_call_start(test, &c[1], f);
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&c[1].done, HZ / 10),
			0UL);
	gosync_ctx_cancel(ctx, -ENOLINK);
	KUNIT_EXPECT_EQ(test, gonce_call_join(test, &c[1]), -ENOLINK);
	/* Cancelled, not done: the function does not run. */
	KUNIT_EXPECT_EQ(test, gosync_once_do_ctx(&f->once, gonce_fn_run, f, ctx),
			-ENOLINK);
	complete_all(&f->release);
	KUNIT_EXPECT_EQ(test, gonce_call_join(test, &c[0]), 4);
	/* Done: the result, whatever the context. */
	KUNIT_EXPECT_EQ(test, gosync_once_do_ctx(&f->once, gonce_fn_run, f, ctx), 4);
	KUNIT_EXPECT_EQ(test, gosync_once_do_ctx(&f->once, gonce_fn_run, f, NULL), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->runs), 1);
	gosync_ctx_put(ctx);
}

static struct kunit_case gosync_once_cases[] = {
	KUNIT_CASE(once_init_test),
	KUNIT_CASE(once_value_test),
	KUNIT_CASE(once_retry_test),
	KUNIT_CASE(once_cache_err_test),
	KUNIT_CASE(once_bad_result_test),
	KUNIT_CASE(once_reenter_test),
	KUNIT_CASE(once_waiters_share_success_test),
	KUNIT_CASE(once_waiters_share_failure_test),
	KUNIT_CASE(once_killed_waiter_test),
	KUNIT_CASE(once_lock_window_test),
	KUNIT_CASE(once_ctx_test),
	{}
};

static struct kunit_suite gosync_once_suite = {
	.name = "gosync_once",
	.test_cases = gosync_once_cases,
};

kunit_test_suite(gosync_once_suite);
