// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_group (kmod/group.c): jobs on the default
 * workqueue, a caller's workqueue and kthreads, each run once with its
 * result kept; the first error returned by wait, cancelling the others'
 * context, and refusing later go calls with its cause; the limit (never
 * more running, try_go -EBUSY when full, go waiting for a slot and ended
 * by a cancellation, the parent's too); a job that ignores the
 * cancellation waited for; a closed group refusing jobs, and its reuse
 * after destroy and init; jobs that start jobs while the owner waits;
 * bad arguments; and the group_done window (the last job counted out,
 * not yet completed: wait must not return, so its caller cannot free the
 * group under the job).
 *
 * Jobs that block do so on a completion bounded by GGK_STUCK_SECS, and
 * such cases run on kthreads (GOSYNC_GROUP_KTHREAD): the native build's
 * workqueues run one item at a time.
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
#include <linux/workqueue.h>

#include <gosync/ctx.h>
#include <gosync/group.h>

#include "internal.h"

#ifdef GOSYNC_NATIVE
#include <shim/native.h>
#endif

#define GGK_STUCK_SECS	10
#define GGK_JOBS	16

/* What the jobs of a case share. */
struct ggk {
	atomic_t ran;
	atomic_t running;
	atomic_t max_running;
	atomic_t started;
	struct completion release;	/* blocking jobs wait for it */
	bool block;
	struct gosync_group *g;		/* for jobs that start jobs */
	struct ggk_job *j;		/* the case's jobs */
};

/* One job: its index, what it returns and what it saw. */
struct ggk_job {
	struct ggk *k;
	int ret;
	int seen;			/* the context's cause it saw */
	int result;			/* gosync_group_go_result()'s slot */
	bool done;
};

static void ggk_init(struct ggk *k, bool block)
{
	atomic_set(&k->ran, 0);
	atomic_set(&k->running, 0);
	atomic_set(&k->max_running, 0);
	atomic_set(&k->started, 0);
	init_completion(&k->release);
	k->block = block;
}

/* A case's shared state and @nr jobs, freed with the case. */
static struct ggk *ggk_new(struct kunit *test, unsigned int nr, bool block)
{
	struct ggk *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, k);
	k->j = kunit_kcalloc(test, nr, sizeof(*k->j), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k->j);
	for (i = 0; i < nr; i++)
		k->j[i].k = k;
	ggk_init(k, block);
	return k;
}

/* Counts itself running, blocks if asked, returns its ret. */
static int ggk_job_fn(struct gosync_ctx *ctx, void *arg)
{
	struct ggk_job *j = arg;
	struct ggk *k = j->k;
	int now = atomic_inc_return(&k->running);
	int max = atomic_read(&k->max_running);

	while (now > max && !atomic_try_cmpxchg(&k->max_running, &max, now))
		;
	atomic_inc(&k->started);
	if (k->block &&
	    !wait_for_completion_timeout(&k->release, GGK_STUCK_SECS * HZ))
		j->seen = -EDEADLK;
	atomic_dec(&k->running);
	atomic_inc(&k->ran);
	WRITE_ONCE(j->done, true);
	return j->ret;
}

/* Waits for the group's cancellation; returns 0 with the cause seen. */
static int ggk_wait_ctx_fn(struct gosync_ctx *ctx, void *arg)
{
	struct ggk_job *j = arg;

	atomic_inc(&j->k->started);
	j->seen = gosync_ctx_wait_timeout(ctx, GGK_STUCK_SECS * HZ);
	atomic_inc(&j->k->ran);
	return 0;
}

/* Ignores the cancellation: sleeps its 200 ms. */
static int ggk_stubborn_fn(struct gosync_ctx *ctx, void *arg)
{
	struct ggk_job *j = arg;

	msleep(200);
	j->seen = gosync_ctx_err(ctx);
	WRITE_ONCE(j->done, true);
	return 0;
}

static int ggk_fail_fn(struct gosync_ctx *ctx, void *arg)
{
	struct ggk_job *j = arg;

	atomic_inc(&j->k->ran);
	return j->ret;
}

/* A go call on a kthread, for the calls that block. */
struct ggk_call {
	struct gosync_group *g;
	struct ggk_job *job;
	int ret;
	struct completion done;
	struct task_struct *task;
};

static int ggk_call_fn(void *data)
{
	struct ggk_call *c = data;

	c->ret = gosync_group_go(c->g, ggk_job_fn, c->job);
	complete(&c->done);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void ggk_call_start(struct kunit *test, struct ggk_call *c,
			   struct gosync_group *g, struct ggk_job *job)
{
	c->g = g;
	c->job = job;
	init_completion(&c->done);
	c->task = kthread_create(ggk_call_fn, c, "gosync-gk-go");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->task));
	get_task_struct(c->task);
	wake_up_process(c->task);
}

static int ggk_call_join(struct kunit *test, struct ggk_call *c)
{
	if (!wait_for_completion_timeout(&c->done, GGK_STUCK_SECS * HZ)) {
		KUNIT_FAIL(test, "a go call is still blocked after %d s",
			   GGK_STUCK_SECS);
		gosync_ctx_cancel(gosync_group_ctx(c->g), -EDEADLK);
		wait_for_completion(&c->done);
	}
	kthread_stop(c->task);
	put_task_struct(c->task);
	return c->ret;
}

/* Every job runs once and keeps its result; a closed group refuses. */
static void ggk_all_run(struct kunit *test, const struct gosync_group_opts *o)
{
	struct ggk *k = ggk_new(test, GGK_JOBS, false);
	struct ggk_job *j = k->j;
	struct gosync_group g;
	int i, ret;

	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, o), 0);
	for (i = 0; i < GGK_JOBS; i++) {
		j[i].ret = i;
		j[i].result = -1;
		if (i % 2)
			ret = gosync_group_go_result(&g, ggk_job_fn, &j[i],
						     &j[i].result);
		else if (o && o->limit)	/* try_go: -EBUSY when full */
			ret = gosync_group_go(&g, ggk_job_fn, &j[i]);
		else
			ret = gosync_group_try_go(&g, ggk_job_fn, &j[i]);
		KUNIT_EXPECT_EQ(test, ret, 0);
	}
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), GGK_JOBS);
	for (i = 0; i < GGK_JOBS; i++) {
		KUNIT_EXPECT_TRUE(test, j[i].done);
		KUNIT_EXPECT_EQ(test, j[i].result, i % 2 ? i : -1);
	}
	if (o && o->limit)
		KUNIT_EXPECT_LE(test, atomic_read(&k->max_running), (int)o->limit);
	/* Go's Wait cancels the context; the group is closed. */
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(gosync_group_ctx(&g)), -ECANCELED);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, &j[0]), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_group_try_go(&g, ggk_job_fn, &j[0]),
			-ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), GGK_JOBS);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
}

static void group_default_wq_test(struct kunit *test)
{
	ggk_all_run(test, NULL);
}

static void group_own_wq_test(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("gosync-gk", WQ_UNBOUND, 0);
	const struct gosync_group_opts o = { .wq = wq, .limit = 3 };

	KUNIT_ASSERT_NOT_NULL(test, wq);
	ggk_all_run(test, &o);
	destroy_workqueue(wq);
}

static void group_kthread_test(struct kunit *test)
{
	const struct gosync_group_opts o = { .flags = GOSYNC_GROUP_KTHREAD };

	ggk_all_run(test, &o);
}

/*
 * The first error is wait's, cancels the group's context with itself
 * (the waiting jobs see it), and refuses later go calls with it.
 */
static void group_first_error_test(struct kunit *test)
{
	const struct gosync_group_opts o = { .flags = GOSYNC_GROUP_KTHREAD };
	struct ggk *k = ggk_new(test, 6, false);
	struct ggk_job *j = k->j;
	struct gosync_group g;
	int i;

	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, &o), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_wait_ctx_fn, &j[i]), 0);
	j[4].ret = -ENOLINK;
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_fail_fn, &j[4]), 0);
	/* Wait for the cancel the failure makes, then a late failure. */
	KUNIT_EXPECT_EQ(test, gosync_ctx_wait_timeout(gosync_group_ctx(&g),
						      GGK_STUCK_SECS * HZ),
			-ENOLINK);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_fail_fn, &j[5]), -ENOLINK);
	KUNIT_EXPECT_EQ(test, gosync_group_try_go(&g, ggk_fail_fn, &j[5]),
			-ENOLINK);
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), -ENOLINK);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, j[i].seen, -ENOLINK);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 5);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(gosync_group_ctx(&g)), -ENOLINK);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);

	/*
	 * Two failures, both started before either returns: wait returns
	 * one of them, the context the same.
	 */
	ggk_init(k, true);
	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, &o), 0);
	j[0].ret = -EIO;
	j[1].ret = -EPIPE;
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, &j[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, &j[1]), 0);
	complete_all(&k->release);
	i = gosync_group_wait(&g);
	KUNIT_EXPECT_TRUE(test, i == -EIO || i == -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(gosync_group_ctx(&g)), i);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
}

/*
 * The limit: never more running; try_go -EBUSY when full; go waits for a
 * slot, gets one when a job ends, and is ended by a cancellation.
 */
static void group_limit_test(struct kunit *test)
{
	const struct gosync_group_opts o = { .limit = 2,
					     .flags = GOSYNC_GROUP_KTHREAD };
	struct ggk_call *c = kunit_kcalloc(test, 2, sizeof(*c), GFP_KERNEL);
	struct ggk *k = ggk_new(test, 5, true);
	struct ggk_job *j = k->j;
	struct gosync_ctx parent;
	struct gosync_group g;

	KUNIT_ASSERT_NOT_NULL(test, c);
	gosync_ctx_init(&parent, NULL);
	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, &parent, &o), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, &j[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_try_go(&g, ggk_job_fn, &j[1]), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_try_go(&g, ggk_job_fn, &j[2]), -EBUSY);
	ggk_call_start(test, &c[0], &g, &j[2]);
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&c[0].done));
	/* A go call waits: try_go does not overtake it. */
	KUNIT_EXPECT_EQ(test, gosync_group_try_go(&g, ggk_job_fn, &j[3]), -EBUSY);
	complete_all(&k->release);
	KUNIT_EXPECT_EQ(test, ggk_call_join(test, &c[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->max_running), 2);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);

	/* The parent's cancel ends a go call waiting for a slot. */
	ggk_init(k, true);
	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, &parent, &o), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, &j[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, &j[1]), 0);
	ggk_call_start(test, &c[1], &g, &j[2]);
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&c[1].done));
	gosync_ctx_cancel(&parent, -EPIPE);
	KUNIT_EXPECT_EQ(test, ggk_call_join(test, &c[1]), -EPIPE);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, &j[3]), -EPIPE);
	complete_all(&k->release);
	/* No job failed: a refused go call is its caller's error only. */
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 2);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
	gosync_ctx_put(&parent);
}

/* A job that ignores the cancellation is waited for all the same. */
static void group_stubborn_job_test(struct kunit *test)
{
	const struct gosync_group_opts o = { .flags = GOSYNC_GROUP_KTHREAD };
	struct ggk *k = ggk_new(test, 2, false);
	struct ggk_job *j = k->j;
	struct gosync_group g;
	unsigned long t0;

	j[1].ret = -EIO;
	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, &o), 0);
	t0 = jiffies;
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_stubborn_fn, &j[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_fail_fn, &j[1]), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), -EIO);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(j[0].done));
	KUNIT_EXPECT_GE(test, jiffies - t0, msecs_to_jiffies(150));
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
}

/* Jobs that start jobs while the owner waits: all are waited for. */
static int ggk_spawn_fn(struct gosync_ctx *ctx, void *arg)
{
	struct ggk_job *j = arg;
	struct ggk *k = j->k;

	atomic_inc(&k->ran);
	if (j->ret > 0) {
		j[1].ret = j->ret - 1;
		usleep_range(5000, 6000);
		return gosync_group_go(k->g, ggk_spawn_fn, &j[1]);
	}
	return 0;
}

static void group_spawn_test(struct kunit *test)
{
	const struct gosync_group_opts o = { .flags = GOSYNC_GROUP_KTHREAD };
	struct ggk *k = ggk_new(test, 9, false);
	struct ggk_job *j = k->j;
	struct gosync_group g;

	k->g = &g;
	j[0].ret = 8;
	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, &o), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_spawn_fn, &j[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 9);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
}

/* Bad arguments; a destroyed group inits again; a group without jobs. */
static void group_args_test(struct kunit *test)
{
	struct workqueue_struct *wq = system_unbound_wq;
	struct gosync_group_opts o = { .flags = GOSYNC_GROUP_KTHREAD, .wq = wq };
	struct ggk *k = ggk_new(test, 1, false);
	struct gosync_group g;

	KUNIT_EXPECT_EQ(test, gosync_group_init(&g, NULL, &o), -EINVAL);
	o = (struct gosync_group_opts){ .flags = 0x80 };
	KUNIT_EXPECT_EQ(test, gosync_group_init(&g, NULL, &o), -EINVAL);
	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_group_try_go(&g, NULL, NULL), -EINVAL);
	/* Never waited for, no job: destroy is fine. */
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, k->j), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
	/* Reused after destroy and init. */
	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, k->j), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 1);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
}

/*
 * Destroy of a group with a job running: -EBUSY, a WARN, nothing
 * changed; the group then waits and destroys as usual.
 */
static void group_destroy_busy_test(struct kunit *test)
{
#ifdef GOSYNC_NATIVE
	const struct gosync_group_opts o = { .flags = GOSYNC_GROUP_KTHREAD };
	struct ggk *k = ggk_new(test, 1, true);
	struct gosync_group g;

	KUNIT_ASSERT_EQ(test, gosync_group_init(&g, NULL, &o), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_go(&g, ggk_job_fn, k->j), 0);
	native_expect_warnings(1);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), -EBUSY);
	KUNIT_EXPECT_EQ(test, native_expect_warnings(0), 0UL);
	KUNIT_EXPECT_EQ(test, gosync_ctx_err(gosync_group_ctx(&g)), 0);
	complete_all(&k->release);
	KUNIT_EXPECT_EQ(test, gosync_group_wait(&g), 0);
	KUNIT_EXPECT_EQ(test, gosync_group_destroy(&g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 1);
#else
	kunit_skip(test, "its WARN would splat the kernel log: checked natively");
#endif
}

/*
 * The group_done window: the last job has dropped its count and not yet
 * completed the group. A wait woken there (spuriously: any wake-up may
 * come) must sleep on, or its caller frees the group under the job.
 */
struct ggk_stall {
	struct gosync_group *g;
	struct completion in_window;
	struct completion go_on;
	atomic_t stalled;
};

static void ggk_stall_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct ggk_stall *s = arg;
	unsigned int t;

	if (where != GOSYNC_RACE_GROUP_DONE || obj != s->g ||
	    atomic_cmpxchg(&s->stalled, 0, 1))
		return;
	complete(&s->in_window);
	/* Hooks may not sleep: busy-wait, bounded. */
	for (t = 0; t < GGK_STUCK_SECS * 200000 &&
	     !completion_done(&s->go_on); t++)
		udelay(5);
}

/* The owner: waits, then frees the group at once. */
struct ggk_owner {
	struct gosync_group *g;
	int ret;
	struct completion done;
	struct task_struct *task;
};

static int ggk_owner_fn(void *data)
{
	struct ggk_owner *w = data;

	w->ret = gosync_group_wait(w->g);
	gosync_group_destroy(w->g);
	kfree(w->g);
	complete(&w->done);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void group_done_window_test(struct kunit *test)
{
	struct ggk_stall *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct ggk_owner *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct ggk *k = ggk_new(test, 1, true);
	struct gosync_group *g = kzalloc(sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, g);
	k->j->ret = -EIO;
	s->g = g;
	init_completion(&s->in_window);
	init_completion(&s->go_on);
	init_completion(&w->done);
	KUNIT_ASSERT_EQ(test, gosync_group_init(g, NULL, NULL), 0);
	if (!__gosync_race_set(ggk_stall_hook, s)) {
		gosync_group_destroy(g);
		kfree(g);
		kunit_skip(test, "gosync.ko without race windows");
	}
	KUNIT_EXPECT_EQ(test, gosync_group_go(g, ggk_job_fn, k->j), 0);
	w->g = g;
	w->task = kthread_create(ggk_owner_fn, w, "gosync-gk-own");
	KUNIT_ASSERT_FALSE(test, IS_ERR(w->task));
	get_task_struct(w->task);
	wake_up_process(w->task);
	msleep(20);		/* the owner sleeps in wait */
	complete_all(&k->release);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->in_window,
							  GGK_STUCK_SECS * HZ),
			0UL);
	/* A spurious wake-up of the owner, while the job is in the window. */
	wake_up_process(w->task);
	msleep(50);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&w->done),
			       "wait returned before the last job completed the group");
	complete(&s->go_on);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&w->done,
							  GGK_STUCK_SECS * HZ),
			0UL);
	__gosync_race_set(NULL, NULL);
	kthread_stop(w->task);
	put_task_struct(w->task);
	KUNIT_EXPECT_EQ(test, w->ret, -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->ran), 1);
}

static struct kunit_case gosync_group_cases[] = {
	KUNIT_CASE(group_default_wq_test),
	KUNIT_CASE(group_own_wq_test),
	KUNIT_CASE(group_kthread_test),
	KUNIT_CASE(group_first_error_test),
	KUNIT_CASE(group_limit_test),
	KUNIT_CASE(group_stubborn_job_test),
	KUNIT_CASE(group_spawn_test),
	KUNIT_CASE(group_args_test),
	KUNIT_CASE(group_destroy_busy_test),
	KUNIT_CASE(group_done_window_test),
	{}
};

static struct kunit_suite gosync_group_suite = {
	.name = "gosync_group",
	.test_cases = gosync_group_cases,
};

kunit_test_suite(gosync_group_suite);
