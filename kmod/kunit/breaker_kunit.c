// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_breaker (kmod/breaker.c): option checks and
 * defaults, every transition of the state machine (CLOSED -> OPEN by
 * consecutive failures, by failure rate and by slow-call rate; OPEN ->
 * HALF_OPEN lazily; HALF_OPEN -> CLOSED, -> OPEN on a failed or slow
 * probe, and out of a stuck HALF_OPEN), the probe limit, the rolling
 * window's arithmetic, the generation guard, ignored errnos, backoff,
 * forcing and reset, metrics-only, notifiers that call back into the
 * breaker, the event queue's limit, double done, gosync_breaker_call(),
 * the notify timer, the inline fast path counted exactly, and
 * concurrency: threads on every CPU and an hrtimer in hardirq context
 * while the breaker is forced and reset.
 *
 * Time-based cases run on a fake clock (opts.clock, a u64 the test
 * advances), so they are exact and never flaky under emulation. Cases
 * that depend on the per-CPU window run with migration disabled. Each
 * case keeps its breakers in a fixture whose exit destroys them.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/notifier.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <gosync/breaker.h>

#include "internal.h"
#include "runner.h"

#define GB_NR		3
#define GB_LOG		(GOSYNC_BREAKER_EVENTS + 16)
/* The fake clock starts here: bucket boundaries are whole seconds from it. */
#define GB_T0		(1000ULL * NSEC_PER_SEC)
#define GB_MS		NSEC_PER_MSEC
/* breaker_notify_handoff_test: threads, and the changes they make. */
#define GB_HANDOFF_THREADS	4
#define GB_HANDOFF_CHANGES	(4 * GOSYNC_BREAKER_EVENTS)
/* Polls (5 us apart) before a wait that should end gives up. */
#define GB_HOLD_POLLS		2000000

/* What the notifier does besides logging. */
enum gb_mode {
	GB_LOG_ONLY,
	GB_REENTER,		/* reset / force from inside the notifier */
	GB_FILL,		/* more changes than the event queue holds */
	GB_FILL_PROBE,		/* fill the queue, then fail a probe */
	GB_CONCURRENT,		/* count and check only: any context */
	GB_HANDOFF,		/* who delivers what: see gb_handoff_notify() */
	GB_CLOSE_RACE,		/* fill the queue, admit two probes, hold */
};

struct gb_rec {
	struct gosync_breaker_event ev;
	unsigned long action;
	enum gosync_breaker_state state;	/* on entry */
	u64 gen;				/* counts.gen on entry */
	unsigned int pending;			/* counts.pending_events on entry */
};

struct gb_fx {
	struct gosync_breaker b[GB_NR];
	bool live[GB_NR];
	atomic64_t now;
	/*
	 * The next clock read resets this breaker, then makes @hook_calls
	 * successful calls on it (an injected interleaving).
	 */
	struct gosync_breaker *hook;
	unsigned int hook_calls;

	struct notifier_block nb;
	struct gosync_breaker *nb_b;
	enum gb_mode mode;
	bool once;
	atomic_t depth;
	atomic_t nested;
	atomic_t gaps;
	atomic_t errors;
	atomic64_t last_gen;
	atomic64_t delivered;
	atomic_t nlog;
	struct gb_rec log[GB_LOG];
	/* Results of calls made from inside the notifier. */
	int ret[GOSYNC_BREAKER_EVENTS + 8];
	enum gosync_breaker_state inner_state;
	unsigned int inner_pending;
	u64 inner_deferred;

	/* Concurrency. */
	struct hrtimer timer;
	bool timer_live;
	bool irq_stop;
	bool fast_only;
	atomic64_t admitted;
	atomic64_t rejected;
	atomic64_t ok;
	atomic64_t ign;
	atomic64_t stale;
	atomic64_t bad;
	atomic64_t busy;
	atomic64_t irq_ops;

	/* Hand-off of deliveries (GB_HANDOFF). */
	struct task_struct *first;
	struct task_struct *changer[GB_HANDOFF_THREADS];
	bool go;
	atomic_t budget;
	atomic_t changes;
	atomic_t changers_done;
	unsigned int nr_changers;
	atomic_t first_delivered;
	atomic_t by_changers;
	atomic_t handed;
	atomic_t handed_bad;
	atomic_t hold_timeouts;

	/* A failed probe racing the close of its generation (GB_CLOSE_RACE). */
	struct gosync_breaker_ticket t_succ, t_fail;
	struct task_struct *racer[2];	/* the success, the failure */
	struct completion racer_done[2];
	int racer_ret[2];
	bool probes_in, in_window, fail_done, drained, hooked;
};

/* allow + done: allow's error if rejected, else done's return. */
static int gb_call(struct gosync_breaker *b, int err, u64 duration_ns)
{
	struct gosync_breaker_ticket t = {};
	int ret = gosync_breaker_allow(b, &t);

	if (ret)
		return ret;
	return gosync_breaker_done(b, &t, err, duration_ns);
}

static u64 gb_clock(void *arg)
{
	struct gb_fx *fx = arg;
	struct gosync_breaker *hb = READ_ONCE(fx->hook);
	unsigned int i;

	if (hb && cmpxchg(&fx->hook, hb, NULL) == hb) {
		WARN_ON(gosync_breaker_reset(hb));
		for (i = 0; i < fx->hook_calls; i++)
			if (gb_call(hb, 0, 0))
				atomic_inc(&fx->errors);
	}
	return (u64)atomic64_read(&fx->now);
}

static void gb_advance_ms(struct gb_fx *fx, u64 ms)
{
	atomic64_add(ms * GB_MS, &fx->now);
}

static u64 gb_now(struct gb_fx *fx)
{
	return (u64)atomic64_read(&fx->now);
}

static int gb_init_fx(struct kunit *test)
{
	struct gb_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	atomic64_set(&fx->now, GB_T0);
	test->priv = fx;
	return 0;
}

static void gb_exit_fx(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	int i;

	if (fx->timer_live) {
		WRITE_ONCE(fx->irq_stop, true);
		hrtimer_cancel(&fx->timer);
	}
	if (fx->hooked)
		__gosync_race_set(NULL, NULL);
	for (i = 0; i < 2; i++) {
		if (!fx->racer[i])
			continue;
		kthread_stop(fx->racer[i]);
		put_task_struct(fx->racer[i]);
	}
	if (fx->nb_b)
		gosync_breaker_notifier_unregister(fx->nb_b, &fx->nb);
	for (i = 0; i < GB_NR; i++)
		if (fx->live[i])
			gosync_breaker_destroy(&fx->b[i]);
}

static struct gosync_breaker *gb_new(struct kunit *test, int i,
				     const struct gosync_breaker_opts *o)
{
	struct gb_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, gosync_breaker_init(&fx->b[i], o, GFP_KERNEL), 0);
	fx->live[i] = true;
	return &fx->b[i];
}

/* Breaker @i with the policies of @policy, on the fake clock. */
static struct gosync_breaker *gb_make(struct kunit *test, int i,
				      const struct gosync_breaker_opts *policy)
{
	struct gosync_breaker_opts o = *policy;

	o.name = "kunit";
	o.clock = gb_clock;
	o.clock_arg = test->priv;
	return gb_new(test, i, &o);
}

/* gb_make() with the policies as designated initializers. */
#define GB_NEW(test, i, ...) \
	gb_make(test, i, &(const struct gosync_breaker_opts){ __VA_ARGS__ })

static void gb_kill(struct kunit *test, int i)
{
	struct gb_fx *fx = test->priv;

	gosync_breaker_destroy(&fx->b[i]);
	fx->live[i] = false;
}

/* @n calls that end with @err (0: a success), each expected to return @ret. */
static void gb_calls(struct kunit *test, struct gosync_breaker *b, int n,
		     int err, int ret)
{
	int i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, gb_call(b, err, 0), ret,
				    "call %d of %d with %d", i + 1, n, err);
}

static struct gosync_breaker_counts gb_counts(struct gosync_breaker *b)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(b, &c);
	return c;
}

/*
 * Expected counts, for GB_EXPECT_COUNTS(): only the fields given are
 * checked, each given as GB_EQ(value) so that an expected 0 is told apart
 * from a field left out. One field per field of struct
 * gosync_breaker_counts, in its order.
 */
#define GB_EQ(v)	((u64)(v) + 1)

struct gb_want {
	u64 state;
	u64 forced;
	u64 gen;
	u64 calls;
	u64 failures;
	u64 slow;
	u64 consecutive;
	u64 probes;
	u64 probe_successes;
	u64 open_delay_ms;
	u64 rejected;
	u64 ignored;
	u64 stale;
	u64 transitions;
	u64 trips;
	u64 deferred;
	u64 pending_events;
};

static void gb_check_count(struct kunit *test, int line, const char *name,
			   u64 got, u64 want)
{
	if (want)
		KUNIT_EXPECT_EQ_MSG(test, got, want - 1, "counts.%s, line %d",
				    name, line);
}

/* Check @b's counts against @w; the snapshot checked, for more. */
static struct gosync_breaker_counts gb_expect_counts(struct kunit *test,
						     struct gosync_breaker *b,
						     int line,
						     const struct gb_want *w)
{
	struct gosync_breaker_counts c = gb_counts(b);

	gb_check_count(test, line, "state", c.state, w->state);
	gb_check_count(test, line, "forced", c.forced, w->forced);
	gb_check_count(test, line, "gen", c.gen, w->gen);
	gb_check_count(test, line, "calls", c.calls, w->calls);
	gb_check_count(test, line, "failures", c.failures, w->failures);
	gb_check_count(test, line, "slow", c.slow, w->slow);
	gb_check_count(test, line, "consecutive", c.consecutive, w->consecutive);
	gb_check_count(test, line, "probes", c.probes, w->probes);
	gb_check_count(test, line, "probe_successes", c.probe_successes, w->probe_successes);
	gb_check_count(test, line, "open_delay_ms", c.open_delay_ms, w->open_delay_ms);
	gb_check_count(test, line, "rejected", c.rejected, w->rejected);
	gb_check_count(test, line, "ignored", c.ignored, w->ignored);
	gb_check_count(test, line, "stale", c.stale, w->stale);
	gb_check_count(test, line, "transitions", c.transitions, w->transitions);
	gb_check_count(test, line, "trips", c.trips, w->trips);
	gb_check_count(test, line, "deferred", c.deferred, w->deferred);
	gb_check_count(test, line, "pending_events", c.pending_events, w->pending_events);
	return c;
}

/* GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(3), .state = GB_EQ(...), ...) */
#define GB_EXPECT_COUNTS(test, b, ...) \
	gb_expect_counts(test, b, __LINE__, &(const struct gb_want){ __VA_ARGS__ })

/* ---- the notifier -------------------------------------------------- */

static void gb_fill(struct gb_fx *fx, struct gosync_breaker *b,
		    unsigned int n)
{
	unsigned int i;

	/* Even: force_open; odd: reset, so an odd count ends CLOSED. */
	for (i = 0; i < n; i++)
		fx->ret[i] = i & 1 ? gosync_breaker_reset(b) :
				     gosync_breaker_force_open(b);
}

static unsigned int gb_pending(struct gosync_breaker *b)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(b, &c);
	return c.pending_events;
}

/*
 * Busy-wait (a notifier must not sleep) until @cond, or give up after
 * GB_HOLD_POLLS polls and count it: a bound against a hang, not a timing.
 */
#define gb_hold(fx, cond) do {						\
	unsigned int __i;						\
									\
	for (__i = 0; !(cond); __i++) {					\
		if (__i == GB_HOLD_POLLS) {				\
			atomic_inc(&(fx)->hold_timeouts);		\
			break;						\
		}							\
		udelay(5);						\
	}								\
} while (0)

static void gb_react(struct gb_fx *fx, const struct gosync_breaker_event *ev)
{
	struct gosync_breaker *b = ev->breaker;
	struct gosync_breaker_ticket t = {};
	struct gosync_breaker_counts c;
	unsigned int n = GOSYNC_BREAKER_EVENTS;

	switch (fx->mode) {
	case GB_REENTER:
		if (ev->reason == GOSYNC_BREAKER_R_CONSECUTIVE) {
			fx->ret[0] = gosync_breaker_reset(b);
			/* Changed at once; delivered after this returns. */
			gosync_breaker_counts(b, &c);
			fx->inner_state = gosync_breaker_state(b);
			fx->inner_pending = c.pending_events;
		} else if (ev->reason == GOSYNC_BREAKER_R_RESET) {
			fx->ret[1] = gosync_breaker_force_open(b);
		} else if (ev->reason == GOSYNC_BREAKER_R_FORCED &&
			   ev->to == GOSYNC_BREAKER_OPEN) {
			fx->ret[2] = gosync_breaker_force_closed(b);
		}
		break;
	case GB_FILL:
		if (fx->once)
			break;
		fx->once = true;
		/* Two more than fit: the queue was empty (this one is out). */
		gb_fill(fx, b, n + 2);
		fx->inner_state = gosync_breaker_state(b);
		/* An automatic change (consecutive = 1) must wait. */
		fx->ret[n + 2] = gb_call(b, -EIO, 0);
		gosync_breaker_counts(b, &c);
		fx->inner_pending = c.pending_events;
		fx->inner_deferred = c.deferred;
		break;
	case GB_CLOSE_RACE:
		if (fx->once)
			break;
		fx->once = true;
		/* 62 forced changes, a trip, a half-open: the queue is full. */
		gb_fill(fx, b, n - 2);
		fx->ret[n] = gb_call(b, -EIO, 0);
		gb_advance_ms(fx, 100);
		fx->ret[n + 1] = gosync_breaker_allow(b, &fx->t_succ);
		fx->ret[n + 2] = gosync_breaker_allow(b, &fx->t_fail);
		/* Pairs with smp_load_acquire() in gb_racer_fn(). */
		smp_store_release(&fx->probes_in, true);
		/* The queue stays full until the failure is in (gb_racer_fn()). */
		gb_hold(fx, smp_load_acquire(&fx->fail_done));
		break;
	case GB_FILL_PROBE:
		if (fx->once)
			break;
		fx->once = true;
		/* 62 forced changes, a trip, a half-open: the queue is full. */
		gb_fill(fx, b, n - 2);
		fx->ret[n] = gb_call(b, -EIO, 0);
		gb_advance_ms(fx, 100);
		fx->ret[n + 1] = gosync_breaker_allow(b, &t);
		fx->ret[n + 2] = gosync_breaker_force_open(b);
		/* The probe fails while its re-open cannot be queued. */
		fx->ret[n + 3] = gosync_breaker_done(b, &t, -EIO, 0);
		fx->inner_state = gosync_breaker_state(b);
		gosync_breaker_counts(b, &c);
		fx->inner_pending = c.pending_events;
		fx->inner_deferred = c.deferred;
		break;
	default:
		break;
	}
}

/* The changers have queued half a queue of changes. */
static bool gb_changers_queued(struct gb_fx *fx)
{
	return atomic_read(&fx->changes) >= GOSYNC_BREAKER_EVENTS / 2;
}

/* A change is queued, or the changers will make no more. */
static bool gb_queued_or_over(struct gb_fx *fx, struct gosync_breaker *b)
{
	return gb_pending(b) ||
	       atomic_read(&fx->changers_done) == fx->nr_changers;
}

static bool gb_is_changer(struct gb_fx *fx, struct task_struct *task)
{
	unsigned int i;

	for (i = 0; i < GB_HANDOFF_THREADS; i++)
		if (READ_ONCE(fx->changer[i]) == task)
			return true;
	return false;
}

/*
 * GB_HANDOFF: who delivers what. The first context's notifier, on its
 * first delivery, lets the changers go and holds on until they have
 * queued GOSYNC_BREAKER_EVENTS / 2 changes behind its own; on every
 * delivery it then waits while nothing is queued and the changers are not
 * done, so a context that delivers whatever is queued (before the fix)
 * delivers every change of the run. Deliveries by neither the first
 * context nor a changer are changes handed on: they must run in process
 * context, with preemption disabled.
 */
static void gb_handoff_notify(struct gb_fx *fx,
			      const struct gosync_breaker_event *ev)
{
	struct gosync_breaker *b = ev->breaker;

	if (current == READ_ONCE(fx->first)) {
		if (atomic_inc_return(&fx->first_delivered) == 1) {
			/* Pairs with smp_load_acquire() in gb_handoff_body(). */
			smp_store_release(&fx->go, true);
			gb_hold(fx, gb_changers_queued(fx));
		}
		gb_hold(fx, gb_queued_or_over(fx, b));
	} else if (gb_is_changer(fx, current)) {
		atomic_inc(&fx->by_changers);
	} else {
		atomic_inc(&fx->handed);
		if (!in_task() || preemptible())
			atomic_inc(&fx->handed_bad);
	}
}

static int gb_notify(struct notifier_block *nb, unsigned long action,
		     void *data)
{
	struct gb_fx *fx = container_of(nb, struct gb_fx, nb);
	const struct gosync_breaker_event *ev = data;
	struct gosync_breaker_counts c;
	struct gb_rec *r;
	int n;

	/* One change at a time, in order, none skipped. */
	if (atomic_inc_return(&fx->depth) != 1)
		atomic_inc(&fx->nested);
	if (ev->gen != (u64)atomic64_read(&fx->last_gen) + 1)
		atomic_inc(&fx->gaps);
	atomic64_set(&fx->last_gen, ev->gen);
	atomic64_inc(&fx->delivered);
	if (action != ev->to || ev->breaker != fx->nb_b)
		atomic_inc(&fx->errors);
	if (fx->mode == GB_HANDOFF) {
		gb_handoff_notify(fx, ev);
	} else if (fx->mode != GB_CONCURRENT) {
		gosync_breaker_counts(ev->breaker, &c);
		n = atomic_inc_return(&fx->nlog) - 1;
		if (n < GB_LOG) {
			r = &fx->log[n];
			r->ev = *ev;
			r->action = action;
			r->state = gosync_breaker_state(ev->breaker);
			r->gen = c.gen;
			r->pending = c.pending_events;
		}
		gb_react(fx, ev);
	}
	atomic_dec(&fx->depth);
	return NOTIFY_OK;
}

static void gb_listen(struct kunit *test, struct gosync_breaker *b,
		      enum gb_mode mode)
{
	struct gb_fx *fx = test->priv;

	fx->mode = mode;
	fx->nb.notifier_call = gb_notify;
	fx->nb_b = b;
	atomic64_set(&fx->last_gen, gb_counts(b).gen);
	KUNIT_ASSERT_EQ(test, gosync_breaker_notifier_register(b, &fx->nb), 0);
}

static void gb_expect_clean_delivery(struct kunit *test)
{
	struct gb_fx *fx = test->priv;

	KUNIT_EXPECT_EQ(test, atomic_read(&fx->nested), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->gaps), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->errors), 0);
}

/* Unregister the notifier, after checking every delivery was clean. */
static void gb_unlisten(struct kunit *test)
{
	struct gb_fx *fx = test->priv;

	gb_expect_clean_delivery(test);
	KUNIT_EXPECT_EQ(test,
			gosync_breaker_notifier_unregister(fx->nb_b, &fx->nb),
			0);
	fx->nb_b = NULL;
}

/* Check log entry @i: the event, and what the notifier saw on entry. */
static void gb_expect_ev(struct kunit *test, int i,
			 enum gosync_breaker_state from,
			 enum gosync_breaker_state to, bool forced,
			 enum gosync_breaker_reason reason)
{
	struct gb_fx *fx = test->priv;
	struct gb_rec *r = &fx->log[i];

	KUNIT_ASSERT_LT(test, i, atomic_read(&fx->nlog));
	KUNIT_EXPECT_EQ_MSG(test, r->ev.from, from, "event %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r->ev.to, to, "event %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r->action, (unsigned long)to, "event %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r->ev.forced, forced, "event %d", i);
	KUNIT_EXPECT_EQ_MSG(test, r->ev.reason, reason, "event %d", i);
	if (fx->mode != GB_FILL_PROBE)	/* it moves the clock */
		KUNIT_EXPECT_EQ_MSG(test, r->ev.time_ns, gb_now(fx), "event %d",
				    i);
	if (i)
		KUNIT_EXPECT_EQ_MSG(test, r->ev.gen, fx->log[i - 1].ev.gen + 1,
				    "event %d", i);
}

/* Expect @n log entries, the last of them this change. */
static void gb_expect_last_ev(struct kunit *test, int n,
			      enum gosync_breaker_state from,
			      enum gosync_breaker_state to, bool forced,
			      enum gosync_breaker_reason reason)
{
	struct gb_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, atomic_read(&fx->nlog), n);
	gb_expect_ev(test, n - 1, from, to, forced, reason);
}

/* ---- options ------------------------------------------------------- */

/* Each check of gb_check_opts(), in order: each alone makes init fail. */
static const struct {
	const char *what;
	struct gosync_breaker_opts o;
} gb_bad_opts[] = {
	{ "flags", { .flags = GOSYNC_BREAKER_FLAGS_ALL + 1 } },
	{ "consecutive",
	  { .consecutive = GOSYNC_BREAKER_CONSECUTIVE_MAX + 1 } },
	{ "failure_rate", { .failure_rate = 101 } },
	{ "slow_rate", { .slow_rate = 101, .slow_us = 1 } },
	{ "slow_rate without slow_us", { .slow_rate = 50 } },
	{ "buckets", { .buckets = GOSYNC_BREAKER_BUCKETS_MAX + 1 } },
	{ "bucket_ms", { .bucket_ms = GOSYNC_BREAKER_BUCKET_MS_MAX + 1 } },
	{ "open_ms", { .open_ms = GOSYNC_BREAKER_OPEN_MS_MAX + 1 } },
	{ "open_max_ms", { .open_max_ms = GOSYNC_BREAKER_OPEN_MS_MAX + 1 } },
	{ "half_open_max_ms",
	  { .half_open_max_ms = GOSYNC_BREAKER_OPEN_MS_MAX + 1 } },
	{ "open_max_ms < open_ms", { .open_ms = 100, .open_max_ms = 99 } },
	{ "open_max_ms < default open_ms",
	  { .open_max_ms = GOSYNC_BREAKER_DEFAULT_OPEN_MS - 1 } },
	{ "probes", { .probes = GOSYNC_BREAKER_PROBES_MAX + 1 } },
	{ "successes", { .successes = GOSYNC_BREAKER_PROBES_MAX + 1 } },
	{ "nr_ignore", { .nr_ignore = GOSYNC_BREAKER_IGNORE_MAX + 1 } },
	{ "ignore 0", { .nr_ignore = 2, .ignore = { -EIO, 0 } } },
	{ "ignore positive", { .nr_ignore = 1, .ignore = { EIO } } },
	{ "ignore below -MAX_ERRNO",
	  { .nr_ignore = 1, .ignore = { -MAX_ERRNO - 1 } } },
};

static void breaker_init_errors_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_opts o;
	struct gosync_breaker *b;
	int i;

	KUNIT_EXPECT_EQ(test, gosync_breaker_init(&fx->b[0], NULL, GFP_KERNEL),
			-EINVAL);
	for (i = 0; i < ARRAY_SIZE(gb_bad_opts); i++) {
		o = gb_bad_opts[i].o;
		o.name = "kunit-bad";
		KUNIT_EXPECT_EQ_MSG(test,
				    gosync_breaker_init(&fx->b[0], &o, GFP_KERNEL),
				    -EINVAL, "%s", gb_bad_opts[i].what);
	}
	KUNIT_EXPECT_FALSE(test, fx->live[0]);
	gosync_breaker_destroy(&fx->b[0]);	/* never set up: a no-op */
	gosync_breaker_destroy(NULL);

	/* Every limit itself is accepted. */
	o = (struct gosync_breaker_opts){
		.flags = GOSYNC_BREAKER_FLAGS_ALL,
		.consecutive = GOSYNC_BREAKER_CONSECUTIVE_MAX,
		.failure_rate = 100,
		.slow_rate = 100,
		.slow_us = 1,
		.buckets = GOSYNC_BREAKER_BUCKETS_MAX,
		.bucket_ms = GOSYNC_BREAKER_BUCKET_MS_MAX,
		.open_ms = GOSYNC_BREAKER_OPEN_MS_MAX,
		.open_max_ms = GOSYNC_BREAKER_OPEN_MS_MAX,
		.half_open_max_ms = GOSYNC_BREAKER_OPEN_MS_MAX,
		.probes = GOSYNC_BREAKER_PROBES_MAX,
		.successes = GOSYNC_BREAKER_PROBES_MAX,
		.nr_ignore = GOSYNC_BREAKER_IGNORE_MAX,
	};
	for (i = 0; i < GOSYNC_BREAKER_IGNORE_MAX; i++)
		o.ignore[i] = -MAX_ERRNO + i;
	b = gb_make(test, 0, &o);
	GB_EXPECT_COUNTS(test, b, .open_delay_ms = GB_EQ(GOSYNC_BREAKER_OPEN_MS_MAX));
	KUNIT_EXPECT_EQ(test, gb_call(b, -MAX_ERRNO, 0), 1);
	gb_kill(test, 0);

	/* Defaults: five failures in a row, a minute open. */
	b = GB_NEW(test, 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .forced = GB_EQ(false), .gen = GB_EQ(1),
			 .open_delay_ms = GB_EQ(GOSYNC_BREAKER_DEFAULT_OPEN_MS));
	gb_calls(test, b, GOSYNC_BREAKER_DEFAULT_CONSECUTIVE - 1, -EIO, 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	gb_advance_ms(fx, GOSYNC_BREAKER_DEFAULT_OPEN_MS - 1);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), -EAGAIN);
	gb_advance_ms(fx, 1);
	/* One probe, one success closes. */
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);

	KUNIT_EXPECT_STREQ(test, gosync_breaker_state_name(GOSYNC_BREAKER_CLOSED),
			   "closed");
	KUNIT_EXPECT_STREQ(test, gosync_breaker_state_name(GOSYNC_BREAKER_OPEN),
			   "open");
	KUNIT_EXPECT_STREQ(test,
			   gosync_breaker_state_name(GOSYNC_BREAKER_HALF_OPEN),
			   "half-open");
	KUNIT_EXPECT_STREQ(test, gosync_breaker_state_name(3), "?");
	KUNIT_EXPECT_STREQ(test,
			   gosync_breaker_reason_name(GOSYNC_BREAKER_R_CONSECUTIVE),
			   "consecutive");
	KUNIT_EXPECT_STREQ(test,
			   gosync_breaker_reason_name(GOSYNC_BREAKER_R_RESET),
			   "reset");
	for (i = 0; i < GOSYNC_BREAKER_R_NR; i++)
		KUNIT_EXPECT_STRNEQ(test, gosync_breaker_reason_name(i), "?");
	KUNIT_EXPECT_STREQ(test, gosync_breaker_reason_name(GOSYNC_BREAKER_R_NR),
			   "?");
}

/* ---- CLOSED -> OPEN ------------------------------------------------ */

static void breaker_consecutive_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 3,
					  .open_ms = 100);

	gb_listen(test, b, GB_LOG_ONLY);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gb_call(b, -ENODEV, 0), 0);
	GB_EXPECT_COUNTS(test, b, .consecutive = GB_EQ(2), .calls = GB_EQ(2),
			 .failures = GB_EQ(2));
	/* A success (0 or positive) breaks the run. */
	KUNIT_EXPECT_EQ(test, gb_call(b, 7, 0), 0);
	GB_EXPECT_COUNTS(test, b, .consecutive = GB_EQ(0), .calls = GB_EQ(3));
	gb_calls(test, b, 2, -EIO, 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->nlog), 0);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);

	/* Tripped, into a new generation: the window and the run start empty. */
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_OPEN),
			 .forced = GB_EQ(false), .gen = GB_EQ(2),
			 .trips = GB_EQ(1), .transitions = GB_EQ(1),
			 .calls = GB_EQ(0), .consecutive = GB_EQ(0),
			 .pending_events = GB_EQ(0));
	gb_expect_last_ev(test, 1, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN,
			  false, GOSYNC_BREAKER_R_CONSECUTIVE);
	KUNIT_EXPECT_EQ(test, fx->log[0].ev.gen, 2ULL);
	KUNIT_EXPECT_EQ(test, fx->log[0].state, GOSYNC_BREAKER_OPEN);

	gb_calls(test, b, 2, 0, -EAGAIN);
	GB_EXPECT_COUNTS(test, b, .rejected = GB_EQ(2));
	gb_unlisten(test);
}

/* Rate 50%, min_calls 10: the threshold and min_calls exactly. */
static void breaker_failure_rate_test(struct kunit *test)
{
	struct gosync_breaker *b = GB_NEW(test, 0, .failure_rate = 50,
					  .min_calls = 10, .buckets = 4,
					  .bucket_ms = 100, .open_ms = 100);

	gb_listen(test, b, GB_LOG_ONLY);
	/* Only the rate: no default consecutive policy. */
	gb_calls(test, b, 9, -EIO, 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .calls = GB_EQ(9), .failures = GB_EQ(9));
	/* The tenth call reaches min_calls. */
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	gb_expect_last_ev(test, 1, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN,
			  false, GOSYNC_BREAKER_R_FAILURE_RATE);

	/* Closed afresh: 6 ok + 4 failed is 40%; 5 of 11 is 45%; 6 of 12 trips. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_reset(b), 0);
	gb_calls(test, b, 6, 0, 0);
	gb_calls(test, b, 5, -EIO, 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .calls = GB_EQ(11), .failures = GB_EQ(5));
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	gb_expect_last_ev(test, 3, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN,
			  false, GOSYNC_BREAKER_R_FAILURE_RATE);
	GB_EXPECT_COUNTS(test, b, .trips = GB_EQ(2), .transitions = GB_EQ(3));
	gb_unlisten(test);
}

/* Slow calls: by explicit duration and measured from the ticket. */
static void breaker_slow_rate_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_ticket t = {};
	struct gosync_breaker *b = GB_NEW(test, 0, .slow_rate = 50,
					  .slow_us = 1000, .min_calls = 6,
					  .buckets = 2, .bucket_ms = 1000);

	gb_listen(test, b, GB_LOG_ONLY);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 1000 * 1000 - 1), 0);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 1000 * 1000), 0);	/* slow */
	/* Failures do not trip a slow-rate-only breaker. */
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(4), .slow = GB_EQ(1),
			 .failures = GB_EQ(1));

	/* Measured: admitted, then 2 ms pass on the clock. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
	KUNIT_EXPECT_EQ(test, t.start, gb_now(fx));
	gb_advance_ms(fx, 2);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0,
						  GOSYNC_BREAKER_DURATION_AUTO),
			0);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(5), .slow = GB_EQ(2),
			 .state = GB_EQ(GOSYNC_BREAKER_CLOSED));
	/* 3 slow of 6: the threshold exactly, at min_calls exactly. */
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 5 * GB_MS), 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_OPEN));
	gb_expect_last_ev(test, 1, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN,
			  false, GOSYNC_BREAKER_R_SLOW_RATE);
	gb_unlisten(test);
}

/* ---- HALF_OPEN ----------------------------------------------------- */

static void gb_trip(struct kunit *test, struct gosync_breaker *b)
{
	int i;

	for (i = 0; i < 1000 && gosync_breaker_state(b) ==
	     GOSYNC_BREAKER_CLOSED; i++)
		KUNIT_ASSERT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_ASSERT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
}

/*
 * Expect OPEN to reject until exactly @ms from now, then admit a probe
 * (@t) into HALF_OPEN.
 */
static void gb_expect_open_for(struct kunit *test, struct gosync_breaker *b,
			       unsigned int ms, struct gosync_breaker_ticket *t)
{
	struct gb_fx *fx = test->priv;

	KUNIT_EXPECT_EQ(test, gb_counts(b).open_delay_ms, ms);
	gb_advance_ms(fx, ms - 1);
	KUNIT_EXPECT_EQ_MSG(test, gosync_breaker_allow(b, t), -EAGAIN,
			    "open %u ms", ms);
	gb_advance_ms(fx, 1);
	KUNIT_ASSERT_EQ_MSG(test, gosync_breaker_allow(b, t), 0, "open %u ms",
			    ms);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_HALF_OPEN);
}

/* Trip @b and wait out its @ms open: @t is the first probe. */
static void gb_trip_to_probe(struct kunit *test, struct gosync_breaker *b,
			     unsigned int ms, struct gosync_breaker_ticket *t)
{
	gb_trip(test, b);
	gb_expect_open_for(test, b, ms, t);
}

/*
 * OPEN -> HALF_OPEN lazily at open_ms exactly; K = 2 probes at a time;
 * S = 3 successes close it.
 */
static void breaker_half_open_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_ticket t[4] = {};
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1,
					  .open_ms = 100, .probes = 2,
					  .successes = 3);

	gb_listen(test, b, GB_LOG_ONLY);
	gb_trip(test, b);
	gb_advance_ms(fx, 99);
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &t[0]), -EAGAIN);
	gb_advance_ms(fx, 1);
	/* Lazy: the delay is over, but only allow() moves it. */
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->nlog), 1);
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_HALF_OPEN);
	gb_expect_last_ev(test, 2, GOSYNC_BREAKER_OPEN, GOSYNC_BREAKER_HALF_OPEN,
			  false, GOSYNC_BREAKER_R_OPEN_EXPIRED);
	KUNIT_EXPECT_EQ(test, t[0].gen, fx->log[1].ev.gen);

	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t[1]), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &t[2]), -EBUSY);
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &t[2]), -EBUSY);
	GB_EXPECT_COUNTS(test, b, .probes = GB_EQ(2),
			 .probe_successes = GB_EQ(0), .rejected = GB_EQ(3));

	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[0], 0, 0), 0);
	GB_EXPECT_COUNTS(test, b, .probes = GB_EQ(1),
			 .probe_successes = GB_EQ(1));
	/* An ignored probe result gives the slot back, counts nothing. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t[2]), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[2], -EINTR, 0), 1);
	GB_EXPECT_COUNTS(test, b, .probes = GB_EQ(1),
			 .probe_successes = GB_EQ(1), .ignored = GB_EQ(1),
			 .state = GB_EQ(GOSYNC_BREAKER_HALF_OPEN));

	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t[2]), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &t[3]), -EBUSY);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[1], 1, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_HALF_OPEN);
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t[3]), 0);
	/* The third success in a row closes it. */
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[2], 0, 0), 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .probes = GB_EQ(0), .probe_successes = GB_EQ(0),
			 .trips = GB_EQ(1), .transitions = GB_EQ(3));
	gb_expect_last_ev(test, 3, GOSYNC_BREAKER_HALF_OPEN,
			  GOSYNC_BREAKER_CLOSED, false,
			  GOSYNC_BREAKER_R_PROBES_OK);
	/* The probe still out belongs to HALF_OPEN's generation. */
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[3], -EIO, 0), -ESTALE);
	GB_EXPECT_COUNTS(test, b, .stale = GB_EQ(1),
			 .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .calls = GB_EQ(0));
	gb_unlisten(test);
}

/* Expect @b back in OPEN for a failed probe: the @n-th change. */
static void gb_expect_reopened(struct kunit *test, struct gosync_breaker *b,
			       int n)
{
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	gb_expect_last_ev(test, n, GOSYNC_BREAKER_HALF_OPEN,
			  GOSYNC_BREAKER_OPEN, false,
			  GOSYNC_BREAKER_R_PROBE_FAILED);
}

/* HALF_OPEN -> OPEN: a failed probe, a slow probe. */
static void breaker_probe_failed_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_ticket t[2] = {};
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1,
					  .slow_us = 500, .open_ms = 100,
					  .probes = 2, .successes = 1);

	gb_listen(test, b, GB_LOG_ONLY);
	/* A failed probe; the other one out is then stale. */
	gb_trip_to_probe(test, b, 100, &t[0]);
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t[1]), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[0], -EIO, 0), 0);
	gb_expect_reopened(test, b, 3);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[1], 0, 0), -ESTALE);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), -EAGAIN);

	/* A successful but slow probe (measured on the clock) fails too. */
	gb_expect_open_for(test, b, 100, &t[0]);
	gb_advance_ms(fx, 1);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[0], 0,
						  GOSYNC_BREAKER_DURATION_AUTO),
			0);
	gb_expect_reopened(test, b, 5);

	/* Just under slow_us is a success: closes (successes = 1). */
	gb_advance_ms(fx, 100);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 500 * 1000 - 1), 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .trips = GB_EQ(3), .stale = GB_EQ(1));
	gb_unlisten(test);
}

/*
 * Breaker @i (with @flags) half-open for half_open_max_ms, its one probe
 * @t[0] never reporting: each allow() of @t[1] until then is -EBUSY. The
 * next allow() of @t[1] is the caller's.
 */
static struct gosync_breaker *gb_stuck(struct kunit *test, int i,
				       unsigned int flags,
				       struct gosync_breaker_ticket *t)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = GB_NEW(test, i, .flags = flags,
					  .consecutive = 1, .open_ms = 100,
					  .half_open_max_ms = 50);

	atomic_set(&fx->nlog, 0);
	gb_listen(test, b, GB_LOG_ONLY);
	gb_trip_to_probe(test, b, 100, &t[0]);
	gb_advance_ms(fx, 49);
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &t[1]), -EBUSY);
	gb_advance_ms(fx, 1);
	return b;
}

/* A half-open breaker whose probes never report. */
static void breaker_stuck_test(struct kunit *test)
{
	struct gosync_breaker_ticket t[2] = {};
	struct gosync_breaker_counts c;
	struct gosync_breaker *b = gb_stuck(test, 0, 0, t);

	/* Stuck: back to OPEN, which rejects this very call. */
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &t[1]), -EAGAIN);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_OPEN),
			 .probes = GB_EQ(0));
	gb_expect_last_ev(test, 3, GOSYNC_BREAKER_HALF_OPEN, GOSYNC_BREAKER_OPEN,
			  false, GOSYNC_BREAKER_R_HALF_OPEN_STUCK);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[0], 0, 0), -ESTALE);
	gb_unlisten(test);
	gb_kill(test, 0);

	/* GOSYNC_BREAKER_STUCK_CLOSES: to CLOSED, which admits the call. */
	b = gb_stuck(test, 1, GOSYNC_BREAKER_STUCK_CLOSES, t);
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t[1]), 0);
	c = GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED));
	KUNIT_EXPECT_EQ(test, t[1].gen, c.gen);
	gb_expect_last_ev(test, 3, GOSYNC_BREAKER_HALF_OPEN,
			  GOSYNC_BREAKER_CLOSED, false,
			  GOSYNC_BREAKER_R_HALF_OPEN_STUCK);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[0], -EIO, 0), -ESTALE);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t[1], 0, 0), 0);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(1),
			 .state = GB_EQ(GOSYNC_BREAKER_CLOSED));
	gb_unlisten(test);
}

/* ---- the window ---------------------------------------------------- */

/*
 * 4 buckets of 100 ms, rate 50%, min_calls 4. Epoch E is the start. On
 * one CPU (migration off), so the bucket reused after wrap-around is the
 * one the old calls were counted in.
 */
static void breaker_window_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = GB_NEW(test, 0, .failure_rate = 50,
					  .min_calls = 4, .buckets = 4,
					  .bucket_ms = 100);

	migrate_disable();
	/* E: 3 failures, under min_calls. */
	gb_calls(test, b, 3, -EIO, 0);
	/* E + 3, last instant: still in the window. */
	gb_advance_ms(fx, 399);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(3), .failures = GB_EQ(3));
	/* E + 4: out; the bucket index wraps to E's, which is zeroed. */
	gb_advance_ms(fx, 1);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(0), .failures = GB_EQ(0));
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(1), .failures = GB_EQ(1),
			 .state = GB_EQ(GOSYNC_BREAKER_CLOSED));

	/* Rolling: E+4: 1 failed; E+5: 2 ok; E+6: 1 ok. */
	gb_advance_ms(fx, 100);
	gb_calls(test, b, 2, 0, 0);
	gb_advance_ms(fx, 100);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), 0);
	/* E+8 (window E+5..E+8): 3 ok; a failure is 1 of 4, 2 of 5. */
	gb_advance_ms(fx, 200);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(3), .failures = GB_EQ(0));
	gb_calls(test, b, 2, -EIO, 0);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(5), .failures = GB_EQ(2),
			 .state = GB_EQ(GOSYNC_BREAKER_CLOSED));
	/* E+9 (E+6..E+9): 1 ok + 2 failed; one more failure: 3 of 4. */
	gb_advance_ms(fx, 100);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(3), .failures = GB_EQ(2));
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	migrate_enable();
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_OPEN),
			 .trips = GB_EQ(1));
}

/* ---- generations, ignored errnos, double done ---------------------- */

/*
 * gobreaker's guard: a slow call admitted while CLOSED, failing after the
 * breaker tripped and recovered, must not re-open it.
 */
static void breaker_generation_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_ticket old = {}, t = {};
	struct gosync_breaker_counts c;
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1,
					  .open_ms = 10);

	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &old), 0);
	KUNIT_EXPECT_EQ(test, old.gen, 1ULL);
	gb_trip(test, b);
	gb_advance_ms(fx, 10);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), 0);
	c = GB_EXPECT_COUNTS(test, b, .gen = GB_EQ(4));
	KUNIT_ASSERT_EQ(test, c.state, GOSYNC_BREAKER_CLOSED);

	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &old, -EIO, 0), -ESTALE);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .stale = GB_EQ(1), .calls = GB_EQ(0),
			 .failures = GB_EQ(0), .consecutive = GB_EQ(0),
			 .transitions = GB_EQ(3));

	/* Reset and forcing also start a generation. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
	KUNIT_ASSERT_EQ(test, gosync_breaker_reset(b), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), -ESTALE);
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_closed(b), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, -EINTR, 0), -ESTALE);
	GB_EXPECT_COUNTS(test, b, .stale = GB_EQ(3), .ignored = GB_EQ(0),
			 .calls = GB_EQ(0), .gen = GB_EQ(6));
}

static void breaker_ignore_test(struct kunit *test)
{
	struct gosync_breaker *b;

	/* Default list, with a breaker that trips on any failure. */
	b = GB_NEW(test, 0, .consecutive = 1);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EINTR, 0), 1);
	KUNIT_EXPECT_EQ(test, gb_call(b, -ERESTARTSYS, 0), 1);
	KUNIT_EXPECT_EQ(test, gb_call(b, -ECANCELED, 0), 1);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .ignored = GB_EQ(3), .calls = GB_EQ(0),
			 .failures = GB_EQ(0), .consecutive = GB_EQ(0));
	gb_kill(test, 0);

	/* An ignored result does not break a run of failures either. */
	b = GB_NEW(test, 0, .consecutive = 2);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EINTR, 0), 1);
	GB_EXPECT_COUNTS(test, b, .consecutive = GB_EQ(1));
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	gb_kill(test, 0);

	/* A custom list replaces the default one. */
	b = GB_NEW(test, 0, .consecutive = 1, .nr_ignore = 2,
		   .ignore = { -ENOENT, -EAGAIN });
	KUNIT_EXPECT_EQ(test, gb_call(b, -ENOENT, 0), 1);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EAGAIN, 0), 1);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EINTR, 0), 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_OPEN),
			 .ignored = GB_EQ(2));
	gb_kill(test, 0);

	/* GOSYNC_BREAKER_IGNORE_EXACT with none: nothing is ignored. */
	b = GB_NEW(test, 0, .consecutive = 1,
		   .flags = GOSYNC_BREAKER_IGNORE_EXACT);
	KUNIT_EXPECT_EQ(test, gb_call(b, -ECANCELED, 0), 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_OPEN),
			 .ignored = GB_EQ(0));
	gb_kill(test, 0);

	/* GOSYNC_BREAKER_IGNORE_EXACT with a list: that list only. */
	b = GB_NEW(test, 0, .consecutive = 1,
		   .flags = GOSYNC_BREAKER_IGNORE_EXACT, .nr_ignore = 1,
		   .ignore = { -ETIMEDOUT });
	KUNIT_EXPECT_EQ(test, gb_call(b, -ETIMEDOUT, 0), 1);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EINTR, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
}

static void breaker_double_done_test(struct kunit *test)
{
	struct gosync_breaker_ticket t = {}, never = {};
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 2,
					  .open_ms = 10);

	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &never, 0, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, t.gen, 0ULL);
	/* Used: not counted again (it would trip: consecutive = 2). */
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, -EIO, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), -EINVAL);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .calls = GB_EQ(2), .failures = GB_EQ(1),
			 .stale = GB_EQ(0));

	/* In HALF_OPEN: a second done must not free a second probe slot. */
	gb_trip_to_probe(test, b, 10, &t);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, -EINTR, 0), 1);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, -EINTR, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &never), -EBUSY);
	GB_EXPECT_COUNTS(test, b, .probes = GB_EQ(1), .ignored = GB_EQ(1));
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);
}

/* ---- backoff, forcing, reset, metrics-only ------------------------- */

/*
 * Trip @b, then expect it open for each of the @n delays @ms in turn, the
 * probe (@t) admitted after each but the last failing and re-opening it.
 */
static void gb_expect_backoff(struct kunit *test, struct gosync_breaker *b,
			      struct gosync_breaker_ticket *t,
			      const unsigned int *ms, int n)
{
	int i;

	gb_trip(test, b);
	for (i = 0; i < n; i++) {
		if (i)
			KUNIT_EXPECT_EQ(test,
					gosync_breaker_done(b, t, -EIO, 0), 0);
		gb_expect_open_for(test, b, ms[i], t);
	}
}

static void breaker_backoff_test(struct kunit *test)
{
	/* Each re-trip doubles: 200, then 400 capped at 350, then 350. */
	static const unsigned int doubling[] = { 100, 200, 350, 350 };
	static const unsigned int fixed[] = { 100, 100 };
	struct gosync_breaker_ticket t = {};
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1,
					  .open_ms = 100, .open_max_ms = 350);

	GB_EXPECT_COUNTS(test, b, .open_delay_ms = GB_EQ(100));
	gb_expect_backoff(test, b, &t, doubling, ARRAY_SIZE(doubling));
	/* Closing resets it. */
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);
	GB_EXPECT_COUNTS(test, b, .open_delay_ms = GB_EQ(100));
	gb_expect_backoff(test, b, &t, doubling, 2);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, -EIO, 0), 0);
	/* So does reset, even from OPEN. */
	GB_EXPECT_COUNTS(test, b, .open_delay_ms = GB_EQ(350));
	KUNIT_ASSERT_EQ(test, gosync_breaker_reset(b), 0);
	GB_EXPECT_COUNTS(test, b, .open_delay_ms = GB_EQ(100));
	gb_expect_backoff(test, b, &t, doubling, 1);
	GB_EXPECT_COUNTS(test, b, .trips = GB_EQ(8));

	/* Without open_max_ms, the delay is fixed. */
	b = GB_NEW(test, 1, .consecutive = 1, .open_ms = 100);
	gb_expect_backoff(test, b, &t, fixed, ARRAY_SIZE(fixed));
}

static void breaker_force_reset_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_ticket t = {};
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 3,
					  .failure_rate = 50, .min_calls = 4,
					  .open_ms = 10, .open_max_ms = 1000);

	gb_listen(test, b, GB_LOG_ONLY);
	/* Forced open never half-opens, however long it waits. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_open(b), 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_OPEN),
			 .forced = GB_EQ(true));
	gb_expect_last_ev(test, 1, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN,
			  true, GOSYNC_BREAKER_R_FORCED);
	gb_advance_ms(fx, 1000);
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &t), -EAGAIN);
	gb_advance_ms(fx, GOSYNC_BREAKER_OPEN_MS_MAX);
	KUNIT_EXPECT_EQ(test, gosync_breaker_allow(b, &t), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);

	/* Forced closed never trips, but counts. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_closed(b), 0);
	gb_expect_last_ev(test, 2, GOSYNC_BREAKER_OPEN, GOSYNC_BREAKER_CLOSED,
			  true, GOSYNC_BREAKER_R_FORCED);
	gb_calls(test, b, 10, -EIO, 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .forced = GB_EQ(true), .calls = GB_EQ(10),
			 .failures = GB_EQ(10), .consecutive = GB_EQ(10),
			 .trips = GB_EQ(1));
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->nlog), 2);

	/* Reset: unforced, fresh window, run and backoff. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_reset(b), 0);
	gb_expect_last_ev(test, 3, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_CLOSED,
			  false, GOSYNC_BREAKER_R_RESET);
	GB_EXPECT_COUNTS(test, b, .forced = GB_EQ(false), .calls = GB_EQ(0),
			 .consecutive = GB_EQ(0));
	/* An old window (10 of 10) or run (10) would trip on any failure. */
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .calls = GB_EQ(1), .consecutive = GB_EQ(1));
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);
	/* 3 of 4 failed, a run of 1: the rate trips it. */
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	gb_expect_last_ev(test, 4, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN,
			  false, GOSYNC_BREAKER_R_FAILURE_RATE);

	/* Forcing open from HALF_OPEN is no re-trip: no backoff. */
	gb_expect_open_for(test, b, 10, &t);
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_open(b), 0);
	GB_EXPECT_COUNTS(test, b, .open_delay_ms = GB_EQ(10));
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), -ESTALE);
	KUNIT_ASSERT_EQ(test, gosync_breaker_reset(b), 0);
	GB_EXPECT_COUNTS(test, b, .transitions = GB_EQ(7), .gen = GB_EQ(8),
			 .deferred = GB_EQ(0));
	gb_unlisten(test);
}

static void breaker_metrics_only_test(struct kunit *test)
{
	struct gosync_breaker *b = GB_NEW(test, 0,
					  .flags = GOSYNC_BREAKER_METRICS_ONLY,
					  .consecutive = 1, .failure_rate = 10,
					  .slow_rate = 10, .slow_us = 1,
					  .min_calls = 1);
	int i;

	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_EQ(test, gb_call(b, i & 1 ? -EIO : 0,
					      i & 2 ? GB_MS : 0), 0);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EINTR, 0), 1);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .forced = GB_EQ(false), .calls = GB_EQ(20),
			 .failures = GB_EQ(10), .slow = GB_EQ(10),
			 .consecutive = GB_EQ(1), .ignored = GB_EQ(1),
			 .trips = GB_EQ(0), .transitions = GB_EQ(0),
			 .gen = GB_EQ(1));
	/* Still forceable. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_open(b), 0);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), -EAGAIN);
}

/* ---- notifiers ----------------------------------------------------- */

/*
 * A notifier that reads the breaker and changes it: trip -> (reset from
 * the notifier) -> (force_open from the notifier) -> (force_closed from
 * the notifier). Each change is delivered after the current one, in
 * order, with consecutive generations.
 */
static void breaker_notifier_reentry_test(struct kunit *test)
{
	static const struct {
		enum gosync_breaker_state from, to;
		bool forced;
		enum gosync_breaker_reason reason;
	} want[] = {
		{ GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN, false,
		  GOSYNC_BREAKER_R_CONSECUTIVE },
		{ GOSYNC_BREAKER_OPEN, GOSYNC_BREAKER_CLOSED, false,
		  GOSYNC_BREAKER_R_RESET },
		{ GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN, true,
		  GOSYNC_BREAKER_R_FORCED },
		{ GOSYNC_BREAKER_OPEN, GOSYNC_BREAKER_CLOSED, true,
		  GOSYNC_BREAKER_R_FORCED },
	};
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1);
	int i;

	gb_listen(test, b, GB_REENTER);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);

	KUNIT_EXPECT_EQ(test, fx->ret[0], 0);
	KUNIT_EXPECT_EQ(test, fx->ret[1], 0);
	KUNIT_EXPECT_EQ(test, fx->ret[2], 0);
	KUNIT_EXPECT_EQ(test, fx->inner_state, GOSYNC_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, fx->inner_pending, 1U);
	KUNIT_ASSERT_EQ(test, atomic_read(&fx->nlog), ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		gb_expect_ev(test, i, want[i].from, want[i].to, want[i].forced,
			     want[i].reason);
		/* Each delivered before the next change: the breaker was at it. */
		KUNIT_EXPECT_EQ_MSG(test, fx->log[i].ev.gen, 2ULL + i, "ev %d", i);
		KUNIT_EXPECT_EQ_MSG(test, fx->log[i].gen, fx->log[i].ev.gen,
				    "ev %d", i);
		KUNIT_EXPECT_EQ_MSG(test, fx->log[i].state, fx->log[i].ev.to,
				    "ev %d", i);
		KUNIT_EXPECT_EQ_MSG(test, fx->log[i].pending, 0U, "ev %d", i);
	}
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .forced = GB_EQ(true), .transitions = GB_EQ(4),
			 .pending_events = GB_EQ(0));
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->delivered), 4ULL);
	gb_unlisten(test);
	/* Unregistered: no more deliveries. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_reset(b), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->nlog), 4);
}

/*
 * A notifier that forces GOSYNC_BREAKER_EVENTS + 2 changes: the last two
 * get -EBUSY, as does an automatic change (deferred, counted), and every
 * queued change is delivered, in order. A later call makes the deferred
 * change.
 */
static void breaker_event_queue_limit_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1);
	const int n = GOSYNC_BREAKER_EVENTS;
	int i;

	gb_listen(test, b, GB_FILL);
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_closed(b), 0);

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, fx->ret[i], 0, "change %d", i);
	KUNIT_EXPECT_EQ(test, fx->ret[n], -EBUSY);
	KUNIT_EXPECT_EQ(test, fx->ret[n + 1], -EBUSY);
	/* The failure was recorded, its trip deferred. */
	KUNIT_EXPECT_EQ(test, fx->ret[n + 2], 0);
	KUNIT_EXPECT_EQ(test, fx->inner_state, GOSYNC_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, fx->inner_pending, (unsigned int)n);
	KUNIT_EXPECT_EQ(test, fx->inner_deferred, 1ULL);

	KUNIT_ASSERT_EQ(test, atomic_read(&fx->nlog), n + 1);
	gb_expect_ev(test, 0, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_CLOSED,
		     true, GOSYNC_BREAKER_R_FORCED);
	for (i = 1; i <= n; i++) {
		if (i & 1)
			gb_expect_ev(test, i, GOSYNC_BREAKER_CLOSED,
				     GOSYNC_BREAKER_OPEN, true,
				     GOSYNC_BREAKER_R_FORCED);
		else
			gb_expect_ev(test, i, GOSYNC_BREAKER_OPEN,
				     GOSYNC_BREAKER_CLOSED, false,
				     GOSYNC_BREAKER_R_RESET);
	}
	KUNIT_EXPECT_EQ(test, fx->log[n].ev.gen, 2ULL + n);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .gen = GB_EQ(2 + n), .transitions = GB_EQ(1 + n),
			 .pending_events = GB_EQ(0), .deferred = GB_EQ(1),
			 .consecutive = GB_EQ(1));

	/* The next failure makes the deferred trip. */
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	gb_expect_last_ev(test, n + 2, GOSYNC_BREAKER_CLOSED,
			  GOSYNC_BREAKER_OPEN, false,
			  GOSYNC_BREAKER_R_CONSECUTIVE);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->delivered), 2ULL + n);
	gb_unlisten(test);
}

/*
 * A probe fails while the event queue is full, so its re-open cannot be
 * queued. The failure must not be lost: "any failure re-opens it", and an
 * automatic change that waited is made by a later call. So the next probe
 * success must not close the breaker.
 */
static void breaker_full_queue_probe_failure_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_counts c;
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1,
					  .open_ms = 100);
	const int n = GOSYNC_BREAKER_EVENTS;
	int i, ret;

	gb_listen(test, b, GB_FILL_PROBE);
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_closed(b), 0);

	for (i = 0; i < n - 2; i++)
		KUNIT_EXPECT_EQ_MSG(test, fx->ret[i], 0, "change %d", i);
	KUNIT_EXPECT_EQ(test, fx->ret[n], 0);		/* tripped */
	KUNIT_EXPECT_EQ(test, fx->ret[n + 1], 0);	/* half-open probe */
	KUNIT_EXPECT_EQ(test, fx->ret[n + 2], -EBUSY);	/* queue full */
	KUNIT_EXPECT_EQ(test, fx->inner_pending, (unsigned int)n);
	KUNIT_EXPECT_EQ(test, fx->inner_deferred, 1ULL);
	KUNIT_ASSERT_EQ(test, atomic_read(&fx->nlog), n + 1);
	gb_expect_ev(test, n - 1, GOSYNC_BREAKER_CLOSED, GOSYNC_BREAKER_OPEN,
		     false, GOSYNC_BREAKER_R_CONSECUTIVE);
	gb_expect_ev(test, n, GOSYNC_BREAKER_OPEN, GOSYNC_BREAKER_HALF_OPEN,
		     false, GOSYNC_BREAKER_R_OPEN_EXPIRED);
	KUNIT_EXPECT_EQ(test, fx->log[n - 1].ev.time_ns, GB_T0);
	KUNIT_EXPECT_EQ(test, fx->log[n].ev.time_ns, GB_T0 + 100 * GB_MS);
	GB_EXPECT_COUNTS(test, b, .pending_events = GB_EQ(0));

	/* The queue has room again: a later call. */
	ret = gb_call(b, 0, 0);
	c = gb_counts(b);
	KUNIT_EXPECT_NE_MSG(test, c.state, GOSYNC_BREAKER_CLOSED,
			    "a failed probe was lost: the next probe (%d) closed the breaker",
			    ret);
	KUNIT_EXPECT_EQ(test, c.trips, 2ULL + n / 2 - 1);
	gb_unlisten(test);
}

/*
 * A probe result whose generation ends while done() handles it returns
 * -ESTALE, and counts.stale counts it ("results of an older generation").
 * The interleaving is injected: the clock read inside done() resets the
 * breaker. An ignored probe result is counted only if it returns 1.
 */
static void breaker_stale_probe_count_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_ticket t = {};
	struct gosync_breaker_counts c;
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1,
					  .open_ms = 10);

	gb_trip_to_probe(test, b, 10, &t);
	KUNIT_ASSERT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_HALF_OPEN);
	WRITE_ONCE(fx->hook, b);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, -EIO, 0), -ESTALE);
	KUNIT_EXPECT_NULL(test, READ_ONCE(fx->hook));
	c = GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			     .calls = GB_EQ(0), .trips = GB_EQ(1),
			     .ignored = GB_EQ(0));
	KUNIT_EXPECT_EQ_MSG(test, c.stale, 1ULL,
			    "done() returned -ESTALE without counting it");
}

/*
 * A result of generation g recorded late, after reset() moved the breaker
 * to g + 1 and this CPU counted g + 1 results in the same bucket, must not
 * wipe them; it is stale. The interleaving is injected: the clock read
 * inside done()'s record (interrupts off, so all on one CPU) resets the
 * breaker and makes N successful calls. A late success, then a late
 * failure: neither may touch the new window, the new run of failures or
 * the policies.
 */
static void breaker_late_result_test(struct kunit *test)
{
	static const int errs[] = { 0, -EIO };
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_ticket t = {};
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1,
					  .failure_rate = 50, .min_calls = 1);
	const unsigned int n = 5;
	int i;

	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
		KUNIT_ASSERT_EQ(test, t.gen, 1ULL + i);
		fx->hook_calls = n;
		WRITE_ONCE(fx->hook, b);
		KUNIT_EXPECT_EQ_MSG(test, gosync_breaker_done(b, &t, errs[i], 0),
				    -ESTALE, "late result %d of gen %d", errs[i],
				    i + 1);
		KUNIT_EXPECT_NULL(test, READ_ONCE(fx->hook));
		KUNIT_EXPECT_EQ(test, atomic_read(&fx->errors), 0);
		GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
				 .gen = GB_EQ(2 + i), .calls = GB_EQ(n),
				 .failures = GB_EQ(0), .consecutive = GB_EQ(0),
				 .stale = GB_EQ(1 + i), .trips = GB_EQ(0),
				 .transitions = GB_EQ(1 + i));
	}
}

/*
 * GB_CLOSE_RACE's racers. Racer 0 reports the success that completes the
 * probes, and stalls in the window between its check for a pending
 * re-open and its close until the queue has drained; racer 1 reports a
 * failed probe of the same generation meanwhile, while the queue is full.
 */
static int gb_racer_fn(void *arg)
{
	struct task_struct *me = current;
	struct gb_fx *fx = arg;
	struct gosync_breaker *b = &fx->b[0];

	/* Pairs with smp_store_release() in gb_react(). */
	gb_hold(fx, smp_load_acquire(&fx->probes_in));
	if (me == fx->racer[0]) {
		fx->racer_ret[0] = gosync_breaker_done(b, &fx->t_succ, 0, 0);
		complete(&fx->racer_done[0]);
	} else {
		/* Pairs with smp_store_release() in gb_close_race_hook(). */
		gb_hold(fx, smp_load_acquire(&fx->in_window));
		fx->racer_ret[1] = gosync_breaker_done(b, &fx->t_fail, -EIO, 0);
		/* Pairs with smp_load_acquire() in gb_react(). */
		smp_store_release(&fx->fail_done, true);
		/* The deliverer now delivers the full queue. */
		gb_hold(fx, !gb_pending(b));
		/* Pairs with smp_load_acquire() in gb_close_race_hook(). */
		smp_store_release(&fx->drained, true);
		complete(&fx->racer_done[1]);
	}
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

static void gb_close_race_hook(enum gosync_race where, const void *obj,
			       void *arg)
{
	struct gb_fx *fx = arg;

	if (where != GOSYNC_RACE_BREAKER_CLOSE || obj != &fx->b[0] ||
	    current != READ_ONCE(fx->racer[0]))
		return;
	/* Pairs with smp_load_acquire() in gb_racer_fn(). */
	smp_store_release(&fx->in_window, true);
	/* Pairs with smp_store_release() in gb_racer_fn(). */
	gb_hold(fx, smp_load_acquire(&fx->drained));
}

/*
 * A probe succeeds, enough to close, and finds no failed probe waiting
 * to re-open its generation; before it closes, another probe of the
 * generation fails while the event queue is full (its re-open waits for
 * the next allow()), and the queue drains. The failure must win: the
 * close is refused, and the next allow() re-opens the breaker.
 */
static void breaker_probe_failure_races_close_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1,
					  .open_ms = 100, .probes = 2,
					  .successes = 1);
	const int n = GOSYNC_BREAKER_EVENTS;
	struct gosync_breaker_counts c;
	unsigned int i;

	/* The deliverer and the stalled success busy-wait: two CPUs. */
	KUNIT_ASSERT_GE(test, num_online_cpus(), 2U);
	for (i = 0; i < ARRAY_SIZE(fx->racer); i++) {
		struct task_struct *task;

		init_completion(&fx->racer_done[i]);
		task = kthread_create(gb_racer_fn, fx, "kunit-brk-race/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		get_task_struct(task);
		fx->racer[i] = task;
	}
	__gosync_race_set(gb_close_race_hook, fx);
	fx->hooked = true;
	for (i = 0; i < ARRAY_SIZE(fx->racer); i++)
		wake_up_process(fx->racer[i]);
	gb_listen(test, b, GB_CLOSE_RACE);
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_closed(b), 0);
	for (i = 0; i < ARRAY_SIZE(fx->racer); i++)
		KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&fx->racer_done[i],
								    30 * HZ) > 0);
	__gosync_race_set(NULL, NULL);
	fx->hooked = false;

	KUNIT_EXPECT_EQ(test, atomic_read(&fx->hold_timeouts), 0);
	KUNIT_EXPECT_EQ(test, fx->ret[n], 0);		/* tripped */
	KUNIT_EXPECT_EQ(test, fx->ret[n + 1], 0);	/* two probes */
	KUNIT_EXPECT_EQ(test, fx->ret[n + 2], 0);
	KUNIT_EXPECT_EQ(test, fx->racer_ret[0], 0);
	KUNIT_EXPECT_EQ(test, fx->racer_ret[1], 0);
	c = gb_counts(b);
	KUNIT_EXPECT_NE_MSG(test, c.state, GOSYNC_BREAKER_CLOSED,
			    "a probe failed while the queue was full, and the breaker closed");
	/* The failure's re-open, by the next call. */
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), -EAGAIN);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_OPEN),
			 .pending_events = GB_EQ(0));
	KUNIT_EXPECT_EQ(test, fx->log[atomic_read(&fx->nlog) - 1].ev.reason,
			GOSYNC_BREAKER_R_PROBE_FAILED);
	gb_unlisten(test);
}

/* ---- gosync_breaker_call() ----------------------------------------- */

struct gb_fn {
	struct gb_fx *fx;
	struct gosync_breaker *b;
	int ret;
	u64 advance_ms;
	int calls;
	int inner;
};

static int gb_fn(void *arg)
{
	struct gb_fn *f = arg;

	f->calls++;
	gb_advance_ms(f->fx, f->advance_ms);
	if (f->b)
		f->inner = gosync_breaker_call(f->b, gb_fn, f, NULL);
	return f->ret;
}

/* A result gosync_breaker_call() must leave alone when it rejects. */
#define GB_UNTOUCHED	0x5a5a

static void breaker_call_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gb_fn f = { .fx = fx };
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 2,
					  .slow_rate = 60, .slow_us = 1000,
					  .min_calls = 3, .open_ms = 10);
	int res = GB_UNTOUCHED;

	/* It returns 0 once @fn ran, and @fn's result in *result. */
	f.ret = 42;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), 0);
	KUNIT_EXPECT_EQ(test, res, 42);
	f.ret = -EINTR;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), 0);
	KUNIT_EXPECT_EQ(test, res, -EINTR);
	f.ret = -EIO;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), 0);
	KUNIT_EXPECT_EQ(test, res, -EIO);
	KUNIT_EXPECT_EQ(test, f.calls, 3);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(2), .failures = GB_EQ(1),
			 .ignored = GB_EQ(1), .slow = GB_EQ(0));
	/* Its duration is measured: 3 slow of 5 calls (60%) trip it. */
	f.ret = 0;
	f.advance_ms = 1;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), 0);
	KUNIT_EXPECT_EQ(test, res, 0);
	GB_EXPECT_COUNTS(test, b, .slow = GB_EQ(1));
	/* A NULL result: @fn still runs and counts. */
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, NULL), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	/* Open: @fn is not called and the result is left alone. */
	res = GB_UNTOUCHED;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), -EAGAIN);
	KUNIT_EXPECT_EQ(test, res, GB_UNTOUCHED);
	KUNIT_EXPECT_EQ(test, f.calls, 6);
	/* Half-open, one probe: a nested call gets -EBUSY, not @fn. */
	gb_advance_ms(fx, 10);
	f.advance_ms = 0;
	f.b = b;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), 0);
	KUNIT_EXPECT_EQ(test, res, 0);
	KUNIT_EXPECT_EQ(test, f.inner, -EBUSY);
	KUNIT_EXPECT_EQ(test, f.calls, 7);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .rejected = GB_EQ(2));
	/*
	 * The device's own -EAGAIN and -EBUSY are results, not rejections:
	 * @fn ran, they count as failures, and two in a row trip it.
	 */
	f.b = NULL;
	f.ret = -EAGAIN;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), 0);
	KUNIT_EXPECT_EQ(test, res, -EAGAIN);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .failures = GB_EQ(1), .consecutive = GB_EQ(1));
	f.ret = -EBUSY;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), 0);
	KUNIT_EXPECT_EQ(test, res, -EBUSY);
	KUNIT_EXPECT_EQ(test, f.calls, 9);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	/* And the breaker's own -EAGAIN now: @fn does not run. */
	res = GB_UNTOUCHED;
	KUNIT_EXPECT_EQ(test, gosync_breaker_call(b, gb_fn, &f, &res), -EAGAIN);
	KUNIT_EXPECT_EQ(test, res, GB_UNTOUCHED);
	KUNIT_EXPECT_EQ(test, f.calls, 9);
	GB_EXPECT_COUNTS(test, b, .rejected = GB_EQ(3), .trips = GB_EQ(2));
}

/* ---- the notify timer ---------------------------------------------- */

/*
 * Wait until @n events were delivered and the breaker's timer callback is
 * over (white-box: the timer is the breaker's own).
 */
static bool gb_wait_events(struct gb_fx *fx, struct gosync_breaker *b,
			   int n, unsigned int ms)
{
	unsigned int i;

	for (i = 0; i < ms / 20; i++) {
		if (atomic_read(&fx->nlog) >= n && !hrtimer_active(&b->timer))
			return true;
		msleep(20);
	}
	return false;
}

static void breaker_notify_timer_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = GB_NEW(test, 0,
					  .flags = GOSYNC_BREAKER_NOTIFY_TIMER,
					  .consecutive = 1, .open_ms = 300);

	gb_listen(test, b, GB_LOG_ONLY);
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	/* The timer fires in 300 ms; by then the clock says it is over. */
	gb_advance_ms(fx, 300);
	KUNIT_ASSERT_TRUE(test, gb_wait_events(fx, b, 2, 20000));
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_HALF_OPEN);
	gb_expect_last_ev(test, 2, GOSYNC_BREAKER_OPEN, GOSYNC_BREAKER_HALF_OPEN,
			  false, GOSYNC_BREAKER_R_OPEN_EXPIRED);

	/* The probe fails; the clock stands still: the timer changes nothing. */
	KUNIT_EXPECT_EQ(test, gb_call(b, -EIO, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	msleep(700);
	KUNIT_EXPECT_TRUE(test, gb_wait_events(fx, b, 3, 20000));
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->nlog), 3);
	/* Then lazily, as without the timer. */
	gb_advance_ms(fx, 300);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->nlog), 5);
	/* Forced open arms no timer. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_force_open(b), 0);
	msleep(400);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	gb_unlisten(test);
}

/*
 * The notify timer fires while the coarse clock still says open, and
 * forwards itself. In the window between its checks and its forward
 * (GOSYNC_RACE_BREAKER_TIMER), a reset and a failure open the breaker
 * again, and that change re-arms the same timer, still running. The
 * timer must leave the new arming alone: forwarding an enqueued hrtimer
 * past its expiry warns (hrtimer_forward()).
 */
struct gb_timer_race {
	struct gosync_breaker *b;
	atomic_t passes;	/* windows passed */
	atomic_t reopened;	/* the window re-opened the breaker (once) */
	int reset, call;	/* what it got */
};

static void gb_timer_race_hook(enum gosync_race where, const void *obj,
			       void *arg)
{
	struct gb_timer_race *r = arg;
	unsigned int i;

	if (where != GOSYNC_RACE_BREAKER_TIMER || obj != r->b)
		return;
	atomic_inc(&r->passes);
	if (atomic_cmpxchg(&r->reopened, 0, 1))
		return;
	r->reset = gosync_breaker_reset(r->b);
	r->call = gb_call(r->b, -EIO, 0);
	/*
	 * Past the new arming's expiry (open_ms 1), by the timer's clock,
	 * as when this CPU is held up: a forward from here on warns
	 * (hrtimer_forward() leaves a timer whose expiry is still ahead
	 * alone, without a word).
	 */
	for (i = 0; i < 20000; i++) {
		if (ktime_after(ktime_get(), hrtimer_get_expires(&r->b->timer)))
			break;
		udelay(1);
	}
}

static void breaker_timer_rearm_races_forward_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	const struct gosync_breaker_opts o = {
		.name = "kunit-timer", .flags = GOSYNC_BREAKER_NOTIFY_TIMER,
		.consecutive = 1, .open_ms = 1,
	};
	struct gb_timer_race r = { .b = gb_new(test, 0, &o) };
	bool warned = test_taint(TAINT_WARN);
	unsigned int i;

	if (!__gosync_race_set(gb_timer_race_hook, &r))
		kunit_skip(test, "gosync.ko without race windows");
	fx->hooked = true;
	/* Trip until the timer finds the breaker open by the coarse clock. */
	for (i = 0; i < 100 && !atomic_read(&r.reopened); i++) {
		KUNIT_EXPECT_EQ(test, gosync_breaker_reset(r.b), 0);
		KUNIT_EXPECT_EQ(test, gb_call(r.b, -EIO, 0), 0);
		msleep(20);
	}
	/* The new arming runs out: the timer half-opens the breaker. */
	for (i = 0; i < 100; i++) {
		if (gosync_breaker_state(r.b) == GOSYNC_BREAKER_HALF_OPEN)
			break;
		msleep(20);
	}
	__gosync_race_set(NULL, NULL);
	fx->hooked = false;
	KUNIT_ASSERT_EQ_MSG(test, atomic_read(&r.reopened), 1,
			    "the timer never found the breaker open early (%d windows)",
			    atomic_read(&r.passes));
	KUNIT_EXPECT_EQ(test, r.reset, 0);
	KUNIT_EXPECT_EQ(test, r.call, 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(r.b), GOSYNC_BREAKER_HALF_OPEN);
	if (!warned)
		KUNIT_EXPECT_FALSE_MSG(test, test_taint(TAINT_WARN),
				       "the timer forwarded itself though re-armed: a warning");
}

/* ---- the inline fast path, real clock ------------------------------ */

/* Real clock, a 64-hour window: nothing ages out during a test. */
static struct gosync_breaker *gb_new_real(struct kunit *test, int i)
{
	struct gosync_breaker_opts o = {
		.name = "kunit-real",
		.consecutive = 3,
		.buckets = GOSYNC_BREAKER_BUCKETS_MAX,
		.bucket_ms = GOSYNC_BREAKER_BUCKET_MS_MAX,
	};

	return gb_new(test, i, &o);
}

static void breaker_fast_path_test(struct kunit *test)
{
	struct gosync_breaker_ticket t;
	struct gosync_breaker *b = gb_new_real(test, 0);
	unsigned long flags;
	int i, bad = 0;

	for (i = 0; i < 1000; i++) {
		t.start = 12345;
		if (gosync_breaker_allow(b, &t) || t.gen != 1 ||
		    t.start != 12345 || gosync_breaker_done(b, &t, 0, 0) ||
		    t.gen)
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(1000), .failures = GB_EQ(0));
	/* Failures pending in a row: successes take the slow path, clear it. */
	gb_calls(test, b, 2, -EIO, 0);
	GB_EXPECT_COUNTS(test, b, .consecutive = GB_EQ(2));
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), 0);
	GB_EXPECT_COUNTS(test, b, .consecutive = GB_EQ(0));
	local_irq_save(flags);
	for (i = 0; i < 10; i++)
		bad += gb_call(b, 1, 0) != 0;
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, bad, 0);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(1013), .failures = GB_EQ(2),
			 .state = GB_EQ(GOSYNC_BREAKER_CLOSED));
	/* A ticket used by the fast path is spent. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), -EINVAL);
	/* A stale ticket does not take the fast path. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_allow(b, &t), 0);
	KUNIT_ASSERT_EQ(test, gosync_breaker_reset(b), 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_done(b, &t, 0, 0), -ESTALE);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(0), .stale = GB_EQ(1));
	gb_calls(test, b, 3, -EIO, 0);
	KUNIT_EXPECT_EQ(test, gosync_breaker_state(b), GOSYNC_BREAKER_OPEN);
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), -EAGAIN);
}

/* ---- concurrency --------------------------------------------------- */

/* 55% success, 5% positive, 30% failure, 10% ignored. */
static int gb_pick(u32 r)
{
	r %= 100;
	if (r < 55)
		return 0;
	if (r < 60)
		return 1;
	if (r < 90)
		return -EIO;
	return -EINTR;
}

static bool gb_allow(struct gb_fx *fx, struct gosync_breaker *b,
		     struct gosync_breaker_ticket *t)
{
	int ret = gosync_breaker_allow(b, t);

	if (ret == -EAGAIN || ret == -EBUSY)
		atomic64_inc(&fx->rejected);
	else if (ret)
		atomic64_inc(&fx->bad);
	else
		atomic64_inc(&fx->admitted);
	return !ret;
}

static void gb_done(struct gb_fx *fx, struct gosync_breaker *b,
		    struct gosync_breaker_ticket *t, int err)
{
	int ret = gosync_breaker_done(b, t, err, GOSYNC_BREAKER_DURATION_AUTO);

	if (ret == 0 && err != -EINTR)
		atomic64_inc(&fx->ok);
	else if (ret == 1 && err == -EINTR)
		atomic64_inc(&fx->ign);
	else if (ret == -ESTALE)
		atomic64_inc(&fx->stale);
	else
		atomic64_inc(&fx->bad);
}

static void gb_one(struct gb_fx *fx, struct gosync_breaker *b, int err)
{
	struct gosync_breaker_ticket t = {};

	if (gb_allow(fx, b, &t))
		gb_done(fx, b, &t, err);
}

/* Up to 4 calls in flight at once, reported last to first. */
static void gb_batch(struct gb_fx *fx, struct gosync_breaker *b, u32 *rnd)
{
	struct gosync_breaker_ticket t[4] = {};
	unsigned int n, k, held = 0;

	*rnd = *rnd * 1103515245U + 12345U;
	n = 1 + (*rnd >> 24) % 4;
	for (k = 0; k < n; k++)
		if (gb_allow(fx, b, &t[held]))
			held++;
	while (held--) {
		*rnd = *rnd * 1103515245U + 12345U;
		gb_done(fx, b, &t[held], gb_pick(*rnd >> 8));
	}
}

static void gb_control(struct gb_fx *fx, struct gosync_breaker *b,
		       unsigned int step)
{
	int ret = 0;

	switch (step % 8) {
	case 1:
		ret = gosync_breaker_force_open(b);
		break;
	case 3:
		ret = gosync_breaker_force_closed(b);
		break;
	case 5:
	case 7:
		ret = gosync_breaker_reset(b);
		break;
	}
	if (ret == -EBUSY)
		atomic64_inc(&fx->busy);
	else if (ret)
		atomic64_inc(&fx->bad);
}

static int gb_thread_body(struct gosync_run_thread *t)
{
	struct gb_fx *fx = t->run->data;
	struct gosync_breaker *b = &fx->b[0];
	u32 rnd = t->id * 2654435761U + 1;
	unsigned int i, step = 0;

	while (gosync_run_continue(t)) {
		for (i = 0; i < 32; i++) {
			if (fx->fast_only)
				gb_one(fx, b, 0);
			else
				gb_batch(fx, b, &rnd);
		}
		t->ops += 32;
		if (t->id == 0 && !fx->fast_only)
			gb_control(fx, b, step++);
	}
	return 0;
}

static enum hrtimer_restart gb_timer_fn(struct hrtimer *timer)
{
	struct gb_fx *fx = container_of(timer, struct gb_fx, timer);
	struct gosync_breaker *b = &fx->b[0];
	u64 n = atomic64_inc_return(&fx->irq_ops);

	if (!in_hardirq())
		atomic64_inc(&fx->bad);
	if (fx->fast_only) {
		gb_one(fx, b, 0);
	} else {
		gb_one(fx, b, gb_pick((u32)n * 37U));
		if (n % 64 == 0)
			gb_control(fx, b, n / 64);
	}
	if (READ_ONCE(fx->irq_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(100 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static int gb_run(struct kunit *test, unsigned int ms)
{
	struct gb_fx *fx = test->priv;
	struct gosync_run run = {
		.name = "breaker-kunit",
		.nr_threads = min(num_online_cpus(), 8U),
		.duration_ms = ms,
		.body = gb_thread_body,
		.data = fx,
	};
	int ret;

	hrtimer_init(&fx->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	fx->timer.function = gb_timer_fn;
	fx->timer_live = true;
	hrtimer_start(&fx->timer, ns_to_ktime(100 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	ret = gosync_run_threads(&run);
	WRITE_ONCE(fx->irq_stop, true);
	hrtimer_cancel(&fx->timer);
	fx->timer_live = false;
	gosync_run_free(&run);
	return ret;
}

/*
 * Successes only, on the real clock, from every CPU and from hardirq: the
 * inline fast path (and the slow one when a CPU's tick changes) counts
 * every one, exactly.
 */
static void breaker_fast_path_concurrent_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = gb_new_real(test, 0);
	u64 ok;

	fx->fast_only = true;
	KUNIT_ASSERT_EQ(test, gb_run(test, 200), 0);
	ok = atomic64_read(&fx->ok);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->bad), 0ULL);
	KUNIT_EXPECT_GT(test, (u64)atomic64_read(&fx->irq_ops), 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->admitted), ok);
	GB_EXPECT_COUNTS(test, b, .calls = GB_EQ(ok), .failures = GB_EQ(0),
			 .gen = GB_EQ(1), .rejected = GB_EQ(0));
}

/* Wait until every change is delivered: pending_events 0, none missing. */
static struct gosync_breaker_counts gb_quiesce(struct kunit *test,
					       struct gosync_breaker *b)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_counts c;
	unsigned int i;

	for (i = 0; i < 20000; i++) {
		gosync_breaker_counts(b, &c);
		if (!c.pending_events &&
		    (u64)atomic64_read(&fx->delivered) == c.transitions)
			break;
		usleep_range(1000, 2000);
	}
	KUNIT_EXPECT_EQ(test, c.pending_events, 0U);
	return c;
}

/*
 * Threads on every CPU doing allow/done with a mix of outcomes, an
 * hrtimer doing the same in hardirq context, and forces and resets from
 * a thread and the timer, on a breaker with every policy and the real
 * clock. Every return is one the API allows, events arrive one at a
 * time with consecutive generations, none lost, and the counts add up.
 */
static void breaker_concurrent_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker_opts o = {
		.name = "kunit-conc",
		.consecutive = 8,
		.failure_rate = 60,
		.min_calls = 20,
		.buckets = 4,
		.bucket_ms = 5,
		.open_ms = 1,
		.open_max_ms = 4,
		.probes = 2,
		.successes = 2,
		.half_open_max_ms = 2,
	};
	struct gosync_breaker_counts c;
	struct gosync_breaker *b = gb_new(test, 0, &o);
	u64 rej, ign, stale, done;

	gb_listen(test, b, GB_CONCURRENT);
	KUNIT_ASSERT_EQ(test, gb_run(test, 300), 0);
	/* Changes handed on to a workqueue may still be on their way. */
	gb_quiesce(test, b);
	rej = atomic64_read(&fx->rejected);
	ign = atomic64_read(&fx->ign);
	stale = atomic64_read(&fx->stale);
	done = atomic64_read(&fx->ok) + ign + stale;
	/* Each result that returned 1 or -ESTALE is counted as such. */
	c = GB_EXPECT_COUNTS(test, b, .rejected = GB_EQ(rej),
			     .stale = GB_EQ(stale), .ignored = GB_EQ(ign),
			     .pending_events = GB_EQ(0));

	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->bad), 0ULL);
	KUNIT_EXPECT_GT(test, (u64)atomic64_read(&fx->irq_ops), 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->admitted), done);
	KUNIT_EXPECT_EQ(test, c.gen, 1 + c.transitions);
	KUNIT_EXPECT_LE(test, c.trips, c.transitions);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->delivered),
			c.transitions);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->last_gen), c.gen);
	gb_expect_clean_delivery(test);
	kunit_info(test, "%llu admitted, %llu rejected, %llu stale, %llu transitions (%llu trips), %llu -EBUSY",
		   (u64)atomic64_read(&fx->admitted), rej, stale,
		   c.transitions, c.trips, (u64)atomic64_read(&fx->busy));

	/* Quiet again: a reset breaker works as a fresh one. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_reset(b), 0);
	GB_EXPECT_COUNTS(test, b, .state = GB_EQ(GOSYNC_BREAKER_CLOSED),
			 .probes = GB_EQ(0), .consecutive = GB_EQ(0));
	KUNIT_EXPECT_EQ(test, gb_call(b, 0, 0), 0);
	gb_unlisten(test);
}

/*
 * Thread 0 makes one change; threads 1.. (the changers), once it is being
 * delivered, make GB_HANDOFF_CHANGES more between them.
 */
static int gb_handoff_body(struct gosync_run_thread *t)
{
	struct gb_fx *fx = t->run->data;
	struct gosync_breaker *b = &fx->b[0];
	int n, ret;

	if (t->id == 0) {
		WRITE_ONCE(fx->first, current);
		return gosync_breaker_force_open(b);
	}
	WRITE_ONCE(fx->changer[t->id], current);
	/* Pairs with smp_store_release() in gb_handoff_notify(). */
	while (!smp_load_acquire(&fx->go))
		cpu_relax();
	while ((n = atomic_inc_return(&fx->budget)) <= GB_HANDOFF_CHANGES) {
		do {
			ret = n & 1 ? gosync_breaker_reset(b) :
				      gosync_breaker_force_open(b);
			if (ret == -EBUSY)	/* the queue is full */
				cpu_relax();
		} while (ret == -EBUSY);
		if (ret)
			return ret;
		atomic_inc(&fx->changes);
	}
	atomic_inc(&fx->changers_done);
	return 0;
}

/*
 * A context delivers only the changes queued when it began (here: its
 * own one) plus those its own notifiers make; changes other contexts make
 * meanwhile are handed on and delivered from process context. Every
 * change is delivered exactly once, in order, consecutive generations.
 */
static void breaker_notify_handoff_test(struct kunit *test)
{
	struct gb_fx *fx = test->priv;
	struct gosync_breaker *b = GB_NEW(test, 0, .consecutive = 1);
	struct gosync_run run = {
		.name = "breaker-handoff",
		.nr_threads = min(num_online_cpus(), GB_HANDOFF_THREADS),
		.duration_ms = 10,
		.body = gb_handoff_body,
		.data = fx,
	};
	struct gosync_breaker_counts c;
	int ret;

	/* The first context busy-waits for the others: two CPUs at least. */
	KUNIT_ASSERT_GE(test, num_online_cpus(), 2U);
	fx->nr_changers = run.nr_threads - 1;
	gb_listen(test, b, GB_HANDOFF);
	ret = gosync_run_threads(&run);
	gosync_run_free(&run);
	KUNIT_ASSERT_EQ(test, ret, 0);
	c = gb_quiesce(test, b);

	kunit_info(test, "%u changers; the first context delivered %d changes, the changers %d, handed on %d",
		   fx->nr_changers, atomic_read(&fx->first_delivered),
		   atomic_read(&fx->by_changers), atomic_read(&fx->handed));
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->hold_timeouts), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->changes), GB_HANDOFF_CHANGES);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&fx->first_delivered), 1,
			    "the first context delivered more than its own change");
	KUNIT_EXPECT_GE(test, atomic_read(&fx->handed),
			GOSYNC_BREAKER_EVENTS / 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->handed_bad), 0);
	KUNIT_EXPECT_EQ(test, c.transitions, 1ULL + GB_HANDOFF_CHANGES);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->delivered),
			c.transitions);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&fx->last_gen), c.gen);
	gb_unlisten(test);
}

static struct kunit_case gosync_breaker_cases[] = {
	KUNIT_CASE(breaker_init_errors_test),
	KUNIT_CASE(breaker_consecutive_test),
	KUNIT_CASE(breaker_failure_rate_test),
	KUNIT_CASE(breaker_slow_rate_test),
	KUNIT_CASE(breaker_half_open_test),
	KUNIT_CASE(breaker_probe_failed_test),
	KUNIT_CASE(breaker_stuck_test),
	KUNIT_CASE(breaker_window_test),
	KUNIT_CASE(breaker_generation_test),
	KUNIT_CASE(breaker_ignore_test),
	KUNIT_CASE(breaker_double_done_test),
	KUNIT_CASE(breaker_backoff_test),
	KUNIT_CASE(breaker_force_reset_test),
	KUNIT_CASE(breaker_metrics_only_test),
	KUNIT_CASE(breaker_notifier_reentry_test),
	KUNIT_CASE(breaker_event_queue_limit_test),
	KUNIT_CASE(breaker_full_queue_probe_failure_test),
	KUNIT_CASE(breaker_stale_probe_count_test),
	KUNIT_CASE(breaker_probe_failure_races_close_test),
	KUNIT_CASE(breaker_late_result_test),
	KUNIT_CASE(breaker_call_test),
	KUNIT_CASE(breaker_notify_timer_test),
	KUNIT_CASE(breaker_timer_rearm_races_forward_test),
	KUNIT_CASE(breaker_fast_path_test),
	KUNIT_CASE(breaker_fast_path_concurrent_test),
	KUNIT_CASE(breaker_concurrent_test),
	KUNIT_CASE(breaker_notify_handoff_test),
	{}
};

static struct kunit_suite gosync_breaker_suite = {
	.name = "gosync_breaker",
	.init = gb_init_fx,
	.exit = gb_exit_fx,
	.test_cases = gosync_breaker_cases,
};

kunit_test_suite(gosync_breaker_suite);
