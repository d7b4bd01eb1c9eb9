// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_breaker in its CLOSED, healthy state against a
 * breaker guarded by one lock (the way the seed writes it) and against the
 * two bare counters a breaker's bookkeeping cannot beat. Primitive
 * "breaker"; three operation mixes times five implementations make 15
 * cases, listed in /sys/kernel/debug/gosync/bench/cases and run through
 * bench/run.
 *
 * Cases (the operation mixes); one op is one admitted call:
 *	pair		allow, then done with success (0), inline in the loop.
 *			Every call is admitted (checked) and succeeds, so the
 *			breaker stays CLOSED throughout (checked at the end).
 *	call		the implementation's call(): allow, a trivial function
 *			(bb_nop(), returns 0) called through a pointer the
 *			compiler cannot see through, then done with its result.
 *			For gosync_breaker this is gosync_breaker_call(); for
 *			the others a noinline function of this file doing the
 *			same with their allow and done.
 *	fail1pct	as pair, but every BB_FAIL_EVERY-th (100th) call of a
 *			thread reports -EIO: the cost of the failure path in a
 *			breaker that stays CLOSED (one failure in a row never
 *			reaches the consecutive limit, 1% never reaches the
 *			failure rate; checked at the end).
 *
 * Implementations, what allow and done do:
 *	gosync_breaker	gosync_breaker_allow(), gosync_breaker_done(err, 0);
 *			configured as a typical user would: 5 consecutive
 *			failures, or a failure rate of 50% over the default
 *			window (10 buckets of 1000 ms, at least 20 calls);
 *			no slow-call threshold, no test clock.
 *	mutex		the seed's breaker, in C: one struct mutex over state,
 *			failures, last failure time and a call count. allow
 *			(the seed's canAttempt()) locks, switches on the
 *			state (CLOSED admits; OPEN moves to HALF_OPEN once
 *			BB_RESET_MS have passed since the last failure, else
 *			rejects; HALF_OPEN admits) and unlocks. done (the
 *			seed's recordResult()) locks, counts the call; on a
 *			failure increments failures, stamps the last failure
 *			time (ktime_get_coarse_ns(), gosync_breaker's clock)
 *			and opens at BB_MAX_FAILURES (5) or on a failed
 *			HALF_OPEN call; on a success zeroes failures (and
 *			closes a HALF_OPEN breaker); unlocks.
 *	spinlock	the same under a spinlock_t (plain spin_lock(), process
 *			context): the cheaper lock a kernel author might pick.
 *	atomic_long	allow does nothing; done is one atomic_long_inc() of a
 *			counter shared by all threads, in a cache line of its
 *			own: the cheapest shared write per call.
 *	percpu		allow does nothing; done is one this_cpu_inc() of an
 *			alloc_percpu() unsigned long: the floor, a bare per-CPU
 *			counter increment per call.
 *
 * Each implementation is a table of functions (struct bb_ops); the bodies
 * are written once per mix and instantiated per implementation with the
 * table as a compile-time constant, so allow and done inline for all of
 * them alike (gosync_breaker's are the header's inline fast paths).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include <gosync/breaker.h>

#include "bench.h"

#define BB_BATCH	64		/* ops between stop checks */
#define BB_FAIL_EVERY	100		/* fail1pct: one failure in this many */
#define BB_MAX_FAILURES	5		/* the seed's maxFailures */
#define BB_RESET_MS	60000		/* the seed's resetTimeout */

/**
 * struct bb_seed - the seed's breaker, under one lock
 * @mutex: guards the rest (mutex)
 * @spin: guards the rest (spinlock)
 * @state: CLOSED, OPEN or HALF_OPEN
 * @failures: failures in a row
 * @max_failures: trip at this many failures in a row
 * @last_fail_ns: when the last failure was recorded
 * @reset_timeout_ns: OPEN lasts this long after the last failure
 * @counts: calls recorded
 */
struct bb_seed {
	struct mutex mutex;		/* guards the fields below (mutex) */
	spinlock_t spin;		/* guards the fields below (spinlock) */
	enum gosync_breaker_state state;
	unsigned int failures;
	unsigned int max_failures;
	u64 last_fail_ns;
	u64 reset_timeout_ns;
	u64 counts;
};

struct bb_ops;

/**
 * struct bb_state - the shared state of one run
 * @ops: the implementation
 * @fn: the call mix's function, read at run time
 * @pcpu: the per-CPU counter (percpu)
 * @breaker: the breaker (gosync_breaker)
 * @seed: the seed's breaker (mutex, spinlock), in cache lines of its own
 * @counter: the shared counter (atomic_long), in a cache line of its own
 */
struct bb_state {
	const struct bb_ops *ops;
	int (*fn)(void *arg);
	unsigned long __percpu *pcpu;
	struct gosync_breaker breaker;
	struct bb_seed seed ____cacheline_aligned_in_smp;
	atomic_long_t counter ____cacheline_aligned_in_smp;
};

/**
 * struct bb_ops - one implementation
 * @init: sets it up in @s; 0 or a negative errno
 * @destroy: frees what @init made
 * @allow: 0 to admit a call, with @t to hand to @done; else a negative errno
 * @done: reports the result @err of the call admitted with @t
 * @call: allow, @fn(@arg), done with its result; @fn's result or allow's
 *	error
 * @check: after a run: 0 if the breaker stayed CLOSED, else -EIO (said)
 */
struct bb_ops {
	int (*init)(struct bb_state *s);
	void (*destroy)(struct bb_state *s);
	int (*allow)(struct bb_state *s, struct gosync_breaker_ticket *t);
	void (*done)(struct bb_state *s, struct gosync_breaker_ticket *t,
		     int err);
	int (*call)(struct bb_state *s, int (*fn)(void *arg), void *arg);
	int (*check)(struct bb_state *s);
};

/* The call mix's trivial function. */
static int bb_nop(void *arg)
{
	return 0;
}

static void bb_nothing(struct bb_state *s)
{
}

static int bb_ok(struct bb_state *s)
{
	return 0;
}

/* The call of the peers: allow, @fn, done (out of line, as the library's). */
static __always_inline int
bb_call_via(struct bb_state *s,
	    int (*allow)(struct bb_state *s, struct gosync_breaker_ticket *t),
	    void (*done)(struct bb_state *s, struct gosync_breaker_ticket *t,
			 int err),
	    int (*fn)(void *arg), void *arg)
{
	struct gosync_breaker_ticket t;
	int ret = allow(s, &t);

	if (ret)
		return ret;
	ret = fn(arg);
	done(s, &t, ret);
	return ret;
}

/* ---- gosync_breaker ---- */

static int bb_gb_init(struct bb_state *s)
{
	const struct gosync_breaker_opts opts = {
		.name = "gosync_bench_breaker",
		.consecutive = BB_MAX_FAILURES,
		.failure_rate = 50,
	};

	return gosync_breaker_init(&s->breaker, &opts, GFP_KERNEL);
}

static void bb_gb_destroy(struct bb_state *s)
{
	gosync_breaker_destroy(&s->breaker);
}

static __always_inline int bb_gb_allow(struct bb_state *s,
				       struct gosync_breaker_ticket *t)
{
	return gosync_breaker_allow(&s->breaker, t);
}

static __always_inline void bb_gb_done(struct bb_state *s,
				       struct gosync_breaker_ticket *t, int err)
{
	gosync_breaker_done(&s->breaker, t, err, 0);
}

static int bb_gb_call(struct bb_state *s, int (*fn)(void *arg), void *arg)
{
	return gosync_breaker_call(&s->breaker, fn, arg);
}

static int bb_gb_check(struct bb_state *s)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(&s->breaker, &c);
	if (c.state == GOSYNC_BREAKER_CLOSED && !c.trips)
		return 0;
	pr_err("breaker bench: gosync_breaker left CLOSED (state %s, %llu trips)\n",
	       gosync_breaker_state_name(c.state), c.trips);
	return -EIO;
}

static const struct bb_ops bb_gosync_breaker_ops = {
	.init = bb_gb_init,
	.destroy = bb_gb_destroy,
	.allow = bb_gb_allow,
	.done = bb_gb_done,
	.call = bb_gb_call,
	.check = bb_gb_check,
};

/* ---- the seed's breaker, under a mutex or a spinlock ---- */

static int bb_seed_init(struct bb_state *s)
{
	struct bb_seed *sb = &s->seed;

	mutex_init(&sb->mutex);
	spin_lock_init(&sb->spin);
	sb->state = GOSYNC_BREAKER_CLOSED;
	sb->max_failures = BB_MAX_FAILURES;
	sb->reset_timeout_ns = (u64)BB_RESET_MS * NSEC_PER_MSEC;
	return 0;
}

static void bb_seed_destroy(struct bb_state *s)
{
	mutex_destroy(&s->seed.mutex);
}

static __always_inline void bb_seed_lock(struct bb_seed *sb, bool spin)
{
	if (spin)
		spin_lock(&sb->spin);
	else
		mutex_lock(&sb->mutex);
}

static __always_inline void bb_seed_unlock(struct bb_seed *sb, bool spin)
{
	if (spin)
		spin_unlock(&sb->spin);
	else
		mutex_unlock(&sb->mutex);
}

/* The seed's canAttempt(). */
static __always_inline int bb_seed_allow(struct bb_seed *sb, bool spin)
{
	int ret = 0;

	bb_seed_lock(sb, spin);
	switch (sb->state) {
	case GOSYNC_BREAKER_CLOSED:
		break;
	case GOSYNC_BREAKER_OPEN:
		if (ktime_get_coarse_ns() - sb->last_fail_ns >
		    sb->reset_timeout_ns)
			sb->state = GOSYNC_BREAKER_HALF_OPEN;
		else
			ret = -EAGAIN;
		break;
	case GOSYNC_BREAKER_HALF_OPEN:
		break;
	}
	bb_seed_unlock(sb, spin);
	return ret;
}

/* The seed's recordResult(). */
static __always_inline void bb_seed_done(struct bb_seed *sb, bool spin,
					 int err)
{
	bb_seed_lock(sb, spin);
	sb->counts++;
	if (err < 0) {
		sb->failures++;
		sb->last_fail_ns = ktime_get_coarse_ns();
		if (sb->state == GOSYNC_BREAKER_HALF_OPEN ||
		    sb->failures >= sb->max_failures)
			sb->state = GOSYNC_BREAKER_OPEN;
	} else {
		sb->failures = 0;
		if (sb->state == GOSYNC_BREAKER_HALF_OPEN)
			sb->state = GOSYNC_BREAKER_CLOSED;
	}
	bb_seed_unlock(sb, spin);
}

static int bb_seed_check(struct bb_state *s)
{
	/* Read after the run: every thread has stopped calling. */
	if (READ_ONCE(s->seed.state) == GOSYNC_BREAKER_CLOSED)
		return 0;
	pr_err("breaker bench: the seed's breaker left CLOSED\n");
	return -EIO;
}

static __always_inline int bb_mx_allow(struct bb_state *s,
				       struct gosync_breaker_ticket *t)
{
	return bb_seed_allow(&s->seed, false);
}

static __always_inline void bb_mx_done(struct bb_state *s,
				       struct gosync_breaker_ticket *t, int err)
{
	bb_seed_done(&s->seed, false, err);
}

static noinline int bb_mx_call(struct bb_state *s, int (*fn)(void *arg),
			       void *arg)
{
	return bb_call_via(s, bb_mx_allow, bb_mx_done, fn, arg);
}

static const struct bb_ops bb_mutex_ops = {
	.init = bb_seed_init,
	.destroy = bb_seed_destroy,
	.allow = bb_mx_allow,
	.done = bb_mx_done,
	.call = bb_mx_call,
	.check = bb_seed_check,
};

static __always_inline int bb_sp_allow(struct bb_state *s,
				       struct gosync_breaker_ticket *t)
{
	return bb_seed_allow(&s->seed, true);
}

static __always_inline void bb_sp_done(struct bb_state *s,
				       struct gosync_breaker_ticket *t, int err)
{
	bb_seed_done(&s->seed, true, err);
}

static noinline int bb_sp_call(struct bb_state *s, int (*fn)(void *arg),
			       void *arg)
{
	return bb_call_via(s, bb_sp_allow, bb_sp_done, fn, arg);
}

static const struct bb_ops bb_spinlock_ops = {
	.init = bb_seed_init,
	.destroy = bb_seed_destroy,
	.allow = bb_sp_allow,
	.done = bb_sp_done,
	.call = bb_sp_call,
	.check = bb_seed_check,
};

/* ---- the bare counters ---- */

static __always_inline int bb_admit(struct bb_state *s,
				    struct gosync_breaker_ticket *t)
{
	return 0;
}

static int bb_at_init(struct bb_state *s)
{
	atomic_long_set(&s->counter, 0);
	return 0;
}

static __always_inline void bb_at_done(struct bb_state *s,
				       struct gosync_breaker_ticket *t, int err)
{
	atomic_long_inc(&s->counter);
}

static noinline int bb_at_call(struct bb_state *s, int (*fn)(void *arg),
			       void *arg)
{
	return bb_call_via(s, bb_admit, bb_at_done, fn, arg);
}

static const struct bb_ops bb_atomic_long_ops = {
	.init = bb_at_init,
	.destroy = bb_nothing,
	.allow = bb_admit,
	.done = bb_at_done,
	.call = bb_at_call,
	.check = bb_ok,
};

static int bb_pc_init(struct bb_state *s)
{
	s->pcpu = alloc_percpu(unsigned long);
	return s->pcpu ? 0 : -ENOMEM;
}

static void bb_pc_destroy(struct bb_state *s)
{
	free_percpu(s->pcpu);
}

static __always_inline void bb_pc_done(struct bb_state *s,
				       struct gosync_breaker_ticket *t, int err)
{
	this_cpu_inc(*s->pcpu);
}

static noinline int bb_pc_call(struct bb_state *s, int (*fn)(void *arg),
			       void *arg)
{
	return bb_call_via(s, bb_admit, bb_pc_done, fn, arg);
}

static const struct bb_ops bb_percpu_ops = {
	.init = bb_pc_init,
	.destroy = bb_pc_destroy,
	.allow = bb_admit,
	.done = bb_pc_done,
	.call = bb_pc_call,
	.check = bb_ok,
};

/* ---- the cases ---- */

static void bb_teardown(void *data)
{
	struct bb_state *s = data;

	s->ops->destroy(s);
	kfree(s);
}

static int bb_setup(void **data, unsigned int threads,
		    const struct bb_ops *ops, int unused)
{
	struct bb_state *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->ops = ops;
	s->fn = bb_nop;
	ret = ops->init(s);
	if (ret) {
		kfree(s);
		return ret;
	}
	*data = s;
	return 0;
}

static int bb_rejected(const char *mix)
{
	pr_err("breaker bench: %s: a call was rejected\n", mix);
	return -EIO;
}

/* pair and fail1pct: allow and done inline, one failure in @fail_every. */
static __always_inline int bb_allow_done(struct gosync_run_thread *t,
					 const struct bb_ops *ops,
					 unsigned int fail_every,
					 const char *mix)
{
	struct bb_state *s = t->run->data;
	struct gosync_breaker_ticket tk;
	unsigned int i, left = fail_every;
	int err;

	do {
		for (i = 0; i < BB_BATCH; i++) {
			err = 0;
			if (fail_every && !--left) {
				left = fail_every;
				err = -EIO;
			}
			if (unlikely(ops->allow(s, &tk)))
				return bb_rejected(mix);
			ops->done(s, &tk, err);
		}
		t->ops += BB_BATCH;
	} while (gosync_run_continue(t));
	return ops->check(s);
}

static __always_inline int bb_pair(struct gosync_run_thread *t,
				   const struct bb_ops *ops)
{
	return bb_allow_done(t, ops, 0, "pair");
}

static __always_inline int bb_fail1pct(struct gosync_run_thread *t,
				       const struct bb_ops *ops)
{
	return bb_allow_done(t, ops, BB_FAIL_EVERY, "fail1pct");
}

static __always_inline int bb_call(struct gosync_run_thread *t,
				   const struct bb_ops *ops)
{
	struct bb_state *s = t->run->data;
	/* Hidden: every implementation calls it through a pointer. */
	int (*fn)(void *arg) = READ_ONCE(s->fn);
	unsigned int i;

	do {
		for (i = 0; i < BB_BATCH; i++)
			if (unlikely(ops->call(s, fn, NULL)))
				return bb_rejected("call");
		t->ops += BB_BATCH;
	} while (gosync_run_continue(t));
	return ops->check(s);
}

/* BB_CASE() - the bench case of one (mix, implementation); see bench.h. */
#define BB_CASE(mix, which)						\
	GOSYNC_BENCH_MIX_CASE(bb, "breaker", mix, which, 0)

BB_CASE(pair, gosync_breaker);
BB_CASE(pair, mutex);
BB_CASE(pair, spinlock);
BB_CASE(pair, atomic_long);
BB_CASE(pair, percpu);
BB_CASE(call, gosync_breaker);
BB_CASE(call, mutex);
BB_CASE(call, spinlock);
BB_CASE(call, atomic_long);
BB_CASE(call, percpu);
BB_CASE(fail1pct, gosync_breaker);
BB_CASE(fail1pct, mutex);
BB_CASE(fail1pct, spinlock);
BB_CASE(fail1pct, atomic_long);
BB_CASE(fail1pct, percpu);
