// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_sem, one unit at a time: the unmodified
 * kmod/sem.c on the shim (kmod/test/bench/sem_bench.c is its in-VM twin):
 *	gosync_sem	gosync_sem_acquire(sem, 1, NULL) + gosync_sem_release()
 *	sem_t		POSIX sem_wait() + sem_post() (glibc: an atomic count,
 *			a futex when it is zero)
 *	mutex_counter	a count under a pthread mutex, a condition variable
 *			to wait on: what one writes without a semaphore
 * Cases (one op is one acquire of 1 and its release):
 *	pair		capacity = threads: no one ever waits
 *	contended	capacity 1: every thread contends; between acquire
 *			and release a plain increment of a shared counter,
 *			which the last thread out checks against the ops
 * A gosync_sem that must wait sleeps in the shim's schedule() (a pthread
 * condition variable per task) behind the shim's spinlock (spin, then
 * yield): its contended figure is the shim's, not a kernel's.
 */
/* The shim first: see breaker_bench.c. */
#include <linux/kernel.h>

#include <gosync/sem.h>

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_main.h"

enum sb_case { SB_PAIR, SB_CONTENDED, SB_NR_CASES };
enum sb_impl { SB_GOSYNC, SB_SEM_T, SB_MUTEX, SB_NR_IMPLS };

static const char *const sb_case_names[SB_NR_CASES] = {
	[SB_PAIR] = "pair",
	[SB_CONTENDED] = "contended",
};

static const char *const sb_impl_names[SB_NR_IMPLS] = {
	[SB_GOSYNC] = "gosync_sem",
	[SB_SEM_T] = "sem_t",
	[SB_MUTEX] = "mutex_counter",
};

struct sb_state {
	struct bench_sync sync;
	enum sb_impl impl;
	bool cs_on;
	struct gosync_sem sem ____cacheline_aligned;
	sem_t psem ____cacheline_aligned;
	pthread_mutex_t lock ____cacheline_aligned;	/* mutex_counter: guards count */
	pthread_cond_t cond;
	unsigned int count;
	uint64_t cs ____cacheline_aligned;	/* contended: the semaphore guards it */
	uint64_t ops;			/* __atomic: ops of the threads done */
	unsigned int alive;		/* __atomic: threads not done */
} __aligned(64);

struct sb_thread {
	struct bench_thread bt;
	struct sb_state *s;
} __aligned(64);

static struct sb_thread sb_threads[BENCH_MAX_THREADS];

static int sb_down(struct sb_state *s)
{
	switch (s->impl) {
	case SB_GOSYNC:
		return gosync_sem_acquire(&s->sem, 1, NULL);
	case SB_SEM_T:
		while (sem_wait(&s->psem))
			if (errno != EINTR)
				return -errno;
		return 0;
	default:
		pthread_mutex_lock(&s->lock);
		while (!s->count)
			pthread_cond_wait(&s->cond, &s->lock);
		s->count--;
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
}

static void sb_up(struct sb_state *s)
{
	switch (s->impl) {
	case SB_GOSYNC:
		gosync_sem_release(&s->sem, 1);
		break;
	case SB_SEM_T:
		sem_post(&s->psem);
		break;
	default:
		pthread_mutex_lock(&s->lock);
		s->count++;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
		break;
	}
}

static int sb_run(struct bench_thread *bt, uint64_t n)
{
	struct sb_thread *t = container_of(bt, struct sb_thread, bt);
	struct sb_state *s = t->s;
	uint64_t i;
	int ret;

	while (n && !bench_stopped(&s->sync)) {
		for (i = 0; i < BENCH_BATCH && i < n; i++) {
			ret = sb_down(s);
			if (ret)
				return ret;
			if (s->cs_on)
				s->cs++;
			sb_up(s);
		}
		t->bt.ops += i;
		n -= i;
	}
	return 0;
}

static struct bench_sync *sb_setup(unsigned int c, unsigned int m,
				   unsigned int threads)
{
	struct sb_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	unsigned int capacity = c == SB_PAIR ? threads : 1;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->impl = m;
	s->cs_on = c == SB_CONTENDED;
	if (gosync_sem_init(&s->sem, capacity) ||
	    sem_init(&s->psem, 0, capacity)) {
		fprintf(stderr, "sem_bench: init of capacity %u failed\n",
			capacity);
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->count = capacity;
	s->alive = threads;
	return &s->sync;
}

static void sb_teardown(struct bench_sync *sync)
{
	struct sb_state *s = container_of(sync, struct sb_state, sync);

	sem_destroy(&s->psem);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static struct bench_thread *sb_thread(struct bench_sync *sync, unsigned int id)
{
	struct sb_thread *t = &sb_threads[id];

	memset(t, 0, sizeof(*t));
	t->s = container_of(sync, struct sb_state, sync);
	return &t->bt;
}

/* The last thread out of a contended run: every op's increment is there. */
static void sb_thread_exit(struct bench_thread *bt)
{
	struct sb_thread *t = container_of(bt, struct sb_thread, bt);
	struct sb_state *s = t->s;
	uint64_t ops;

	if (!s->cs_on)
		return;
	/* Sequentially consistent: the last one out sees every increment. */
	__atomic_add_fetch(&s->ops, bt->ops, __ATOMIC_SEQ_CST);
	if (__atomic_sub_fetch(&s->alive, 1, __ATOMIC_SEQ_CST))
		return;
	ops = __atomic_load_n(&s->ops, __ATOMIC_RELAXED);
	if (s->cs == ops)
		return;
	fprintf(stderr, "sem_bench: %s: %llu increments for %llu ops\n",
		sb_impl_names[s->impl], (unsigned long long)s->cs,
		(unsigned long long)ops);
	bt->err = -EIO;
}

static const char *sb_case_name(unsigned int c)
{
	return sb_case_names[c];
}

static const char *sb_impl_name(unsigned int m)
{
	return sb_impl_names[m];
}

static const struct bench sb_bench = {
	.name = "sem",
	.nr_cases = SB_NR_CASES,
	.nr_impls = SB_NR_IMPLS,
	.case_name = sb_case_name,
	.impl_name = sb_impl_name,
	.setup = sb_setup,
	.teardown = sb_teardown,
	.thread = sb_thread,
	.run = sb_run,
	.thread_exit = sb_thread_exit,
	.note_ns = true,
	.warn_fails = true,
};

int main(int argc, char **argv)
{
	return bench_main(&sb_bench, argc, argv);
}
