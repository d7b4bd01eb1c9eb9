// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of gosync_once's done path, the call every user makes after
 * the first: against DO_ONCE() (a static key per call site, patched after
 * the first call) and a mutex around a flag (what a driver writes without
 * a once). Case "once/done"; every impl returns the same value.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/once.h>
#include <linux/slab.h>

#include <gosync/once.h>

#include "bench.h"
#include "runner.h"

/* What the done path of each peer finds: the result is there already. */
struct gonce_bench {
	struct gosync_once once;
	struct mutex lock;	/* mutex_flag: guards flag and value */
	bool flag;
	int value;
};

static int gonce_bench_fn(void *arg)
{
	return 1;
}

static int gonce_bench_setup(void **data, unsigned int threads)
{
	struct gonce_bench *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return -ENOMEM;
	gosync_once_init(&b->once, 0);
	mutex_init(&b->lock);
	gosync_once_do(&b->once, gonce_bench_fn, NULL);
	b->flag = true;
	b->value = 1;
	*data = b;
	return 0;
}

static void gonce_bench_teardown(void *data)
{
	kfree(data);
}

#define GONCE_BATCH	256

static int gonce_gosync_body(struct gosync_run_thread *t)
{
	struct gonce_bench *b = t->run->data;
	unsigned int i;
	u64 sum = 0;

	do {
		for (i = 0; i < GONCE_BATCH; i++)
			sum += gosync_once_do(&b->once, gonce_bench_fn, NULL);
		t->ops += GONCE_BATCH;
	} while (gosync_run_continue(t));
	return sum == t->ops ? 0 : -EIO;
}

static void gonce_do_once_fn(int *v)
{
	*v = 1;
}

/* DO_ONCE(): a static key per call site, patched after the first call. */
static int gonce_do_once_body(struct gosync_run_thread *t)
{
	struct gonce_bench *b = t->run->data;
	unsigned int i;

	do {
		for (i = 0; i < GONCE_BATCH; i++)
			DO_ONCE(gonce_do_once_fn, &b->value);
		t->ops += GONCE_BATCH;
	} while (gosync_run_continue(t));
	return 0;
}

/* What a driver writes without a once: a mutex around a flag. */
static int gonce_mutex_body(struct gosync_run_thread *t)
{
	struct gonce_bench *b = t->run->data;
	unsigned int i;
	u64 sum = 0;

	do {
		for (i = 0; i < GONCE_BATCH; i++) {
			mutex_lock(&b->lock);
			if (!b->flag)
				b->flag = true;
			sum += b->value;
			mutex_unlock(&b->lock);
		}
		t->ops += GONCE_BATCH;
	} while (gosync_run_continue(t));
	return sum == t->ops ? 0 : -EIO;
}

#define GONCE_BENCH(id, im, fn)						\
static const struct gosync_bench_case gonce_bench_##id = {		\
	.primitive = "once", .name = "done", .impl = im,		\
	.setup = gonce_bench_setup, .body = fn,				\
	.teardown = gonce_bench_teardown,				\
}

GONCE_BENCH(gosync, "gosync_once", gonce_gosync_body);
GONCE_BENCH(do_once, "DO_ONCE", gonce_do_once_body);
GONCE_BENCH(mutex, "mutex_flag", gonce_mutex_body);

GOSYNC_BENCH_SET(once, &gonce_bench_gosync, &gonce_bench_do_once,
		 &gonce_bench_mutex);

