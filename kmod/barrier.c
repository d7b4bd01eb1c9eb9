// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_barrier: a reusable barrier (design, and each exported function's
 * contract, in include/gosync/barrier.h).
 *
 * The word: generation << 33 | broken << 32 | arrivals. Arrival is an
 * atomic add. The n-th arrival (n == parties) is the last: no arrival of
 * the generation can break it any more (a break needs arrivals <
 * parties), so the last arriver runs the action and then stores the next
 * generation with a plain release store. A waiter that gives up
 * (signal, timeout) breaks its generation with a cmpxchg that fails once
 * everyone has arrived; it then waits for the release like the others.
 *
 * Broken generations. Once the broken bit is set, the count means "the
 * arrivals that have not departed yet": a waiter that sees its
 * generation broke, and an arrival that finds it broken, each subtract
 * one from the word as they leave (they depart). reset() starts g + 1
 * only from the word (g, broken, count 0), with a cmpxchg: a late arrival
 * that slipped in makes it fail, departs, and reset() tries again. So a
 * broken generation never moves on while one of its arrivals still
 * counts in it, and a departure always lands in its own generation:
 * nothing is tagged, nothing can repeat when the generation wraps.
 *
 * Outcome of a waiter of generation g, once the word moved on or broke:
 * still in g (with the broken bit), it was broken; in a later generation,
 * it was released. It counts in g until it decides, so g cannot move on
 * in between: no waiter can mistake a broken generation for a released
 * one, however late it runs.
 *
 * The action runs before the release, so a wait or a reset() of the
 * barrier from it would wait for itself. @action_task records who runs
 * it; those calls from that task are refused (-EDEADLK). A wait from the
 * action is an arrival beyond the parties (the count stands at parties
 * while the action runs), so the check costs nothing on the way of the
 * other arrivals.
 *
 * One core wait routine (gbar_wait()) serves every flavour, as in
 * kernel/sched/completion.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/wait.h>

#include <gosync/barrier.h>
#include <gosync/ctx.h>

#include "barrier.h"
#include "internal.h"
#include "trace.h"

static inline u64 gbar_gen(u64 w)
{
	return w >> GBAR_GEN_SHIFT;
}

static inline u32 gbar_count(u64 w)
{
	return w & GBAR_COUNT_MASK;
}

/* Generation @gen is over: released, or broken. */
static bool gbar_over(struct gosync_barrier *b, u64 gen)
{
	/* Pairs with the release store of the last arriver and of reset(). */
	u64 w = atomic64_read_acquire(&b->word);

	return gbar_gen(w) != gen || (w & GBAR_BROKEN);
}

/*
 * Break generation @gen unless everyone has arrived; @err says why, for
 * the trace event (0: reset()). Returns true if it is broken (by us or
 * before), false if it is (being) released.
 */
static bool gbar_break(struct gosync_barrier *b, u64 gen, int err)
{
	s64 w = atomic64_read(&b->word);

	do {
		if (gbar_gen(w) != gen)
			return false;
		if (w & GBAR_BROKEN)
			return true;
		if (gbar_count(w) >= b->parties)
			return false;
	} while (!atomic64_try_cmpxchg(&b->word, &w, w | GBAR_BROKEN));
	trace_gosync_barrier_broken(b->name, gen, gbar_count(w), b->parties,
				    err);
	wake_up_all(&b->wq);
	return true;
}

/*
 * An arrival of the broken generation leaves it: it counts no more. The
 * generation cannot move on while we count, so this is our generation's
 * count. The last one wakes reset().
 */
static void gbar_depart(struct gosync_barrier *b)
{
	/* wq_has_sleeper()'s barrier pairs with prepare_to_wait_event(). */
	if (!gbar_count(atomic64_dec_return(&b->word)) && wq_has_sleeper(&b->wq))
		wake_up_all(&b->wq);
}

/* Is the caller @b's action? Then it holds up the generation's release. */
static bool gbar_in_action(struct gosync_barrier *b)
{
	/* Only current writes its own pointer there: no stale match. */
	return READ_ONCE(b->action_task) == current;
}

/* Every arrival of broken generation @gen departed, or @gen is over. */
static bool gbar_departed(struct gosync_barrier *b, u64 gen)
{
	u64 w = atomic64_read_acquire(&b->word);

	return gbar_gen(w) != gen || !gbar_count(w);
}

static int gbar_wait(struct gosync_barrier *b, unsigned int state,
		     long timeout, struct gosync_ctx *ctx)
{
	u64 w, gen;
	u32 n;
	int ret;

	might_sleep();
	/* A broken barrier refuses at once, without counting us in it. */
	if (atomic64_read(&b->word) & GBAR_BROKEN)
		return -ECONNABORTED;
	w = atomic64_add_return(1, &b->word);
	gen = gbar_gen(w);
	n = gbar_count(w);
	if (w & GBAR_BROKEN) {
		/* Broken meanwhile: we count in it, reset() waits for us. */
		gbar_depart(b);
		return -ECONNABORTED;
	}
	/* More arrivals than parties in one generation: the caller's bug. */
	if (n > b->parties) {
		if (!gbar_in_action(b))
			return -EINVAL;
		pr_err_once("gosync_barrier_wait*() called from the barrier's own action: it would wait for itself; refused (-EDEADLK)\n");
		return -EDEADLK;
	}
	if (n == b->parties) {
		if (b->action) {
			WRITE_ONCE(b->action_task, current);
			b->action(b->arg);
			WRITE_ONCE(b->action_task, NULL);
		}
		/*
		 * Nobody can break a generation whose parties all arrived, so
		 * nothing else writes the word now. Release: the action and
		 * the whole generation happen before a waiter sees it over.
		 */
		atomic64_set_release(&b->word, (gen + 1) << GBAR_GEN_SHIFT);
		/* Its full barrier pairs with prepare_to_wait_event(). */
		if (wq_has_sleeper(&b->wq))
			wake_up_all(&b->wq);
		return n - 1;
	}

	ret = gosync_wait_event_ctx(&b->wq, gbar_over(b, gen), ctx, state,
				    timeout);
	if (ret && !gbar_break(b, gen, ret)) {
		/* Everyone arrived as we gave up: we are released after all. */
		wait_event(b->wq, gbar_over(b, gen));
		ret = 0;
	}
	/* A broken generation stays put while we count in it. */
	if (gbar_gen(atomic64_read_acquire(&b->word)) != gen)
		return n - 1;
	gbar_depart(b);
	return ret ? ret : -ECONNABORTED;
}

int gosync_barrier_init(struct gosync_barrier *b, unsigned int parties,
			gosync_barrier_action_t action, void *arg)
{
	if (!parties || parties > GOSYNC_BARRIER_PARTIES_MAX)
		return -EINVAL;
	atomic64_set(&b->word, 0);
	b->action_task = NULL;
	b->parties = parties;
	b->action = action;
	b->arg = arg;
	init_waitqueue_head(&b->wq);
	b->name = NULL;
	b->face = NULL;
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_init);

int gosync_barrier_wait(struct gosync_barrier *b)
{
	return gbar_wait(b, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_wait);

int gosync_barrier_wait_interruptible(struct gosync_barrier *b)
{
	return gbar_wait(b, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_wait_interruptible);

int gosync_barrier_wait_killable(struct gosync_barrier *b)
{
	return gbar_wait(b, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT, NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_wait_killable);

int gosync_barrier_wait_timeout(struct gosync_barrier *b, long timeout)
{
	return gbar_wait(b, TASK_UNINTERRUPTIBLE, max(timeout, 0L), NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_wait_timeout);

int gosync_barrier_wait_ctx(struct gosync_barrier *b, struct gosync_ctx *ctx)
{
	return gbar_wait(b, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT, ctx);
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_wait_ctx);

int gosync_barrier_reset(struct gosync_barrier *b)
{
	u64 gen;
	s64 w;

	might_sleep();
	if (gbar_in_action(b)) {
		pr_err_once("%s() called from the barrier's own action: it would wait for itself; refused (-EDEADLK)\n",
			    __func__);
		return -EDEADLK;
	}
	for (;;) {
		w = atomic64_read_acquire(&b->word);
		gen = gbar_gen(w);
		if (gbar_break(b, gen, 0))
			break;
		/* Released, or being released: wait for the next generation. */
		wait_event(b->wq, gbar_gen(atomic64_read_acquire(&b->word)) != gen);
	}
	/*
	 * gen is broken and can never be released. Start gen + 1 once every
	 * arrival of gen has departed: from (gen, broken, count 0) only. A
	 * late arrival may still slip in: the cmpxchg fails on its count, it
	 * departs, and we try again.
	 */
	for (;;) {
		wait_event(b->wq, gbar_departed(b, gen));
		w = gen << GBAR_GEN_SHIFT | GBAR_BROKEN;
		/* Release: gen is over before the next generation starts. */
		if (atomic64_try_cmpxchg_release(&b->word, &w,
						 (gen + 1) << GBAR_GEN_SHIFT))
			break;
		if (gbar_gen(w) != gen)
			return 0;	/* another reset() started gen + 1 */
	}
	trace_gosync_barrier_reset(b->name, gen + 1);
	wake_up_all(&b->wq);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_reset);

/* /sys/kernel/debug/gosync/barrier/<name>/stats of a named barrier (face.c). */
static void gbar_face_show(struct seq_file *m, const void *obj)
{
	const struct gosync_barrier *b = obj;
	u64 w = atomic64_read(&b->word);

	seq_printf(m, "parties=%u\ngen=%llu\narrived=%llu\nbroken=%d\n",
		   b->parties, w >> GBAR_GEN_SHIFT, w & GBAR_COUNT_MASK,
		   !!(w & GBAR_BROKEN));
}

DEFINE_GOSYNC_FACE_KIND(barrier, gbar_face_show);

void gosync_barrier_set_name(struct gosync_barrier *b, const char *name)
{
	might_sleep();
	b->name = name;
	__gosync_face_rename(&b->face, &__gosync_barrier_face, name, b);
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_set_name);

bool gosync_barrier_is_broken(struct gosync_barrier *b)
{
	return atomic64_read(&b->word) & GBAR_BROKEN;
}
EXPORT_SYMBOL_GOSYNC(gosync_barrier_is_broken);

/**
 * __gosync_barrier_set_gen() - move a quiet barrier to generation @gen
 * @b: a barrier nobody waits in, not broken
 * @gen: the generation; the word keeps its low 31 bits, so @gen + 2^31
 *	is @gen again
 *
 * For tests of the generation's wraparound. A test that found @b stuck
 * also uses it, followed by a wake-up of @b's queue, to free whoever
 * sleeps in it: they see their generation over.
 *
 * Context: any.
 */
void __gosync_barrier_set_gen(struct gosync_barrier *b, u64 gen)
{
	/* Release: pairs with the acquire of gbar_over(), as a release does. */
	atomic64_set_release(&b->word, gen << GBAR_GEN_SHIFT);
}
EXPORT_SYMBOL_GOSYNC_KUNIT(__gosync_barrier_set_gen);
