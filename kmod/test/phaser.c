// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_phaser in gosync_test.ko: /sys/kernel/debug/gosync_test/phaser/,
 * its checks and inject= points on the runner (runner.h).
 *
 * Its command files, their grammar and what each run checks are
 * documented for their users in kmod/test/README.md, "phaser".
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
const struct gosync_args gosync_phaser_run_args =
	GOSYNC_ARGS(gph_params, struct gph_args, &gph_defaults, gph_args_check);

struct phr;

/* One party's thread, 0 .. threads - 1; its counters are its own. */
struct gph_thread {
	struct phr *s;
	unsigned int id;
	struct gosync_phaser *ph;	/* the root, or child id % tier */
	u32 rnd;		/* its random state */
	u32 leave;		/* the round it deregisters in, or GPH_NONE */
	long entry;		/* the round it wrote last (-1 before the first) */
	u32 completed;		/* rounds whose end it saw */
	u64 ran;		/* advances that ran in its context */
	u64 wakeups;		/* awaits released by another party's arrival */
	u64 interrupts;		/* -ERESTARTSYS returns */
	u64 timeouts;		/* -ETIMEDOUT returns */
	u64 registered;		/* parties it registered anew */
	bool deregistered;	/* it left the phaser */
	bool shutdown;		/* it stopped on -ESHUTDOWN, at shutdown_at */
	unsigned long shutdown_at;
};

/* One run. */
struct phr {
	struct gph_args a;
	struct gosync_phaser root;
	atomic_long_t advances;	/* on_advance calls */
	u32 inj_round;		/* the round an injection is planted in */
	atomic_t injected;	/* the injection was planted */
	bool stop;		/* threads stop at the next round */
	bool aborted;		/* ended early, by the writer or on a violation */
	struct gosync_run run;
	struct gosync_violations v;
	u32 term_round;		/* terminate mode: after this many advances */
	unsigned long term_at;	/* when the phaser was seen terminated */
	unsigned long progress_at;	/* when an advance was last seen */
	long last_adv;		/* the advances seen then */
	bool terminated;	/* the writer saw the phaser terminated */
	bool late;		/* threads still ran GPH_PROMPT_S after that */
	struct gosync_phaser children[GPH_THREADS_MAX];	/* a.tier of them */
	struct gph_thread th[GPH_THREADS_MAX];
};

/* Any context: record one violation. */
#define gph_fail(s, ...)	gosync_violation(&(s)->v, __VA_ARGS__)

/* End the run early: the threads stop, every waiter gets -ESHUTDOWN. */
static void gph_abort(struct gosync_run *run)
{
	struct phr *s = run->data;

	/* Pairs with READ_ONCE() in the threads; before the termination. */
	WRITE_ONCE(s->aborted, true);
	WRITE_ONCE(s->stop, true);
	/* Fully ordered: a thread woken by it sees the flags. */
	gosync_phaser_force_termination(&s->root);
}

/* A value every thread derives alike from the seed and @n. */
#define gph_hash(s, n)	gosync_hash32((s)->a.seed, n)

/* The phase of round @r (the phaser starts in phase 0). */
static int gph_phase(u64 r)
{
	return r & GOSYNC_PHASER_PHASE_MAX;
}

/* Interrupt and timeout modes: the victim of round @r; its peer is next. */
static unsigned int gph_victim(const struct phr *s, u32 r)
{
	return gph_hash(s, r) % s->a.threads;
}

/* Thread @j is registered in round @r (GPH_NONE is above every round). */
static bool gph_active(const struct phr *s, unsigned int j, u32 r)
{
	return s->th[j].leave >= r;
}

/* Plant the injection @what now, if it is the one asked and not yet. */
static bool gph_plant(struct phr *s, enum gph_inject what)
{
	return s->a.inject == what && !atomic_xchg(&s->injected, 1);
}

/*
 * The parties the root has for the round after @r: the threads still
 * registered, or the children with one of them.
 */
static unsigned int gph_parties_after(const struct phr *s, u32 r)
{
	unsigned int i, n = 0;
	u64 seen = 0;

	for (i = 0; i < s->a.threads; i++) {
		u64 bit = BIT_ULL(s->a.tier ? i % s->a.tier : i);

		if (gph_active(s, i, r + 1) && !(seen & bit)) {
			seen |= bit;
			n++;
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

	for (i = 0; i < s->a.threads; i++)
		if (s->run.threads[i].task == current)
			break;
	/* Its own counter: it runs us. */
	if (i < s->a.threads)
		s->th[i].ran++;
	else
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
		long e = READ_ONCE(s->th[i].entry);

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
	gph_abort(&s->run);
}

/* Before arriving in round @r: the mode's delays and signals. */
static void gph_before(struct gph_thread *t, u32 r)
{
	struct phr *s = t->s;
	unsigned int victim = gph_victim(s, r);
	bool peer = t->id == (victim + 1) % s->a.threads;
	u32 x;

	if (s->a.mode == GPH_DELAY) {
		x = gosync_xorshift32(&t->rnd);
		if ((x & 7) < 2)
			udelay((x >> 8) % 50);
		else if ((x & 7) == 2)
			usleep_range(10, 100);
		else if ((x & 7) == 3 && !(x & 0x300))
			schedule_timeout_uninterruptible(1);
	} else if (peer && s->a.mode == GPH_INTERRUPT) {
		/* The victim cannot leave round r before we arrive. */
		send_sig(SIGUSR1, s->run.threads[victim].task, 1);
		usleep_range(500, 1000);
	} else if (peer && s->a.mode == GPH_TIMEOUT) {
		schedule_timeout_uninterruptible(GPH_SHORT + 2);
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
		e = READ_ONCE(s->th[j].entry);
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
		gph_abort(&t->s->run);
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

	if (victim && s->a.mode == GPH_INTERRUPT)
		ret = gosync_phaser_arrive_and_await_advance_interruptible(t->ph);
	else if (victim && s->a.mode == GPH_TIMEOUT)
		ret = gosync_phaser_arrive_and_await_advance_timeout(t->ph,
								     GPH_SHORT);
	else
		ret = gosync_phaser_arrive_and_await_advance(t->ph);
	if (ret == -ERESTARTSYS || ret == -ETIMEDOUT) {
		t->interrupts += ret == -ERESTARTSYS;
		t->timeouts += ret == -ETIMEDOUT;
		flush_signals(current);
		ret = gph_reawait(t, r);
	}
	/* The signal may have come after the phase ended. */
	if (victim)
		flush_signals(current);
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
	int reg = gosync_phaser_register(t->ph), ret;

	if (reg < 0) {
		gph_stopped(t, r, reg, "register");
		return false;
	}
	ret = gosync_phaser_arrive_and_deregister(t->ph);
	if (reg != gph_phase(r) || ret != gph_phase(r)) {
		gph_fail(t->s, "thread %u: swap in round %u: register %d, deregister %d, not %d",
			 t->id, r, reg, ret, gph_phase(r));
		gph_abort(&t->s->run);
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
		WRITE_ONCE(t->entry, r);
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

/*
 * The tree at rest in @phase (the root's): every party registered (for
 * the root, phaser 0, its children if any), none arrived.
 */
static void gph_check_tree(struct phr *s, int phase, const char *when)
{
	struct gosync_phaser *ph = &s->root;
	unsigned int i, n = s->a.tier ? s->a.tier : s->a.threads;

	for (i = 0; i <= s->a.tier; i++) {
		if ((!i && gosync_phaser_phase(ph) != phase) ||
		    gosync_phaser_registered_parties(ph) != n ||
		    gosync_phaser_unarrived_parties(ph) != n ||
		    gosync_phaser_arrived_parties(ph) != 0)
			gph_fail(s,
				 "%s phaser %u: phase %d parties %u unarrived %u arrived %u, not %d %u %u 0",
				 when, i, gosync_phaser_phase(ph),
				 gosync_phaser_registered_parties(ph),
				 gosync_phaser_unarrived_parties(ph),
				 gosync_phaser_arrived_parties(ph), phase, n, n);
		if (i == s->a.tier)
			break;
		ph = &s->children[i];
		n = (s->a.threads - i + s->a.tier - 1) / s->a.tier;
	}
}

/* Set up the run of the parsed @s->a, its phasers and its schedule. */
static int gph_setup(struct phr *s, struct seq_buf *out, const char *who)
{
	const struct gph_args *a = &s->a;
	unsigned int i, last;
	int ret;

	s->run = (struct gosync_run){
		.name = "phaser", .nr_threads = a->threads,
		.signals = a->mode == GPH_INTERRUPT, .body = gph_body,
		.tick = gph_tick, .abort = gph_abort, .data = s, .v = &s->v,
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
		t->entry = -1;
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

	gph_check_tree(s, 0, "new");
	return 0;
}

/* Every call on a terminated tree returns -ESHUTDOWN, without sleeping. */
static void gph_check_shutdown(struct phr *s, struct gosync_phaser *ph,
			       const char *name)
{
	int r[6], i, bad = !gosync_phaser_is_terminated(ph);

	r[0] = gosync_phaser_phase(ph);
	r[1] = gosync_phaser_await_advance_timeout(ph, 0, GPH_GUARD);
	r[2] = gosync_phaser_arrive_and_await_advance_timeout(ph, GPH_GUARD);
	r[3] = gosync_phaser_arrive(ph);
	r[4] = gosync_phaser_arrive_and_deregister(ph);
	r[5] = gosync_phaser_register(ph);
	for (i = 0; i < ARRAY_SIZE(r); i++)
		bad |= r[i] != -ESHUTDOWN;
	if (bad)
		gph_fail(s, "%s %d: phase %d await %d arr+await %d arrive %d dereg %d reg %d",
			 name, gosync_phaser_is_terminated(ph), r[0], r[1],
			 r[2], r[3], r[4], r[5]);
}

/* What the threads counted, summed; @phases: the most rounds one saw end. */
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
	unsigned int i;

	for (i = 0; i < a->threads; i++) {
		const struct gph_thread *t = &s->th[i];
		u32 want = a->mode == GPH_DEREGISTER ? t->leave + 1 : a->rounds;

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
		if (a->mode != GPH_TERMINATE && t->completed != want)
			gph_fail(s, "thread %u saw %u rounds end, not %u", i,
				 t->completed, want);
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
	gph_check_tree(s, gph_phase(a->rounds), "after the run:");
}

static int gph_exec(struct gosync_cmd_file *f, char *line, struct seq_buf *out)
{
	struct gph_sum sum = {};
	struct phr *s;
	int ret, err;

	s = kvzalloc(sizeof(*s), GFP_KERNEL);
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
	err = gosync_run_result(&s->run, out,
				"threads=%u tier=%u rounds=%u mode=%s seed=%llu phases=%u advances=%ld wakeups=%llu deregistered=%u registered=%llu interrupts=%llu timeouts=%llu terminated=%d",
				s->a.threads, s->a.tier, s->a.rounds,
				gph_mode_names[s->a.mode], s->a.seed, sum.phases,
				atomic_long_read(&s->advances), sum.wakeups,
				sum.deregistered, sum.registered, sum.interrupts,
				sum.timeouts, sum.terminated);
	if (!ret)
		ret = err;
out_run:
	gosync_run_free(&s->run);
out_free:
	kvfree(s);
	return ret;
}

DEFINE_GOSYNC_COMPONENT(phaser) = {
	.name = "phaser",
	.files = (struct gosync_cmd_file []){
		{ .name = "run", .exec = gph_exec },
		{}
	},
};
