// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of gosync_wpool against queue_work() on an unbound workqueue
 * whose max_active is the pool's worker count (one worker per online
 * CPU, fixed: min = max). Two cases:
 *
 * wpool/throughput: one op is one trivial job submitted; each thread
 * keeps up to GWP_B_RING of its jobs in flight and reuses a job only once
 * it ran (waiting for it if not). The pool's queue holds GWP_B_CAPACITY:
 * its submit sleeps when full (backpressure); the workqueue queues
 * whatever comes, the ring is its only bound. A thread waits for its
 * last jobs before it returns; every job counts its runs, checked.
 *
 * wpool/latency: one op is one job submitted and waited for (a
 * completion), one at a time per thread: the round trip from submit to
 * the job running, a worker's wake-up included.
 */
#include <linux/completion.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include <gosync/wpool.h>

#include "bench.h"
#include "runner.h"

#define GWP_B_RING	256	/* jobs in flight per thread, at most */
#define GWP_B_CAPACITY	64	/* the pool's queue */

struct gwp_b_thread;

/* A job, runnable by either implementation. */
struct gwp_b_job {
	struct gosync_wpool_job pj;
	struct work_struct work;
	struct gwp_b_thread *t;
	bool busy;		/* submitted, not run yet */
};

struct gwp_b_thread {
	struct gwp_b_job job[GWP_B_RING];
	atomic_long_t ran;
	struct completion done;	/* the latency case's */
};

struct gwp_b {
	unsigned int threads;
	struct gosync_wpool pool;
	struct workqueue_struct *wq;
	struct gwp_b_thread *t;
};

static void gwp_b_ran(struct gwp_b_job *j)
{
	atomic_long_inc(&j->t->ran);
	/* Pairs with smp_load_acquire() in gwp_b_wait_free(). */
	smp_store_release(&j->busy, false);
	smp_mb();	/* the store before wake_up_var()'s waiter check */
	wake_up_var(&j->busy);
}

static void gwp_b_pool_fn(struct gosync_ctx *ctx, struct gosync_wpool_job *job)
{
	gwp_b_ran(container_of(job, struct gwp_b_job, pj));
}

static void gwp_b_work_fn(struct work_struct *work)
{
	gwp_b_ran(container_of(work, struct gwp_b_job, work));
}

static void gwp_b_pool_done_fn(struct gosync_ctx *ctx,
			       struct gosync_wpool_job *job)
{
	complete(&container_of(job, struct gwp_b_job, pj)->t->done);
}

static void gwp_b_work_done_fn(struct work_struct *work)
{
	complete(&container_of(work, struct gwp_b_job, work)->t->done);
}

static void gwp_b_teardown(void *data)
{
	struct gwp_b *b = data;

	gosync_wpool_destroy(&b->pool);
	if (b->wq)
		destroy_workqueue(b->wq);
	kvfree(b->t);
	kfree(b);
}

static int gwp_b_setup(void **data, unsigned int threads)
{
	struct gwp_b *b = kzalloc(sizeof(*b), GFP_KERNEL);
	unsigned int workers = num_online_cpus(), i, k;
	struct gosync_wpool_opts o = {
		.name = "bench", .min = workers, .max = workers,
		.capacity = GWP_B_CAPACITY,
	};
	int ret;

	if (!b)
		return -ENOMEM;
	b->threads = threads;
	b->t = kvcalloc(threads, sizeof(*b->t), GFP_KERNEL);
	if (!b->t) {
		kfree(b);
		return -ENOMEM;
	}
	for (i = 0; i < threads; i++) {
		init_completion(&b->t[i].done);
		for (k = 0; k < GWP_B_RING; k++)
			b->t[i].job[k].t = &b->t[i];
	}
	ret = gosync_wpool_init(&b->pool, NULL, &o);
	if (ret) {
		kvfree(b->t);
		kfree(b);
		return ret;
	}
	b->wq = alloc_workqueue("gosync-bwp", WQ_UNBOUND, workers);
	if (!b->wq) {
		gwp_b_teardown(b);
		return -ENOMEM;
	}
	*data = b;
	return 0;
}

/* Wait until job @j has run (its last submission). */
static void gwp_b_wait_free(struct gwp_b_job *j)
{
	/* Pairs with smp_store_release() in gwp_b_ran(). */
	wait_var_event(&j->busy, !smp_load_acquire(&j->busy));
}

/* Submit @j to the pool, or queue it on the workqueue. */
static int gwp_b_submit(struct gwp_b *b, struct gwp_b_job *j, bool pool)
{
	if (pool)
		return gosync_wpool_submit(&b->pool, &j->pj, NULL);
	return queue_work(b->wq, &j->work) ? 0 : -EBUSY;
}

static int gwp_b_throughput(struct gosync_run_thread *rt, bool pool)
{
	struct gwp_b *b = rt->run->data;
	struct gwp_b_thread *t = &b->t[rt->id];
	unsigned int i = 0, k;
	int ret = 0;

	for (k = 0; k < GWP_B_RING; k++) {
		gosync_wpool_job_init(&t->job[k].pj, gwp_b_pool_fn);
		INIT_WORK(&t->job[k].work, gwp_b_work_fn);
	}
	do {
		struct gwp_b_job *j = &t->job[i];

		i = (i + 1) % GWP_B_RING;
		gwp_b_wait_free(j);
		WRITE_ONCE(j->busy, true);
		ret = gwp_b_submit(b, j, pool);
		if (ret)
			return ret;
		rt->ops++;
	} while (gosync_run_continue(rt));
	for (k = 0; k < GWP_B_RING; k++)
		gwp_b_wait_free(&t->job[k]);
	return atomic_long_read(&t->ran) == rt->ops ? 0 : -EIO;
}

static int gwp_b_latency(struct gosync_run_thread *rt, bool pool)
{
	struct gwp_b *b = rt->run->data;
	struct gwp_b_thread *t = &b->t[rt->id];
	struct gwp_b_job *j = &t->job[0];
	int ret;

	gosync_wpool_job_init(&j->pj, gwp_b_pool_done_fn);
	INIT_WORK(&j->work, gwp_b_work_done_fn);
	do {
		reinit_completion(&t->done);
		ret = gwp_b_submit(b, j, pool);
		if (ret)
			return ret;
		wait_for_completion(&t->done);
		rt->ops++;
	} while (gosync_run_continue(rt));
	return 0;
}

static int gwp_b_tput_pool(struct gosync_run_thread *rt)
{
	return gwp_b_throughput(rt, true);
}

static int gwp_b_tput_wq(struct gosync_run_thread *rt)
{
	return gwp_b_throughput(rt, false);
}

static int gwp_b_lat_pool(struct gosync_run_thread *rt)
{
	return gwp_b_latency(rt, true);
}

static int gwp_b_lat_wq(struct gosync_run_thread *rt)
{
	return gwp_b_latency(rt, false);
}

#define GWP_BENCH(id, cs, im, fn)					\
static const struct gosync_bench_case gwp_bench_##id = {		\
	.primitive = "wpool", .name = cs, .impl = im,			\
	.setup = gwp_b_setup, .body = fn,				\
	.teardown = gwp_b_teardown,					\
}

GWP_BENCH(tput_pool, "throughput", "gosync_wpool", gwp_b_tput_pool);
GWP_BENCH(tput_wq, "throughput", "queue_work", gwp_b_tput_wq);
GWP_BENCH(lat_pool, "latency", "gosync_wpool", gwp_b_lat_pool);
GWP_BENCH(lat_wq, "latency", "queue_work", gwp_b_lat_wq);

GOSYNC_BENCH_SET(wpool, &gwp_bench_tput_pool, &gwp_bench_tput_wq,
		 &gwp_bench_lat_pool, &gwp_bench_lat_wq);
