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
#define gb_b_err(fmt, ...)	fprintf(stderr, "breaker_bench: " fmt, ##__VA_ARGS__)

#include "breaker_bench_peers.h"

enum gb_b_mix { GB_B_PAIR, GB_B_CALL, GB_B_FAIL1PCT };

struct gb_b_case {
	const char *name;
	enum gb_b_mix mix;
};

static const struct gb_b_case gb_b_cases[] = {
	{ "pair",	GB_B_PAIR },
	{ "call",	GB_B_CALL },
	{ "fail1pct",	GB_B_FAIL1PCT },
};

#define GB_B_NR_CASES	ARRAY_SIZE(gb_b_cases)

struct gb_b_thread;

struct gb_b_state {
	const struct gb_b_ops *im;
	int (*body)(struct gb_b_thread *t, uint64_t n);
	int (*fn)(void *arg);		/* call: read at run time */
	struct bench_sync sync;
	struct gb_b_peers p;
} __aligned(64);

struct gb_b_thread {
	struct bench_thread bt;
	struct gb_b_state *s;
	unsigned int left;		/* fail1pct: calls to the next failure */
} __aligned(64);

/* ---- count mode's frozen clock (bench.mk links with --wrap) ---- */

/*
 * clock_gettime() itself, for the timed mode: the C library's, found past
 * this program's wrapper.
 */
static int (*gb_b_real_clock_gettime)(clockid_t clk, struct timespec *ts);

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	static struct timespec frozen;
	static bool have;

	/* Set in main(); a constructor of a library may come first. */
	if (unlikely(!gb_b_real_clock_gettime))
		gb_b_real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
	/* Both: the shim's jiffies and coarse clock read CLOCK_MONOTONIC_COARSE. */
	if (!bench_counting ||
	    (clk != CLOCK_MONOTONIC && clk != CLOCK_MONOTONIC_COARSE))
		return gb_b_real_clock_gettime(clk, ts);
	/* Count mode is one thread: no race on the first reading. */
	if (unlikely(!have)) {
		gb_b_real_clock_gettime(clk, &frozen);
		have = true;
	}
	*ts = frozen;
	return 0;
}

static const struct gb_b_ops *const gb_b_impls[] = {
	&gb_b_gosync_breaker_ops, &gb_b_mutex_ops, &gb_b_spinlock_ops,
	&gb_b_atomic_long_ops, &gb_b_percpu_ops,
};

#define GB_B_NR_IMPLS	ARRAY_SIZE(gb_b_impls)

/* ---- the bodies: each does @n ops (fewer if the run stops) ---- */

static int gb_b_rejected(const char *mix)
{
	gb_b_err("%s: a call was rejected\n", mix);
	return -EIO;
}

/* pair and fail1pct: allow and done inline, one failure in @fail_every. */
static __always_inline int gb_b_allow_done(struct gb_b_thread *t, uint64_t n,
					   const struct gb_b_ops *im,
					 unsigned int fail_every,
					 const char *mix)
{
	struct gb_b_state *s = t->s;
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
			return gb_b_rejected(mix);
		im->done(&s->p, &tk, err);
	}
	t->left = left;
	t->bt.ops += n;
	return 0;
}

static __always_inline int gb_b_pair(struct gb_b_thread *t, uint64_t n,
				     const struct gb_b_ops *im)
{
	return gb_b_allow_done(t, n, im, 0, "pair");
}

static __always_inline int gb_b_fail1pct(struct gb_b_thread *t, uint64_t n,
					 const struct gb_b_ops *im)
{
	return gb_b_allow_done(t, n, im, GB_B_FAIL_EVERY, "fail1pct");
}

static __always_inline int gb_b_call(struct gb_b_thread *t, uint64_t n,
				     const struct gb_b_ops *im)
{
	struct gb_b_state *s = t->s;
	/* Hidden: every implementation calls it through a pointer. */
	int (*fn)(void *arg) = READ_ONCE(s->fn);
	uint64_t i;

	for (i = 0; i < n; i++)
		if (unlikely(im->call(&s->p, fn, NULL)))
			return gb_b_rejected("call");
	t->bt.ops += n;
	return 0;
}

#define GB_B_BODIES(impl)							\
static int gb_b_pair_##impl(struct gb_b_thread *t, uint64_t n)		\
{ return gb_b_pair(t, n, &gb_b_##impl##_ops); }				\
static int gb_b_call_##impl(struct gb_b_thread *t, uint64_t n)		\
{ return gb_b_call(t, n, &gb_b_##impl##_ops); }				\
static int gb_b_fail1pct_##impl(struct gb_b_thread *t, uint64_t n)		\
{ return gb_b_fail1pct(t, n, &gb_b_##impl##_ops); }				\
static int (*const gb_b_bodies_##impl[])(struct gb_b_thread *, uint64_t) = { \
	[GB_B_PAIR] = gb_b_pair_##impl, [GB_B_CALL] = gb_b_call_##impl,		\
	[GB_B_FAIL1PCT] = gb_b_fail1pct_##impl,				\
}

GB_B_BODIES(gosync_breaker);
GB_B_BODIES(mutex);
GB_B_BODIES(spinlock);
GB_B_BODIES(atomic_long);
GB_B_BODIES(percpu);

static int (*gb_b_body_of(const struct gb_b_ops *im, enum gb_b_mix mix))
	(struct gb_b_thread *, uint64_t)
{
	if (im == &gb_b_gosync_breaker_ops)
		return gb_b_bodies_gosync_breaker[mix];
	if (im == &gb_b_mutex_ops)
		return gb_b_bodies_mutex[mix];
	if (im == &gb_b_spinlock_ops)
		return gb_b_bodies_spinlock[mix];
	if (im == &gb_b_atomic_long_ops)
		return gb_b_bodies_atomic_long[mix];
	return gb_b_bodies_percpu[mix];
}

/* ---- setup, runs ---- */

static struct gb_b_state *gb_b_setup(const struct gb_b_case *c,
				     const struct gb_b_ops *im)
{
	struct gb_b_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	int ret;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->im = im;
	s->body = gb_b_body_of(im, c->mix);
	s->fn = gb_b_nop;
	ret = im->init(&s->p);
	if (ret) {
		fprintf(stderr, "breaker_bench: %s init: %s\n", im->name,
			strerror(-ret));
		free(s);
		return NULL;
	}
	return s;
}

static struct gb_b_thread gb_b_threads[BENCH_MAX_THREADS];

static struct bench_thread *gb_b_bench_thread(struct bench_sync *sync,
					      unsigned int id)
{
	struct gb_b_thread *t = &gb_b_threads[id];

	memset(t, 0, sizeof(*t));
	t->s = container_of(sync, struct gb_b_state, sync);
	t->left = GB_B_FAIL_EVERY;
	return &t->bt;
}

static int gb_b_run(struct bench_thread *bt, uint64_t n)
{
	struct gb_b_thread *t = container_of(bt, struct gb_b_thread, bt);

	return t->s->body(t, n);
}

/* After a thread's last run: did its breaker stay CLOSED? */
static void gb_b_thread_exit(struct bench_thread *bt)
{
	struct gb_b_thread *t = container_of(bt, struct gb_b_thread, bt);

	if (!bt->err)
		bt->err = t->s->im->check(&t->s->p);
}

static struct bench_sync *gb_b_bench_setup(unsigned int c, unsigned int m,
					   unsigned int threads)
{
	struct gb_b_state *s = gb_b_setup(&gb_b_cases[c], gb_b_impls[m]);

	return s ? &s->sync : NULL;
}

static void gb_b_bench_teardown(struct bench_sync *sync)
{
	struct gb_b_state *s = container_of(sync, struct gb_b_state, sync);

	s->im->destroy(&s->p);
	free(s);
}

static const char *gb_b_case_name(unsigned int c)
{
	return gb_b_cases[c].name;
}

static const char *gb_b_impl_name(unsigned int m)
{
	return gb_b_impls[m]->name;
}

static const struct bench gb_b_bench = {
	.name = "breaker",
	.nr_cases = GB_B_NR_CASES,
	.nr_impls = GB_B_NR_IMPLS,
	.case_name = gb_b_case_name,
	.impl_name = gb_b_impl_name,
	.setup = gb_b_bench_setup,
	.teardown = gb_b_bench_teardown,
	.thread = gb_b_bench_thread,
	.run = gb_b_run,
	.thread_exit = gb_b_thread_exit,
	.note_ns = true,
	.warn_fails = true,
};

int main(int argc, char **argv)
{
	gb_b_real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
	if (!gb_b_real_clock_gettime) {
		fprintf(stderr, "breaker_bench: no clock_gettime: %s\n", dlerror());
		return 1;
	}
	return bench_main(&gb_b_bench, argc, argv);
}
