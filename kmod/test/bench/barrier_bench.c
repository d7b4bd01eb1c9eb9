// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of the barriers, case "rounds": every thread of the run is a
 * party of one barrier and passes it round after round; one op is one
 * round of one thread, so ops_per_sec / threads is rounds per second.
 *
 * Each case and implementation, what it does and what one op is, is
 * documented for the benchmarks' users in kmod/test/bench/README.md,
 * "barrier and phaser".
 *
 * The seed's Barrier, as the seed writes it, hangs: a waiter counts, then
 * reads the channel, which the last arriver may have replaced in between
 * (the waiter then waits on the next round's channel, which needs it to
 * close); and the last arriver closes the old channel before it resets
 * the count, wiping out a released waiter that already counted into the
 * next round. The fix keeps the structure: a waiter reads the channel
 * before it counts; the last arriver resets the count and publishes the
 * next channel under the mutex before it closes the old one. Where Go's
 * collector frees closed channels, two completions alternate here;
 * re-arming the spare is safe as all parties of its round have counted in
 * the current one since they left it.
 *
 * Stopping. The parties of a barrier must all pass the same number of
 * rounds, or the ones that go on wait forever. So nobody asks
 * gosync_run_continue(): once per round the last arrival (the action,
 * on_advance, or the last to count up) records whether the run's duration
 * is over before anyone is released; each thread reads it after its wait,
 * and all leave after the same round.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <gosync/barrier.h>
#include <gosync/phaser.h>

#include "bench.h"
#include "test.h"

#define RB_CHILDREN	2

/* The shared state of one run. */
struct rb_state {
	unsigned int parties;	/* threads of the run */
	unsigned int children;	/* phasers: children of the root, 0 for none */
	struct gosync_run *run;	/* stored by all before arriving; see rb_decide() */
	bool done;		/* the run is over: set by a round's last arrival */
	struct gosync_barrier gb;
	atomic_t count;		/* two_completions: in phase 1; seed: arrived */
	/* two_completions: the turnstiles; seed: the two channels, in turn */
	struct completion turn[2];
	struct completion *ch;	/* seed: this round's channel, one of turn */
	struct mutex reset_mu;	/* seed: serializes the replacement of ch */
	struct gosync_phaser root;
	struct gosync_phaser child[RB_CHILDREN];
};

/* One implementation: set up, wait a round (>= 0 or -errno), free the others. */
struct rb_ops {
	int (*init)(struct rb_state *s);
	int (*wait)(struct rb_state *s, unsigned int id);
	void (*abort)(struct rb_state *s);
};

/* Once per round, in the last arrival, before anyone is released. */
static void rb_decide(void *arg)
{
	struct rb_state *s = arg;
	/* Stored before the threads' first arrival; ordered by it. */
	struct gosync_run *run = READ_ONCE(s->run);

	/* Pairs with WRITE_ONCE() in gosync_run_threads(); a flag. */
	if (run && READ_ONCE(run->stop))
		/* Published by the release's full ordering. */
		WRITE_ONCE(s->done, true);
}

static bool rb_on_advance(struct gosync_phaser *ph, unsigned int phase,
			  unsigned int parties, void *arg)
{
	rb_decide(arg);
	return false;
}

static int rb_barrier_init(struct rb_state *s)
{
	return gosync_barrier_init(&s->gb, s->parties, rb_decide, s);
}

static int rb_barrier_wait(struct rb_state *s, unsigned int id)
{
	return gosync_barrier_wait(&s->gb);
}

/*
 * Break the current generation: its waiters get -ECONNABORTED and reset
 * in turn. A barrier has no lasting break, so a thread that arrives after
 * the last reset would wait; only a barrier bug gets here.
 */
static void rb_barrier_abort(struct rb_state *s)
{
	gosync_barrier_reset(&s->gb);
}

static int rb_completions_init(struct rb_state *s)
{
	atomic_set(&s->count, 0);
	init_completion(&s->turn[0]);
	init_completion(&s->turn[1]);
	mutex_init(&s->reset_mu);
	s->ch = &s->turn[0];
	return 0;
}

static int rb_cbar_wait(struct rb_state *s, unsigned int id)
{
	/* Fully ordered: every party left turn 2 before we re-arm it. */
	if (atomic_inc_return(&s->count) == s->parties) {
		rb_decide(s);
		reinit_completion(&s->turn[1]);
		complete_all(&s->turn[0]);
	}
	wait_for_completion(&s->turn[0]);
	/* Fully ordered: every party left turn 1 before we re-arm it. */
	if (atomic_dec_return(&s->count) == 0) {
		reinit_completion(&s->turn[0]);
		complete_all(&s->turn[1]);
	}
	wait_for_completion(&s->turn[1]);
	return 0;
}

static int rb_seed_wait(struct rb_state *s, unsigned int id)
{
	/*
	 * Fix 1: the channel before the count. Pairs with the
	 * smp_store_release() below, seen through the completion's lock
	 * when we were released from the previous round.
	 */
	struct completion *ch = smp_load_acquire(&s->ch);
	struct completion *next;

	/* Fully ordered: our read of ch comes before our arrival. */
	if (atomic_inc_return(&s->count) != s->parties) {
		wait_for_completion(ch);
		return 0;
	}
	/* Last one: reset for the next round, then release all. */
	rb_decide(s);
	next = ch == &s->turn[0] ? &s->turn[1] : &s->turn[0];
	mutex_lock(&s->reset_mu);
	reinit_completion(next);
	atomic_set(&s->count, 0);
	/* Pairs with smp_load_acquire() above: next is re-armed first. */
	smp_store_release(&s->ch, next);
	mutex_unlock(&s->reset_mu);
	/* Fix 2: close the old channel only now (the seed closed it first). */
	complete_all(ch);
	return 0;
}

/* gosync_phaser (no children) and gosync_phaser_tiered. */
static int rb_phaser_init(struct rb_state *s)
{
	unsigned int c, n = s->children;
	int ret;

	ret = gosync_phaser_init(&s->root, NULL, n ? 0 : s->parties,
				 rb_on_advance, s);
	for (c = 0; !ret && c < n; c++)
		/* Thread i is a party of child i % n. */
		ret = gosync_phaser_init(&s->child[c], &s->root,
					 (s->parties + n - 1 - c) / n, NULL, NULL);
	return ret;
}

static int rb_phaser_wait(struct rb_state *s, unsigned int id)
{
	return gosync_phaser_arrive_and_await_advance(s->children ?
						      &s->child[id % s->children] :
						      &s->root);
}

static void rb_phaser_abort(struct rb_state *s)
{
	gosync_phaser_force_termination(&s->root);
}

static const struct rb_ops rb_gosync_barrier_ops = {
	rb_barrier_init, rb_barrier_wait, rb_barrier_abort,
};

static const struct rb_ops rb_two_completions_ops = {
	rb_completions_init, rb_cbar_wait,
};

static const struct rb_ops rb_seed_ops = { rb_completions_init, rb_seed_wait };

static const struct rb_ops rb_gosync_phaser_ops = {
	rb_phaser_init, rb_phaser_wait, rb_phaser_abort,
};

static const struct rb_ops rb_gosync_phaser_tiered_ops = {
	rb_phaser_init, rb_phaser_wait, rb_phaser_abort,
};

static int rb_setup(void **data, unsigned int threads,
		    const struct rb_ops *ops, int children)
{
	struct rb_state *s = kzalloc(sizeof(*s), GFP_KERNEL);
	int ret;

	if (!s)
		return -ENOMEM;
	s->parties = threads;
	s->children = children;
	ret = ops->init(s);
	if (ret)
		kfree(s);
	else
		*data = s;
	return ret;
}

static void rb_teardown(void *data)
{
	/* Every thread left after the same round: nobody waits. */
	kfree(data);
}

/* The case "rounds": every thread passes the barrier until told to stop. */
static __always_inline int rb_rounds(struct gosync_run_thread *t,
				     const struct rb_ops *ops)
{
	struct rb_state *s = t->run->data;
	int ret;

	/* Every thread stores the same pointer; see rb_decide(). */
	WRITE_ONCE(s->run, t->run);
	do {
		ret = ops->wait(s, t->id);
		if (unlikely(ret < 0)) {
			pr_err("rounds bench %s: thread %u: wait returned %d\n",
			       t->run->name, t->id, ret);
			if (ops->abort)
				ops->abort(s);
			return ret;
		}
		t->ops++;
		cond_resched();
		/* Pairs with WRITE_ONCE() in rb_decide(). */
	} while (!READ_ONCE(s->done));
	return 0;
}

#define RB_CASE(prim, which, children)	\
	GOSYNC_BENCH_MIX_CASE(rb, prim, rounds, which, children)

RB_CASE("barrier", gosync_barrier, 0);
RB_CASE("barrier", two_completions, 0);
RB_CASE("barrier", seed, 0);
RB_CASE("phaser", gosync_phaser, 0);
RB_CASE("phaser", gosync_phaser_tiered, RB_CHILDREN);

/* The phaser's reference: the barrier's case under primitive "phaser". */
static const struct gosync_bench_case rb_case_phaser_gosync_barrier = {
	.primitive = "phaser", .name = "rounds", .impl = "gosync_barrier",
	.setup = rb_setup_rounds_gosync_barrier,
	.body = rb_body_rounds_gosync_barrier, .teardown = rb_teardown,
};

GOSYNC_BENCH_SET(barrier, &rb_case_rounds_gosync_barrier,
		 &rb_case_rounds_two_completions, &rb_case_rounds_seed);
GOSYNC_BENCH_SET(phaser, &rb_case_rounds_gosync_phaser,
		 &rb_case_rounds_gosync_phaser_tiered,
		 &rb_case_phaser_gosync_barrier);
