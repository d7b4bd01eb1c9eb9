// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of gosync_chan against what a driver writes without it: a
 * ptr_ring (its own producer and consumer locks) and a kfifo of pointers
 * under a spinlock, each with two wait queues to block on and a closed
 * flag; and kfifo_irq, the kfifo under spin_lock_irqsave(), as gosync_chan
 * takes its raw spinlock (usable from any context): the cost of turning
 * interrupts off, apart. Cases:
 *
 *	chan/stream	capacity 64, one channel shared by the run. One
 *			thread sends a batch of 64 and receives it back;
 *			from 2 threads on, even ids send and odd ids
 *			receive (2: one producer, one consumer; 4: 2x2).
 *			Producers stop at the run's end, the last one
 *			closes the channel, consumers drain it until
 *			closed. One op is one send or one receive.
 *	chan/pingpong	latency: thread pairs (0,1), (2,3)... bounce a value
 *			over two channels of capacity 1 (kfifo: 2, its
 *			least; never more than one value is in them); a
 *			thread without a partner pings itself over one.
 *			One op is one round trip, counted on both threads
 *			of a pair: ns_per_op is the round trip's time.
 *
 * Every send and receive is counted and summed: the last thread out
 * checks that every value sent was received exactly once (-EIO if not).
 * The peers' wake-ups: wq_has_sleeper() (a full barrier, then a look at
 * the queue) after the state change, against wait_event()'s condition
 * rechecked after it queued: the idiom of hot paths, no lost wake-up.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/kfifo.h>
#include <linux/ptr_ring.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <gosync/chan.h>

#include "bench.h"
#include "runner.h"

/* Each case's capacity. */
#define GCB_CAP_stream		64
#define GCB_CAP_pingpong	1
#define GCB_BATCH		64

enum gcb_impl { GCB_GOSYNC, GCB_PTR_RING, GCB_KFIFO, GCB_KFIFO_IRQ };
#define GCB_I_gosync	GCB_GOSYNC
#define GCB_I_ring	GCB_PTR_RING
#define GCB_I_kfifo	GCB_KFIFO
#define GCB_I_kfifo_irq	GCB_KFIFO_IRQ

/**
 * struct gcb_chan - one channel, in each implementation
 * @ch: gosync_chan
 * @ring: ptr_ring
 * @lock: kfifo: guards @fifo
 * @fifo: kfifo
 * @not_empty: the peers' receivers wait here
 * @not_full: the peers' senders wait here
 * @closed: the peers' closed flag
 */
struct gcb_chan {
	struct gosync_chan ch;
	struct ptr_ring ring;
	spinlock_t lock;	/* kfifo: guards fifo */
	DECLARE_KFIFO_PTR(fifo, void *);
	wait_queue_head_t not_empty;
	wait_queue_head_t not_full;
	bool closed;
} ____cacheline_aligned;

/**
 * struct gcb_bench - the state every thread of a run shares
 * @impl: the implementation
 * @nr: channels in @c
 * @producers: stream: producers not done; the last one closes
 * @alive: threads not done; the last one checks the sums
 * @sent: values sent by the threads done
 * @sent_sum: their sum
 * @recvd: values received by the threads done
 * @recvd_sum: their sum
 * @c: the channels: stream uses c[0]; pingpong's pair (i, i + 1) uses
 *	c[i] and c[i + 1], a lone thread i c[i]
 */
struct gcb_bench {
	enum gcb_impl impl;
	unsigned int nr;
	atomic_t producers;
	atomic_t alive;
	atomic64_t sent;
	atomic64_t sent_sum;
	atomic64_t recvd;
	atomic64_t recvd_sum;
	struct gcb_chan c[];
};

static int gcb_chan_init(struct gcb_chan *c, enum gcb_impl impl,
			 unsigned int cap)
{
	init_waitqueue_head(&c->not_empty);
	init_waitqueue_head(&c->not_full);
	spin_lock_init(&c->lock);
	switch (impl) {
	case GCB_GOSYNC:
		return gosync_chan_init(&c->ch, cap, GFP_KERNEL);
	case GCB_PTR_RING:
		return ptr_ring_init(&c->ring, cap, GFP_KERNEL);
	default:
		return kfifo_alloc(&c->fifo, max(cap, 2U), GFP_KERNEL);
	}
}

static void gcb_chan_destroy(struct gcb_chan *c, enum gcb_impl impl)
{
	switch (impl) {
	case GCB_GOSYNC:
		gosync_chan_destroy(&c->ch);
		break;
	case GCB_PTR_RING:
		ptr_ring_cleanup(&c->ring, NULL);
		break;
	default:
		kfifo_free(&c->fifo);
		break;
	}
}

static void gcb_teardown(void *data)
{
	struct gcb_bench *b = data;
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		gcb_chan_destroy(&b->c[i], b->impl);
	kfree(b);
}

static int gcb_setup(void **data, unsigned int threads, enum gcb_impl impl,
		     unsigned int cap)
{
	unsigned int nr = cap == GCB_CAP_stream ? 1 : threads;
	struct gcb_bench *b = kzalloc(struct_size(b, c, nr), GFP_KERNEL);
	int ret;

	if (!b)
		return -ENOMEM;
	b->impl = impl;
	atomic_set(&b->producers, (threads + 1) / 2);
	atomic_set(&b->alive, threads);
	for (; b->nr < nr; b->nr++) {
		ret = gcb_chan_init(&b->c[b->nr], impl, cap);
		if (ret) {
			gcb_teardown(b);
			return ret;
		}
	}
	*data = b;
	return 0;
}

/* Wakes a waiter of @wq after a state change it waits for, if any. */
static void gcb_wake(wait_queue_head_t *wq)
{
	/* Its smp_mb() pairs with the one of wait_event()'s queueing. */
	if (wq_has_sleeper(wq))
		wake_up(wq);
}

static bool gcb_ring_room(struct gcb_chan *c)
{
	return !ptr_ring_full(&c->ring);
}

static bool gcb_ring_ready(struct gcb_chan *c)
{
	/* Pairs with smp_store_release() in gcb_close(). */
	return !ptr_ring_empty(&c->ring) || smp_load_acquire(&c->closed);
}

/* The kfifo's lock; with @irq, interrupts off (kfifo_irq). */
static __always_inline unsigned long gcb_fifo_lock(struct gcb_chan *c,
						   bool irq)
	__acquires(&c->lock)
{
	unsigned long flags = 0;

	if (irq)
		spin_lock_irqsave(&c->lock, flags);
	else
		spin_lock(&c->lock);
	return flags;
}

static __always_inline void gcb_fifo_unlock(struct gcb_chan *c, bool irq,
					    unsigned long flags)
	__releases(&c->lock)
{
	if (irq)
		spin_unlock_irqrestore(&c->lock, flags);
	else
		spin_unlock(&c->lock);
}

static __always_inline bool gcb_fifo_room(struct gcb_chan *c, bool irq)
{
	unsigned long flags = gcb_fifo_lock(c, irq);
	bool room = !kfifo_is_full(&c->fifo);

	gcb_fifo_unlock(c, irq, flags);
	return room;
}

static __always_inline bool gcb_fifo_ready(struct gcb_chan *c, bool irq)
{
	unsigned long flags = gcb_fifo_lock(c, irq);
	bool ready = !kfifo_is_empty(&c->fifo);

	gcb_fifo_unlock(c, irq, flags);
	/* Pairs with smp_store_release() in gcb_close(). */
	return ready || smp_load_acquire(&c->closed);
}

static __always_inline bool gcb_fifo_put(struct gcb_chan *c, bool irq,
					 void *v)
{
	unsigned long flags = gcb_fifo_lock(c, irq);
	bool done = kfifo_put(&c->fifo, v);

	gcb_fifo_unlock(c, irq, flags);
	return done;
}

static __always_inline bool gcb_fifo_get(struct gcb_chan *c, bool irq,
					 void **v)
{
	unsigned long flags = gcb_fifo_lock(c, irq);
	bool done = kfifo_get(&c->fifo, v);

	gcb_fifo_unlock(c, irq, flags);
	return done;
}

/* @impl is a compile-time constant in every caller. */
static __always_inline int gcb_send(struct gcb_chan *c, enum gcb_impl impl,
				    void *v)
{
	bool irq = impl == GCB_KFIFO_IRQ;

	switch (impl) {
	case GCB_GOSYNC:
		return gosync_chan_send(&c->ch, v, NULL);
	case GCB_PTR_RING:
		while (ptr_ring_produce(&c->ring, v))
			wait_event(c->not_full, gcb_ring_room(c));
		break;
	default:
		while (!gcb_fifo_put(c, irq, v))
			wait_event(c->not_full, gcb_fifo_room(c, irq));
		break;
	}
	gcb_wake(&c->not_empty);
	return 0;
}

/* 0 with a value in *@v; -EPIPE once @c is closed and drained. */
static __always_inline int gcb_recv(struct gcb_chan *c, enum gcb_impl impl,
				    void **v)
{
	bool irq = impl == GCB_KFIFO_IRQ;

	if (impl == GCB_GOSYNC)
		return gosync_chan_recv(&c->ch, v, NULL);
	for (;;) {
		if (impl == GCB_PTR_RING) {
			*v = ptr_ring_consume(&c->ring);
			if (*v)
				break;
		} else if (gcb_fifo_get(c, irq, v)) {
			break;
		}
		/* Closed: the sends before the close are in; one last look. */
		if (smp_load_acquire(&c->closed)) {
			if (impl == GCB_PTR_RING)
				*v = ptr_ring_consume(&c->ring);
			else if (!gcb_fifo_get(c, irq, v))
				*v = NULL;
			if (!*v)
				return -EPIPE;
			break;
		}
		if (impl == GCB_PTR_RING)
			wait_event(c->not_empty, gcb_ring_ready(c));
		else
			wait_event(c->not_empty, gcb_fifo_ready(c, irq));
	}
	gcb_wake(&c->not_full);
	return 0;
}

static void gcb_close(struct gcb_chan *c, enum gcb_impl impl)
{
	if (impl == GCB_GOSYNC) {
		gosync_chan_close(&c->ch);
		return;
	}
	/* Pairs with smp_load_acquire() of the receivers. */
	smp_store_release(&c->closed, true);
	wake_up_all(&c->not_empty);
	wake_up_all(&c->not_full);
}

/**
 * struct gcb_tally - one thread's values, added to the run's at its end
 * @sent: values sent
 * @sent_sum: their sum
 * @recvd: values received
 * @recvd_sum: their sum
 */
struct gcb_tally {
	u64 sent, sent_sum, recvd, recvd_sum;
};

static __always_inline int gcb_tsend(struct gcb_chan *c, enum gcb_impl impl,
				     struct gcb_tally *y, unsigned long v)
{
	int ret = gcb_send(c, impl, (void *)v);

	if (!ret) {
		y->sent++;
		y->sent_sum += v;
	}
	return ret;
}

static __always_inline int gcb_trecv(struct gcb_chan *c, enum gcb_impl impl,
				     struct gcb_tally *y, unsigned long *v)
{
	void *p;
	int ret = gcb_recv(c, impl, &p);

	if (!ret) {
		*v = (unsigned long)p;
		y->recvd++;
		y->recvd_sum += *v;
	}
	return ret;
}

/* The end of a thread: the last one out checks every value arrived. */
static int gcb_finish(struct gcb_bench *b, const struct gcb_tally *y, int ret,
		      const char *name)
{
	s64 sent, recvd, ssum, rsum;

	/* Fully ordered: the last one out sees every thread's tally. */
	atomic64_add(y->sent, &b->sent);
	atomic64_add(y->sent_sum, &b->sent_sum);
	atomic64_add(y->recvd, &b->recvd);
	atomic64_add(y->recvd_sum, &b->recvd_sum);
	if (!atomic_dec_and_test(&b->alive) || ret)
		return ret;
	sent = atomic64_read(&b->sent);
	recvd = atomic64_read(&b->recvd);
	ssum = atomic64_read(&b->sent_sum);
	rsum = atomic64_read(&b->recvd_sum);
	if (sent == recvd && ssum == rsum)
		return 0;
	pr_err("chan/%s: %lld values sent (sum %lld), %lld received (sum %lld)\n",
	       name, sent, ssum, recvd, rsum);
	return -EIO;
}

/* Stream, one thread: a batch in, the same batch out. */
static __always_inline int gcb_stream_alone(struct gosync_run_thread *t,
					    enum gcb_impl impl,
					    struct gcb_tally *y)
{
	struct gcb_chan *c = &((struct gcb_bench *)t->run->data)->c[0];
	unsigned long v = 1, w;
	unsigned int i;
	int ret;

	do {
		for (i = 0; i < GCB_BATCH; i++) {
			ret = gcb_tsend(c, impl, y, v++);
			if (ret)
				return ret;
		}
		for (i = 0; i < GCB_BATCH; i++) {
			ret = gcb_trecv(c, impl, y, &w);
			if (ret)
				return ret;
		}
		t->ops += 2 * GCB_BATCH;
	} while (gosync_run_continue(t));
	return 0;
}

static __always_inline int gcb_stream(struct gosync_run_thread *t,
				      enum gcb_impl impl)
{
	struct gcb_bench *b = t->run->data;
	struct gcb_chan *c = &b->c[0];
	struct gcb_tally y = {};
	unsigned long v = 1;
	unsigned int i;
	int ret = 0;

	if (t->run->nr_threads == 1) {
		ret = gcb_stream_alone(t, impl, &y);
	} else if (t->id % 2 == 0) {
		do {
			for (i = 0; i < GCB_BATCH && !ret; i++)
				ret = gcb_tsend(c, impl, &y, v++);
			t->ops += i;
		} while (!ret && gosync_run_continue(t));
		if (atomic_dec_and_test(&b->producers))
			gcb_close(c, impl);
	} else {
		/* Until closed and drained, so that no producer blocks. */
		while (!(ret = gcb_trecv(c, impl, &y, &v)))
			if (++t->ops % GCB_BATCH == 0)
				cond_resched();
		if (ret == -EPIPE)
			ret = 0;
	}
	return gcb_finish(b, &y, ret, "stream");
}

static __always_inline int gcb_pingpong(struct gosync_run_thread *t,
					enum gcb_impl impl)
{
	struct gcb_bench *b = t->run->data;
	unsigned int pinger = t->id & ~1U;
	struct gcb_chan *ping = &b->c[pinger];
	bool alone = pinger + 1 == t->run->nr_threads;
	struct gcb_chan *pong = alone ? ping : &b->c[pinger + 1];
	struct gcb_tally y = {};
	unsigned long v = 1, w = 0;
	unsigned int i;
	int ret = 0;

	if (t->id == pinger) {
		do {
			for (i = 0; i < GCB_BATCH && !ret; i++) {
				ret = gcb_tsend(ping, impl, &y, v);
				if (!ret)
					ret = gcb_trecv(pong, impl, &y, &w);
				if (!ret && w != v++)
					ret = -EIO;
			}
			t->ops += i;
		} while (!ret && gosync_run_continue(t));
		if (!alone)
			gcb_close(ping, impl);
	} else {
		/* The echo, until the pinger closes its channel. */
		while (!(ret = gcb_trecv(ping, impl, &y, &w)) &&
		       !(ret = gcb_tsend(pong, impl, &y, w)))
			if (++t->ops % GCB_BATCH == 0)
				cond_resched();
		if (ret == -EPIPE)
			ret = 0;
	}
	return gcb_finish(b, &y, ret, "pingpong");
}

#define GCB_CASE(mix, id, im)						\
static int gcb_setup_##mix##_##id(void **data, unsigned int threads)	\
{									\
	return gcb_setup(data, threads, GCB_I_##id, GCB_CAP_##mix);	\
}									\
static int gcb_body_##mix##_##id(struct gosync_run_thread *t)		\
{									\
	return gcb_##mix(t, GCB_I_##id);				\
}									\
static const struct gosync_bench_case gcb_case_##mix##_##id = {		\
	.primitive = "chan", .name = #mix, .impl = im,			\
	.setup = gcb_setup_##mix##_##id,				\
	.body = gcb_body_##mix##_##id,					\
	.teardown = gcb_teardown,					\
}

GCB_CASE(stream, gosync, "gosync_chan");
GCB_CASE(stream, ring, "ptr_ring");
GCB_CASE(stream, kfifo, "kfifo");
GCB_CASE(stream, kfifo_irq, "kfifo_irq");
GCB_CASE(pingpong, gosync, "gosync_chan");
GCB_CASE(pingpong, ring, "ptr_ring");
GCB_CASE(pingpong, kfifo, "kfifo");
GCB_CASE(pingpong, kfifo_irq, "kfifo_irq");

GOSYNC_BENCH_SET(chan, &gcb_case_stream_gosync, &gcb_case_stream_ring,
		 &gcb_case_stream_kfifo, &gcb_case_stream_kfifo_irq,
		 &gcb_case_pingpong_gosync, &gcb_case_pingpong_ring,
		 &gcb_case_pingpong_kfifo, &gcb_case_pingpong_kfifo_irq);
