/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_pubsub
 *
 * Publish/subscribe topics: a publisher hands a message to every
 * subscriber of a topic, each of which receives it from a bounded queue
 * of its own, at its own pace. Go's fan-out of one channel to many, the
 * kernel way. ``#include <gosync/pubsub.h>``.
 *
 * gosync_pubsub_init() starts a topic; gosync_pubsub_subscribe() adds a
 * subscriber (a caller-embedded struct gosync_pubsub_sub) with its queue
 * depth and full-queue policy; gosync_pubsub_publish() offers a message
 * to every subscriber; gosync_pubsub_recv() (and its _timeout and try_
 * flavours) takes the oldest message of one subscriber's queue;
 * gosync_pubsub_unsubscribe() removes a subscriber; gosync_pubsub_close()
 * ends the topic.
 *
 * Full queues. Each subscriber chooses, at subscribe, what a publish
 * does when its queue is full: %GOSYNC_PUBSUB_DROP_NEWEST drops the
 * message being published, %GOSYNC_PUBSUB_DROP_OLDEST drops the oldest
 * queued message to make room, %GOSYNC_PUBSUB_BLOCK makes the publisher
 * sleep until there is room (killable, ended by its context or a
 * timeout). Every message dropped for a subscriber is counted in its
 * &gosync_pubsub_stats.dropped: for a subscriber in the topic during a
 * whole publish, the message is either queued for it or counted as
 * dropped, never lost. Messages from one publisher are queued, and
 * received, in the order they were published; no order is kept between
 * publishers.
 *
 * Messages and ownership. A message is a struct gosync_pubsub_msg that
 * the caller embeds in its own object, with a reference count that
 * gosync maintains: publish takes the publisher's reference, each
 * subscriber it queues the message for gets one, and the topic's
 * @release(msg, arg) (given at init; NULL for none) is called exactly
 * once, when the last reference is dropped:
 *
 * - by the publish itself, when no subscriber took the message (none,
 *   all dropped it, the topic is closed) or once every subscriber that
 *   got it has put it;
 * - by gosync_pubsub_put(), which a receiver calls once it is done with
 *   a message that gosync_pubsub_recv() gave it;
 * - by a publish that drops the oldest message of a full queue (the
 *   dropped message's reference);
 * - by gosync_pubsub_unsubscribe(), for the messages still queued.
 *
 * So @release runs in the context of publish, put or unsubscribe: if any
 * of them is called in atomic context, @release must not sleep (a
 * kfree() or kmem_cache_free() is fine). Every publish consumes its
 * message, whatever it returns but -EBUSY: a publish refused because the
 * topic is closed releases it too. A message may be published again
 * only after its release (publishing one still referenced WARNs and
 * returns -EBUSY). With a NULL @release, the messages are the publisher's
 * and must outlive every reference: gosync_pubsub_msg_busy() says whether
 * any is left.
 *
 * No lock on the subscriber list. Publish walks the subscribers under
 * rcu_read_lock() and takes only each subscriber's raw spinlock to queue
 * its message, so publishers never serialize on the topic, and with drop
 * policies only it works in any context (hard interrupts included, also
 * on PREEMPT_RT). Subscribe, unsubscribe and close take the topic's mutex
 * and sleep.
 *
 * Unsubscribe against a concurrent publish. gosync_pubsub_unsubscribe()
 * marks the subscriber dead under its lock (a publish queues under the
 * same lock and queues nothing for a dead subscriber), wakes a publisher
 * blocked on it and waits until it has let go, unlinks it and waits for
 * an RCU grace period, then releases its queued messages. Once it
 * returns, no message is queued for it, no publish touches it, and its
 * memory (and its ring, which it frees) may be reused. A publish racing
 * it may or may not have queued its message before the dead mark: if it
 * did, the message is released by the unsubscribe, never leaked.
 *
 * Close. gosync_pubsub_close() marks the topic and every subscriber
 * closed: later publishes return -EPIPE and deliver nothing, publishers
 * blocked on a full queue return -EPIPE, later subscribes -EPIPE. A
 * subscriber still receives what was queued before the mark, and then
 * gosync_pubsub_recv() returns -EPIPE. A publish that races close may
 * queue its message for the subscribers it reached before they were
 * marked and returns -EPIPE (the others never see it). Subscribers must
 * still be unsubscribed.
 *
 * Return of publish. The number of subscribers the message was queued
 * for (0 with no subscriber, or when every one dropped it), or a negative
 * errno: -EPIPE (the topic is, or became, closed), -EBUSY (the message is
 * still referenced), or the end of a blocking wait: the cause of @ctx's
 * cancellation, -EINTR on a fatal signal, -ETIMEDOUT. A wait ended so
 * counts the message as dropped for the subscriber it waited on, and the
 * publish goes on to the others without waiting again (a full
 * %GOSYNC_PUBSUB_BLOCK queue then counts a drop too): a cancelled
 * publish is a partial delivery, each subscriber having it queued or
 * counted as dropped, and the caller learns only the cause.
 *
 * Contexts: gosync_pubsub_try_publish(), gosync_pubsub_try_recv(),
 * gosync_pubsub_put(), gosync_pubsub_stats() and gosync_pubsub_msg_*():
 * any context, hard interrupts included (also on PREEMPT_RT: raw
 * spinlocks and wake_up_process()), provided @release allows it.
 * gosync_pubsub_publish() too while no subscriber has the BLOCK policy;
 * with one, it may sleep (process context). gosync_pubsub_recv*(),
 * _subscribe, _unsubscribe and _close: process context, may sleep.
 *
 * Lifetime. init, subscribes and publishes, unsubscribes, close. The
 * topic may be freed once gosync_pubsub_close() returned, every
 * subscriber is unsubscribed, no publish is running, and no message a
 * receiver got is still to be put (put needs the topic for @release).
 *
 * Example::
 *
 *	struct event { struct gosync_pubsub_msg m; int code; };
 *
 *	static void event_free(struct gosync_pubsub_msg *m, void *arg)
 *	{
 *		kfree(container_of(m, struct event, m));
 *	}
 *
 *	gosync_pubsub_init(&topic, event_free, NULL);
 *	gosync_pubsub_subscribe(&topic, &sub, 64, GOSYNC_PUBSUB_DROP_OLDEST,
 *				GFP_KERNEL);
 *	...				// a publisher, even in an irq handler:
 *	ev = kmalloc(sizeof(*ev), GFP_ATOMIC);
 *	gosync_pubsub_msg_init(&ev->m);
 *	ev->code = 42;
 *	gosync_pubsub_try_publish(&topic, &ev->m);	// gosync owns it now
 *	...				// the subscriber's thread:
 *	while (!gosync_pubsub_recv(&sub, ctx, &m)) {
 *		handle(container_of(m, struct event, m));
 *		gosync_pubsub_put(&topic, m);
 *	}
 */
#ifndef _GOSYNC_PUBSUB_H
#define _GOSYNC_PUBSUB_H

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <gosync/gosync.h>

struct gosync_ctx;

/* The deepest queue a subscriber may ask for. */
#define GOSYNC_PUBSUB_DEPTH_MAX		1048576U

/**
 * enum gosync_pubsub_policy - what a publish does when a queue is full
 * @GOSYNC_PUBSUB_DROP_NEWEST: drop the message being published
 * @GOSYNC_PUBSUB_DROP_OLDEST: drop the oldest queued message for it
 * @GOSYNC_PUBSUB_BLOCK: wait for room (the publish may then sleep)
 * @GOSYNC_PUBSUB_NR_POLICIES: the number of policies
 */
enum gosync_pubsub_policy {
	GOSYNC_PUBSUB_DROP_NEWEST,
	GOSYNC_PUBSUB_DROP_OLDEST,
	GOSYNC_PUBSUB_BLOCK,
	GOSYNC_PUBSUB_NR_POLICIES,
};

/**
 * struct gosync_pubsub_msg - the header of a published message
 * @refs: its references: the publisher's during publish, one per queue
 *	holding it or receiver not done with it
 *
 * Embedded in the caller's message; gosync_pubsub_msg_init() before the
 * first publish, nothing else (the topic's release callback finds the
 * caller's object with container_of()).
 */
struct gosync_pubsub_msg {
	atomic_t refs;
};

/**
 * typedef gosync_pubsub_release_t - a topic's release of a message
 * @msg: the message, no longer referenced by anyone
 * @arg: the topic's release argument
 *
 * Called exactly once per publish of @msg, in the context of the publish,
 * put or unsubscribe that dropped the last reference.
 */
typedef void (*gosync_pubsub_release_t)(struct gosync_pubsub_msg *msg,
					void *arg);

struct gosync_pubsub_sub;

/**
 * struct gosync_pubsub - a topic
 * @subs: its subscribers, a singly linked list read under RCU
 * @lock: serializes subscribe, unsubscribe and close
 * @release: called when a message's last reference is dropped, or NULL
 * @arg: its argument
 * @closed: set by gosync_pubsub_close()
 * @nr_subs: the number of subscribers
 *
 * Opaque: use the functions below.
 */
struct gosync_pubsub {
	struct gosync_pubsub_sub __rcu *subs;
	struct mutex lock;	/* subscribe, unsubscribe, close */
	gosync_pubsub_release_t release;
	void *arg;
	bool closed;
	unsigned int nr_subs;
};

/**
 * struct gosync_pubsub_sub - a subscriber of a topic
 * @next: the next subscriber of the topic (RCU)
 * @topic: the topic, while subscribed
 * @lock: guards everything below
 * @ring: the queue, @depth slots
 * @depth: the queue's capacity
 * @head: the slot of the oldest queued message
 * @count: the messages queued
 * @pins: publishers blocked on this queue, holding on to it
 * @policy: an enum gosync_pubsub_policy
 * @dead: unsubscribe started: nothing is queued any more
 * @closed: the topic was closed
 * @waiters: the tasks sleeping on this queue
 * @queued: messages queued in all
 * @received: messages taken by a receiver
 * @dropped: messages dropped for this subscriber
 *
 * The caller's memory, from gosync_pubsub_subscribe() to the return of
 * gosync_pubsub_unsubscribe(). Opaque: use the functions below.
 */
struct gosync_pubsub_sub {
	struct gosync_pubsub_sub __rcu *next;
	struct gosync_pubsub *topic;
	raw_spinlock_t lock;
	struct gosync_pubsub_msg **ring;
	u32 depth;
	u32 head;
	u32 count;
	u32 pins;
	u8 policy;
	bool dead;
	bool closed;
	struct list_head waiters;
	u64 queued;
	u64 received;
	u64 dropped;
};

/**
 * struct gosync_pubsub_stats - a subscriber's counters
 * @queued: messages queued for it (each is then received, dropped as the
 *	oldest, or released by unsubscribe)
 * @received: messages taken by gosync_pubsub_recv() and its flavours
 * @dropped: messages dropped for it: the newest or the oldest of a full
 *	queue, or a blocking publish that gave up waiting for room
 * @pending: messages queued now
 */
struct gosync_pubsub_stats {
	u64 queued;
	u64 received;
	u64 dropped;
	u32 pending;
};

/**
 * gosync_pubsub_msg_init() - prepare a message for its (next) publish
 * @msg: the message header
 *
 * Context: any context.
 */
static inline void gosync_pubsub_msg_init(struct gosync_pubsub_msg *msg)
{
	atomic_set(&msg->refs, 0);
}

/**
 * gosync_pubsub_msg_busy() - whether a message is still referenced
 * @msg: the message header
 *
 * A snapshot: false once its last reference was dropped (and the topic's
 * release, if any, called or being called).
 *
 * Context: any context.
 * Return: true while a publish, a queue or a receiver holds @msg.
 */
static inline bool gosync_pubsub_msg_busy(const struct gosync_pubsub_msg *msg)
{
	return atomic_read(&msg->refs) != 0;
}

/**
 * gosync_pubsub_init() - start a topic with no subscriber
 * @t: the topic
 * @release: called once per published message when its last reference
 *	is dropped (see the DOC above for where), or NULL
 * @arg: passed to @release
 *
 * Context: process context.
 */
void gosync_pubsub_init(struct gosync_pubsub *t,
			gosync_pubsub_release_t release, void *arg);

/**
 * gosync_pubsub_subscribe() - add a subscriber to a topic
 * @t: the topic
 * @sub: the subscriber, the caller's memory (its previous content is
 *	ignored)
 * @depth: its queue's capacity, 1..%GOSYNC_PUBSUB_DEPTH_MAX
 * @policy: what a publish does when the queue is full
 * @gfp: for the queue's allocation (@depth pointers)
 *
 * Receives the messages of publishes that find it in the topic: those
 * that start after this call returns, and maybe some already running.
 *
 * Context: process context; sleeps (the topic's mutex).
 * Return: 0; -EINVAL for a depth or policy out of range; -ENOMEM;
 * -EPIPE if the topic is closed.
 */
int gosync_pubsub_subscribe(struct gosync_pubsub *t,
			    struct gosync_pubsub_sub *sub, u32 depth,
			    enum gosync_pubsub_policy policy, gfp_t gfp);

/**
 * gosync_pubsub_unsubscribe() - remove a subscriber from its topic
 * @sub: the subscriber
 *
 * Queues nothing more for @sub, even for a publish running now; ends the
 * wait of a publisher blocked on its queue (that publish goes on to the
 * other subscribers) and of its receivers (-EPIPE), and waits until they
 * have let go of @sub (no task may call recv on it after this returns);
 * releases its queued
 * messages (their references are put, calling the topic's release for
 * the last ones); frees its queue. Waits for an RCU grace period.
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL if @sub is not subscribed (a second unsubscribe, or
 * one racing another, is refused this way, with a WARN).
 */
int gosync_pubsub_unsubscribe(struct gosync_pubsub_sub *sub);

/**
 * gosync_pubsub_publish() - offer a message to every subscriber
 * @t: the topic
 * @msg: the message, gosync_pubsub_msg_init()ed, not referenced
 * @ctx: ends a wait for room when cancelled, or NULL
 *
 * Queues @msg for each subscriber, by its policy when its queue is full;
 * may sleep on a full %GOSYNC_PUBSUB_BLOCK queue (killable). The
 * publisher's reference is dropped before the return: @msg may be
 * released by then.
 *
 * Context: any context while no subscriber has the BLOCK policy
 * (provided the topic's release allows it); otherwise process context,
 * may sleep.
 * Return: the number of subscribers it was queued for; -EPIPE if the
 * topic is or became closed; -EBUSY (with a WARN) if @msg is still
 * referenced; the cause of @ctx's cancellation (also when it was
 * cancelled before the call and a queue was full), -EINTR (fatal
 * signal): see "Return of publish" in the DOC above for the partial
 * delivery they mean.
 */
int gosync_pubsub_publish(struct gosync_pubsub *t,
			  struct gosync_pubsub_msg *msg,
			  struct gosync_ctx *ctx);

/**
 * gosync_pubsub_publish_timeout() - gosync_pubsub_publish(), waiting for
 *	room at most a while
 * @t: the topic
 * @msg: the message
 * @ctx: ends a wait for room when cancelled, or NULL
 * @timeout: jiffies, for the whole publish; 0 never waits
 *
 * Context: as gosync_pubsub_publish(); with a 0 @timeout, any context.
 * Return: as gosync_pubsub_publish(), or -ETIMEDOUT when @timeout passed
 * while waiting for room (with 0: a full BLOCK queue was met).
 */
int gosync_pubsub_publish_timeout(struct gosync_pubsub *t,
				  struct gosync_pubsub_msg *msg,
				  struct gosync_ctx *ctx, long timeout);

/**
 * gosync_pubsub_try_publish() - gosync_pubsub_publish() that never waits
 * @t: the topic
 * @msg: the message
 *
 * A full %GOSYNC_PUBSUB_BLOCK queue counts the message as dropped.
 *
 * Context: any context (provided the topic's release allows it).
 * Return: as gosync_pubsub_publish_timeout() with a 0 timeout.
 */
int gosync_pubsub_try_publish(struct gosync_pubsub *t,
			      struct gosync_pubsub_msg *msg);

/**
 * gosync_pubsub_recv() - take a subscriber's oldest message, waiting for
 *	one (killable)
 * @sub: the subscriber
 * @ctx: ends the wait when cancelled, or NULL
 * @msg: set to the message, whose reference is now the caller's: call
 *	gosync_pubsub_put() when done with it
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: 0 with *@msg set; -EPIPE once the topic is closed (or @sub
 * unsubscribed) and the queue is empty; the cause of @ctx's cancellation
 * (also when cancelled before the call with the queue empty); -EINTR on
 * a fatal signal.
 */
int gosync_pubsub_recv(struct gosync_pubsub_sub *sub, struct gosync_ctx *ctx,
		       struct gosync_pubsub_msg **msg);

/**
 * gosync_pubsub_recv_timeout() - gosync_pubsub_recv() for at most a while
 * @sub: the subscriber
 * @ctx: ends the wait when cancelled, or NULL
 * @msg: set to the message
 * @timeout: jiffies; 0 never waits
 *
 * Context: process context; sleeps (TASK_KILLABLE).
 * Return: as gosync_pubsub_recv(), or -ETIMEDOUT when @timeout passed
 * with the queue empty.
 */
int gosync_pubsub_recv_timeout(struct gosync_pubsub_sub *sub,
			       struct gosync_ctx *ctx,
			       struct gosync_pubsub_msg **msg, long timeout);

/**
 * gosync_pubsub_try_recv() - take a subscriber's oldest message if any
 * @sub: the subscriber
 * @msg: set to the message (the caller's reference, to put)
 *
 * Context: any context.
 * Return: 0 with *@msg set; -EAGAIN if the queue is empty; -EPIPE if it
 * is empty and the topic closed (or @sub unsubscribed).
 */
int gosync_pubsub_try_recv(struct gosync_pubsub_sub *sub,
			   struct gosync_pubsub_msg **msg);

/**
 * gosync_pubsub_put() - a receiver is done with a message
 * @t: the topic it was published on
 * @msg: the message gosync_pubsub_recv() gave
 *
 * Drops the receiver's reference; the last one calls the topic's release.
 *
 * Context: any context (provided the topic's release allows it).
 */
void gosync_pubsub_put(struct gosync_pubsub *t, struct gosync_pubsub_msg *msg);

/**
 * gosync_pubsub_stats() - a subscriber's counters
 * @sub: the subscriber (subscribed, or not yet reused after unsubscribe)
 * @st: filled with a consistent snapshot
 *
 * Context: any context.
 */
void gosync_pubsub_stats(struct gosync_pubsub_sub *sub,
			 struct gosync_pubsub_stats *st);

/**
 * gosync_pubsub_close() - end a topic
 * @t: the topic
 *
 * Later publishes and subscribes return -EPIPE; blocked publishers
 * return -EPIPE; each subscriber's receivers get what is queued, then
 * -EPIPE. A second close changes nothing.
 *
 * Context: process context; sleeps (the topic's mutex).
 */
void gosync_pubsub_close(struct gosync_pubsub *t);

#endif /* _GOSYNC_PUBSUB_H */
