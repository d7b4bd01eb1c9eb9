// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_phaser in gosync_test.ko: /sys/kernel/debug/gosync_test/phaser/,
 * its checks and inject= points on the runner (runner.h).
 *
 * run (0600, command file; grammar of command files in parse.h)
 *	threads=N rounds=M [mode=plain|delay|deregister|interrupt|timeout|
 *	terminate] [tier=K] [seed=S] [inject=WHAT]
 *
 *	Starts N kthreads (2 .. 64, not bound to CPUs) on a fresh phaser
 *	tree and has each do M rounds (1 .. 1000000) of
 *	gosync_phaser_arrive_and_await_advance(). tier=0 (the default): every
 *	thread is a party of the root; tier=K (1 .. N): K child phasers under
 *	the root, thread i a party of child i % K. seed=S (default 1) drives
 *	every random choice, so a run can be repeated.
 *
 *	Each thread writes its round number into a shared array before it
 *	arrives. The root's on_advance (run once per phase by the last
 *	arrival) checks that the phase is the one after the previous
 *	on_advance's, that every party still registered in the round wrote
 *	that round and nobody a later one, and that the parties it is told of
 *	are those still registered (threads, or for tier=K the children with
 *	a thread left). Each thread, once released, checks that the phase it
 *	got back is the next one (modulo GOSYNC_PHASER_PHASE_MAX + 1), that
 *	exactly one on_advance ran per round so far (round r released: r + 1
 *	calls), and that every party registered in the round has written it
 *	(nobody was released early).
 *
 *	Modes:
 *	plain		every thread does M rounds; at the end the phaser is in
 *			phase M, not terminated, with all its parties.
 *	delay		the same with random delays (busy or sleeping, up to
 *			a jiffy) before each arrival.
 *	deregister	each thread leaves, with arrive_and_deregister(), in a
 *			random round (one of them in the last), then waits
 *			for that phase with await_advance(); in other rounds
 *			it sometimes registers a new party for itself and
 *			deregisters the old one (both must return the
 *			current phase). The last deregistration must advance
 *			the last round and terminate the phaser (on_advance
 *			returns parties == 0, Java's default), the threads
 *			that left in the last round must get -ESHUTDOWN, and
 *			afterwards every call on every phaser of the tree
 *			must return -ESHUTDOWN at once.
 *	interrupt	in each round one random thread (the victim) uses the
 *			_interruptible flavour, and another sends it SIGUSR1
 *			before it arrives: the victim gets -ERESTARTSYS, its
 *			arrival stands, and it waits for the phase again
 *			with await_advance() to stay in step.
 *	timeout		the same with the _timeout flavour and a timeout of one
 *			jiffy, while the other thread sleeps 3 jiffies before
 *			arriving: the victim gets -ETIMEDOUT.
 *	terminate	the threads keep doing rounds until the writer calls
 *			gosync_phaser_force_termination() (on the root or a
 *			child, at random) after a random number of advances
 *			below M and a random delay: every thread must then
 *			get -ESHUTDOWN and stop within GPH_PROMPT_S seconds,
 *			and every call must return -ESHUTDOWN at once.
 *
 *	inject= plants one violation, once, to show that a check fires:
 *	early (a released thread reads a peer's entry one round behind),
 *	entry (on_advance reads a wrong entry), double (on_advance counts a
 *	phase twice), phase (a thread is given a phase one too far), parties
 *	(on_advance expects one party more), terminated (the final check
 *	expects the opposite termination state). The run then fails.
 *
 *	The output is the runner's result line (runner.h): "result=PASS|FAIL
 *	threads= tier= rounds= mode= seed= phases= advances= wakeups=
 *	deregistered= registered= interrupts= timeouts= terminated= errors=":
 *	phases is the most rounds any thread saw end, advances the on_advance
 *	calls, wakeups the awaits released by another party's arrival (not by
 *	running the advance themselves), deregistered the threads that left
 *	(deregister mode), registered the parties they registered anew,
 *	interrupts and timeouts the -ERESTARTSYS and -ETIMEDOUT returns,
 *	terminated whether the phaser ended terminated.
 *
 *	Errors: the parser's (see parse.h), -ERANGE for tier above threads,
 *	-ENOMEM, -EIO for a violation (or no phase advanced for GPH_STUCK_S
 *	seconds), the runner's for a stopped run: the writer then terminates
 *	the phaser, which frees every waiter, and judges nothing more. A
 *	rejected command starts nothing. No thread outlives the write.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include <gosync/phaser.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GPH_STUCK_S		10	/* no advance for this long: stuck */
#define GPH_PROMPT_S		5	/* stop this soon after termination */
#define GPH_GUARD		(10 * HZ)	/* a wait that must end */
#define GPH_SHORT		1	/* the timeout mode's timeout, jiffies */
#define GPH_NONE		U32_MAX	/* never leaves */

/* Bounds of the arguments; tier= is at most threads=, too. */
#define GPH_THREADS_MIN		2
#define GPH_THREADS_MAX		64
#define GPH_ROUNDS_MAX		1000000

/* mode=, what a run does besides its rounds; see the top of this file. */
enum gph_mode {
	GPH_PLAIN,
	GPH_DELAY,
	GPH_DEREGISTER,
	GPH_INTERRUPT,
	GPH_TIMEOUT,
	GPH_TERMINATE,
	GPH_NR_MODES,
};

/* inject=, a violation planted once; see the top of this file. */
enum gph_inject {
	GPH_INJ_NONE,
	GPH_INJ_EARLY,
	GPH_INJ_ENTRY,
	GPH_INJ_DOUBLE,
	GPH_INJ_PHASE,
	GPH_INJ_PARTIES,
	GPH_INJ_TERMINATED,
	GPH_NR_INJECT,
};

/* The arguments of a phaser/run command, by their keys (gph_params). */
struct gph_args {
	u32 threads;
	u32 rounds;
	u32 tier;
	u64 seed;
	u32 mode;
	u32 inject;
};

static const char *const gph_mode_names[GPH_NR_MODES] = {
	[GPH_PLAIN] = "plain",
	[GPH_DELAY] = "delay",
	[GPH_DEREGISTER] = "deregister",
	[GPH_INTERRUPT] = "interrupt",
	[GPH_TIMEOUT] = "timeout",
	[GPH_TERMINATE] = "terminate",
};

static const char *const gph_inject_names[GPH_NR_INJECT] = {
	[GPH_INJ_NONE] = "none",
	[GPH_INJ_EARLY] = "early",
	[GPH_INJ_ENTRY] = "entry",
	[GPH_INJ_DOUBLE] = "double",
	[GPH_INJ_PHASE] = "phase",
	[GPH_INJ_PARTIES] = "parties",
	[GPH_INJ_TERMINATED] = "terminated",
};

static int gph_args_check(void *args, struct seq_buf *out, const char *who)
{
	const struct gph_args *a = args;

	if (a->tier <= a->threads)
		return 0;
	gosync_report(out, who, "run: tier=%u is more children than threads=%u",
		      a->tier, a->threads);
	return -ERANGE;
}

static const struct gph_args gph_defaults = { .seed = 1 };

static const struct gosync_param gph_params[] = {
	GOSYNC_ARG_U32("threads", struct gph_args, threads, GPH_THREADS_MIN,
		       GPH_THREADS_MAX, true),
	GOSYNC_ARG_U32("rounds", struct gph_args, rounds, 1, GPH_ROUNDS_MAX,
		       true),
	GOSYNC_ARG_U32("tier", struct gph_args, tier, 0, GPH_THREADS_MAX, false),
	GOSYNC_ARG_U64("seed", struct gph_args, seed, 0, U64_MAX, false),
	GOSYNC_ARG_ENUM("mode", struct gph_args, mode, gph_mode_names,
			GPH_NR_MODES),
	GOSYNC_ARG_ENUM("inject", struct gph_args, inject, gph_inject_names,
			GPH_NR_INJECT),
};

/* The arguments of phaser/run; the fuzzers run them too. */
const struct gosync_args gosync_phaser_run_args = {
	.params = gph_params,
	.nr = ARRAY_SIZE(gph_params),
	.size = sizeof(struct gph_args),
	.defaults = &gph_defaults,
	.check = gph_args_check,
};

struct phr;

/**
 * struct gph_thread - one party's thread; its counters are its own
 * @s: the run
 * @id: index, 0 .. threads - 1
 * @ph: the phaser it is a party of (the root, or child id % tier)
 * @rnd: its random state
 * @leave: the round it deregisters in (deregister mode), or GPH_NONE
 * @completed: rounds whose end it saw
 * @ran: advances that ran in its context
 * @wakeups: awaits released by another party's arrival
 * @interrupts: -ERESTARTSYS returns
 * @timeouts: -ETIMEDOUT returns
 * @registered: parties it registered anew
 * @deregistered: it left the phaser
 * @shutdown: it stopped on -ESHUTDOWN
 * @shutdown_at: when (jiffies)
 */
struct gph_thread {
	struct phr *s;
	unsigned int id;
	struct gosync_phaser *ph;
	u32 rnd;
	u32 leave;
	u32 completed;
	u64 ran;
	u64 wakeups;
	u64 interrupts;
	u64 timeouts;
	u64 registered;
	bool deregistered;
	bool shutdown;
	unsigned long shutdown_at;
};

/**
 * struct phr - one run
 * @a: the arguments
 * @root: the root phaser
 * @children: @a.tier child phasers, or NULL
 * @th: the threads
 * @entries: the round each thread wrote last (-1 before the first)
 * @advances: on_advance calls
 * @inj_round: the round an injection is planted in
 * @injected: the injection was planted
 * @stop: threads stop at the next round (the run is being ended)
 * @aborted: the run was ended early, by the writer or on a violation
 * @run: the threads
 * @v: the violations found
 * @term_round: terminate mode: the writer terminates after this many advances
 * @term_at: when the writer terminated the phaser (jiffies), 0 if it did not
 * @progress_at: when an advance was last seen
 * @last_adv: the advances seen then
 * @terminated: the writer saw the phaser terminated
 * @late: threads were still running GPH_PROMPT_S after that
 */
struct phr {
	struct gph_args a;
	struct gosync_phaser root;
	struct gosync_phaser *children;
	struct gph_thread *th;
	long *entries;
	atomic_long_t advances;
	u32 inj_round;
	atomic_t injected;
	bool stop;
	bool aborted;
	struct gosync_run run;
	struct gosync_violations v;
	u32 term_round;
	unsigned long term_at;
	unsigned long progress_at;
	long last_adv;
	bool terminated;
	bool late;
};

/* Any context: record one violation. */
#define gph_fail(s, ...)	gosync_violation(&(s)->v, __VA_ARGS__)

/* End the run early: the threads stop, every waiter gets -ESHUTDOWN. */
static void gph_abort(struct phr *s)
{
	/* Pairs with READ_ONCE() in the threads; before the termination. */
	WRITE_ONCE(s->aborted, true);
	WRITE_ONCE(s->stop, true);
	/* Fully ordered: a thread woken by it sees the flags. */
	gosync_phaser_force_termination(&s->root);
}

static void gph_run_abort(struct gosync_run *run)
{
	gph_abort(run->data);
}

/* A value every thread derives alike from the seed and @n. */
#define gph_hash(s, n)	gosync_hash32((s)->a.seed, n)

/* The phase of round @r (the phaser starts in phase 0). */
static int gph_phase(u64 r)
{
	return r & GOSYNC_PHASER_PHASE_MAX;
}

/* Interrupt and timeout modes: the victim of round @r, and its peer. */
static unsigned int gph_victim(const struct phr *s, u32 r)
{
	return gph_hash(s, r) % s->a.threads;
}

static unsigned int gph_slow(const struct phr *s, u32 r)
{
	return (gph_victim(s, r) + 1) % s->a.threads;
}

/* Thread @j is registered in round @r. */
static bool gph_active(const struct phr *s, unsigned int j, u32 r)
{
	return s->th[j].leave == GPH_NONE || s->th[j].leave >= r;
}

/* Plant the injection @what now, if it is the one asked and not yet. */
static bool gph_plant(struct phr *s, enum gph_inject what)
{
	return s->a.inject == what && !atomic_xchg(&s->injected, 1);
}

/* The parties the root has for the round after @r. */
static unsigned int gph_parties_after(const struct phr *s, u32 r)
{
	unsigned int i, c, n = 0;

	if (!s->a.tier) {
		for (i = 0; i < s->a.threads; i++)
			n += !gph_active(s, i, r + 1);
		return s->a.threads - n;
	}
	for (c = 0; c < s->a.tier; c++) {
		for (i = c; i < s->a.threads; i += s->a.tier) {
			if (gph_active(s, i, r + 1)) {
				n++;
				break;
			}
		}
	}
	return n;
}

/* The root's callback: once per phase, in the last arrival's context. */
static bool gph_on_advance(struct gosync_phaser *ph, unsigned int phase,
			   unsigned int parties, void *arg)
{
	struct phr *s = arg;
	/* Advances are serialized: nobody else changes it now. */
	u32 r = atomic_long_read(&s->advances);
	unsigned int i, want = gph_parties_after(s, r);
	bool found = false;

	for (i = 0; i < s->a.threads; i++) {
		if (s->run.threads[i].task == current) {
			/* Its own counter: it runs us. */
			s->th[i].ran++;
			found = true;
			break;
		}
	}
	if (!found)
		gph_fail(s, "on_advance of round %u ran outside the parties' threads", r);
	if (ph != &s->root)
		gph_fail(s, "on_advance of round %u got phaser %p, not the root", r, ph);
	if (phase != (unsigned int)gph_phase(r))
		gph_fail(s, "on_advance #%u got phase %u, not %d: phases not consecutive",
			 r + 1, phase, gph_phase(r));
	if (r == s->inj_round && gph_plant(s, GPH_INJ_PARTIES))
		want++;
	if (parties != want)
		gph_fail(s, "on_advance of round %u got %u parties, %u are registered",
			 r, parties, want);
	for (i = 0; i < s->a.threads; i++) {
		/* Pairs with the arrivals' full ordering. */
		long e = READ_ONCE(s->entries[i]);

		if (!gph_active(s, i, r))
			continue;
		if (r == s->inj_round && gph_plant(s, GPH_INJ_ENTRY))
			e = (long)r - 1;
		if (e != r)
			gph_fail(s, "on_advance of round %u: thread %u wrote round %ld",
				 r, i, e);
	}
	atomic_long_inc(&s->advances);
	if (r == s->inj_round && gph_plant(s, GPH_INJ_DOUBLE))
		atomic_long_inc(&s->advances);
	/* Java's default: the last deregistration terminates. */
	return s->a.mode == GPH_DEREGISTER && !parties;
}

/*
 * A call returned @ret < 0 to thread @t in round @r. -ESHUTDOWN is the
 * end of the run when the tree is terminated and the run meant it;
 * anything else is a violation, and ends the run.
 */
static void gph_stopped(struct gph_thread *t, u32 r, int ret, const char *what)
{
	struct phr *s = t->s;

	if (ret == -ESHUTDOWN && gosync_phaser_is_terminated(t->ph) &&
	    (s->a.mode == GPH_TERMINATE || s->a.mode == GPH_DEREGISTER ||
	     READ_ONCE(s->aborted))) {
		t->shutdown = true;
		t->shutdown_at = jiffies;
		if (s->a.mode == GPH_DEREGISTER && !READ_ONCE(s->aborted))
			gph_fail(s, "thread %u: %s: -ESHUTDOWN in round %u, parties left",
				 t->id, what, r);
		return;
	}
	gph_fail(s, "thread %u: %s returned %d in round %u%s", t->id, what,
		 ret, r, ret == -ESHUTDOWN ? " on a live phaser" : "");
	gph_abort(s);
}

/* Before arriving in round @r: the mode's delays and signals. */
static void gph_before(struct gph_thread *t, u32 r)
{
	struct phr *s = t->s;
	u32 x;

	switch (s->a.mode) {
	case GPH_DELAY:
		x = gosync_xorshift32(&t->rnd);
		switch (x & 7) {
		case 0:
		case 1:
			udelay((x >> 8) % 50);
			break;
		case 2:
			usleep_range(10, 100);
			break;
		case 3:
			if (!(x & 0x300))
				schedule_timeout_uninterruptible(1);
			break;
		default:
			break;
		}
		break;
	case GPH_INTERRUPT:
		if (t->id == gph_slow(s, r)) {
			/* The victim cannot leave round r before we arrive. */
			send_sig(SIGUSR1, s->run.threads[gph_victim(s, r)].task, 1);
			usleep_range(500, 1000);
		}
		break;
	case GPH_TIMEOUT:
		if (t->id == gph_slow(s, r))
			schedule_timeout_uninterruptible(GPH_SHORT + 2);
		break;
	default:
		break;
	}
}

/* Thread @t was released from round @r with @ret; @ran: t->ran before. */
static void gph_released(struct gph_thread *t, u32 r, int ret, u64 ran)
{
	struct phr *s = t->s;
	long adv, e;
	unsigned int j;

	if (r == s->inj_round && t->id == 0 && gph_plant(s, GPH_INJ_PHASE))
		ret = gph_phase((u64)ret + 1);
	if (ret != gph_phase((u64)r + 1))
		gph_fail(s, "thread %u: round %u (phase %d) ended in phase %d, not %d",
			 t->id, r, gph_phase(r), ret, gph_phase((u64)r + 1));
	if (t->ran == ran)
		t->wakeups++;
	/* Pairs with the advance's full ordering: on_advance came first. */
	adv = atomic_long_read(&s->advances);
	if (adv != (long)r + 1)
		gph_fail(s, "thread %u: released from round %u after %ld on_advance calls, not %u",
			 t->id, r, adv, r + 1);
	for (j = 0; j < s->a.threads; j++) {
		if (!gph_active(s, j, r))
			continue;
		e = READ_ONCE(s->entries[j]);
		if (j == 1 && r == s->inj_round && t->id == 0 &&
		    gph_plant(s, GPH_INJ_EARLY))
			e = (long)r - 1;
		if (e < r)
			gph_fail(s, "thread %u: released early from round %u: thread %u is in %ld",
				 t->id, r, j, e);
	}
	t->completed = r + 1;
}

/*
 * After -ERESTARTSYS or -ETIMEDOUT: the arrival stands, so the phase must
 * end without another one. Returns what await_advance() returned.
 */
static int gph_reawait(struct gph_thread *t, u32 r)
{
	int ret = gosync_phaser_await_advance_timeout(t->ph, gph_phase(r),
						      GPH_GUARD);

	if (ret == -ETIMEDOUT) {
		gph_fail(t->s, "thread %u: arrival lost: round %u not over %d s later",
			 t->id, r, GPH_GUARD / HZ);
		gph_abort(t->s);
		return -ESHUTDOWN;
	}
	return ret;
}

/* One round's arrival and wait; false: the thread stops. */
static bool gph_round(struct gph_thread *t, u32 r)
{
	struct phr *s = t->s;
	bool victim = t->id == gph_victim(s, r);
	u64 ran = t->ran;
	int ret;

	if (s->a.mode == GPH_INTERRUPT && victim) {
		ret = gosync_phaser_arrive_and_await_advance_interruptible(t->ph);
		if (ret == -ERESTARTSYS) {
			t->interrupts++;
			flush_signals(current);
			ret = gph_reawait(t, r);
		}
		/* The signal may have come after the phase ended. */
		flush_signals(current);
	} else if (s->a.mode == GPH_TIMEOUT && victim) {
		ret = gosync_phaser_arrive_and_await_advance_timeout(t->ph,
								     GPH_SHORT);
		if (ret == -ETIMEDOUT) {
			t->timeouts++;
			ret = gph_reawait(t, r);
		}
	} else {
		ret = gosync_phaser_arrive_and_await_advance(t->ph);
	}
	if (ret < 0) {
		gph_stopped(t, r, ret, "arrive_and_await_advance");
		return false;
	}
	gph_released(t, r, ret, ran);
	return true;
}

/*
 * Deregister mode: a new party for the thread, then the old one leaves,
 * both in round @r's phase. False: the thread stops.
 */
static bool gph_swap(struct gph_thread *t, u32 r)
{
	struct phr *s = t->s;
	int ret = gosync_phaser_register(t->ph);

	if (ret < 0) {
		gph_stopped(t, r, ret, "register");
		return false;
	}
	if (ret != gph_phase(r)) {
		gph_fail(s, "thread %u: register in round %u returned phase %d, not %d",
			 t->id, r, ret, gph_phase(r));
		gph_abort(s);
		return false;
	}
	ret = gosync_phaser_arrive_and_deregister(t->ph);
	if (ret != gph_phase(r)) {
		gph_fail(s, "thread %u: swap: arrive_and_deregister in round %u: %d, not %d",
			 t->id, r, ret, gph_phase(r));
		gph_abort(s);
		return false;
	}
	t->registered++;
	return true;
}

/* Deregister mode: leave in round @r, then wait for its end. */
static void gph_leave(struct gph_thread *t, u32 r)
{
	struct phr *s = t->s;
	bool last = r == s->a.rounds - 1;
	long adv;
	int ret;

	ret = gosync_phaser_arrive_and_deregister(t->ph);
	if (ret < 0) {
		gph_stopped(t, r, ret, "arrive_and_deregister");
		return;
	}
	t->deregistered = true;
	if (ret != gph_phase(r))
		gph_fail(s, "thread %u: arrive_and_deregister in round %u returned %d, not %d",
			 t->id, r, ret, gph_phase(r));
	ret = gosync_phaser_await_advance_timeout(t->ph, gph_phase(r),
						  GPH_GUARD);
	if (ret == -ESHUTDOWN && (last || READ_ONCE(s->aborted) ||
				  gosync_phaser_is_terminated(t->ph))) {
		t->completed = r + 1;
		return;
	}
	if (last || ret < 0) {
		gph_fail(s, "thread %u: left in round %u, await_advance: %d, not %s",
			 t->id, r, ret, last ? "-ESHUTDOWN" : "a later phase");
		return;
	}
	/* A late waker may find a later phase, never a future one. */
	adv = atomic_long_read(&s->advances);
	/* gph_phase() of a phase is its round (at most the phase max). */
	if (gph_phase(ret) <= r || gph_phase(ret) > adv)
		gph_fail(s, "thread %u: left in round %u, await_advance: phase %d after %ld",
			 t->id, r, ret, adv);
	else
		t->completed = r + 1;
}

static int gph_body(struct gosync_run_thread *rt)
{
	struct phr *s = rt->run->data;
	struct gph_thread *t = &s->th[rt->id];
	u32 r;

	for (r = 0; s->a.mode == GPH_TERMINATE || r < s->a.rounds; r++) {
		/* Pairs with WRITE_ONCE() in gph_abort(). */
		if (READ_ONCE(s->stop) || r == U32_MAX)
			break;
		gph_before(t, r);
		/* Pairs with READ_ONCE() in the checks; ordered by arrival. */
		WRITE_ONCE(s->entries[t->id], r);
		if (s->a.mode == GPH_DEREGISTER) {
			if (r == t->leave) {
				gph_leave(t, r);
				break;
			}
			if (!(gosync_xorshift32(&t->rnd) & 7) && !gph_swap(t, r))
				break;
		}
		if (!gph_round(t, r))
			break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The writer's side.                                                  */

/*
 * The writer's poll: terminate at the chosen point (terminate mode), fail
 * a run that is stuck, insist that termination stops everyone promptly.
 */
static long gph_tick(struct gosync_run *run)
{
	struct phr *s = run->data;
	long adv = atomic_long_read(&s->advances);
	int running = atomic_read(&run->alive);

	if (s->a.mode == GPH_TERMINATE && !s->terminated &&
	    adv >= s->term_round) {
		u32 x = gph_hash(s, (u64)U32_MAX * 4);

		udelay(x % 200);
		gosync_phaser_force_termination(x & 1 || !s->a.tier ? &s->root :
						&s->children[x % s->a.tier]);
	} else if (!s->terminated && adv == s->last_adv &&
		   time_after(jiffies, s->progress_at + GPH_STUCK_S * HZ)) {
		gph_fail(s, "no phase advanced for %d s, at round %ld: stuck",
			 GPH_STUCK_S, adv);
		return -EIO;
	}
	if (adv != s->last_adv) {
		s->last_adv = adv;
		s->progress_at = jiffies;
	}
	if (!s->terminated && gosync_phaser_is_terminated(&s->root)) {
		s->terminated = true;
		s->term_at = jiffies;
	}
	if (s->terminated && !s->late && running &&
	    time_after(jiffies, s->term_at + GPH_PROMPT_S * HZ)) {
		s->late = true;
		gph_fail(s, "%d threads still running %d s after the termination",
			 running, GPH_PROMPT_S);
		WRITE_ONCE(s->stop, true);
	}
	return s->a.mode == GPH_TERMINATE && !s->terminated ? 1 : HZ / 10;
}

static void gph_free(struct phr *s)
{
	kfree(s->children);
	kfree(s->th);
	kfree(s->entries);
	kfree(s);
}

/* Allocate the run of the parsed @s->a, its phasers and its schedule. */
static int gph_setup(struct phr *s, struct seq_buf *out, const char *who)
{
	const struct gph_args *a = &s->a;
	unsigned int i, last;
	int ret;

	s->th = kcalloc(a->threads, sizeof(*s->th), GFP_KERNEL);
	s->entries = kcalloc(a->threads, sizeof(*s->entries), GFP_KERNEL);
	if (a->tier)
		s->children = kcalloc(a->tier, sizeof(*s->children), GFP_KERNEL);
	if (!s->th || !s->entries || (a->tier && !s->children))
		return -ENOMEM;
	atomic_long_set(&s->advances, 0);
	atomic_set(&s->injected, 0);
	s->run = (struct gosync_run){
		.name = "phaser", .nr_threads = a->threads,
		.signals = a->mode == GPH_INTERRUPT, .body = gph_body,
		.tick = gph_tick, .abort = gph_run_abort, .data = s, .v = &s->v,
	};
	gosync_violations_init(&s->v, "phaser: run");
	s->term_round = gph_hash(s, (u64)U32_MAX * 3) % a->rounds;
	s->progress_at = jiffies;
	s->inj_round = a->rounds / 2;

	last = gph_hash(s, U32_MAX) % a->threads;
	for (i = 0; i < a->threads; i++) {
		struct gph_thread *t = &s->th[i];

		t->s = s;
		t->id = i;
		t->rnd = (gph_hash(s, (u64)U32_MAX + 1 + i) | 1);
		t->leave = GPH_NONE;
		if (a->mode == GPH_DEREGISTER)
			t->leave = i == last ? a->rounds - 1 :
				   gph_hash(s, (u64)U32_MAX * 2 + i) % a->rounds;
		s->entries[i] = -1;
	}

	ret = gosync_phaser_init(&s->root, NULL, a->tier ? 0 : a->threads,
				 gph_on_advance, s);
	for (i = 0; !ret && i < a->tier; i++) {
		unsigned int n = (a->threads - i + a->tier - 1) / a->tier;

		ret = gosync_phaser_init(&s->children[i], &s->root, n, NULL, NULL);
	}
	if (ret) {
		gosync_report(out, who, "run: gosync_phaser_init() failed (%d)", ret);
		return ret;
	}
	for (i = 0; i < a->threads; i++)
		s->th[i].ph = a->tier ? &s->children[i % a->tier] : &s->root;

	/* A fresh tree: phase 0, every party unarrived. */
	i = a->tier ? a->tier : a->threads;
	if (gosync_phaser_phase(&s->root) != 0 ||
	    gosync_phaser_registered_parties(&s->root) != i ||
	    gosync_phaser_unarrived_parties(&s->root) != i ||
	    gosync_phaser_arrived_parties(&s->root) != 0)
		gph_fail(s, "new root: phase %d parties %u unarrived %u arrived %u, not 0 %u %u 0",
			 gosync_phaser_phase(&s->root),
			 gosync_phaser_registered_parties(&s->root),
			 gosync_phaser_unarrived_parties(&s->root),
			 gosync_phaser_arrived_parties(&s->root), i, i);
	return 0;
}

/* Every call on a terminated tree returns -ESHUTDOWN, without sleeping. */
static void gph_check_shutdown(struct phr *s, struct gosync_phaser *ph,
			       const char *name)
{
	int r[6];

	r[0] = gosync_phaser_phase(ph);
	r[1] = gosync_phaser_await_advance_timeout(ph, 0, GPH_GUARD);
	r[2] = gosync_phaser_arrive_and_await_advance_timeout(ph, GPH_GUARD);
	r[3] = gosync_phaser_arrive(ph);
	r[4] = gosync_phaser_arrive_and_deregister(ph);
	r[5] = gosync_phaser_register(ph);
	if (r[0] != -ESHUTDOWN || r[1] != -ESHUTDOWN || r[2] != -ESHUTDOWN ||
	    r[3] != -ESHUTDOWN || r[4] != -ESHUTDOWN || r[5] != -ESHUTDOWN ||
	    !gosync_phaser_is_terminated(ph))
		gph_fail(s, "%s %d: phase %d await %d arr+await %d arrive %d dereg %d reg %d",
			 name, gosync_phaser_is_terminated(ph), r[0], r[1],
			 r[2], r[3], r[4], r[5]);
}

/**
 * struct gph_sum - what the threads counted, summed
 * @phases: the most rounds a thread saw end
 * @wakeups: awaits released by another party's arrival
 * @deregistered: threads that left
 * @registered: parties registered anew
 * @interrupts: -ERESTARTSYS returns
 * @timeouts: -ETIMEDOUT returns
 * @terminated: the phaser ended terminated
 */
struct gph_sum {
	u32 phases;
	u64 wakeups;
	u32 deregistered;
	u64 registered;
	u64 interrupts;
	u64 timeouts;
	bool terminated;
};

/* The checks of a finished run. */
static void gph_check(struct phr *s, struct gph_sum *sum)
{
	unsigned long term_at = s->term_at;
	const struct gph_args *a = &s->a;
	long adv = atomic_long_read(&s->advances);
	bool want_term = a->mode == GPH_DEREGISTER || a->mode == GPH_TERMINATE;
	unsigned int i, n;

	for (i = 0; i < a->threads; i++) {
		const struct gph_thread *t = &s->th[i];

		sum->phases = max(sum->phases, t->completed);
		sum->wakeups += t->wakeups;
		sum->deregistered += t->deregistered;
		sum->registered += t->registered;
		sum->interrupts += t->interrupts;
		sum->timeouts += t->timeouts;
		if (s->aborted)
			continue;
		if (a->mode == GPH_TERMINATE &&
		    (!t->shutdown || time_after(t->shutdown_at,
						term_at + GPH_PROMPT_S * HZ)))
			gph_fail(s, "thread %u: no -ESHUTDOWN within %d s of the termination",
				 i, GPH_PROMPT_S);
		if (a->mode != GPH_TERMINATE && t->completed != (a->mode == GPH_DEREGISTER ?
								  t->leave + 1 : a->rounds))
			gph_fail(s, "thread %u saw %u rounds end, not %u", i,
				 t->completed, a->mode == GPH_DEREGISTER ?
				 t->leave + 1 : a->rounds);
		if (a->mode == GPH_DEREGISTER && !t->deregistered)
			gph_fail(s, "thread %u never deregistered", i);
	}
	sum->terminated = gosync_phaser_is_terminated(&s->root);
	if (s->aborted)
		return;

	if (a->mode == GPH_TERMINATE ? adv != sum->phases && adv != sum->phases + 1 :
	    adv != sum->phases || sum->phases != a->rounds)
		gph_fail(s, "%ld on_advance calls for %u phases of %u rounds",
			 adv, sum->phases, a->rounds);
	if (gph_plant(s, GPH_INJ_TERMINATED))
		want_term = !want_term;
	if (sum->terminated != want_term) {
		gph_fail(s, "the phaser is %sterminated after a %s run",
			 sum->terminated ? "" : "not ", gph_mode_names[a->mode]);
		return;
	}
	if (sum->terminated) {
		gph_check_shutdown(s, &s->root, "terminated root");
		for (i = 0; i < a->tier; i++)
			gph_check_shutdown(s, &s->children[i], "terminated child");
		return;
	}
	n = a->tier ? a->tier : a->threads;
	if (gosync_phaser_phase(&s->root) != gph_phase(a->rounds) ||
	    gosync_phaser_registered_parties(&s->root) != n ||
	    gosync_phaser_unarrived_parties(&s->root) != n)
		gph_fail(s, "root at the end: phase %d parties %u unarrived %u, not %d %u %u",
			 gosync_phaser_phase(&s->root),
			 gosync_phaser_registered_parties(&s->root),
			 gosync_phaser_unarrived_parties(&s->root),
			 gph_phase(a->rounds), n, n);
	for (i = 0; i < a->tier; i++) {
		n = (a->threads - i + a->tier - 1) / a->tier;
		if (gosync_phaser_registered_parties(&s->children[i]) != n ||
		    gosync_phaser_unarrived_parties(&s->children[i]) != n)
			gph_fail(s, "child %u after the run: %u parties, %u unarrived; want %u",
				 i, gosync_phaser_registered_parties(&s->children[i]),
				 gosync_phaser_unarrived_parties(&s->children[i]), n);
	}
}

static int gph_print(struct phr *s, const struct gph_sum *sum,
		     struct seq_buf *out)
{
	return gosync_run_result(&s->run, out,
				 "threads=%u tier=%u rounds=%u mode=%s seed=%llu phases=%u advances=%ld wakeups=%llu deregistered=%u registered=%llu interrupts=%llu timeouts=%llu terminated=%d",
				 s->a.threads, s->a.tier, s->a.rounds,
				 gph_mode_names[s->a.mode], s->a.seed,
				 sum->phases, atomic_long_read(&s->advances),
				 sum->wakeups, sum->deregistered,
				 sum->registered, sum->interrupts,
				 sum->timeouts, sum->terminated);
}

static int gph_exec(struct gosync_cmd_file *f, char *line, struct seq_buf *out)
{
	struct gph_sum sum = {};
	struct phr *s;
	int ret, err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = gosync_args_parse(&gosync_phaser_run_args, line, &s->a, out,
				f->who);
	if (ret)
		goto out_free;
	ret = gph_setup(s, out, f->who);
	if (ret)
		goto out_free;
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_report(out, f->who, "run: no threads (%d)", ret);
		goto out_run;
	}
	/* Stopped: every thread has stopped, on -ESHUTDOWN. */
	gph_check(s, &sum);
	if (!ret && s->a.inject && !atomic_read(&s->injected))
		gph_fail(s, "inject=%s was not planted",
			 gph_inject_names[s->a.inject]);
	err = gph_print(s, &sum, out);
	if (!ret)
		ret = err;
out_run:
	gosync_run_free(&s->run);
out_free:
	gph_free(s);
	return ret;
}

static struct gosync_cmd_file gph_file = {
	.name = "run",
	.who = "phaser",
	.exec = gph_exec,
};

DEFINE_GOSYNC_COMPONENT(phaser) = {
	.name = "phaser",
	.files = (struct gosync_cmd_file *const []){ &gph_file, NULL },
};
