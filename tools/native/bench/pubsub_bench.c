// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_pubsub's fan-out: the unmodified
 * kmod/pubsub.c on the shim (kmod/test/bench/pubsub_bench.c is its in-VM
 * twin). One op is one event handed to 1, 4 or 16 consumers (cases
 * fanout1, fanout4, fanout16), each adding the event's value to its own
 * counter; every thread has its own topic or chain:
 *	gosync_pubsub	a publish to that many subscribers (DROP_OLDEST,
 *			depth 64), then each one's try_recv and put, on the
 *			same thread (RCU read side: liburcu's)
 *	rwlock_chain	what a blocking notifier chain is in userspace: a
 *			pthread rwlock taken for reading around a walk of
 *			the callbacks
 * The counters are checked against the ops when each thread ends.
 */
/* The shim first: see breaker_bench.c. */
#include <linux/kernel.h>

#include <gosync/pubsub.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_main.h"

#define PB_SUBS_MAX	16
#define PB_DEPTH	64

enum pb_case { PB_FAN1, PB_FAN4, PB_FAN16, PB_NR_CASES };
enum pb_impl { PB_GOSYNC, PB_CHAIN, PB_NR_IMPLS };

static const char *const pb_case_names[PB_NR_CASES] = {
	[PB_FAN1] = "fanout1",
	[PB_FAN4] = "fanout4",
	[PB_FAN16] = "fanout16",
};

static const unsigned int pb_fanout[PB_NR_CASES] = { 1, 4, 16 };

static const char *const pb_impl_names[PB_NR_IMPLS] = {
	[PB_GOSYNC] = "gosync_pubsub",
	[PB_CHAIN] = "rwlock_chain",
};

struct pb_msg {
	struct gosync_pubsub_msg m;
	unsigned long value;
};

struct pb_nb {
	void (*fn)(struct pb_nb *nb, unsigned long value);
	unsigned long sum;
};

/* One thread's topic and chain. */
struct pb_thread {
	struct bench_thread bt;
	struct pb_state *s;
	struct gosync_pubsub t;
	struct gosync_pubsub_sub sub[PB_SUBS_MAX];
	unsigned long sum[PB_SUBS_MAX];
	struct pb_msg msg;
	pthread_rwlock_t chain_lock;
	struct pb_nb nb[PB_SUBS_MAX];
	unsigned int nr_subs;
} __aligned(64);

struct pb_state {
	struct bench_sync sync;
	enum pb_impl impl;
	unsigned int fanout;
	unsigned int threads;
};

static struct pb_thread pb_threads[BENCH_MAX_THREADS];

static void pb_nb_fn(struct pb_nb *nb, unsigned long value)
{
	nb->sum += value;
}

static int pb_run(struct bench_thread *bt, uint64_t n)
{
	struct pb_thread *t = container_of(bt, struct pb_thread, bt);
	unsigned int fanout = t->s->fanout, j;
	struct gosync_pubsub_msg *m;
	uint64_t i;

	while (n && !bench_stopped(&t->s->sync)) {
		for (i = 0; i < BENCH_BATCH && i < n; i++) {
			if (t->s->impl == PB_CHAIN) {
				pthread_rwlock_rdlock(&t->chain_lock);
				for (j = 0; j < fanout; j++)
					t->nb[j].fn(&t->nb[j], 1);
				pthread_rwlock_unlock(&t->chain_lock);
				continue;
			}
			if (gosync_pubsub_publish(&t->t, &t->msg.m, NULL) !=
			    (int)fanout)
				return -EIO;
			for (j = 0; j < fanout; j++) {
				if (gosync_pubsub_try_recv(&t->sub[j], &m))
					return -EIO;
				t->sum[j] += container_of(m, struct pb_msg, m)->value;
				gosync_pubsub_put(&t->t, m);
			}
		}
		t->bt.ops += i;
		n -= i;
	}
	return 0;
}

static struct bench_sync *pb_setup(unsigned int c, unsigned int m,
				   unsigned int threads)
{
	struct pb_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->impl = m;
	s->fanout = pb_fanout[c];
	s->threads = threads;
	return &s->sync;
}

static void pb_teardown(struct bench_sync *sync)
{
	struct pb_state *s = container_of(sync, struct pb_state, sync);

	free(s);
}

static struct bench_thread *pb_thread(struct bench_sync *sync, unsigned int id)
{
	struct pb_state *s = container_of(sync, struct pb_state, sync);
	struct pb_thread *t = &pb_threads[id];
	unsigned int j;

	memset(t, 0, sizeof(*t));
	t->s = s;
	gosync_pubsub_init(&t->t, NULL, NULL);
	gosync_pubsub_msg_init(&t->msg.m);
	t->msg.value = 1;
	pthread_rwlock_init(&t->chain_lock, NULL);
	for (j = 0; j < s->fanout; j++) {
		if (gosync_pubsub_subscribe(&t->t, &t->sub[j], PB_DEPTH,
					    GOSYNC_PUBSUB_DROP_OLDEST,
					    GFP_KERNEL))
			break;
		t->nb[j].fn = pb_nb_fn;
		t->nr_subs++;
	}
	return &t->bt;
}

/* Every consumer saw every event once; the topic is torn down. */
static void pb_thread_exit(struct bench_thread *bt)
{
	struct pb_thread *t = container_of(bt, struct pb_thread, bt);
	unsigned int j;

	for (j = 0; j < t->s->fanout; j++) {
		unsigned long got = t->s->impl == PB_CHAIN ? t->nb[j].sum :
							      t->sum[j];

		if (j >= t->nr_subs || got != bt->ops) {
			fprintf(stderr, "pubsub_bench: %s: consumer %u saw %lu of %llu\n",
				pb_impl_names[t->s->impl], j, got,
				(unsigned long long)bt->ops);
			bt->err = -EIO;
		}
	}
	for (j = 0; j < t->nr_subs; j++)
		gosync_pubsub_unsubscribe(&t->sub[j]);
	gosync_pubsub_close(&t->t);
	pthread_rwlock_destroy(&t->chain_lock);
}

static const char *pb_case_name(unsigned int c)
{
	return pb_case_names[c];
}

static const char *pb_impl_name(unsigned int m)
{
	return pb_impl_names[m];
}

static const struct bench pb_bench = {
	.name = "pubsub",
	.nr_cases = PB_NR_CASES,
	.nr_impls = PB_NR_IMPLS,
	.case_name = pb_case_name,
	.impl_name = pb_impl_name,
	.setup = pb_setup,
	.teardown = pb_teardown,
	.thread = pb_thread,
	.run = pb_run,
	.thread_exit = pb_thread_exit,
	.note_ns = true,
	.warn_fails = true,
};

int main(int argc, char **argv)
{
	return bench_main(&pb_bench, argc, argv);
}
