// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_wpool (kmod/wpool.c): every job run once, in
 * order with one worker; backpressure (try_submit -EBUSY, the timeout
 * flavour, a cancelled context, a blocked submitter woken by shutdown
 * with -ESHUTDOWN, try_submit from an interrupt growing the pool);
 * shutdown dropping what is queued to the drop callback and cancelling
 * the running job's context; growth to max and shrinking to min = 0,
 * then a job into a pool without workers; resize; bad arguments; and
 * the three race windows, each held open by a hook
 * while the event that moves the pool happens: a worker about to exit
 * idle while a job is queued (wpool_retire), a submit between its
 * lockless check and the lock while shutdown completes (wpool_submit),
 * and a resize's new kthread not yet registered while shutdown runs
 * (wpool_spawn). Each counts exact outcomes: a job ran once or was
 * dropped once, no thread is left when shutdown returns.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include <gosync/ctx.h>
#include <gosync/wpool.h>

#include "internal.h"

#define GWK_STUCK_SECS	10
#define GWK_JOBS	64

/* One job of a case: what it saw. */
struct gwk_job {
	struct gosync_wpool_job job;
	struct gwk *k;
	unsigned int idx;
	atomic_t ran;
	atomic_t dropped;
	int seen;		/* the context's cause, for blocking jobs */
};

/* What a case's jobs share. */
struct gwk {
	atomic_t ran;
	atomic_t dropped;
	atomic_t order;		/* next index expected, one worker */
	atomic_t out_of_order;
	struct completion release;
	struct completion started;
	bool block;		/* wait for @release */
	bool wait_ctx;		/* wait for the pool's context */
	struct gwk_job j[GWK_JOBS];
};

static void gwk_fn(struct gosync_ctx *ctx, struct gosync_wpool_job *job)
{
	struct gwk_job *j = container_of(job, struct gwk_job, job);
	struct gwk *k = j->k;

	if (atomic_inc_return(&k->order) - 1 != j->idx)
		atomic_inc(&k->out_of_order);
	complete(&k->started);
	if (k->wait_ctx)
		j->seen = gosync_ctx_wait_timeout(ctx, GWK_STUCK_SECS * HZ);
	else if (k->block)
		wait_for_completion_timeout(&k->release, GWK_STUCK_SECS * HZ);
	atomic_inc(&j->ran);
	atomic_inc(&k->ran);
}

static void gwk_drop(struct gosync_wpool_job *job, int cause)
{
	struct gwk_job *j = container_of(job, struct gwk_job, job);

	if (cause == -ESHUTDOWN)
		atomic_inc(&j->dropped);
	atomic_inc(&j->k->dropped);
}

static struct gwk *gwk_new(struct kunit *test)
{
	struct gwk *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, k);
	init_completion(&k->release);
	init_completion(&k->started);
	for (i = 0; i < GWK_JOBS; i++) {
		gosync_wpool_job_init(&k->j[i].job, gwk_fn);
		k->j[i].k = k;
		k->j[i].idx = i;
	}
	return k;
}

static struct gosync_wpool *gwk_pool(struct kunit *test, unsigned int min,
				     unsigned int max, unsigned int cap)
{
	struct gosync_wpool_opts o = {
		.name = "kunit", .min = min, .max = max, .capacity = cap,
		.idle_ms = 50, .drop = gwk_drop,
	};
	struct gosync_wpool *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, gosync_wpool_init(p, NULL, &o), 0);
	return p;
}

/* Wait up to GWK_STUCK_SECS for @cond, polling; its last value. */
#define gwk_wait_for(cond) ({						\
	unsigned long __end = jiffies + GWK_STUCK_SECS * HZ;		\
	bool __ok;							\
									\
	while (!(__ok = (cond)) && time_before(jiffies, __end))	\
		usleep_range(2000, 5000);				\
	__ok;								\
})

static unsigned int gwk_workers(struct gosync_wpool *p)
{
	struct gosync_wpool_stats st;

	gosync_wpool_stats(p, &st);
	return st.workers;
}

static unsigned int gwk_threads(struct gosync_wpool *p)
{
	struct gosync_wpool_stats st;

	gosync_wpool_stats(p, &st);
	return st.threads;
}

/* One worker: every job once, in submission order; the counters. */
static void wpool_fifo_test(struct kunit *test)
{
	struct gwk *k = gwk_new(test);
	struct gosync_wpool *p = gwk_pool(test, 1, 1, 8);
	struct gosync_wpool_stats st;
	unsigned int i;

	for (i = 0; i < GWK_JOBS; i++)
		KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[i].job, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, MAX_SCHEDULE_TIMEOUT), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), GWK_JOBS);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->out_of_order), 0);
	gosync_wpool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.submitted, (u64)GWK_JOBS);
	KUNIT_EXPECT_EQ(test, st.done, (u64)GWK_JOBS);
	KUNIT_EXPECT_EQ(test, st.dropped, 0ULL);
	KUNIT_EXPECT_EQ(test, st.workers, 0U);
	KUNIT_EXPECT_EQ(test, st.threads, 0U);
	KUNIT_EXPECT_EQ(test, st.state, 3U);
	/* Jobs may be submitted again once handed back; not to a shut pool. */
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[0].job, NULL), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_wpool_try_submit(p, &k->j[0].job), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, 0), 0);
	gosync_wpool_destroy(p);
	for (i = 0; i < GWK_JOBS; i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&k->j[i].ran), 1);
}

/* A submitter blocked on a full queue, for the shutdown test. */
struct gwk_submitter {
	struct gosync_wpool *p;
	struct gosync_wpool_job *job;
	int ret;
	struct completion done;
};

static int gwk_submit_fn(void *data)
{
	struct gwk_submitter *s = data;

	s->ret = gosync_wpool_submit(s->p, s->job, NULL);
	complete(&s->done);
	return 0;
}

/* Full queue: -EBUSY, -ETIMEDOUT, a context's cause; then room again. */
static void wpool_backpressure_test(struct kunit *test)
{
	struct gwk *k = gwk_new(test);
	struct gosync_wpool *p = gwk_pool(test, 1, 1, 2);
	struct gosync_wpool_stats st;
	struct gosync_ctx ctx;

	k->block = true;
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[0].job, NULL), 0);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&k->started, HZ * GWK_STUCK_SECS), 0UL);
	KUNIT_EXPECT_EQ(test, gosync_wpool_try_submit(p, &k->j[1].job), 0);
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[2].job, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_wpool_try_submit(p, &k->j[3].job), -EBUSY);
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit_timeout(p, &k->j[3].job, NULL, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit_timeout(p, &k->j[3].job, NULL, 2), -ETIMEDOUT);
	gosync_ctx_init(&ctx, NULL);
	gosync_ctx_cancel(&ctx, -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[3].job, &ctx), -EPIPE);
	gosync_ctx_put(&ctx);
	gosync_wpool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.queued, 2U);
	KUNIT_EXPECT_EQ(test, st.running, 1U);
	KUNIT_EXPECT_EQ(test, st.busy, 1ULL);
	complete_all(&k->release);
	/* Room comes back: a blocking submit gets in. */
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[3].job, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, MAX_SCHEDULE_TIMEOUT), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 4);
	gosync_wpool_destroy(p);
}

/*
 * Shutdown with a timeout of 0: the queued jobs dropped to the callback,
 * never run; the running job's context cancelled with -ESHUTDOWN; a
 * blocked submitter woken with -ESHUTDOWN; no thread left.
 */
static void wpool_shutdown_drop_test(struct kunit *test)
{
	struct gwk_submitter *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct gwk *k = gwk_new(test);
	struct gosync_wpool *p = gwk_pool(test, 1, 1, 4);
	struct task_struct *t;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	k->wait_ctx = true;
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[i].job, NULL), 0);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&k->started, HZ * GWK_STUCK_SECS), 0UL);
	s->p = p;
	s->job = &k->j[5].job;
	init_completion(&s->done);
	t = kthread_run(gwk_submit_fn, s, "gosync-wk-sub");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(20);		/* blocked: the queue is full */
	KUNIT_EXPECT_FALSE(test, completion_done(&s->done));
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, 0), 4);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->done, HZ * GWK_STUCK_SECS), 0UL);
	KUNIT_EXPECT_EQ(test, s->ret, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, k->j[0].seen, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->j[0].ran), 1);
	for (i = 1; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&k->j[i].ran), 0);
		KUNIT_EXPECT_EQ(test, atomic_read(&k->j[i].dropped), 1);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&k->j[5].ran), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->j[5].dropped), 0);
	KUNIT_EXPECT_EQ(test, gwk_threads(p), 0U);
	gosync_wpool_destroy(p);
}

/* A drain that ends in time drops nothing; destroy drops the rest. */
static void wpool_drain_destroy_test(struct kunit *test)
{
	struct gwk *k = gwk_new(test);
	struct gosync_wpool *p = gwk_pool(test, 0, 2, 8);
	unsigned int i;

	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[i].job, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, GWK_STUCK_SECS * HZ), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 8);
	gosync_wpool_destroy(p);

	k = gwk_new(test);
	k->block = true;
	p = gwk_pool(test, 1, 1, 8);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[i].job, NULL), 0);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&k->started, HZ * GWK_STUCK_SECS), 0UL);
	complete_all(&k->release);
	gosync_wpool_destroy(p);	/* no shutdown before */
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran) + atomic_read(&k->dropped), 4);
	KUNIT_EXPECT_GE(test, atomic_read(&k->ran), 1);
}

/* Growth to max under blocked jobs, shrink to min = 0, a job from zero. */
static void wpool_adaptive_test(struct kunit *test)
{
	struct gwk *k = gwk_new(test);
	struct gosync_wpool *p = gwk_pool(test, 0, 4, 16);
	struct gosync_wpool_stats st;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, gwk_workers(p), 0U);
	k->block = true;
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[i].job, NULL), 0);
	KUNIT_EXPECT_TRUE(test, gwk_wait_for(gwk_workers(p) == 4));
	msleep(20);
	gosync_wpool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.workers, 4U);
	KUNIT_EXPECT_EQ(test, st.running, 4U);
	KUNIT_EXPECT_EQ(test, st.peak_workers, 4U);
	complete_all(&k->release);
	KUNIT_EXPECT_TRUE(test, gwk_wait_for(atomic_read(&k->ran) == 8));
	KUNIT_EXPECT_TRUE(test, gwk_wait_for(gwk_workers(p) == 0));
	/* From zero workers: a job starts one. */
	KUNIT_EXPECT_EQ(test, gosync_wpool_try_submit(p, &k->j[8].job), 0);
	KUNIT_EXPECT_TRUE(test, gwk_wait_for(atomic_read(&k->ran) == 9));
	gosync_wpool_stats(p, &st);
	KUNIT_EXPECT_GE(test, st.retired, 4ULL);
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, MAX_SCHEDULE_TIMEOUT), 0);
	KUNIT_EXPECT_EQ(test, gwk_threads(p), 0U);
	gosync_wpool_destroy(p);
}

/* resize: min at once, excess exits, bad bounds, after shutdown. */
static void wpool_resize_test(struct kunit *test)
{
	struct gosync_wpool *p = gwk_pool(test, 1, 2, 4);

	KUNIT_EXPECT_EQ(test, gwk_workers(p), 1U);
	KUNIT_EXPECT_EQ(test, gosync_wpool_resize(p, 3, 3), 0);
	KUNIT_EXPECT_EQ(test, gwk_workers(p), 3U);
	KUNIT_EXPECT_EQ(test, gosync_wpool_resize(p, 1, 1), 0);
	KUNIT_EXPECT_TRUE(test, gwk_wait_for(gwk_workers(p) == 1));
	KUNIT_EXPECT_EQ(test, gosync_wpool_resize(p, 2, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_wpool_resize(p, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_wpool_resize(p, 0, GOSYNC_WPOOL_MAX_WORKERS + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, gwk_workers(p), 1U);
	msleep(100);		/* past idle_ms: min stays */
	KUNIT_EXPECT_EQ(test, gwk_workers(p), 1U);
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_wpool_resize(p, 1, 2), -ESHUTDOWN);
	gosync_wpool_destroy(p);
}

/* Bad arguments: -EINVAL, nothing started. */
static void wpool_args_test(struct kunit *test)
{
	struct gosync_wpool *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct gosync_wpool_opts bad[] = {
		{ .min = 0, .max = 0, .capacity = 1 },
		{ .min = 2, .max = 1, .capacity = 1 },
		{ .min = 0, .max = GOSYNC_WPOOL_MAX_WORKERS + 1, .capacity = 1 },
		{ .min = 0, .max = 1, .capacity = 0 },
		{ .min = 0, .max = 1, .capacity = GOSYNC_WPOOL_MAX_CAPACITY + 1 },
		{ .max = 1, .capacity = 1,
		  .grow_delay_us = GOSYNC_WPOOL_MAX_GROW_DELAY_US + 1 },
		{ .max = 1, .capacity = 1, .idle_ms = GOSYNC_WPOOL_MAX_IDLE_MS + 1 },
	};
	struct gosync_wpool_job job;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, gosync_wpool_init(p, NULL, NULL), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, gosync_wpool_init(p, NULL, &bad[i]), -EINVAL,
				    "opts %u", i);
	p = gwk_pool(test, 0, 1, 1);
	gosync_wpool_job_init(&job, NULL);
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &job, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_wpool_try_submit(p, &job), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, NULL, NULL), -EINVAL);
	gosync_wpool_destroy(p);
}

/* try_submit from an interrupt: two jobs from a timer's callback. */
struct gwk_irq {
	struct hrtimer timer;
	struct gosync_wpool *p;
	struct gwk *k;
	int ret[2];
	bool in_irq;
	struct completion fired;
};

static enum hrtimer_restart gwk_irq_fn(struct hrtimer *t)
{
	struct gwk_irq *x = container_of(t, struct gwk_irq, timer);

	x->in_irq = GOSYNC_ANY_IRQ();
	x->ret[0] = gosync_wpool_try_submit(x->p, &x->k->j[0].job);
	x->ret[1] = gosync_wpool_try_submit(x->p, &x->k->j[1].job);
	complete(&x->fired);
	return HRTIMER_NORESTART;
}

/*
 * The only worker is busy; a timer's callback (hard interrupt context,
 * the timer softirq on PREEMPT_RT) submits two jobs: that arms the
 * growth (an hrtimer, then the grow work) from there, and a second
 * worker runs them.
 */
static void wpool_try_submit_irq_test(struct kunit *test)
{
	struct gosync_wpool_opts o = {
		.min = 1, .max = 2, .capacity = 4, .grow_delay_us = 1000,
	};
	struct gwk_irq *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct gosync_wpool *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct gwk *blocker = gwk_new(test);

	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, gosync_wpool_init(p, NULL, &o), 0);
	blocker->block = true;
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &blocker->j[0].job, NULL), 0);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&blocker->started,
							  HZ * GWK_STUCK_SECS), 0UL);
	x->p = p;
	x->k = gwk_new(test);
	init_completion(&x->fired);
	hrtimer_init(&x->timer, CLOCK_MONOTONIC, GOSYNC_HRTIMER_ANY);
	x->timer.function = gwk_irq_fn;
	hrtimer_start(&x->timer, ns_to_ktime(1000), GOSYNC_HRTIMER_ANY);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&x->fired, HZ * GWK_STUCK_SECS), 0UL);
	hrtimer_cancel(&x->timer);
	KUNIT_EXPECT_TRUE(test, x->in_irq);
	KUNIT_EXPECT_EQ(test, x->ret[0], 0);
	KUNIT_EXPECT_EQ(test, x->ret[1], 0);
	KUNIT_EXPECT_TRUE_MSG(test, gwk_wait_for(atomic_read(&x->k->ran) == 2),
			      "jobs submitted from an interrupt did not run");
	KUNIT_EXPECT_EQ(test, gwk_workers(p), 2U);
	complete_all(&blocker->release);
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, MAX_SCHEDULE_TIMEOUT), 0);
	gosync_wpool_destroy(p);
}

/* The race windows' cases: a hook, what it does once, and a result. */
struct gwk_race {
	enum gosync_race where;
	struct gosync_wpool *p;
	struct gwk *k;
	atomic_t hits;
	int ret;		/* what the hook's action returned */
	struct completion go;	/* starts the shutdown thread */
	unsigned int threads_at_return;	/* threads when shutdown returned */
	int dropped;
	struct completion done;
};

/* Spin, as a hook must, for up to @ms while @cond is false. */
#define gwk_spin_for(cond, ms) ({					\
	unsigned int __i;						\
	for (__i = 0; __i < (ms) * 200 && !(cond); __i++)		\
		udelay(5);	/* a hook may not sleep */		\
})

static void gwk_race_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct gwk_race *r = arg;

	if (where != r->where || obj != r->p || atomic_inc_return(&r->hits) != 1)
		return;
	switch (where) {
	case GOSYNC_RACE_WPOOL_RETIRE:
		/* The worker timed out idle: a job comes now. */
		WRITE_ONCE(r->ret, gosync_wpool_try_submit(r->p, &r->k->j[0].job));
		break;
	case GOSYNC_RACE_WPOOL_SUBMIT:
		/* Shutdown runs to its end while the submit is here. */
		complete(&r->go);
		gwk_spin_for(READ_ONCE(r->p->state) == 3, 1000);
		break;
	case GOSYNC_RACE_WPOOL_SPAWN:
		/* Shutdown starts stopping while the new thread is here. */
		complete(&r->go);
		gwk_spin_for(READ_ONCE(r->p->state) == 3, 200);
		break;
	default:
		break;
	}
}

static int gwk_shutdown_fn(void *data)
{
	struct gwk_race *r = data;

	wait_for_completion(&r->go);
	r->dropped = gosync_wpool_shutdown(r->p, NULL, 0);
	r->threads_at_return = gwk_threads(r->p);
	complete(&r->done);
	return 0;
}

static struct gwk_race *gwk_race_new(struct kunit *test, enum gosync_race where,
				     struct gosync_wpool *p, struct gwk *k)
{
	struct gwk_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->where = where;
	r->p = p;
	r->k = k;
	init_completion(&r->go);
	init_completion(&r->done);
	if (!__gosync_race_set(gwk_race_hook, r)) {
		gosync_wpool_destroy(p);
		kunit_skip(test, "gosync.ko without race windows");
	}
	return r;
}

/*
 * wpool_retire: one worker at most, min 0; it times out idle and, before
 * it takes the lock to exit, a job is queued. It must run the job: it was
 * the only worker, and it was not idle any more to be woken.
 */
static void wpool_retire_window_test(struct kunit *test)
{
	struct gwk *k = gwk_new(test);
	struct gosync_wpool *p = gwk_pool(test, 0, 1, 4);
	struct gwk_race *r;

	r = gwk_race_new(test, GOSYNC_RACE_WPOOL_RETIRE, p, k);
	KUNIT_EXPECT_EQ(test, gosync_wpool_submit(p, &k->j[1].job, NULL), 0);
	KUNIT_EXPECT_TRUE(test, gwk_wait_for(atomic_read(&r->hits) > 0));
	KUNIT_EXPECT_EQ(test, READ_ONCE(r->ret), 0);
	KUNIT_EXPECT_TRUE_MSG(test, gwk_wait_for(atomic_read(&k->j[0].ran) == 1),
			      "a job queued as the last worker exited was stranded");
	__gosync_race_set(NULL, NULL);
	KUNIT_EXPECT_EQ(test, gosync_wpool_shutdown(p, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 2);
	gosync_wpool_destroy(p);
}

/*
 * Hook @where of @p, start a thread that shuts @p down once the hook is
 * reached, run @action (which reaches it), wait for the shutdown, unhook.
 * Return: what @action returned; *@rp: the case's record.
 */
static int gwk_race_shutdown(struct kunit *test, enum gosync_race where,
			     struct gosync_wpool *p, struct gwk *k,
			     int (*action)(struct gosync_wpool *p, struct gwk *k),
			     struct gwk_race **rp)
{
	struct gwk_race *r = gwk_race_new(test, where, p, k);
	struct task_struct *t;
	int ret;

	*rp = r;
	t = kthread_run(gwk_shutdown_fn, r, "gosync-wk-shut");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	ret = action(p, k);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&r->done, HZ * GWK_STUCK_SECS), 0UL);
	__gosync_race_set(NULL, NULL);
	return ret;
}

static int gwk_try_submit_first(struct gosync_wpool *p, struct gwk *k)
{
	return gosync_wpool_try_submit(p, &k->j[0].job);
}

static int gwk_resize_up(struct gosync_wpool *p, struct gwk *k)
{
	return gosync_wpool_resize(p, 1, 1);
}

/*
 * wpool_submit: a submit passed the lockless check; shutdown runs to its
 * end. The submit must be refused: accepted, it would be neither run nor
 * dropped.
 */
static void wpool_submit_window_test(struct kunit *test)
{
	struct gwk *k = gwk_new(test);
	struct gosync_wpool *p = gwk_pool(test, 1, 1, 4);
	struct gwk_race *r;
	int ret;

	ret = gwk_race_shutdown(test, GOSYNC_RACE_WPOOL_SUBMIT, p, k,
				gwk_try_submit_first, &r);
	KUNIT_EXPECT_EQ(test, ret, -ESHUTDOWN);
	KUNIT_EXPECT_EQ_MSG(test, (int)(ret == 0), atomic_read(&k->ran) + r->dropped,
			    "a job accepted as shutdown ran was lost");
	gosync_wpool_destroy(p);
}

/*
 * wpool_spawn: resize created a worker's kthread, not registered yet;
 * shutdown starts. When shutdown returns, no thread may be left.
 */
static void wpool_spawn_window_test(struct kunit *test)
{
	struct gwk *k = gwk_new(test);
	struct gosync_wpool *p = gwk_pool(test, 0, 1, 4);
	struct gwk_race *r;
	int ret;

	ret = gwk_race_shutdown(test, GOSYNC_RACE_WPOOL_SPAWN, p, k,
				gwk_resize_up, &r);
	KUNIT_EXPECT_EQ(test, ret, -ESHUTDOWN);
	KUNIT_EXPECT_EQ_MSG(test, r->threads_at_return, 0U,
			    "a thread was left when shutdown returned");
	KUNIT_EXPECT_EQ(test, gwk_threads(p), 0U);
	KUNIT_EXPECT_EQ(test, gwk_workers(p), 0U);
	gosync_wpool_destroy(p);
}

static struct kunit_case gosync_wpool_cases[] = {
	KUNIT_CASE(wpool_fifo_test),
	KUNIT_CASE(wpool_backpressure_test),
	KUNIT_CASE(wpool_shutdown_drop_test),
	KUNIT_CASE(wpool_drain_destroy_test),
	KUNIT_CASE(wpool_adaptive_test),
	KUNIT_CASE(wpool_resize_test),
	KUNIT_CASE(wpool_args_test),
	KUNIT_CASE(wpool_try_submit_irq_test),
	KUNIT_CASE(wpool_retire_window_test),
	KUNIT_CASE(wpool_submit_window_test),
	KUNIT_CASE(wpool_spawn_window_test),
	{}
};

static struct kunit_suite gosync_wpool_suite = {
	.name = "gosync_wpool",
	.test_cases = gosync_wpool_cases,
};

kunit_test_suite(gosync_wpool_suite);
