// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_breaker: the unmodified kmod/breaker.c, built
 * in userspace against the shim (tools/native/include) and used through
 * <gosync/breaker.h>, in its CLOSED, healthy state, against the seed's
 * breaker behind one lock and against two bare counters. Primitive
 * "breaker", env "native"; the cases and implementations are those of the
 * in-kernel benchmark (kmod/breaker_bench.c), which describes them; here:
 *
 *	mutex		the seed's breaker under the shim's struct mutex (a
 *			pthread_mutex_t with default attributes, plus the
 *			owner tag the shim keeps)
 *	spinlock	the same under the shim's spinlock_t (an atomic
 *			exchange to lock, a release store to unlock; a waiter
 *			spins, then yields)
 *	atomic_long	the shim's atomic_long_inc(): a lock-prefixed add on
 *			one shared counter in a cache line of its own
 *	percpu		the shim's this_cpu_inc() of an alloc_percpu()
 *			unsigned long: the thread's slot (a thread-local
 *			load) and a plain add, as the kernel's
 *			incq %gs:... is one non-atomic instruction
 *
 * One op is one admitted call (pair, fail1pct: allow + done inline; call:
 * the implementation's call() around a trivial function).
 *
 * Time. gosync_breaker_done()'s fast path compares the jiffies count with
 * a per-CPU stamp. In a kernel jiffies is a load; the shim computes it
 * from clock_gettime(CLOCK_MONOTONIC) (a vDSO call, tens of instructions),
 * so the timed figures of gosync_breaker carry a clock read per op that a
 * kernel does not pay. In count mode (callgrind.sh) this program freezes
 * CLOCK_MONOTONIC at its first reading (clock_gettime is wrapped, see
 * bench.mk): the instruction count is then deterministic, and is that of
 * the steady state in which every done() finds its stamp current; the
 * per-CPU renewal once per tick (one in tens of thousands of calls at
 * kernel rates) is left out. The wrapper itself is counted (a call, a
 * test and a copy).
 *
 * The driver (bench_main.c; its modes and options are in bench_main.h)
 * runs every case x thread count x implementation, each run with a fresh
 * breaker or counter.
 */
/*
 * The shim first: its <linux/...> headers pull in the C library's, and
 * the C library's <errno.h> pulls in <linux/errno.h>, which is the shim's.
 */
#include <linux/slab.h>

#include <gosync/breaker.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_main.h"

#define BB_FAIL_EVERY	100		/* fail1pct: one failure in this many */
#define BB_MAX_FAILURES	5		/* the seed's maxFailures */
#define BB_RESET_MS	60000		/* the seed's resetTimeout */

enum bb_mix { BB_PAIR, BB_CALL, BB_FAIL1PCT };

struct bb_case {
	const char *name;
	enum bb_mix mix;
};

static const struct bb_case bb_cases[] = {
	{ "pair",	BB_PAIR },
	{ "call",	BB_CALL },
	{ "fail1pct",	BB_FAIL1PCT },
};

#define BB_NR_CASES	ARRAY_SIZE(bb_cases)

/* The seed's breaker: one lock (mutex or spin) over the rest. */
struct bb_seed {
	struct mutex mutex;		/* guards the rest (mutex) */
	spinlock_t spin;		/* guards the rest (spinlock) */
	enum gosync_breaker_state state;
	unsigned int failures;
	unsigned int max_failures;
	u64 last_fail_ns;
	u64 reset_timeout_ns;
	u64 counts;
};

struct bb_impl;
struct bb_thread;

struct bb_state {
	const struct bb_impl *im;
	int (*body)(struct bb_thread *t, uint64_t n);
	int (*fn)(void *arg);		/* call: read at run time */
	unsigned long __percpu *pcpu;
	struct bench_sync sync;
	struct gosync_breaker breaker;
	struct bb_seed seed ____cacheline_aligned_in_smp;
	atomic_long_t counter ____cacheline_aligned_in_smp;
} __aligned(64);

struct bb_thread {
	struct bench_thread bt;
	struct bb_state *s;
	unsigned int left;		/* fail1pct: calls to the next failure */
} __aligned(64);

/**
 * struct bb_impl - one implementation
 * @name: its name in the CSV
 * @init: sets it up in @s; 0 or a negative errno
 * @destroy: frees what @init made
 * @allow: 0 to admit a call, with @t to hand to @done
 * @done: reports the result @err of the call admitted with @t
 * @call: allow, @fn(@arg), done; @fn's result or allow's error
 * @check: after a run: 0 if the breaker stayed CLOSED, else -EIO (said)
 */
struct bb_impl {
	const char *name;
	int (*init)(struct bb_state *s);
	void (*destroy)(struct bb_state *s);
	int (*allow)(struct bb_state *s, struct gosync_breaker_ticket *t);
	void (*done)(struct bb_state *s, struct gosync_breaker_ticket *t,
		     int err);
	int (*call)(struct bb_state *s, int (*fn)(void *arg), void *arg);
	int (*check)(struct bb_state *s);
};

/* ---- count mode's frozen clock (bench.mk links with --wrap) ---- */

/*
 * clock_gettime() itself, for the timed mode: the C library's, found past
 * this program's wrapper.
 */
static int (*bb_real_clock_gettime)(clockid_t clk, struct timespec *ts);

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	static struct timespec frozen;
	static bool have;

	/* Set in main(); a constructor of a library may come first. */
	if (unlikely(!bb_real_clock_gettime))
		bb_real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
	if (!bench_counting || clk != CLOCK_MONOTONIC)
		return bb_real_clock_gettime(clk, ts);
	/* Count mode is one thread: no race on the first reading. */
	if (unlikely(!have)) {
		bb_real_clock_gettime(clk, &frozen);
		have = true;
	}
	*ts = frozen;
	return 0;
}

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

static int gb_init(struct bb_state *s)
{
	const struct gosync_breaker_opts opts = {
		.name = "breaker_bench",
		.consecutive = BB_MAX_FAILURES,
		.failure_rate = 50,
	};

	return gosync_breaker_init(&s->breaker, &opts, GFP_KERNEL);
}

static void gb_destroy(struct bb_state *s)
{
	gosync_breaker_destroy(&s->breaker);
}

static __always_inline int gb_allow(struct bb_state *s,
				    struct gosync_breaker_ticket *t)
{
	return gosync_breaker_allow(&s->breaker, t);
}

static __always_inline void gb_done(struct bb_state *s,
				    struct gosync_breaker_ticket *t, int err)
{
	gosync_breaker_done(&s->breaker, t, err, 0);
}

static int gb_call(struct bb_state *s, int (*fn)(void *arg), void *arg)
{
	return gosync_breaker_call(&s->breaker, fn, arg);
}

static int gb_check(struct bb_state *s)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(&s->breaker, &c);
	if (c.state == GOSYNC_BREAKER_CLOSED && !c.trips)
		return 0;
	fprintf(stderr, "breaker_bench: gosync_breaker left CLOSED (%s, %llu trips)\n",
		gosync_breaker_state_name(c.state),
		(unsigned long long)c.trips);
	return -EIO;
}

static const struct bb_impl bb_gosync_breaker = {
	.name = "gosync_breaker",
	.init = gb_init,
	.destroy = gb_destroy,
	.allow = gb_allow,
	.done = gb_done,
	.call = gb_call,
	.check = gb_check,
};

/* ---- the seed's breaker, under a mutex or a spinlock ---- */

static int seed_init(struct bb_state *s)
{
	struct bb_seed *sb = &s->seed;

	mutex_init(&sb->mutex);
	spin_lock_init(&sb->spin);
	sb->state = GOSYNC_BREAKER_CLOSED;
	sb->max_failures = BB_MAX_FAILURES;
	sb->reset_timeout_ns = (u64)BB_RESET_MS * NSEC_PER_MSEC;
	return 0;
}

static void seed_destroy(struct bb_state *s)
{
	mutex_destroy(&s->seed.mutex);
}

static __always_inline void seed_lock(struct bb_seed *sb, bool spin)
{
	if (spin)
		spin_lock(&sb->spin);
	else
		mutex_lock(&sb->mutex);
}

static __always_inline void seed_unlock(struct bb_seed *sb, bool spin)
{
	if (spin)
		spin_unlock(&sb->spin);
	else
		mutex_unlock(&sb->mutex);
}

/* The seed's canAttempt(). */
static __always_inline int seed_allow(struct bb_seed *sb, bool spin)
{
	int ret = 0;

	seed_lock(sb, spin);
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
	seed_unlock(sb, spin);
	return ret;
}

/* The seed's recordResult(). */
static __always_inline void seed_done(struct bb_seed *sb, bool spin, int err)
{
	seed_lock(sb, spin);
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
	seed_unlock(sb, spin);
}

static int seed_check(struct bb_state *s)
{
	/* Read after the run: every thread has stopped calling. */
	if (READ_ONCE(s->seed.state) == GOSYNC_BREAKER_CLOSED)
		return 0;
	fprintf(stderr, "breaker_bench: the seed's breaker left CLOSED\n");
	return -EIO;
}

static __always_inline int mx_allow(struct bb_state *s,
				    struct gosync_breaker_ticket *t)
{
	return seed_allow(&s->seed, false);
}

static __always_inline void mx_done(struct bb_state *s,
				    struct gosync_breaker_ticket *t, int err)
{
	seed_done(&s->seed, false, err);
}

static noinline int mx_call(struct bb_state *s, int (*fn)(void *arg),
			    void *arg)
{
	return bb_call_via(s, mx_allow, mx_done, fn, arg);
}

static const struct bb_impl bb_mutex = {
	.name = "mutex",
	.init = seed_init,
	.destroy = seed_destroy,
	.allow = mx_allow,
	.done = mx_done,
	.call = mx_call,
	.check = seed_check,
};

static __always_inline int sp_allow(struct bb_state *s,
				    struct gosync_breaker_ticket *t)
{
	return seed_allow(&s->seed, true);
}

static __always_inline void sp_done(struct bb_state *s,
				    struct gosync_breaker_ticket *t, int err)
{
	seed_done(&s->seed, true, err);
}

static noinline int sp_call(struct bb_state *s, int (*fn)(void *arg),
			    void *arg)
{
	return bb_call_via(s, sp_allow, sp_done, fn, arg);
}

static const struct bb_impl bb_spinlock = {
	.name = "spinlock",
	.init = seed_init,
	.destroy = seed_destroy,
	.allow = sp_allow,
	.done = sp_done,
	.call = sp_call,
	.check = seed_check,
};

/* ---- the bare counters ---- */

static __always_inline int bb_admit(struct bb_state *s,
				    struct gosync_breaker_ticket *t)
{
	return 0;
}

static int at_init(struct bb_state *s)
{
	atomic_long_set(&s->counter, 0);
	return 0;
}

static __always_inline void at_done(struct bb_state *s,
				    struct gosync_breaker_ticket *t, int err)
{
	atomic_long_inc(&s->counter);
}

static noinline int at_call(struct bb_state *s, int (*fn)(void *arg),
			    void *arg)
{
	return bb_call_via(s, bb_admit, at_done, fn, arg);
}

static const struct bb_impl bb_atomic_long = {
	.name = "atomic_long",
	.init = at_init,
	.destroy = bb_nothing,
	.allow = bb_admit,
	.done = at_done,
	.call = at_call,
	.check = bb_ok,
};

static int pc_init(struct bb_state *s)
{
	s->pcpu = alloc_percpu(unsigned long);
	return s->pcpu ? 0 : -ENOMEM;
}

static void pc_destroy(struct bb_state *s)
{
	free_percpu(s->pcpu);
}

static __always_inline void pc_done(struct bb_state *s,
				    struct gosync_breaker_ticket *t, int err)
{
	this_cpu_inc(*s->pcpu);
}

static noinline int pc_call(struct bb_state *s, int (*fn)(void *arg),
			    void *arg)
{
	return bb_call_via(s, bb_admit, pc_done, fn, arg);
}

static const struct bb_impl bb_percpu = {
	.name = "percpu",
	.init = pc_init,
	.destroy = pc_destroy,
	.allow = bb_admit,
	.done = pc_done,
	.call = pc_call,
	.check = bb_ok,
};

static const struct bb_impl *const bb_impls[] = {
	&bb_gosync_breaker, &bb_mutex, &bb_spinlock, &bb_atomic_long,
	&bb_percpu,
};

#define BB_NR_IMPLS	ARRAY_SIZE(bb_impls)

/* ---- the bodies: each does @n ops (fewer if the run stops) ---- */

static int bb_rejected(const char *mix)
{
	fprintf(stderr, "breaker_bench: %s: a call was rejected\n", mix);
	return -EIO;
}

/* pair and fail1pct: allow and done inline, one failure in @fail_every. */
static __always_inline int bb_allow_done(struct bb_thread *t, uint64_t n,
					 const struct bb_impl *im,
					 unsigned int fail_every,
					 const char *mix)
{
	struct bb_state *s = t->s;
	struct gosync_breaker_ticket tk;
	unsigned int left = t->left;
	uint64_t i;
	int err;

	for (i = 0; i < n; i++) {
		err = 0;
		if (fail_every && !--left) {
			left = fail_every;
			err = -EIO;
		}
		if (unlikely(im->allow(s, &tk)))
			return bb_rejected(mix);
		im->done(s, &tk, err);
	}
	t->left = left;
	t->bt.ops += n;
	return 0;
}

static __always_inline int bb_pair(struct bb_thread *t, uint64_t n,
				   const struct bb_impl *im)
{
	return bb_allow_done(t, n, im, 0, "pair");
}

static __always_inline int bb_fail1pct(struct bb_thread *t, uint64_t n,
				       const struct bb_impl *im)
{
	return bb_allow_done(t, n, im, BB_FAIL_EVERY, "fail1pct");
}

static __always_inline int bb_call(struct bb_thread *t, uint64_t n,
				   const struct bb_impl *im)
{
	struct bb_state *s = t->s;
	/* Hidden: every implementation calls it through a pointer. */
	int (*fn)(void *arg) = READ_ONCE(s->fn);
	uint64_t i;

	for (i = 0; i < n; i++)
		if (unlikely(im->call(s, fn, NULL)))
			return bb_rejected("call");
	t->bt.ops += n;
	return 0;
}

#define BB_BODIES(impl)							\
static int bb_pair_##impl(struct bb_thread *t, uint64_t n)		\
{ return bb_pair(t, n, &bb_##impl); }					\
static int bb_call_##impl(struct bb_thread *t, uint64_t n)		\
{ return bb_call(t, n, &bb_##impl); }					\
static int bb_fail1pct_##impl(struct bb_thread *t, uint64_t n)		\
{ return bb_fail1pct(t, n, &bb_##impl); }				\
static int (*const bb_bodies_##impl[])(struct bb_thread *, uint64_t) = { \
	[BB_PAIR] = bb_pair_##impl, [BB_CALL] = bb_call_##impl,		\
	[BB_FAIL1PCT] = bb_fail1pct_##impl,				\
}

BB_BODIES(gosync_breaker);
BB_BODIES(mutex);
BB_BODIES(spinlock);
BB_BODIES(atomic_long);
BB_BODIES(percpu);

static int (*bb_body_of(const struct bb_impl *im, enum bb_mix mix))
	(struct bb_thread *, uint64_t)
{
	if (im == &bb_gosync_breaker)
		return bb_bodies_gosync_breaker[mix];
	if (im == &bb_mutex)
		return bb_bodies_mutex[mix];
	if (im == &bb_spinlock)
		return bb_bodies_spinlock[mix];
	if (im == &bb_atomic_long)
		return bb_bodies_atomic_long[mix];
	return bb_bodies_percpu[mix];
}

/* ---- setup, runs ---- */

static struct bb_state *bb_setup(const struct bb_case *c,
				 const struct bb_impl *im)
{
	struct bb_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	int ret;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->im = im;
	s->body = bb_body_of(im, c->mix);
	s->fn = bb_nop;
	ret = im->init(s);
	if (ret) {
		fprintf(stderr, "breaker_bench: %s init: %s\n", im->name,
			strerror(-ret));
		free(s);
		return NULL;
	}
	return s;
}

static struct bb_thread bb_threads[BENCH_MAX_THREADS];

static struct bench_thread *bb_bench_thread(struct bench_sync *sync,
					    unsigned int id)
{
	struct bb_thread *t = &bb_threads[id];

	memset(t, 0, sizeof(*t));
	t->s = container_of(sync, struct bb_state, sync);
	t->left = BB_FAIL_EVERY;
	return &t->bt;
}

static int bb_run(struct bench_thread *bt, uint64_t n)
{
	struct bb_thread *t = container_of(bt, struct bb_thread, bt);

	return t->s->body(t, n);
}

/* After a thread's last run: did its breaker stay CLOSED? */
static void bb_thread_exit(struct bench_thread *bt)
{
	struct bb_thread *t = container_of(bt, struct bb_thread, bt);

	if (!bt->err)
		bt->err = t->s->im->check(t->s);
}

static struct bench_sync *bb_bench_setup(unsigned int c, unsigned int m,
					 unsigned int threads)
{
	struct bb_state *s = bb_setup(&bb_cases[c], bb_impls[m]);

	return s ? &s->sync : NULL;
}

static void bb_bench_teardown(struct bench_sync *sync)
{
	struct bb_state *s = container_of(sync, struct bb_state, sync);

	s->im->destroy(s);
	free(s);
}

static const char *bb_case_name(unsigned int c)
{
	return bb_cases[c].name;
}

static const char *bb_impl_name(unsigned int m)
{
	return bb_impls[m]->name;
}

static const struct bench bb_bench = {
	.name = "breaker",
	.nr_cases = BB_NR_CASES,
	.nr_impls = BB_NR_IMPLS,
	.case_name = bb_case_name,
	.impl_name = bb_impl_name,
	.setup = bb_bench_setup,
	.teardown = bb_bench_teardown,
	.thread = bb_bench_thread,
	.run = bb_run,
	.thread_exit = bb_thread_exit,
	.note_ns = true,
	.warn_fails = true,
};

int main(int argc, char **argv)
{
	bb_real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
	if (!bb_real_clock_gettime) {
		fprintf(stderr, "breaker_bench: no clock_gettime: %s\n", dlerror());
		return 1;
	}
	return bench_main(&bb_bench, argc, argv);
}
