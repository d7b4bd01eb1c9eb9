// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of gosync_group's spawn and wait: case "group/spawn", one
 * operation is one short job of a batch of GGRP_B_JOBS spawned and then
 * waited for, per thread. Peers: the kernel's async functions
 * (async_schedule_domain() into a domain of the thread's own, then
 * async_synchronize_full_domain(): the whole kernel's async work is not
 * waited for), and queue_work() on an unbound workqueue of the thread's
 * own, then flush_workqueue(). The group has no limit and runs on
 * system_unbound_wq, as the async functions do; every job adds one to
 * its slot, checked after each batch.
 */
#include <linux/async.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <gosync/ctx.h>
#include <gosync/group.h>

#include "bench.h"
#include "runner.h"

#define GGRP_B_JOBS	64

struct ggrp_b_job {
	struct work_struct work;
	unsigned long *slot;
};

/* One thread's: its jobs' slots, its domain and its workqueue. */
struct ggrp_b_thread {
	unsigned long slot[GGRP_B_JOBS];
	struct ggrp_b_job job[GGRP_B_JOBS];
	struct async_domain domain;
	struct workqueue_struct *wq;
};

struct ggrp_b {
	unsigned int threads;
	struct ggrp_b_thread *t;
};

static void ggrp_b_teardown(void *data)
{
	struct ggrp_b *b = data;
	unsigned int i;

	for (i = 0; i < b->threads; i++)
		if (b->t[i].wq)
			destroy_workqueue(b->t[i].wq);
	kvfree(b->t);
	kfree(b);
}

static int ggrp_b_setup(void **data, unsigned int threads)
{
	struct ggrp_b *b = kzalloc(sizeof(*b), GFP_KERNEL);
	unsigned int i;

	if (!b)
		return -ENOMEM;
	b->threads = threads;
	b->t = kvcalloc(threads, sizeof(*b->t), GFP_KERNEL);
	if (!b->t) {
		kfree(b);
		return -ENOMEM;
	}
	for (i = 0; i < threads; i++) {
		struct ggrp_b_thread *t = &b->t[i];

		/* ASYNC_DOMAIN_EXCLUSIVE(), at run time. */
		INIT_LIST_HEAD(&t->domain.pending);
		t->domain.registered = 0;
		t->wq = alloc_workqueue("gosync-bgrp%u", WQ_UNBOUND, 0, i);
		if (!t->wq) {
			ggrp_b_teardown(b);
			return -ENOMEM;
		}
	}
	*data = b;
	return 0;
}

/* Every slot was added to once per batch. */
static int ggrp_b_check(struct ggrp_b_thread *t, u64 batches)
{
	unsigned int i;

	for (i = 0; i < GGRP_B_JOBS; i++)
		if (t->slot[i] != batches)
			return -EIO;
	return 0;
}

static int ggrp_b_group_fn(struct gosync_ctx *ctx, void *arg)
{
	unsigned long *slot = arg;

	WRITE_ONCE(*slot, *slot + 1);
	return 0;
}

static int ggrp_b_gosync_body(struct gosync_run_thread *rt)
{
	struct ggrp_b *b = rt->run->data;
	struct ggrp_b_thread *t = &b->t[rt->id];
	struct gosync_group g;
	u64 batches = 0;
	unsigned int i;
	int ret = 0;

	do {
		gosync_group_init(&g, NULL, NULL);
		for (i = 0; i < GGRP_B_JOBS; i++) {
			ret = gosync_group_go(&g, ggrp_b_group_fn, &t->slot[i]);
			if (ret)
				break;
		}
		gosync_group_wait(&g);
		gosync_group_destroy(&g);
		if (ret)
			return ret;
		batches++;
		rt->ops += GGRP_B_JOBS;
	} while (gosync_run_continue(rt));
	return ggrp_b_check(t, batches);
}

static void ggrp_b_async_fn(void *data, async_cookie_t cookie)
{
	unsigned long *slot = data;

	WRITE_ONCE(*slot, *slot + 1);
}

static int ggrp_b_async_body(struct gosync_run_thread *rt)
{
	struct ggrp_b *b = rt->run->data;
	struct ggrp_b_thread *t = &b->t[rt->id];
	u64 batches = 0;
	unsigned int i;

	do {
		for (i = 0; i < GGRP_B_JOBS; i++)
			async_schedule_domain(ggrp_b_async_fn, &t->slot[i],
					      &t->domain);
		async_synchronize_full_domain(&t->domain);
		batches++;
		rt->ops += GGRP_B_JOBS;
	} while (gosync_run_continue(rt));
	return ggrp_b_check(t, batches);
}

static void ggrp_b_work_fn(struct work_struct *work)
{
	struct ggrp_b_job *j = container_of(work, struct ggrp_b_job, work);

	WRITE_ONCE(*j->slot, *j->slot + 1);
}

static int ggrp_b_wq_body(struct gosync_run_thread *rt)
{
	struct ggrp_b *b = rt->run->data;
	struct ggrp_b_thread *t = &b->t[rt->id];
	u64 batches = 0;
	unsigned int i;

	for (i = 0; i < GGRP_B_JOBS; i++) {
		INIT_WORK(&t->job[i].work, ggrp_b_work_fn);
		t->job[i].slot = &t->slot[i];
	}
	do {
		for (i = 0; i < GGRP_B_JOBS; i++)
			queue_work(t->wq, &t->job[i].work);
		flush_workqueue(t->wq);
		batches++;
		rt->ops += GGRP_B_JOBS;
	} while (gosync_run_continue(rt));
	return ggrp_b_check(t, batches);
}

#define GGRP_BENCH(id, im, fn)						\
static const struct gosync_bench_case ggrp_bench_##id = {		\
	.primitive = "group", .name = "spawn", .impl = im,		\
	.setup = ggrp_b_setup, .body = fn,				\
	.teardown = ggrp_b_teardown,					\
}

GGRP_BENCH(gosync, "gosync_group", ggrp_b_gosync_body);
GGRP_BENCH(async, "async_domain", ggrp_b_async_body);
GGRP_BENCH(wq, "queue_flush", ggrp_b_wq_body);

GOSYNC_BENCH_SET(group, &ggrp_bench_gosync, &ggrp_bench_async,
		 &ggrp_bench_wq);
