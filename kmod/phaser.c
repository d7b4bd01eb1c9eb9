// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_phaser: a reusable, dynamic barrier after Java's Phaser (design,
 * and each exported function's contract, in include/gosync/phaser.h).
 *
 * The word: terminated(63) advancing(62) attached(61) phase(60..32)
 * parties(31..16) unarrived(15..0). Every change is a cmpxchg of the
 * whole word, so each one sees a consistent phase, parties and unarrived.
 *
 * Root. The arrival that takes unarrived from 1 to 0 also sets
 * ADVANCING; while it is set nobody else changes the counts: arrivals
 * find no unarrived party (-EINVAL: the caller arrived twice in a phase)
 * and registrations wait for the next phase. The advancer runs
 * on_advance, then publishes (phase + 1, unarrived = parties), or
 * TERMINATED, keeping a TERMINATED that gosync_phaser_force_termination()
 * may have set meanwhile, and wakes the waiters.
 *
 * Child. Its word keeps its own parties and unarrived and a copy of the
 * root's phase. The arrival that completes a child arrives at the parent
 * (or, if its party was the last one, deregisters from the parent), and
 * leaves the child at (phase, unarrived 0) until the root advances; the
 * next change of the child's word then catches up (gph_caught_up():
 * phase = root's, unarrived = parties). The root cannot advance twice meanwhile,
 * since the child is one of its parties and has not arrived again. A
 * child with no parties is detached: not registered with its parent. Its
 * first registration attaches it under @attach_lock (it registers with
 * the parent, which may wait); the last deregistration detaches it
 * without a lock: the child keeps ATTACHED until it has left the parent,
 * and an attach waits for that.
 *
 * on_advance calling into its own tree. It runs with ADVANCING set (and,
 * when its arrival was a child's last deregistration, with that child
 * still ATTACHED), so every registration on the tree and every await of
 * the advancing phase would wait for it. The root's @advancer records who
 * runs it; those calls from that task return -EDEADLK. Only registration
 * and await_advance check: an arrival finds no unarrived party anyway.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/wait.h>

#include <gosync/ctx.h>
#include <gosync/phaser.h>

#include "internal.h"
#include "phaser.h"
#include "trace.h"

static inline unsigned int gph_unarrived(u64 s)
{
	return s & GPH_UNARRIVED_MASK;
}

static inline unsigned int gph_parties(u64 s)
{
	return (s & GPH_COUNTS_MASK) >> GPH_PARTIES_SHIFT;
}

static inline int gph_phase(u64 s)
{
	return (s & GPH_PHASE_MASK) >> GPH_PHASE_SHIFT;
}

static inline u64 gph_phase_bits(int phase)
{
	return (u64)(phase & GOSYNC_PHASER_PHASE_MAX) << GPH_PHASE_SHIFT;
}

/* The root's word; acquire pairs with the advancer's cmpxchg. */
static inline u64 gph_root_word(struct gosync_phaser *ph)
{
	return atomic64_read_acquire(&ph->root->word);
}

/*
 * A child's word as it is once caught up with the root: the root moved
 * on from a phase the child completed (or was not in), so the child is in
 * the root's phase with every party unarrived. @s is the child's word.
 */
static u64 gph_caught_up(struct gosync_phaser *ph, u64 s)
{
	u64 r;

	if (ph->root == ph || (s & GPH_TERMINATED))
		return s;
	r = gph_root_word(ph);
	if (r & GPH_TERMINATED)
		return s | GPH_TERMINATED;
	if (gph_phase(r) == gph_phase(s) || gph_unarrived(s))
		return s;
	return (s & (GPH_ATTACHED | GPH_COUNTS_MASK)) |
	       (r & GPH_PHASE_MASK) | gph_parties(s);
}

static void gph_wake(struct gosync_phaser *root)
{
	/* wq_has_sleeper()'s barrier pairs with prepare_to_wait_event(). */
	if (wq_has_sleeper(&root->wq))
		wake_up_all(&root->wq);
}

/* Is the caller running the tree's on_advance? It holds up the advance. */
static bool gph_in_advance(struct gosync_phaser *ph)
{
	/* Only current writes its own pointer there: no stale match. */
	return READ_ONCE(ph->root->advancer) == current;
}

/* The root phase is past @phase, or the tree is terminated. */
static bool gph_over(struct gosync_phaser *ph, int phase)
{
	u64 r = gph_root_word(ph);

	return (r & GPH_TERMINATED) || gph_phase(r) != phase;
}

/*
 * The root's last arrival of a phase: @s is the word it left (unarrived
 * 0, ADVANCING). Nothing but force_termination() writes the word until
 * the next phase is published.
 */
static void gph_advance(struct gosync_phaser *ph, u64 s)
{
	unsigned int parties = gph_parties(s);
	int phase = gph_phase(s);
	s64 cur = s;
	bool term;
	u64 n;

	if (ph->on_advance) {
		WRITE_ONCE(ph->advancer, current);
		term = ph->on_advance(ph, phase, parties, ph->arg);
		WRITE_ONCE(ph->advancer, NULL);
	} else {
		term = !parties;
	}
	n = gph_phase_bits(phase + 1) | parties * GPH_ONE_PARTY;
	if (term)
		n |= GPH_TERMINATED;
	/* Fully ordered: on_advance and the phase happen before the next. */
	while (!atomic64_try_cmpxchg(&ph->word, &cur,
				     n | (cur & GPH_TERMINATED)))
		;
	trace_gosync_phaser_advance(ph->name, phase, parties,
				    term || (cur & GPH_TERMINATED));
	if (term && !(cur & GPH_TERMINATED))
		trace_gosync_phaser_terminate(ph->name, phase, false);
	gph_wake(ph);
}

/*
 * Arrive (@dereg: and deregister) at @ph. Returns the arrival phase, or
 * -ESHUTDOWN, or -EINVAL if no party is unarrived.
 */
static int gph_arrive(struct gosync_phaser *ph, bool dereg)
{
	u64 adjust = dereg ? GPH_ONE_PARTY : 1;
	s64 s = atomic64_read(&ph->word);
	unsigned int unarrived;
	int phase, ret;
	u64 c, n;

	/* s: the word as it is; c: as it is once caught up. */
	for (;;) {
		c = gph_caught_up(ph, s);
		if (c & GPH_TERMINATED)
			return -ESHUTDOWN;
		unarrived = gph_unarrived(c);
		if (!unarrived)
			return -EINVAL;
		phase = gph_phase(c);
		n = c - adjust;
		if (unarrived == 1 && ph->root == ph)
			n |= GPH_ADVANCING;
		if (atomic64_try_cmpxchg(&ph->word, &s, n))
			break;
	}
	if (unarrived > 1)
		return phase;
	if (ph->root == ph) {
		gph_advance(ph, n);
		return phase;
	}
	/* The child is complete: it arrives at its parent, as one party. */
	ret = gph_arrive(ph->parent, !gph_parties(n));
	if (!gph_parties(n)) {
		/* It left the parent: an attach may proceed. */
		atomic64_andnot(GPH_ATTACHED, &ph->word);
		gph_wake(ph->root);
	}
	WARN_ON_ONCE(ret == -EINVAL);
	return ret < 0 ? ret : phase;
}

static int gph_register(struct gosync_phaser *ph, unsigned int n);

/*
 * A child's first registration: register with the parent (which may
 * wait for an advance), then take @n parties in the phase the parent
 * gave. Detaching is lockless; wait until any is over.
 */
static int gph_attach(struct gosync_phaser *ph, unsigned int n)
{
	int phase;
	s64 s;

	mutex_lock_nested(&ph->attach_lock, ph->depth);
	s = gph_caught_up(ph, atomic64_read(&ph->word));
	if (gph_parties(s) || (s & GPH_TERMINATED)) {
		/* Attached meanwhile, or over: the caller retries. */
		mutex_unlock(&ph->attach_lock);
		return -EAGAIN;
	}
	wait_event(ph->root->wq,
		   !(atomic64_read(&ph->word) & GPH_ATTACHED));
	phase = gph_register(ph->parent, 1);
	if (phase >= 0) {
		s = atomic64_read(&ph->word);
		/* Only reconcile and termination write a detached child. */
		while (!atomic64_try_cmpxchg(&ph->word, &s,
					     (s & GPH_TERMINATED) |
					     GPH_ATTACHED |
					     gph_phase_bits(phase) |
					     n * GPH_ONE_PARTY))
			;
		if (s & GPH_TERMINATED)
			phase = -ESHUTDOWN;
	}
	mutex_unlock(&ph->attach_lock);
	return phase;
}

/* Register @n parties; the phase of their first arrival, or -errno. */
static int gph_register(struct gosync_phaser *ph, unsigned int n)
{
	unsigned int parties;
	int phase;
	s64 s;
	u64 c;

	might_sleep();
	if (gph_in_advance(ph)) {
		pr_err_once("gosync_phaser registration called from on_advance of its own tree: it would wait for the advance, i.e. for itself; refused (-EDEADLK)\n");
		return -EDEADLK;
	}
	s = atomic64_read(&ph->word);
	/* s: the word as it is; c: as it is once caught up. */
	for (;;) {
		c = gph_caught_up(ph, s);
		if (c & GPH_TERMINATED)
			return -ESHUTDOWN;
		parties = gph_parties(c);
		if (parties + n > GOSYNC_PHASER_PARTIES_MAX)
			return -ERANGE;
		phase = gph_phase(c);
		if (ph->parent && !parties) {
			phase = gph_attach(ph, n);
			if (phase != -EAGAIN)
				return phase;
			s = atomic64_read(&ph->word);
			continue;
		}
		if ((c & GPH_ADVANCING) || (parties && !gph_unarrived(c))) {
			/*
			 * The phase is complete and advancing (for a child:
			 * waiting for the root): join the next one.
			 */
			wait_event(ph->root->wq, gph_over(ph, phase));
			s = atomic64_read(&ph->word);
			continue;
		}
		if (atomic64_try_cmpxchg(&ph->word, &s, c + n * GPH_ONE_PARTY))
			return phase;
	}
}

/*
 * Sleep until the root's phase is past @phase. Returns the phase then,
 * -ESHUTDOWN, or -ERESTARTSYS/-ETIMEDOUT.
 */
static int gph_await(struct gosync_phaser *ph, int phase, unsigned int state,
		     long timeout, struct gosync_ctx *ctx)
{
	int ret;
	u64 r;

	might_sleep();
	ret = gosync_wait_event_ctx(&ph->root->wq, gph_over(ph, phase), ctx,
				    state, timeout);
	if (ret)
		return ret;
	r = gph_root_word(ph);
	return r & GPH_TERMINATED ? -ESHUTDOWN : gph_phase(r);
}

static int gph_arrive_await(struct gosync_phaser *ph, unsigned int state,
			    long timeout, struct gosync_ctx *ctx)
{
	int phase;

	might_sleep();
	phase = gph_arrive(ph, false);
	if (phase < 0)
		return phase;
	return gph_await(ph, phase, state, timeout, ctx);
}

static int gph_await_advance(struct gosync_phaser *ph, int phase,
			     unsigned int state, long timeout,
			     struct gosync_ctx *ctx)
{
	if (phase < 0 || phase > GOSYNC_PHASER_PHASE_MAX)
		return -EINVAL;
	if (gph_in_advance(ph) && !gph_over(ph, phase)) {
		pr_err_once("gosync_phaser_await_advance*() of the advancing phase called from on_advance: it would wait for itself; refused (-EDEADLK)\n");
		return -EDEADLK;
	}
	return gph_await(ph, phase, state, timeout, ctx);
}

int gosync_phaser_init(struct gosync_phaser *ph, struct gosync_phaser *parent,
		       unsigned int parties,
		       gosync_phaser_on_advance_t on_advance, void *arg)
{
	int ret;

	if (parties > GOSYNC_PHASER_PARTIES_MAX || (parent && on_advance) ||
	    (parent && parent->depth >= GOSYNC_PHASER_DEPTH_MAX))
		return -EINVAL;
	ph->parent = parent;
	ph->root = parent ? parent->root : ph;
	ph->depth = parent ? parent->depth + 1 : 0;
	ph->on_advance = on_advance;
	ph->arg = arg;
	ph->advancer = NULL;
	mutex_init(&ph->attach_lock);
	init_waitqueue_head(&ph->wq);
	ph->name = NULL;
	ph->face = NULL;
	if (!parent || !parties) {
		atomic64_set(&ph->word, parties * GPH_ONE_PARTY);
		return 0;
	}
	atomic64_set(&ph->word, 0);
	ret = gph_register(ph, parties);
	return ret < 0 ? ret : 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_init);

/* /sys/kernel/debug/gosync/phaser/<name>/stats of a named phaser (face.c). */
static void gph_face_show(struct seq_file *m, const void *obj)
{
	struct gosync_phaser *ph = (struct gosync_phaser *)obj;
	int phase = gosync_phaser_phase(ph);

	/* A terminated phaser's phase is negative: say so apart. */
	seq_printf(m, "phase=%d\nterminated=%d\n", phase < 0 ? -1 : phase,
		   gosync_phaser_is_terminated(ph));
	seq_printf(m, "parties=%u\narrived=%u\nunarrived=%u\ndepth=%u\n",
		   gosync_phaser_registered_parties(ph),
		   gosync_phaser_arrived_parties(ph),
		   gosync_phaser_unarrived_parties(ph), ph->depth);
}

DEFINE_GOSYNC_FACE_KIND(phaser, gph_face_show);

void gosync_phaser_set_name(struct gosync_phaser *ph, const char *name)
{
	might_sleep();
	ph->name = name;
	__gosync_face_rename(&ph->face, &__gosync_phaser_face, name, ph);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_set_name);

int gosync_phaser_register(struct gosync_phaser *ph)
{
	return gph_register(ph, 1);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_register);

int gosync_phaser_bulk_register(struct gosync_phaser *ph, int parties)
{
	if (parties < 0)
		return -EINVAL;
	if (!parties)
		return gosync_phaser_phase(ph);
	if (parties > GOSYNC_PHASER_PARTIES_MAX)
		return -ERANGE;
	return gph_register(ph, parties);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_bulk_register);

int gosync_phaser_arrive(struct gosync_phaser *ph)
{
	return gph_arrive(ph, false);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_arrive);

int gosync_phaser_arrive_and_deregister(struct gosync_phaser *ph)
{
	return gph_arrive(ph, true);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_arrive_and_deregister);

int gosync_phaser_arrive_and_await_advance(struct gosync_phaser *ph)
{
	return gph_arrive_await(ph, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT,
				NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_arrive_and_await_advance);

int gosync_phaser_arrive_and_await_advance_interruptible(struct gosync_phaser *ph)
{
	return gph_arrive_await(ph, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT,
				NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_arrive_and_await_advance_interruptible);

int gosync_phaser_arrive_and_await_advance_killable(struct gosync_phaser *ph)
{
	return gph_arrive_await(ph, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT,
				NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_arrive_and_await_advance_killable);

int gosync_phaser_arrive_and_await_advance_timeout(struct gosync_phaser *ph,
						   long timeout)
{
	return gph_arrive_await(ph, TASK_UNINTERRUPTIBLE, max(timeout, 0L),
				NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_arrive_and_await_advance_timeout);

int gosync_phaser_arrive_and_await_advance_ctx(struct gosync_phaser *ph,
					       struct gosync_ctx *ctx)
{
	return gph_arrive_await(ph, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT, ctx);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_arrive_and_await_advance_ctx);

int gosync_phaser_await_advance(struct gosync_phaser *ph, int phase)
{
	return gph_await_advance(ph, phase, TASK_UNINTERRUPTIBLE,
				 MAX_SCHEDULE_TIMEOUT, NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_await_advance);

int gosync_phaser_await_advance_interruptible(struct gosync_phaser *ph,
					      int phase)
{
	return gph_await_advance(ph, phase, TASK_INTERRUPTIBLE,
				 MAX_SCHEDULE_TIMEOUT, NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_await_advance_interruptible);

int gosync_phaser_await_advance_killable(struct gosync_phaser *ph, int phase)
{
	return gph_await_advance(ph, phase, TASK_KILLABLE,
				 MAX_SCHEDULE_TIMEOUT, NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_await_advance_killable);

int gosync_phaser_await_advance_timeout(struct gosync_phaser *ph, int phase,
					long timeout)
{
	return gph_await_advance(ph, phase, TASK_UNINTERRUPTIBLE,
				 max(timeout, 0L), NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_await_advance_timeout);

int gosync_phaser_await_advance_ctx(struct gosync_phaser *ph, int phase,
				    struct gosync_ctx *ctx)
{
	return gph_await_advance(ph, phase, TASK_KILLABLE,
				 MAX_SCHEDULE_TIMEOUT, ctx);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_await_advance_ctx);

void gosync_phaser_force_termination(struct gosync_phaser *ph)
{
	/* Fully ordered, like an advance. */
	u64 old = atomic64_fetch_or(GPH_TERMINATED, &ph->root->word);

	if (!(old & GPH_TERMINATED))
		trace_gosync_phaser_terminate(ph->root->name, gph_phase(old),
					      true);
	gph_wake(ph->root);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_force_termination);

bool gosync_phaser_is_terminated(struct gosync_phaser *ph)
{
	return gph_root_word(ph) & GPH_TERMINATED;
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_is_terminated);

int gosync_phaser_phase(struct gosync_phaser *ph)
{
	u64 r = gph_root_word(ph);

	return r & GPH_TERMINATED ? -ESHUTDOWN : gph_phase(r);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_phase);

unsigned int gosync_phaser_registered_parties(struct gosync_phaser *ph)
{
	return gph_parties(atomic64_read(&ph->word));
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_registered_parties);

unsigned int gosync_phaser_unarrived_parties(struct gosync_phaser *ph)
{
	return gph_unarrived(gph_caught_up(ph, atomic64_read(&ph->word)));
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_unarrived_parties);

unsigned int gosync_phaser_arrived_parties(struct gosync_phaser *ph)
{
	u64 s = gph_caught_up(ph, atomic64_read(&ph->word));

	return gph_parties(s) - gph_unarrived(s);
}
EXPORT_SYMBOL_GOSYNC(gosync_phaser_arrived_parties);

/**
 * __gosync_phaser_set_phase() - move an idle root to phase @phase
 * @ph: a root phaser no one uses
 * @phase: 0..GOSYNC_PHASER_PHASE_MAX
 *
 * For tests of the wraparound.
 *
 * Context: any.
 */
void __gosync_phaser_set_phase(struct gosync_phaser *ph, int phase)
{
	u64 s = atomic64_read(&ph->word);

	atomic64_set(&ph->word, (s & ~GPH_PHASE_MASK) | gph_phase_bits(phase));
}
EXPORT_SYMBOL_GOSYNC_KUNIT(__gosync_phaser_set_phase);
