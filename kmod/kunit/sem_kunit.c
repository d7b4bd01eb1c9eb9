// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_sem (kmod/sem.c): init bounds, try_acquire (no
 * overtaking of a queue), requests over the capacity, an over-release,
 * FIFO with a large request at the head, a cancelled head that serves
 * the followers it held back, an already-cancelled context, timeouts,
 * killed and interrupted waiters, and the two windows of the slow path
 * held open: a release between a failed lockless take and the queueing
 * (sem_queue), and a grant between a waiter's giving up and its lock
 * (sem_cancel).
 *
 * Every blocking call runs on a kthread joined with a bound
 * (GSEM_STUCK_SECS); a caller still blocked then fails the case and is
 * ended through its context, so every thread is joined.
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
#include <gosync/sem.h>

#include "internal.h"

#ifdef GOSYNC_NATIVE
#include <shim/native.h>
#endif

#define GSEM_STUCK_SECS	10

/* The callers queued on @sem. */
static unsigned int gsem_queued(struct gosync_sem *sem)
{
	struct list_head *p;
	unsigned long flags;
	unsigned int n = 0;

	raw_spin_lock_irqsave(&sem->lock, flags);
	list_for_each(p, &sem->waiters)
		n++;
	raw_spin_unlock_irqrestore(&sem->lock, flags);
	return n;
}

/* Sleep until @n callers are queued on @sem; false after the bound. */
static bool gsem_wait_queued(struct gosync_sem *sem, unsigned int n)
{
	unsigned int t;

	for (t = 0; t < GSEM_STUCK_SECS * 500; t++) {
		if (gsem_queued(sem) == n)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

enum gsem_how { GSEM_KILLABLE, GSEM_INTERRUPTIBLE, GSEM_TIMEOUT };

/* One acquire on a kthread. */
struct gsem_call {
	struct gosync_sem *sem;
	u64 n;
	enum gsem_how how;
	long timeout;
	struct gosync_ctx ctx;	/* its context; cancelled if it is stuck */
	atomic_t *order;	/* where it counts its return */
	int ret;
	int rank;		/* its place among the returns */
	struct completion done;
	struct task_struct *task;
};

static int gsem_call_fn(void *arg)
{
	struct gsem_call *c = arg;

	allow_signal(SIGKILL);
	allow_signal(SIGUSR1);
	switch (c->how) {
	case GSEM_KILLABLE:
		c->ret = gosync_sem_acquire(c->sem, c->n, &c->ctx);
		break;
	case GSEM_INTERRUPTIBLE:
		c->ret = gosync_sem_acquire_interruptible(c->sem, c->n, &c->ctx);
		break;
	case GSEM_TIMEOUT:
		c->ret = gosync_sem_acquire_timeout(c->sem, c->n, &c->ctx,
						    c->timeout);
		break;
	}
	if (c->order)
		c->rank = atomic_inc_return(c->order);
	complete(&c->done);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void gsem_call_start(struct kunit *test, struct gsem_call *c,
			    struct gosync_sem *sem, u64 n, enum gsem_how how,
			    atomic_t *order)
{
	c->sem = sem;
	c->n = n;
	c->how = how;
	c->order = order;
	if (!c->timeout)
		c->timeout = MAX_SCHEDULE_TIMEOUT;
	gosync_ctx_init(&c->ctx, NULL);
	init_completion(&c->done);
	c->task = kthread_create(gsem_call_fn, c, "gosync-sem-call");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->task));
	get_task_struct(c->task);
	wake_up_process(c->task);
}

/* The call's result; a call blocked for GSEM_STUCK_SECS fails the case. */
static int gsem_call_join(struct kunit *test, struct gsem_call *c)
{
	if (!wait_for_completion_timeout(&c->done, GSEM_STUCK_SECS * HZ)) {
		KUNIT_FAIL(test, "an acquire of %llu is still blocked after %d s",
			   c->n, GSEM_STUCK_SECS);
		gosync_ctx_cancel(&c->ctx, -ECANCELED);
		wait_for_completion(&c->done);
	}
	kthread_stop(c->task);
	put_task_struct(c->task);
	gosync_ctx_put(&c->ctx);
	return c->ret;
}

/* Whether the call returned within @ms. */
static bool gsem_call_returned(struct gsem_call *c, unsigned int ms)
{
	return wait_for_completion_timeout(&c->done, msecs_to_jiffies(ms));
}

static void sem_init_test(struct kunit *test)
{
	struct gosync_sem sem;

	KUNIT_EXPECT_EQ(test, gosync_sem_init(&sem, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_sem_init(&sem, GOSYNC_SEM_MAX + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_sem_init(&sem, U64_MAX), -EINVAL);
	KUNIT_ASSERT_EQ(test, gosync_sem_init(&sem, GOSYNC_SEM_MAX), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(&sem), GOSYNC_SEM_MAX);
	KUNIT_EXPECT_TRUE(test, gosync_sem_try_acquire(&sem, GOSYNC_SEM_MAX));
	KUNIT_EXPECT_EQ(test, gosync_sem_available(&sem), 0ULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(&sem, GOSYNC_SEM_MAX), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(&sem), GOSYNC_SEM_MAX);

	KUNIT_ASSERT_EQ(test, gosync_sem_init(&sem, 3), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_capacity(&sem), 3ULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire(&sem, 3, NULL), 0);
	KUNIT_EXPECT_FALSE(test, gosync_sem_try_acquire(&sem, 1));
	KUNIT_EXPECT_EQ(test, gosync_sem_release(&sem, 3), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(&sem), 3ULL);
}

static void sem_try_test(struct kunit *test)
{
	struct gosync_sem sem;

	KUNIT_ASSERT_EQ(test, gosync_sem_init(&sem, 5), 0);
	KUNIT_EXPECT_TRUE(test, gosync_sem_try_acquire(&sem, 0));
	KUNIT_EXPECT_FALSE(test, gosync_sem_try_acquire(&sem, 6));
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire(&sem, 6, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire_timeout(&sem, U64_MAX, NULL, 1),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, gosync_sem_try_acquire(&sem, 3));
	KUNIT_EXPECT_FALSE(test, gosync_sem_try_acquire(&sem, 3));
	KUNIT_EXPECT_TRUE(test, gosync_sem_try_acquire(&sem, 2));
	KUNIT_EXPECT_EQ(test, gosync_sem_available(&sem), 0ULL);
	/* Timeout 0: one try. */
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire_timeout(&sem, 1, NULL, 0),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(&sem, 5), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire_timeout(&sem, 5, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(&sem, 5), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(&sem), 5ULL);
}

/* More released than held: -EINVAL, a WARN, and nothing changes. */
static void sem_over_release_test(struct kunit *test)
{
#ifdef GOSYNC_NATIVE
	struct gosync_sem sem;

	KUNIT_ASSERT_EQ(test, gosync_sem_init(&sem, 4), 0);
	/* The shim's WARN_ONCE() warns every time: three, all ours. */
	native_expect_warnings(3);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(&sem, 1), -EINVAL);
	KUNIT_EXPECT_TRUE(test, gosync_sem_try_acquire(&sem, 3));
	KUNIT_EXPECT_EQ(test, gosync_sem_release(&sem, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(&sem, U64_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(&sem), 1ULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(&sem, 3), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(&sem), 4ULL);
	KUNIT_EXPECT_EQ(test, native_expect_warnings(0), 0UL);
#else
	kunit_skip(test, "its WARN would splat the kernel log: checked natively");
#endif
}

/*
 * FIFO, head of line: 8 waits at the head; 1 and 2 behind it wait too
 * while it does not fit, and try_acquire does not overtake them.
 */
static void sem_fifo_test(struct kunit *test)
{
	struct gosync_sem *sem = kunit_kzalloc(test, sizeof(*sem), GFP_KERNEL);
	struct gsem_call *c = kunit_kcalloc(test, 3, sizeof(*c), GFP_KERNEL);
	atomic_t order = ATOMIC_INIT(0);

	KUNIT_ASSERT_NOT_NULL(test, sem);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, gosync_sem_init(sem, 10), 0);
	KUNIT_ASSERT_TRUE(test, gosync_sem_try_acquire(sem, 10));
	gsem_call_start(test, &c[0], sem, 8, GSEM_KILLABLE, &order);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 1));
	gsem_call_start(test, &c[1], sem, 1, GSEM_KILLABLE, &order);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 2));
	gsem_call_start(test, &c[2], sem, 2, GSEM_KILLABLE, &order);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 3));

	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 3), 0);
	/* 3 free, the head wants 8: nobody moves, nobody overtakes. */
	KUNIT_EXPECT_FALSE(test, gsem_call_returned(&c[1], 50));
	KUNIT_EXPECT_FALSE(test, gosync_sem_try_acquire(sem, 1));
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire_timeout(sem, 1, NULL, 0),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gsem_queued(sem), 3U);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 3ULL);

	/* 8 free: the head only; then 1 for the next; then 2. */
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 5), 0);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[0]), 0);
	KUNIT_EXPECT_FALSE(test, gsem_call_returned(&c[1], 50));
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 1), 0);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[1]), 0);
	KUNIT_EXPECT_FALSE(test, gsem_call_returned(&c[2], 50));
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 1), 0);
	KUNIT_EXPECT_FALSE(test, gsem_call_returned(&c[2], 50));
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 1ULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 1), 0);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[2]), 0);
	KUNIT_EXPECT_EQ(test, c[0].rank, 1);
	KUNIT_EXPECT_EQ(test, c[1].rank, 2);
	KUNIT_EXPECT_EQ(test, c[2].rank, 3);
	KUNIT_EXPECT_EQ(test, gsem_queued(sem), 0U);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 0ULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 10), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 10ULL);
	/* Empty queue: the lockless paths again. */
	KUNIT_EXPECT_GE(test, atomic64_read(&sem->state), 0LL);
}

/*
 * A head cancelled by its context serves the followers that fit
 * (golang/go issue 37852), and a context cancelled before the call
 * fails it even when the units fit (golang/go issue 63615).
 */
static void sem_cancel_head_test(struct kunit *test)
{
	struct gosync_sem *sem = kunit_kzalloc(test, sizeof(*sem), GFP_KERNEL);
	struct gsem_call *c = kunit_kcalloc(test, 3, sizeof(*c), GFP_KERNEL);
	struct gosync_ctx ctx;

	KUNIT_ASSERT_NOT_NULL(test, sem);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, gosync_sem_init(sem, 10), 0);
	KUNIT_ASSERT_TRUE(test, gosync_sem_try_acquire(sem, 5));
	gsem_call_start(test, &c[0], sem, 10, GSEM_KILLABLE, NULL);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 1));
	gsem_call_start(test, &c[1], sem, 3, GSEM_KILLABLE, NULL);
	gsem_call_start(test, &c[2], sem, 2, GSEM_KILLABLE, NULL);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 3));
	KUNIT_EXPECT_FALSE(test, gsem_call_returned(&c[1], 50));

	gosync_ctx_cancel(&c[0].ctx, -ENODEV);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[0]), -ENODEV);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[1]), 0);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[2]), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 0ULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 10), 0);

	gosync_ctx_init(&ctx, NULL);
	gosync_ctx_cancel(&ctx, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire(sem, 1, &ctx), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire_timeout(sem, 1, &ctx, 0),
			-ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_sem_acquire_interruptible(sem, 0, &ctx),
			-ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 10ULL);
	gosync_ctx_put(&ctx);
}

/* A timeout ends the wait with -ETIMEDOUT and leaves the queue. */
static void sem_timeout_test(struct kunit *test)
{
	struct gosync_sem *sem = kunit_kzalloc(test, sizeof(*sem), GFP_KERNEL);
	struct gsem_call *c = kunit_kcalloc(test, 2, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sem);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, gosync_sem_init(sem, 2), 0);
	KUNIT_ASSERT_TRUE(test, gosync_sem_try_acquire(sem, 1));
	c[0].timeout = msecs_to_jiffies(30);
	gsem_call_start(test, &c[0], sem, 2, GSEM_TIMEOUT, NULL);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[0]), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gsem_queued(sem), 0U);
	c[1].timeout = GSEM_STUCK_SECS * HZ;
	gsem_call_start(test, &c[1], sem, 2, GSEM_TIMEOUT, NULL);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 1));
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 1), 0);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[1]), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 2), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 2ULL);
}

/*
 * A killable waiter ignores SIGUSR1 and ends with -EINTR on SIGKILL; an
 * interruptible one ends on SIGUSR1. The queue behind them moves on.
 */
static void sem_signal_test(struct kunit *test)
{
	struct gosync_sem *sem = kunit_kzalloc(test, sizeof(*sem), GFP_KERNEL);
	struct gsem_call *c = kunit_kcalloc(test, 3, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sem);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, gosync_sem_init(sem, 4), 0);
	KUNIT_ASSERT_TRUE(test, gosync_sem_try_acquire(sem, 2));
	gsem_call_start(test, &c[0], sem, 4, GSEM_KILLABLE, NULL);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 1));
	gsem_call_start(test, &c[1], sem, 3, GSEM_INTERRUPTIBLE, NULL);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 2));
	gsem_call_start(test, &c[2], sem, 1, GSEM_KILLABLE, NULL);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 3));

	send_sig(SIGUSR1, c[0].task, 1);
	KUNIT_EXPECT_FALSE(test, gsem_call_returned(&c[0], 50));
	send_sig(SIGUSR1, c[1].task, 1);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[1]), -EINTR);
	send_sig(SIGKILL, c[0].task, 1);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[0]), -EINTR);
	/* Both gone: 1 fits in the 2 free. */
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, &c[2]), 0);
	KUNIT_EXPECT_EQ(test, gsem_queued(sem), 0U);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 1ULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 3), 0);
}

/* Stall the first caller of @s->sem that reaches window @s->where. */
struct gsem_stall {
	struct gosync_sem *sem;
	enum gosync_race where;
	struct completion in_window;
	struct completion go_on;
	atomic_t stalled;
};

static void gsem_stall_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct gsem_stall *s = arg;
	unsigned int t;

	if (where != s->where || obj != s->sem ||
	    atomic_cmpxchg(&s->stalled, 0, 1))
		return;
	complete(&s->in_window);
	/* Hooks may not sleep: busy-wait, bounded, while another CPU acts. */
	for (t = 0; t < GSEM_STUCK_SECS * 200000 &&
	     !completion_done(&s->go_on); t++)
		udelay(5);
}

static struct gsem_stall *
gsem_stall_start(struct kunit *test, struct gosync_sem *sem,
		 enum gosync_race where)
{
	struct gsem_stall *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->sem = sem;
	s->where = where;
	init_completion(&s->in_window);
	init_completion(&s->go_on);
	if (!__gosync_race_set(gsem_stall_hook, s))
		kunit_skip(test, "gosync.ko without race windows");
	return s;
}

/*
 * sem_queue: the lockless take failed; before the caller queues, the
 * holder releases everything, locklessly (no one was queued). The caller
 * must still get the units, not sleep with them free.
 */
static void sem_queue_window_test(struct kunit *test)
{
	struct gosync_sem *sem = kunit_kzalloc(test, sizeof(*sem), GFP_KERNEL);
	struct gsem_call *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct gsem_stall *s;

	KUNIT_ASSERT_NOT_NULL(test, sem);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, gosync_sem_init(sem, 1), 0);
	KUNIT_ASSERT_TRUE(test, gosync_sem_try_acquire(sem, 1));
	s = gsem_stall_start(test, sem, GOSYNC_RACE_SEM_QUEUE);
	gsem_call_start(test, c, sem, 1, GSEM_KILLABLE, NULL);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->in_window,
							  GSEM_STUCK_SECS * HZ),
			0UL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 1), 0);
	complete(&s->go_on);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, c), 0);
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 0ULL);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 1), 0);
}

/*
 * sem_cancel: a waiter saw its context cancelled; before it takes the
 * lock, a release grants it the units. The grant wins: it returns 0 and
 * holds them, and no unit is lost or counted twice.
 */
static void sem_cancel_window_test(struct kunit *test)
{
	struct gosync_sem *sem = kunit_kzalloc(test, sizeof(*sem), GFP_KERNEL);
	struct gsem_call *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct gsem_stall *s;

	KUNIT_ASSERT_NOT_NULL(test, sem);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, gosync_sem_init(sem, 3), 0);
	KUNIT_ASSERT_TRUE(test, gosync_sem_try_acquire(sem, 2));
	s = gsem_stall_start(test, sem, GOSYNC_RACE_SEM_CANCEL);
	gsem_call_start(test, c, sem, 3, GSEM_KILLABLE, NULL);
	KUNIT_EXPECT_TRUE(test, gsem_wait_queued(sem, 1));
	gosync_ctx_cancel(&c->ctx, -ECANCELED);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->in_window,
							  GSEM_STUCK_SECS * HZ),
			0UL);
	/* Still queued: this release grants it its 3. */
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 2), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 0ULL);
	complete(&s->go_on);
	KUNIT_EXPECT_EQ(test, gsem_call_join(test, c), 0);
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_EQ(test, gsem_queued(sem), 0U);
	KUNIT_EXPECT_EQ(test, gosync_sem_release(sem, 3), 0);
	KUNIT_EXPECT_EQ(test, gosync_sem_available(sem), 3ULL);
}

static struct kunit_case gosync_sem_cases[] = {
	KUNIT_CASE(sem_init_test),
	KUNIT_CASE(sem_try_test),
	KUNIT_CASE(sem_over_release_test),
	KUNIT_CASE(sem_fifo_test),
	KUNIT_CASE(sem_cancel_head_test),
	KUNIT_CASE(sem_timeout_test),
	KUNIT_CASE(sem_signal_test),
	KUNIT_CASE(sem_queue_window_test),
	KUNIT_CASE(sem_cancel_window_test),
	{}
};

static struct kunit_suite gosync_sem_suite = {
	.name = "gosync_sem",
	.test_cases = gosync_sem_cases,
};

kunit_test_suite(gosync_sem_suite);
