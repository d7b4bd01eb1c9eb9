/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_phaser: a reusable, dynamic barrier after Java's Phaser.
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
 * Context: gosync_phaser_arrive(), _arrive_and_deregister(),
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
 * Lifetime. A phaser owns no memory and has no destroy call; the memory
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
};

int gosync_phaser_init(struct gosync_phaser *ph, struct gosync_phaser *parent,
		       unsigned int parties,
		       gosync_phaser_on_advance_t on_advance, void *arg);
int gosync_phaser_register(struct gosync_phaser *ph);
int gosync_phaser_bulk_register(struct gosync_phaser *ph, int parties);
int gosync_phaser_arrive(struct gosync_phaser *ph);
int gosync_phaser_arrive_and_deregister(struct gosync_phaser *ph);
int gosync_phaser_arrive_and_await_advance(struct gosync_phaser *ph);
int gosync_phaser_arrive_and_await_advance_interruptible(struct gosync_phaser *ph);
int gosync_phaser_arrive_and_await_advance_killable(struct gosync_phaser *ph);
int gosync_phaser_arrive_and_await_advance_timeout(struct gosync_phaser *ph,
						   long timeout);
int gosync_phaser_await_advance(struct gosync_phaser *ph, int phase);
int gosync_phaser_await_advance_interruptible(struct gosync_phaser *ph,
					      int phase);
int gosync_phaser_await_advance_killable(struct gosync_phaser *ph, int phase);
int gosync_phaser_await_advance_timeout(struct gosync_phaser *ph, int phase,
					long timeout);
void gosync_phaser_force_termination(struct gosync_phaser *ph);
bool gosync_phaser_is_terminated(struct gosync_phaser *ph);
int gosync_phaser_phase(struct gosync_phaser *ph);
unsigned int gosync_phaser_registered_parties(struct gosync_phaser *ph);
unsigned int gosync_phaser_arrived_parties(struct gosync_phaser *ph);
unsigned int gosync_phaser_unarrived_parties(struct gosync_phaser *ph);

#endif /* _GOSYNC_PHASER_H */
