// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_barrier in gosync_test.ko: /sys/kernel/debug/gosync_test/barrier/,
 * its checks and inject= points on the runner (runner.h).
 *
 * run (0600, command file; grammar of command files in parse.h)
 *	threads=N rounds=M [mode=plain|delay|interrupt|timeout|reset]
 *	[action=0|1] [seed=S] [inject=WHAT]
 *
 *	Starts N kthreads (2 .. 64, not bound: there may be more than CPUs)
 *	that pass M rounds (1 .. 1000000) of one fresh gosync_barrier of N
 *	parties. Before each wait a thread writes its round number into its
 *	slot of a shared array. After its release it checks:
 *	- every slot holds its round or the next one (a thread that already
 *	  raced into the next round): a slot below means someone was
 *	  released before everybody had arrived;
 *	- with action=1 (the default), that the action of the round already
 *	  ran; the action itself checks that every slot holds the round
 *	  (everybody arrived) and counts itself;
 *	- that its arrival index is in 0 .. N - 1 and no other thread of
 *	  the round got the same one; so that exactly one waiter per
 *	  generation is the serial one (gosync_barrier_is_serial()).
 *
 *	Modes, how the threads arrive:
 *	plain		gosync_barrier_wait() at once.
 *	delay		a random short delay first (none, cond_resched(), a
 *			udelay() of up to 20 us or a sleep of 10-50 us), and
 *			a random flavour of wait (plain, interruptible,
 *			killable, or with a timeout of 10 s).
 *	interrupt	now and then (one round in GBAR_BREAK_EVERY, chosen
 *			from seed, round and epoch so that every thread
 *			agrees) a random party, the victim, waits with
 *			gosync_barrier_wait_interruptible() while another,
 *			the laggard, first sleeps, then sends the victim a
 *			signal (SIGUSR1), then sleeps again before it
 *			arrives. In the other rounds random parties wait
 *			interruptibly, with no signal.
 *	timeout		the same with gosync_barrier_wait_timeout() of one
 *			jiffy for the victim, the laggard sleeping three
 *			times that, no signal; otherwise random parties
 *			wait with a timeout of 10 s.
 *	reset		a controller (the writer) calls gosync_barrier_reset()
 *			every 0.1-1 ms, and now and then twice in a row,
 *			while the parties delay as in delay mode (else two
 *			spinning parties finish before the first reset).
 *
 *	In interrupt, timeout and reset modes generations break, by the
 *	rules of <gosync/barrier.h> ("Broken state"): in one attempt of a
 *	round either all N threads pass or all N fail (the one that gave up
 *	with -ERESTARTSYS or -ETIMEDOUT), and the barrier stays broken until
 *	reset. A thread that failed joins a rendezvous outside the
 *	barrier (the recovery); the one that completes it checks that all N
 *	failed the same round, that exactly one party gave up (none in
 *	reset mode), and that the barrier is broken, then calls
 *	gosync_barrier_reset() and everybody restarts the failed round in a
 *	new epoch. In reset mode a thread that sees a recovery under way
 *	does not arrive, and the threads waiting in the recovery reset the
 *	barrier every jiffy to free anyone asleep in it. A round is thus
 *	released exactly once, whatever broke in between; at the end:
 *	- each thread passed M rounds, generations (rounds whose indices
 *	  were a permutation of 0 .. N - 1) = serials = M, wakeups = M *
 *	  (N - 1), actions = M (0 with action=0);
 *	- interrupt and timeout: broken (failed epochs) = interrupts or
 *	  timeouts, aborted = broken * (N - 1); reset: aborted + skipped =
 *	  broken * N; plain and delay: nothing broken, aborted or given up;
 *	- the barrier is not broken.
 *
 *	inject= plants one violation after the run through the same check
 *	that would catch it in the run: early (a thread released with every
 *	slot a round behind), action (an action run twice for a round),
 *	serial (one serial waiter too many), index (an arrival index
 *	returned twice in a round), round (two threads failing different
 *	rounds of one epoch).
 *
 *	The output is the runner's result line (runner.h): "result=PASS|FAIL
 *	threads= rounds= mode= generations= wakeups= serials= actions=
 *	broken= timeouts= interrupts= resets= aborted= late= skipped= kicks=
 *	errors=", where broken counts the failed epochs, resets the
 *	controller's resets, aborted the -ECONNABORTED returns, late the
 *	arrivals at a barrier already broken, skipped the arrivals left out
 *	in reset mode and kicks the recovery's resets. A run the runner stops
 *	(a signal, 60 s, stuck after a violation) breaks the barrier with a
 *	wait of zero timeout until every thread has left it (no reset, so it
 *	stays broken) and judges nothing more.
 *
 *	Errors: the parser's (see parse.h), -ENOMEM, -EIO for a violation,
 *	the runner's for a stopped run. A rejected command starts nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include <gosync/barrier.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GBAR_THREADS_MAX	64	/* the index masks are 64 bits */
#define GBAR_ROUNDS_MAX	1000000
#define GBAR_SLOTS		4	/* index masks, rounds r .. r + 3 */
#define GBAR_BREAK_EVERY	8	/* interrupt, timeout: break rounds */
#define GBAR_LONG_TIMEOUT	(10 * HZ)
#define GBAR_VICTIM_JIFFIES	1	/* timeout: the victim's timeout */

/* mode=, how the threads of a run arrive; see the top of this file. */
enum gbar_mode {
	GBAR_PLAIN,
	GBAR_DELAY,
	GBAR_INTERRUPT,
	GBAR_TIMEOUT,
	GBAR_RESET,
	GBAR_NR_MODES,
};

/* inject=, a violation planted after the run; see the top of this file. */
enum gbar_inject {
	GBAR_INJ_NONE,
	GBAR_INJ_EARLY,
	GBAR_INJ_ACTION,
	GBAR_INJ_SERIAL,
	GBAR_INJ_INDEX,
	GBAR_INJ_ROUND,
	GBAR_NR_INJECT,
};

/* The arguments of a barrier/run command, by their keys (gbar_params). */
struct gbar_args {
	u32 threads;
	u32 rounds;
	u32 mode;
	u32 action;
	u32 seed;
	u32 inject;
};

static const char *const gbar_mode_names[GBAR_NR_MODES] = {
	[GBAR_PLAIN] = "plain",
	[GBAR_DELAY] = "delay",
	[GBAR_INTERRUPT] = "interrupt",
	[GBAR_TIMEOUT] = "timeout",
	[GBAR_RESET] = "reset",
};

static const char *const gbar_inject_names[GBAR_NR_INJECT] = {
	[GBAR_INJ_NONE] = "none",
	[GBAR_INJ_EARLY] = "early",
	[GBAR_INJ_ACTION] = "action",
	[GBAR_INJ_SERIAL] = "serial",
	[GBAR_INJ_INDEX] = "index",
	[GBAR_INJ_ROUND] = "round",
};

static const struct gbar_args gbar_defaults = { .action = 1, .seed = 1 };

static const struct gosync_param gbar_params[] = {
	GOSYNC_ARG_U32("threads", struct gbar_args, threads, 2,
		       GBAR_THREADS_MAX, true),
	GOSYNC_ARG_U32("rounds", struct gbar_args, rounds, 1, GBAR_ROUNDS_MAX,
		       true),
	GOSYNC_ARG_ENUM("mode", struct gbar_args, mode, gbar_mode_names,
			GBAR_NR_MODES),
	GOSYNC_ARG_U32("action", struct gbar_args, action, 0, 1, false),
	GOSYNC_ARG_U32("seed", struct gbar_args, seed, 0, U32_MAX, false),
	GOSYNC_ARG_ENUM("inject", struct gbar_args, inject, gbar_inject_names,
			GBAR_NR_INJECT),
};

/* The arguments of barrier/run; the fuzzers run them too. */
const struct gosync_args gosync_barrier_run_args = {
	.params = gbar_params,
	.nr = ARRAY_SIZE(gbar_params),
	.size = sizeof(struct gbar_args),
	.defaults = &gbar_defaults,
};

struct barst;

/**
 * struct gbar_sum - a thread's counts, or every thread's added up
 * @ok: waits that released a thread
 * @serials: ... as the serial waiter
 * @wakeups: ... as another waiter
 * @timeouts: -ETIMEDOUT returns
 * @interrupts: -ERESTARTSYS returns
 * @aborted: -ECONNABORTED returns
 * @late: arrivals at a barrier known broken
 * @skipped: arrivals left out
 */
struct gbar_sum {
	u64 ok;
	u64 serials;
	u64 wakeups;
	u64 timeouts;
	u64 interrupts;
	u64 aborted;
	u64 late;
	u64 skipped;
};

/**
 * struct gbar_thread - one party of a run
 * @s: the run
 * @id: its index, its slot in the array
 * @rnd: its random state
 * @armed: it is a victim that may be signalled now; guarded by @s->sig_lock
 * @c: its counts
 */
struct gbar_thread {
	struct barst *s;
	unsigned int id;
	u32 rnd;
	bool armed;
	struct gbar_sum c;
};

/**
 * struct barst - one run
 * @b: the barrier under test
 * @a: the arguments
 * @seen: each thread's round, written before it waits
 * @masks: the arrival indices returned in round r, at r % GBAR_SLOTS
 * @gens: rounds whose indices were checked to be a permutation
 * @action_round: the round the next action is for
 * @actions: actions run
 * @sig_lock: guards the threads' @armed
 * @rec_lock: guards the recovery fields below
 * @rec_count: threads in the recovery under way
 * @rec_round: the round they failed (the lowest, on a violation)
 * @rec_giveups: how many of them gave up (timeout, signal)
 * @rec_epoch: recoveries completed
 * @rec_restart: the round the last recovery restarts at
 * @rec_pending: a recovery is under way; read locklessly as a hint
 * @rec_wq: where the recovering threads wait
 * @broken: recoveries (failed epochs); the recovery's last thread writes
 * @kicks: resets done by recovering threads to free sleepers
 * @resets: resets done by the controller
 * @abort: the run is being stopped
 * @run: the threads
 * @v: the violations found
 * @rnd: the controller's random state
 * @th: the threads' counts
 */
struct barst {
	struct gosync_barrier b;
	struct gbar_args a;
	u32 *seen;
	atomic64_t masks[GBAR_SLOTS];
	atomic_long_t gens;
	atomic_t action_round;
	atomic_long_t actions;
	spinlock_t sig_lock;	/* guards th[].armed */
	spinlock_t rec_lock;	/* guards rec_* */
	unsigned int rec_count;
	u32 rec_round;
	unsigned int rec_giveups;
	u32 rec_epoch;
	u32 rec_restart;
	bool rec_pending;
	wait_queue_head_t rec_wq;
	u64 broken;
	atomic_long_t kicks;
	u64 resets;
	bool abort;
	struct gosync_run run;
	struct gosync_violations v;
	u32 rnd;
	struct gbar_thread th[];
};

/*
 * Any context: record one violation. Once the run is being stopped the
 * threads see a barrier broken on purpose: nothing more is judged.
 */
static __printf(2, 3) void gbar_fail(struct barst *s, const char *fmt, ...)
{
	va_list args;

	if (READ_ONCE(s->abort))
		return;
	va_start(args, fmt);
	gosync_vviolation(&s->v, fmt, args);
	va_end(args);
}

static bool gbar_gives_up(const struct barst *s)
{
	return s->a.mode == GBAR_INTERRUPT || s->a.mode == GBAR_TIMEOUT;
}

/* ------------------------------------------------------------------ */
/* The checks the threads make.                                        */

/*
 * The barrier's action, run by the last arriver before anyone of the
 * round is released: everybody wrote this round.
 */
static void gbar_action(void *arg)
{
	struct barst *s = arg;
	u32 round = atomic_read(&s->action_round);
	unsigned int i;

	for (i = 0; i < s->a.threads; i++) {
		u32 v = READ_ONCE(s->seen[i]);

		if (v != round) {
			gbar_fail(s, "action of round %u: thread %u is at round %u",
				  round, i, v);
			break;
		}
	}
	atomic_long_inc(&s->actions);
	atomic_set(&s->action_round, round + 1);
}

/* After thread @id's release from @round: every slot is @round or next. */
static void gbar_check_seen(struct barst *s, unsigned int id, u32 round)
{
	unsigned int i;

	for (i = 0; i < s->a.threads; i++) {
		u32 v = READ_ONCE(s->seen[i]);

		if (v < round || v > round + 1) {
			gbar_fail(s, "thread %u released from round %u with thread %u at round %u",
				  id, round, i, v);
			break;
		}
	}
}

/* Note arrival index @idx as returned in @round. */
static void gbar_post_index(struct barst *s, u32 round, int idx)
{
	u64 bit, old;

	if (idx < 0 || idx >= s->a.threads) {
		gbar_fail(s, "round %u: arrival index %d of %u parties",
			  round, idx, s->a.threads);
		return;
	}
	bit = BIT_ULL(idx);
	old = atomic64_fetch_or(bit, &s->masks[round % GBAR_SLOTS]);
	if (old & bit)
		gbar_fail(s, "round %u: arrival index %d returned twice",
			  round, idx);
}

/*
 * Round @round is over for everyone (its serial waiter has passed round
 * @round + 2, or the run has ended): its indices must be all of them.
 */
static void gbar_check_indices(struct barst *s, u32 round)
{
	u64 all = GENMASK_ULL(s->a.threads - 1, 0);
	u64 m = atomic64_xchg(&s->masks[round % GBAR_SLOTS], 0);

	if (m != all)
		gbar_fail(s, "round %u: arrival indices %#llx returned, not %#llx",
			  round, m, all);
	else
		atomic_long_inc(&s->gens);
}

/* Everything a released thread checks; @ret is the wait's index. */
static void gbar_released(struct barst *s, struct gbar_thread *th,
			  u32 round, int ret)
{
	gbar_check_seen(s, th->id, round);
	if (s->a.action && atomic_read(&s->action_round) <= round)
		gbar_fail(s, "thread %u released from round %u before its action",
			  th->id, round);
	gbar_post_index(s, round, ret);
	th->c.ok++;
	if (!gosync_barrier_is_serial(&s->b, ret)) {
		th->c.wakeups++;
		return;
	}
	th->c.serials++;
	/* Everybody has passed round - 2 and is done with its slot. */
	if (round >= 2)
		gbar_check_indices(s, round - 2);
}

/* ------------------------------------------------------------------ */
/* One round.                                                          */

/**
 * struct gbar_plan - what the parties do in one attempt of a round
 * @breaks: a break round (interrupt, timeout)
 * @victim: the party that gives up
 * @laggard: the party that arrives late
 * @r: random bits for the rest
 */
struct gbar_plan {
	bool breaks;
	unsigned int victim;
	unsigned int laggard;
	u32 r;
};

/* The same plan for every thread: from the seed, the round and epoch. */
static void gbar_plan(const struct barst *s, u32 round, u32 epoch,
		      struct gbar_plan *p)
{
	u32 n = s->a.threads;
	u32 h = gosync_hash32(s->a.seed, (u64)epoch << 32 | round);

	p->breaks = gbar_gives_up(s) && h % GBAR_BREAK_EVERY == 0;
	p->victim = (h >> 8) % n;
	p->laggard = (p->victim + 1 + (h >> 16) % (n - 1)) % n;
	p->r = h;
}

static void gbar_random_delay(u32 r)
{
	switch (r & 3) {
	case 0:
		break;
	case 1:
		cond_resched();
		break;
	case 2:
		udelay((r >> 2) % 20);
		break;
	case 3:
		usleep_range(10, 50);
		break;
	}
}

/* Victim of an interrupt round: may be signalled from now until disarmed. */
static void gbar_arm(struct barst *s, struct gbar_thread *th, bool armed)
{
	spin_lock(&s->sig_lock);
	th->armed = armed;
	spin_unlock(&s->sig_lock);
	/* No signal comes after disarming: drop one that came too late. */
	if (!armed)
		flush_signals(current);
}

static void gbar_signal(struct barst *s, struct gbar_thread *victim)
{
	spin_lock(&s->sig_lock);
	if (victim->armed)
		send_sig(SIGUSR1, s->run.threads[victim->id].task, 1);
	spin_unlock(&s->sig_lock);
}

/* The laggard of a break round: arrive after the victim gave up. */
static void gbar_lag(struct barst *s, const struct gbar_plan *p)
{
	unsigned int us;

	if (s->a.mode == GBAR_INTERRUPT) {
		usleep_range(200, 400);
		gbar_signal(s, &s->th[p->victim]);
		usleep_range(1000, 2000);
		return;
	}
	us = 3 * jiffies_to_usecs(GBAR_VICTIM_JIFFIES);
	usleep_range(us, us + 1000);
}

/* The wait of thread @th in an attempt of @round; its result. */
static int gbar_wait(struct barst *s, struct gbar_thread *th,
		     const struct gbar_plan *p, u32 r)
{
	bool victim = p->breaks && p->victim == th->id;
	int ret;

	switch (s->a.mode) {
	case GBAR_PLAIN:
	case GBAR_RESET:
		return gosync_barrier_wait(&s->b);
	case GBAR_DELAY:
		switch ((r >> 8) & 3) {
		case 0:
			return gosync_barrier_wait(&s->b);
		case 1:
			return gosync_barrier_wait_interruptible(&s->b);
		case 2:
			return gosync_barrier_wait_killable(&s->b);
		default:
			return gosync_barrier_wait_timeout(&s->b, GBAR_LONG_TIMEOUT);
		}
	case GBAR_INTERRUPT:
		if (!victim)
			return r & 0x100 ? gosync_barrier_wait_interruptible(&s->b) :
					   gosync_barrier_wait(&s->b);
		ret = gosync_barrier_wait_interruptible(&s->b);
		gbar_arm(s, th, false);
		return ret;
	case GBAR_TIMEOUT:
		if (victim)
			return gosync_barrier_wait_timeout(&s->b,
							   GBAR_VICTIM_JIFFIES);
		return r & 0x100 ?
		       gosync_barrier_wait_timeout(&s->b, GBAR_LONG_TIMEOUT) :
		       gosync_barrier_wait(&s->b);
	case GBAR_NR_MODES:
		break;
	}
	return -EINVAL;
}

/*
 * Judge a failed wait of thread @th in @round; may it happen in this
 * mode, for this thread?
 */
static void gbar_failed(struct barst *s, struct gbar_thread *th,
			const struct gbar_plan *p, u32 round, int ret)
{
	bool victim = p->breaks && p->victim == th->id;
	bool aborting = READ_ONCE(s->abort);

	switch (ret) {
	case -ECONNABORTED:
		th->c.aborted++;
		if (aborting)
			return;
		if (s->a.mode != GBAR_RESET && !gbar_gives_up(s))
			gbar_fail(s, "thread %u: round %u broken in mode %s",
				  th->id, round, gbar_mode_names[s->a.mode]);
		/* Until the recovery resets it, which needs us there. */
		else if (gbar_gives_up(s) && !gosync_barrier_is_broken(&s->b))
			gbar_fail(s, "thread %u: round %u broken, the barrier is not",
				  th->id, round);
		return;
	case -ERESTARTSYS:
	case -ETIMEDOUT:
		if (ret == -ETIMEDOUT)
			th->c.timeouts++;
		else
			th->c.interrupts++;
		if (!victim || s->a.mode != (ret == -ETIMEDOUT ? GBAR_TIMEOUT :
					     GBAR_INTERRUPT))
			gbar_fail(s, "thread %u: round %u: gave up (%d), not a victim",
				  th->id, round, ret);
		return;
	}
	gbar_fail(s, "thread %u: round %u: wait returned %d", th->id, round,
		  ret);
}

/* One attempt of @round in @epoch: 0 if released, else why not. */
static int gbar_round(struct barst *s, struct gbar_thread *th, u32 round,
		      u32 epoch)
{
	struct gbar_plan p;
	u32 r = gosync_xorshift32(&th->rnd);
	bool broken_before = false;
	int ret;

	gbar_plan(s, round, epoch, &p);
	WRITE_ONCE(s->seen[th->id], round);
	if (p.breaks && p.victim == th->id && s->a.mode == GBAR_INTERRUPT)
		gbar_arm(s, th, true);
	/* Reset mode too: resets must find waiters asleep. */
	if (s->a.mode == GBAR_DELAY || s->a.mode == GBAR_RESET)
		gbar_random_delay(r);
	if (p.breaks && p.laggard == th->id)
		gbar_lag(s, &p);
	/* Pairs with WRITE_ONCE() in gbar_recover(); a hint only. */
	if (READ_ONCE(s->rec_pending)) {
		if (s->a.mode == GBAR_RESET) {
			th->c.skipped++;
			return -ECONNABORTED;
		}
		/* Broken until the recovery, which needs us, resets it. */
		broken_before = true;
		th->c.late++;
		if (!gosync_barrier_is_broken(&s->b) && !READ_ONCE(s->abort))
			gbar_fail(s, "thread %u: round %u: recovery under way, barrier not broken",
				  th->id, round);
	}
	ret = gbar_wait(s, th, &p, r);
	if (ret >= 0) {
		if (broken_before && !READ_ONCE(s->abort))
			gbar_fail(s, "thread %u: released from round %u by a broken barrier",
				  th->id, round);
		gbar_released(s, th, round, ret);
		return 0;
	}
	if (broken_before && ret != -ECONNABORTED)
		gbar_fail(s, "thread %u: round %u: %d from a broken barrier",
			  th->id, round, ret);
	gbar_failed(s, th, &p, round, ret);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Recovery: a rendezvous outside the barrier.                         */

/* Reset the barrier; nobody here calls it from the action: it must work. */
static void gbar_reset(struct barst *s)
{
	int ret = gosync_barrier_reset(&s->b);

	if (ret)
		gbar_fail(s, "gosync_barrier_reset() returned %d", ret);
}

/* Thread @id failed @round in the recovery under way (rec_lock held). */
static void gbar_rec_round(struct barst *s, unsigned int id, u32 round)
{
	if (round != s->rec_round)
		gbar_fail(s, "epoch %u: thread %u failed round %u, another thread round %u",
			  s->rec_epoch, id, round, s->rec_round);
	s->rec_round = min(s->rec_round, round);
}

/* The last thread of a recovery: check, reset, and let everyone go on. */
static void gbar_resync(struct barst *s)
{
	bool aborting = READ_ONCE(s->abort);
	unsigned int giveups = s->rec_giveups;
	u32 epoch = s->rec_epoch;

	/* Nobody is in the barrier: nothing changes rec_* or the barrier. */
	if (!aborting && gbar_gives_up(s)) {
		if (giveups != 1)
			gbar_fail(s, "epoch %u: %u parties gave up, not 1",
				  epoch, giveups);
		if (!gosync_barrier_is_broken(&s->b))
			gbar_fail(s, "epoch %u: the barrier is not broken", epoch);
	} else if (!aborting && giveups) {
		gbar_fail(s, "epoch %u: %u parties gave up in mode %s", epoch,
			  giveups, gbar_mode_names[s->a.mode]);
	}
	gbar_reset(s);
	if (!aborting && gbar_gives_up(s) && gosync_barrier_is_broken(&s->b))
		gbar_fail(s, "epoch %u: broken after reset", epoch);
	s->broken++;
	spin_lock(&s->rec_lock);
	s->rec_restart = s->rec_round;
	s->rec_count = 0;
	WRITE_ONCE(s->rec_pending, false);
	/* Pairs with READ_ONCE() in gbar_recover(). */
	WRITE_ONCE(s->rec_epoch, epoch + 1);
	spin_unlock(&s->rec_lock);
	wake_up_all(&s->rec_wq);
}

/*
 * Thread @th failed @round with @err: wait until all have, and return the
 * round to restart at, or -1 if the run is being stopped.
 */
static long gbar_recover(struct barst *s, struct gbar_thread *th,
			 u32 round, int err)
{
	bool last, cont;
	u32 epoch;
	long ret;

	spin_lock(&s->rec_lock);
	if (!s->rec_count) {
		s->rec_round = round;
		s->rec_giveups = 0;
		/* Pairs with READ_ONCE() in gbar_round(). */
		WRITE_ONCE(s->rec_pending, true);
	} else {
		gbar_rec_round(s, th->id, round);
	}
	if (err == -ETIMEDOUT || err == -ERESTARTSYS)
		s->rec_giveups++;
	epoch = s->rec_epoch;
	last = ++s->rec_count == s->a.threads;
	spin_unlock(&s->rec_lock);

	if (last) {
		gbar_resync(s);
	} else {
		for (;;) {
			cont = wait_event_timeout(s->rec_wq,
						  READ_ONCE(s->rec_epoch) != epoch ||
						  READ_ONCE(s->abort), 1);
			if (cont)
				break;
			/* Free a thread asleep in a barrier nobody breaks. */
			if (s->a.mode == GBAR_RESET) {
				gbar_reset(s);
				atomic_long_inc(&s->kicks);
			}
		}
	}
	spin_lock(&s->rec_lock);
	ret = s->rec_epoch != epoch ? s->rec_restart : -1;
	spin_unlock(&s->rec_lock);
	return READ_ONCE(s->abort) ? -1 : ret;
}

static int gbar_body(struct gosync_run_thread *t)
{
	struct barst *s = t->run->data;
	struct gbar_thread *th = &s->th[t->id];
	u32 round = 0, epoch = 0;
	long restart;
	int ret;

	while (round < s->a.rounds && !READ_ONCE(s->abort)) {
		ret = gbar_round(s, th, round, epoch);
		if (!ret) {
			round++;
			continue;
		}
		restart = gbar_recover(s, th, round, ret);
		if (restart < 0)
			break;
		round = restart;
		epoch++;
	}
	flush_signals(current);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The controller: the writer's context.                               */

/* Reset mode: the controller resets every 0.1-1 ms, now and then twice. */
static long gbar_tick(struct gosync_run *run)
{
	struct barst *s = run->data;
	u32 r = gosync_xorshift32(&s->rnd);
	unsigned int us = 100 + r % 900;

	if (s->a.mode != GBAR_RESET)
		return HZ / 10;
	usleep_range(us, us + 50);
	if (atomic_read(&run->alive)) {
		gbar_reset(s);
		s->resets++;
	}
	if (atomic_read(&run->alive) && !((r >> 16) & 3)) {
		gbar_reset(s);
		s->resets++;
	}
	return 0;
}

/*
 * A stopped run: break the barrier as a party that gives up at once, and
 * keep it broken (no reset), so that nobody sleeps in it again; our wait
 * may instead complete a generation, which releases its sleepers. Either
 * way every thread gets out and sees the abort.
 */
static void gbar_abort(struct gosync_run *run)
{
	struct barst *s = run->data;

	WRITE_ONCE(s->abort, true);
	wake_up_all(&s->rec_wq);
	gosync_barrier_wait_timeout(&s->b, 0);
}

/* Add a thread's counts @c to @sum; both are only u64s. */
static void gbar_add(struct gbar_sum *sum, const struct gbar_sum *c)
{
	const u64 *from = (const u64 *)c;
	u64 *to = (u64 *)sum;
	unsigned int i;

	for (i = 0; i < sizeof(*c) / sizeof(u64); i++)
		to[i] += from[i];
}

/* Plant the violation inject= asks for, through the check that finds it. */
static void gbar_inject(struct barst *s, struct gbar_sum *sum)
{
	u32 m = s->a.rounds;

	switch (s->a.inject) {
	case GBAR_INJ_EARLY:
		/* Every slot says m - 1: released from round m too early. */
		gbar_check_seen(s, 0, m);
		break;
	case GBAR_INJ_ACTION:
		WRITE_ONCE(s->seen[0], m - 1);
		atomic_set(&s->action_round, m - 1);
		gbar_action(s);
		break;
	case GBAR_INJ_SERIAL:
		sum->serials++;
		break;
	case GBAR_INJ_INDEX:
		gbar_post_index(s, m - 1, 0);
		break;
	case GBAR_INJ_ROUND:
		spin_lock(&s->rec_lock);
		s->rec_round = m - 1;
		gbar_rec_round(s, 0, m);
		spin_unlock(&s->rec_lock);
		break;
	case GBAR_INJ_NONE:
	case GBAR_NR_INJECT:
		break;
	}
}

/* The end of a completed run: the counts must be exact. */
static void gbar_check(struct barst *s, struct gbar_sum *sum)
{
	u64 m = s->a.rounds, n = s->a.threads;
	unsigned int i;
	u64 actions;
	u32 r;

	for (i = 0; i < n; i++)
		if (s->th[i].c.ok != m)
			gbar_fail(s, "thread %u passed %llu rounds, not %llu", i,
				  s->th[i].c.ok, m);
	gbar_inject(s, sum);
	actions = atomic_long_read(&s->actions);
	/* The last two rounds' serial waiters had no later round to check. */
	for (r = m > 2 ? m - 2 : 0; r < m; r++)
		gbar_check_indices(s, r);
	if (atomic_long_read(&s->gens) != m || sum->serials != m ||
	    sum->wakeups != m * (n - 1))
		gbar_fail(s, "%llu rounds: generations %ld serials %llu wakeups %llu",
			  m, atomic_long_read(&s->gens), sum->serials,
			   sum->wakeups);
	if (actions != (s->a.action ? m : 0))
		gbar_fail(s, "%llu actions for %llu rounds (action=%u)", actions,
			  m, s->a.action);
	switch (s->a.mode) {
	case GBAR_PLAIN:
	case GBAR_DELAY:
		if (s->broken || sum->aborted || sum->timeouts ||
		    sum->interrupts)
			gbar_fail(s, "mode %s: broken %llu aborted %llu timeouts %llu intr %llu",
				  gbar_mode_names[s->a.mode], s->broken,
				   sum->aborted, sum->timeouts, sum->interrupts);
		break;
	case GBAR_INTERRUPT:
	case GBAR_TIMEOUT:
		if (s->broken != sum->timeouts + sum->interrupts ||
		    sum->aborted != s->broken * (n - 1))
			gbar_fail(s, "broken %llu, timeouts %llu interrupts %llu aborted %llu",
				  s->broken, sum->timeouts, sum->interrupts,
				   sum->aborted);
		break;
	case GBAR_RESET:
		if (sum->aborted + sum->skipped != s->broken * n ||
		    sum->timeouts || sum->interrupts)
			gbar_fail(s, "broken %llu, aborted %llu skipped %llu tmo %llu intr %llu",
				  s->broken, sum->aborted, sum->skipped,
				   sum->timeouts, sum->interrupts);
		break;
	case GBAR_NR_MODES:
		break;
	}
	if (gosync_barrier_is_broken(&s->b))
		gbar_fail(s, "the barrier is broken at the end");
}

static int gbar_print(struct barst *s, const struct gbar_sum *sum,
		      struct seq_buf *out)
{
	return gosync_run_result(&s->run, out,
				 "threads=%u rounds=%u mode=%s generations=%ld wakeups=%llu serials=%llu actions=%ld broken=%llu timeouts=%llu interrupts=%llu resets=%llu aborted=%llu late=%llu skipped=%llu kicks=%ld",
				 s->a.threads, s->a.rounds,
				 gbar_mode_names[s->a.mode],
				 atomic_long_read(&s->gens), sum->wakeups,
				 sum->serials, atomic_long_read(&s->actions),
				 s->broken, sum->timeouts, sum->interrupts,
				 s->resets, sum->aborted, sum->late,
				 sum->skipped, atomic_long_read(&s->kicks));
}

static int gbar_exec(struct gosync_cmd_file *f, char *line,
		     struct seq_buf *out)
{
	struct gbar_sum sum = {};
	struct gbar_args a;
	struct barst *s;
	unsigned int i;
	int ret, err;

	ret = gosync_args_parse(&gosync_barrier_run_args, line, &a, out, f->who);
	if (ret)
		return ret;
	s = kzalloc(struct_size(s, th, a.threads), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->a = a;
	s->seen = kcalloc(a.threads, sizeof(*s->seen), GFP_KERNEL);
	if (!s->seen) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = gosync_barrier_init(&s->b, a.threads,
				  a.action ? gbar_action : NULL, s);
	if (ret) {
		gosync_report(out, f->who, "run: gosync_barrier_init() failed (%d)",
			      ret);
		goto out_free;
	}
	spin_lock_init(&s->sig_lock);
	spin_lock_init(&s->rec_lock);
	init_waitqueue_head(&s->rec_wq);
	for (i = 0; i < a.threads; i++) {
		s->th[i].s = s;
		s->th[i].id = i;
		s->th[i].rnd = gosync_hash32(a.seed, BIT_ULL(63) + i) | 1;
	}
	s->rnd = gosync_hash32(a.seed, U64_MAX) | 1;
	s->run = (struct gosync_run){
		.name = "barrier", .nr_threads = a.threads,
		.signals = a.mode == GBAR_INTERRUPT, .body = gbar_body,
		.tick = gbar_tick, .abort = gbar_abort, .data = s, .v = &s->v,
	};
	gosync_violations_init(&s->v, "barrier: run");
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_report(out, f->who, "run: no threads (%d)", ret);
		goto out_run;
	}
	for (i = 0; i < a.threads; i++)
		gbar_add(&sum, &s->th[i].c);
	/* A stopped run is judged no further: it returns why it stopped. */
	if (!ret)
		gbar_check(s, &sum);
	err = gbar_print(s, &sum, out);
	if (!ret)
		ret = err;
out_run:
	gosync_run_free(&s->run);
out_free:
	kfree(s->seen);
	kfree(s);
	return ret;
}

static struct gosync_cmd_file gbar_file = {
	.name = "run",
	.who = "barrier",
	.exec = gbar_exec,
};

/*
 * Nothing to do at unload: a run holds the file open (and the module
 * pinned) until its threads are gone, and no state outlives a run.
 */
DEFINE_GOSYNC_COMPONENT(barrier) = {
	.name = "barrier",
	.files = (struct gosync_cmd_file *const []){ &gbar_file, NULL },
};
