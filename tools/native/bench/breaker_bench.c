// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_breaker: the unmodified kmod/breaker.c, built
 * in userspace against the shim (tools/native/include) and used through
 * <gosync/breaker.h>, in its CLOSED, healthy state, against the seed's
 * breaker behind one lock and against two bare counters. Primitive
 * "breaker", env "native"; the cases are those of the in-kernel benchmark
 * (kmod/test/bench/breaker_bench.c), which describes them, and the implementations
 * are the same code (kmod/test/bench/breaker_bench_peers.h, which describes them);
 * here:
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
 * from clock_gettime(CLOCK_MONOTONIC_COARSE) (a vDSO read of a few ns),
 * so the timed figures of gosync_breaker carry a small clock read per op
 * that a kernel does not pay. In count mode (callgrind.sh) this program
 * freezes CLOCK_MONOTONIC and CLOCK_MONOTONIC_COARSE at the first reading
 * (clock_gettime is wrapped, see bench.mk): the instruction count is then
 * deterministic, and is that of the steady state in which every done()
 * finds its stamp current; the per-CPU renewal once per tick (one in tens
 * of thousands of calls at kernel rates) is left out. The wrapper itself is counted (a call, a
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

/* How a peer's check says what went wrong. */
#define bb_err(fmt, ...)	fprintf(stderr, "breaker_bench: " fmt, ##__VA_ARGS__)

#include "breaker_bench_peers.h"

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

struct bb_thread;

struct bb_state {
	const struct bb_ops *im;
	int (*body)(struct bb_thread *t, uint64_t n);
	int (*fn)(void *arg);		/* call: read at run time */
	struct bench_sync sync;
	struct bb_peers p;
} __aligned(64);

struct bb_thread {
	struct bench_thread bt;
	struct bb_state *s;
	unsigned int left;		/* fail1pct: calls to the next failure */
} __aligned(64);

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
	/* Both: the shim's jiffies and coarse clock read CLOCK_MONOTONIC_COARSE. */
	if (!bench_counting ||
	    (clk != CLOCK_MONOTONIC && clk != CLOCK_MONOTONIC_COARSE))
		return bb_real_clock_gettime(clk, ts);
	/* Count mode is one thread: no race on the first reading. */
	if (unlikely(!have)) {
		bb_real_clock_gettime(clk, &frozen);
		have = true;
	}
	*ts = frozen;
	return 0;
}

static const struct bb_ops *const bb_impls[] = {
	&bb_gosync_breaker_ops, &bb_mutex_ops, &bb_spinlock_ops,
	&bb_atomic_long_ops, &bb_percpu_ops,
};

#define BB_NR_IMPLS	ARRAY_SIZE(bb_impls)

/* ---- the bodies: each does @n ops (fewer if the run stops) ---- */

static int bb_rejected(const char *mix)
{
	bb_err("%s: a call was rejected\n", mix);
	return -EIO;
}

/* pair and fail1pct: allow and done inline, one failure in @fail_every. */
static __always_inline int bb_allow_done(struct bb_thread *t, uint64_t n,
					 const struct bb_ops *im,
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
		if (unlikely(im->allow(&s->p, &tk)))
			return bb_rejected(mix);
		im->done(&s->p, &tk, err);
	}
	t->left = left;
	t->bt.ops += n;
	return 0;
}

static __always_inline int bb_pair(struct bb_thread *t, uint64_t n,
				   const struct bb_ops *im)
{
	return bb_allow_done(t, n, im, 0, "pair");
}

static __always_inline int bb_fail1pct(struct bb_thread *t, uint64_t n,
				       const struct bb_ops *im)
{
	return bb_allow_done(t, n, im, BB_FAIL_EVERY, "fail1pct");
}

static __always_inline int bb_call(struct bb_thread *t, uint64_t n,
				   const struct bb_ops *im)
{
	struct bb_state *s = t->s;
	/* Hidden: every implementation calls it through a pointer. */
	int (*fn)(void *arg) = READ_ONCE(s->fn);
	uint64_t i;

	for (i = 0; i < n; i++)
		if (unlikely(im->call(&s->p, fn, NULL)))
			return bb_rejected("call");
	t->bt.ops += n;
	return 0;
}

#define BB_BODIES(impl)							\
static int bb_pair_##impl(struct bb_thread *t, uint64_t n)		\
{ return bb_pair(t, n, &bb_##impl##_ops); }				\
static int bb_call_##impl(struct bb_thread *t, uint64_t n)		\
{ return bb_call(t, n, &bb_##impl##_ops); }				\
static int bb_fail1pct_##impl(struct bb_thread *t, uint64_t n)		\
{ return bb_fail1pct(t, n, &bb_##impl##_ops); }				\
static int (*const bb_bodies_##impl[])(struct bb_thread *, uint64_t) = { \
	[BB_PAIR] = bb_pair_##impl, [BB_CALL] = bb_call_##impl,		\
	[BB_FAIL1PCT] = bb_fail1pct_##impl,				\
}

BB_BODIES(gosync_breaker);
BB_BODIES(mutex);
BB_BODIES(spinlock);
BB_BODIES(atomic_long);
BB_BODIES(percpu);

static int (*bb_body_of(const struct bb_ops *im, enum bb_mix mix))
	(struct bb_thread *, uint64_t)
{
	if (im == &bb_gosync_breaker_ops)
		return bb_bodies_gosync_breaker[mix];
	if (im == &bb_mutex_ops)
		return bb_bodies_mutex[mix];
	if (im == &bb_spinlock_ops)
		return bb_bodies_spinlock[mix];
	if (im == &bb_atomic_long_ops)
		return bb_bodies_atomic_long[mix];
	return bb_bodies_percpu[mix];
}

/* ---- setup, runs ---- */

static struct bb_state *bb_setup(const struct bb_case *c,
				 const struct bb_ops *im)
{
	struct bb_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	int ret;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->im = im;
	s->body = bb_body_of(im, c->mix);
	s->fn = bb_nop;
	ret = im->init(&s->p);
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
		bt->err = t->s->im->check(&t->s->p);
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

	s->im->destroy(&s->p);
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
