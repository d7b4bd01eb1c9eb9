/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The implementations the breaker benchmarks compare, written once for
 * the in-kernel benchmark (kmod/test/bench/breaker_bench.c) and the native one
 * (tools/native/bench/breaker_bench.c, built against the kernel-API shim
 * in tools/native/include). Each bench file keeps only its harness: the
 * cases, the loops, setup and teardown.
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
 *			GB_B_RESET_MS have passed since the last failure, else
 *			rejects; HALF_OPEN admits) and unlocks. done (the
 *			seed's recordResult()) locks, counts the call; on a
 *			failure increments failures, stamps the last failure
 *			time (ktime_get_coarse_ns(), gosync_breaker's clock)
 *			and opens at GB_B_MAX_FAILURES (5) or on a failed
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
 * Each implementation is a table of functions (struct gb_b_ops, named
 * gb_b_<implementation>_ops). A harness instantiates its loops per table
 * with the table as a compile-time constant, so that allow and done inline
 * for all of them alike (gosync_breaker's are the header's inline fast
 * paths); the call of the peers is out of line, as gosync_breaker_call()
 * is.
 *
 * The includer defines gb_b_err(fmt, ...), which reports a failed check its
 * own way, before including this file.
 */
#ifndef _GOSYNC_BREAKER_BENCH_PEERS_H
#define _GOSYNC_BREAKER_BENCH_PEERS_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>

#include <gosync/breaker.h>

#define GB_B_FAIL_EVERY	100		/* fail1pct: one failure in this many */
#define GB_B_MAX_FAILURES	5		/* the seed's maxFailures */
#define GB_B_RESET_MS	60000		/* the seed's resetTimeout */

/* The seed's breaker: its state, failures in a row, last failure, calls. */
struct gb_b_seed {
	struct mutex mutex;		/* guards the fields below (mutex) */
	spinlock_t spin;		/* guards the fields below (spinlock) */
	enum gosync_breaker_state state;
	unsigned int failures;
	u64 last_fail_ns;
	u64 counts;
};

/**
 * struct gb_b_peers - what the implementations of one run share
 * @pcpu: the per-CPU counter (percpu)
 * @breaker: the breaker (gosync_breaker)
 * @seed: the seed's breaker (mutex, spinlock), in cache lines of its own
 * @counter: the shared counter (atomic_long), in a cache line of its own
 */
struct gb_b_peers {
	unsigned long __percpu *pcpu;
	struct gosync_breaker breaker;
	struct gb_b_seed seed ____cacheline_aligned_in_smp;
	atomic_long_t counter ____cacheline_aligned_in_smp;
};

/**
 * struct gb_b_ops - one implementation
 * @name: its name (the case's impl, the CSV's)
 * @init: sets it up in @p, which starts zeroed; 0 or a negative errno
 * @destroy: frees what @init made
 * @allow: 0 to admit a call, with @t to hand to @done; else a negative errno
 * @done: reports the result @err of the call admitted with @t
 * @call: allow, @fn(@arg), done with its result; @fn's result or allow's
 *	error
 * @check: after a run: 0 if the breaker stayed CLOSED, else -EIO (said)
 */
struct gb_b_ops {
	const char *name;
	int (*init)(struct gb_b_peers *p);
	void (*destroy)(struct gb_b_peers *p);
	int (*allow)(struct gb_b_peers *p, struct gosync_breaker_ticket *t);
	void (*done)(struct gb_b_peers *p, struct gosync_breaker_ticket *t, int err);
	int (*call)(struct gb_b_peers *p, int (*fn)(void *arg), void *arg);
	int (*check)(struct gb_b_peers *p);
};

/* The call mix's trivial function. */
static int gb_b_nop(void *arg)
{
	return 0;
}

static void gb_b_nothing(struct gb_b_peers *p)
{
}

static int gb_b_ok(struct gb_b_peers *p)
{
	return 0;
}

/* GB_B_OPS() - the table gb_b_<impl>_ops of an implementation. */
#define GB_B_OPS(impl, init_fn, destroy_fn, allow_fn, done_fn, call_fn, check_fn) \
static const struct gb_b_ops gb_b_##impl##_ops = {				\
	.name = #impl, .init = init_fn, .destroy = destroy_fn,			\
	.allow = allow_fn, .done = done_fn, .call = call_fn, .check = check_fn,	\
}

/*
 * GB_B_PEER() - the table of a peer, with its call(): allow, @fn, done,
 * out of line as gosync_breaker_call() is (the table is a constant: its
 * allow and done inline).
 */
#define GB_B_PEER(impl, init_fn, destroy_fn, allow_fn, done_fn, check_fn)	\
static const struct gb_b_ops gb_b_##impl##_ops;					\
static noinline int gb_b_##impl##_call(struct gb_b_peers *p,			\
				       int (*fn)(void *arg), void *arg)		\
{										\
	struct gosync_breaker_ticket t;						\
	int ret = gb_b_##impl##_ops.allow(p, &t);				\
										\
	if (ret)								\
		return ret;							\
	ret = fn(arg);								\
	gb_b_##impl##_ops.done(p, &t, ret);					\
	return ret;								\
}										\
GB_B_OPS(impl, init_fn, destroy_fn, allow_fn, done_fn, gb_b_##impl##_call,	\
	 check_fn)

/* ---- gosync_breaker ---- */

static int gb_b_gb_init(struct gb_b_peers *p)
{
	const struct gosync_breaker_opts opts = {
		.name = "gosync_bench_breaker",
		.consecutive = GB_B_MAX_FAILURES,
		.failure_rate = 50,
	};

	return gosync_breaker_init(&p->breaker, &opts, GFP_KERNEL);
}

static void gb_b_gb_destroy(struct gb_b_peers *p)
{
	gosync_breaker_destroy(&p->breaker);
}

static __always_inline int gb_b_gb_allow(struct gb_b_peers *p,
					 struct gosync_breaker_ticket *t)
{
	return gosync_breaker_allow(&p->breaker, t);
}

static __always_inline void gb_b_gb_done(struct gb_b_peers *p,
					 struct gosync_breaker_ticket *t, int err)
{
	gosync_breaker_done(&p->breaker, t, err, 0);
}

static int gb_b_gb_call(struct gb_b_peers *p, int (*fn)(void *arg), void *arg)
{
	int ret;

	return gosync_breaker_call(&p->breaker, fn, arg, &ret) ?: ret;
}

static int gb_b_gb_check(struct gb_b_peers *p)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(&p->breaker, &c);
	if (c.state == GOSYNC_BREAKER_CLOSED && !c.trips)
		return 0;
	gb_b_err("gosync_breaker left CLOSED (state %s, %llu trips)\n",
		 gosync_breaker_state_name(c.state), (unsigned long long)c.trips);
	return -EIO;
}

GB_B_OPS(gosync_breaker, gb_b_gb_init, gb_b_gb_destroy, gb_b_gb_allow,
	 gb_b_gb_done, gb_b_gb_call, gb_b_gb_check);

/* ---- the seed's breaker, under a mutex or a spinlock ---- */

static int gb_b_seed_init(struct gb_b_peers *p)
{
	mutex_init(&p->seed.mutex);
	spin_lock_init(&p->seed.spin);
	p->seed.state = GOSYNC_BREAKER_CLOSED;
	return 0;
}

static void gb_b_seed_destroy(struct gb_b_peers *p)
{
	mutex_destroy(&p->seed.mutex);
}

static __always_inline void gb_b_seed_lock(struct gb_b_seed *sb, bool spin)
{
	if (spin)
		spin_lock(&sb->spin);
	else
		mutex_lock(&sb->mutex);
}

static __always_inline void gb_b_seed_unlock(struct gb_b_seed *sb, bool spin)
{
	if (spin)
		spin_unlock(&sb->spin);
	else
		mutex_unlock(&sb->mutex);
}

/* The seed's canAttempt(). */
static __always_inline int gb_b_seed_allow(struct gb_b_seed *sb, bool spin)
{
	int ret = 0;

	gb_b_seed_lock(sb, spin);
	if (sb->state == GOSYNC_BREAKER_OPEN) {
		if (ktime_get_coarse_ns() - sb->last_fail_ns >
		    (u64)GB_B_RESET_MS * NSEC_PER_MSEC)
			sb->state = GOSYNC_BREAKER_HALF_OPEN;
		else
			ret = -EAGAIN;
	}
	gb_b_seed_unlock(sb, spin);
	return ret;
}

/* The seed's recordResult(). */
static __always_inline void gb_b_seed_done(struct gb_b_seed *sb, bool spin,
					   int err)
{
	gb_b_seed_lock(sb, spin);
	sb->counts++;
	if (err < 0) {
		sb->failures++;
		sb->last_fail_ns = ktime_get_coarse_ns();
		if (sb->state == GOSYNC_BREAKER_HALF_OPEN ||
		    sb->failures >= GB_B_MAX_FAILURES)
			sb->state = GOSYNC_BREAKER_OPEN;
	} else {
		sb->failures = 0;
		if (sb->state == GOSYNC_BREAKER_HALF_OPEN)
			sb->state = GOSYNC_BREAKER_CLOSED;
	}
	gb_b_seed_unlock(sb, spin);
}

static int gb_b_seed_check(struct gb_b_peers *p)
{
	/* Read after the run: every thread has stopped calling. */
	if (READ_ONCE(p->seed.state) == GOSYNC_BREAKER_CLOSED)
		return 0;
	gb_b_err("the seed's breaker left CLOSED\n");
	return -EIO;
}

static __always_inline int gb_b_mx_allow(struct gb_b_peers *p,
					 struct gosync_breaker_ticket *t)
{
	return gb_b_seed_allow(&p->seed, false);
}

static __always_inline void gb_b_mx_done(struct gb_b_peers *p,
					 struct gosync_breaker_ticket *t, int err)
{
	gb_b_seed_done(&p->seed, false, err);
}

static __always_inline int gb_b_sp_allow(struct gb_b_peers *p,
					 struct gosync_breaker_ticket *t)
{
	return gb_b_seed_allow(&p->seed, true);
}

static __always_inline void gb_b_sp_done(struct gb_b_peers *p,
					 struct gosync_breaker_ticket *t, int err)
{
	gb_b_seed_done(&p->seed, true, err);
}

GB_B_PEER(mutex, gb_b_seed_init, gb_b_seed_destroy, gb_b_mx_allow, gb_b_mx_done, gb_b_seed_check);
GB_B_PEER(spinlock, gb_b_seed_init, gb_b_seed_destroy, gb_b_sp_allow,
	  gb_b_sp_done, gb_b_seed_check);

/* ---- the bare counters ---- */

static __always_inline int gb_b_admit(struct gb_b_peers *p,
				      struct gosync_breaker_ticket *t)
{
	return 0;
}

static __always_inline void gb_b_at_done(struct gb_b_peers *p,
					 struct gosync_breaker_ticket *t, int err)
{
	atomic_long_inc(&p->counter);
}

static int gb_b_pc_init(struct gb_b_peers *p)
{
	p->pcpu = alloc_percpu(unsigned long);
	return p->pcpu ? 0 : -ENOMEM;
}

static void gb_b_pc_destroy(struct gb_b_peers *p)
{
	free_percpu(p->pcpu);
}

static __always_inline void gb_b_pc_done(struct gb_b_peers *p,
					 struct gosync_breaker_ticket *t, int err)
{
	this_cpu_inc(*p->pcpu);
}

GB_B_PEER(atomic_long, gb_b_ok, gb_b_nothing, gb_b_admit, gb_b_at_done, gb_b_ok);
GB_B_PEER(percpu, gb_b_pc_init, gb_b_pc_destroy, gb_b_admit, gb_b_pc_done, gb_b_ok);

#endif /* _GOSYNC_BREAKER_BENCH_PEERS_H */
