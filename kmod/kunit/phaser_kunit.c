// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_phaser (kmod/phaser.c): parameter checks, the
 * counts and phase of each operation, on_advance, deregistering to zero
 * (with and without termination), phase wraparound, the wait flavours
 * (at once, timeout, signal, force_termination), registering while an
 * advance runs, and rounds of kthreads on a flat and on a tiered phaser
 * that check nobody is released early and on_advance runs exactly once
 * per phase with everyone arrived, also while parties deregister; and
 * an on_advance that calls into its own tree (the calls that would wait
 * for the advance are refused with -EDEADLK).
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

#include <gosync/ctx.h>
#include <gosync/phaser.h>

#include "internal.h"
#include "phaser.h"

#define GPH_THREADS	8
#define GPH_ROUNDS	200
#define GPH_CHILDREN	3

/* ------------------------------------------------------------------ */
/* One call on a kthread, whose result the test collects.              */

struct gph_call {
	struct gosync_phaser *ph;
	int (*fn)(struct gph_call *c);
	int arg;
	int ret;
	struct task_struct *task;
	struct completion armed;
	struct completion done;
};

static int gph_call_fn(void *arg)
{
	struct gph_call *c = arg;

	allow_signal(SIGKILL);
	allow_signal(SIGUSR1);
	complete(&c->armed);
	c->ret = c->fn(c);
	complete(&c->done);
	/* Stay until kthread_stop(): the test owns the task reference. */
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(HZ / 10);
	return 0;
}

static void gph_call_start(struct kunit *test, struct gph_call *c,
			   struct gosync_phaser *ph,
			  int (*fn)(struct gph_call *c), int arg)
{
	c->ph = ph;
	c->fn = fn;
	c->arg = arg;
	init_completion(&c->armed);
	init_completion(&c->done);
	c->task = kthread_create(gph_call_fn, c, "gosync-pk");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->task));
	get_task_struct(c->task);
	wake_up_process(c->task);
	wait_for_completion(&c->armed);
}

/* The call's result, once it returned (fails the test after 60 s). */
static int gph_call_join(struct kunit *test, struct gph_call *c)
{
	KUNIT_EXPECT_NE(test, 0UL, wait_for_completion_timeout(&c->done, 60 * HZ));
	kthread_stop(c->task);
	put_task_struct(c->task);
	return c->ret;
}

/* The call is still sleeping after @ms. */
static bool gph_call_blocked(struct gph_call *c, unsigned int ms)
{
	return !wait_for_completion_timeout(&c->done, msecs_to_jiffies(ms));
}

static int gph_arrive_await(struct gph_call *c)
{
	return gosync_phaser_arrive_and_await_advance(c->ph);
}

static int gph_arrive_await_intr(struct gph_call *c)
{
	return gosync_phaser_arrive_and_await_advance_interruptible(c->ph);
}

static int gph_arrive_await_killable(struct gph_call *c)
{
	return gosync_phaser_arrive_and_await_advance_killable(c->ph);
}

static int gph_await(struct gph_call *c)
{
	return gosync_phaser_await_advance(c->ph, c->arg);
}

static int gph_register(struct gph_call *c)
{
	return gosync_phaser_register(c->ph);
}

/* ------------------------------------------------------------------ */
/* Single-threaded cases.                                              */

static void phaser_init_errors_test(struct kunit *test)
{
	struct gosync_phaser ph, *chain;
	unsigned int i;

	/* Off the stack: a debug kernel's phaser is large. */
	chain = kunit_kcalloc(test, GOSYNC_PHASER_DEPTH_MAX + 2, sizeof(*chain),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, chain);

	KUNIT_EXPECT_EQ(test, -EINVAL,
			gosync_phaser_init(&ph, NULL, GOSYNC_PHASER_PARTIES_MAX + 1,
					   NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 0, NULL, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, gosync_phaser_bulk_register(&ph, -1));
	KUNIT_EXPECT_EQ(test, -ERANGE,
			gosync_phaser_bulk_register(&ph, GOSYNC_PHASER_PARTIES_MAX + 1));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_bulk_register(&ph, 0));
	KUNIT_EXPECT_EQ(test, 0u, gosync_phaser_registered_parties(&ph));
	/* No party: an arrival is the caller's bug. */
	KUNIT_EXPECT_EQ(test, -EINVAL, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, -EINVAL, gosync_phaser_arrive_and_deregister(&ph));
	KUNIT_EXPECT_EQ(test, -EINVAL, gosync_phaser_await_advance(&ph, -1));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			gosync_phaser_await_advance(&ph, GOSYNC_PHASER_PHASE_MAX + 1));
	KUNIT_EXPECT_EQ(test, 0,
			gosync_phaser_bulk_register(&ph, GOSYNC_PHASER_PARTIES_MAX));
	KUNIT_EXPECT_EQ(test, -ERANGE, gosync_phaser_register(&ph));
	KUNIT_EXPECT_EQ(test, GOSYNC_PHASER_PARTIES_MAX,
			gosync_phaser_registered_parties(&ph));
	/* Depth: a root and GOSYNC_PHASER_DEPTH_MAX levels. */
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&chain[0], NULL, 0, NULL, NULL));
	for (i = 1; i <= GOSYNC_PHASER_DEPTH_MAX; i++)
		KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&chain[i], &chain[i - 1],
							    0, NULL, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, gosync_phaser_init(&chain[i], &chain[i - 1],
							  0, NULL, NULL));
	/* A party at the deepest level registers the whole chain. */
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_register(&chain[i - 1]));
	for (i = 0; i <= GOSYNC_PHASER_DEPTH_MAX; i++)
		KUNIT_EXPECT_EQ(test, 1u, gosync_phaser_registered_parties(&chain[i]));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&chain[GOSYNC_PHASER_DEPTH_MAX]));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&chain[0]));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&chain[GOSYNC_PHASER_DEPTH_MAX]));
}

struct gph_adv {
	atomic_t calls;
	int last_phase;
	unsigned int last_parties;
	int terminate_at;	/* phase whose advance terminates, or -1 */
	bool keep_empty;	/* do not terminate with no party left */
};

static bool gph_on_advance(struct gosync_phaser *ph, unsigned int phase,
			   unsigned int parties, void *arg)
{
	struct gph_adv *a = arg;

	atomic_inc(&a->calls);
	a->last_phase = phase;
	a->last_parties = parties;
	if ((int)phase == a->terminate_at)
		return true;
	return !parties && !a->keep_empty;
}

static void phaser_counts_test(struct kunit *test)
{
	struct gph_adv a = { .terminate_at = -1 };
	struct gosync_phaser ph, child;

	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 2, gph_on_advance, &a));
	/* Only the root's on_advance runs: a child may not have one. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			gosync_phaser_init(&child, &ph, 0, gph_on_advance, &a));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_phase(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_register(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_bulk_register(&ph, 2));
	KUNIT_EXPECT_EQ(test, 5u, gosync_phaser_registered_parties(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 2u, gosync_phaser_arrived_parties(&ph));
	KUNIT_EXPECT_EQ(test, 3u, gosync_phaser_unarrived_parties(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive_and_deregister(&ph));
	KUNIT_EXPECT_EQ(test, 4u, gosync_phaser_registered_parties(&ph));
	KUNIT_EXPECT_EQ(test, 2u, gosync_phaser_unarrived_parties(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&a.calls));
	/* The last arrival advances, after on_advance saw the next parties. */
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&a.calls));
	KUNIT_EXPECT_EQ(test, 0, a.last_phase);
	KUNIT_EXPECT_EQ(test, 4u, a.last_parties);
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&ph));
	KUNIT_EXPECT_EQ(test, 4u, gosync_phaser_unarrived_parties(&ph));
	KUNIT_EXPECT_EQ(test, 0u, gosync_phaser_arrived_parties(&ph));
	/* Waiting for a phase that is over returns the current one at once. */
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_await_advance(&ph, 0));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_await_advance_timeout(&ph, 7, 0));
	/* A phase that is not over: a timed wait times out. */
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, gosync_phaser_await_advance_timeout(&ph, 1, 0));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			gosync_phaser_await_advance_timeout(&ph, 1, msecs_to_jiffies(10)));
	/* The timed-out arrival still counts. */
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			gosync_phaser_arrive_and_await_advance_timeout(&ph, 1));
	KUNIT_EXPECT_EQ(test, 1u, gosync_phaser_arrived_parties(&ph));
	KUNIT_EXPECT_FALSE(test, gosync_phaser_is_terminated(&ph));
}

static void phaser_deregister_to_zero_test(struct kunit *test)
{
	struct gph_adv a = { .terminate_at = -1 };
	struct gosync_phaser ph;
	int i;

	/* Default: the last deregistration advances and terminates. */
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 3, NULL, NULL));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive_and_deregister(&ph));
	KUNIT_EXPECT_TRUE(test, gosync_phaser_is_terminated(&ph));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_phase(&ph));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_register(&ph));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_await_advance(&ph, 1));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_arrive_and_await_advance(&ph));

	/* on_advance may keep an empty phaser alive: it starts again. */
	a.keep_empty = true;
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 1, gph_on_advance, &a));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive_and_deregister(&ph));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&a.calls));
	KUNIT_EXPECT_EQ(test, 0u, a.last_parties);
	KUNIT_EXPECT_FALSE(test, gosync_phaser_is_terminated(&ph));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&ph));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_register(&ph));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 2, gosync_phaser_phase(&ph));

	/* on_advance terminates at phase 2: the waiters see -ESHUTDOWN. */
	a.terminate_at = 2;
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_arrive_and_await_advance(&ph));
	KUNIT_EXPECT_TRUE(test, gosync_phaser_is_terminated(&ph));
}

static void phaser_wraparound_test(struct kunit *test)
{
	struct gph_adv a = { .terminate_at = -1 };
	struct gosync_phaser ph;

	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 1, gph_on_advance, &a));
	__gosync_phaser_set_phase(&ph, GOSYNC_PHASER_PHASE_MAX - 1);
	KUNIT_EXPECT_EQ(test, GOSYNC_PHASER_PHASE_MAX - 1, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, GOSYNC_PHASER_PHASE_MAX, gosync_phaser_phase(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive_and_await_advance(&ph));
	KUNIT_EXPECT_EQ(test, GOSYNC_PHASER_PHASE_MAX, a.last_phase);
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_phase(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_await_advance(&ph, GOSYNC_PHASER_PHASE_MAX));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&ph));
	KUNIT_EXPECT_EQ(test, 3, atomic_read(&a.calls));
	KUNIT_EXPECT_FALSE(test, gosync_phaser_is_terminated(&ph));
}

/* ------------------------------------------------------------------ */
/* Sleeping waiters.                                                    */

static void phaser_wakeup_test(struct kunit *test)
{
	struct gosync_phaser ph;
	struct gph_call c[2];

	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 3, NULL, NULL));
	gph_call_start(test, &c[0], &ph, gph_arrive_await, 0);
	gph_call_start(test, &c[1], &ph, gph_await, 0);
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[0], 30));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[1], 10));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 1, gph_call_join(test, &c[0]));
	KUNIT_EXPECT_EQ(test, 1, gph_call_join(test, &c[1]));
}

/* An hrtimer that arrives, or reads, on a phaser. */
struct gph_irq {
	struct hrtimer timer;
	struct gosync_phaser *ph;
	struct completion done;
	bool in_irq;
	int ret, phase;
	unsigned int arrived;
};

/* The last party arrives from an interrupt: the phase ends, waiters wake. */
static enum hrtimer_restart gph_irq_arrive(struct hrtimer *t)
{
	struct gph_irq *x = container_of(t, struct gph_irq, timer);

	x->in_irq = GOSYNC_ANY_IRQ();
	x->ret = gosync_phaser_arrive(x->ph);
	complete(&x->done);
	return HRTIMER_NORESTART;
}

/* The queries read the word only: hard interrupt context on any kernel. */
static enum hrtimer_restart gph_irq_query(struct hrtimer *t)
{
	struct gph_irq *x = container_of(t, struct gph_irq, timer);

	x->in_irq = in_hardirq();
	x->phase = gosync_phaser_phase(x->ph);
	x->arrived = gosync_phaser_arrived_parties(x->ph);
	complete(&x->done);
	return HRTIMER_NORESTART;
}

static void gph_irq_run(struct kunit *test, struct gph_irq *x,
			enum hrtimer_restart (*fn)(struct hrtimer *),
		       enum hrtimer_mode mode)
{
	init_completion(&x->done);
	hrtimer_init(&x->timer, CLOCK_MONOTONIC, mode);
	x->timer.function = fn;
	hrtimer_start(&x->timer, ns_to_ktime(1000), mode);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&x->done, 5 * HZ) > 0);
	hrtimer_cancel(&x->timer);
}

/*
 * arrive() from interrupt context (hardirq; the timer softirq on
 * PREEMPT_RT, where the wake-up's spinlock_t sleeps) ends a phase a task
 * waits on; the queries run in hard interrupt context everywhere.
 */
static void phaser_irq_arrive_test(struct kunit *test)
{
	struct gph_irq *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct gosync_phaser ph;
	struct gph_call c;

	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 2, NULL, NULL));
	x->ph = &ph;
	gph_call_start(test, &c, &ph, gph_arrive_await, 0);
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c, 30));
	gph_irq_run(test, x, gph_irq_query, HRTIMER_MODE_REL_HARD);
	KUNIT_EXPECT_TRUE(test, x->in_irq);
	KUNIT_EXPECT_EQ(test, 0, x->phase);
	KUNIT_EXPECT_EQ(test, 1u, x->arrived);
	gph_irq_run(test, x, gph_irq_arrive, GOSYNC_HRTIMER_ANY);
	KUNIT_EXPECT_TRUE(test, x->in_irq);
	KUNIT_EXPECT_EQ(test, 0, x->ret);
	KUNIT_EXPECT_EQ(test, 1, gph_call_join(test, &c));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&ph));
}

static void phaser_signal_test(struct kunit *test)
{
	struct gosync_phaser ph;
	struct gph_call c[2];

	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 3, NULL, NULL));
	gph_call_start(test, &c[0], &ph, gph_arrive_await_intr, 0);
	gph_call_start(test, &c[1], &ph, gph_arrive_await_killable, 0);
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[0], 30));
	send_sig(SIGUSR1, c[0].task, 1);
	KUNIT_EXPECT_EQ(test, -ERESTARTSYS, gph_call_join(test, &c[0]));
	/* SIGUSR1 is not fatal: the killable waiter sleeps on. */
	send_sig(SIGUSR1, c[1].task, 1);
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[1], 30));
	send_sig(SIGKILL, c[1].task, 1);
	KUNIT_EXPECT_EQ(test, -ERESTARTSYS, gph_call_join(test, &c[1]));
	/* Both arrivals stand: one more ends the phase. */
	KUNIT_EXPECT_EQ(test, 2u, gosync_phaser_arrived_parties(&ph));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&ph));
}

/* The context the _ctx calls wait with: one case at a time. */
static struct gosync_ctx *gph_ctx;

static int gph_arrive_await_ctx(struct gph_call *c)
{
	return gosync_phaser_arrive_and_await_advance_ctx(c->ph, gph_ctx);
}

static int gph_await_ctx(struct gph_call *c)
{
	return gosync_phaser_await_advance_ctx(c->ph, c->arg, gph_ctx);
}

/*
 * A cancelled context ends the _ctx waits as a signal does: the arrival
 * stands, the waiter gets the cause; a live one changes nothing.
 */
static void phaser_ctx_test(struct kunit *test)
{
	struct gosync_ctx *ctx = kunit_kcalloc(test, 2, sizeof(*ctx),
					       GFP_KERNEL);
	struct gosync_phaser ph;
	struct gph_call c[2];

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 3, NULL, NULL));
	gosync_ctx_init(&ctx[0], NULL);
	gosync_ctx_init(&ctx[1], &ctx[0]);
	gph_ctx = &ctx[1];
	gph_call_start(test, &c[0], &ph, gph_arrive_await_ctx, 0);
	gph_call_start(test, &c[1], &ph, gph_await_ctx, 0);
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[0], 30));
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[1], 1));
	gosync_ctx_cancel(&ctx[0], -EHOSTDOWN);
	KUNIT_EXPECT_EQ(test, -EHOSTDOWN, gph_call_join(test, &c[0]));
	KUNIT_EXPECT_EQ(test, -EHOSTDOWN, gph_call_join(test, &c[1]));
	KUNIT_EXPECT_EQ(test, 1u, gosync_phaser_arrived_parties(&ph));
	/* Already cancelled: it arrives and returns at once. */
	KUNIT_EXPECT_EQ(test, -EHOSTDOWN,
			gosync_phaser_arrive_and_await_advance_ctx(&ph, &ctx[1]));
	KUNIT_EXPECT_EQ(test, 2u, gosync_phaser_arrived_parties(&ph));
	/* A live context: the phase ends as usual. */
	gosync_ctx_put(&ctx[1]);
	gosync_ctx_init(&ctx[1], NULL);
	gph_call_start(test, &c[0], &ph, gph_await_ctx, 0);
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&ph));
	KUNIT_EXPECT_EQ(test, 1, gph_call_join(test, &c[0]));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_await_advance_ctx(&ph, 0, NULL));
	gosync_ctx_put(&ctx[1]);
	gosync_ctx_put(&ctx[0]);
}

static void phaser_force_termination_test(struct kunit *test)
{
	struct gosync_phaser root, child;
	struct gph_call c[2];

	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&root, NULL, 2, NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&child, &root, 2, NULL, NULL));
	gph_call_start(test, &c[0], &root, gph_arrive_await, 0);
	gph_call_start(test, &c[1], &child, gph_arrive_await, 0);
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[1], 30));
	/* Terminating through the child terminates the tree. */
	gosync_phaser_force_termination(&child);
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gph_call_join(test, &c[0]));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gph_call_join(test, &c[1]));
	KUNIT_EXPECT_TRUE(test, gosync_phaser_is_terminated(&root));
	KUNIT_EXPECT_TRUE(test, gosync_phaser_is_terminated(&child));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_arrive(&child));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_register(&child));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_await_advance(&child, 0));
}

/* on_advance that holds the advance open until the test lets it go. */
struct gph_hold {
	struct completion in_advance;
	struct completion go;
};

static bool gph_hold_advance(struct gosync_phaser *ph, unsigned int phase,
			     unsigned int parties, void *arg)
{
	struct gph_hold *h = arg;

	complete(&h->in_advance);
	wait_for_completion(&h->go);
	return false;
}

static void phaser_register_during_advance_test(struct kunit *test)
{
	struct gosync_phaser ph, child;
	struct gph_call c[3];
	struct gph_hold h;

	init_completion(&h.in_advance);
	init_completion(&h.go);
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&ph, NULL, 1, gph_hold_advance, &h));
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&child, &ph, 0, NULL, NULL));
	/* The only party arrives; on_advance holds the advance. */
	gph_call_start(test, &c[0], &ph, gph_arrive_await, 0);
	wait_for_completion(&h.in_advance);
	KUNIT_EXPECT_EQ(test, 0u, gosync_phaser_unarrived_parties(&ph));
	/* An extra arrival now is the caller's bug. */
	KUNIT_EXPECT_EQ(test, -EINVAL, gosync_phaser_arrive(&ph));
	/* Registrations, also through a child, wait and join phase 1. */
	gph_call_start(test, &c[1], &ph, gph_register, 0);
	gph_call_start(test, &c[2], &child, gph_register, 0);
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[1], 30));
	KUNIT_EXPECT_TRUE(test, gph_call_blocked(&c[2], 1));
	complete(&h.go);
	KUNIT_EXPECT_EQ(test, 1, gph_call_join(test, &c[0]));
	KUNIT_EXPECT_EQ(test, 1, gph_call_join(test, &c[1]));
	KUNIT_EXPECT_EQ(test, 1, gph_call_join(test, &c[2]));
	/* 1 old party, 1 new, and the child. */
	KUNIT_EXPECT_EQ(test, 3u, gosync_phaser_registered_parties(&ph));
	KUNIT_EXPECT_EQ(test, 3u, gosync_phaser_unarrived_parties(&ph));
	KUNIT_EXPECT_EQ(test, 1u, gosync_phaser_registered_parties(&child));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&child));
	gosync_phaser_force_termination(&ph);
}

static void phaser_tier_counts_test(struct kunit *test)
{
	struct gosync_phaser root, child[2];

	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&root, NULL, 1, NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&child[0], &root, 2, NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&child[1], &root, 0, NULL, NULL));
	/* A child with parties is one party of the root; an empty one none. */
	KUNIT_EXPECT_EQ(test, 2u, gosync_phaser_registered_parties(&root));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_bulk_register(&child[1], 3));
	KUNIT_EXPECT_EQ(test, 3u, gosync_phaser_registered_parties(&root));
	/* A complete child arrives at the root as one party. */
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&child[0]));
	KUNIT_EXPECT_EQ(test, 0u, gosync_phaser_arrived_parties(&root));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&child[0]));
	KUNIT_EXPECT_EQ(test, 1u, gosync_phaser_arrived_parties(&root));
	/* It is done for phase 0: another arrival is a bug. */
	KUNIT_EXPECT_EQ(test, -EINVAL, gosync_phaser_arrive(&child[0]));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive(&root));
	/* child[1] empties: it leaves the root, which advances. */
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive_and_deregister(&child[1]));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive_and_deregister(&child[1]));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_phase(&root));
	KUNIT_EXPECT_EQ(test, 0, gosync_phaser_arrive_and_deregister(&child[1]));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_phase(&root));
	KUNIT_EXPECT_EQ(test, 2u, gosync_phaser_registered_parties(&root));
	KUNIT_EXPECT_EQ(test, 0u, gosync_phaser_registered_parties(&child[1]));
	/* child[0] caught up: phase 1, both parties unarrived. */
	KUNIT_EXPECT_EQ(test, 2u, gosync_phaser_unarrived_parties(&child[0]));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_arrive(&child[0]));
	/* child[1] attaches again, in phase 1. */
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_register(&child[1]));
	KUNIT_EXPECT_EQ(test, 3u, gosync_phaser_registered_parties(&root));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_arrive(&child[1]));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_arrive(&child[0]));
	KUNIT_EXPECT_EQ(test, 1, gosync_phaser_arrive(&root));
	KUNIT_EXPECT_EQ(test, 2, gosync_phaser_phase(&child[1]));
	/* The last parties leave: the children leave the root, it ends. */
	KUNIT_EXPECT_EQ(test, 2, gosync_phaser_arrive_and_deregister(&child[0]));
	KUNIT_EXPECT_EQ(test, 2, gosync_phaser_arrive_and_deregister(&child[0]));
	KUNIT_EXPECT_EQ(test, 2, gosync_phaser_arrive_and_deregister(&child[1]));
	KUNIT_EXPECT_FALSE(test, gosync_phaser_is_terminated(&root));
	KUNIT_EXPECT_EQ(test, 2, gosync_phaser_arrive_and_deregister(&root));
	KUNIT_EXPECT_TRUE(test, gosync_phaser_is_terminated(&root));
	KUNIT_EXPECT_EQ(test, -ESHUTDOWN, gosync_phaser_phase(&child[0]));
}

/* ------------------------------------------------------------------ */
/* Rounds of kthreads, flat and tiered.                                 */

struct gph_run {
	struct gosync_phaser root;
	struct gosync_phaser child[GPH_CHILDREN];
	unsigned int nr_children;
	unsigned int rounds;
	bool dereg;		/* parties leave at random rounds */
	u32 seen[GPH_THREADS];	/* each party's round, written before arriving */
	bool gone[GPH_THREADS];	/* deregistered */
	atomic_t advances;
	atomic_t bad_advance;	/* on_advance ran with someone missing */
	atomic_t early;		/* a party released before all arrived */
	atomic_t bad_phase;	/* a phase number out of sequence */
	atomic_t errors;
	atomic_t shutdown;
	struct gph_call call[GPH_THREADS];
};

static bool gph_run_advance(struct gosync_phaser *ph, unsigned int phase,
			    unsigned int parties, void *arg)
{
	struct gph_run *r = arg;
	unsigned int i;

	if (phase != (unsigned int)atomic_read(&r->advances))
		atomic_inc(&r->bad_phase);
	for (i = 0; i < GPH_THREADS; i++)
		if (!READ_ONCE(r->gone[i]) && READ_ONCE(r->seen[i]) != phase)
			atomic_inc(&r->bad_advance);
	atomic_inc(&r->advances);
	return !parties;
}

static struct gosync_phaser *gph_run_phaser(struct gph_run *r, unsigned int id)
{
	return r->nr_children ? &r->child[id % r->nr_children] : &r->root;
}

static int gph_run_party(struct gph_call *c)
{
	struct gph_run *r = container_of(c, struct gph_run, call[c->arg]);
	struct gosync_phaser *ph = c->ph;
	unsigned int id = c->arg, round, i;
	u32 rnd = id * 2654435761U + 1;
	int ret;

	for (round = 0; round < r->rounds; round++) {
		WRITE_ONCE(r->seen[id], round);
		rnd = rnd * 1103515245U + 12345;
		if (r->dereg && id && (rnd >> 16) % 64 == 0) {
			WRITE_ONCE(r->gone[id], true);
			ret = gosync_phaser_arrive_and_deregister(ph);
			if (ret != (int)round)
				atomic_inc(&r->bad_phase);
			return 0;
		}
		ret = gosync_phaser_arrive_and_await_advance(ph);
		if (ret == -ESHUTDOWN) {
			atomic_inc(&r->shutdown);
			return ret;
		}
		if (ret != (int)round + 1) {
			atomic_inc(ret < 0 ? &r->errors : &r->bad_phase);
			return ret;
		}
		for (i = 0; i < GPH_THREADS; i++)
			if (!READ_ONCE(r->gone[i]) && READ_ONCE(r->seen[i]) < round)
				atomic_inc(&r->early);
	}
	WRITE_ONCE(r->gone[id], true);
	return gosync_phaser_arrive_and_deregister(ph) == (int)round ? 0 : -EPROTO;
}

static void gph_rounds(struct kunit *test, unsigned int nr_children, bool dereg)
{
	struct gph_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->rounds = GPH_ROUNDS;
	r->nr_children = nr_children;
	r->dereg = dereg;
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&r->root, NULL,
						    nr_children ? 0 : GPH_THREADS,
						    gph_run_advance, r));
	for (i = 0; i < nr_children; i++)
		KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&r->child[i], &r->root,
							    0, NULL, NULL));
	for (i = 0; i < GPH_THREADS && nr_children; i++)
		KUNIT_ASSERT_EQ(test, 0, gosync_phaser_register(gph_run_phaser(r, i)));
	if (nr_children)
		KUNIT_EXPECT_EQ(test, nr_children,
				gosync_phaser_registered_parties(&r->root));
	for (i = 0; i < GPH_THREADS; i++)
		gph_call_start(test, &r->call[i], gph_run_phaser(r, i), gph_run_party, i);
	for (i = 0; i < GPH_THREADS; i++)
		KUNIT_EXPECT_EQ(test, 0, gph_call_join(test, &r->call[i]));
	/* Each party deregistered at the end: the last one terminated it. */
	KUNIT_EXPECT_TRUE(test, gosync_phaser_is_terminated(&r->root));
	if (!dereg)
		KUNIT_EXPECT_EQ(test, GPH_ROUNDS + 1, atomic_read(&r->advances));
	KUNIT_EXPECT_GT(test, atomic_read(&r->advances), 1);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->bad_advance));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->early));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->bad_phase));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->errors));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->shutdown));
	for (i = 0; i < nr_children; i++)
		KUNIT_EXPECT_EQ(test, 0u, gosync_phaser_registered_parties(&r->child[i]));
}

static void phaser_rounds_flat_test(struct kunit *test)
{
	gph_rounds(test, 0, false);
}

static void phaser_rounds_tiered_test(struct kunit *test)
{
	gph_rounds(test, GPH_CHILDREN, false);
}

static void phaser_rounds_deregister_test(struct kunit *test)
{
	gph_rounds(test, 0, true);
	gph_rounds(test, GPH_CHILDREN, true);
}

/*
 * Churn: parties register with a child and leave at once, so that it
 * attaches to the root and detaches again and again, while steady
 * parties on another child and on the root do rounds.
 */
struct gph_churn {
	struct gosync_phaser root;
	struct gosync_phaser steady;
	struct gosync_phaser churn;
	bool stop;
	atomic_t cycles;
	atomic_t bad;
	struct gph_call call[5];
};

static int gph_churn_steady(struct gph_call *c)
{
	struct gph_churn *k = c->ph->root->arg;
	int phase = 0, ret;
	unsigned int i;

	/* Overlap with the churn, whose threads may start late. */
	for (i = 0; i < 50000 && !atomic_read(&k->cycles); i++)
		usleep_range(100, 200);
	for (i = 0; i < GPH_ROUNDS; i++) {
		ret = gosync_phaser_arrive_and_await_advance(c->ph);
		if (ret != phase + 1)
			atomic_inc(&k->bad);
		phase = ret;
	}
	return gosync_phaser_arrive_and_deregister(c->ph) == phase ? 0 : -EPROTO;
}

static int gph_churn_fn(struct gph_call *c)
{
	struct gph_churn *k = c->ph->root->arg;
	int phase, ret, n;

	/* Pairs with WRITE_ONCE() in phaser_churn_test(). */
	while (!READ_ONCE(k->stop)) {
		n = 1 + atomic_read(&k->cycles) % 2;
		phase = gosync_phaser_bulk_register(c->ph, n);
		/* Once the steady parties left, the root may terminate. */
		if (phase == -ESHUTDOWN)
			return 0;
		if (phase < 0)
			return phase;
		/* The phase cannot advance without these arrivals. */
		while (n--) {
			ret = gosync_phaser_arrive_and_deregister(c->ph);
			if (ret != phase)
				atomic_inc(&k->bad);
		}
		atomic_inc(&k->cycles);
		cond_resched();
	}
	return 0;
}

static bool gph_churn_advance(struct gosync_phaser *ph, unsigned int phase,
			      unsigned int parties, void *arg)
{
	return !parties;
}

static void phaser_churn_test(struct kunit *test)
{
	struct gph_churn *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&k->root, NULL, 1,
						    gph_churn_advance, k));
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&k->steady, &k->root, 2,
						    NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&k->churn, &k->root, 0,
						    NULL, NULL));
	gph_call_start(test, &k->call[0], &k->root, gph_churn_steady, 0);
	gph_call_start(test, &k->call[1], &k->steady, gph_churn_steady, 0);
	gph_call_start(test, &k->call[2], &k->steady, gph_churn_steady, 0);
	gph_call_start(test, &k->call[3], &k->churn, gph_churn_fn, 0);
	gph_call_start(test, &k->call[4], &k->churn, gph_churn_fn, 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, 0, gph_call_join(test, &k->call[i]));
	/* Pairs with READ_ONCE() in gph_churn_fn(). */
	WRITE_ONCE(k->stop, true);
	for (i = 3; i < 5; i++)
		KUNIT_EXPECT_EQ(test, 0, gph_call_join(test, &k->call[i]));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&k->bad));
	KUNIT_EXPECT_GT(test, atomic_read(&k->cycles), 0);
	KUNIT_EXPECT_EQ(test, 0u, gosync_phaser_registered_parties(&k->churn));
	KUNIT_EXPECT_EQ(test, 0u, gosync_phaser_registered_parties(&k->root));
	/* The root's last party left while churn was detached: terminated. */
	KUNIT_EXPECT_TRUE(test, gosync_phaser_is_terminated(&k->root));
	kunit_info(test, "%d attach/detach cycles", atomic_read(&k->cycles));
}

/* ------------------------------------------------------------------ */
/* on_advance calling into its own tree.                                */

#define GPH_STUCK_SECS	10	/* a call blocked this long is stuck */

/* What on_advance calls on its own tree. */
enum gph_reenter_call {
	GPH_RE_REGISTER_ROOT,	/* gosync_phaser_register(root) */
	GPH_RE_BULK_ROOT,	/* gosync_phaser_bulk_register(root, 2) */
	GPH_RE_REGISTER_CHILD,	/* register() on a child that has arrived */
	GPH_RE_REGISTER_DETACHED,	/* register() on a child with no party */
	GPH_RE_REGISTER_LEAVING,	/* register() on the child that this advance detaches */
	GPH_RE_INIT_CHILD,	/* gosync_phaser_init() of a child with a party */
	GPH_RE_AWAIT,		/* gosync_phaser_await_advance(root, phase) */
	GPH_RE_AWAIT_CHILD,	/* ... (child, phase) */
	GPH_RE_AWAIT_TIMEOUT,	/* ..._timeout(root, phase, HZ / 10) */
	GPH_RE_ARRIVE,		/* gosync_phaser_arrive(root): every party has */
	GPH_RE_NR,
};

static const char *const gph_reenter_names[GPH_RE_NR] = {
	[GPH_RE_REGISTER_ROOT] = "register(root)",
	[GPH_RE_BULK_ROOT] = "bulk_register(root, 2)",
	[GPH_RE_REGISTER_CHILD] = "register(arrived child)",
	[GPH_RE_REGISTER_DETACHED] = "register(detached child)",
	[GPH_RE_REGISTER_LEAVING] = "register(leaving child)",
	[GPH_RE_INIT_CHILD] = "init(child of root, 1 party)",
	[GPH_RE_AWAIT] = "await_advance(root, phase)",
	[GPH_RE_AWAIT_CHILD] = "await_advance(child, phase)",
	[GPH_RE_AWAIT_TIMEOUT] = "await_advance_timeout(root, phase)",
	[GPH_RE_ARRIVE] = "arrive(root)",
};

struct gph_reenter {
	struct gosync_phaser root;
	struct gosync_phaser child;
	struct gosync_phaser fresh;	/* GPH_RE_INIT_CHILD's */
	enum gph_reenter_call what;
	int ret;			/* what the call returned */
	atomic_t advances;
};

static bool gph_reenter_advance(struct gosync_phaser *ph, unsigned int phase,
				unsigned int parties, void *arg)
{
	struct gph_reenter *e = arg;

	atomic_inc(&e->advances);
	switch (e->what) {
	case GPH_RE_REGISTER_ROOT:
		e->ret = gosync_phaser_register(&e->root);
		break;
	case GPH_RE_BULK_ROOT:
		e->ret = gosync_phaser_bulk_register(&e->root, 2);
		break;
	case GPH_RE_REGISTER_CHILD:
	case GPH_RE_REGISTER_DETACHED:
	case GPH_RE_REGISTER_LEAVING:
		e->ret = gosync_phaser_register(&e->child);
		break;
	case GPH_RE_INIT_CHILD:
		e->ret = gosync_phaser_init(&e->fresh, &e->root, 1, NULL, NULL);
		break;
	case GPH_RE_AWAIT:
		e->ret = gosync_phaser_await_advance(&e->root, phase);
		break;
	case GPH_RE_AWAIT_CHILD:
		e->ret = gosync_phaser_await_advance(&e->child, phase);
		break;
	case GPH_RE_AWAIT_TIMEOUT:
		e->ret = gosync_phaser_await_advance_timeout(&e->root, phase,
							     HZ / 10);
		break;
	case GPH_RE_ARRIVE:
		e->ret = gosync_phaser_arrive(&e->root);
		break;
	case GPH_RE_NR:
		break;
	}
	return false;
}

static int gph_arrive(struct gph_call *c)
{
	return gosync_phaser_arrive(c->ph);
}

static int gph_arrive_dereg(struct gph_call *c)
{
	return gosync_phaser_arrive_and_deregister(c->ph);
}

/*
 * Free a call stuck in @e's tree: terminate it (waits for a phase or a
 * registration see it), and end any attach wait by taking ATTACHED off
 * the children (a stuck tree is thrown away).
 */
static void gph_reenter_unstick(struct gph_reenter *e)
{
	gosync_phaser_force_termination(&e->root);
	atomic64_andnot(GPH_ATTACHED, &e->child.word);
	atomic64_andnot(GPH_ATTACHED, &e->fresh.word);
	wake_up_all(&e->root.wq);
}

/*
 * The last arrival of phase 0 (in a kthread) runs on_advance, which makes
 * call @what on the tree: it must return @expect at once, and phase 1
 * must open.
 */
static void gph_reenter(struct kunit *test, enum gph_reenter_call what,
			int expect)
{
	struct gph_reenter *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	const char *name = gph_reenter_names[what];
	int (*trigger)(struct gph_call *c) = gph_arrive;
	struct gosync_phaser *ph;
	struct gph_call c;

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->what = what;
	/* The root's one party; the child's, or none; the trigger. */
	switch (what) {
	case GPH_RE_REGISTER_CHILD:
	case GPH_RE_REGISTER_LEAVING:
		KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&e->root, NULL, 0,
							    gph_reenter_advance, e));
		KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&e->child, &e->root,
							    1, NULL, NULL));
		ph = &e->child;
		if (what == GPH_RE_REGISTER_LEAVING)
			trigger = gph_arrive_dereg;
		break;
	default:
		KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&e->root, NULL, 1,
							    gph_reenter_advance, e));
		KUNIT_ASSERT_EQ(test, 0, gosync_phaser_init(&e->child, &e->root,
							    0, NULL, NULL));
		ph = &e->root;
		break;
	}
	gph_call_start(test, &c, ph, trigger, 0);
	if (!wait_for_completion_timeout(&c.done, GPH_STUCK_SECS * HZ)) {
		KUNIT_FAIL(test, "on_advance calling %s: still blocked after %d s",
			   name, GPH_STUCK_SECS);
		gph_reenter_unstick(e);
	} else {
		complete(&c.done);	/* for gph_call_join() */
	}
	KUNIT_EXPECT_EQ_MSG(test, 0, gph_call_join(test, &c), "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, expect, e->ret, "on_advance calling %s", name);
	KUNIT_EXPECT_EQ_MSG(test, 1, atomic_read(&e->advances), "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, 1, gosync_phaser_phase(&e->root), "%s", name);
}

static void phaser_on_advance_reenters_test(struct kunit *test)
{
	enum gph_reenter_call what;

	/* Each would wait for the advance that is calling it: refused. */
	for (what = 0; what < GPH_RE_ARRIVE; what++)
		gph_reenter(test, what, -EDEADLK);
	/* Every party has arrived: an arrival is the caller's bug. */
	gph_reenter(test, GPH_RE_ARRIVE, -EINVAL);
}

static struct kunit_case gosync_phaser_cases[] = {
	KUNIT_CASE(phaser_init_errors_test),
	KUNIT_CASE(phaser_counts_test),
	KUNIT_CASE(phaser_deregister_to_zero_test),
	KUNIT_CASE(phaser_wraparound_test),
	KUNIT_CASE(phaser_wakeup_test),
	KUNIT_CASE(phaser_signal_test),
	KUNIT_CASE(phaser_irq_arrive_test),
	KUNIT_CASE(phaser_force_termination_test),
	KUNIT_CASE(phaser_register_during_advance_test),
	KUNIT_CASE(phaser_tier_counts_test),
	KUNIT_CASE(phaser_rounds_flat_test),
	KUNIT_CASE(phaser_rounds_tiered_test),
	KUNIT_CASE(phaser_rounds_deregister_test),
	KUNIT_CASE(phaser_churn_test),
	KUNIT_CASE(phaser_on_advance_reenters_test),
	KUNIT_CASE(phaser_ctx_test),
	{}
};

static struct kunit_suite gosync_phaser_suite = {
	.name = "gosync_phaser",
	.test_cases = gosync_phaser_cases,
};

kunit_test_suite(gosync_phaser_suite);
