/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_phaser
 *
 * A reusable, dynamic barrier after Java's Phaser.
 * ``#include <gosync/phaser.h>``.
 *
 * Parties register (and deregister) at any time; each phase ends when
 * every registered party has arrived, and the phase number then advances
 * (modulo GOSYNC_PHASER_PHASE_MAX + 1). A party may arrive without
 * waiting (gosync_phaser_arrive()), arrive and leave
 * (gosync_phaser_arrive_and_deregister()), or arrive and sleep until the
 * phase advances (gosync_phaser_arrive_and_await_advance()); anyone may
 * sleep until a given phase is over (gosync_phaser_await_advance()).
 *
 * How it works. One 64-bit atomic word holds the unarrived count (bits
 * 0-15), the registered parties (16-31), the phase (32-60), and three
 * flags: attached (61, a child registered with its parent), advancing
 * (62, the root's last arriver is running the advance) and terminated
 * (63). Arrival, registration and deregistration are each one cmpxchg
 * of that word; no lock. The last arrival of a phase runs the optional
 * @on_advance callback, then publishes the next phase with the unarrived
 * count reset to the registered parties (fully ordered), and wakes the
 * waiters. Waiters sleep on a wait queue and are woken once per advance.
 *
 * Tiering. A phaser with a parent registers with the parent as one party
 * when it gets its first party, arrives at the parent when all its own
 * parties have arrived, and deregisters from it when its last party
 * deregisters. A tree of phasers thus counts thousands of parties without
 * contending on one word. All phasers of a tree share the root's phase
 * number and the root's wait queue, and only the root's @on_advance runs;
 * a child catches up with the root's phase lazily, at its next operation.
 *
 * Termination. When the last party deregisters, the phase advances and,
 * unless @on_advance says otherwise, the phaser terminates;
 * gosync_phaser_force_termination() terminates at once. Every call on a
 * terminated phaser (or on any phaser of a terminated tree) returns
 * -ESHUTDOWN at once, waiters included.
 *
 * Rules, as in Java. A party arrives at most once per phase: after
 * arriving it must not arrive again until the phase has advanced (an
 * arrival while the last one runs the advance gets -EINVAL; one earlier
 * cannot be told apart from another party's and is counted). Registering
 * while an advance is in progress waits for it, so a new party always
 * starts in a phase that is still open.
 *
 * Return values. Phase numbers run from 0 to %GOSYNC_PHASER_PHASE_MAX and
 * then wrap to 0, so every call that returns an int returns a phase
 * (>= 0) or a negative errno, never both: an arrival returns the phase it
 * arrived in; an await returns the phase that followed; a registration,
 * the phase of the new party's first arrival. The errnos mean the same
 * everywhere: -ESHUTDOWN, the tree is terminated (where Java returns a
 * negative phase); -EINVAL, a misuse (an arrival with no unarrived party,
 * a phase out of range); -EDEADLK, a call from on_advance that would wait
 * for itself; -ERANGE, too many parties; -ERESTARTSYS and -ETIMEDOUT, an
 * await interrupted or timed out, the arrival before it still counted.
 * Timeouts are in jiffies. Do not pass an error to
 * gosync_phaser_await_advance() as a phase: it returns -EINVAL for it,
 * where Java's awaitAdvance() returns at once.
 *
 * Context rules. gosync_phaser_arrive(), _arrive_and_deregister(),
 * _force_termination() and the queries may be called from any context,
 * provided @on_advance (which runs in the last arriver's context) may run
 * there. On PREEMPT_RT the calls that may end a phase wake the wait queue,
 * whose spinlock_t sleeps there: not from hard interrupt context (an
 * hrtimer marked HRTIMER_MODE_*_HARD, an IRQF_NO_THREAD handler) nor with
 * a raw_spinlock_t held or interrupts disabled; the queries still run in
 * any context. Registration and the wait calls may sleep: process context.
 * From @on_advance, the calls on its own tree that would wait for the
 * advance under way, i.e. for itself, are refused with -EDEADLK (see
 * gosync_phaser_on_advance_t).
 *
 * Lifetime. A phaser owns no memory and has no destroy call (a named one
 * is unnamed first: gosync_phaser_set_name()); the memory
 * of a phaser may be freed (or go out of scope) only once no call on any
 * phaser of its tree is running, the children's included (a call on a
 * child reads and wakes the root). A party's own return does not mean
 * the others have returned: when an await returns, the last arriver may
 * still be waking the root's wait queue, the other waiters may still be
 * reading the root's word, and when the advance was a child's last
 * deregistration, that call still clears the child's ATTACHED flag and
 * wakes the root's queue after the waiters were released. Termination
 * does not change this: a waiter that returned -ESHUTDOWN does not mean
 * the terminating call has returned. So free a tree once every party has
 * been joined (kthread_stop(), or a completion each party completes after
 * its last call).
 *
 * Example, a tree of 16 shards under one root::
 *
 *	static struct gosync_phaser root, shard[16];
 *
 *	gosync_phaser_init(&root, NULL, 0, on_advance, ctx);
 *	for (i = 0; i < 16; i++)
 *		gosync_phaser_init(&shard[i], &root, 0, NULL, NULL);
 *
 *	// each worker:
 *	ph = &shard[id % 16];
 *	phase = gosync_phaser_register(ph);	// the phase it joins
 *	while (phase >= 0 && !done) {
 *		do_step(phase);
 *		phase = gosync_phaser_arrive_and_await_advance(ph);
 *	}					// -ESHUTDOWN: terminated
 *	if (phase >= 0)
 *		gosync_phaser_arrive_and_deregister(ph);
 */
#ifndef _GOSYNC_PHASER_H
#define _GOSYNC_PHASER_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <gosync/gosync.h>

struct task_struct;

/* Most parties registered with one phaser (tier them for more). */
#define GOSYNC_PHASER_PARTIES_MAX	0xffffU
/* Deepest tree: a root and this many levels of children below it. */
#define GOSYNC_PHASER_DEPTH_MAX		7
/* Largest phase number; the phase after it is 0. */
#define GOSYNC_PHASER_PHASE_MAX		((int)(BIT(29) - 1))

struct gosync_phaser;

/**
 * typedef gosync_phaser_on_advance_t - run once per phase advance
 * @ph: the root phaser
 * @phase: the phase that is over
 * @parties: the parties registered for the next phase
 * @arg: gosync_phaser_init()'s @arg
 *
 * Runs in the context of the phase's last arrival, before any waiter is
 * released and before the next phase opens; registrations wait for it.
 * Calls it makes on its own tree (any phaser of it):
 * - registration (gosync_phaser_register(), _bulk_register() of one or
 *   more parties, gosync_phaser_init() of a child with parties) and
 *   gosync_phaser_await_advance*() of the phase that is advancing would
 *   wait for this advance: they return -EDEADLK at once, and the misuse
 *   is logged once;
 * - an arrival returns -EINVAL: every party has arrived;
 * - gosync_phaser_force_termination() terminates the tree: the next
 *   phase does not open;
 * - the queries see the phase that is advancing, every party arrived.
 *
 * Return: true to terminate the phaser.
 */
typedef bool (*gosync_phaser_on_advance_t)(struct gosync_phaser *ph,
					   unsigned int phase,
					   unsigned int parties, void *arg);

/**
 * struct gosync_phaser - a phaser; fields are private
 * @word: flags, phase, parties and unarrived (see the header comment)
 * @parent: the parent phaser, or NULL for a root
 * @root: the root of the tree (itself for a root)
 * @on_advance: the root's callback, or NULL
 * @arg: for @on_advance
 * @advancer: a root's: the task running @on_advance, or NULL; the calls
 *	it makes that would wait for itself are refused
 * @depth: 0 for a root, its parent's + 1 for a child
 * @attach_lock: serializes a child's registration with its parent
 * @wq: where the waiters of the whole tree sleep (the root's is used)
 * @name: see gosync_phaser_set_name(); NULL: unnamed
 * @face: its debugfs entry, or NULL
 */
struct gosync_phaser {
	atomic64_t word;
	struct gosync_phaser *parent;
	struct gosync_phaser *root;
	gosync_phaser_on_advance_t on_advance;
	void *arg;
	struct task_struct *advancer;
	unsigned int depth;
	struct mutex attach_lock;	/* a child's first registration */
	wait_queue_head_t wq;
	const char *name;
	struct gosync_face *face;
};

/**
 * gosync_phaser_init() - set up a phaser
 * @ph: the phaser
 * @parent: its parent, or NULL for a root
 * @parties: parties registered at once, 0..%GOSYNC_PHASER_PARTIES_MAX
 * @on_advance: a root's callback (see gosync_phaser_on_advance_t), or
 *	NULL: terminate when no party is left
 * @arg: for @on_advance
 *
 * A root starts in phase 0; a child joins its parent's phase. A child with
 * @parties > 0 registers with its parent at once. A phaser owns no memory:
 * there is nothing to destroy, but it must not be freed while a call on
 * any phaser of its tree runs; a party's own return does not mean the
 * others have returned (see "Lifetime" in <gosync/phaser.h>).
 *
 * Context: process context if @parent and @parties (it may wait for an
 * advance of the parent); any context otherwise.
 * Return: 0; -EINVAL for a @parties above %GOSYNC_PHASER_PARTIES_MAX, an
 * @on_advance with a parent, or a tree deeper than
 * %GOSYNC_PHASER_DEPTH_MAX; or, for a child with parties, what registering
 * with the parent returned (-ESHUTDOWN; -EDEADLK from the tree's
 * on_advance; -ERANGE).
 */
int gosync_phaser_init(struct gosync_phaser *ph, struct gosync_phaser *parent,
		       unsigned int parties,
		       gosync_phaser_on_advance_t on_advance, void *arg);

/**
 * gosync_phaser_set_name() - name a phaser, or unname it
 * @ph: the phaser, set up by gosync_phaser_init() (which leaves it
 *	unnamed)
 * @name: its name, or NULL to remove it; not copied: it must outlive
 *	the phaser, or until the next gosync_phaser_set_name()
 *
 * A named phaser appears in debugfs (see "Debugfs and tracepoints" in
 * <gosync/gosync.h>); the advance and termination trace events of a tree
 * carry its root's name. A phaser has no destroy call, so a named one
 * must be unnamed (@name NULL) before its memory is freed or it is
 * initialized again; that call takes its debugfs entry away and waits for
 * a reader of it.
 *
 * Context: process context; sleeps. Like gosync_phaser_init(), while no
 * call on a phaser of its tree runs.
 */
void gosync_phaser_set_name(struct gosync_phaser *ph, const char *name);

/**
 * gosync_phaser_register() - add one party
 * @ph: the phaser
 *
 * If the current phase is complete and advancing (for a child: waiting
 * for the rest of the tree), waits for the next phase and joins it. A
 * child's first party also registers the child with its parent.
 *
 * Context: process context; may sleep.
 * Return: the phase of the new party's first arrival (>= 0); -EDEADLK if
 * called from the tree's on_advance (it would wait for itself);
 * -ESHUTDOWN if the phaser is terminated; -ERANGE if it has
 * %GOSYNC_PHASER_PARTIES_MAX parties already.
 */
int gosync_phaser_register(struct gosync_phaser *ph);

/**
 * gosync_phaser_bulk_register() - add @parties parties
 * @ph: the phaser
 * @parties: how many; 0 only returns the current phase
 *
 * As gosync_phaser_register(), all at once.
 *
 * Context: process context; may sleep (not for @parties 0: any context).
 * Return: as gosync_phaser_register() (for @parties 0, as
 * gosync_phaser_phase()); -EINVAL if @parties < 0; -ERANGE if the phaser
 * would have more than %GOSYNC_PHASER_PARTIES_MAX parties.
 */
int gosync_phaser_bulk_register(struct gosync_phaser *ph, int parties);

/**
 * gosync_phaser_arrive() - arrive without waiting
 * @ph: the phaser
 *
 * The last arrival of a phase runs the root's on_advance and advances the
 * phase (for a child: arrives at its parent).
 *
 * Context: any context, as on_advance allows (not in hard interrupt
 * context on PREEMPT_RT: see "Context rules" in <gosync/phaser.h>);
 * does not sleep.
 * Return: the phase the caller arrived in (>= 0); -ESHUTDOWN if the tree
 * is terminated; -EINVAL if no party is unarrived (the caller is not
 * registered, or arrived twice in this phase).
 */
int gosync_phaser_arrive(struct gosync_phaser *ph);

/**
 * gosync_phaser_arrive_and_deregister() - arrive and leave
 * @ph: the phaser
 *
 * As gosync_phaser_arrive(), and the caller's party is gone from the
 * next phase on. The last party's deregistration advances the phase and
 * terminates the phaser, unless on_advance returns false; a child whose
 * last party leaves deregisters from its parent.
 *
 * Context: as gosync_phaser_arrive(); does not sleep.
 * Return: as gosync_phaser_arrive().
 */
int gosync_phaser_arrive_and_deregister(struct gosync_phaser *ph);

/**
 * gosync_phaser_arrive_and_await_advance() - arrive and sleep until the
 *	phase advances
 * @ph: the phaser
 *
 * Context: process context; sleeps uninterruptibly.
 * Return: the next phase, the one after the caller's arrival phase
 * (wrapping to 0 after %GOSYNC_PHASER_PHASE_MAX); -ESHUTDOWN if the
 * phaser is terminated (also when this advance terminated it); -EINVAL as
 * gosync_phaser_arrive().
 */
int gosync_phaser_arrive_and_await_advance(struct gosync_phaser *ph);

/**
 * gosync_phaser_arrive_and_await_advance_interruptible() - ..., until a
 *	signal
 * @ph: the phaser
 *
 * On a signal the arrival still counts: the caller may wait for the
 * phase again with gosync_phaser_await_advance(), passing the phase
 * gosync_phaser_phase() returned before it arrived (a registered party
 * that has not arrived holds the phase).
 *
 * Context: process context; sleeps.
 * Return: as gosync_phaser_arrive_and_await_advance(), or -ERESTARTSYS.
 */
int gosync_phaser_arrive_and_await_advance_interruptible(struct gosync_phaser *ph);

/**
 * gosync_phaser_arrive_and_await_advance_killable() - ..., until a fatal
 *	signal
 * @ph: the phaser
 *
 * As gosync_phaser_arrive_and_await_advance_interruptible().
 *
 * Context: process context; sleeps.
 * Return: as gosync_phaser_arrive_and_await_advance(), or -ERESTARTSYS.
 */
int gosync_phaser_arrive_and_await_advance_killable(struct gosync_phaser *ph);

/**
 * gosync_phaser_arrive_and_await_advance_timeout() - ..., for at most
 *	@timeout jiffies
 * @ph: the phaser
 * @timeout: in jiffies, not ms (msecs_to_jiffies() converts);
 *	MAX_SCHEDULE_TIMEOUT waits forever; 0 or less only checks (after a
 *	brief spin)
 *
 * On a timeout the arrival still counts, as after a signal in
 * gosync_phaser_arrive_and_await_advance_interruptible(). Unlike
 * wait_event_timeout(), the result is never the time left.
 *
 * Context: process context; sleeps.
 * Return: as gosync_phaser_arrive_and_await_advance(), or -ETIMEDOUT.
 */
int gosync_phaser_arrive_and_await_advance_timeout(struct gosync_phaser *ph,
						   long timeout);

/**
 * gosync_phaser_await_advance() - sleep until a phase is over
 * @ph: the phaser (any phaser of the tree)
 * @phase: a phase number, 0..%GOSYNC_PHASER_PHASE_MAX, as an arrival
 *	returned it
 *
 * Returns at once if the current phase is not @phase. The caller need not
 * be a party.
 *
 * Context: process context; sleeps uninterruptibly.
 * Return: the current phase once it is not @phase (the one after @phase,
 * or a later one if the tree advanced again meanwhile); -EDEADLK if called
 * from the tree's on_advance while @phase is advancing (it would wait for
 * itself); -ESHUTDOWN if the phaser is terminated; -EINVAL if @phase is
 * not 0..%GOSYNC_PHASER_PHASE_MAX (an error code included).
 */
int gosync_phaser_await_advance(struct gosync_phaser *ph, int phase);

/**
 * gosync_phaser_await_advance_interruptible() - ..., until a signal
 * @ph: the phaser
 * @phase: a phase number
 *
 * Context: process context; sleeps.
 * Return: as gosync_phaser_await_advance(), or -ERESTARTSYS.
 */
int gosync_phaser_await_advance_interruptible(struct gosync_phaser *ph,
					      int phase);

/**
 * gosync_phaser_await_advance_killable() - ..., until a fatal signal
 * @ph: the phaser
 * @phase: a phase number
 *
 * Context: process context; sleeps.
 * Return: as gosync_phaser_await_advance(), or -ERESTARTSYS.
 */
int gosync_phaser_await_advance_killable(struct gosync_phaser *ph, int phase);

/**
 * gosync_phaser_await_advance_timeout() - ..., for at most @timeout
 *	jiffies
 * @ph: the phaser
 * @phase: a phase number
 * @timeout: in jiffies, not ms; MAX_SCHEDULE_TIMEOUT waits forever; 0 or
 *	less only checks (after a brief spin)
 *
 * Context: process context; sleeps.
 * Return: as gosync_phaser_await_advance(), or -ETIMEDOUT; never the time
 * left.
 */
int gosync_phaser_await_advance_timeout(struct gosync_phaser *ph, int phase,
					long timeout);

struct gosync_ctx;

/**
 * gosync_phaser_arrive_and_await_advance_ctx() - ..., until a context is
 *	cancelled or a fatal signal
 * @ph: the phaser
 * @ctx: the context (include/gosync/ctx.h); NULL: none
 *
 * A cancellation ends the wait as a signal does in
 * gosync_phaser_arrive_and_await_advance_interruptible(): the arrival
 * still counts. An already cancelled context still arrives.
 *
 * Context: process context; sleeps (killable).
 * Return: as gosync_phaser_arrive_and_await_advance(); the context's
 * cause (gosync_ctx_err()) if it was cancelled first; -ERESTARTSYS on a
 * fatal signal.
 */
int gosync_phaser_arrive_and_await_advance_ctx(struct gosync_phaser *ph,
					       struct gosync_ctx *ctx);

/**
 * gosync_phaser_await_advance_ctx() - ..., until a context is cancelled
 *	or a fatal signal
 * @ph: the phaser
 * @phase: a phase number
 * @ctx: the context; NULL: none
 *
 * Context: process context; sleeps (killable).
 * Return: as gosync_phaser_await_advance(); the context's cause if it
 * was cancelled first; -ERESTARTSYS on a fatal signal.
 */
int gosync_phaser_await_advance_ctx(struct gosync_phaser *ph, int phase,
				    struct gosync_ctx *ctx);

/**
 * gosync_phaser_force_termination() - terminate the whole tree now
 * @ph: any phaser of the tree
 *
 * Waiters return -ESHUTDOWN at once, and so does every later call. An
 * on_advance that is running completes, but its phase does not open.
 *
 * Context: any context (not in hard interrupt context on PREEMPT_RT: it
 * wakes the wait queue).
 */
void gosync_phaser_force_termination(struct gosync_phaser *ph);

/**
 * gosync_phaser_is_terminated() - has the tree terminated?
 * @ph: any phaser of the tree
 *
 * Context: any context.
 * Return: true once terminated.
 */
bool gosync_phaser_is_terminated(struct gosync_phaser *ph);

/**
 * gosync_phaser_phase() - the current phase
 * @ph: any phaser of the tree
 *
 * Context: any context.
 * Return: the root's phase, 0..%GOSYNC_PHASER_PHASE_MAX, or -ESHUTDOWN if
 * terminated.
 */
int gosync_phaser_phase(struct gosync_phaser *ph);

/**
 * gosync_phaser_registered_parties() - parties registered with @ph
 * @ph: the phaser
 *
 * A child's parties, not the tree's; a child counts as one party of its
 * parent while it has any.
 *
 * Context: any context. The value may be stale at once.
 * Return: the number of parties.
 */
unsigned int gosync_phaser_registered_parties(struct gosync_phaser *ph);

/**
 * gosync_phaser_arrived_parties() - parties that arrived in the current
 *	phase
 * @ph: the phaser
 *
 * Context: any context. The value may be stale at once.
 * Return: the number of parties of @ph that have arrived.
 */
unsigned int gosync_phaser_arrived_parties(struct gosync_phaser *ph);

/**
 * gosync_phaser_unarrived_parties() - parties yet to arrive in the
 *	current phase
 * @ph: the phaser
 *
 * Context: any context. The value may be stale at once.
 * Return: the number of parties of @ph that have not arrived.
 */
unsigned int gosync_phaser_unarrived_parties(struct gosync_phaser *ph);

#endif /* _GOSYNC_PHASER_H */
