// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_barrier in gosync_test.ko: /sys/kernel/debug/gosync_test/barrier/,
 * its checks and inject= points on the runner (runner.h).
 *
 * Its command files, their grammar and what each run checks are
 * documented for their users in kmod/test/README.md, "barrier".
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
const struct gosync_args gosync_barrier_run_args =
	GOSYNC_ARGS(gbar_params, struct gbar_args, &gbar_defaults, NULL);

/* A thread's counts, or every thread's added up: only u64s (see gbar_exec()). */
struct gbar_sum {
	u64 ok;			/* waits that released the thread */
	u64 serials;		/* ... as the serial waiter */
	u64 wakeups;		/* ... as another waiter */
	u64 timeouts;		/* -ETIMEDOUT returns */
	u64 interrupts;		/* -ERESTARTSYS returns */
	u64 aborted;		/* -ECONNABORTED returns */
	u64 late;		/* arrivals at a barrier known broken */
	u64 skipped;		/* arrivals left out */
};

/* One party of a run; @id is its index. */
struct gbar_thread {
	unsigned int id;
	u32 rnd;		/* its random state */
	u32 seen;		/* its round, written before it waits */
	bool armed;		/* a victim that may be signalled now; sig_lock */
	struct gbar_sum c;
};

/* One run. */
struct barst {
	struct gosync_barrier b;
	struct gbar_args a;
	atomic64_t masks[GBAR_SLOTS];	/* indices of round r at r % SLOTS */
	atomic_long_t gens;	/* rounds whose indices were a permutation */
	atomic_t action_round;	/* the round the next action is for */
	atomic_long_t actions;
	spinlock_t sig_lock;	/* guards th[].armed */
	spinlock_t rec_lock;	/* guards rec_* */
	unsigned int rec_count;	/* threads in the recovery under way */
	u32 rec_round;		/* the round they failed (lowest, on a violation) */
	unsigned int rec_giveups;	/* how many of them gave up */
	u32 rec_epoch;		/* recoveries completed */
	u32 rec_restart;	/* the round the last recovery restarts at */
	bool rec_pending;	/* a recovery is under way; read locklessly: a hint */
	wait_queue_head_t rec_wq;	/* where the recovering threads wait */
	u64 broken;		/* failed epochs; the recovery's last thread writes */
	atomic_long_t kicks;	/* resets by recovering threads to free sleepers */
	u64 resets;		/* resets by the controller */
	bool abort;		/* the run is being stopped */
	struct gosync_run run;
	struct gosync_violations v;
	u32 rnd;		/* the controller's random state */
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
		u32 v = READ_ONCE(s->th[i].seen);

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
		u32 v = READ_ONCE(s->th[i].seen);

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

/*
 * What the parties do in one attempt of a round, the same for every
 * thread (from the seed, the round and the epoch): whether it breaks
 * (interrupt, timeout), who gives up (the victim) and who arrives late
 * (the laggard).
 */
struct gbar_plan {
	bool breaks;
	unsigned int victim;
	unsigned int laggard;
};

static void gbar_plan(const struct barst *s, u32 round, u32 epoch,
		      struct gbar_plan *p)
{
	u32 n = s->a.threads;
	u32 h = gosync_hash32(s->a.seed, (u64)epoch << 32 | round);

	p->breaks = gbar_gives_up(s) && h % GBAR_BREAK_EVERY == 0;
	p->victim = (h >> 8) % n;
	p->laggard = (p->victim + 1 + (h >> 16) % (n - 1)) % n;
}

static void gbar_random_delay(u32 r)
{
	if ((r & 3) == 1)
		cond_resched();
	else if ((r & 3) == 2)
		udelay((r >> 2) % 20);
	else if ((r & 3) == 3)
		usleep_range(10, 50);
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

/* The laggard of a break round: arrive after the victim gave up. */
static void gbar_lag(struct barst *s, const struct gbar_plan *p)
{
	unsigned int us = 3 * jiffies_to_usecs(GBAR_VICTIM_JIFFIES);

	if (s->a.mode == GBAR_TIMEOUT) {
		usleep_range(us, us + 1000);
		return;
	}
	usleep_range(200, 400);
	spin_lock(&s->sig_lock);
	if (s->th[p->victim].armed)
		send_sig(SIGUSR1, s->run.threads[p->victim].task, 1);
	spin_unlock(&s->sig_lock);
	usleep_range(1000, 2000);
}

/* The wait of thread @th in an attempt of @round; its result. */
static int gbar_wait(struct barst *s, struct gbar_thread *th,
		     const struct gbar_plan *p, u32 r)
{
	/* 0 plain, 1 interruptible, 2 killable, 3 with a timeout of 10 s. */
	unsigned int how = 0;
	int ret;

	if (p->breaks && p->victim == th->id) {
		if (s->a.mode == GBAR_TIMEOUT)
			return gosync_barrier_wait_timeout(&s->b,
							   GBAR_VICTIM_JIFFIES);
		ret = gosync_barrier_wait_interruptible(&s->b);
		gbar_arm(s, th, false);
		return ret;
	}
	if (s->a.mode == GBAR_DELAY)
		how = (r >> 8) & 3;
	else if (r & 0x100 && gbar_gives_up(s))
		how = s->a.mode == GBAR_INTERRUPT ? 1 : 3;
	switch (how) {
	case 1:
		return gosync_barrier_wait_interruptible(&s->b);
	case 2:
		return gosync_barrier_wait_killable(&s->b);
	case 3:
		return gosync_barrier_wait_timeout(&s->b, GBAR_LONG_TIMEOUT);
	}
	return gosync_barrier_wait(&s->b);
}

/*
 * Judge a failed wait of thread @th in @round; may it happen in this
 * mode, for this thread?
 */
static void gbar_failed(struct barst *s, struct gbar_thread *th,
			const struct gbar_plan *p, u32 round, int ret)
{
	bool victim = p->breaks && p->victim == th->id;

	switch (ret) {
	case -ECONNABORTED:
		th->c.aborted++;
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
		th->c.timeouts += ret == -ETIMEDOUT;
		th->c.interrupts += ret == -ERESTARTSYS;
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
	WRITE_ONCE(th->seen, round);
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
		if (!gosync_barrier_is_broken(&s->b))
			gbar_fail(s, "thread %u: round %u: recovery under way, barrier not broken",
				  th->id, round);
	}
	ret = gbar_wait(s, th, &p, r);
	if (ret >= 0) {
		if (broken_before)
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
	unsigned int giveups = s->rec_giveups;
	u32 epoch = s->rec_epoch;

	/* Nobody is in the barrier: nothing changes rec_* or the barrier. */
	if (giveups != gbar_gives_up(s))
		gbar_fail(s, "epoch %u: %u parties gave up in mode %s", epoch,
			  giveups, gbar_mode_names[s->a.mode]);
	if (gbar_gives_up(s) && !gosync_barrier_is_broken(&s->b))
		gbar_fail(s, "epoch %u: the barrier is not broken", epoch);
	gbar_reset(s);
	if (gbar_gives_up(s) && gosync_barrier_is_broken(&s->b))
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
 * Thread @th failed @round with @err: a rendezvous outside the barrier.
 * Wait until all have failed, and return the round to restart at, or -1
 * if the run is being stopped.
 */
static long gbar_recover(struct barst *s, struct gbar_thread *th,
			 u32 round, int err)
{
	bool last;
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

	if (last)
		gbar_resync(s);
	while (!last && !wait_event_timeout(s->rec_wq,
					    READ_ONCE(s->rec_epoch) != epoch ||
					    READ_ONCE(s->abort), 1)) {
		/* Free a thread asleep in a barrier nobody breaks. */
		if (s->a.mode == GBAR_RESET) {
			gbar_reset(s);
			atomic_long_inc(&s->kicks);
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

/* Reset mode: the controller resets every 0.1-1 ms, now and then twice. */
static long gbar_tick(struct gosync_run *run)
{
	struct barst *s = run->data;
	u32 r = gosync_xorshift32(&s->rnd);
	unsigned int us = 100 + r % 900, i;

	if (s->a.mode != GBAR_RESET)
		return HZ / 10;
	usleep_range(us, us + 50);
	for (i = (r >> 16) & 3 ? 1 : 0; i < 2 && atomic_read(&run->alive); i++) {
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
		WRITE_ONCE(s->th[0].seen, m - 1);
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
	}
}

/* The end of a completed run: the counts must be exact. */
static void gbar_check(struct barst *s, struct gbar_sum *sum)
{
	u64 m = s->a.rounds, n = s->a.threads;
	u64 giveups = sum->timeouts + sum->interrupts;
	bool gives_up = gbar_gives_up(s);
	unsigned int i;
	u32 r;

	for (i = 0; i < n; i++)
		if (s->th[i].c.ok != m)
			gbar_fail(s, "thread %u passed %llu rounds, not %llu", i,
				  s->th[i].c.ok, m);
	gbar_inject(s, sum);
	/* The last two rounds' serial waiters had no later round to check. */
	for (r = m > 2 ? m - 2 : 0; r < m; r++)
		gbar_check_indices(s, r);
	if (atomic_long_read(&s->gens) != m || sum->serials != m ||
	    sum->wakeups != m * (n - 1))
		gbar_fail(s, "%llu rounds: generations %ld serials %llu wakeups %llu",
			  m, atomic_long_read(&s->gens), sum->serials,
			  sum->wakeups);
	if (atomic_long_read(&s->actions) != (s->a.action ? m : 0))
		gbar_fail(s, "%ld actions for %llu rounds (action=%u)",
			  atomic_long_read(&s->actions), m, s->a.action);
	/* Every failed epoch: one gave up (none in reset mode), all others failed. */
	if ((s->broken && s->a.mode <= GBAR_DELAY) ||
	    giveups != (gives_up ? s->broken : 0) ||
	    sum->aborted + sum->skipped != s->broken * (n - gives_up))
		gbar_fail(s, "mode %s: broken %llu aborted %llu skipped %llu tmo %llu intr %llu",
			  gbar_mode_names[s->a.mode], s->broken, sum->aborted,
			  sum->skipped, sum->timeouts, sum->interrupts);
	if (gosync_barrier_is_broken(&s->b))
		gbar_fail(s, "the barrier is broken at the end");
}

static int gbar_exec(struct gosync_cmd_file *f, char *line,
		     struct seq_buf *out)
{
	struct gbar_sum sum = {};
	struct gbar_args a;
	struct barst *s;
	unsigned int i, j;
	int ret, err;

	ret = gosync_args_parse(&gosync_barrier_run_args, line, &a, out, f->who);
	if (ret)
		return ret;
	s = kzalloc(struct_size(s, th, a.threads), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->a = a;
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
	/* Add up the threads' counts, which are only u64s. */
	for (i = 0; i < a.threads; i++)
		for (j = 0; j < sizeof(sum) / sizeof(u64); j++)
			((u64 *)&sum)[j] += ((u64 *)&s->th[i].c)[j];
	/* A stopped run is judged no further: it returns why it stopped. */
	if (!ret)
		gbar_check(s, &sum);
	err = gosync_run_result(&s->run, out,
				"threads=%u rounds=%u mode=%s generations=%ld wakeups=%llu serials=%llu actions=%ld broken=%llu timeouts=%llu interrupts=%llu resets=%llu aborted=%llu late=%llu skipped=%llu kicks=%ld",
				a.threads, a.rounds, gbar_mode_names[a.mode],
				atomic_long_read(&s->gens), sum.wakeups,
				sum.serials, atomic_long_read(&s->actions),
				s->broken, sum.timeouts, sum.interrupts,
				s->resets, sum.aborted, sum.late, sum.skipped,
				atomic_long_read(&s->kicks));
	if (!ret)
		ret = err;
out_run:
	gosync_run_free(&s->run);
out_free:
	kfree(s);
	return ret;
}

/*
 * Nothing to do at unload: a run holds the file open (and the module
 * pinned) until its threads are gone, and no state outlives a run.
 */
DEFINE_GOSYNC_COMPONENT(barrier) = {
	.name = "barrier",
	.files = (struct gosync_cmd_file []){
		{ .name = "run", .exec = gbar_exec },
		{}
	},
};
