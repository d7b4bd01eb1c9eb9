// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_barrier against a barrier made of two completions
 * and a barrier written the seed's way. Primitive "barrier", case
 * "rounds": every thread of the run is a party of one barrier and passes
 * it round after round; one op is one round of one thread, so
 * ops_per_sec / threads is rounds per second.
 *
 * Implementations:
 *	gosync_barrier	gosync_barrier_wait() on a barrier of as many parties
 *			as threads, with an action (which makes the stop
 *			decision, below).
 *	two_completions	the classic two-phase (turnstile) barrier: an atomic
 *			count and two completions. Phase 1: the last of the
 *			parties to count up re-arms turnstile 2 and opens
 *			turnstile 1 (complete_all()); everyone waits on it.
 *			Phase 2: the last to count down re-arms turnstile 1
 *			and opens turnstile 2; everyone waits on it. Each
 *			re-arm (reinit_completion()) is safe because every
 *			party has returned from the turnstile it re-arms:
 *			they all counted in the other phase after it.
 *	seed		the seed's Barrier (go-concurrency-patterns.txt): an
 *			atomic count, a per-round "channel" (a completion)
 *			that the last arriver closes (complete_all()) and
 *			replaces under a mutex, the count reset to zero.
 *			Written as the seed has it, it hangs:
 *			- a waiter counts, then reads the channel: if the
 *			  last arriver replaced it in between, the waiter
 *			  waits on the next round's channel, which cannot
 *			  close without it;
 *			- the last arriver closes the old channel before it
 *			  resets the count: a released waiter that counts
 *			  into the next round first is wiped out by the
 *			  reset, and that round never completes.
 *			The fix keeps the structure: a waiter reads the
 *			channel before it counts, and the last arriver
 *			resets the count and publishes the next channel
 *			under the mutex before it closes the old one. Go's
 *			garbage collector frees a closed channel once its
 *			waiters are gone; here two completions alternate,
 *			and re-arming the spare one is safe because all the
 *			parties of its round have counted in the current
 *			round since they returned from it.
 *
 * Stopping: a run's threads loop until gosync_run_continue() says stop,
 * but the parties of a barrier must all pass the same number of rounds or
 * the last ones wait forever. So a thread that sees the run's stop only
 * sets want_stop; the last arriver of each round (the action, for
 * gosync_barrier) copies it into stop before it releases the round, and
 * every party reads stop after its release: all leave after the same
 * round. stop is not written again before everyone has read it: the next
 * round's last arriver writes it, after every party arrived again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <gosync/barrier.h>

#include "bench.h"
#include "test.h"

/**
 * struct barb_cbar - the two-completion barrier
 * @count: parties in phase 1 of the current round
 * @turn1: opens when all have counted up
 * @turn2: opens when all have counted down
 */
struct barb_cbar {
	atomic_t count;
	struct completion turn1;
	struct completion turn2;
};

/**
 * struct barb_seed - the seed's barrier, fixed
 * @count: arrivals in the current round
 * @ch: the current round's channel, one of @chans
 * @reset_mu: taken by the last arriver to replace @ch (the seed's resetMu)
 * @chans: the two channels, used in turn
 */
struct barb_seed {
	atomic_t count;
	struct completion *ch;
	struct mutex reset_mu;	/* serializes the replacement of ch */
	struct completion chans[2];
};

/**
 * struct barb - one run
 * @parties: threads of the run
 * @want_stop: a thread saw the run's stop
 * @stop: the last arriver's decision, read after the release
 * @err: the first error a wait returned
 * @gb: gosync_barrier
 * @cbar: two_completions
 * @seed: seed
 */
struct barb {
	unsigned int parties;
	bool want_stop;
	bool stop;
	atomic_t err;
	struct gosync_barrier gb;
	struct barb_cbar cbar;
	struct barb_seed seed;
};

/**
 * struct barb_ops - one implementation
 * @init: set up the barrier for @st->parties; 0 or a negative errno
 * @wait: one round: arrive, and return when all have; 0 or an errno
 */
struct barb_ops {
	int (*init)(struct barb *st);
	int (*wait)(struct barb *st);
};

/* The last arriver, before the release: stop after this round? */
static void barb_decide(void *arg)
{
	struct barb *st = arg;

	/* Pairs with WRITE_ONCE() in barb_rounds(); a flag, ordered by the barrier. */
	WRITE_ONCE(st->stop, READ_ONCE(st->want_stop));
}

static int barb_gosync_init(struct barb *st)
{
	return gosync_barrier_init(&st->gb, st->parties, barb_decide, st);
}

static int barb_gosync_wait(struct barb *st)
{
	int ret = gosync_barrier_wait(&st->gb);

	return ret < 0 ? ret : 0;
}

static int barb_cbar_init(struct barb *st)
{
	atomic_set(&st->cbar.count, 0);
	init_completion(&st->cbar.turn1);
	init_completion(&st->cbar.turn2);
	return 0;
}

static int barb_cbar_wait(struct barb *st)
{
	struct barb_cbar *c = &st->cbar;

	/* Fully ordered: every party left turn 2 before we re-arm it. */
	if (atomic_inc_return(&c->count) == st->parties) {
		barb_decide(st);
		reinit_completion(&c->turn2);
		complete_all(&c->turn1);
	}
	wait_for_completion(&c->turn1);
	/* Fully ordered: every party left turn 1 before we re-arm it. */
	if (atomic_dec_return(&c->count) == 0) {
		reinit_completion(&c->turn1);
		complete_all(&c->turn2);
	}
	wait_for_completion(&c->turn2);
	return 0;
}

static int barb_seed_init(struct barb *st)
{
	struct barb_seed *sb = &st->seed;

	atomic_set(&sb->count, 0);
	mutex_init(&sb->reset_mu);
	init_completion(&sb->chans[0]);
	init_completion(&sb->chans[1]);
	sb->ch = &sb->chans[0];
	return 0;
}

static int barb_seed_wait(struct barb *st)
{
	struct barb_seed *sb = &st->seed;
	/*
	 * Fix 1: the channel before the count. Pairs with the
	 * smp_store_release() below, seen through the completion's lock
	 * when we were released from the previous round.
	 */
	struct completion *ch = smp_load_acquire(&sb->ch);
	struct completion *next;

	/* Fully ordered: our read of ch comes before our arrival. */
	if (atomic_inc_return(&sb->count) != st->parties) {
		wait_for_completion(ch);
		return 0;
	}
	/* Last one: reset for the next round, then release all. */
	barb_decide(st);
	next = ch == &sb->chans[0] ? &sb->chans[1] : &sb->chans[0];
	mutex_lock(&sb->reset_mu);
	reinit_completion(next);
	atomic_set(&sb->count, 0);
	/* Pairs with smp_load_acquire() above: next is re-armed first. */
	smp_store_release(&sb->ch, next);
	mutex_unlock(&sb->reset_mu);
	/* Fix 2: close the old channel only now (the seed closed it first). */
	complete_all(ch);
	return 0;
}

static const struct barb_ops barb_gosync_barrier_ops = {
	.init = barb_gosync_init,
	.wait = barb_gosync_wait,
};

static const struct barb_ops barb_two_completions_ops = {
	.init = barb_cbar_init,
	.wait = barb_cbar_wait,
};

static const struct barb_ops barb_seed_ops = {
	.init = barb_seed_init,
	.wait = barb_seed_wait,
};

static int barb_setup(void **data, unsigned int threads,
		      const struct barb_ops *ops, int unused)
{
	struct barb *st = kzalloc(sizeof(*st), GFP_KERNEL);
	int ret;

	if (!st)
		return -ENOMEM;
	st->parties = threads;
	atomic_set(&st->err, 0);
	ret = ops->init(st);
	if (ret) {
		kfree(st);
		return ret;
	}
	*data = st;
	return 0;
}

static void barb_teardown(void *data)
{
	kfree(data);
}

/* The case "rounds": every thread passes the barrier until told to stop. */
static __always_inline int barb_rounds(struct gosync_run_thread *t,
				       const struct barb_ops *ops)
{
	struct barb *st = t->run->data;
	int ret;

	do {
		if (!gosync_run_continue(t))
			WRITE_ONCE(st->want_stop, true);
		ret = ops->wait(st);
		/* Go on: leaving alone would hang the other parties. */
		if (ret)
			atomic_cmpxchg(&st->err, 0, ret);
		t->ops++;
	/* Pairs with barb_decide(), which ran before our release. */
	} while (!READ_ONCE(st->stop));
	return atomic_read(&st->err);
}

GOSYNC_BENCH_MIX_CASE(barb, "barrier", rounds, gosync_barrier, 0);
GOSYNC_BENCH_MIX_CASE(barb, "barrier", rounds, two_completions, 0);
GOSYNC_BENCH_MIX_CASE(barb, "barrier", rounds, seed, 0);

GOSYNC_BENCH_SET(gosync_barrier_bench, &barb_case_rounds_gosync_barrier,
		 &barb_case_rounds_two_completions, &barb_case_rounds_seed);
