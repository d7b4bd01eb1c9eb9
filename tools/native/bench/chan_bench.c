// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_chan: the unmodified kmod/chan.c on the shim
 * (kmod/test/bench/chan_bench.c is its in-VM twin; go/chan_bench.go runs
 * the same cases on Go's own channels, impl go_chan):
 *	gosync_chan	gosync_chan_send(ch, v, NULL), gosync_chan_recv()
 *	mutex_cond	a ring of pointers under a pthread mutex, a condition
 *			variable for "not empty" and one for "not full", a
 *			closed flag: what one writes in userspace
 * Cases:
 *	stream		capacity 64, one channel shared by the run. One
 *			thread sends a batch of 64 and receives it back;
 *			from 2 threads on, even ids send and odd ids
 *			receive. Producers stop at the run's end, the last
 *			one closes the channel, consumers drain it until
 *			closed. One op is one send or one receive.
 *	pingpong	thread pairs bounce a value over two channels of
 *			capacity 1; a lone thread pings itself over one.
 *			One op is one round trip, counted on both threads
 *			of a pair: ns_per_op is the round trip's time.
 * Every value sent and received is counted and summed; the last thread
 * out checks that each was received exactly once. A gosync_chan that must
 * wait sleeps in the shim's schedule() (a pthread condition variable per
 * task) behind the shim's spinlock: its blocking figures are the shim's.
 */
/* The shim first: see breaker_bench.c. */
#include <linux/kernel.h>

#include <gosync/chan.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_main.h"

#define CB_CAP_STREAM	64
#define CB_MAX_CAP	64

enum cb_case { CB_STREAM, CB_PINGPONG, CB_NR_CASES };
enum cb_impl { CB_GOSYNC, CB_MUTEX, CB_NR_IMPLS };

static const char *const cb_case_names[CB_NR_CASES] = {
	[CB_STREAM] = "stream",
	[CB_PINGPONG] = "pingpong",
};

static const char *const cb_impl_names[CB_NR_IMPLS] = {
	[CB_GOSYNC] = "gosync_chan",
	[CB_MUTEX] = "mutex_cond",
};

/* One channel, in both implementations. */
struct cb_chan {
	struct gosync_chan ch;
	pthread_mutex_t lock;	/* mutex_cond: guards the rest */
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	unsigned int cap, head, count;
	bool closed;
	void *buf[CB_MAX_CAP];
} __aligned(64);

struct cb_state {
	struct bench_sync sync;
	enum cb_case c;
	enum cb_impl impl;
	unsigned int threads;
	unsigned int producers;		/* __atomic: stream producers not done */
	unsigned int alive;		/* __atomic: threads not done */
	uint64_t sent, sent_sum, recvd, recvd_sum;	/* __atomic */
	/* stream: ch[0]; pingpong: pair (i, i + 1) ch[i], ch[i + 1] */
	struct cb_chan ch[BENCH_MAX_THREADS];
} __aligned(64);

struct cb_thread {
	struct bench_thread bt;
	struct cb_state *s;
	uint64_t next;			/* the next value to send */
	uint64_t sent, sent_sum, recvd, recvd_sum;
	int end;			/* recv ended: -EPIPE (closed) */
} __aligned(64);

static struct cb_thread cb_threads[BENCH_MAX_THREADS];

static int cb_send(struct cb_state *s, struct cb_chan *c, void *v)
{
	if (s->impl == CB_GOSYNC)
		return gosync_chan_send(&c->ch, v, NULL);
	pthread_mutex_lock(&c->lock);
	while (c->count == c->cap && !c->closed)
		pthread_cond_wait(&c->not_full, &c->lock);
	if (c->closed) {
		pthread_mutex_unlock(&c->lock);
		return -EPIPE;
	}
	c->buf[(c->head + c->count++) % c->cap] = v;
	pthread_cond_signal(&c->not_empty);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static int cb_recv(struct cb_state *s, struct cb_chan *c, void **v)
{
	if (s->impl == CB_GOSYNC)
		return gosync_chan_recv(&c->ch, v, NULL);
	pthread_mutex_lock(&c->lock);
	while (!c->count && !c->closed)
		pthread_cond_wait(&c->not_empty, &c->lock);
	if (!c->count) {
		pthread_mutex_unlock(&c->lock);
		return -EPIPE;
	}
	*v = c->buf[c->head];
	c->head = (c->head + 1) % c->cap;
	c->count--;
	pthread_cond_signal(&c->not_full);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static void cb_close(struct cb_state *s, struct cb_chan *c)
{
	if (s->impl == CB_GOSYNC) {
		gosync_chan_close(&c->ch);
		return;
	}
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	pthread_cond_broadcast(&c->not_empty);
	pthread_cond_broadcast(&c->not_full);
	pthread_mutex_unlock(&c->lock);
}

static int cb_tsend(struct cb_thread *t, struct cb_chan *c, uint64_t v)
{
	int ret = cb_send(t->s, c, (void *)(uintptr_t)v);

	if (!ret) {
		t->sent++;
		t->sent_sum += v;
	}
	return ret;
}

static int cb_trecv(struct cb_thread *t, struct cb_chan *c, uint64_t *v)
{
	void *p;
	int ret = cb_recv(t->s, c, &p);

	if (!ret) {
		*v = (uintptr_t)p;
		t->recvd++;
		t->recvd_sum += *v;
	}
	return ret;
}

/*
 * The receiving side drains: once the run is stopped it goes on until
 * its channel is closed and drained, so that no sender is left blocked.
 */
static bool cb_more(struct cb_state *s, uint64_t i, uint64_t n)
{
	return i < n || bench_stopped(&s->sync);
}

/* Stream: a thread alone sends up to 64 and receives them, n ops. */
static int cb_stream(struct cb_thread *t, uint64_t n)
{
	struct cb_state *s = t->s;
	struct cb_chan *c = &s->ch[0];
	uint64_t i, k, v;
	int ret = 0;

	if (s->threads == 1) {
		while (n >= 2 && !ret) {
			k = n / 2 < CB_CAP_STREAM ? n / 2 : CB_CAP_STREAM;
			for (i = 0; i < k && !ret; i++)
				ret = cb_tsend(t, c, t->next++);
			for (i = 0; i < k && !ret; i++)
				ret = cb_trecv(t, c, &v);
			t->bt.ops += 2 * k;
			n -= 2 * k;
		}
		return ret;
	}
	if (t->bt.id % 2 == 0) {
		for (i = 0; i < n && !ret; i++)
			ret = cb_tsend(t, c, t->next++);
		t->bt.ops += i - !!ret;
		return ret;
	}
	for (i = 0; cb_more(s, i, n); i++) {
		ret = cb_trecv(t, c, &v);
		if (ret)
			break;
	}
	t->bt.ops += i;
	/* Closed: only ever after the stop. */
	return ret == -EPIPE ? 0 : ret;
}

static int cb_pingpong(struct cb_thread *t, uint64_t n)
{
	struct cb_state *s = t->s;
	unsigned int pinger = t->bt.id & ~1U;
	bool alone = pinger + 1 == s->threads;
	struct cb_chan *ping = &s->ch[pinger];
	struct cb_chan *pong = alone ? ping : &s->ch[pinger + 1];
	uint64_t i, v, w = 0;
	int ret = 0;

	if (t->bt.id == pinger) {
		for (i = 0; i < n && !ret; i++) {
			v = t->next++;
			ret = cb_tsend(t, ping, v);
			if (!ret)
				ret = cb_trecv(t, pong, &w);
			if (!ret && w != v)
				ret = -EIO;
		}
		t->bt.ops += i - !!ret;
		return ret;
	}
	for (i = 0; cb_more(s, i, n); i++) {
		ret = cb_trecv(t, ping, &w);
		if (!ret)
			ret = cb_tsend(t, pong, w);
		if (ret)
			break;
	}
	t->bt.ops += i;
	/* Closed: only ever after the stop. */
	return ret == -EPIPE ? 0 : ret;
}

static int cb_run(struct bench_thread *bt, uint64_t n)
{
	struct cb_thread *t = container_of(bt, struct cb_thread, bt);

	return t->s->c == CB_STREAM ? cb_stream(t, n) : cb_pingpong(t, n);
}

static struct bench_sync *cb_setup(unsigned int c, unsigned int m,
				   unsigned int threads)
{
	struct cb_state *s = aligned_alloc(64, sizeof(*s));
	unsigned int i, cap = c == CB_STREAM ? CB_CAP_STREAM : 1;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->impl = m;
	s->threads = threads;
	s->producers = (threads + 1) / 2;
	s->alive = threads;
	for (i = 0; i < threads; i++) {
		struct cb_chan *ch = &s->ch[i];

		if (gosync_chan_init(&ch->ch, cap, GFP_KERNEL)) {
			fprintf(stderr, "chan_bench: init failed\n");
			exit(1);
		}
		pthread_mutex_init(&ch->lock, NULL);
		pthread_cond_init(&ch->not_empty, NULL);
		pthread_cond_init(&ch->not_full, NULL);
		ch->cap = cap;
	}
	return &s->sync;
}

static void cb_teardown(struct bench_sync *sync)
{
	struct cb_state *s = container_of(sync, struct cb_state, sync);
	unsigned int i;

	for (i = 0; i < s->threads; i++) {
		gosync_chan_destroy(&s->ch[i].ch);
		pthread_cond_destroy(&s->ch[i].not_full);
		pthread_cond_destroy(&s->ch[i].not_empty);
		pthread_mutex_destroy(&s->ch[i].lock);
	}
	free(s);
}

static struct bench_thread *cb_thread(struct bench_sync *sync, unsigned int id)
{
	struct cb_thread *t = &cb_threads[id];

	memset(t, 0, sizeof(*t));
	t->s = container_of(sync, struct cb_state, sync);
	t->next = 1;
	return &t->bt;
}

/*
 * After a thread's last run(): the last stream producer and each pinger
 * close their channel (their receivers then end); the last thread out
 * checks that every value sent was received.
 */
static void cb_thread_exit(struct bench_thread *bt)
{
	struct cb_thread *t = container_of(bt, struct cb_thread, bt);
	struct cb_state *s = t->s;
	unsigned int pinger = bt->id & ~1U;
	uint64_t sent, ssum, recvd, rsum;

	if (s->threads > 1 && s->c == CB_STREAM && bt->id % 2 == 0 &&
	    !__atomic_sub_fetch(&s->producers, 1, __ATOMIC_SEQ_CST))
		cb_close(s, &s->ch[0]);
	if (s->c == CB_PINGPONG && bt->id == pinger && pinger + 1 < s->threads)
		cb_close(s, &s->ch[pinger]);
	/* Sequentially consistent: the last one out sees every tally. */
	__atomic_add_fetch(&s->sent, t->sent, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&s->sent_sum, t->sent_sum, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&s->recvd, t->recvd, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&s->recvd_sum, t->recvd_sum, __ATOMIC_SEQ_CST);
	if (__atomic_sub_fetch(&s->alive, 1, __ATOMIC_SEQ_CST))
		return;
	sent = __atomic_load_n(&s->sent, __ATOMIC_RELAXED);
	ssum = __atomic_load_n(&s->sent_sum, __ATOMIC_RELAXED);
	recvd = __atomic_load_n(&s->recvd, __ATOMIC_RELAXED);
	rsum = __atomic_load_n(&s->recvd_sum, __ATOMIC_RELAXED);
	if (sent == recvd && ssum == rsum)
		return;
	fprintf(stderr, "chan_bench: %s/%s: %llu sent (sum %llu), %llu received (sum %llu)\n",
		cb_case_names[s->c], cb_impl_names[s->impl],
		(unsigned long long)sent, (unsigned long long)ssum,
		(unsigned long long)recvd, (unsigned long long)rsum);
	bt->err = -EIO;
}

static const char *cb_case_name(unsigned int c)
{
	return cb_case_names[c];
}

static const char *cb_impl_name(unsigned int m)
{
	return cb_impl_names[m];
}

static const struct bench cb_bench = {
	.name = "chan",
	.nr_cases = CB_NR_CASES,
	.nr_impls = CB_NR_IMPLS,
	.case_name = cb_case_name,
	.impl_name = cb_impl_name,
	.setup = cb_setup,
	.teardown = cb_teardown,
	.thread = cb_thread,
	.run = cb_run,
	.thread_exit = cb_thread_exit,
	.note_ns = true,
	.warn_fails = true,
};

int main(int argc, char **argv)
{
	return bench_main(&cb_bench, argc, argv);
}
