// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_wpool: the unmodified kmod/wpool.c on the
 * shim (kmod/test/bench/wpool_bench.c is its in-VM twin, against
 * queue_work()), against what one writes without it:
 *	gosync_wpool	WB_WORKERS fixed workers (shim kthreads), a queue of
 *			WB_CAPACITY, gosync_wpool_submit()
 *	pthread_pool	WB_WORKERS pthreads on a ring of WB_CAPACITY job
 *			pointers under one mutex, a condition variable for
 *			"not empty" and one for "not full"
 * Cases:
 *	throughput	one op is one trivial job submitted; each thread keeps
 *			up to WB_RING of its jobs in flight, reusing a job
 *			once it ran (yielding until then); the full queue
 *			blocks the submit; a thread waits for its last jobs;
 *			every job counts its runs, checked
 *	latency		one op is one job submitted and waited for (the
 *			thread yields until the job has run): the round trip
 * The shim's sleeps are a condition variable per task behind its
 * spinlock: the gosync figures are the shim's wake-ups, not a kernel's.
 *
 * Count mode (callgrind), throughput: every worker is held busy by a
 * blocker job while the ops are counted, the queue holds them all and
 * each op has a job of its own, so that the count is the submit path
 * alone, the same every run; the blockers are released after it.
 */
/* The shim first: see breaker_bench.c. */
#include <linux/kernel.h>

#include <gosync/wpool.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_main.h"

#define WB_WORKERS	2
#define WB_CAPACITY	64
#define WB_RING		256

enum wb_case { WB_THROUGHPUT, WB_LATENCY, WB_NR_CASES };
enum wb_impl { WB_GOSYNC, WB_PTHREAD, WB_NR_IMPLS };

static const char *const wb_case_names[WB_NR_CASES] = {
	[WB_THROUGHPUT] = "throughput",
	[WB_LATENCY] = "latency",
};

static const char *const wb_impl_names[WB_NR_IMPLS] = {
	[WB_GOSYNC] = "gosync_wpool",
	[WB_PTHREAD] = "pthread_pool",
};

struct wb_thread;

/* A job, runnable by either pool. */
struct wb_job {
	struct gosync_wpool_job pj;
	struct wb_thread *t;
	int busy;		/* __atomic: submitted, not run yet */
};

/* The peer: a bounded ring under a mutex, two condition variables. */
struct wb_ppool {
	pthread_mutex_t lock;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	struct wb_job **ring;
	unsigned int capacity, head, count;
	bool stop;
	pthread_t worker[WB_WORKERS];
};

struct wb_state {
	struct bench_sync sync;
	enum wb_case c;
	enum wb_impl impl;
	struct gosync_wpool pool;
	struct wb_ppool pp;
} __aligned(64);

struct wb_thread {
	struct bench_thread bt;
	struct wb_state *s;
	struct wb_job job[WB_RING];
	struct wb_job *many;	/* count mode: one job per op */
	uint64_t ran;		/* __atomic */
} __aligned(64);

static struct wb_thread wb_threads[BENCH_MAX_THREADS];

/* Count mode: the run, and the blockers that hold its workers. */
static struct wb_state *wb_counted;
static struct wb_thread wb_blocker;
static int wb_blocked;		/* __atomic: blockers running */
static int wb_release;		/* __atomic: blockers may return */

static void wb_ran(struct wb_job *j)
{
	__atomic_add_fetch(&j->t->ran, 1, __ATOMIC_RELAXED);
	/* Release: pairs with wb_wait_free()'s acquire. */
	__atomic_store_n(&j->busy, 0, __ATOMIC_RELEASE);
}

static void wb_job_fn(struct wb_job *j)
{
	if (j->t == &wb_blocker) {
		__atomic_add_fetch(&wb_blocked, 1, __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&wb_release, __ATOMIC_ACQUIRE))
			sched_yield();
	}
	wb_ran(j);
}

static void wb_pool_fn(struct gosync_ctx *ctx, struct gosync_wpool_job *job)
{
	wb_job_fn(container_of(job, struct wb_job, pj));
}

static void *wb_pp_worker(void *arg)
{
	struct wb_ppool *pp = arg;
	struct wb_job *j;

	for (;;) {
		pthread_mutex_lock(&pp->lock);
		while (!pp->count && !pp->stop)
			pthread_cond_wait(&pp->not_empty, &pp->lock);
		if (!pp->count) {
			pthread_mutex_unlock(&pp->lock);
			return NULL;
		}
		j = pp->ring[pp->head];
		pp->head = (pp->head + 1) % pp->capacity;
		pp->count--;
		pthread_cond_signal(&pp->not_full);
		pthread_mutex_unlock(&pp->lock);
		wb_job_fn(j);
	}
}

static void wb_pp_submit(struct wb_ppool *pp, struct wb_job *j)
{
	pthread_mutex_lock(&pp->lock);
	while (pp->count == pp->capacity)
		pthread_cond_wait(&pp->not_full, &pp->lock);
	pp->ring[(pp->head + pp->count) % pp->capacity] = j;
	pp->count++;
	pthread_cond_signal(&pp->not_empty);
	pthread_mutex_unlock(&pp->lock);
}

static int wb_submit(struct wb_state *s, struct wb_job *j)
{
	__atomic_store_n(&j->busy, 1, __ATOMIC_RELAXED);
	if (s->impl == WB_GOSYNC)
		return gosync_wpool_submit(&s->pool, &j->pj, NULL);
	wb_pp_submit(&s->pp, j);
	return 0;
}

/* Yield until @j has run. */
static void wb_wait_free(struct wb_job *j)
{
	/* Acquire: pairs with wb_ran()'s release. */
	while (__atomic_load_n(&j->busy, __ATOMIC_ACQUIRE))
		sched_yield();
}

static int wb_run(struct bench_thread *bt, uint64_t n)
{
	struct wb_thread *t = container_of(bt, struct wb_thread, bt);
	struct wb_state *s = t->s;
	uint64_t i;
	int ret;

	if (s == wb_counted && s->c == WB_THROUGHPUT) {
		t->many = calloc(n, sizeof(*t->many));
		if (!t->many)
			return -ENOMEM;
	}
	while (n && !bench_stopped(&s->sync)) {
		for (i = 0; i < BENCH_BATCH && i < n; i++) {
			struct wb_job *j = &t->job[s->c == WB_LATENCY ? 0 :
						    t->bt.ops % WB_RING];

			if (t->many) {
				j = &t->many[t->bt.ops];
				gosync_wpool_job_init(&j->pj, wb_pool_fn);
				j->t = t;
			}
			wb_wait_free(j);
			ret = wb_submit(s, j);
			if (ret)
				return ret;
			if (s->c == WB_LATENCY)
				wb_wait_free(j);
			t->bt.ops++;
		}
		n -= i;
	}
	return 0;
}

static struct bench_sync *wb_setup(unsigned int c, unsigned int m,
				   unsigned int threads)
{
	struct wb_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	unsigned int cap = bench_counting ? GOSYNC_WPOOL_MAX_CAPACITY :
					    WB_CAPACITY;
	struct gosync_wpool_opts o = {
		.name = "bench", .min = WB_WORKERS, .max = WB_WORKERS,
		.capacity = cap,
	};
	unsigned int i;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->impl = m;
	if (bench_counting)
		wb_counted = s;
	if (m == WB_GOSYNC) {
		if (gosync_wpool_init(&s->pool, NULL, &o)) {
			fprintf(stderr, "wpool_bench: gosync_wpool_init failed\n");
			free(s);
			return NULL;
		}
		return &s->sync;
	}
	s->pp.capacity = cap;
	s->pp.ring = calloc(cap, sizeof(*s->pp.ring));
	if (!s->pp.ring) {
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->pp.lock, NULL);
	pthread_cond_init(&s->pp.not_empty, NULL);
	pthread_cond_init(&s->pp.not_full, NULL);
	for (i = 0; i < WB_WORKERS; i++)
		pthread_create(&s->pp.worker[i], NULL, wb_pp_worker, &s->pp);
	return &s->sync;
}

static void wb_teardown(struct bench_sync *sync)
{
	struct wb_state *s = container_of(sync, struct wb_state, sync);
	unsigned int i;

	if (s->impl == WB_GOSYNC) {
		gosync_wpool_destroy(&s->pool);
	} else {
		pthread_mutex_lock(&s->pp.lock);
		s->pp.stop = true;
		pthread_cond_broadcast(&s->pp.not_empty);
		pthread_mutex_unlock(&s->pp.lock);
		for (i = 0; i < WB_WORKERS; i++)
			pthread_join(s->pp.worker[i], NULL);
		pthread_cond_destroy(&s->pp.not_full);
		pthread_cond_destroy(&s->pp.not_empty);
		pthread_mutex_destroy(&s->pp.lock);
		free(s->pp.ring);
	}
	if (s == wb_counted)
		wb_counted = NULL;
	free(s);
}

static struct bench_thread *wb_thread(struct bench_sync *sync, unsigned int id)
{
	struct wb_thread *t = &wb_threads[id];
	unsigned int k;

	memset(t, 0, sizeof(*t));
	t->s = container_of(sync, struct wb_state, sync);
	for (k = 0; k < WB_RING; k++) {
		gosync_wpool_job_init(&t->job[k].pj, wb_pool_fn);
		t->job[k].t = t;
	}
	return &t->bt;
}

/*
 * Count mode, throughput: hold every worker with a blocker job before
 * the counted ops (@hold), let them go after.
 */
static void wb_count_hold(bool hold)
{
	struct wb_state *s = wb_counted;
	unsigned int k;

	if (!s || s->c != WB_THROUGHPUT)
		return;
	if (!hold) {
		__atomic_store_n(&wb_release, 1, __ATOMIC_RELEASE);
		for (k = 0; k < WB_WORKERS; k++)
			wb_wait_free(&wb_blocker.job[k]);
		return;
	}
	memset(&wb_blocker, 0, sizeof(wb_blocker));
	wb_blocked = 0;
	wb_release = 0;
	for (k = 0; k < WB_WORKERS; k++) {
		gosync_wpool_job_init(&wb_blocker.job[k].pj, wb_pool_fn);
		wb_blocker.job[k].t = &wb_blocker;
		wb_submit(s, &wb_blocker.job[k]);
	}
	while (__atomic_load_n(&wb_blocked, __ATOMIC_SEQ_CST) < WB_WORKERS)
		sched_yield();
}

/* A thread's last jobs have run, and every one ran once. */
static void wb_thread_exit(struct bench_thread *bt)
{
	struct wb_thread *t = container_of(bt, struct wb_thread, bt);
	uint64_t k;
	uint64_t ran;

	for (k = 0; k < WB_RING; k++)
		wb_wait_free(&t->job[k]);
	for (k = 0; t->many && k < bt->ops; k++)
		wb_wait_free(&t->many[k]);
	free(t->many);
	t->many = NULL;
	ran = __atomic_load_n(&t->ran, __ATOMIC_RELAXED);
	if (ran == bt->ops)
		return;
	fprintf(stderr, "wpool_bench: %s: %llu runs for %llu jobs\n",
		wb_impl_names[t->s->impl], (unsigned long long)ran,
		(unsigned long long)bt->ops);
	bt->err = -EIO;
}

static const char *wb_case_name(unsigned int c)
{
	return wb_case_names[c];
}

static const char *wb_impl_name(unsigned int m)
{
	return wb_impl_names[m];
}

static const struct bench wb_bench = {
	.name = "wpool",
	.nr_cases = WB_NR_CASES,
	.nr_impls = WB_NR_IMPLS,
	.case_name = wb_case_name,
	.impl_name = wb_impl_name,
	.setup = wb_setup,
	.teardown = wb_teardown,
	.thread = wb_thread,
	.run = wb_run,
	.thread_exit = wb_thread_exit,
	.count_hold = wb_count_hold,
	.note_ns = true,
	.warn_fails = true,
	.oversubscribe = true,
};

int main(int argc, char **argv)
{
	return bench_main(&wb_bench, argc, argv);
}
