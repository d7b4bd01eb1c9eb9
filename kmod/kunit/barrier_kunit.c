// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_barrier (kmod/barrier.c): parameter checks, one
 * party, rounds of kthreads that check nobody is released early and that
 * the action runs exactly once per generation with everyone arrived, a
 * timeout that breaks the generation for the others and for later
 * arrivals until reset, an interrupted and a killed waiter doing the
 * same, reset breaking sleeping waiters, a break 2^31 generations
 * after another, and an action that calls wait() and reset() on its own
 * barrier (refused with -EDEADLK, the generation released as usual).
 *
 * Cases about a barrier that may hang (on a bug) run each blocking call
 * in a kthread and give it GBAR_STUCK_SECS; a call still blocked then fails
 * the case, which frees it by moving the barrier to another generation
 * (gbar_unstick()), so that the suite goes on and every thread is joined.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include <gosync/barrier.h>
#include <gosync/ctx.h>

#include "barrier.h"

#define GBAR_PARTIES	4
#define GBAR_ROUNDS	200
#define GBAR_STUCK_SECS	10	/* a call blocked this long is stuck */

struct gbar_run {
	struct gosync_barrier b;
	struct kunit *test;
	unsigned int rounds;
	u32 seen[GBAR_PARTIES];	/* each party's round, written before waiting */
	atomic_t actions;
	atomic_t serials;
	atomic_t early;		/* a party released before all arrived */
	atomic_t bad_action;	/* the action ran with someone missing */
	atomic_t errors;
	atomic_t aborted;
	struct completion done[GBAR_PARTIES];
	unsigned int ids[GBAR_PARTIES];
};

static void gbar_action(void *arg)
{
	struct gbar_run *r = arg;
	u32 round = atomic_read(&r->actions);
	unsigned int i;

	for (i = 0; i < GBAR_PARTIES; i++)
		if (READ_ONCE(r->seen[i]) != round)
			atomic_inc(&r->bad_action);
	atomic_inc(&r->actions);
}

static int gbar_party(void *arg)
{
	unsigned int *idp = arg;
	unsigned int id = *idp;
	struct gbar_run *r = container_of(idp, struct gbar_run, ids[id]);
	unsigned int round, i;
	int ret;

	for (round = 0; round < r->rounds; round++) {
		WRITE_ONCE(r->seen[id], round);
		ret = gosync_barrier_wait(&r->b);
		if (ret < 0) {
			if (ret == -ECONNABORTED)
				atomic_inc(&r->aborted);
			else
				atomic_inc(&r->errors);
			break;
		}
		if (gosync_barrier_is_serial(&r->b, ret))
			atomic_inc(&r->serials);
		/* Everyone wrote this round before anyone was released. */
		for (i = 0; i < GBAR_PARTIES; i++)
			if (READ_ONCE(r->seen[i]) < round)
				atomic_inc(&r->early);
	}
	complete(&r->done[id]);
	return 0;
}

static struct gbar_run *gbar_start(struct kunit *test, unsigned int parties,
				   unsigned int nr, unsigned int rounds)
{
	struct gbar_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->test = test;
	r->rounds = rounds;
	KUNIT_ASSERT_EQ(test, 0, gosync_barrier_init(&r->b, parties, gbar_action, r));
	for (i = 0; i < nr; i++) {
		init_completion(&r->done[i]);
		r->ids[i] = i;
		t = kthread_run(gbar_party, &r->ids[i], "gosync-bk-%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	return r;
}

static void gbar_join(struct gbar_run *r, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_NE(r->test, 0UL,
				wait_for_completion_timeout(&r->done[i], 60 * HZ));
}

/* Sleep until @n parties have arrived in the current generation. */
static void gbar_wait_arrived(struct gosync_barrier *b, u32 n)
{
	while ((u32)atomic64_read(&b->word) < n)
		usleep_range(500, 1000);
}

static void barrier_init_errors_test(struct kunit *test)
{
	struct gosync_barrier b;

	KUNIT_EXPECT_EQ(test, -EINVAL, gosync_barrier_init(&b, 0, NULL, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			gosync_barrier_init(&b, GOSYNC_BARRIER_PARTIES_MAX + 1,
					    NULL, NULL));
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_init(&b, 1, NULL, NULL));
	KUNIT_EXPECT_FALSE(test, gosync_barrier_is_broken(&b));
}

static void barrier_one_party_test(struct kunit *test)
{
	struct gbar_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	unsigned int i;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, 0, gosync_barrier_init(&r->b, 1, NULL, NULL));
	for (i = 0; i < 1000; i++) {
		ret = gosync_barrier_wait(&r->b);
		KUNIT_ASSERT_EQ(test, 0, ret);
		KUNIT_ASSERT_TRUE(test, gosync_barrier_is_serial(&r->b, ret));
	}
	/* A timed wait of the only party never times out. */
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_wait_timeout(&r->b, 0));
	/* reset() of a generation nobody arrived in returns at once. */
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_reset(&r->b));
	KUNIT_EXPECT_FALSE(test, gosync_barrier_is_broken(&r->b));
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_wait(&r->b));
}

static void barrier_rounds_test(struct kunit *test)
{
	struct gbar_run *r = gbar_start(test, GBAR_PARTIES, GBAR_PARTIES, GBAR_ROUNDS);

	gbar_join(r, GBAR_PARTIES);
	KUNIT_EXPECT_EQ(test, GBAR_ROUNDS, atomic_read(&r->actions));
	KUNIT_EXPECT_EQ(test, GBAR_ROUNDS, atomic_read(&r->serials));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->early));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->bad_action));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->errors));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->aborted));
	KUNIT_EXPECT_FALSE(test, gosync_barrier_is_broken(&r->b));
}

static void barrier_timeout_breaks_test(struct kunit *test)
{
	struct gbar_run *r;

	/* Two parties, one kthread: our timed wait gives up first. */
	r = gbar_start(test, 3, 1, 1);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			gosync_barrier_wait_timeout(&r->b, msecs_to_jiffies(20)));
	gbar_join(r, 1);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&r->aborted));
	KUNIT_EXPECT_TRUE(test, gosync_barrier_is_broken(&r->b));
	/* Later arrivals fail at once until reset. */
	KUNIT_EXPECT_EQ(test, -ECONNABORTED, gosync_barrier_wait(&r->b));
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_reset(&r->b));
	KUNIT_EXPECT_FALSE(test, gosync_barrier_is_broken(&r->b));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->actions));
}

static void barrier_reset_breaks_waiters_test(struct kunit *test)
{
	struct gbar_run *r = gbar_start(test, 3, 2, 1);
	int ret;

	gbar_wait_arrived(&r->b, 2);
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_reset(&r->b));
	gbar_join(r, 2);
	KUNIT_EXPECT_EQ(test, 2, atomic_read(&r->aborted));
	KUNIT_EXPECT_FALSE(test, gosync_barrier_is_broken(&r->b));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->actions));
	/* The barrier works again: a fresh round of three. */
	r->rounds = 1;
	atomic_set(&r->aborted, 0);
	reinit_completion(&r->done[0]);
	reinit_completion(&r->done[1]);
	WRITE_ONCE(r->seen[2], 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(gbar_party, &r->ids[0], "gosync-bk-0")));
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(gbar_party, &r->ids[1], "gosync-bk-1")));
	ret = gosync_barrier_wait(&r->b);
	KUNIT_EXPECT_GE(test, ret, 0);
	gbar_join(r, 2);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->aborted));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&r->actions));
}

struct gbar_signalled {
	struct gosync_barrier *b;
	bool killable;
	int ret;
	struct completion done;
};

static int gbar_signalled_fn(void *arg)
{
	struct gbar_signalled *k = arg;

	allow_signal(SIGKILL);
	allow_signal(SIGUSR1);
	k->ret = k->killable ? gosync_barrier_wait_killable(k->b) :
			       gosync_barrier_wait_interruptible(k->b);
	complete(&k->done);
	/* Stay until kthread_stop(): the test owns the task reference. */
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

/*
 * A signal to a waiter breaks its generation: @killable picks the
 * flavour, which only a fatal signal interrupts.
 */
static void gbar_signal(struct kunit *test, bool killable)
{
	struct gbar_run *r = gbar_start(test, 3, 1, 1);
	struct gbar_signalled k = { .b = &r->b, .killable = killable };
	struct task_struct *t;

	init_completion(&k.done);
	t = kthread_create(gbar_signalled_fn, &k, "gosync-bk-sig");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wake_up_process(t);
	gbar_wait_arrived(&r->b, 2);
	send_sig(SIGUSR1, t, 1);
	if (killable) {
		/* Not fatal: the killable waiter sleeps on. */
		KUNIT_EXPECT_EQ(test, 0UL, wait_for_completion_timeout(&k.done, HZ / 20));
		send_sig(SIGKILL, t, 1);
	}
	KUNIT_EXPECT_NE(test, 0UL, wait_for_completion_timeout(&k.done, 60 * HZ));
	KUNIT_EXPECT_EQ(test, -ERESTARTSYS, k.ret);
	gbar_join(r, 1);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&r->aborted));
	KUNIT_EXPECT_TRUE(test, gosync_barrier_is_broken(&r->b));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->actions));
	kthread_stop(t);
	put_task_struct(t);
	/* reset() starts a fresh, working generation. */
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_reset(&r->b));
	KUNIT_EXPECT_FALSE(test, gosync_barrier_is_broken(&r->b));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, gosync_barrier_wait_timeout(&r->b, 1));
}

static void barrier_interrupted_breaks_test(struct kunit *test)
{
	gbar_signal(test, false);
}

static void barrier_killed_breaks_test(struct kunit *test)
{
	gbar_signal(test, true);
}

/* ------------------------------------------------------------------ */
/* One call on a kthread, joined with a bound.                         */

struct gbar_call {
	struct gosync_barrier *b;
	int (*fn)(struct gosync_barrier *b);
	int ret;
	struct completion done;
};

static int gbar_call_fn(void *arg)
{
	struct gbar_call *c = arg;

	c->ret = c->fn(c->b);
	complete(&c->done);
	return 0;
}

static void gbar_call_start(struct kunit *test, struct gbar_call *c,
			    struct gosync_barrier *b,
			  int (*fn)(struct gosync_barrier *b))
{
	c->b = b;
	c->fn = fn;
	init_completion(&c->done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(gbar_call_fn, c, "gosync-bk-call")));
}

/*
 * Free whoever sleeps in a stuck barrier: move it to generation @gen and
 * wake its queue. They see their generation over.
 */
static void gbar_unstick(struct gosync_barrier *b, u64 gen)
{
	__gosync_barrier_set_gen(b, gen);
	wake_up_all(&b->wq);
}

/*
 * The call's result. If it has not returned within GBAR_STUCK_SECS, the
 * case fails and the barrier is moved to @unstick_gen to free it.
 */
static int gbar_call_join(struct kunit *test, struct gbar_call *c,
			  const char *what, u64 unstick_gen)
{
	if (!wait_for_completion_timeout(&c->done, GBAR_STUCK_SECS * HZ)) {
		KUNIT_FAIL(test, "%s: still blocked after %d s", what, GBAR_STUCK_SECS);
		gbar_unstick(c->b, unstick_gen);
		wait_for_completion(&c->done);
	}
	return c->ret;
}

static int gbar_wait_fn(struct gosync_barrier *b)
{
	return gosync_barrier_wait(b);
}

static int gbar_reset_fn(struct gosync_barrier *b)
{
	return gosync_barrier_reset(b);
}

/*
 * Seed generation @gen of quiet barrier @b, break it with @k waiters and
 * reset(): reset() returns, every waiter gets -ECONNABORTED.
 */
static void gbar_break_gen(struct kunit *test, struct gosync_barrier *b,
			   u64 gen, unsigned int k)
{
	struct gbar_call reset, w[GBAR_PARTIES - 1];
	char what[64];
	unsigned int i;

	KUNIT_ASSERT_LT(test, k, b->parties);
	__gosync_barrier_set_gen(b, gen);
	for (i = 0; i < k; i++)
		gbar_call_start(test, &w[i], b, gbar_wait_fn);
	gbar_wait_arrived(b, k);
	gbar_call_start(test, &reset, b, gbar_reset_fn);
	snprintf(what, sizeof(what), "reset() of generation %#llx, %u waiters",
		 gen, k);
	KUNIT_EXPECT_EQ(test, 0, gbar_call_join(test, &reset, what, gen + 1));
	for (i = 0; i < k; i++) {
		snprintf(what, sizeof(what), "waiter %u of %u of generation %#llx",
			 i, k, gen);
		KUNIT_EXPECT_EQ_MSG(test, -ECONNABORTED,
				    gbar_call_join(test, &w[i], what, gen + 1),
				    "%s", what);
	}
	KUNIT_EXPECT_FALSE(test, gosync_barrier_is_broken(b));
}

/*
 * Generation g broken with @k1 waiters, then generation g + 2^31, which
 * the word holds as g again, broken with @k2: nothing of g may linger.
 */
static void gbar_wrap(struct kunit *test, unsigned int k1, unsigned int k2)
{
	struct gosync_barrier *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	const u64 gen = 5;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, gosync_barrier_init(b, GBAR_PARTIES, NULL, NULL));
	gbar_break_gen(test, b, gen, k1);
	gbar_break_gen(test, b, gen + BIT_ULL(31), k2);
}

static void barrier_break_after_wrap_test(struct kunit *test)
{
	gbar_wrap(test, 2, 1);	/* fewer waiters than the first time */
	gbar_wrap(test, 2, 2);	/* as many */
	gbar_wrap(test, 1, 3);	/* more */
}

/* The context gbar_wait_ctx_fn() waits with: set before any call starts. */
static struct gosync_ctx *gbar_ctx;

static int gbar_wait_ctx_fn(struct gosync_barrier *b)
{
	return gosync_barrier_wait_ctx(b, gbar_ctx);
}

static int gbar_wait_null_ctx_fn(struct gosync_barrier *b)
{
	return gosync_barrier_wait_ctx(b, NULL);
}

/*
 * A cancelled context breaks its waiter's generation, as a signal does:
 * the waiter gets the cause, the others -ECONNABORTED; an already
 * cancelled one breaks at once; a child's waiter is reached through its
 * parent's cancel.
 */
static void barrier_ctx_breaks_test(struct kunit *test)
{
	struct gosync_barrier *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct gosync_ctx *ctx = kunit_kcalloc(test, 2, sizeof(*ctx),
					       GFP_KERNEL);
	struct gbar_call w[2];

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test, 0, gosync_barrier_init(b, 3, NULL, NULL));
	gosync_ctx_init(&ctx[0], NULL);
	gosync_ctx_init(&ctx[1], &ctx[0]);
	gbar_ctx = &ctx[1];
	gbar_call_start(test, &w[0], b, gbar_wait_ctx_fn);
	gbar_call_start(test, &w[1], b, gbar_wait_fn);
	gbar_wait_arrived(b, 2);
	KUNIT_EXPECT_TRUE(test, gosync_ctx_cancel(&ctx[0], -ENOLINK));
	KUNIT_EXPECT_EQ(test, -ENOLINK, gbar_call_join(test, &w[0], "ctx waiter", 1));
	KUNIT_EXPECT_EQ(test, -ECONNABORTED,
			gbar_call_join(test, &w[1], "plain waiter", 1));
	KUNIT_EXPECT_TRUE(test, gosync_barrier_is_broken(b));
	/* Already cancelled: it breaks the next generation at once. */
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_reset(b));
	KUNIT_EXPECT_EQ(test, -ENOLINK, gosync_barrier_wait_ctx(b, &ctx[1]));
	KUNIT_EXPECT_TRUE(test, gosync_barrier_is_broken(b));
	/* A live context, or none: as gosync_barrier_wait(). */
	KUNIT_EXPECT_EQ(test, 0, gosync_barrier_reset(b));
	gosync_ctx_put(&ctx[1]);
	gosync_ctx_init(&ctx[1], NULL);
	gbar_call_start(test, &w[0], b, gbar_wait_ctx_fn);
	gbar_call_start(test, &w[1], b, gbar_wait_null_ctx_fn);
	gbar_wait_arrived(b, 2);
	KUNIT_EXPECT_EQ(test, 2, gosync_barrier_wait(b));
	KUNIT_EXPECT_LE(test, 0, gbar_call_join(test, &w[0], "live ctx", 3));
	KUNIT_EXPECT_LE(test, 0, gbar_call_join(test, &w[1], "NULL ctx", 3));
	gosync_ctx_put(&ctx[1]);
	gosync_ctx_put(&ctx[0]);
}

/* An action that calls back into its own barrier: both calls refused. */
struct gbar_reenter {
	struct gosync_barrier b;
	int wait_ret;
	int reset_ret;
	atomic_t actions;
};

static void gbar_reenter_action(void *arg)
{
	struct gbar_reenter *e = arg;

	e->wait_ret = gosync_barrier_wait(&e->b);
	e->reset_ret = gosync_barrier_reset(&e->b);
	atomic_inc(&e->actions);
}

/* One round of generation @gen: released normally, the calls refused. */
static void gbar_reenter_round(struct kunit *test, struct gbar_reenter *e, u64 gen)
{
	struct gbar_call w[GBAR_PARTIES];
	unsigned int i, serials = 0;
	char what[32];
	int ret;

	e->wait_ret = 0;
	e->reset_ret = 0;
	__gosync_barrier_set_gen(&e->b, gen);
	for (i = 0; i < GBAR_PARTIES; i++)
		gbar_call_start(test, &w[i], &e->b, gbar_wait_fn);
	for (i = 0; i < GBAR_PARTIES; i++) {
		snprintf(what, sizeof(what), "party %u", i);
		ret = gbar_call_join(test, &w[i], what, gen + 1);
		KUNIT_EXPECT_GE_MSG(test, ret, 0, "%s", what);
		serials += gosync_barrier_is_serial(&e->b, ret);
	}
	KUNIT_EXPECT_EQ(test, 1u, serials);
	KUNIT_EXPECT_EQ(test, -EDEADLK, e->wait_ret);
	KUNIT_EXPECT_EQ(test, -EDEADLK, e->reset_ret);
	KUNIT_EXPECT_FALSE(test, gosync_barrier_is_broken(&e->b));
}

static void barrier_action_reenters_test(struct kunit *test)
{
	struct gbar_reenter *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_EQ(test, 0, gosync_barrier_init(&e->b, GBAR_PARTIES,
						     gbar_reenter_action, e));
	gbar_reenter_round(test, e, 7);
	/* The barrier goes on working: a second round, the same again. */
	gbar_reenter_round(test, e, 8);
	KUNIT_EXPECT_EQ(test, 2, atomic_read(&e->actions));
}

static struct kunit_case gosync_barrier_cases[] = {
	KUNIT_CASE(barrier_init_errors_test),
	KUNIT_CASE(barrier_one_party_test),
	KUNIT_CASE(barrier_rounds_test),
	KUNIT_CASE(barrier_timeout_breaks_test),
	KUNIT_CASE(barrier_reset_breaks_waiters_test),
	KUNIT_CASE(barrier_interrupted_breaks_test),
	KUNIT_CASE(barrier_killed_breaks_test),
	KUNIT_CASE(barrier_break_after_wrap_test),
	KUNIT_CASE(barrier_action_reenters_test),
	KUNIT_CASE(barrier_ctx_breaks_test),
	{}
};

static struct kunit_suite gosync_barrier_suite = {
	.name = "gosync_barrier",
	.test_cases = gosync_barrier_cases,
};

kunit_test_suite(gosync_barrier_suite);
