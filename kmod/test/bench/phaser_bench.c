// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_phaser: primitive "phaser", case "rounds", listed
 * in /sys/kernel/debug/gosync_test/bench/cases and run through bench/run.
 *
 * Case:
 *	rounds	every thread is one party and loops arriving and waiting for
 *		the others; one op is one round of one thread (ops_per_sec
 *		is thus threads times the rounds per second).
 *
 * Implementations:
 *	gosync_phaser		one phaser, every thread a party of it:
 *				gosync_phaser_arrive_and_await_advance().
 *	gosync_phaser_tiered	a root with PHB_CHILDREN children, thread i a
 *				party of child i % PHB_CHILDREN: the children
 *				take the arrivals, the root one per child.
 *	gosync_barrier		for reference, gosync_barrier_wait() on a
 *				barrier of as many parties, the same rounds.
 *
 * Stopping. Threads of a barrier must all stop after the same round, or
 * the ones that go on wait forever. So nobody asks gosync_run_continue():
 * once per round the last arrival (on_advance, or the barrier's action)
 * reads whether the run's duration is over and records the decision
 * before anyone is released; each thread reads it after its wait
 * returns, and all leave after the same round.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include <gosync/barrier.h>
#include <gosync/phaser.h>

#include "bench.h"
#include "test.h"

#define PHB_CHILDREN	2

/**
 * struct phb_state - the shared state of one run
 * @root: the phaser (gosync_phaser*), the root of the tree (_tiered)
 * @child: the children (gosync_phaser_tiered)
 * @barrier: the barrier (gosync_barrier)
 * @run: the run, stored by every thread before its first arrival, read
 *	by the last arrival of each round
 * @done: the run is over: written by the last arrival of a round before
 *	the others are released, read by all after the round
 */
struct phb_state {
	struct gosync_phaser root;
	struct gosync_phaser child[PHB_CHILDREN];
	struct gosync_barrier barrier;
	struct gosync_run *run;
	bool done;
};

/**
 * struct phb_ops - one implementation
 * @init: set up for @threads parties
 * @wait: thread @id arrives and waits for the round's end; >= 0 or -errno
 * @abort: free the other threads after an error
 */
struct phb_ops {
	int (*init)(struct phb_state *s, unsigned int threads);
	int (*wait)(struct phb_state *s, unsigned int id);
	void (*abort)(struct phb_state *s);
};

/* Once per round, in the last arrival, before anyone is released. */
static void phb_decide(struct phb_state *s)
{
	/* Stored before the threads' first arrival; ordered by it. */
	struct gosync_run *run = READ_ONCE(s->run);

	/* Pairs with WRITE_ONCE() in gosync_run_threads(); a flag. */
	if (run && READ_ONCE(run->stop))
		/* Published by the advance's (release's) full ordering. */
		WRITE_ONCE(s->done, true);
}

static bool phb_on_advance(struct gosync_phaser *ph, unsigned int phase,
			   unsigned int parties, void *arg)
{
	phb_decide(arg);
	return false;
}

static void phb_action(void *arg)
{
	phb_decide(arg);
}

static int phb_flat_init(struct phb_state *s, unsigned int threads)
{
	return gosync_phaser_init(&s->root, NULL, threads, phb_on_advance, s);
}

static int phb_flat_wait(struct phb_state *s, unsigned int id)
{
	return gosync_phaser_arrive_and_await_advance(&s->root);
}

static int phb_tiered_init(struct phb_state *s, unsigned int threads)
{
	unsigned int c;
	int ret;

	ret = gosync_phaser_init(&s->root, NULL, 0, phb_on_advance, s);
	for (c = 0; !ret && c < PHB_CHILDREN; c++)
		/* Thread i is a party of child i % PHB_CHILDREN. */
		ret = gosync_phaser_init(&s->child[c], &s->root,
					 (threads + PHB_CHILDREN - 1 - c) / PHB_CHILDREN,
					 NULL, NULL);
	return ret;
}

static int phb_tiered_wait(struct phb_state *s, unsigned int id)
{
	return gosync_phaser_arrive_and_await_advance(&s->child[id % PHB_CHILDREN]);
}

static void phb_phaser_abort(struct phb_state *s)
{
	gosync_phaser_force_termination(&s->root);
}

static int phb_barrier_init(struct phb_state *s, unsigned int threads)
{
	return gosync_barrier_init(&s->barrier, threads, phb_action, s);
}

static int phb_barrier_wait(struct phb_state *s, unsigned int id)
{
	return gosync_barrier_wait(&s->barrier);
}

/*
 * Break the current generation: its waiters get -ECONNABORTED and reset
 * in turn. A barrier has no lasting break, so a thread that arrives after
 * the last reset would wait; only a barrier bug gets here.
 */
static void phb_barrier_abort(struct phb_state *s)
{
	gosync_barrier_reset(&s->barrier);
}

static const struct phb_ops phb_gosync_phaser_ops = {
	.init = phb_flat_init,
	.wait = phb_flat_wait,
	.abort = phb_phaser_abort,
};

static const struct phb_ops phb_gosync_phaser_tiered_ops = {
	.init = phb_tiered_init,
	.wait = phb_tiered_wait,
	.abort = phb_phaser_abort,
};

static const struct phb_ops phb_gosync_barrier_ops = {
	.init = phb_barrier_init,
	.wait = phb_barrier_wait,
	.abort = phb_barrier_abort,
};

static void phb_teardown(void *data)
{
	/* Every thread left after the same round: nobody waits. */
	kfree(data);
}

static int phb_setup(void **data, unsigned int threads,
		     const struct phb_ops *ops, int unused)
{
	struct phb_state *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = ops->init(s, threads);
	if (ret) {
		kfree(s);
		return ret;
	}
	*data = s;
	return 0;
}

static __always_inline int phb_rounds(struct gosync_run_thread *t,
				      const struct phb_ops *ops)
{
	struct phb_state *s = t->run->data;
	int ret;

	/* Every thread stores the same pointer; see phb_decide(). */
	WRITE_ONCE(s->run, t->run);
	do {
		ret = ops->wait(s, t->id);
		if (unlikely(ret < 0)) {
			pr_err("phaser bench: thread %u: wait returned %d\n",
			       t->id, ret);
			ops->abort(s);
			return ret;
		}
		t->ops++;
		cond_resched();
		/* Pairs with WRITE_ONCE() in phb_decide(). */
	} while (!READ_ONCE(s->done));
	return 0;
}

/* PHB_CASE() - the bench case of one implementation; see bench.h. */
#define PHB_CASE(which)							\
	GOSYNC_BENCH_MIX_CASE(phb, "phaser", rounds, which, 0)

PHB_CASE(gosync_phaser);
PHB_CASE(gosync_phaser_tiered);
PHB_CASE(gosync_barrier);

GOSYNC_BENCH_SET(gosync_phaser_bench, &phb_case_rounds_gosync_phaser,
		 &phb_case_rounds_gosync_phaser_tiered,
		 &phb_case_rounds_gosync_barrier);
