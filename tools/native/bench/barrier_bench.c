// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_barrier and gosync_phaser: the unmodified
 * kmod/barrier.c and kmod/phaser.c, built in userspace against the shim
 * (tools/native/include), in rounds of T threads, each thread pinned to a
 * CPU (T may exceed the CPUs: a waiter sleeps). Primitive "barrier", env
 * "native", one case, "round": one op is one thread's passage through one
 * round, so ns_per_op is the time of a round. The implementations:
 *
 *	gosync_barrier	gosync_barrier_wait() on a barrier of T parties,
 *			with an action
 *	pthread_barrier	glibc's pthread_barrier_wait(), the target
 *	completions	a barrier from an atomic arrival count and two
 *			completions used in turn: the last arriver resets
 *			the count, re-arms the other completion (everyone
 *			waiting on it left in the round before) and
 *			complete_all()s this one, the others
 *			wait_for_completion() (the shim's: a pthread mutex
 *			for the count, the futex wait queue of <shim/sched.h>)
 *	phaser_flat	gosync_phaser_arrive_and_await_advance() on one
 *			phaser of T parties, with an on_advance
 *	phaser_tiered	the same on two child phasers of one root (thread i
 *			on child i % 2), the root's on_advance
 *
 * Stopping. A barrier hangs if one thread stops a round early, so the
 * threads never look at the driver's stop flag themselves: once per
 * round one thread (the action, the on_advance, the completion barrier's
 * last arriver: before the release; pthread's serial thread: after it)
 * counts the round and, once the flag is up, names the round after it as
 * the last. Each thread, after each round, compares that with its own
 * count of rounds; the decision reaches every thread before it leaves the
 * named round (a release of the barrier orders it), so all stop after
 * the same round. run() thus ignores its @n in the timed mode and returns
 * at the end of the run.
 *
 * Count mode (callgrind.sh) is one thread: a barrier of one party, which
 * never sleeps, exactly @n rounds. It counts what one round costs when
 * nobody waits (the arrival, the action or on_advance, the release and a
 * wake-up with no sleeper), deterministically; the blocking path (futex
 * sleep and wake-up, a few microseconds of kernel time on another
 * thread) is what the timed mode measures and callgrind cannot.
 */
/* The shim first: see breaker_bench.c. */
#include <linux/completion.h>
#include <linux/slab.h>

#include <gosync/barrier.h>
#include <gosync/phaser.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_main.h"

enum br_impl {
	BR_GOSYNC, BR_PTHREAD, BR_COMPLETIONS, BR_PHASER_FLAT,
	BR_PHASER_TIERED, BR_NR_IMPLS
};

static const char *const br_impl_names[BR_NR_IMPLS] = {
	[BR_GOSYNC] = "gosync_barrier",
	[BR_PTHREAD] = "pthread_barrier",
	[BR_COMPLETIONS] = "completions",
	[BR_PHASER_FLAT] = "phaser_flat",
	[BR_PHASER_TIERED] = "phaser_tiered",
};

#define BR_CHILDREN	2

struct br_state {
	struct bench_sync sync;
	enum br_impl impl;
	unsigned int threads;
	/* Rounds so far, counted by each round's decider (see br_decide()). */
	uint64_t rounds;
	/* The round after which everyone stops (0: not yet; __atomic). */
	uint64_t last ____cacheline_aligned;
	struct gosync_barrier gb __aligned(64);
	pthread_barrier_t pb ____cacheline_aligned;
	struct {
		atomic_t arrived;
		struct completion done[2];
	} cb __aligned(64);
	struct gosync_phaser root __aligned(64);
	struct gosync_phaser child[BR_CHILDREN] __aligned(64);
} __aligned(64);

struct br_thread {
	struct bench_thread bt;
	struct br_state *s;
	struct gosync_phaser *ph;	/* the phaser it arrives at */
	uint64_t round;			/* rounds it passed */
	bool finished;			/* passed the last round */
} __aligned(64);

static struct br_thread br_threads[BENCH_MAX_THREADS];

/*
 * Once per round, by one thread: count the round and, once the driver
 * wants to stop, make the next round the last. Nobody else writes
 * @rounds or @last, and the rounds order their deciders.
 */
static void br_decide(struct br_state *s)
{
	uint64_t r = ++s->rounds;

	if (!bench_counting && !__atomic_load_n(&s->last, __ATOMIC_RELAXED) &&
	    bench_stopped(&s->sync))
		__atomic_store_n(&s->last, r + 1, __ATOMIC_RELAXED);
}

static void br_gosync_action(void *arg)
{
	br_decide(arg);
}

static bool br_on_advance(struct gosync_phaser *ph, unsigned int phase,
			  unsigned int parties, void *arg)
{
	br_decide(arg);
	return false;
}

/* One round of the completion barrier; @round: rounds the caller passed. */
static void br_completions_wait(struct br_state *s, uint64_t round)
{
	struct completion *c = &s->cb.done[round & 1];

	if (atomic_inc_return(&s->cb.arrived) == (int)s->threads) {
		/* Everyone arrived: nobody uses the other completion now. */
		atomic_set(&s->cb.arrived, 0);
		reinit_completion(&s->cb.done[(round + 1) & 1]);
		br_decide(s);
		complete_all(c);
		return;
	}
	wait_for_completion(c);
}

/* One round; 0 or a negative errno. */
static __always_inline int br_round(struct br_thread *t, enum br_impl impl)
{
	struct br_state *s = t->s;
	int ret;

	switch (impl) {
	case BR_GOSYNC:
		ret = gosync_barrier_wait(&s->gb);
		return ret < 0 ? ret : 0;
	case BR_PTHREAD:
		ret = pthread_barrier_wait(&s->pb);
		if (ret == PTHREAD_BARRIER_SERIAL_THREAD)
			br_decide(s);
		else if (ret)
			return -ret;
		return 0;
	case BR_COMPLETIONS:
		br_completions_wait(s, t->round);
		return 0;
	default:
		ret = gosync_phaser_arrive_and_await_advance(t->ph);
		return ret < 0 ? ret : 0;
	}
}

static __always_inline int br_rounds(struct br_thread *t, uint64_t n,
				     enum br_impl impl)
{
	struct br_state *s = t->s;
	uint64_t i;
	int ret;

	if (bench_counting) {
		for (i = 0; i < n; i++, t->round++) {
			ret = br_round(t, impl);
			if (unlikely(ret))
				return ret;
		}
		t->bt.ops += n;
		return 0;
	}
	/* Timed: until the round the deciders named (see the top). */
	while (!t->finished) {
		ret = br_round(t, impl);
		if (unlikely(ret))
			return ret;
		t->bt.ops++;
		t->finished = ++t->round == __atomic_load_n(&s->last, __ATOMIC_RELAXED);
	}
	return 0;
}

#define BR_BODY(name, impl)						\
static int br_run_##name(struct br_thread *t, uint64_t n)		\
{ return br_rounds(t, n, impl); }

BR_BODY(gosync, BR_GOSYNC)
BR_BODY(pthread, BR_PTHREAD)
BR_BODY(completions, BR_COMPLETIONS)
BR_BODY(phaser, BR_PHASER_FLAT)

static int (*const br_bodies[BR_NR_IMPLS])(struct br_thread *, uint64_t) = {
	[BR_GOSYNC] = br_run_gosync,
	[BR_PTHREAD] = br_run_pthread,
	[BR_COMPLETIONS] = br_run_completions,
	[BR_PHASER_FLAT] = br_run_phaser,
	[BR_PHASER_TIERED] = br_run_phaser,
};

/* Parties of child @k when @threads threads go round-robin over them. */
static unsigned int br_child_parties(unsigned int threads, unsigned int k)
{
	return threads / BR_CHILDREN + (k < threads % BR_CHILDREN);
}

static int br_init(struct br_state *s)
{
	unsigned int k;
	int ret;

	switch (s->impl) {
	case BR_GOSYNC:
		return gosync_barrier_init(&s->gb, s->threads, br_gosync_action, s);
	case BR_PTHREAD:
		return -pthread_barrier_init(&s->pb, NULL, s->threads);
	case BR_COMPLETIONS:
		atomic_set(&s->cb.arrived, 0);
		init_completion(&s->cb.done[0]);
		init_completion(&s->cb.done[1]);
		return 0;
	case BR_PHASER_FLAT:
		return gosync_phaser_init(&s->root, NULL, s->threads, br_on_advance, s);
	default:
		ret = gosync_phaser_init(&s->root, NULL, 0, br_on_advance, s);
		for (k = 0; k < BR_CHILDREN && !ret; k++)
			ret = gosync_phaser_init(&s->child[k], &s->root,
						 br_child_parties(s->threads, k),
						 NULL, NULL);
		return ret;
	}
}

static struct bench_sync *br_setup(unsigned int c, unsigned int m,
				   unsigned int threads)
{
	struct br_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	int ret;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->impl = m;
	s->threads = threads;
	ret = br_init(s);
	if (ret) {
		fprintf(stderr, "barrier_bench: %s init: %s\n", br_impl_names[m],
			strerror(-ret));
		free(s);
		return NULL;
	}
	return &s->sync;
}

static void br_teardown(struct bench_sync *sync)
{
	struct br_state *s = container_of(sync, struct br_state, sync);

	/* A barrier or a phaser owns nothing; glibc's barrier, nothing either. */
	if (s->impl == BR_PTHREAD)
		pthread_barrier_destroy(&s->pb);
	free(s);
}

static struct bench_thread *br_thread(struct bench_sync *sync, unsigned int id)
{
	struct br_state *s = container_of(sync, struct br_state, sync);
	struct br_thread *t = &br_threads[id];

	memset(t, 0, sizeof(*t));
	t->s = s;
	t->ph = s->impl == BR_PHASER_TIERED ? &s->child[id % BR_CHILDREN] : &s->root;
	return &t->bt;
}

static int br_run(struct bench_thread *bt, uint64_t n)
{
	struct br_thread *t = container_of(bt, struct br_thread, bt);

	return br_bodies[t->s->impl](t, n);
}

static const char *br_case_name(unsigned int c)
{
	return "round";
}

static const char *br_impl_name(unsigned int m)
{
	return br_impl_names[m];
}

static const struct bench br_bench = {
	.name = "barrier",
	.nr_cases = 1,
	.nr_impls = BR_NR_IMPLS,
	.case_name = br_case_name,
	.impl_name = br_impl_name,
	.setup = br_setup,
	.teardown = br_teardown,
	.thread = br_thread,
	.run = br_run,
	.note_ns = true,
	.warn_fails = true,
	.oversubscribe = true,
};

int main(int argc, char **argv)
{
	return bench_main(&br_bench, argc, argv);
}
