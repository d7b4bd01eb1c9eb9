// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_once's done path, the call every user makes
 * after the first (kmod/test/bench/once_bench.c is its in-VM twin):
 *	gosync_once	gosync_once_do() on a once whose result is final
 *	pthread_once	glibc's pthread_once() after its first call (a load
 *			and a branch too, but no result)
 *	mutex_flag	a pthread mutex around a flag and a value, what a
 *			driver writes without a once
 *	plain_load	a relaxed load of a flag: the floor, what DO_ONCE()'s
 *			patched static key costs at most (it costs a nop)
 * Case "done"; one op is one call; every impl returns the same value.
 */
/* The shim first: see breaker_bench.c. */
#include <linux/kernel.h>

#include <gosync/once.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_main.h"

enum on_impl { ON_GOSYNC, ON_PTHREAD, ON_MUTEX, ON_PLAIN, ON_NR_IMPLS };

static const char *const on_impl_names[ON_NR_IMPLS] = {
	[ON_GOSYNC] = "gosync_once",
	[ON_PTHREAD] = "pthread_once",
	[ON_MUTEX] = "mutex_flag",
	[ON_PLAIN] = "plain_load",
};

struct on_state {
	struct bench_sync sync;
	enum on_impl impl;
	struct gosync_once once __aligned(64);
	pthread_mutex_t lock ____cacheline_aligned;
	int flag;
	int value;
} __aligned(64);

struct on_thread {
	struct bench_thread bt;
	struct on_state *s;
	uint64_t sum;
} __aligned(64);

static struct on_thread on_threads[BENCH_MAX_THREADS];
static pthread_once_t on_pthread_once = PTHREAD_ONCE_INIT;
static int on_pthread_value;

static int on_fn(void *arg)
{
	return 1;
}

static void on_pthread_fn(void)
{
	on_pthread_value = 1;
}

static int on_run(struct bench_thread *bt, uint64_t n)
{
	struct on_thread *t = container_of(bt, struct on_thread, bt);
	struct on_state *s = t->s;
	uint64_t i, sum = 0;

	while (n && !bench_stopped(&s->sync)) {
		for (i = 0; i < BENCH_BATCH && i < n; i++) {
			switch (s->impl) {
			case ON_GOSYNC:
				sum += gosync_once_do(&s->once, on_fn, NULL);
				break;
			case ON_PTHREAD:
				pthread_once(&on_pthread_once, on_pthread_fn);
				sum += on_pthread_value;
				break;
			case ON_MUTEX:
				pthread_mutex_lock(&s->lock);
				if (!s->flag)
					s->flag = 1;
				sum += s->value;
				pthread_mutex_unlock(&s->lock);
				break;
			default:
				sum += __atomic_load_n(&s->flag, __ATOMIC_RELAXED);
				break;
			}
		}
		t->bt.ops += i;
		n -= i;
	}
	t->sum += sum;
	return 0;
}

static struct bench_sync *on_setup(unsigned int c, unsigned int m,
				   unsigned int threads)
{
	struct on_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->impl = m;
	gosync_once_init(&s->once, 0);
	if (gosync_once_do(&s->once, on_fn, NULL) != 1) {
		fprintf(stderr, "once_bench: the first run failed\n");
		free(s);
		return NULL;
	}
	pthread_once(&on_pthread_once, on_pthread_fn);
	pthread_mutex_init(&s->lock, NULL);
	s->flag = 1;
	s->value = 1;
	return &s->sync;
}

static void on_teardown(struct bench_sync *sync)
{
	struct on_state *s = container_of(sync, struct on_state, sync);

	pthread_mutex_destroy(&s->lock);
	free(s);
}

static struct bench_thread *on_thread(struct bench_sync *sync, unsigned int id)
{
	struct on_thread *t = &on_threads[id];

	memset(t, 0, sizeof(*t));
	t->s = container_of(sync, struct on_state, sync);
	return &t->bt;
}

/* Every call returned 1: the sums are the op counts. */
static void on_thread_exit(struct bench_thread *bt)
{
	struct on_thread *t = container_of(bt, struct on_thread, bt);

	if (t->sum != bt->ops) {
		fprintf(stderr, "once_bench: %s: sum %llu for %llu calls\n",
			on_impl_names[t->s->impl], (unsigned long long)t->sum,
			(unsigned long long)bt->ops);
		bt->err = -EIO;
	}
}

static const char *on_case_name(unsigned int c)
{
	return "done";
}

static const char *on_impl_name(unsigned int m)
{
	return on_impl_names[m];
}

static const struct bench on_bench = {
	.name = "once",
	.nr_cases = 1,
	.nr_impls = ON_NR_IMPLS,
	.case_name = on_case_name,
	.impl_name = on_impl_name,
	.setup = on_setup,
	.teardown = on_teardown,
	.thread = on_thread,
	.run = on_run,
	.thread_exit = on_thread_exit,
	.note_ns = true,
	.warn_fails = true,
};

int main(int argc, char **argv)
{
	return bench_main(&on_bench, argc, argv);
}
