// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of gosync_pubsub's fan-out: cases "pubsub/fanout1", "fanout4"
 * and "fanout16", one operation is one event handed to 1, 4 or 16
 * consumers, each of which adds the event's value to its own counter.
 * gosync_pubsub: a publish to that many subscribers (DROP_OLDEST, depth
 * 64, so a publish never sleeps), then each subscriber's try_recv and
 * put, on the same thread (the messages are the thread's own, no release
 * callback, reused once every subscriber has put them). Peer: a blocking
 * notifier chain (blocking_notifier_call_chain(), its rwsem taken for
 * reading) of that many notifier blocks doing the same addition. Each
 * thread has its own topic or chain; the counters are checked after the
 * run.
 */
#include <linux/kernel.h>
#include <linux/notifier.h>
#include <linux/slab.h>

#include <gosync/pubsub.h>

#include "bench.h"
#include "runner.h"

#define GPS_B_SUBS_MAX	16
#define GPS_B_DEPTH	64

struct gps_b_msg {
	struct gosync_pubsub_msg m;
	unsigned long value;
};

struct gps_b_nb {
	struct notifier_block nb;
	unsigned long sum;
};

/* One thread's topic and chain, with their consumers. */
struct gps_b_thread {
	struct gosync_pubsub t;
	struct gosync_pubsub_sub sub[GPS_B_SUBS_MAX];
	unsigned long sum[GPS_B_SUBS_MAX];
	struct gps_b_msg msg;
	struct blocking_notifier_head chain;
	struct gps_b_nb nb[GPS_B_SUBS_MAX];
	unsigned int nr_subs;
};

struct gps_b {
	unsigned int threads;
	unsigned int fanout;
	struct gps_b_thread *t;
};

static void gps_b_teardown(void *data)
{
	struct gps_b *b = data;
	unsigned int i, j;

	for (i = 0; i < b->threads; i++) {
		struct gps_b_thread *t = &b->t[i];

		for (j = 0; j < t->nr_subs; j++) {
			gosync_pubsub_unsubscribe(&t->sub[j]);
			blocking_notifier_chain_unregister(&t->chain,
							   &t->nb[j].nb);
		}
		gosync_pubsub_close(&t->t);
	}
	kvfree(b->t);
	kfree(b);
}

static int gps_b_nb_fn(struct notifier_block *nb, unsigned long value,
		       void *data)
{
	struct gps_b_nb *n = container_of(nb, struct gps_b_nb, nb);

	n->sum += value;
	return NOTIFY_OK;
}

static int gps_b_setup(void **data, unsigned int threads, unsigned int fanout)
{
	struct gps_b *b = kzalloc(sizeof(*b), GFP_KERNEL);
	unsigned int i, j;
	int ret;

	if (!b)
		return -ENOMEM;
	b->threads = threads;
	b->fanout = fanout;
	b->t = kvcalloc(threads, sizeof(*b->t), GFP_KERNEL);
	if (!b->t) {
		kfree(b);
		return -ENOMEM;
	}
	for (i = 0; i < threads; i++) {
		struct gps_b_thread *t = &b->t[i];

		gosync_pubsub_init(&t->t, NULL, NULL);
		BLOCKING_INIT_NOTIFIER_HEAD(&t->chain);
		gosync_pubsub_msg_init(&t->msg.m);
		t->msg.value = 1;
		for (j = 0; j < fanout; j++) {
			ret = gosync_pubsub_subscribe(&t->t, &t->sub[j],
						      GPS_B_DEPTH,
						      GOSYNC_PUBSUB_DROP_OLDEST,
						      GFP_KERNEL);
			if (ret) {
				gps_b_teardown(b);
				return ret;
			}
			t->nb[j].nb.notifier_call = gps_b_nb_fn;
			blocking_notifier_chain_register(&t->chain,
							 &t->nb[j].nb);
			t->nr_subs++;
		}
	}
	*data = b;
	return 0;
}

/* Every consumer saw every event once. */
static int gps_b_check(const unsigned long *sum, size_t stride,
		       unsigned int n, u64 ops)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (*(const unsigned long *)((const char *)sum + i * stride) != ops)
			return -EIO;
	return 0;
}

static int gps_b_gosync_body(struct gosync_run_thread *rt)
{
	struct gps_b *b = rt->run->data;
	struct gps_b_thread *t = &b->t[rt->id];
	struct gosync_pubsub_msg *m;
	unsigned int j;
	int ret;

	do {
		ret = gosync_pubsub_publish(&t->t, &t->msg.m, NULL);
		if (ret != (int)b->fanout)
			return ret < 0 ? ret : -EIO;
		for (j = 0; j < b->fanout; j++) {
			if (gosync_pubsub_try_recv(&t->sub[j], &m))
				return -EIO;
			t->sum[j] += container_of(m, struct gps_b_msg, m)->value;
			gosync_pubsub_put(&t->t, m);
		}
		rt->ops++;
	} while (gosync_run_continue(rt));
	return gps_b_check(t->sum, sizeof(t->sum[0]), b->fanout, rt->ops);
}

static int gps_b_notifier_body(struct gosync_run_thread *rt)
{
	struct gps_b *b = rt->run->data;
	struct gps_b_thread *t = &b->t[rt->id];

	do {
		blocking_notifier_call_chain(&t->chain, 1, NULL);
		rt->ops++;
	} while (gosync_run_continue(rt));
	return gps_b_check(&t->nb[0].sum, sizeof(t->nb[0]), b->fanout,
			   rt->ops);
}

#define GPS_BENCH(n)							\
static int gps_b_setup_##n(void **data, unsigned int threads)		\
{									\
	return gps_b_setup(data, threads, n);				\
}									\
static const struct gosync_bench_case gps_bench_gosync_##n = {		\
	.primitive = "pubsub", .name = "fanout" #n,			\
	.impl = "gosync_pubsub", .setup = gps_b_setup_##n,		\
	.body = gps_b_gosync_body, .teardown = gps_b_teardown,		\
};									\
static const struct gosync_bench_case gps_bench_notifier_##n = {	\
	.primitive = "pubsub", .name = "fanout" #n,			\
	.impl = "blocking_notifier", .setup = gps_b_setup_##n,		\
	.body = gps_b_notifier_body, .teardown = gps_b_teardown,	\
}

GPS_BENCH(1);
GPS_BENCH(4);
GPS_BENCH(16);

GOSYNC_BENCH_SET(pubsub, &gps_bench_gosync_1, &gps_bench_notifier_1,
		 &gps_bench_gosync_4, &gps_bench_notifier_4,
		 &gps_bench_gosync_16, &gps_bench_notifier_16);
