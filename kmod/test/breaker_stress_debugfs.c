// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_breaker's stress run: /sys/kernel/debug/gosync_test/breaker/stress,
 * created by the breaker's debugfs component (kmod/test/breaker_debugfs.c)
 * through brkst_debugfs_init().
 *
 * stress (0600, command file; grammar of command files in parse.h)
 *	[threads=N] [duration_ms=D] [policy=consecutive|rate|slow]
 *	[open_ms=N] [backoff=0|1] [probes=K] [successes=S] [consecutive=N]
 *	[rate=P] [min_calls=N] [phase_ms=N] [fail_pct=P] [ignore_pct=P]
 *	[irq=0|1] [timer_us=N] [notify_timer=0|1] [inject=WHAT]
 *
 *	Runs N threads (default every online CPU, each on its own CPU, at
 *	most that many) for D ms (default 1000, at most 10000) calling a
 *	simulated backend through a fresh breaker with its real clock. A
 *	control thread switches the backend between failing phases, where
 *	fail_pct percent of the calls (default 90) fail with -EIO (policy
 *	slow: report a duration of twice 5 ms, i.e. are slow), and healthy
 *	phases, where none do; each phase lasts phase_ms (default 100, 10 ..
 *	10000), the first one failing. In every phase, ignore_pct percent of
 *	the calls (default 2; fail_pct + ignore_pct <= 100) end with
 *	-ECANCELED, an ignored errno. The breaker trips on consecutive=N
 *	failures in a row (policy consecutive, the default; N default 5), on
 *	a failure rate of rate=P percent (policy rate) or a slow-call rate
 *	of P percent (policy slow; P default 50) over a window of 4 buckets
 *	of 25 ms holding at least min_calls calls (default 20); it stays
 *	open open_ms (default 20, at most 1000; with backoff=1 doubled on
 *	each re-trip, up to 4 * open_ms), then admits probes=K probes at a
 *	time (default 2, at most 64) and closes after successes=S successes
 *	in a row (default K). irq=1 adds an hrtimer on each thread's CPU
 *	that makes 4 calls in hardirq context every timer_us microseconds
 *	(default 200, 20 .. 100000). notify_timer=1 creates the breaker with
 *	GOSYNC_BREAKER_NOTIFY_TIMER.
 *
 *	A notifier logs every state change (generation, from, to, reason,
 *	forced, time) in order, and each admitted call counts itself, and
 *	its probes in flight, in its generation. After the run (and, with
 *	notify_timer, once the timer has moved an open breaker to
 *	half-open on its own) the stress checks:
 *	- no call was admitted in an OPEN generation (generation 1 is
 *	  CLOSED; each event's generation is in the state it moved to);
 *	- each OPEN -> HALF_OPEN came at least the open delay after its OPEN,
 *	  both times from the breaker's own clock, the delay computed from
 *	  the events (backoff doubles it on each re-trip from HALF_OPEN,
 *	  closing resets it);
 *	- no HALF_OPEN generation had more than K calls between admission
 *	  and result at once;
 *	- the events have consecutive generations, none is forced, each
 *	  starts where the previous ended, and each transition is legal with
 *	  a reason the policy can give (closed -> open by the policy, open ->
 *	  half-open open-expired, half-open -> open probe-failed, half-open
 *	  -> closed probes-ok); their times never go back; a trip's
 *	  generation admitted at least the calls its policy needs (N, or
 *	  min_calls), and a close's at least S;
 *	- the counts add up: every admitted call's result was recorded,
 *	  ignored (only -ECANCELED) or stale; the rejections, ignored and
 *	  stale results match the breaker's counts; its transitions equal
 *	  the events delivered, trips the changes to OPEN; its state,
 *	  generation and open delay at the end are those of the last event;
 *	  no event waits for delivery and no probe is in flight.
 *	inject= plants one violation after the run, to show that its check
 *	fires: admit-open (a call admitted in an OPEN generation), probes
 *	(K + 1 probes at once), delay (a half-open 1 ns early), rejected (a
 *	rejection the breaker did not count), transition (an open ->
 *	closed); the run then fails.
 *
 *	The output is one line "result=PASS|FAIL policy= threads= calls=
 *	admitted= rejected= recorded= ignored= stale= irq_calls= trips=
 *	reopens= half_opens= closes= max_probes= probes= max_open_ms=
 *	events= lost= phases= gen= state= deferred= b_ignored= b_stale=
 *	errors=", where trips counts CLOSED -> OPEN, reopens HALF_OPEN ->
 *	OPEN, max_probes the most probes seen at once, max_open_ms the
 *	longest open delay, lost the events beyond the log of 32768 (not
 *	checked), b_ignored and b_stale the breaker's counts. On a
 *	violation, up to 8 "error: <what>" lines follow (each also logged
 *	with pr_err()) and the write fails with -EIO. Errors: the parser's
 *	(see parse.h), -EINVAL for an unknown policy or inject or a key the
 *	policy does not take (consecutive= for rate|slow, rate= or
 *	min_calls= for consecutive), -ERANGE for fail_pct + ignore_pct above
 *	100, -ENOMEM, -EINTR if a signal cut the run short, -EIO for a
 *	violation, -ETIMEDOUT if the breaker did not quiesce after the run.
 *	A rejected command starts nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <gosync/breaker.h>

#include "breaker_stress.h"
#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define BRKST_LOOP		64	/* calls between stop checks */
#define BRKST_IRQ_CALLS		4	/* calls per timer interrupt */
/* Generations tracked, and events logged (generations 2 .. BRKST_GENS + 1). */
#define BRKST_GENS		32768U
#define BRKST_BUCKETS		4	/* the rate policies' window */
#define BRKST_BUCKET_MS		25
#define BRKST_RETRIPS_MAX	32	/* as breaker.c's backoff */

/**
 * struct brkst_gen - what the calls of one generation did
 * @admitted: calls admitted in it
 * @inflight: calls between admission and result now
 * @max_inflight: the most at once
 */
struct brkst_gen {
	atomic_t admitted;
	atomic_t inflight;
	atomic_t max_inflight;
};

/**
 * struct brkst_event - a state change, as the notifier saw it
 * @time_ns: when, by the breaker's clock
 * @gen: the new generation
 * @from: the old state
 * @to: the new state
 * @reason: why
 * @forced: forced
 */
struct brkst_event {
	u64 time_ns;
	u64 gen;
	u8 from;
	u8 to;
	u8 reason;
	bool forced;
};

/**
 * struct brkst_tally - the calls of one thread, or of its timer
 * @calls: allow() calls
 * @admitted: ... that admitted
 * @rejected: ... that rejected (-EAGAIN or -EBUSY)
 * @recorded: done() that returned 0
 * @ignored: ... 1
 * @stale: ... -ESTALE
 * @untracked: admitted in a generation beyond BRKST_GENS
 */
struct brkst_tally {
	u64 calls;
	u64 admitted;
	u64 rejected;
	u64 recorded;
	u64 ignored;
	u64 stale;
	u64 untracked;
};

struct brkst;

/**
 * struct brkst_thread - one stress thread
 * @s: the run
 * @rnd: its random state
 * @irq_rnd: its timer's random state
 * @timer: its hrtimer (irq=1)
 * @timer_stop: the timer must not re-arm
 * @c: its calls
 * @irq: its timer's calls
 */
struct brkst_thread {
	struct brkst *s;
	u32 rnd;
	u32 irq_rnd;
	struct hrtimer timer;
	bool timer_stop;
	struct brkst_tally c;
	struct brkst_tally irq;
};

/**
 * struct brkst - one stress run
 * @b: the breaker under test
 * @a: the arguments
 * @nb: the notifier that logs the events
 * @period: the timer period (irq=1)
 * @fail_pct: the backend's current failure percentage (control thread)
 * @phases: phases the control thread began
 * @th: per-thread state
 * @gens: per-generation counts, indexed by generation
 * @log_lock: guards @log, @nr_events
 * @log: the events, in order
 * @nr_events: events delivered (logged or not)
 * @v: the violations found
 */
struct brkst {
	struct gosync_breaker b;
	struct brkst_args a;
	struct notifier_block nb;
	ktime_t period;
	u32 fail_pct;
	u64 phases;
	struct brkst_thread *th;
	struct brkst_gen *gens;
	raw_spinlock_t log_lock;	/* guards log, nr_events */
	struct brkst_event *log;
	u64 nr_events;
	struct gosync_violations v;
};

/* Any context: record one violation. */
static __printf(2, 3) void brkst_fail(struct brkst *s, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	gosync_vviolation(&s->v, fmt, args);
	va_end(args);
}

/* ------------------------------------------------------------------ */
/* The callers.                                                        */

/* The simulated backend: the result of one call and its duration. */
static int brkst_backend(struct brkst *s, u32 *rnd, u64 *duration)
{
	u32 r = gosync_xorshift32(rnd);
	u32 pct = r % 100;
	/* Pairs with WRITE_ONCE() in brkst_control(); a setting, no data. */
	u32 fail = READ_ONCE(s->fail_pct);

	/* Mostly an explicit duration; now and then measured since allow(). */
	*duration = (r >> 8) & 7 ? 0 : GOSYNC_BREAKER_DURATION_AUTO;
	if (pct < fail) {
		if (s->a.policy != BRKST_SLOW)
			return -EIO;
		*duration = 2ULL * BRKST_SLOW_US * NSEC_PER_USEC;
		return 0;
	}
	if (pct < fail + s->a.ignore_pct)
		return -ECANCELED;
	return 0;
}

/*
 * One call through the breaker, from a thread or (@irq) a timer. A probe
 * takes a few microseconds, so that probes overlap up to the limit; with
 * irq=1 a thread's probe outlasts the timer period, so that the timer's
 * calls probe while it is in flight (under TCG, vCPUs seldom overlap).
 */
static void brkst_call(struct brkst *s, struct brkst_tally *c, u32 *rnd,
		       bool irq)
{
	struct gosync_breaker_ticket t;
	struct brkst_gen *g = NULL;
	unsigned int spin;
	int ret, err, n, m;
	u64 duration, gen;

	c->calls++;
	ret = gosync_breaker_allow(&s->b, &t);
	if (ret) {
		if (ret != -EAGAIN && ret != -EBUSY)
			brkst_fail(s, "allow() returned %d", ret);
		c->rejected++;
		return;
	}
	c->admitted++;
	gen = t.gen;
	if (!gen)
		brkst_fail(s, "allow() admitted a call in generation 0");
	if (gen && gen < BRKST_GENS) {
		g = &s->gens[gen];
		atomic_inc(&g->admitted);
		n = atomic_inc_return(&g->inflight);
		m = atomic_read(&g->max_inflight);
		while (n > m && !atomic_try_cmpxchg(&g->max_inflight, &m, n))
			;
	} else {
		c->untracked++;
	}
	err = brkst_backend(s, rnd, &duration);
	if (gosync_breaker_state(&s->b) == GOSYNC_BREAKER_HALF_OPEN)
		udelay(irq ? 2 : s->a.irq ? min(s->a.timer_us + 50, 1000U) :
		       5 + (gosync_xorshift32(rnd) & 15));
	for (spin = gosync_xorshift32(rnd) & 31; spin; spin--)
		cpu_relax();
	/* Before done(): our count of a call stays within the breaker's. */
	if (g)
		atomic_dec(&g->inflight);
	ret = gosync_breaker_done(&s->b, &t, err, duration);
	switch (ret) {
	case 0:
		c->recorded++;
		if (err == -ECANCELED)
			brkst_fail(s, "done() recorded an ignored errno (gen %llu)", gen);
		break;
	case 1:
		c->ignored++;
		if (err != -ECANCELED)
			brkst_fail(s, "done() ignored result %d (gen %llu)", err, gen);
		break;
	case -ESTALE:
		c->stale++;
		break;
	default:
		brkst_fail(s, "done() returned %d for gen %llu", ret, gen);
		break;
	}
	if (t.gen)
		brkst_fail(s, "done() left the ticket of gen %llu unused", gen);
}

static enum hrtimer_restart brkst_timer_fn(struct hrtimer *timer)
{
	struct brkst_thread *th = container_of(timer, struct brkst_thread,
					       timer);
	unsigned int i;

	for (i = 0; i < BRKST_IRQ_CALLS; i++)
		brkst_call(th->s, &th->irq, &th->irq_rnd, true);
	/* Pairs with WRITE_ONCE() in brkst_body(); hrtimer_cancel() waits. */
	if (READ_ONCE(th->timer_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, th->s->period);
	return HRTIMER_RESTART;
}

static int brkst_body(struct gosync_run_thread *t)
{
	struct brkst *s = t->run->data;
	struct brkst_thread *th = &s->th[t->id];
	unsigned int i;

	if (s->a.irq) {
		hrtimer_init(&th->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		th->timer.function = brkst_timer_fn;
		hrtimer_start(&th->timer, s->period,
			      HRTIMER_MODE_REL_PINNED_HARD);
	}
	do {
		for (i = 0; i < BRKST_LOOP; i++)
			brkst_call(s, &th->c, &th->rnd, false);
		t->ops += BRKST_LOOP;
	} while (gosync_run_continue(t));
	if (s->a.irq) {
		/* Pairs with READ_ONCE() in brkst_timer_fn(). */
		WRITE_ONCE(th->timer_stop, true);
		hrtimer_cancel(&th->timer);
	}
	return 0;
}

/* The control thread: failing and healthy phases, until stopped. */
static int brkst_control(void *arg)
{
	struct brkst *s = arg;
	bool failing = true;

	while (!kthread_should_stop()) {
		/* Pairs with READ_ONCE() in brkst_backend(). */
		WRITE_ONCE(s->fail_pct, failing ? s->a.fail_pct : 0);
		s->phases++;
		schedule_timeout_interruptible(msecs_to_jiffies(s->a.phase_ms));
		failing = !failing;
	}
	return 0;
}

/* Any context, one event at a time, in order. */
static int brkst_notify(struct notifier_block *nb, unsigned long action,
			void *data)
{
	struct brkst *s = container_of(nb, struct brkst, nb);
	const struct gosync_breaker_event *ev = data;
	struct gosync_breaker_counts c;
	unsigned long flags;
	u64 n;

	if (ev->breaker != &s->b || ev->to != action)
		brkst_fail(s, "event gen %llu: breaker %p action %lu, to %d",
			   ev->gen, ev->breaker, action, ev->to);
	/* A notifier may call back into the breaker. */
	gosync_breaker_counts(&s->b, &c);
	if (c.gen < ev->gen)
		brkst_fail(s, "event gen %llu delivered with the breaker at gen %llu",
			   ev->gen, c.gen);
	raw_spin_lock_irqsave(&s->log_lock, flags);
	n = s->nr_events++;
	if (n < BRKST_GENS)
		s->log[n] = (struct brkst_event){
			.time_ns = ev->time_ns, .gen = ev->gen, .from = ev->from,
			.to = ev->to, .reason = ev->reason, .forced = ev->forced,
		};
	raw_spin_unlock_irqrestore(&s->log_lock, flags);
	return NOTIFY_OK;
}

/* ------------------------------------------------------------------ */
/* The checks.                                                         */

/**
 * struct brkst_sum - what the checks found, for the summary
 * @tot: every thread's and timer's calls
 * @irq_calls: calls from the timers
 * @trips: CLOSED -> OPEN
 * @reopens: HALF_OPEN -> OPEN
 * @half_opens: OPEN -> HALF_OPEN
 * @closes: HALF_OPEN -> CLOSED
 * @max_probes: most probes at once in a HALF_OPEN generation
 * @max_open_ns: the longest open delay
 * @logged: events in the log
 */
struct brkst_sum {
	struct brkst_tally tot;
	u64 irq_calls;
	u64 trips;
	u64 reopens;
	u64 half_opens;
	u64 closes;
	unsigned int max_probes;
	u64 max_open_ns;
	u64 logged;
};

/* The open delay after @retrips re-trips, as breaker.c computes it. */
static u64 brkst_delay(const struct brkst *s, unsigned int retrips)
{
	u64 d = (u64)s->a.open_ms * NSEC_PER_MSEC;
	u64 max = s->a.backoff ?
		  (u64)s->a.open_ms * BRKST_BACKOFF_FACTOR * NSEC_PER_MSEC : 0;
	unsigned int i;

	if (!max)
		return d;
	for (i = 0; i < retrips && d < max; i++)
		d *= 2;
	return min(d, max);
}

/* The state of generation @gen, or -1 if not known. */
static int brkst_gen_state(const struct brkst *s, const struct brkst_sum *sum,
			   u64 gen)
{
	if (gen == 1)
		return GOSYNC_BREAKER_CLOSED;
	if (gen >= 2 && gen - 2 < sum->logged)
		return s->log[gen - 2].to;
	return -1;
}

static bool brkst_legal(const struct brkst *s, const struct brkst_event *ev)
{
	static const u8 trip_reason[BRKST_NR_POLICIES] = {
		[BRKST_CONSECUTIVE] = GOSYNC_BREAKER_R_CONSECUTIVE,
		[BRKST_RATE] = GOSYNC_BREAKER_R_FAILURE_RATE,
		[BRKST_SLOW] = GOSYNC_BREAKER_R_SLOW_RATE,
	};

	switch (ev->from) {
	case GOSYNC_BREAKER_CLOSED:
		return ev->to == GOSYNC_BREAKER_OPEN &&
		       ev->reason == trip_reason[s->a.policy];
	case GOSYNC_BREAKER_OPEN:
		return ev->to == GOSYNC_BREAKER_HALF_OPEN &&
		       ev->reason == GOSYNC_BREAKER_R_OPEN_EXPIRED;
	case GOSYNC_BREAKER_HALF_OPEN:
		return (ev->to == GOSYNC_BREAKER_OPEN &&
			ev->reason == GOSYNC_BREAKER_R_PROBE_FAILED) ||
		       (ev->to == GOSYNC_BREAKER_CLOSED &&
			ev->reason == GOSYNC_BREAKER_R_PROBES_OK);
	}
	return false;
}

/* Calls admitted in generation @gen, or -1 if not tracked. */
static long brkst_admitted(const struct brkst *s, u64 gen)
{
	return gen < BRKST_GENS ? atomic_read(&s->gens[gen].admitted) : -1;
}

/* The event log: order, legality, times, delays, thresholds. */
static void brkst_check_events(struct brkst *s, struct brkst_sum *sum,
			       u64 *gen_end, int *state_end, u64 *delay_end)
{
	unsigned int retrips = 0;
	u64 i, prev_gen = 1, last_time = 0, open_time = 0, open_delay = 0;
	u64 delay = brkst_delay(s, 0);
	int state = GOSYNC_BREAKER_CLOSED;
	bool injected = false;
	long adm;

	for (i = 0; i < sum->logged; i++) {
		struct brkst_event *ev = &s->log[i];

		if (s->a.inject == BRKST_INJ_TRANSITION && !injected &&
		    ev->to == GOSYNC_BREAKER_HALF_OPEN) {
			ev->to = GOSYNC_BREAKER_CLOSED;
			injected = true;
		}
		if (ev->gen != prev_gen + 1)
			brkst_fail(s, "event %llu has gen %llu after gen %llu",
				   i, ev->gen, prev_gen);
		if (ev->from != state || ev->forced || !brkst_legal(s, ev))
			brkst_fail(s, "gen %llu: illegal transition %s%s -> %s (%s) after %s",
				   ev->gen, ev->forced ? "forced " : "",
				   gosync_breaker_state_name(ev->from),
				   gosync_breaker_state_name(ev->to),
				   gosync_breaker_reason_name(ev->reason),
				   gosync_breaker_state_name(state));
		if (ev->time_ns < last_time)
			brkst_fail(s, "gen %llu: time %llu ns before the previous event's %llu",
				   ev->gen, ev->time_ns, last_time);
		adm = brkst_admitted(s, ev->gen - 1);
		switch (ev->to) {
		case GOSYNC_BREAKER_OPEN:
			if (ev->from == GOSYNC_BREAKER_HALF_OPEN) {
				sum->reopens++;
				if (retrips < BRKST_RETRIPS_MAX)
					retrips++;
			} else {
				u32 need = s->a.policy == BRKST_CONSECUTIVE ?
					   s->a.consecutive : s->a.min_calls;

				sum->trips++;
				if (adm >= 0 && adm < need)
					brkst_fail(s, "gen %llu tripped (%s) at %ld calls < %u",
						   ev->gen - 1,
						   gosync_breaker_reason_name(ev->reason),
						   adm, need);
			}
			delay = brkst_delay(s, retrips);
			open_time = ev->time_ns;
			open_delay = delay;
			sum->max_open_ns = max(sum->max_open_ns, delay);
			break;
		case GOSYNC_BREAKER_HALF_OPEN:
			sum->half_opens++;
			if (s->a.inject == BRKST_INJ_DELAY && !injected) {
				ev->time_ns = open_time + open_delay - 1;
				injected = true;
			}
			if (ev->from == GOSYNC_BREAKER_OPEN &&
			    ev->time_ns - open_time < open_delay)
				brkst_fail(s, "gen %llu: half-open %llu ns after open, delay %llu",
					   ev->gen, ev->time_ns - open_time,
					   open_delay);
			break;
		case GOSYNC_BREAKER_CLOSED:
			sum->closes++;
			retrips = 0;
			delay = brkst_delay(s, 0);
			if (adm >= 0 && adm < s->a.successes)
				brkst_fail(s, "gen %llu closed after %ld probes < %u",
					   ev->gen - 1, adm, s->a.successes);
			break;
		}
		state = ev->to;
		prev_gen = ev->gen;
		last_time = ev->time_ns;
	}
	if ((s->a.inject == BRKST_INJ_TRANSITION ||
	     s->a.inject == BRKST_INJ_DELAY) && !injected)
		brkst_fail(s, "inject=%s: no half-open to inject into",
			   brkst_inject_names[s->a.inject]);
	*gen_end = prev_gen;
	*state_end = state;
	*delay_end = delay;
}

/* Per generation: nothing admitted while OPEN, at most K probes at once. */
static void brkst_check_gens(struct brkst *s, struct brkst_sum *sum, u64 gen)
{
	bool injected = s->a.inject != BRKST_INJ_ADMIT_OPEN &&
			s->a.inject != BRKST_INJ_PROBES;
	u64 g, admitted = sum->tot.untracked;

	for (g = 1; g < BRKST_GENS; g++) {
		struct brkst_gen *bg = &s->gens[g];
		int st = brkst_gen_state(s, sum, g);
		int adm, max;

		if (!injected && s->a.inject == BRKST_INJ_ADMIT_OPEN &&
		    st == GOSYNC_BREAKER_OPEN) {
			atomic_inc(&bg->admitted);
			sum->tot.calls++;
			sum->tot.admitted++;
			sum->tot.recorded++;
			injected = true;
		}
		if (!injected && s->a.inject == BRKST_INJ_PROBES &&
		    st == GOSYNC_BREAKER_HALF_OPEN) {
			atomic_set(&bg->max_inflight, s->a.probes + 1);
			injected = true;
		}
		adm = atomic_read(&bg->admitted);
		max = atomic_read(&bg->max_inflight);
		admitted += adm;
		if (atomic_read(&bg->inflight))
			brkst_fail(s, "gen %llu: %d calls still counted in flight",
				   g, atomic_read(&bg->inflight));
		if (adm && g > gen)
			brkst_fail(s, "gen %llu: %d calls admitted, the breaker is at gen %llu",
				   g, adm, gen);
		if (st == GOSYNC_BREAKER_OPEN && adm)
			brkst_fail(s, "gen %llu: %d calls admitted while open", g, adm);
		if (st == GOSYNC_BREAKER_HALF_OPEN) {
			sum->max_probes = max_t(unsigned int, sum->max_probes, max);
			if (max > s->a.probes)
				brkst_fail(s, "gen %llu: %d probes at once in half-open > %u",
					   g, max, s->a.probes);
		}
	}
	if (!injected)
		brkst_fail(s, "inject=%s: no generation to inject into",
			   brkst_inject_names[s->a.inject]);
	if (admitted != sum->tot.admitted)
		brkst_fail(s, "%llu calls admitted, generations counted %llu",
			   sum->tot.admitted, admitted);
}

static void brkst_check(struct brkst *s, struct brkst_sum *sum,
			const struct gosync_breaker_counts *c)
{
	const struct brkst_tally *t = &sum->tot;
	u64 gen_end, delay_end;
	int state_end;

	sum->logged = min_t(u64, s->nr_events, BRKST_GENS);
	brkst_check_events(s, sum, &gen_end, &state_end, &delay_end);
	brkst_check_gens(s, sum, c->gen);

	if (s->a.inject == BRKST_INJ_REJECTED) {
		sum->tot.calls++;
		sum->tot.rejected++;
	}
	if (t->calls != t->admitted + t->rejected)
		brkst_fail(s, "%llu calls, %llu admitted + %llu rejected",
			   t->calls, t->admitted, t->rejected);
	if (t->admitted != t->recorded + t->ignored + t->stale)
		brkst_fail(s, "%llu admitted, %llu recorded + %llu ignored + %llu stale",
			   t->admitted, t->recorded, t->ignored, t->stale);
	if (t->rejected != c->rejected)
		brkst_fail(s, "%llu rejected, the breaker counted %llu",
			   t->rejected, c->rejected);
	if (c->ignored != t->ignored || c->stale != t->stale)
		brkst_fail(s, "ignored %llu stale %llu, the breaker counted %llu and %llu",
			   t->ignored, t->stale, c->ignored, c->stale);
	if (c->transitions != s->nr_events)
		brkst_fail(s, "%llu transitions, %llu events delivered",
			   c->transitions, s->nr_events);
	if (c->gen != c->transitions + 1)
		brkst_fail(s, "gen %llu after %llu transitions", c->gen,
			   c->transitions);
	if (c->forced || c->pending_events)
		brkst_fail(s, "forced %d, %u events pending at the end",
			   c->forced, c->pending_events);
	if (c->state == GOSYNC_BREAKER_HALF_OPEN && c->probes)
		brkst_fail(s, "%u probes in flight with every call done",
			   c->probes);
	if (s->nr_events > BRKST_GENS)
		return;		/* the rest needs every event */
	if (c->trips != sum->trips + sum->reopens)
		brkst_fail(s, "%llu trips, %llu events to open", c->trips,
			   sum->trips + sum->reopens);
	if (c->state != state_end || c->gen != gen_end)
		brkst_fail(s, "%s at gen %llu at the end, the last event says %s at %llu",
			   gosync_breaker_state_name(c->state), c->gen,
			   gosync_breaker_state_name(state_end), gen_end);
	if (c->open_delay_ms != div_u64(delay_end, NSEC_PER_MSEC))
		brkst_fail(s, "open delay %u ms at the end, the events say %llu ms",
			   c->open_delay_ms, div_u64(delay_end, NSEC_PER_MSEC));
}

/*
 * Wait until every event is delivered to the log, and with notify_timer
 * until the timer moved an open breaker to half-open on its own.
 */
static int brkst_quiesce(struct brkst *s, struct gosync_breaker_counts *c)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(2000 +
		s->a.open_ms * BRKST_BACKOFF_FACTOR);
	unsigned long flags;
	u64 logged;

	for (;;) {
		gosync_breaker_counts(&s->b, c);
		raw_spin_lock_irqsave(&s->log_lock, flags);
		logged = s->nr_events;
		raw_spin_unlock_irqrestore(&s->log_lock, flags);
		if (!c->pending_events && logged == c->transitions &&
		    !(s->a.notify_timer && c->state == GOSYNC_BREAKER_OPEN))
			return 0;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(2000, 4000);
	}
}

/* ------------------------------------------------------------------ */
/* The command.                                                        */

static void brkst_free(struct brkst *s)
{
	kvfree(s->log);
	kvfree(s->gens);
	kfree(s->th);
	kfree(s);
}

static void brkst_print(struct brkst *s, struct brkst_sum *sum,
			const struct gosync_breaker_counts *c,
			struct seq_buf *out)
{
	const struct brkst_tally *t = &sum->tot;
	long errors = gosync_violations_count(&s->v);

	seq_buf_printf(out, "result=%s policy=%s threads=%u calls=%llu admitted=%llu",
		       errors ? "FAIL" : "PASS",
		       brkst_policy_names[s->a.policy], s->a.threads, t->calls,
		       t->admitted);
	seq_buf_printf(out, " rejected=%llu recorded=%llu ignored=%llu stale=%llu irq_calls=%llu",
		       t->rejected, t->recorded, t->ignored, t->stale,
		       sum->irq_calls);
	seq_buf_printf(out, " trips=%llu reopens=%llu half_opens=%llu closes=%llu",
		       sum->trips, sum->reopens, sum->half_opens, sum->closes);
	seq_buf_printf(out, " max_probes=%u probes=%u max_open_ms=%llu events=%llu lost=%llu",
		       sum->max_probes, s->a.probes,
		       div_u64(sum->max_open_ns, NSEC_PER_MSEC), s->nr_events,
		       s->nr_events - sum->logged);
	seq_buf_printf(out, " phases=%llu gen=%llu state=%s deferred=%llu",
		       s->phases, c->gen, gosync_breaker_state_name(c->state),
		       c->deferred);
	seq_buf_printf(out, " b_ignored=%llu b_stale=%llu errors=%ld\n",
		       c->ignored, c->stale, errors);
	gosync_violations_print(&s->v, out);
}

static void brkst_opts(const struct brkst *s, struct gosync_breaker_opts *o)
{
	const struct brkst_args *a = &s->a;

	*o = (struct gosync_breaker_opts){
		.name = "stress",
		.flags = a->notify_timer ? GOSYNC_BREAKER_NOTIFY_TIMER : 0,
		.open_ms = a->open_ms,
		.open_max_ms = a->backoff ? a->open_ms * BRKST_BACKOFF_FACTOR : 0,
		.probes = a->probes,
		.successes = a->successes,
	};
	switch (a->policy) {
	case BRKST_CONSECUTIVE:
		o->consecutive = a->consecutive;
		break;
	case BRKST_RATE:
		o->failure_rate = a->rate;
		break;
	case BRKST_SLOW:
		o->slow_rate = a->rate;
		o->slow_us = BRKST_SLOW_US;
		break;
	case BRKST_NR_POLICIES:
		break;
	}
	if (a->policy != BRKST_CONSECUTIVE) {
		o->min_calls = a->min_calls;
		o->buckets = BRKST_BUCKETS;
		o->bucket_ms = BRKST_BUCKET_MS;
	}
}

/* Allocate and set up a run of the parsed arguments in @s->a. */
static int brkst_setup(struct brkst *s, struct seq_buf *out, const char *who)
{
	struct gosync_breaker_opts opts;
	unsigned int i;
	int ret;

	s->period = ns_to_ktime((u64)s->a.timer_us * NSEC_PER_USEC);
	s->fail_pct = s->a.fail_pct;
	raw_spin_lock_init(&s->log_lock);
	gosync_violations_init(&s->v, "breaker: stress");
	s->th = kcalloc(s->a.threads, sizeof(*s->th), GFP_KERNEL);
	s->gens = kvcalloc(BRKST_GENS, sizeof(*s->gens), GFP_KERNEL);
	s->log = kvcalloc(BRKST_GENS, sizeof(*s->log), GFP_KERNEL);
	if (!s->th || !s->gens || !s->log)
		return -ENOMEM;
	for (i = 0; i < s->a.threads; i++) {
		s->th[i].s = s;
		s->th[i].rnd = 0x9e3779b9U * (2 * i + 1);
		s->th[i].irq_rnd = 0x85ebca6bU * (2 * i + 1);
	}
	brkst_opts(s, &opts);
	ret = gosync_breaker_init(&s->b, &opts, GFP_KERNEL);
	if (ret) {
		gosync_report(out, who, "stress: gosync_breaker_init() failed (%d)",
			      ret);
		return ret;
	}
	s->nb.notifier_call = brkst_notify;
	ret = gosync_breaker_notifier_register(&s->b, &s->nb);
	if (ret) {
		gosync_report(out, who, "stress: notifier_register() failed (%d)",
			      ret);
		gosync_breaker_destroy(&s->b);
	}
	return ret;
}

static int brkst_exec(struct gosync_cmd_file *f, char *line,
		      struct seq_buf *out)
{
	struct gosync_run run = {
		.name = "breaker",
		.body = brkst_body,
	};
	struct gosync_breaker_counts c;
	struct task_struct *control;
	struct brkst_sum sum = {};
	struct brkst *s;
	unsigned int i;
	int ret, qret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = gosync_args_parse(&gosync_breaker_stress_args, line, &s->a, out,
				f->who);
	if (ret)
		goto out_free;
	ret = brkst_setup(s, out, f->who);
	if (ret)
		goto out_free;

	control = kthread_run(brkst_control, s, "gosync/breaker:ctl");
	if (IS_ERR(control)) {
		ret = PTR_ERR(control);
		gosync_report(out, f->who, "stress: no control thread (%d)", ret);
		goto out_destroy;
	}
	run.nr_threads = s->a.threads;
	run.duration_ms = s->a.duration_ms;
	run.data = s;
	ret = gosync_run_threads(&run);
	/* It loops until told to stop, so it is still there. */
	kthread_stop(control);
	gosync_run_free(&run);
	qret = brkst_quiesce(s, &c);
	if (ret) {
		gosync_report(out, f->who, "stress: the run failed (%d)", ret);
		goto out_destroy;
	}
	if (qret) {
		gosync_report(out, f->who, "stress: not quiet: %s at gen %llu, %u events pending",
			      gosync_breaker_state_name(c.state), c.gen,
			      c.pending_events);
		ret = qret;
		goto out_destroy;
	}
	/* Waits for a running delivery: the log is final. */
	gosync_breaker_notifier_unregister(&s->b, &s->nb);

	for (i = 0; i < s->a.threads; i++) {
		const struct brkst_tally *x[] = { &s->th[i].c, &s->th[i].irq };
		unsigned int j;

		for (j = 0; j < ARRAY_SIZE(x); j++) {
			sum.tot.calls += x[j]->calls;
			sum.tot.admitted += x[j]->admitted;
			sum.tot.rejected += x[j]->rejected;
			sum.tot.recorded += x[j]->recorded;
			sum.tot.ignored += x[j]->ignored;
			sum.tot.stale += x[j]->stale;
			sum.tot.untracked += x[j]->untracked;
		}
		sum.irq_calls += s->th[i].irq.calls;
	}
	brkst_check(s, &sum, &c);
	brkst_print(s, &sum, &c, out);
	ret = gosync_violations_count(&s->v) ? -EIO : 0;
	gosync_breaker_destroy(&s->b);
	goto out_free;

out_destroy:
	gosync_breaker_notifier_unregister(&s->b, &s->nb);
	gosync_breaker_destroy(&s->b);
out_free:
	brkst_free(s);
	return ret;
}

static struct gosync_cmd_file brkst_file = {
	.name = "stress",
	.who = "breaker",
	.exec = brkst_exec,
};

/**
 * brkst_debugfs_init() - create breaker/stress
 * @dir: the breaker's debugfs directory (may be an ERR_PTR)
 *
 * Called by the breaker's debugfs component at module load.
 *
 * Context: process context.
 * Return: 0.
 */
int brkst_debugfs_init(struct dentry *dir)
{
	gosync_cmd_file_create(dir, &brkst_file);
	return 0;
}

/**
 * brkst_debugfs_exit() - at module unload, once the debugfs files are gone
 *
 * Nothing to do: a run holds the file open (and the module pinned) until
 * it has cleaned up, and no state outlives a run.
 *
 * Context: process context.
 */
void brkst_debugfs_exit(void)
{
}
