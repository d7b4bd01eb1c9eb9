/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_chan
 *
 * Channels and select, Go's chan and select the kernel way: a FIFO of
 * pointers between any number of sending and receiving threads, that
 * blocks when it must, can be closed, and can be waited on together with
 * other channels. ``#include <gosync/chan.h>``.
 *
 * A channel has a capacity fixed at gosync_chan_init(). With a capacity
 * of N > 0, up to N values wait in the channel: a send blocks only while
 * it is full, a receive only while it is empty. With capacity 0 (Go's
 * unbuffered channel) a send completes only when a receiver takes its
 * value, hand to hand. kfifo and ptr_ring are rings without blocking,
 * closing or waiting on several at once; a wait queue next to them is
 * what every user otherwise writes, with its lost wake-ups.
 *
 * Order. Values leave a channel in the order their sends completed, and
 * blocked senders and receivers are served in arrival order: the values
 * of one sender reach receivers in the order it sent them. Any number of
 * senders and receivers may use a channel at once.
 *
 * Close. gosync_chan_close() ends the sending: a send after it, and a
 * send blocked at that moment, returns -EPIPE (where Go panics); closing
 * twice returns -EINVAL. Receivers still get every value sent before the
 * close, then -EPIPE at once, as Go's ``v, ok := <-ch`` gives ok false.
 *
 * Select. gosync_select() waits on up to %GOSYNC_SELECT_MAX send and
 * receive cases, on one channel or several, and completes exactly one of
 * them: among the cases ready at the call, one chosen at random; else the
 * first that becomes ready. With %GOSYNC_SELECT_DEFAULT it never blocks.
 * A case whose channel is NULL is never ready (Go's nil channel). A
 * receive case on a closed, drained channel and a send case on a closed
 * channel are ready: they complete with -EPIPE in the case's @err.
 *
 * Cancellation. A blocked send, receive or select ends with the cause
 * when its context is cancelled (include/gosync/ctx.h), with -EINTR on a
 * fatal signal (any signal for the _interruptible forms), or with
 * -ETIMEDOUT when its timeout passes; then it has moved nothing. A call
 * whose context is cancelled before it starts fails at once, even when
 * it could complete. If a peer completed the operation before the caller
 * saw its cancellation, the completion wins: the call returns success.
 * So a value is never lost nor delivered twice, whatever is cancelled.
 *
 * How. Each channel has a raw spinlock, a ring of @cap slots and two
 * queues of blocked callers. A blocked call (a send, a receive or a
 * select of several cases) queues one entry per case, on its stack, and
 * sleeps; the peer that completes one of its cases claims the whole call
 * with one cmpxchg first, so that no second peer completes another case,
 * and moves the value while holding the channel's lock. A select locks
 * the channels of its cases together (in address order) to look at them
 * and queue on them, so that no case becomes ready unseen, as Go's
 * selectgo does.
 *
 * Context: gosync_chan_try_send(), gosync_chan_try_recv(),
 * gosync_chan_close(), gosync_chan_len() and gosync_select() with
 * %GOSYNC_SELECT_DEFAULT: any context but NMI, hard interrupts included
 * (raw spinlocks with interrupts off, also on PREEMPT_RT; the wake-ups
 * are wake_up_process()). The blocking calls: process context, may sleep.
 * Every call holds a channel's lock for a bounded time, except close,
 * which wakes every blocked caller of the channel under it.
 *
 * Lifetime. The caller owns struct gosync_chan and the values: the
 * channel stores pointers, never dereferences or frees them. Destroy a
 * channel once no task uses it (gosync_chan_destroy() refuses, with a
 * WARN, while callers are blocked on it); values still buffered then are
 * the caller's to drain first with gosync_chan_try_recv().
 *
 * Example, a producer and a consumer::
 *
 *	struct gosync_chan ch;
 *
 *	err = gosync_chan_init(&ch, 16, GFP_KERNEL);
 *	// producer thread
 *	for (i = 0; i < n && !err; i++)
 *		err = gosync_chan_send(&ch, item[i], ctx);
 *	gosync_chan_close(&ch);
 *	// consumer thread
 *	while (!(err = gosync_chan_recv(&ch, &v, ctx)))
 *		consume(v);
 *	// err: -EPIPE once closed and drained, or ctx's cause, or -EINTR
 */
#ifndef _GOSYNC_CHAN_H
#define _GOSYNC_CHAN_H

#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <gosync/gosync.h>

struct gosync_ctx;

/* The largest capacity of a channel. */
#define GOSYNC_CHAN_MAX		(1024U * 1024)
/* The most cases of one gosync_select(). */
#define GOSYNC_SELECT_MAX	8

/**
 * struct gosync_chan - a channel of pointers
 * @lock: guards the rest
 * @cap: the capacity; 0 for an unbuffered channel
 * @head: the slot of the oldest buffered value
 * @count: the values buffered
 * @closed: gosync_chan_close() was called
 * @buf: @cap slots, NULL for an unbuffered channel
 * @sendq: the blocked senders, in arrival order
 * @recvq: the blocked receivers, in arrival order
 *
 * Opaque: use the functions below. gosync_chan_init() initializes it.
 */
struct gosync_chan {
	raw_spinlock_t lock;
	unsigned int cap;
	unsigned int head;
	unsigned int count;
	bool closed;
	void **buf;
	struct list_head sendq;
	struct list_head recvq;
};

/**
 * gosync_chan_init() - initialize an open, empty channel
 * @ch: the channel
 * @cap: its capacity, 0..%GOSYNC_CHAN_MAX; 0 for an unbuffered channel
 * @gfp: how to allocate the @cap slots (none for @cap 0)
 *
 * Context: as @gfp allows.
 * Return: 0; -EINVAL for a capacity out of range; -ENOMEM. On error @ch
 * is not initialized.
 */
int gosync_chan_init(struct gosync_chan *ch, unsigned int cap, gfp_t gfp);

/**
 * gosync_chan_destroy() - free what gosync_chan_init() allocated
 * @ch: the channel, closed or not
 *
 * Values still buffered are forgotten, not freed: drain them first with
 * gosync_chan_try_recv() if they own memory.
 *
 * Context: any context but NMI.
 * Return: the number of values that were still buffered; or -EBUSY, with
 * a WARN, if a caller is blocked on @ch (a bug of the caller's: @ch is
 * then left as it was).
 */
int gosync_chan_destroy(struct gosync_chan *ch);

/**
 * gosync_chan_send() - send a value, waiting for room or a receiver
 *	(killable)
 * @ch: the channel
 * @val: the value; any pointer, NULL included
 * @ctx: a context that ends the wait when cancelled, or NULL
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: 0 once @val is in the channel (or, unbuffered, taken by a
 * receiver); -EPIPE if @ch is closed or gets closed meanwhile; the cause
 * of @ctx's cancellation (also when it was cancelled before the call);
 * -EINTR on a fatal signal. On error, @val was not sent.
 */
int gosync_chan_send(struct gosync_chan *ch, void *val, struct gosync_ctx *ctx);

/**
 * gosync_chan_send_interruptible() - gosync_chan_send(), any signal ends
 *	the wait
 * @ch: the channel
 * @val: the value
 * @ctx: a context that ends the wait when cancelled, or NULL
 *
 * Context: process context; sleeps (TASK_INTERRUPTIBLE).
 * Return: as gosync_chan_send(), with -EINTR on any pending signal.
 */
int gosync_chan_send_interruptible(struct gosync_chan *ch, void *val,
				   struct gosync_ctx *ctx);

/**
 * gosync_chan_send_timeout() - gosync_chan_send() for at most a while
 * @ch: the channel
 * @val: the value
 * @ctx: a context that ends the wait when cancelled, or NULL
 * @timeout: jiffies to wait at most; 0 tries once, as
 *	gosync_chan_try_send() that also checks @ctx
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: as gosync_chan_send(), or -ETIMEDOUT when @timeout passed
 * first.
 */
int gosync_chan_send_timeout(struct gosync_chan *ch, void *val,
			     struct gosync_ctx *ctx, long timeout);

/**
 * gosync_chan_recv() - receive a value, waiting for one (killable)
 * @ch: the channel
 * @val: where the value is stored
 * @ctx: a context that ends the wait when cancelled, or NULL
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: 0 with the oldest value in *@val; -EPIPE once @ch is closed
 * and drained; the cause of @ctx's cancellation (also when it was
 * cancelled before the call); -EINTR on a fatal signal. On error *@val
 * is untouched and no value was taken.
 */
int gosync_chan_recv(struct gosync_chan *ch, void **val, struct gosync_ctx *ctx);

/**
 * gosync_chan_recv_interruptible() - gosync_chan_recv(), any signal ends
 *	the wait
 * @ch: the channel
 * @val: where the value is stored
 * @ctx: a context that ends the wait when cancelled, or NULL
 *
 * Context: process context; sleeps (TASK_INTERRUPTIBLE).
 * Return: as gosync_chan_recv(), with -EINTR on any pending signal.
 */
int gosync_chan_recv_interruptible(struct gosync_chan *ch, void **val,
				   struct gosync_ctx *ctx);

/**
 * gosync_chan_recv_timeout() - gosync_chan_recv() for at most a while
 * @ch: the channel
 * @val: where the value is stored
 * @ctx: a context that ends the wait when cancelled, or NULL
 * @timeout: jiffies to wait at most; 0 tries once
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: as gosync_chan_recv(), or -ETIMEDOUT when @timeout passed
 * first.
 */
int gosync_chan_recv_timeout(struct gosync_chan *ch, void **val,
			     struct gosync_ctx *ctx, long timeout);

/**
 * gosync_chan_try_send() - send a value if that needs no wait
 * @ch: the channel
 * @val: the value
 *
 * Context: any context but NMI.
 * Return: 0 if @val was sent; -EAGAIN if @ch is full (unbuffered: no
 * receiver is waiting); -EPIPE if @ch is closed.
 */
int gosync_chan_try_send(struct gosync_chan *ch, void *val);

/**
 * gosync_chan_try_recv() - receive a value if one is there
 * @ch: the channel
 * @val: where the value is stored
 *
 * Context: any context but NMI.
 * Return: 0 with a value in *@val; -EAGAIN if none is there (unbuffered:
 * no sender is waiting); -EPIPE if @ch is closed and drained.
 */
int gosync_chan_try_recv(struct gosync_chan *ch, void **val);

/**
 * gosync_chan_close() - end the sending on a channel
 * @ch: the channel
 *
 * Blocked senders return -EPIPE; blocked receivers return -EPIPE, as the
 * channel has no value for them. Values buffered stay for receivers.
 *
 * Context: any context but NMI.
 * Return: 0; -EINVAL if @ch was closed before.
 */
int gosync_chan_close(struct gosync_chan *ch);

/**
 * gosync_chan_len() - the values buffered now
 * @ch: the channel
 *
 * A snapshot, for statistics: it may change as soon as it is read.
 *
 * Context: any context.
 * Return: the number of values waiting in @ch; always 0 if unbuffered.
 */
static inline unsigned int gosync_chan_len(const struct gosync_chan *ch)
{
	return READ_ONCE(ch->count);
}

/**
 * gosync_chan_cap() - the capacity given at init
 * @ch: the channel
 *
 * Context: any context.
 * Return: the capacity; 0 for an unbuffered channel.
 */
static inline unsigned int gosync_chan_cap(const struct gosync_chan *ch)
{
	return ch->cap;
}

/**
 * enum gosync_select_dir - what a case of gosync_select() does
 * @GOSYNC_SELECT_SEND: sends @val
 * @GOSYNC_SELECT_RECV: receives into @val
 */
enum gosync_select_dir {
	GOSYNC_SELECT_SEND,
	GOSYNC_SELECT_RECV,
};

/**
 * struct gosync_select_case - one case of gosync_select()
 * @chan: the channel; NULL for a case that is never ready
 * @dir: %GOSYNC_SELECT_SEND or %GOSYNC_SELECT_RECV
 * @val: a send's value; where a receive stores the value it took
 * @err: set by gosync_select() in the completed case only: 0, or -EPIPE
 *	for a closed channel (a send not sent; a receive that got no value)
 */
struct gosync_select_case {
	struct gosync_chan *chan;
	enum gosync_select_dir dir;
	void *val;
	int err;
};

/* gosync_select() @flags: */
/* Never block: return -EAGAIN if no case is ready (Go's default case). */
#define GOSYNC_SELECT_DEFAULT		0x1
/* Any signal ends the wait (TASK_INTERRUPTIBLE), not only a fatal one. */
#define GOSYNC_SELECT_INTERRUPTIBLE	0x2

/**
 * gosync_select() - complete one of several sends and receives
 * @cases: the cases; the same channel may appear in several
 * @n: the number of cases, 1..%GOSYNC_SELECT_MAX
 * @ctx: a context that ends the wait when cancelled, or NULL
 * @flags: %GOSYNC_SELECT_DEFAULT, %GOSYNC_SELECT_INTERRUPTIBLE, or 0
 *
 * Completes exactly one case: one chosen at random among those ready at
 * the call, else the first to become ready. Only the completed case
 * moved a value (or found its channel closed).
 *
 * Context: process context, sleeps (TASK_KILLABLE unless
 * %GOSYNC_SELECT_INTERRUPTIBLE); with %GOSYNC_SELECT_DEFAULT, any context
 * but NMI.
 * Return: the index of the completed case, whose @err and, for a
 * receive, @val tell the outcome; -EAGAIN with %GOSYNC_SELECT_DEFAULT
 * when no case was ready; the cause of @ctx's cancellation (also when it
 * was cancelled before the call); -EINTR on a signal; -EINVAL for @n out
 * of range, an unknown @dir or unknown @flags. On error no case moved
 * anything.
 */
int gosync_select(struct gosync_select_case *cases, unsigned int n,
		  struct gosync_ctx *ctx, unsigned int flags);

/**
 * gosync_select_timeout() - gosync_select() for at most a while
 * @cases: the cases
 * @n: the number of cases, 1..%GOSYNC_SELECT_MAX
 * @ctx: a context that ends the wait when cancelled, or NULL
 * @flags: %GOSYNC_SELECT_INTERRUPTIBLE or 0
 * @timeout: jiffies to wait at most; 0 as %GOSYNC_SELECT_DEFAULT, but
 *	returning -ETIMEDOUT
 *
 * Context: process context; sleeps.
 * Return: as gosync_select(), or -ETIMEDOUT when @timeout passed first.
 */
int gosync_select_timeout(struct gosync_select_case *cases, unsigned int n,
			  struct gosync_ctx *ctx, unsigned int flags,
			  long timeout);

/**
 * DOC: gosync_chan pipes: fan-in and pipeline stages
 *
 * A pipe is a kernel thread that receives from one or more channels,
 * optionally transforms each value, and sends the result to an output
 * channel: gosync_chan_merge() is Go's fan-in (N inputs, one output),
 * gosync_chan_stage() one stage of a pipeline (one input, a function).
 * What users otherwise write with bugs is in it: the output is closed
 * exactly once, when every input is closed and drained, or when the pipe
 * is cancelled (its context, or gosync_chan_pipe_stop()), or when the
 * function fails; a value taken but not delivered goes to @drop, never
 * nowhere; and gosync_chan_pipe_wait() returns why it ended.
 *
 * Lifetime. The channels must outlive the pipe: until
 * gosync_chan_pipe_wait() or gosync_chan_pipe_stop() has returned, which
 * the starter must call exactly once (it frees the pipe; the thread has
 * then exited). Values still in the inputs at a cancellation stay there.
 * A module that starts pipes stops them before it unloads.
 *
 * Example, a two-stage pipeline and a fan-in::
 *
 *	p1 = gosync_chan_stage(&raw, &parsed, ctx, &parse_opts, GFP_KERNEL);
 *	p2 = gosync_chan_merge(&all, inputs, 3, ctx, NULL, GFP_KERNEL);
 *	...
 *	err = gosync_chan_pipe_wait(p1);	// 0 once @raw closed and drained
 */

/**
 * struct gosync_chan_pipe_opts - what a pipe does with each value
 * @fn: called with each value received (@in); returns 0 to send *@out,
 *	1 to send nothing (a filter; @in is then @fn's), or a negative errno
 *	to end the pipe (@in is @fn's too). NULL forwards each value as it is.
 *	Runs in the pipe's thread, process context; may sleep, and should
 *	return soon once @ctx is cancelled.
 * @drop: called with a value the pipe holds but cannot deliver (the output
 *	was closed by someone else, or the pipe was cancelled while sending);
 *	NULL to forget it. Runs in the pipe's thread.
 * @arg: passed to @fn and @drop
 * @name: the thread's name, NULL for "gosync-pipe"
 */
struct gosync_chan_pipe_opts {
	int (*fn)(struct gosync_ctx *ctx, void *arg, void *in, void **out);
	void (*drop)(void *arg, void *val);
	void *arg;
	const char *name;
};

struct gosync_chan_pipe;

/**
 * gosync_chan_merge() - start a thread that merges channels into one
 * @out: the output; closed when the pipe ends
 * @in: the inputs, 1..%GOSYNC_SELECT_MAX distinct channels, @out not
 *	among them
 * @n: how many
 * @ctx: cancels the pipe (a child context of it, rather), or NULL
 * @opts: a function and a drop callback, or NULL to forward as they are
 * @gfp: for the pipe's memory
 *
 * Values from one input keep their order; inputs are interleaved as they
 * come (a random pick among those ready). The pipe ends when every input
 * is closed and drained (then gosync_chan_pipe_wait() returns 0).
 *
 * Context: process context; sleeps (creates a kernel thread).
 * Return: the pipe; ERR_PTR(-EINVAL) for @n out of range, a NULL channel,
 * @out among @in or an input twice; ERR_PTR(-ENOMEM) or the kthread's
 * error.
 */
struct gosync_chan_pipe *
gosync_chan_merge(struct gosync_chan *out, struct gosync_chan *const *in,
		  unsigned int n, struct gosync_ctx *ctx,
		  const struct gosync_chan_pipe_opts *opts, gfp_t gfp);

/**
 * gosync_chan_stage() - start a thread that is one stage of a pipeline
 * @in: the input; the stage ends once it is closed and drained
 * @out: the output; closed when the stage ends
 * @ctx: cancels the stage, or NULL
 * @opts: the stage's function (a NULL @opts or @fn forwards values)
 * @gfp: for the stage's memory
 *
 * gosync_chan_merge() with one input.
 *
 * Context: process context; sleeps.
 * Return: as gosync_chan_merge().
 */
struct gosync_chan_pipe *
gosync_chan_stage(struct gosync_chan *in, struct gosync_chan *out,
		  struct gosync_ctx *ctx,
		  const struct gosync_chan_pipe_opts *opts, gfp_t gfp);

/**
 * gosync_chan_pipe_wait() - wait for a pipe to end, and free it
 * @p: the pipe
 *
 * Context: process context; sleeps (uninterruptibly: the pipe ends when
 * its inputs close or its context is cancelled; gosync_chan_pipe_stop()
 * ends it now).
 * Return: 0 if every input was closed and drained; -EPIPE if the output
 * was closed by someone else; the cause of the context's cancellation
 * (-ECANCELED after gosync_chan_pipe_stop()); or @fn's error.
 */
int gosync_chan_pipe_wait(struct gosync_chan_pipe *p);

/**
 * gosync_chan_pipe_stop() - cancel a pipe, wait for it to end, free it
 * @p: the pipe
 *
 * Context: process context; sleeps.
 * Return: as gosync_chan_pipe_wait(): -ECANCELED, or what ended the pipe
 * before.
 */
int gosync_chan_pipe_stop(struct gosync_chan_pipe *p);

#endif /* _GOSYNC_CHAN_H */
